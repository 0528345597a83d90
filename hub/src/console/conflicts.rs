//! The conflicts page and the one conflict a coordinator settles: a sale line that names a
//! device of another centre (`other_centre`) waits, the device with its owner, until its
//! centre corrects the line or makes a credit note, or a coordinator cedes the device to the
//! seller (`db::cede_to_seller`, through the acts' one path: CSRF token, one transaction,
//! audit line).

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::acts::{act, coordinator_form, Done};
use super::{coordinator, page, pages, Address};
use crate::db::{self, HubError};
use crate::{blocking, Shared};

pub(super) async fn conflicts(State(hub): State<Shared>, Address(address): Address, headers: HeaderMap) -> Response {
    let v = match coordinator(&hub, &headers, address, "les conflits").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, move |hub| Ok(db::conflicts(&hub.reader())?)).await {
        Ok(rows) => page(StatusCode::OK, pages::conflicts(&v.account, &v.csrf, &rows)),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct CedeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    conflict: String,
}

pub(super) async fn cede(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<CedeForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let what = "cession d'appareil";
    let (v, f) = match coordinator_form(&hub, &headers, address, "les conflits", what, form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    act(&hub, v, &f.csrf.clone(), what, move |conn| {
        let id: i64 = f
            .conflict
            .trim()
            .parse()
            .map_err(|_| HubError::Invalid("Choisissez un conflit par son numéro.".into()))?;
        let (tag, from, to) = db::cede_to_seller(conn, id)?;
        let from = from.map_or("du stock du réseau".to_string(), |c| format!("du centre {c}"));
        Ok(Done {
            title: "Appareil cédé",
            lines: vec![
                format!("{tag} passe {from} au centre {to}, qui l'a vendu : la vente est gardée."),
                format!("Le conflit n° {id} est réglé ; les centres le verront à leur prochaine synchronisation."),
            ],
            secret: None,
            audit: format!("conflit n° {id} : {tag} {from} au centre {to}"),
        })
    })
    .await
}
