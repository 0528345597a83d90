//! The network's console: French pages rendered by the hub itself (maud, no build step, no
//! script needed), under `/console`. A person logs in with an account of `comptoir-hub user`;
//! the session is a random id in a `Secure`, `HttpOnly`, `SameSite=Strict` cookie that expires
//! (the hub keeps its SHA-256 only); every form carries the session's CSRF token (the login
//! form a cookie's); failed logins are throttled per account and per address; every act is in
//! the audit log. A coordinateur sees everything; a financeur only its programmes' figures.

mod acts;
mod admin;
mod conflicts;
mod figures;
mod forms;
mod pages;
pub mod reports;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;
use serde::Deserialize;

use crate::db::accounts::{self, Account, LoginRefused, Role};
use crate::db::StockFilter;
use crate::{blocking, Shared};

const SESSION_COOKIE: &str = "comptoir_session";
const LOGIN_CSRF_COOKIE: &str = "comptoir_connexion";

/// The console's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/console", get(reports::dashboard_page))
        .route("/console/tableau", get(reports::dashboard_page))
        .route("/console/connexion", get(login_page).post(login))
        .route("/console/deconnexion", post(logout))
        .route("/console/stock", get(stock))
        .route("/console/journal", get(audit))
        .route("/console/centres", get(centres))
        .route("/console/centres/nouveau", post(admin::create_centre))
        .route("/console/centres/jeton", post(admin::rotate_token))
        .route("/console/centres/revoquer", post(admin::revoke_token))
        .route("/console/conflits", get(conflicts::conflicts))
        .route("/console/conflits/ceder", post(conflicts::cede))
        .route("/console/attributions", get(acts::acts_page))
        .route(
            "/console/livraison",
            post(acts::upload_delivery).layer(DefaultBodyLimit::max(acts::MAX_UPLOAD)),
        )
        .route("/console/attribuer", post(acts::allocate))
        .route("/console/deplacer", post(acts::move_devices))
        .route("/console/rappeler", post(acts::recall))
        .route(
            "/console/programmes",
            get(acts::programmes_page)
                .post(acts::publish)
                .layer(DefaultBodyLimit::max(acts::MAX_UPLOAD)),
        )
        .route("/console/comptes", get(admin::accounts_page))
        .route("/console/comptes/mot-de-passe", post(admin::reset_password))
        .route("/console/rapports", get(reports::report_page))
        .route("/console/rapports/bilan.pdf", get(reports::report_pdf))
        .route("/console/rapports/bilan.csv", get(reports::report_csv))
        .route("/console/qualite", get(reports::quality_page))
}

/// Who asks: the address the connection came from (set by the serving loop).
struct Address(String);

impl axum::extract::FromRequestParts<Shared> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, hub: &Shared) -> Result<Self, Self::Rejection> {
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(Address(parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(
            || "inconnue".to_string(),
            |ConnectInfo(a)| hub.client_address(a.ip(), forwarded).to_string(),
        )))
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/console; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    ))
    .expect("a cookie is ASCII")
}

