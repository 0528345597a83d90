//! What a coordinator does in the console to the centres and the accounts: create a centre and
//! show its token once, rotate or revoke a token, reset another account's password; through
//! the acts' one path (`acts::act`: CSRF token, one transaction, audit line).

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::acts::{act, coordinator_form, Done};
use super::{coordinator, forms, page, Address};
use crate::db::{self, accounts, HubError};
use crate::{blocking, Shared};

#[derive(Deserialize)]
pub(super) struct CentreForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    name: String,
}

/// What a coordinator does to a centre.
#[derive(Clone, Copy)]
enum CentreAct {
    Create,
    Rotate,
    Revoke,
}

impl CentreAct {
    /// The act as the audit log names it.
    fn action(self) -> &'static str {
        match self {
            CentreAct::Create => "création de centre",
            CentreAct::Rotate => "nouveau jeton",
            CentreAct::Revoke => "révocation de jeton",
        }
    }
}

/// Creates a centre, or gives a centre a new token, or revokes it.
async fn centre_act(
    hub: Shared,
    address: String,
    headers: HeaderMap,
    form: Result<Form<CentreForm>, axum::extract::rejection::FormRejection>,
    which: CentreAct,
) -> Response {
    let what = which.action();
    let (v, f) = match coordinator_form(&hub, &headers, address, "les centres", what, form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    act(&hub, v, &f.csrf.clone(), what, move |conn| {
        let id = f.centre.trim().to_uppercase();
        let token_note = "Copiez ce jeton maintenant dans Comptoir (Réglages › Hub du réseau) : il ne sera plus jamais affiché.";
        match which {
            CentreAct::Create => {
                if f.name.trim().is_empty() {
                    return Err(HubError::Invalid("Donnez le nom du centre.".into()));
                }
                let token = db::create_centre(conn, &id, &f.name)?;
                Ok(Done {
                    title: "Centre créé",
                    lines: vec![format!("Le centre {id} ({}) est créé.", f.name.trim()), token_note.into()],
                    secret: Some(token),
                    audit: format!("centre {id}"),
                })
            }
            CentreAct::Rotate => {
                let token = db::renew_token(conn, &id)?;
                Ok(Done {
                    title: "Nouveau jeton",
                    lines: vec![
                        format!("Le centre {id} a un nouveau jeton ; l'ancien ne fonctionne plus."),
                        token_note.into(),
                    ],
                    secret: Some(token),
                    audit: format!("centre {id}"),
                })
            }
            CentreAct::Revoke => {
                db::revoke(conn, &id)?;
                Ok(Done {
                    title: "Jeton révoqué",
                    lines: vec![format!(
                        "Le jeton du centre {id} est révoqué : le centre ne se synchronise plus jusqu'à un nouveau jeton."
                    )],
                    secret: None,
                    audit: format!("centre {id}"),
                })
            }
        }
    })
    .await
}

pub(super) async fn create_centre(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<CentreForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    centre_act(hub, address, headers, form, CentreAct::Create).await
}

pub(super) async fn rotate_token(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<CentreForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    centre_act(hub, address, headers, form, CentreAct::Rotate).await
}

pub(super) async fn revoke_token(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<CentreForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    centre_act(hub, address, headers, form, CentreAct::Revoke).await
}

pub(super) async fn accounts_page(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
) -> Response {
    let v = match coordinator(&hub, &headers, address, "les comptes").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, |hub| Ok(accounts::accounts(&hub.reader())?)).await {
        Ok(list) => page(StatusCode::OK, forms::accounts(&v.account, &v.csrf, &list)),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn reset_password(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<ResetForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (v, f) = match coordinator_form(&hub, &headers, address, "les comptes", "réinitialisation", form).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let own = f.login.trim() == v.account.login;
    act(
        &hub,
        v,
        &f.csrf.clone(),
        "réinitialisation de mot de passe",
        move |conn| {
            if own {
                return Err(HubError::Invalid(
                    "Votre propre mot de passe se change par un autre coordinateur ou par comptoir-hub user reset."
                        .into(),
                ));
            }
            let account = accounts::reset_password(conn, f.login.trim(), &f.password)?;
            Ok(Done {
                title: "Mot de passe réinitialisé",
                lines: vec![format!(
                    "Le mot de passe de {} ({}) est changé ; ses sessions sont fermées. Transmettez-le de vive voix.",
                    account.name, account.login
                )],
                audit: format!("compte {}", account.login),
                secret: None,
            })
        },
    )
    .await
}
