//! The hub's listener: every connection is bounded (issue 33, item 1).
//!
//! A connection must send its first byte within [`FIRST_BYTE_TIMEOUT`], its headers within
//! [`HEADER_READ_TIMEOUT`] (which also bounds the idle time between two requests), each piece
//! of its body within [`BODY_IDLE_TIMEOUT`], and, over TLS, its handshake within
//! [`TLS_HANDSHAKE_TIMEOUT`]. The [`Gate`] bounds the connections held from one address and in
//! all; when the hub is full, the oldest connection that has not yet said a word is closed to let
//! a new one in, so that `/v1/health` and the console's login answer throughout a flood of silent
//! connections.
//!
//! Invariant: the gate's counts equal the connections the hub holds (a connection's ticket is
//! counted once, and uncounted once, whether it ends by itself or is evicted); a connection from
//! an address other than a trusted proxy is never held beyond `per_address`.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// How long a new connection may wait before sending its first byte.
pub const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may take to send a request's headers, and may stay idle between two
/// requests: past it, the hub closes the connection (200 slow clients cannot hold it).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may pause between two pieces before the request is abandoned.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a TLS handshake may take.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The connections the hub holds at most, in all and from one address (`serve
/// --max-connections`, `--max-connections-per-address`). The default total stays under the usual
/// limit of 1,024 open files, with room for the database and the logs.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub total: usize,
    pub per_address: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            total: 768,
            per_address: 64,
        }
    }
}

/// The answer to a connection the hub cannot take, written before it is closed.
const FULL: &[u8] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n\
Retry-After: 5\r\nConnection: close\r\nContent-Length: 104\r\n\r\n\
{\"error\":{\"code\":\"busy\",\"message\":\"Le hub a trop de connexions ouvertes : réessayez dans un instant.\"}}"
    .as_bytes();

/// Counts the held connections, by address and in all, and knows which are still silent.
pub struct Gate {
    limits: Limits,
    /// Addresses not bounded by `per_address` (trusted reverse proxies carry many clients).
    exempt: Vec<IpAddr>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    next: u64,
    total: usize,
    by_address: HashMap<IpAddr, usize>,
    /// The held connections: their address and how to close them.
    held: HashMap<u64, (IpAddr, Arc<Notify>)>,
    /// The held connections that have not sent a byte yet, oldest first.
    silent: BTreeSet<u64>,
}

impl State {
    fn release(&mut self, id: u64) -> Option<Arc<Notify>> {
        let (address, evict) = self.held.remove(&id)?;
        self.silent.remove(&id);
        self.total -= 1;
        if let Some(n) = self.by_address.get_mut(&address) {
            *n -= 1;
            if *n == 0 {
                self.by_address.remove(&address);
            }
        }
        Some(evict)
    }
}

/// A held connection's place in the gate; given back when dropped.
pub struct Ticket {
    gate: Arc<Gate>,
    id: u64,
    evict: Arc<Notify>,
}

impl Ticket {
    /// The connection has spoken: it can no longer be evicted to make room.
    fn spoke(&self) {
        self.gate
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .silent
            .remove(&self.id);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.gate
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .release(self.id);
    }
}

impl Gate {
    pub fn new(limits: Limits, exempt: Vec<IpAddr>) -> Arc<Gate> {
        Arc::new(Gate {
            limits,
            exempt,
            state: Mutex::new(State::default()),
        })
    }

    /// A ticket for a new connection from `address`, or None when it must be turned away: its
    /// address holds `per_address` connections already, or the hub is full of connections that
    /// have all spoken. When full, the oldest silent connection is closed to make room.
    pub fn admit(self: &Arc<Gate>, address: IpAddr) -> Option<Ticket> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let from_address = state.by_address.get(&address).copied().unwrap_or(0);
        if from_address >= self.limits.per_address && !self.exempt.contains(&address) {
            return None;
        }
        if state.total >= self.limits.total {
            let oldest = state.silent.first().copied()?;
            if let Some(evict) = state.release(oldest) {
                // A stored permit: the connection's task wakes even if not yet waiting.
                evict.notify_one();
            }
        }
        let id = state.next;
        state.next += 1;
        state.total += 1;
        *state.by_address.entry(address).or_insert(0) += 1;
        let evict = Arc::new(Notify::new());
        state.held.insert(id, (address, evict.clone()));
        state.silent.insert(id);
        Some(Ticket {
            gate: self.clone(),
            id,
            evict,
        })
    }

    /// The connections held: in all, and from `address`.
    pub fn held(&self, address: IpAddr) -> (usize, usize) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (state.total, state.by_address.get(&address).copied().unwrap_or(0))
    }
}

