//! `comptoir-hub serve`: its options, and the start (database, listener, runtime).
//!
//! Invariant: the hub's threads are bounded whatever the number of connections: the async
//! work runs on the machine's cores, the database work on at most [`BLOCKING_WORKERS`]
//! threads (tokio's default pool grows to 512: 250 threads under 200 pulling centres).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{listen, Hub};

/// Reader connections of the hub; with the writer, the database work that can run at once.
pub(crate) const READERS: usize = 8;

/// Threads for the database work: twice the connections (a worker may wait for a connection
/// while another hashes a password or draws a PDF); more work waits its turn.
pub const BLOCKING_WORKERS: usize = 2 * (READERS + 1);

/// The options of `serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Adresse d'écoute (port 0 : un port libre, affiché au démarrage).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Certificat (PEM) pour servir en HTTPS.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Clé privée (PEM) du certificat.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Adresse d'un proxy inverse de confiance (répétable) : pour ses requêtes seulement,
    /// l'adresse du client est lue dans X-Forwarded-For (limites de connexion par adresse).
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Connexions ouvertes au plus, en tout (sous la limite de fichiers ouverts du système).
    #[arg(long, default_value_t = listen::Limits::default().total)]
    max_connections: usize,
    /// Connexions ouvertes au plus depuis une même adresse (un proxy de confiance n'a que la
    /// limite totale).
    #[arg(long, default_value_t = listen::Limits::default().per_address)]
    max_connections_per_address: usize,
    /// Secondes entre deux enregistrements du passage d'un même poste (version, événements en
    /// attente) ; un poste nouveau ou qui change de code de caisse est enregistré aussitôt.
    #[arg(long, value_name = "SECONDES", default_value_t = crate::posts::EVERY.as_secs())]
    post_record_every: u64,
}

/// The runtime the hub is served on: the machine's cores for the async work, at most
/// [`BLOCKING_WORKERS`] threads for the database.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_WORKERS)
        .build()
}

/// Opens the hub's database, listens, says where, and serves until stopped.
pub fn run(db: &Path, args: ServeArgs) -> Result<(), String> {
    let limits = listen::Limits {
        total: args.max_connections.max(1),
        per_address: args.max_connections_per_address.max(1),
    };
    let hub = Hub::open(db).map_err(|e| e.to_string())?;
    hub.trust_proxies(args.trusted_proxies);
    hub.record_posts_every(Duration::from_secs(args.post_record_every));
    let listen = &args.listen;
    let listener = std::net::TcpListener::bind(listen).map_err(|e| format!("Écoute impossible sur {listen} : {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if args.tls_cert.is_some() { "https" } else { "http" };
    // The first line of stdout: tests and scripts read the port from it.
    println!("{}", crate::listening_line(&format!("{scheme}://{addr}")));
    if args.tls_cert.is_none() && !addr.ip().is_loopback() {
        eprintln!("{}", crate::HTTPS_NEEDED);
    }
    runtime()
        .map_err(|e| e.to_string())?
        .block_on(crate::serve(listener, hub, args.tls_cert.zip(args.tls_key), limits))
        .map_err(|e| format!("Le serveur s'est arrêté : {e}"))
}
