//! What a refused input says: a form's errors by field, a delivery file's errors by line and
//! column, a programme file's error with its line. The core's `Error` carries them.

use std::fmt;

use serde::Serialize;

/// One field refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FieldError {
    /// The form's field (`siret`, `help_phone`, `devices.0.price`): the window puts the
    /// message beside it.
    pub field: String,
    pub message: String,
}

/// One thing wrong in a file: where (line, column) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LineError {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "ligne {}, colonne « {column} » : {}", self.line, self.message),
            None => write!(f, "ligne {} : {}", self.line, self.message),
        }
    }
}

/// A delivery file refused as a whole: nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ImportRejected {
    pub file_name: String,
    pub errors: Vec<LineError>,
}

/// How many of a refused file's errors its message lists (then their count).
pub const MAX_ERRORS_SHOWN: usize = 100;
/// How long each listed error may be (a cell it quotes is cut).
pub const MAX_ERROR_CHARS: usize = 200;

impl fmt::Display for ImportRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "Fichier « {} » refusé, rien n'a été importé ({n} erreur{}) :",
            self.file_name,
            if n > 1 { "s" } else { "" }
        )?;
        // The first errors, each cut short (a cell may be 20 000 characters): enough to correct
        // the file, never a page of megabytes.
        for e in self.errors.iter().take(MAX_ERRORS_SHOWN) {
            write!(f, "\n  - {}", crate::text::shorten(&e.to_string(), MAX_ERROR_CHARS))?;
        }
        if n > MAX_ERRORS_SHOWN {
            write!(f, "\n  … et {} autre(s) erreur(s).", n - MAX_ERRORS_SHOWN)?;
        }
        write!(f, "\nCorrigez le fichier puis importez-le de nouveau.")
    }
}

/// A programme file refused: where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ProgrammeError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ProgrammeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "Programme « {} », ligne {line} : {}", self.file, self.message),
            None => write!(f, "Programme « {} » : {}", self.file, self.message),
        }
    }
}