/// Loads the certificate chain and its key (PEM) into a TLS acceptor speaking HTTP/1.1.
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let unreadable = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        std::io::Error::other(format!("{what} illisible ({}) : {e}", path.display()))
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable("Certificat", cert, &e))?;
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| unreadable("Clé", key, &e))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, private)
        .map_err(|e| std::io::Error::other(format!("Certificat et clé refusés : {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Accepts connections until Ctrl-C, each admitted by the gate and served with its deadlines.
pub async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Router,
    gate: Arc<Gate>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT));
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, a connection reset before accept: keep serving.
                Err(e) => {
                    tracing::warn!("connexion refusée : {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        let Some(ticket) = gate.admit(peer.ip()) else {
            // Plain HTTP only: a TLS client could not read it, and is simply closed.
            if tls.is_none() {
                let _ = stream.try_write(FULL);
            }
            tracing::debug!("connexion refusée : limite atteinte");
            continue;
        };
        // The console throttles and logs by the address a connection came from.
        let app = app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        tokio::spawn(connection(stream, peer, app, ticket, tls.clone()));
    }
}

/// Serves one connection: its first byte (or its eviction), its TLS handshake, then HTTP/1.1.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    ticket: Ticket,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut probe = [0u8; 1];
    tokio::select! {
        first = tokio::time::timeout(FIRST_BYTE_TIMEOUT, stream.peek(&mut probe)) => match first {
            Ok(Ok(n)) if n > 0 => ticket.spoke(),
            _ => return,
        },
        _ = ticket.evict.notified() => {
            tracing::debug!("connexion silencieuse fermée pour faire place ({peer})");
            return;
        }
    }
    let service = hyper_util::service::TowerToHyperService::new(app);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    match tls {
        None => {
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        }
        Some(acceptor) => {
            if let Ok(Ok(stream)) = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                let _ = http.serve_connection(TokioIo::new(stream), service).await;
            }
        }
    }
    drop(ticket);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, last])
    }

    #[test]
    fn the_full_answer_announces_its_exact_length() {
        let text = std::str::from_utf8(FULL).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}", body.len())),
            "{head} / {}",
            body.len()
        );
    }

    #[test]
    fn one_address_is_bounded_and_a_full_hub_evicts_the_oldest_silent_connection() {
        let gate = Gate::new(
            Limits {
                total: 3,
                per_address: 2,
            },
            vec![ip(9)],
        );
        let a1 = gate.admit(ip(1)).unwrap();
        let a2 = gate.admit(ip(1)).unwrap();
        assert!(gate.admit(ip(1)).is_none(), "a third from one address");
        // A trusted proxy is not bounded per address.
        let p = gate.admit(ip(9)).unwrap();
        assert_eq!(gate.held(ip(1)), (3, 2));
        // Full: the oldest silent (a1) makes room, and its count is given back once.
        a2.spoke();
        let b = gate.admit(ip(2)).unwrap();
        assert_eq!(gate.held(ip(1)), (3, 1));
        drop(a1);
        assert_eq!(gate.held(ip(1)), (3, 1), "an evicted ticket is not counted off twice");
        // Full of connections that spoke: turned away.
        p.spoke();
        b.spoke();
        assert!(gate.admit(ip(3)).is_none());
        drop((a2, p, b));
        assert_eq!(gate.held(ip(1)), (0, 0));
    }
}
