//! Sync with the network's hub: pull the stock allocated to the centre (and recalls and
//! programmes), push what happened here (received, sold, cancelled, returned, defective, local
//! stock), whenever the hub can be reached. A centre with no hub keeps working as before.
//!
//! - The outbox is filled by triggers in the same transaction as the local change it reports
//!   (`migrations/0005_sync.sql`); an event leaves it only when the hub acknowledges it.
//! - A page of changes is applied in one transaction together with the new cursor: a page is
//!   applied whole or not at all, and never twice.
//! - The database lock is held only to read the outbox, record the acknowledgements and apply a
//!   page; never during a network call.
//! - The token lives in the OS keyring ([`token`]), never in the database, a log or a message.

use crate::error::Code;
pub use crate::model::sync::Conflict;

pub use crate::protocol;
mod client;
pub(crate) mod events;
pub mod token;

pub use client::{backoff, Client};

use crate::operators::Actor;

use serde::Serialize;

use crate::device::{AssetTag, DeviceState, StockAction};
use crate::error::{Error, Result};
use crate::programme::{LegalCaps, Programme};
use crate::stock;
use crate::store::{self, devices, sync as sql, Store, Writer};
use protocol::{Ack, AckStatus, CentreFacts, Change, ChangesPage, JournalHead};

pub(crate) const OPERATOR: &str = "réseau (hub)";

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// Where the hub is and which centre this is. The URL parses (http or https, with a host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HubConfig {
    pub url: String,
    pub centre: String,
}

impl HubConfig {
    pub fn parse(url: &str, centre: &str) -> Result<HubConfig> {
        let url = url.trim().trim_end_matches('/');
        let parsed = reqwest::Url::parse(url).map_err(|e| {
            refused(
                Code::Invalid,
                format!("« {url} » n'est pas une adresse de hub ({e}) : exemple https://hub.reseau.fr"),
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(refused(
                Code::Invalid,
                format!("« {url} » : l'adresse du hub commence par https:// (ou http://) et nomme un serveur."),
            ));
        }
        let centre = centre.trim().to_uppercase();
        if centre.is_empty() || centre.len() > 32 || !centre.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(refused(
                Code::Invalid,
                format!("« {centre} » n'est pas un identifiant de centre (lettres, chiffres, tirets)."),
            ));
        }
        Ok(HubConfig {
            url: url.to_string(),
            centre,
        })
    }

    /// The key of this hub and centre in the OS keyring.
    pub fn keyring_user(&self) -> String {
        format!("{}@{}", self.centre, self.url)
    }
}

pub fn config(store: &Store) -> Result<Option<HubConfig>> {
    let conn = store.db();
    match (sql::setting(conn, "url")?, sql::setting(conn, "centre")?) {
        (Some(url), Some(centre)) => Ok(Some(HubConfig { url, centre })),
        _ => Ok(None),
    }
}

/// Sets the hub and the centre. A different hub or centre starts over from the first change
/// (`reset`): a cursor belongs to one hub.
pub fn set_config(store: &mut Store, config: &HubConfig, actor: &Actor) -> Result<()> {
    crate::operators::require_manager(store.db(), actor)?;
    let previous = self::config(store)?;
    store.with_tx(|tx| {
        if previous.as_ref() != Some(config) {
            sql::reset_cursor(tx)?;
        }
        sql::set_setting(tx, "url", &config.url)?;
        sql::set_setting(tx, "centre", &config.centre)
    })
}

/// What the status line shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export, rename = "SyncStatus")]
pub struct Status {
    pub configured: Option<HubConfig>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub last_attempt: Option<String>,
    /// Events not yet acknowledged by the hub.
    pub waiting: i64,
    pub cursor: i64,
    pub conflicts: Vec<Conflict>,
    /// Conflicts that wait for a fix, not settled yet (the top bar says how many).
    pub open_conflicts: i64,
    /// The hub knows another post of the centre with this register's code (a French warning).
    pub register_clash: Option<String>,
    /// This journal is behind what the network received from this register (an older backup
    /// restored, not yet declared): the French warning.
    pub journal_behind: Option<String>,
}

const REGISTER_CLASH: &str = "register_clash";
const POST_ID: &str = "post_id";

/// This register's code and this post's id (made once, at the first sync).
fn post_identity(store: &mut Store) -> Result<(String, String)> {
    let register = crate::pos::register_identity(store)?.1;
    if let Some(id) = sql::setting(store.db(), POST_ID)? {
        return Ok((register, id));
    }
    let id = uuid::Uuid::now_v7().to_string();
    store.with_tx(|tx| sql::set_setting(tx, POST_ID, &id))?;
    Ok((register, id))
}

fn clash_message(clash: &protocol::RegisterClash) -> String {
    format!(
        "{} autre(s) poste(s) du centre numérote(nt) aussi ses tickets avec la caisse {} (vu le {}) : donnez à chaque poste son propre code de caisse (Réglages › Numéros de ticket de ce poste) avant de vendre.",
        clash.posts,
        clash.register,
        crate::text::format_timestamp(&clash.last_seen)
    )
}

pub fn status(store: &Store) -> Result<Status> {
    let conn = store.db();
    Ok(Status {
        register_clash: sql::setting(conn, REGISTER_CLASH)?.filter(|c| !c.is_empty()),
        configured: config(store)?,
        last_success: sql::setting(conn, "last_success")?,
        last_error: sql::setting(conn, "last_error")?.filter(|e| !e.is_empty()),
        last_attempt: sql::setting(conn, "last_attempt")?,
        waiting: sql::waiting(conn)?,
        cursor: sql::cursor(conn)?.0,
        conflicts: sql::conflicts(conn)?,
        open_conflicts: sql::open_conflicts(conn)?,
        journal_behind: crate::pos::restore_warning(store)?,
    })
}

/// The programmes published by the hub, beside the local ones: a file of the local folder
/// with the same id wins (the centre's own copy).
pub fn programmes(store: &Store, folder: Option<&std::path::Path>, caps: &LegalCaps) -> Result<Vec<Programme>> {
    let mut programmes = crate::programme::load_all(folder, caps)?;
    for (name, content) in sql::hub_programmes(store.db())? {
        let programme = Programme::parse(&content, &name, caps)?;
        if !programmes.iter().any(|p| p.id == programme.id && p.id != "defaut") {
            programmes.retain(|p| p.id != programme.id);
            programmes.push(programme);
        }
    }
    Ok(programmes)
}

/// What one round moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RoundReport {
    pub pushed: usize,
    pub conflicts_reported: usize,
    pub refused: usize,
    pub pulled: usize,
    pub allocated: usize,
    pub recalled: usize,
    pub programmes: usize,
    pub new_conflicts: usize,
    pub cursor: i64,
}

