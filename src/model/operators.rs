//! The profiles at the desk: a role, a profile.

use serde::Serialize;

use crate::device::code_enum;

code_enum! {
    /// What a profile may do.
    pub enum Role, "rôle" {
        Mediator => "mediator", "Médiateur·rice", ["mediateur", "mediatrice"];
        Manager => "manager", "Responsable", ["responsable"];
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Operator {
    pub name: String,
    pub role: Role,
    pub active: bool,
}
