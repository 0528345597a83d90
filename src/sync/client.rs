//! The sync client: the hub's `/v1` over HTTP, with timeouts, retries with exponential
//! backoff and jitter, every failure a French refusal with a code.

use crate::error::Code;
use std::time::Duration;

use super::protocol::{
    self, CentreFacts, ChangesPage, Event, Health, JournalHead, JournalHeads, PushRequest, PushResponse,
};
use super::{refused, HubConfig};
use crate::error::{Error, Result};

/// The HTTP side: timeouts, retries with exponential backoff and jitter, French errors.
pub struct Client {
    http: reqwest::blocking::Client,
    config: HubConfig,
    token: String,
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    pub backoff: Duration,
}

impl Client {
    pub fn new(config: HubConfig, token: String) -> Result<Client> {
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("comptoir/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| refused(Code::HubUnreachable, format!("Client HTTP impossible : {e}")))?;
        Ok(Client {
            http,
            config,
            token,
            attempts: 4,
            backoff: Duration::from_millis(400),
        })
    }

    /// A client for a person who waits (« Synchroniser », « Tester la connexion », `comptoir
    /// sync`): a silent hub is given up within 20 s (two tries of at most 8 s, connection
    /// included), where the background worker tries four times 30 s.
    pub fn foreground(config: HubConfig, token: String) -> Result<Client> {
        let mut client = Client::new(config, token)?.with_timeout(Duration::from_secs(4), Duration::from_secs(8))?;
        client.attempts = 2;
        client.backoff = Duration::from_millis(500);
        Ok(client)
    }

    /// A client whose every request waits at most `timeout` (tests of a silent hub).
    pub fn with_timeout(mut self, connect: Duration, timeout: Duration) -> Result<Client> {
        self.http = reqwest::blocking::Client::builder()
            .connect_timeout(connect)
            .timeout(timeout)
            .user_agent(concat!("comptoir/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| refused(Code::HubUnreachable, format!("Client HTTP impossible : {e}")))?;
        Ok(self)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}{path}", self.config.url, protocol::VERSION)
    }

    fn centre_url(&self, path: &str) -> String {
        self.url(&format!("/centres/{}{path}", self.config.centre))
    }

    /// One request, retried on what may pass (no answer, a 5xx, a body that does not parse);
    /// not on a refusal (401, 403, 4xx).
    fn request<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        send: impl Fn() -> reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<T> {
        let mut last = None;
        for attempt in 0..self.attempts.max(1) {
            if attempt > 0 {
                std::thread::sleep(backoff(self.backoff, attempt));
            }
            match self.once(what, &send) {
                Ok(v) => return Ok(v),
                Err((retry, err)) => {
                    last = Some(err);
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn once<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        send: &impl Fn() -> reqwest::Result<reqwest::blocking::Response>,
    ) -> std::result::Result<T, (bool, Error)> {
        let url = &self.config.url;
        let response = send().map_err(|e| {
            let why = if e.is_timeout() {
                "pas de réponse dans le délai"
            } else if e.is_connect() {
                "connexion impossible"
            } else {
                "échange interrompu"
            };
            (
                true,
                refused(
                    Code::HubUnreachable,
                    format!(
                        "Le hub {url} ne répond pas ({why}) : les données restent sur ce poste, la synchronisation reprendra plus tard."
                    ),
                ),
            )
        })?;
        let status = response.status();
        let body = response.bytes().map_err(|_| {
            (
                true,
                refused(
                    Code::HubGarbage,
                    format!("Réponse du hub {url} tronquée ({what}) : rien n'a été appliqué, nouvel essai plus tard."),
                ),
            )
        })?;
        let hub_message = || {
            serde_json::from_slice::<protocol::ErrorBody>(&body)
                .map(|b| format!(" ({})", b.error.message))
                .unwrap_or_default()
        };
        match status.as_u16() {
            200..=299 => serde_json::from_slice(&body).map_err(|e| {
                (
                    true,
                    refused(
                        Code::HubGarbage,
                        format!("Réponse illisible du hub {url} ({what} : {e}) : rien n'a été appliqué, nouvel essai plus tard."),
                    ),
                )
            }),
            401 => Err((
                false,
                refused(
                    Code::HubUnauthorized,
                    format!(
                        "Le hub refuse le jeton du centre {}{} : jeton révoqué ou erroné. Demandez un nouveau jeton au réseau, puis enregistrez-le (`comptoir hub set-token`).",
                        self.config.centre,
                        hub_message()
                    ),
                ),
            )),
            403 => Err((
                false,
                refused(
                    Code::HubForbidden,
                    format!(
                        "Le hub refuse l'accès au centre {} avec ce jeton{} : vérifiez l'identifiant du centre.",
                        self.config.centre,
                        hub_message()
                    ),
                ),
            )),
            404 => Err((
                false,
                refused(
                    Code::HubRefused,
                    format!(
                        "Le hub {url} ne connaît pas le protocole {} de cette version de Comptoir ({what}, HTTP 404){} : le réseau doit mettre son hub à jour.",
                        protocol::VERSION,
                        hub_message()
                    ),
                ),
            )),
            code @ 500..=599 => Err((
                true,
                refused(
                    Code::HubError,
                    format!("Le hub {url} est en erreur (HTTP {code}){} : nouvel essai plus tard.", hub_message()),
                ),
            )),
            code => Err((
                false,
                refused(
                    Code::HubRefused,
                    format!("Le hub {url} refuse la demande ({what}, HTTP {code}){}.", hub_message()),
                ),
            )),
        }
    }

    pub fn health(&self) -> Result<Health> {
        self.request("état", || self.http.get(self.url("/health")).send())
    }

    /// Checks the address, the token and the centre: « Tester la connexion ».
    pub fn test(&self) -> Result<Health> {
        let health = self.health()?;
        let _: ChangesPage = self.request("test du jeton", || {
            self.http
                .get(self.centre_url("/changes"))
                .query(&[("after", "0"), ("limit", "1")])
                .bearer_auth(&self.token)
                .send()
        })?;
        Ok(health)
    }

    /// A page of changes; `post` (this post's register code and id, and the events it still
    /// has to send) lets the hub say whether another post of the centre uses the same register
    /// code, and show the centre's sync health (with this app's version) to the network.
    pub fn changes(&self, after: i64, limit: usize, post: Option<(&str, &str, i64)>) -> Result<ChangesPage> {
        let mut query = vec![("after", after.to_string()), ("limit", limit.to_string())];
        if let Some((register, id, waiting)) = post {
            query.push(("register", register.to_string()));
            query.push(("post", id.to_string()));
            query.push(("version", env!("CARGO_PKG_VERSION").to_string()));
            query.push(("waiting", waiting.max(0).to_string()));
        }
        self.request("changements", || {
            self.http
                .get(self.centre_url("/changes"))
                .query(&query)
                .bearer_auth(&self.token)
                .send()
        })
    }

    /// The heads of this register's journal the hub kept.
    pub fn journal_heads(&self, register: &str) -> Result<JournalHeads> {
        self.request("journal", || {
            self.http
                .get(self.centre_url("/journal"))
                .query(&[("register", register)])
                .bearer_auth(&self.token)
                .send()
        })
    }

    /// Sends events, with this register's journal head and, when they changed, the centre's
    /// settings the network may know.
    pub fn push(
        &self,
        events: &[Event],
        journal: Option<JournalHead>,
        centre: Option<CentreFacts>,
    ) -> Result<PushResponse> {
        let body = PushRequest {
            events: events.to_vec(),
            journal,
            centre,
        };
        self.request("envoi", || {
            self.http
                .post(self.centre_url("/events"))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
        })
    }
}

/// The wait before retry `attempt` (1, 2…): base × 2^(attempt−1), ± 50 % of jitter.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1 << (attempt - 1).min(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let factor = 0.5 + (nanos % 1000) as f64 / 1000.0;
    exp.mul_f64(factor)
}