/// One round: push every waiting event, then pull every page. The outcome (success, or the
/// French error) is recorded for the status line.
pub fn round(store: &impl Writer, client: &Client) -> Result<RoundReport> {
    let started = std::time::Instant::now();
    let result = round_inner(store, client);
    match &result {
        Ok(r) => tracing::info!(
            envoyes = r.pushed,
            recus = r.pulled,
            conflits = r.new_conflicts,
            ms = started.elapsed().as_millis() as u64,
            "synchronisation réussie"
        ),
        Err(e) => tracing::warn!(
            code = e.code().as_str(),
            ms = started.elapsed().as_millis() as u64,
            "synchronisation manquée"
        ),
    }
    let now = store::now_text();
    store.write(|s| match &result {
        Ok(_) => s.with_tx(|tx| {
            sql::set_setting(tx, "last_attempt", &now)?;
            sql::set_setting(tx, "last_success", &now)?;
            sql::set_setting(tx, "last_error", "")
        }),
        Err(e) => s.with_tx(|tx| {
            sql::set_setting(tx, "last_attempt", &now)?;
            sql::set_setting(tx, "last_error", &e.to_string())
        }),
    })?;
    result
}

fn check_hub(store: &impl Writer, hub_id: &str) -> Result<()> {
    let known = store.write(|s| sql::cursor(s.db()))?.1;
    match known {
        Some(known) if known != hub_id => Err(refused(
            Code::HubOther,
            format!(
                "Ce hub ({hub_id}) n'est pas celui avec lequel ce poste se synchronisait ({known}) : rien n'a été appliqué. \
                 Si le réseau a changé de hub, enregistrez de nouveau son adresse (`comptoir hub set-url … --reset`)."
            ),
        )),
        _ => Ok(()),
    }
}

