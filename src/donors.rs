//! The donor report: for a donor (a Département under its convention, a company, a person) and
//! a period, what became of the devices received from it in the period — each in exactly one
//! column by where it stands at the period's end: sold, taken back by a credit note, given back
//! to the network, on sale, lent, out of order, recycled, lost, not yet on sale — and the
//! people equipped by public. Aggregates only: never a name; one or two people show « < 3 ».
//! As PDF and CSV.
//!
//! Invariant (conservation, by construction: one column a device, in one query): received =
//! sold + taken back + given back + on sale + lent + out of order + recycled + lost + waiting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::Digest;

use crate::device::DeviceKind;
use crate::error::{Code, Error, Result};
use crate::programme::Programme;
use crate::provenance::DonorKind;
use crate::reports::Cell;
use crate::store::{donors as sql, Store};
use crate::text::fold;

/// A donor of the stock, for the window's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Donor {
    pub name: String,
    pub kind: DonorKind,
    pub devices: i64,
}

/// What became of the donor's devices received in the period, each counted once, by where it
/// stands at the period's end. `received` is their number; the other columns add up to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DonorCounts {
    pub received: i64,
    /// Sold (and not taken back).
    pub sold: i64,
    /// Sold, then taken back by a credit note: back at the centre (on sale again or being
    /// repaired), not sold again.
    pub taken_back: i64,
    /// Given back to the network.
    pub given_back: i64,
    /// On sale (reserved included), never sold.
    pub on_sale: i64,
    /// Lent (a loan running).
    pub lent: i64,
    /// Out of order (defective), never sold.
    pub out_of_order: i64,
    /// Sent to recycling (DEEE).
    pub recycled: i64,
    /// Lost (a loan never given back).
    pub lost: i64,
    /// Checked in, not yet on sale.
    pub waiting: i64,
}

/// The columns' labels, in order (the report's table and its CSV).
pub const COLUMNS: [&str; 10] = [
    "Reçus",
    "Vendus",
    "Repris (avoir)",
    "Rendus au réseau",
    "En vente",
    "Prêtés",
    "Hors service",
    "Recyclés",
    "Perdus",
    "Pas encore en vente",
];

impl DonorCounts {
    /// In the report's column order ([`COLUMNS`]).
    pub fn columns(&self) -> [i64; 10] {
        [
            self.received,
            self.sold,
            self.taken_back,
            self.given_back,
            self.on_sale,
            self.lent,
            self.out_of_order,
            self.recycled,
            self.lost,
            self.waiting,
        ]
    }

    /// Where the devices received stand, added up: equals `received` (the conservation law).
    pub fn accounted(&self) -> i64 {
        self.columns()[1..].iter().sum()
    }
}

impl From<[i64; 10]> for DonorCounts {
    fn from(n: [i64; 10]) -> Self {
        DonorCounts {
            received: n[0],
            sold: n[1],
            taken_back: n[2],
            given_back: n[3],
            on_sale: n[4],
            lent: n[5],
            out_of_order: n[6],
            recycled: n[7],
            lost: n[8],
            waiting: n[9],
        }
    }
}

