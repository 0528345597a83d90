//! What the centre's desk (`comptoir`) and the network's hub (`comptoir-hub`) share: pure
//! types and rules, no database, no network, no keyring. The hub links this crate, not the
//! desk's core, so that it carries none of the desk's native dependencies (SQLCipher, keyring,
//! the HTTP client). The page layout (`layout`, feature `pdf`) and the funder's report
//! (`report`) are here because both the centres and the network print that report. The core
//! re-exports every module under its own name (`comptoir::device` is `comptoir_common::device`).

pub mod aftersales;
pub mod delivery;
pub mod device;
#[cfg(feature = "pdf")]
pub mod layout;
pub mod money;
pub mod programme;
pub mod protocol;
pub mod provenance;
pub mod refurbishing;
pub mod refusals;
pub mod report;
#[cfg(feature = "sql")]
mod sql;
pub mod tax;
pub mod text;
