//! The headers every answer carries, and what the hub says when its console is reached over
//! plain HTTP on a real name.

use axum::response::Response;

/// What `serve` says at start, and the login page, when the console is reached over plain HTTP
/// on a real name: its cookies are `Secure`, so a browser keeps none and every login fails.
pub const HTTPS_NEEDED: &str =
    "La console du réseau a besoin de HTTPS (ou d'être ouverte sur cette machine, 127.0.0.1) : \
     sans HTTPS le navigateur ne garde pas le cookie de connexion et chaque connexion échoue. Deux façons : \
     `comptoir-hub serve --tls-cert CERT.pem --tls-key CLE.pem`, ou un proxy inverse HTTPS (nginx, Caddy) devant \
     le hub écoutant sur 127.0.0.1 (voir le README).";

/// On every answer (API, console pages, redirects, 404s): no MIME sniffing, no framing, no
/// referrer. A console page sets its own stricter headers too (`console::page`).
pub(crate) async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::header::{HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    h.entry(REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    response
}

/// Served over TLS: browsers are told to come back over HTTPS only (a year).
pub(crate) async fn strict_transport(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static("max-age=31536000"),
    );
    response
}
