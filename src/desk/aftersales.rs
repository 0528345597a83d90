//! L'après-vente and `comptoir sav` / `recycle`: warranty returns opened from a receipt or a
//! scan and ended repaired, exchanged or refunded, with the documents the family signs; the
//! recycling batches and their printed list.

use crate::device::Term;
use crate::documents::{self, Document};
use crate::error::Result;
use crate::operators::Actor;
use crate::store::Store;

pub use crate::aftersales::recycling::{
    candidates as recycling_candidates, get as recycling_batch, list as recycling_batches, record as record_recycling,
    RecycledInput, RecycledView, RecyclingBatch, RecyclingCandidate, RecyclingInput,
};
pub use crate::aftersales::returns::{
    candidates as return_candidates, close as close_return, get as warranty_return, list as warranty_returns,
    open as open_return, Closed, OutcomeInput, ReturnEnd, ReturnInput, ReturnPreview, WarrantyReturn,
};
pub use crate::aftersales::{Destruction, FaultCategory, Guarantee, Outcome};

/// What the family signs and keeps when a return is opened: the deposit slip.
pub fn deposit_documents(store: &mut Store, number: &str, actor: &Actor) -> Result<Vec<Document>> {
    Ok(vec![documents::return_slip(store, number, actor)?])
}

/// What a return's end hands over: its outcome slip; for an exchange, the exchange document
/// and the onboarding sheet of the device handed over; for a refund, the credit note.
pub fn outcome_documents(store: &mut Store, number: &str, actor: &Actor) -> Result<Vec<Document>> {
    let ret = crate::aftersales::returns::get(store, number)?;
    let mut made = vec![documents::outcome_slip(store, number, actor)?];
    if let Some(end) = &ret.outcome {
        if let Some(exchange) = &end.exchange_number {
            made.push(documents::exchange(store, exchange, actor)?);
            made.extend(documents::exchange_onboarding(store, exchange)?);
        }
        if let Some(note) = &end.credit_note {
            // A credit note's original waits while Réglages › Centre is incomplete (it is
            // printed once they are saved): the other documents are made all the same.
            match documents::credit_note(store, note, actor) {
                Ok(document) => made.push(document),
                Err(e) if e.code() == crate::error::Code::NotConfigured.as_str() => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(made)
}

/// A recycling batch's printed list (signed by the collection point).
pub fn recycling_documents(store: &mut Store, number: &str, actor: &Actor) -> Result<Vec<Document>> {
    Ok(vec![documents::recycling_list(store, number, actor)?])
}

/// The fault categories, outcomes, ways of destroying data, refund methods, a loan's
/// conditions at return and deposit methods, as the forms list them.
pub fn choices() -> Choices {
    use crate::device::terms;
    Choices {
        faults: terms::<FaultCategory>(),
        outcomes: terms::<Outcome>(),
        destructions: terms::<Destruction>(),
        refunds: terms::<crate::model::pos::PaymentMethod>(),
        conditions: crate::loans::Condition::ALL
            .iter()
            .map(|c| Term {
                code: c.code(),
                label: crate::loans::Condition::label_of(c.code()),
            })
            .collect(),
        deposit_methods: crate::loans::DEPOSIT_METHODS
            .iter()
            .map(|(code, label)| Term { code, label })
            .collect(),
    }
}

/// The lists an after-sales form offers.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Choices {
    pub faults: Vec<Term>,
    pub outcomes: Vec<Term>,
    pub destructions: Vec<Term>,
    pub refunds: Vec<Term>,
    /// A lent device's condition when it comes back.
    pub conditions: Vec<Term>,
    pub deposit_methods: Vec<Term>,
}
