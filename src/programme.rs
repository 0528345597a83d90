//! Programmes (conventions): the rules are `comptoir_common::programme` (shared with the hub);
//! here, what the desk adds to them.

pub use comptoir_common::programme::*;

use std::path::Path;

use crate::error::Code;

/// The name a programme file is kept under: the last part of `file_name`, which must end
/// with `.toml`.
pub fn file_name_of(file_name: &str) -> crate::error::Result<String> {
    Path::new(file_name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".toml"))
        .ok_or_else(|| crate::error::Error::Refused {
            code: Code::Invalid,
            message: format!("« {file_name} » : un fichier de programme se termine par .toml."),
        })
}
