//! The rows and values the store reads and writes, shared by the store and the services: plain
//! types with their derives, no I/O and no rule. The services re-export them where they are
//! used (`comptoir::stock::Device` is `comptoir::model::stock::Device`), and add the behaviour
//! in their own `impl` blocks. The store imports these, never a service module.

pub mod centre;
pub mod eligibility;
pub mod operators;
pub mod people;
pub mod pos;
pub mod refusals;
pub mod stock;
pub mod sync;