/// The last head the hub acknowledged (`entries:hash`).
pub const JOURNAL_SENT: &str = "journal_sent";
/// The hub's head this register's journal resumes from, once a manager declared a restore.
pub const JOURNAL_RESUMES: &str = "journal_resumes";
/// The hub's furthest head for this register, when this journal does not reach it (an older
/// backup restored): JSON of `protocol::HubHead`, until a manager declares the restore.
pub const JOURNAL_BEHIND: &str = "journal_behind";
const CENTRE_SENT: &str = "centre_sent";

/// What goes with a push besides the events: this register's journal head (always), and the
/// centre's settings the network may know (name, commune, postcode, département) when they
/// changed since the hub last acknowledged them.
fn push_context(store: &Store) -> Result<(JournalHead, Option<CentreFacts>)> {
    let conn = store.db();
    let register = crate::pos::register_identity(store)?.1;
    let (entries, hash) = store::journal::head(conn)?.unwrap_or((0, String::new()));
    let head = JournalHead {
        register,
        entries,
        hash,
        signing_key: crate::archive::public_key(store),
        resumes: sql::setting(conn, JOURNAL_RESUMES)?.and_then(|r| serde_json::from_str(&r).ok()),
    };
    let facts = centre_facts(&crate::centre::load(store)?);
    let sent = sql::setting(conn, CENTRE_SENT)?;
    let facts = facts.filter(|f| sent.as_deref() != Some(serde_json::to_string(f).unwrap_or_default().as_str()));
    Ok((head, facts))
}

/// Compares the hub's furthest head for this register with the journal: a journal that does
/// not reach it was restored from an older backup (or cut). Recorded until a manager declares
/// the restore; cleared when the journal reaches it.
fn note_hub_head(store: &mut Store, hub: &protocol::HubHead) -> Result<()> {
    let reaches = match store::journal::entry(store.db(), hub.entries)? {
        Some(row) => row.hash == hub.hash,
        None => hub.entries == 0,
    };
    let declared = sql::setting(store.db(), JOURNAL_RESUMES)?
        .and_then(|r| serde_json::from_str::<protocol::Resumption>(&r).ok())
        .is_some_and(|r| r.entries == hub.entries && r.hash == hub.hash);
    store.with_tx(|tx| {
        if reaches || declared {
            sql::set_setting(tx, JOURNAL_BEHIND, "")
        } else {
            sql::set_setting(
                tx,
                JOURNAL_BEHIND,
                &serde_json::to_string(hub).expect("a head serialises"),
            )
        }
    })
}

/// The centre's name, and the commune and postcode of its address (the line that starts with
/// a five-digit postcode), with the département the postcode gives.
pub fn centre_facts(settings: &crate::centre::CentreSettings) -> Option<CentreFacts> {
    let name = settings.name.clone()?;
    let (postcode, commune) = settings
        .address
        .iter()
        .rev()
        .find_map(|line| {
            let line = line.trim();
            let (code, rest) = line.split_at_checked(5)?;
            (code.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' '))
                .then(|| (code.to_string(), rest.trim().to_string()))
        })
        .unwrap_or_default();
    Some(CentreFacts {
        name,
        departement: departement_of(&postcode),
        commune,
        postcode,
    })
}

/// The département of a French postcode: its first two digits, three overseas (971…976), 2A
/// or 2B in Corsica (200xx–201xx are Corse-du-Sud).
pub fn departement_of(postcode: &str) -> String {
    match postcode.get(..3) {
        None => String::new(),
        Some(p) if p.starts_with("97") || p.starts_with("98") => p.to_string(),
        Some("200" | "201") => "2A".into(),
        Some(p) if p.starts_with("20") => "2B".into(),
        Some(p) => p[..2].to_string(),
    }
}

