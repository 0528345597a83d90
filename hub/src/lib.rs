//! `comptoir-hub`: the network's reference sync server. Centres pull the changes meant for them
//! (allocations, recalls, programmes) after a cursor and push what happened at their desk; the
//! HTTP API is versioned (`/v1`) and described in `hub/openapi.yaml`. A centre authenticates
//! with its token (`Authorization: Bearer …`), of which the hub keeps only a SHA-256.

mod check;
mod console;
mod headers;
pub mod listen;
mod posts;
pub mod serve;
pub use headers::HTTPS_NEEDED;
pub mod db;
pub mod report;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Extension, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::Connection;
use serde::Deserialize;

use comptoir_common::protocol::{
    ChangesPage, ErrorBody, ErrorDetail, Health, JournalHeads, PushRequest, PushResponse, MAX_PAGE, MAX_PUSH, VERSION,
};

/// The database connections: one writer, a few readers (SQLite in WAL mode lets reads run
/// beside the write).
pub struct Hub {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    hub_id: String,
    /// Served over TLS (`--tls-cert`): the console's `Secure` cookies reach browsers.
    tls: std::sync::atomic::AtomicBool,
    /// The reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    trusted_proxies: std::sync::OnceLock<Vec<std::net::IpAddr>>,
    /// The posts' pulls waiting to be written (`posts`).
    waiting_posts: posts::Waiting,
}

impl Hub {
    /// Trusts these reverse proxies' `X-Forwarded-For` (set once, before serving).
    pub fn trust_proxies(&self, proxies: Vec<std::net::IpAddr>) {
        let _ = self.trusted_proxies.set(proxies);
    }

    /// The client's address: the connection's, or, when it comes from a trusted proxy, the
    /// right-most address of `X-Forwarded-For` that is not itself a trusted proxy (a client
    /// cannot forge it: only the proxy's own append counts). Never read from anyone else.
    pub fn client_address(&self, peer: std::net::IpAddr, forwarded: Option<&str>) -> std::net::IpAddr {
        let trusted = self.trusted_proxies.get().map(Vec::as_slice).unwrap_or(&[]);
        if !trusted.contains(&peer) {
            return peer;
        }
        forwarded
            .into_iter()
            .flat_map(|f| f.rsplit(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer)
    }

    /// Writes what a post says at its pulls at most once per `every` (set once, before
    /// serving; [`posts::EVERY`] otherwise).
    pub fn record_posts_every(&self, every: std::time::Duration) {
        let _ = self.waiting_posts.every.set(every);
    }

    /// Whether the hub is served over TLS.
    pub fn over_tls(&self) -> bool {
        self.tls.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn open(path: &Path) -> db::Result<Hub> {
        let writer = db::open(path)?;
        let hub_id = db::hub_id(&writer)?;
        let readers = (0..serve::READERS)
            .map(|_| db::open(path).map(Mutex::new))
            .collect::<db::Result<_>>()?;
        Ok(Hub {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            hub_id,
            tls: std::sync::atomic::AtomicBool::new(false),
            trusted_proxies: std::sync::OnceLock::new(),
            waiting_posts: posts::Waiting::default(),
        })
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An error as the API returns it: a status and `{"error": {code, message}}` in French.
pub struct ApiError(StatusCode, &'static str, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.1.to_string(),
                message: self.2,
            },
        };
        (self.0, Json(body)).into_response()
    }
}

impl From<db::HubError> for ApiError {
    fn from(e: db::HubError) -> Self {
        match e {
            db::HubError::Invalid(m) => ApiError(StatusCode::BAD_REQUEST, "invalid", m),
            db::HubError::Unreadable(m) => {
                tracing::error!("stored row unreadable");
                ApiError(StatusCode::INTERNAL_SERVER_ERROR, "unreadable", m)
            }
            db::HubError::Database(e) => {
                tracing::error!("database: {e}");
                ApiError(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "database",
                    "Erreur interne du hub.".into(),
                )
            }
        }
    }
}

type Shared = Arc<Hub>;

/// Runs blocking database work off the async threads.
async fn blocking<T: Send + 'static>(
    hub: &Shared,
    f: impl FnOnce(&Hub) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let hub = hub.clone();
    tokio::task::spawn_blocking(move || f(&hub)).await.map_err(|_| {
        ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Erreur interne du hub.".into(),
        )
    })?
}

