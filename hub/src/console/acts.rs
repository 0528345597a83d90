//! What a coordinator does in the console to the stock and the programmes: upload a delivery
//! file, allocate, move, recall, publish a programme (the centres and accounts: `admin.rs`).
//! Each act checks the session's CSRF token, runs in one
//! transaction of the core's `db` functions (all or nothing), and writes a line to the audit
//! log; a refusal is shown in French, changes nothing, and is logged too.

use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde::Deserialize;

use super::{coordinator, forms, page, Address, Visitor};
use crate::db::{self, accounts, HubError, Pick};
use crate::{blocking, Shared};

/// The largest file a coordinator uploads (a delivery file of several thousand devices).
pub const MAX_UPLOAD: usize = 16 * 1024 * 1024;

/// What an act did, for the result page and the audit log.
pub(super) struct Done {
    pub title: &'static str,
    pub lines: Vec<String>,
    /// Shown once (a new centre's token), never logged.
    pub secret: Option<String>,
    pub audit: String,
}

/// Runs an act for a coordinator: the CSRF token checked, `f` on the writer, the audit line
/// written (the act, or its refusal), and the result page (or the refusal page, 400).
pub(super) async fn act(
    hub: &Shared,
    v: Visitor,
    token: &str,
    action: &'static str,
    f: impl FnOnce(&mut Connection) -> db::Result<Done> + Send + 'static,
) -> Response {
    if let Err(r) = super::checked(hub, &v, token, action).await {
        return r;
    }
    let (login, address) = (v.account.login.clone(), v.address.clone());
    let result = blocking(hub, move |hub| {
        let mut conn = hub.writer();
        // The act and its audit line commit together or not at all: one savepoint around both
        // (the act's own transactions are savepoints, nested in it).
        accounts::begin_act(&conn)?;
        let outcome = f(&mut conn);
        let logged = match &outcome {
            Ok(done) => accounts::audit(&conn, &login, &address, action, &done.audit),
            Err(HubError::Invalid(m)) => accounts::audit(&conn, &login, &address, "refusé", &format!("{action} : {m}")),
            Err(HubError::Database(_) | HubError::Unreadable(_)) => Ok(()),
        };
        let keep = !matches!(&outcome, Err(HubError::Database(_) | HubError::Unreadable(_))) && logged.is_ok();
        accounts::end_act(&conn, keep)?;
        logged?;
        Ok(outcome)
    })
    .await;
    match result {
        Ok(Ok(done)) => page(StatusCode::OK, forms::done(&v.account, &v.csrf, &done)),
        Ok(Err(HubError::Invalid(message))) => page(
            StatusCode::BAD_REQUEST,
            forms::refusal(&v.account, &v.csrf, action, &message),
        ),
        Ok(Err(e)) => crate::ApiError::from(e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The coordinator and the form it posted; else the refusal page (an unreadable form: 400).
pub(super) async fn coordinator_form<F>(
    hub: &Shared,
    headers: &HeaderMap,
    address: String,
    what: &str,
    action: &str,
    form: Result<Form<F>, axum::extract::rejection::FormRejection>,
) -> Result<(Visitor, F), Response> {
    let v = coordinator(hub, headers, address, what).await?;
    match form {
        Ok(Form(f)) => Ok((v, f)),
        Err(_) => {
            // A coordinator's unreadable post is a refusal like any other: in the audit log.
            let (login, addr, logged) = (
                v.account.login.clone(),
                v.address.clone(),
                format!("{action} : formulaire illisible"),
            );
            let _ = blocking(hub, move |hub| {
                Ok(accounts::audit(&hub.writer(), &login, &addr, "refusé", &logged)?)
            })
            .await;
            Err(page(
                StatusCode::BAD_REQUEST,
                forms::refusal(&v.account, &v.csrf, action, "Formulaire illisible."),
            ))
        }
    }
}

/// Tags (or centre ids) as typed: separated by spaces, commas, semicolons or line breaks,
/// in capitals.
pub(super) fn tags(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|t| !t.is_empty())
        .map(|t| t.to_uppercase())
        .collect()
}

/// The fields of a multipart form: text fields, and the one file (its name and bytes).
struct Upload {
    fields: Vec<(String, String)>,
    file: Option<(String, Vec<u8>)>,
}

impl Upload {
    fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// « Fichier trop gros », with the limit (413), logged as the coordinator's refusal.
async fn too_big(hub: &Shared, v: &Visitor) -> Response {
    let message = format!(
        "Fichier trop gros : {} Mo au plus. Découpez la livraison en plusieurs fichiers.",
        MAX_UPLOAD / (1024 * 1024)
    );
    let (login, address, logged) = (v.account.login.clone(), v.address.clone(), message.clone());
    let _ = blocking(hub, move |hub| {
        Ok(accounts::audit(
            &hub.writer(),
            &login,
            &address,
            "refusé",
            &format!("import de livraison : {logged}"),
        )?)
    })
    .await;
    page(
        StatusCode::PAYLOAD_TOO_LARGE,
        forms::refusal(&v.account, &v.csrf, "import de livraison", &message),
    )
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, String> {
    let mut upload = Upload {
        fields: Vec::new(),
        file: None,
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| "Envoi illisible ou trop gros (16 Mo au plus).".to_string())?
    {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "Fichier illisible ou trop gros (16 Mo au plus).".to_string())?;
                if !file_name.is_empty() {
                    upload.file = Some((file_name, bytes.to_vec()));
                }
            }
            None => upload
                .fields
                .push((name, field.text().await.map_err(|_| "Champ illisible.".to_string())?)),
        }
    }
    Ok(upload)
}

/// The page of the stock acts: upload, allocate, move, recall.
pub(super) async fn acts_page(State(hub): State<Shared>, Address(address): Address, headers: HeaderMap) -> Response {
    let v = match coordinator(&hub, &headers, address, "les attributions").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, |hub| Ok(db::centres(&hub.reader())?)).await {
        Ok(centres) => page(StatusCode::OK, forms::acts(&v.account, &v.csrf, &centres)),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn upload_delivery(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let v = match coordinator(&hub, &headers, address, "l'import d'une livraison").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // A file over the limit is said as such (its form token, after the file, is never read).
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > MAX_UPLOAD) {
        return too_big(&hub, &v).await;
    }
    let upload = match multipart {
        Ok(m) => read_upload(m).await,
        Err(_) => Err("Envoyez le fichier avec le formulaire de la page.".into()),
    };
    if upload.as_ref().is_err_and(|m| m.contains("trop gros")) {
        return too_big(&hub, &v).await;
    }
    let (token, file) = match upload {
        Ok(u) => (u.field("csrf"), u.file),
        Err(m) => (String::new(), Some((m, Vec::new()))),
    };
    // Read and checked before the act: the hub's writer is held for the writes only.
    let parsed = match file.filter(|(_, b)| !b.is_empty()) {
        None => Err(HubError::Invalid(
            "Choisissez le fichier de livraison (CSV ou JSON).".into(),
        )),
        Some((name, bytes)) => tokio::task::spawn_blocking(move || db::parse_inventory(&bytes, &name))
            .await
            .unwrap_or_else(|_| Err(HubError::Invalid("Le fichier n'a pas pu être lu.".into()))),
    };
    act(&hub, v, &token, "import de livraison", move |conn| {
        let delivery = parsed?;
        let name = delivery.file_name.clone();
        let imported = db::import_inventory(conn, &delivery)?;
        let mut lines = vec![format!(
            "{} appareil(s) ajouté(s) au stock du réseau, {} déjà connu(s).",
            imported.added, imported.known
        )];
        for (tag, centre) in &imported.claimed {
            lines.push(format!(
                "{tag} : déjà déclaré comme son stock par le centre {centre} (conflit ouvert)."
            ));
        }
        Ok(Done {
            title: "Livraison importée",
            audit: format!("{name} : {} ajouté(s), {} connu(s)", imported.added, imported.known),
            lines,
            secret: None,
        })
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct AllocateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    count: String,
}

pub(super) async fn allocate(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<AllocateForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (v, f) = match coordinator_form(&hub, &headers, address, "les attributions", "attribution", form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    act(&hub, v, &f.csrf.clone(), "attribution", move |conn| {
        let listed = tags(&f.tags);
        let pick = match (listed.is_empty(), f.count.trim()) {
            (false, "") => Pick::Tags(listed),
            (true, count) if !count.is_empty() => {
                let count: usize = count
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| HubError::Invalid(format!("« {count} » n'est pas un nombre d'appareils.")))?;
                if f.kind.trim().is_empty() {
                    return Err(HubError::Invalid("Choisissez le type d'appareil.".into()));
                }
                Pick::Count {
                    kind: f.kind.trim().to_string(),
                    category: Some(f.category.trim().to_string()).filter(|c| !c.is_empty()),
                    count,
                }
            }
            _ => {
                return Err(HubError::Invalid(
                    "Donnez soit des identifiants, soit un nombre d'appareils d'un type (pas les deux).".into(),
                ))
            }
        };
        let allocated = db::allocate(conn, &f.centre, &pick)?;
        let centre = f.centre.trim().to_uppercase();
        Ok(Done {
            title: "Appareils attribués",
            lines: vec![
                format!("{} appareil(s) attribué(s) au centre {centre} :", allocated.len()),
                allocated.join(", "),
                "Le centre les reçoit à sa prochaine synchronisation.".into(),
            ],
            audit: format!(
                "{} appareil(s) au centre {centre} : {}",
                allocated.len(),
                allocated.join(", ")
            ),
            secret: None,
        })
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    tags: String,
}

pub(super) async fn move_devices(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<MoveForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (v, f) = match coordinator_form(&hub, &headers, address, "les déplacements", "déplacement", form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    act(&hub, v, &f.csrf.clone(), "déplacement", move |conn| {
        let moved = db::move_devices(conn, &tags(&f.tags), &f.centre)?;
        let to = f.centre.trim().to_uppercase();
        let lines: Vec<String> = moved
            .iter()
            .map(|(t, from)| format!("{t} : du centre {from} au centre {to}"))
            .collect();
        Ok(Done {
            title: "Appareils déplacés",
            audit: lines.join(" ; "),
            lines,
            secret: None,
        })
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct RecallForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    brand: String,
    #[serde(default)]
    model: String,
}

pub(super) async fn recall(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<RecallForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (v, f) = match coordinator_form(&hub, &headers, address, "les rappels", "rappel", form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    act(&hub, v, &f.csrf.clone(), "rappel", move |conn| {
        let listed = tags(&f.tags);
        if !listed.is_empty() {
            // All or nothing: every tag checked before any is recalled.
            let tx = conn.savepoint()?;
            let mut lines = Vec::new();
            for tag in &listed {
                let centre = db::recall_in(&tx, tag)?;
                lines.push(format!("{tag} : rappelé du centre {centre}"));
            }
            tx.commit()?;
            return Ok(Done {
                title: "Appareils rappelés",
                audit: lines.join(" ; "),
                lines,
                secret: None,
            });
        }
        let done = db::recall_model(conn, &f.brand, &f.model)?;
        let mut lines = vec![format!(
            "{} {} : {} appareil(s) rappelé(s) des centres, {} retiré(s) du stock du réseau.",
            f.brand.trim(),
            f.model.trim(),
            done.from_centres.len(),
            done.from_stock
        )];
        lines.extend(
            done.from_centres
                .iter()
                .map(|(t, c)| format!("{t} : rappelé du centre {c}")),
        );
        lines.extend(done.left.iter().map(|(t, why)| format!("{t} : laissé ({why})")));
        Ok(Done {
            title: "Modèle rappelé",
            audit: lines.join(" ; "),
            lines,
            secret: None,
        })
    })
    .await
}

pub(super) async fn programmes_page(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
) -> Response {
    let v = match coordinator(&hub, &headers, address, "les programmes").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, |hub| {
        let conn = hub.reader();
        Ok((db::reports::programmes(&conn)?, db::centres(&conn)?))
    })
    .await
    {
        Ok((programmes, centres)) => page(
            StatusCode::OK,
            forms::programmes(&v.account, &v.csrf, &programmes, &centres),
        ),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn publish(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let v = match coordinator(&hub, &headers, address, "les programmes").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let upload = match multipart {
        Ok(m) => read_upload(m).await,
        Err(_) => Err("Envoyez le fichier avec le formulaire de la page.".into()),
    };
    let (token, centres, file) = match upload {
        Ok(u) => (u.field("csrf"), tags(&u.field("centres")), u.file),
        Err(m) => (String::new(), Vec::new(), Some((m, Vec::new()))),
    };
    act(&hub, v, &token, "publication de programme", move |conn| {
        let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
            return Err(HubError::Invalid("Choisissez le fichier du programme (.toml).".into()));
        };
        let name = std::path::Path::new(&name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .ok_or_else(|| HubError::Invalid(format!("« {name} » : un fichier de programme se termine par .toml.")))?;
        let content = String::from_utf8(bytes)
            .map_err(|_| HubError::Invalid(format!("{name} n'est pas un texte UTF-8.")))?;
        let n = db::publish_programme(conn, &name, &content, &centres)?;
        Ok(Done {
            title: "Programme publié",
            lines: vec![format!(
                "{name} est vérifié (plafonds légaux compris) et publié à {n} centre(s) ; chacun le reçoit à sa prochaine synchronisation."
            )],
            audit: format!("{name} à {n} centre(s)"),
            secret: None,
        })
    })
    .await
}
