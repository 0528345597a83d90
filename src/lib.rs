//! Comptoir's core: the domain and its services, with no window and no UI. The Tauri shell in
//! `src-tauri/` and the `comptoir` CLI are thin layers over this crate. See ARCHITECTURE.md.

pub mod aftersales;
pub mod archive;
pub mod backup;
pub mod beneficiary;
pub mod centre;
pub mod delivery;
pub mod demo;
pub mod desk;
pub use comptoir_common::device;
pub mod diagnostic;
pub mod documents;
pub mod donors;
pub mod eligibility;
pub mod error;
pub mod journal;
pub mod loans;
pub mod local;
pub mod logging;
pub mod model;
pub use comptoir_common::money;
pub mod operators;
pub mod pos;
pub mod printing;
pub mod privacy;
pub mod programme;
pub use comptoir_common::protocol;
pub use comptoir_common::provenance;
pub use comptoir_common::refurbishing;
pub mod records;
pub mod reports;
pub mod setup;
pub mod stock;
pub mod store;
pub mod sync;
pub use comptoir_common::tax;
pub mod text;
pub mod vault;

pub use error::{Code, Error, Failure, Result};
pub use money::Money;
pub use store::Store;