/// The centre the request's token belongs to, which must be the one in the path.
fn authorise(conn: &Connection, headers: &HeaderMap, centre: &str) -> Result<String, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Jeton manquant (en-tête Authorization: Bearer …).".into(),
            )
        })?;
    let owner = db::centre_of_token(conn, token)?.ok_or_else(|| {
        ApiError(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Jeton inconnu ou révoqué.".into(),
        )
    })?;
    if !owner.eq_ignore_ascii_case(centre) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "Ce jeton est celui du centre {owner}, pas du centre {}.",
                centre.to_uppercase()
            ),
        ));
    }
    Ok(owner)
}

async fn health(State(hub): State<Shared>) -> Json<Health> {
    Json(Health {
        hub_id: hub.hub_id.clone(),
        version: VERSION.to_string(),
    })
}

/// The centre a request's token belongs to, checked by `authenticate` before the body is read.
#[derive(Clone)]
struct Authenticated(String);

/// Checks the token of a centre's route before anything else of the request is read (its
/// body included): an unknown caller costs the hub a header and a hash lookup, nothing more.
async fn authenticate(
    State(hub): State<Shared>,
    UrlPath(params): UrlPath<std::collections::HashMap<String, String>>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let centre = params.get("centre").cloned().unwrap_or_default();
    let headers = request.headers().clone();
    let checked = blocking(&hub, move |hub| authorise(&hub.reader(), &headers, &centre)).await;
    match checked {
        Ok(owner) => {
            request.extensions_mut().insert(Authenticated(owner));
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

/// The largest push body the hub reads (a full push of `MAX_PUSH` events fits well within).
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
struct ChangesQuery {
    #[serde(default)]
    after: i64,
    limit: Option<usize>,
    /// This post's register code and its id: the answer says if another post of the centre
    /// uses the same code.
    register: Option<String>,
    post: Option<String>,
    /// The post's app version and the events it has waiting (the centres' sync health).
    version: Option<String>,
    waiting: Option<i64>,
}

/// The protocol a route belongs to: `/v1` (centres not yet updated) or `/v2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    V1,
    V2,
}

async fn changes(
    State(hub): State<Shared>,
    Extension(Authenticated(centre)): Extension<Authenticated>,
    q: Result<Query<ChangesQuery>, QueryRejection>,
    proto: Proto,
) -> Result<Json<ChangesPage>, ApiError> {
    let Query(q) = q.map_err(|_| {
        ApiError(
            StatusCode::BAD_REQUEST,
            "invalid",
            "Paramètres illisibles : after est un entier, limit un entier positif, register et post des codes.".into(),
        )
    })?;
    let shared = hub.clone();
    blocking(&hub, move |hub| {
        let conn = hub.reader();
        let limit = q.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
        let (changes, more) = db::changes(&conn, &centre, q.after.max(0), limit, proto == Proto::V1)?;
        let next = changes.last().map(|c| c.seq).unwrap_or(q.after.max(0));
        let register_clash = match (&q.register, &q.post) {
            (Some(register), Some(post)) => {
                let valid = |v: &str, max: usize| {
                    !v.is_empty() && v.len() <= max && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                };
                let version = q.version.as_deref().filter(|v| {
                    !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
                });
                if !valid(register, 8) || !valid(post, 64) || q.waiting.is_some_and(|w| w < 0) {
                    return Err(ApiError(
                        StatusCode::BAD_REQUEST,
                        "invalid",
                        "Code de caisse ou identifiant de poste illisible.".into(),
                    ));
                }
                // Read first (the other posts only), then recorded without waiting for the writer.
                let clash = db::register_clash(&conn, &centre, register, post)?;
                let seen = db::PostSeen {
                    post: post.clone(),
                    register: register.clone(),
                    version: version.map(str::to_string),
                    waiting: q.waiting,
                };
                posts::record(&shared, &centre, seen)?;
                clash
            }
            _ => None,
        };
        Ok(Json(ChangesPage {
            hub_id: hub.hub_id.clone(),
            changes,
            next,
            more,
            register_clash,
        }))
    })
    .await
}

async fn events(
    State(hub): State<Shared>,
    Extension(Authenticated(centre)): Extension<Authenticated>,
    body: Result<Json<PushRequest>, JsonRejection>,
    proto: Proto,
) -> Result<Json<PushResponse>, ApiError> {
    let Json(request) = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid",
            "Le corps doit être du JSON (en-tête Content-Type: application/json).".into(),
        ),
        _ => ApiError(
            StatusCode::BAD_REQUEST,
            "invalid",
            "Corps de requête illisible : ce n'est pas un envoi d'événements au format du protocole.".into(),
        ),
    })?;
    if request.events.len() > MAX_PUSH {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "invalid",
            format!("Au plus {MAX_PUSH} événements par envoi."),
        ));
    }
    // The journal head and the centre's settings are /v2's; checked before anything is stored.
    let (journal, settings) = match proto {
        Proto::V1 => (Ok(None), Ok(None)),
        Proto::V2 => (
            request.journal.as_ref().map(check::checked_head).transpose(),
            request.centre.as_ref().map(check::checked_centre).transpose(),
        ),
    };
    let invalid = |m: String| ApiError(StatusCode::BAD_REQUEST, "invalid", m);
    let (journal, settings) = (journal.map_err(invalid)?, settings.map_err(invalid)?);
    blocking(&hub, move |hub| {
        let (acks, hub_head) = db::record_events(
            &mut hub.writer(),
            &centre,
            &request.events,
            journal.as_ref(),
            settings.as_ref(),
        )?;
        tracing::info!(centre, events = request.events.len(), "events recorded");
        Ok(Json(PushResponse {
            hub_id: hub.hub_id.clone(),
            acks,
            journal: hub_head,
        }))
    })
    .await
}