/// What became of the donor's devices of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonorKindRow {
    pub kind: DeviceKind,
    #[serde(flatten)]
    pub counts: DonorCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonorPublic {
    pub public: String,
    pub label: String,
    pub people: Cell,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonorReport {
    /// « DON-<centre>-<du>-<au>-<donateur> »: the same report made again has the same number.
    pub number: String,
    pub donor: String,
    pub kinds: Vec<DonorKind>,
    pub conventions: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<DonorKindRow>,
    pub total: DonorCounts,
    pub people: Cell,
    pub publics: Vec<DonorPublic>,
}

/// The donors of the stock.
pub fn donors(store: &Store) -> Result<Vec<Donor>> {
    sql::donors(store.db())?
        .into_iter()
        .map(|(name, kind, devices)| {
            Ok(Donor {
                name,
                kind: DonorKind::parse(&kind)?,
                devices,
            })
        })
        .collect()
}

/// The report of the donor named `donor` (accents and case ignored) from `from` to `to` (local
/// days, both included); public labels from the programmes.
pub fn build(
    store: &Store,
    programmes: &[Programme],
    donor: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DonorReport> {
    let (start, end) = crate::reports::bounds(from, to)?;
    let all = donors(store)?;
    let matching: Vec<&Donor> = all.iter().filter(|d| fold(&d.name) == fold(donor)).collect();
    let Some(first) = matching.first() else {
        return Err(Error::Refused {
            code: Code::NotFound,
            message: format!(
                "Aucun appareil du donateur « {donor} ». Donateurs : {}.",
                if all.is_empty() {
                    "aucun (la provenance se saisit à l'import ou à la main)".to_string()
                } else {
                    all.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
        });
    };
    let name = first.name.clone();
    let conn = store.db();
    let rows = sql::movements(conn, &name, &start, &end)?
        .into_iter()
        .map(|(kind, counts)| {
            Ok(DonorKindRow {
                kind: DeviceKind::parse(&kind)?,
                counts: counts.into(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut total = [0; 10];
    for row in &rows {
        for (sum, n) in total.iter_mut().zip(row.counts.columns()) {
            *sum += n;
        }
    }
    let (people, by_public) = sql::people(conn, &name, &start, &end)?;
    let labels: BTreeMap<&str, &str> = programmes
        .iter()
        .flat_map(|p| {
            p.publics
                .values()
                .map(|public| (public.code.as_str(), public.label.as_str()))
        })
        .collect();
    let publics = by_public
        .into_iter()
        .map(|(code, n)| DonorPublic {
            label: labels
                .get(code.as_str())
                .map_or_else(|| code.clone(), |l| l.to_string()),
            public: code,
            people: Cell::of(n),
        })
        .collect();
    let (centre, _) = crate::pos::register_identity(store)?;
    // The same donor and period give the same number: the donor by a short digest of its name.
    let digest = sha2::Sha256::digest(fold(&name).as_bytes());
    let donor_code: String = digest.iter().take(3).map(|b| format!("{b:02X}")).collect();
    Ok(DonorReport {
        number: format!(
            "DON-{centre}-{}-{}-{donor_code}",
            from.format("%Y%m%d"),
            to.format("%Y%m%d")
        ),
        donor: name,
        kinds: matching.iter().map(|d| d.kind).collect(),
        conventions: sql::conventions(conn, &first.name)?,
        from,
        to,
        rows,
        total: total.into(),
        people: Cell::of(people),
        publics,
    })
}

/// The CSV for French spreadsheets: `;`, UTF-8 with BOM, dates JJ/MM/AAAA.
pub fn to_csv(report: &DonorReport) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = vec![
        vec!["Rapport".into(), report.number.clone()],
        vec!["Donateur".into(), report.donor.clone()],
        vec![
            "Provenance".into(),
            report.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join(", "),
        ],
        vec!["Conventions".into(), report.conventions.join(", ")],
        vec![
            "Période".into(),
            format!(
                "du {} au {}",
                report.from.format("%d/%m/%Y"),
                report.to.format("%d/%m/%Y")
            ),
        ],
        vec![],
        std::iter::once("Type d'appareil")
            .chain(COLUMNS)
            .map(String::from)
            .collect(),
    ];
    let numbers = |label: &str, counts: &DonorCounts| -> Vec<String> {
        std::iter::once(label.to_string())
            .chain(counts.columns().map(|n| n.to_string()))
            .collect()
    };
    for r in &report.rows {
        rows.push(numbers(r.kind.label(), &r.counts));
    }
    rows.push(numbers("Total", &report.total));
    rows.push(vec![]);
    rows.push(vec!["Personnes équipées".into(), report.people.text()]);
    for p in &report.publics {
        rows.push(vec![format!("dont {}", p.label), p.people.text()]);
    }
    crate::reports::csv_bytes(&rows)
}
