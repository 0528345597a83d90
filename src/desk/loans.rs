//! Les prêts and `comptoir loan`: lend an available device (with its agreement to sign), give
//! it back (its condition, its deposit, a slip), set the date after which it may be declared
//! lost, declare it lost, or turn it into a sale (its receipt and onboarding sheet as after any
//! sale: `documents::after_sale`).

use crate::documents::{self, Document};
use crate::error::Result;
use crate::operators::Actor;
use crate::store::Store;

pub use crate::loans::{
    convert as convert_loan, declare_lost, get as loan, give_back as give_back_loan, lend, list as loans,
    overdue as overdue_loans, set_lost_after, ConvertInput, GiveBackInput, Loan, LoanEnd, LoanInput,
};

/// What the borrower signs when a device is lent: the loan agreement (two copies).
pub fn lend_documents(store: &mut Store, number: &str, actor: &Actor) -> Result<Vec<Document>> {
    Ok(vec![documents::loan_agreement(store, number, actor)?])
}

/// What is signed when the device comes back: the return slip (its condition, the deposit).
pub fn give_back_documents(store: &mut Store, number: &str, actor: &Actor) -> Result<Vec<Document>> {
    Ok(vec![documents::loan_return(store, number, actor)?])
}