#[derive(Deserialize)]
struct JournalQuery {
    register: String,
}

/// The heads of one register's journal the hub kept (`/v2`): the anchor a post checks its
/// journal against.
async fn journal_heads(
    State(hub): State<Shared>,
    Extension(Authenticated(centre)): Extension<Authenticated>,
    q: Result<Query<JournalQuery>, QueryRejection>,
) -> Result<Json<JournalHeads>, ApiError> {
    let invalid = || {
        ApiError(
            StatusCode::BAD_REQUEST,
            "invalid",
            "Paramètre register illisible : le code de la caisse (1 à 8 lettres ou chiffres).".into(),
        )
    };
    let Query(q) = q.map_err(|_| invalid())?;
    if q.register.is_empty() || q.register.len() > 8 || !q.register.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    blocking(&hub, move |hub| {
        let conn = hub.reader();
        let heads = db::journal_heads(&conn, &centre, &q.register)?;
        let public_keys = db::register_keys(&conn, &centre, &q.register)?;
        Ok(Json(JournalHeads {
            register: q.register,
            heads,
            public_keys,
        }))
    })
    .await
}

/// The API's routes (each described in `hub/openapi.yaml`).
pub const ROUTES: [&str; 7] = [
    "/v1/health",
    "/v1/centres/{centre}/changes",
    "/v1/centres/{centre}/events",
    "/v2/health",
    "/v2/centres/{centre}/changes",
    "/v2/centres/{centre}/events",
    "/v2/centres/{centre}/journal",
];

