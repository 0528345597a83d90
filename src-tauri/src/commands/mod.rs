//! The window's commands, one file per screen. Each parses, calls the core (its workflow layer
//! and services), and maps the error: no rule lives here.
//!
//! Each call to the core is written out (`pos::verify_journal(store, actor)`), never as a bare
//! path: `tests/it/tidy.rs` reads these files to prove every act is in both shells.
#![allow(clippy::redundant_closure)]

pub(crate) mod aftersales;
pub(crate) mod documents;
pub(crate) mod info;
pub(crate) mod loans;
pub(crate) mod network;
pub(crate) mod people;
pub(crate) mod pos;
pub(crate) mod safety;
pub(crate) mod settings;
pub(crate) mod stock;