fn round_inner(store: &impl Writer, client: &Client) -> Result<RoundReport> {
    let mut report = RoundReport::default();
    let mut first_push = true;
    loop {
        let batch = store.write(|s| sql::pending(s.db(), protocol::MAX_PUSH))?;
        let (head, facts) = store.write(|s| push_context(s))?;
        // The first push of a round always goes, with the journal's head: its answer says
        // whether this journal still reaches what the network received (a restore).
        if batch.is_empty() && !first_push {
            break;
        }
        first_push = false;
        let response = client.push(&batch, Some(head.clone()), facts.clone())?;
        check_hub(store, &response.hub_id)?;
        if let Some(hub_head) = &response.journal {
            store.write(|s| note_hub_head(s, hub_head))?;
        }
        store.write(|s| {
            s.with_tx(|tx| {
                sql::set_setting(tx, JOURNAL_SENT, &format!("{}:{}", head.entries, head.hash))?;
                match &facts {
                    Some(f) => sql::set_setting(tx, CENTRE_SENT, &serde_json::to_string(f).unwrap_or_default()),
                    None => Ok(()),
                }
            })
        })?;
        if batch.is_empty() {
            break;
        }
        for ack in &response.acks {
            match ack.status {
                AckStatus::Accepted | AckStatus::Duplicate => report.pushed += 1,
                AckStatus::Conflict => report.conflicts_reported += 1,
                AckStatus::Refused => report.refused += 1,
            }
        }
        store.write(|s| record_acks(s, &response.acks))?;
        if response.acks.is_empty() {
            return Err(refused(
                Code::HubGarbage,
                "Le hub n'a accusé réception d'aucun événement : nouvel essai plus tard.",
            ));
        }
    }
    // This post's register code and id, so that the hub says if another post shares the code.
    let (register, post) = store.write(post_identity)?;
    let waiting = store.write(|s| sql::waiting(s.db()))?;
    let mut first = true;
    loop {
        let after = store.write(|s| sql::cursor(s.db()))?.0;
        let page = client.changes(after, protocol::MAX_PAGE, Some((&register, &post, waiting)))?;
        check_hub(store, &page.hub_id)?;
        if first {
            first = false;
            let clash = page.register_clash.as_ref().map(clash_message).unwrap_or_default();
            store.write(|s| s.with_tx(|tx| sql::set_setting(tx, REGISTER_CLASH, &clash)))?;
        }
        if page.next < after || page.changes.iter().any(|c| c.seq <= after || c.seq > page.next) {
            return Err(refused(
                Code::HubOther,
                format!(
                    "Le hub renvoie un curseur incohérent ({} après {after}) : rien n'a été appliqué.",
                    page.next
                ),
            ));
        }
        let applied = store.write(|s| apply_page(s, &page))?;
        report.pulled += page.changes.len();
        report.allocated += applied.allocated;
        report.recalled += applied.recalled;
        report.programmes += applied.programmes;
        report.new_conflicts += applied.conflicts;
        report.cursor = page.next;
        if !page.more || page.changes.is_empty() {
            break;
        }
    }
    Ok(report)
}

/// Records the hub's acknowledgements: acknowledged events leave the queue (a conflict or a
/// refusal is kept with the hub's message).
pub fn record_acks(store: &mut Store, acks: &[Ack]) -> Result<()> {
    let now = store::now_text();
    store.with_tx(|tx| {
        for ack in acks {
            sql::ack(tx, ack, &now)?;
            if ack.status == AckStatus::Conflict {
                let message = ack
                    .message
                    .clone()
                    .unwrap_or_else(|| "Conflit signalé par le hub".into());
                match ack.conflict {
                    // Numbered: the feed brings it too, to every register; recorded once.
                    Some(id) => {
                        sql::insert_hub_conflict(tx, id, None, &now, None, &format!("Hub : {message}"))?;
                    }
                    None => sql::insert_conflict(tx, &now, None, &format!("Hub : {message}"))?,
                }
            }
        }
        Ok(())
    })
}

#[derive(Debug, Default)]
struct Applied {
    allocated: usize,
    recalled: usize,
    programmes: usize,
    conflicts: usize,
}