pub fn router(hub: Shared) -> Router {
    // A centre's routes: the token first (before the body), then a bounded body.
    let mut centre_routes = Router::new();
    for (proto, changes_route, events_route) in [(Proto::V1, ROUTES[1], ROUTES[2]), (Proto::V2, ROUTES[4], ROUTES[5])] {
        centre_routes = centre_routes
            .route(
                changes_route,
                get(move |s, e, q| changes(s, e, q, proto)).layer(DefaultBodyLimit::max(0)),
            )
            .route(
                events_route,
                post(move |s, e, b| events(s, e, b, proto))
                    .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
                    .layer(axum::middleware::from_fn(announced_too_large)),
            );
    }
    let centre_routes = centre_routes
        .route(ROUTES[6], get(journal_heads).layer(DefaultBodyLimit::max(0)))
        .route_layer(axum::middleware::from_fn_with_state(hub.clone(), authenticate));
    Router::new()
        .route(ROUTES[0], get(health))
        .route(ROUTES[3], get(health))
        .merge(centre_routes)
        .merge(console::routes().layer(DefaultBodyLimit::max(64 * 1024)))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(log_request))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(hub)
}

/// A push whose announced length is over the limit: 413 at once, its body never read (a body
/// with no length, or lying about it, is cut at the limit by `DefaultBodyLimit`).
async fn announced_too_large(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_PUSH_BYTES as u64) {
        return too_large().into_response();
    }
    next.run(request).await
}

fn too_large() -> ApiError {
    ApiError(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "Envoi trop gros : au plus {} Mo par envoi ({MAX_PUSH} événements).",
            MAX_PUSH_BYTES / (1024 * 1024)
        ),
    )
}

/// An unknown route: the documented JSON error too.
async fn not_found() -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        "not_found",
        "Adresse inconnue : voir hub/openapi.yaml (/v1/health, /v1/centres/{centre}/changes, /v1/centres/{centre}/events).".into(),
    )
}

/// Logs each request: its method, its route (the template, e.g. `/v1/centres/{centre}/events`,
/// never a token or a body), the status and the latency.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(route inconnue)".into());
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        latence = %format_args!("{:.1} ms", started.elapsed().as_secs_f64() * 1000.0),
        "requête"
    );
    response
}

/// The first line `serve` prints: tests, benchmarks and scripts read the address from it.
pub fn listening_line(url: &str) -> String {
    format!("comptoir-hub à l'écoute sur {url}")
}

/// Starts the `comptoir-hub` binary `exe` serving `db` on `listen` (with `extra` arguments) and
/// returns the process and the address it listens on, read from its first line.
pub fn start_binary(
    exe: &Path,
    db: &Path,
    listen: &str,
    extra: &[&str],
) -> std::io::Result<(std::process::Child, String)> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", listen])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let prefix = listening_line("");
    match line.trim_end().strip_prefix(&prefix) {
        Some(url) if url.starts_with("http") => Ok((child, url.to_string())),
        _ => {
            let _ = child.kill();
            Err(std::io::Error::other(format!(
                "comptoir-hub did not start: « {} »",
                line.trim()
            )))
        }
    }
}

/// Serves on `listener` (plain HTTP), or with TLS when a certificate and its key are given;
/// every connection bounded by `limits` and the deadlines of [`listen`].
pub async fn serve(
    listener: std::net::TcpListener,
    hub: Hub,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    limits: listen::Limits,
) -> std::io::Result<()> {
    hub.tls.store(tls.is_some(), std::sync::atomic::Ordering::Relaxed);
    let acceptor = match &tls {
        Some((cert, key)) => Some(listen::tls_acceptor(cert, key)?),
        None => None,
    };
    let gate = listen::Gate::new(limits, hub.trusted_proxies.get().cloned().unwrap_or_default());
    let mut app = router(Arc::new(hub));
    if acceptor.is_some() {
        app = app.layer(axum::middleware::from_fn(headers::strict_transport));
    }
    listener.set_nonblocking(true)?;
    listen::accept_loop(tokio::net::TcpListener::from_std(listener)?, app, gate, acceptor).await
}

pub use listen::HEADER_READ_TIMEOUT;

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_described_in_the_openapi_file() {
        let spec = include_str!("../openapi.yaml");
        for route in super::ROUTES {
            assert!(
                spec.contains(&format!("\n  {route}:")),
                "{route} is missing from hub/openapi.yaml"
            );
        }
    }
}