/// A page, with the headers every console page carries (no caching, no script; no framing and
/// no referrer are on every answer, `headers::security_headers`).
fn page(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

/// A logged-in visitor: the account, the session's CSRF token, the address.
struct Visitor {
    account: Account,
    csrf: String,
    session: String,
    address: String,
}

/// The visitor of a request with a valid session; else the login page (a redirect).
async fn visitor(hub: &Shared, headers: &HeaderMap, address: String) -> Result<Visitor, Response> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Err(Redirect::to("/console/connexion").into_response());
    };
    let session = id.clone();
    let found = blocking(hub, move |hub| Ok(accounts::session(&hub.reader(), &id)?)).await;
    match found {
        Ok(Some((account, csrf))) => Ok(Visitor {
            account,
            csrf,
            session,
            address,
        }),
        Ok(None) => Err(Redirect::to("/console/connexion?expiree=1").into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// A refusal page (403), logged in the audit log.
async fn forbidden(hub: &Shared, v: &Visitor, what: &str) -> Response {
    let (login, address, what_owned) = (v.account.login.clone(), v.address.clone(), what.to_string());
    let _ = blocking(hub, move |hub| {
        Ok(accounts::audit(&hub.writer(), &login, &address, "refusé", &what_owned)?)
    })
    .await;
    page(StatusCode::FORBIDDEN, pages::refused(&v.account, &v.csrf, what))
}

/// The visitor when it is a coordinator; else the refusal of `what` (403, logged).
async fn coordinator(hub: &Shared, headers: &HeaderMap, address: String, what: &str) -> Result<Visitor, Response> {
    let v = visitor(hub, headers, address).await?;
    if v.account.role != Role::Coordinateur {
        return Err(forbidden(hub, &v, &format!("{what} (réservé aux coordinateurs)")).await);
    }
    Ok(v)
}

#[derive(Deserialize)]
struct LoginQuery {
    expiree: Option<String>,
}

/// The console reached over plain HTTP on a real name (not loopback, no HTTPS proxy in front):
/// its `Secure` cookies never come back, so say what to do.
fn insecure(hub: &Shared, headers: &HeaderMap) -> bool {
    if hub.over_tls() {
        return false;
    }
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let name = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let loopback =
        name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    !forwarded_https && !loopback
}

async fn login_page(
    State(hub): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<LoginQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let note = if insecure(&hub, &headers) {
        Some(crate::HTTPS_NEEDED)
    } else {
        q.ok()
            .and_then(|Query(q)| q.expiree)
            .map(|_| "Votre session a expiré : connectez-vous de nouveau.")
    };
    let mut response = page(StatusCode::OK, pages::login(&token, note, None));
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &token, 3600));
    response
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

async fn login(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let Ok(Form(form)) = form else {
        let addr = address.clone();
        let _ = blocking(&hub, move |hub| {
            Ok(accounts::count_refusal(
                &hub.writer(),
                &addr,
                "",
                "formulaire illisible",
            )?)
        })
        .await;
        return page(
            StatusCode::BAD_REQUEST,
            pages::login(&token, None, Some("Formulaire illisible.")),
        );
    };
    if token.is_empty() || form.csrf != token {
        // Anyone can post this: counted, never written a line each, the login as typed never kept.
        let (login, addr) = (form.login.clone(), address.clone());
        let _ = blocking(&hub, move |hub| {
            Ok(accounts::count_refusal(
                &hub.writer(),
                &addr,
                &login,
                "jeton du formulaire absent ou faux",
            )?)
        })
        .await;
        let why = if insecure(&hub, &headers) {
            crate::HTTPS_NEEDED
        } else {
            "Le formulaire a expiré : rechargez la page puis recommencez."
        };
        return page(StatusCode::FORBIDDEN, pages::login(&token, None, Some(why)));
    }
    let (login_text, addr) = (form.login.clone(), address.clone());
    let result = blocking(&hub, move |hub| {
        // Read, then hash with no connection held, then write briefly: a login flood never
        // holds the writer a coordinator's act waits for.
        let check = accounts::login_check(&hub.reader(), &login_text, &addr)?;
        let ok = !check.throttled && accounts::password_matches(&check, &form.password);
        let conn = hub.writer();
        let outcome = accounts::login_finish(&conn, &check, ok, &addr)?;
        // A login is an act of the account (a line); a refusal before a session is counted.
        match &outcome {
            Ok(session) => accounts::audit(&conn, &session.account.login, &addr, "connexion", "")?,
            Err(LoginRefused::Wrong) => {
                accounts::count_refusal(&conn, &addr, &login_text, "identifiant ou mot de passe faux")?
            }
            Err(LoginRefused::Throttled) => accounts::count_refusal(&conn, &addr, &login_text, "trop d'essais")?,
        }
        Ok(outcome)
    })
    .await;
    match result {
        Ok(Ok(session)) => {
            let mut response = Redirect::to("/console").into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &session.id, accounts::SESSION_HOURS * 3600),
            );
            h.append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, "", 0));
            response
        }
        Ok(Err(LoginRefused::Wrong)) => page(
            StatusCode::UNAUTHORIZED,
            pages::login(&token, None, Some("Identifiant ou mot de passe incorrect.")),
        ),
        Ok(Err(LoginRefused::Throttled)) => page(
            StatusCode::TOO_MANY_REQUESTS,
            pages::login(
                &token,
                None,
                Some(&format!(
                    "Trop d'essais : attendez {} minutes avant de recommencer, ou demandez à un coordinateur de réinitialiser le mot de passe.",
                    accounts::THROTTLE_MINUTES
                )),
            ),
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// A POST's CSRF token against the session's: else refused, nothing changed, logged.
async fn checked(hub: &Shared, v: &Visitor, token: &str, what: &str) -> Result<(), Response> {
    if token == v.csrf {
        Ok(())
    } else {
        Err(forbidden(hub, v, &format!("{what} : jeton du formulaire absent ou faux")).await)
    }
}

async fn logout(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let v = match visitor(&hub, &headers, address).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let token = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Err(r) = checked(&hub, &v, &token, "déconnexion").await {
        return r;
    }
    let (id, login, addr) = (v.session.clone(), v.account.login.clone(), v.address.clone());
    let done = blocking(&hub, move |hub| {
        let conn = hub.writer();
        accounts::logout(&conn, &id)?;
        Ok(accounts::audit(&conn, &login, &addr, "déconnexion", "")?)
    })
    .await;
    if let Err(e) = done {
        return e.into_response();
    }
    let mut response = Redirect::to("/console/connexion").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0));
    response
}

async fn stock(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    q: Result<Query<StockFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let v = match coordinator(&hub, &headers, address, "le stock du réseau").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let filter = q.map(|Query(f)| f).unwrap_or_default();
    let rows = match blocking(&hub, move |hub| {
        let conn = hub.reader();
        Ok((crate::db::stock_overview(&conn, &filter)?, filter))
    })
    .await
    {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    page(StatusCode::OK, pages::stock(&v.account, &v.csrf, &rows.1, &rows.0))
}

async fn audit(State(hub): State<Shared>, Address(address): Address, headers: HeaderMap) -> Response {
    let v = match coordinator(&hub, &headers, address, "le journal des actes").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, move |hub| {
        let conn = hub.reader();
        Ok((accounts::audit_log(&conn, 200)?, accounts::refusals(&conn, 50)?))
    })
    .await
    {
        Ok((rows, refusals)) => page(StatusCode::OK, pages::audit(&v.account, &v.csrf, &rows, &refusals)),
        Err(e) => e.into_response(),
    }
}

async fn centres(State(hub): State<Shared>, Address(address): Address, headers: HeaderMap) -> Response {
    let v = match coordinator(&hub, &headers, address, "les centres").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, move |hub| Ok(crate::db::centres_health(&hub.reader())?)).await {
        Ok(rows) => page(StatusCode::OK, pages::centres(&v.account, &v.csrf, &rows)),
        Err(e) => e.into_response(),
    }
}