/// Applies a page of changes and moves the cursor, in one transaction.
fn apply_page(store: &mut Store, page: &ChangesPage) -> Result<Applied> {
    let caps = LegalCaps::shipped();
    store.with_tx(|tx| {
        sql::begin_applying(tx)?;
        // A page may allocate hundreds of devices: indexed for search together at the end.
        let applied = crate::store::devices::in_bulk(tx, || {
            let mut applied = Applied::default();
            for entry in &page.changes {
                let now = store::now_text();
                match &entry.change {
                    Change::Allocate { device } => {
                        let device = device.parse().map_err(|e| {
                            refused(
                                Code::HubGarbage,
                                format!("Le hub envoie un appareil invalide (changement {}) : {e}", entry.seq),
                            )
                        })?;
                        if devices::by_tag(tx, &device.tag)?.is_none() {
                            stock::insert_new(
                                tx,
                                &[&device],
                                DeviceState::Allocated,
                                OPERATOR,
                                "Attribué par le réseau",
                                &now,
                                &mut Default::default(),
                                None,
                            )?;
                            applied.allocated += 1;
                        }
                    }
                    Change::Recall { tag } => {
                        let Ok(tag) = AssetTag::parse(tag) else { continue };
                        let Some(device) = devices::by_tag(tx, &tag)? else {
                            continue;
                        };
                        match device.state {
                            DeviceState::Sold | DeviceState::Reserved => {
                                let message = format!(
                                    "Le réseau a rappelé {tag}, mais il est déjà {} ici : la vente est maintenue.",
                                    device.state.label().to_lowercase()
                                );
                                sql::insert_conflict(tx, &now, Some(tag.as_str()), &message)?;
                                applied.conflicts += 1;
                            }
                            DeviceState::Returned => {}
                            _ => {
                                stock::transition_in(
                                    tx,
                                    device,
                                    StockAction::Return,
                                    OPERATOR,
                                    "Rappelé par le réseau",
                                    &now,
                                )?;
                                applied.recalled += 1;
                            }
                        }
                    }
                    Change::Conflict(notice) => {
                        let tag = notice.tag.as_deref().and_then(|t| AssetTag::parse(t).ok());
                        let tag = tag.as_ref().map(|t| t.as_str());
                        let kind = Some(notice.kind.as_str()).filter(|k| !k.is_empty());
                        if sql::insert_hub_conflict(
                            tx,
                            notice.id,
                            kind,
                            &now,
                            tag,
                            &format!("Hub : {}", notice.message),
                        )? {
                            applied.conflicts += 1;
                        }
                    }
                    Change::ConflictClosed { id, how } => sql::close_hub_conflict(tx, *id, &now, how)?,
                    Change::Programme { name, content } => match Programme::parse(content, name, &caps) {
                        Ok(_) => {
                            sql::upsert_programme(tx, name, content, &now)?;
                            applied.programmes += 1;
                        }
                        Err(e) => {
                            sql::insert_conflict(
                                tx,
                                &now,
                                None,
                                &format!("Programme « {name} » publié par le réseau et refusé : {e}"),
                            )?;
                            applied.conflicts += 1;
                        }
                    },
                }
            }
            Ok(applied)
        })?;
        sql::set_cursor(tx, page.next, &page.hub_id)?;
        sql::end_applying(tx)?;
        Ok(applied)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_departement_comes_from_the_postcode_corsica_and_overseas_included() {
        assert_eq!(departement_of("93200"), "93");
        assert_eq!(departement_of("01000"), "01");
        assert_eq!(departement_of("20000"), "2A");
        assert_eq!(departement_of("20200"), "2B");
        assert_eq!(departement_of("97400"), "974");
        assert_eq!(departement_of(""), "");
    }

    #[test]
    fn the_centres_commune_is_read_from_its_address_line_with_a_postcode() {
        let form = |name: &str| crate::centre::CentreInput {
            name: name.into(),
            address: "12 rue des Tilleuls\n93200 Saint-Denis".into(),
            paper: "a4".into(),
            ..Default::default()
        };
        let facts = centre_facts(&form("Centre social").parse().unwrap()).unwrap();
        assert_eq!(
            (
                facts.commune.as_str(),
                facts.postcode.as_str(),
                facts.departement.as_str()
            ),
            ("Saint-Denis", "93200", "93")
        );
        assert!(
            centre_facts(&form("").parse().unwrap()).is_none(),
            "no name, nothing to send"
        );
    }
}
