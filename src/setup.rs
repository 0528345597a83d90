//! The first run: on a fresh install (no profile, no centre name, no sale), one form creates
//! the centre, its first manager, and its programme (a file the network gave, or the shipped
//! default copied as the centre's own file, ready to edit). Everything is checked before
//! anything is written.

use crate::error::Code;
use std::path::Path;

use serde::Deserialize;

use crate::centre::{self, CentreInput};
use crate::error::{Error, Result};
use crate::operators::{self, Role};
use crate::programme::{LegalCaps, Programme};
use crate::store::Store;

/// Whether this database is a fresh install that needs the first-run form.
pub fn needed(store: &Store) -> Result<bool> {
    let sales = crate::store::pos::sales_count(store.db())?;
    Ok(!operators::any(store)? && centre::load(store)?.name.is_none() && sales == 0)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct FirstRun {
    pub centre: CentreInput,
    pub manager: String,
    pub pin: String,
    /// A programme file's name and content; none: the shipped default, copied.
    pub programme: Option<(String, String)>,
    /// The centre's code in receipt numbers (C01 when none).
    #[serde(default)]
    pub centre_code: Option<String>,
    /// This register's code (R1 when none): each PC of a centre has its own.
    #[serde(default)]
    pub register_code: Option<String>,
}

/// Creates the centre, the first manager and the programme file (in `programmes_folder`).
pub fn first_run(store: &mut Store, programmes_folder: &Path, input: &FirstRun) -> Result<Programme> {
    if !needed(store)? {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: "Ce poste est déjà installé : les réglages se changent dans Réglages.".into(),
        });
    }
    // Check everything first.
    let settings = input.centre.parse().map_err(Error::InvalidFields)?;
    let Some(name) = settings.name.clone() else {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: "Donnez le nom de la structure.".into(),
        });
    };
    operators::check_pin(&input.pin)?;
    let code = |value: &Option<String>| -> Result<Option<String>> {
        value
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(crate::pos::check_code)
            .transpose()
    };
    let (centre_code, register_code) = (code(&input.centre_code)?, code(&input.register_code)?);
    if settings.tax_status.is_none() {
        return Err(Error::InvalidFields(vec![crate::beneficiary::FieldError {
            field: "tax_status".into(),
            message: "Choisissez le régime de TVA de la structure (votre comptable le confirme ; une association \
                      non lucrative est en général exonérée)."
                .into(),
        }]));
    }
    if input.manager.trim().chars().count() < 2 {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: "Donnez le nom du ou de la responsable (2 caractères au moins).".into(),
        });
    }
    let caps = LegalCaps::shipped();
    let (file_name, content) = match &input.programme {
        Some((file, content)) => (file.clone(), content.clone()),
        None => {
            let default = include_str!("../assets/programmes/defaut.toml");
            let own = default.replace("id = \"defaut\"", "id = \"programme-centre\"").replace(
                "funder = \"Structure (fonds propres)\"",
                &format!("funder = {}", toml::Value::String(name.clone())),
            );
            ("programme-centre.toml".to_string(), own)
        }
    };
    let file_name = crate::programme::file_name_of(&file_name)?;
    let programme = Programme::parse(&content, &file_name, &caps)?;
    // Then write: the programme file first (nothing else is written if it fails).
    std::fs::create_dir_all(programmes_folder).map_err(|source| Error::Io {
        path: programmes_folder.to_path_buf(),
        source,
    })?;
    let path = programmes_folder.join(&file_name);
    std::fs::write(&path, content.as_bytes()).map_err(|source| Error::Io { path, source })?;
    let installer = operators::Actor::internal("installation");
    centre::save(store, &input.centre, &installer)?;
    operators::add(store, &input.manager, Role::Manager, &input.pin, &installer)?;
    for (key, value) in [
        (crate::pos::CENTRE_CODE, centre_code),
        (crate::pos::REGISTER_CODE, register_code),
    ] {
        if let Some(value) = value {
            crate::pos::set_register_identity(store, key, &value, &installer)?;
        }
    }
    Ok(programme)
}
