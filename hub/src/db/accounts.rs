//! The network console's people: accounts (argon2 password hashes), sessions (the SHA-256 of
//! their random id, their CSRF token, their expiry), login attempts (throttled per account and
//! per address) and the audit log of every act.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;

use super::*;

/// A session lasts this long after the login, then the person logs in again.
pub const SESSION_HOURS: i64 = 8;
/// Failed logins allowed in `THROTTLE_MINUTES`, per account and per address, before the next
/// ones are refused without being checked.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_MINUTES: i64 = 15;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything the console offers.
    Coordinateur,
    /// The dashboards and reports of the programmes its account names, nothing else.
    Financeur,
}

impl Role {
    pub fn parse(text: &str) -> Result<Role> {
        match text.trim().to_lowercase().as_str() {
            "coordinateur" | "coordinatrice" | "coordinator" => Ok(Role::Coordinateur),
            "financeur" | "funder" => Ok(Role::Financeur),
            other => Err(HubError::Invalid(format!(
                "rôle « {other} » inconnu : coordinateur ou financeur"
            ))),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Coordinateur => "coordinateur",
            Role::Financeur => "financeur",
        }
    }
}

/// An account as the console and `comptoir-hub user list` show it (never its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// A financeur's programmes (ids).
    pub programmes: Vec<String>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

impl Account {
    /// Whether this account may see the figures of programme `id`.
    pub fn sees_programme(&self, id: &str) -> bool {
        self.role == Role::Coordinateur || self.programmes.iter().any(|p| p == id)
    }
}

fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(HubError::Invalid(format!(
            "mot de passe trop court : {MIN_PASSWORD} caractères au moins"
        )));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HubError::Invalid(format!("hachage du mot de passe impossible : {e}")))
}

/// A hash no password matches, checked when the login is unknown or disabled so that the
/// answer takes as long as for a known one.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password(uuid::Uuid::new_v4().as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .unwrap_or_default()
});

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn clean_login(login: &str) -> Result<String> {
    let login = login.trim().to_lowercase();
    let ok = (3..=40).contains(&login.len()) && login.chars().all(|c| c.is_ascii_alphanumeric() || ".-_@".contains(c));
    if ok {
        Ok(login)
    } else {
        Err(HubError::Invalid(
            "identifiant : 3 à 40 lettres, chiffres ou . - _ @".into(),
        ))
    }
}

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(3)?;
    let programmes: String = r.get(4)?;
    Ok(Account {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        role: if role == "financeur" {
            Role::Financeur
        } else {
            Role::Coordinateur
        },
        programmes: serde_json::from_str(&programmes).unwrap_or_default(),
        created_at: r.get(5)?,
        disabled_at: r.get(6)?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, login, name, role, programmes, created_at, disabled_at";

/// Creates an account. A financeur names at least one programme; a coordinateur none.
pub fn add_account(
    conn: &Connection,
    login: &str,
    name: &str,
    role: Role,
    programmes: &[String],
    password: &str,
) -> Result<Account> {
    let login = clean_login(login)?;
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(HubError::Invalid("nom : 2 à 80 caractères".into()));
    }
    let programmes: Vec<String> = match role {
        Role::Coordinateur => Vec::new(),
        Role::Financeur if programmes.is_empty() => {
            return Err(HubError::Invalid(
                "un compte financeur nomme au moins un programme (--programme)".into(),
            ))
        }
        Role::Financeur => programmes.iter().map(|p| p.trim().to_string()).collect(),
    };
    if account(conn, &login)?.is_some() {
        return Err(HubError::Invalid(format!("l'identifiant « {login} » existe déjà")));
    }
    let hash = hash_password(password)?;
    conn.execute(
        "INSERT INTO accounts (login, name, role, programmes, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            login,
            name,
            role.code(),
            serde_json::to_string(&programmes).expect("a list serialises"),
            hash,
            now()
        ],
    )?;
    Ok(account(conn, &login)?.expect("just added"))
}

pub fn account(conn: &Connection, login: &str) -> Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([login.trim().to_lowercase()], account_from_row)
        .optional()?)
}

pub fn accounts(conn: &Connection) -> Result<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY login");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], account_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn known(conn: &Connection, login: &str) -> Result<Account> {
    account(conn, login)?.ok_or_else(|| HubError::Invalid(format!("aucun compte « {} »", login.trim())))
}

/// Disables an account and ends its sessions.
pub fn disable_account(conn: &Connection, login: &str) -> Result<Account> {
    let a = known(conn, login)?;
    conn.execute(
        "UPDATE accounts SET disabled_at = coalesce(disabled_at, ?2) WHERE id = ?1",
        params![a.id, now()],
    )?;
    conn.execute("DELETE FROM sessions WHERE account_id = ?1", [a.id])?;
    known(conn, login)
}

/// Gives an account a new password (and ends its sessions).
pub fn reset_password(conn: &Connection, login: &str, password: &str) -> Result<Account> {
    let a = known(conn, login)?;
    let hash = hash_password(password)?;
    conn.execute(
        "UPDATE accounts SET password_hash = ?2 WHERE id = ?1",
        params![a.id, hash],
    )?;
    conn.execute("DELETE FROM sessions WHERE account_id = ?1", [a.id])?;
    Ok(a)
}

/// Why a login was refused, in French (the same words whether the login or the password was
/// wrong: the console says nothing of which accounts exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefused {
    Wrong,
    Throttled,
}

/// A session opened: its id (to set in the cookie; only its hash is kept) and its CSRF token.
pub struct NewSession {
    pub id: String,
    pub csrf: String,
    pub account: Account,
}

fn random_token() -> String {
    // Two v4 UUIDs: 244 random bits from the OS.
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A login attempt as read before its password is checked: the login as stored (trimmed,
/// lower-case), the account's id, hash and whether it is disabled, and whether the attempt is
/// throttled.
pub struct LoginCheck {
    login: String,
    found: Option<(i64, String, Option<String>)>,
    pub throttled: bool,
}

/// Step 1 of a login (a reader): is it throttled (more than `MAX_FAILURES` checked failures in
/// `THROTTLE_MINUTES`, per account and per address), and the account's hash.
pub fn login_check(conn: &Connection, login: &str, address: &str) -> Result<LoginCheck> {
    let login = login.trim().to_lowercase();
    let throttled = throttled(conn, &login, address)?;
    let found = conn
        .query_row(
            "SELECT id, password_hash, disabled_at FROM accounts WHERE login = ?1",
            [&login],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(LoginCheck {
        login,
        found,
        throttled,
    })
}

/// Failures counted for the throttle: only attempts whose password was checked. An attempt
/// refused while throttled is never written, so a lockout ends on time whatever is tried
/// meanwhile.
fn throttled(conn: &Connection, login: &str, address: &str) -> Result<bool> {
    let since = minutes_ago(THROTTLE_MINUTES);
    let failures = |column: &str, value: &str| -> Result<i64> {
        Ok(conn.query_row(
            &format!("SELECT count(*) FROM login_attempts WHERE {column} = ?1 AND at >= ?2 AND ok = 0"),
            params![value, since],
            |r| r.get(0),
        )?)
    };
    Ok(failures("login", login)? >= MAX_FAILURES || failures("address", address)? >= MAX_FAILURES)
}

/// Step 2 (no connection held: argon2 takes its time away from the hub's writer): whether the
/// password is the account's. The same work whether or not the account exists.
pub fn password_matches(check: &LoginCheck, password: &str) -> bool {
    match &check.found {
        Some((_, hash, None)) => verify_password(password, hash),
        _ => {
            let _ = verify_password(password, &DUMMY_HASH);
            false
        }
    }
}

/// Step 3 (the writer, briefly): the attempt recorded and, when it matched, a session opened.
/// Throttled meanwhile (another address's failures): refused, not recorded.
pub fn login_finish(
    conn: &Connection,
    check: &LoginCheck,
    ok: bool,
    address: &str,
) -> Result<std::result::Result<NewSession, LoginRefused>> {
    if check.throttled || throttled(conn, &check.login, address)? {
        return Ok(Err(LoginRefused::Throttled));
    }
    conn.execute(
        "INSERT INTO login_attempts (login, address, at, ok) VALUES (?1, ?2, ?3, ?4)",
        params![check.login.chars().take(80).collect::<String>(), address, now(), ok],
    )?;
    let Some((account_id, _, None)) = check.found.as_ref().filter(|_| ok) else {
        return Ok(Err(LoginRefused::Wrong));
    };
    let id = random_token();
    let csrf = random_token();
    let expires = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    conn.execute(
        "INSERT INTO sessions (id_hash, account_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hash_token(&id), account_id, csrf, now(), expires],
    )?;
    conn.execute("DELETE FROM sessions WHERE expires_at < ?1", [now()])?;
    let account = known(conn, &check.login)?;
    Ok(Ok(NewSession { id, csrf, account }))
}

/// The account and CSRF token of a session id still valid (an expired one, or one of a
/// disabled account, is none).
pub fn session(conn: &Connection, id: &str) -> Result<Option<(Account, String)>> {
    let sql = format!(
        "SELECT {}, s.csrf FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND a.disabled_at IS NULL",
        ACCOUNT_COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![hash_token(id), now()], |r| {
            Ok((account_from_row(r)?, r.get(7)?))
        })
        .optional()?)
}

pub fn logout(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [hash_token(id)])?;
    Ok(())
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub account: String,
    pub address: String,
    pub action: String,
    pub detail: String,
}

/// Opens the savepoint a console act and its audit line share (the act's own transactions are
/// savepoints nested in it).
pub fn begin_act(conn: &Connection) -> Result<()> {
    conn.execute_batch("SAVEPOINT console_act")?;
    Ok(())
}

/// Ends a console act's savepoint: `keep`, the act and its audit line commit together; else
/// neither does.
pub fn end_act(conn: &Connection, keep: bool) -> Result<()> {
    conn.execute_batch(if keep {
        "RELEASE console_act"
    } else {
        "ROLLBACK TO console_act; RELEASE console_act"
    })?;
    Ok(())
}

/// Writes an act in the audit log (who, from where, what), each value cut to a short length.
pub fn audit(conn: &Connection, account: &str, address: &str, action: &str, detail: &str) -> Result<()> {
    let cut = comptoir_common::text::shorten;
    conn.execute(
        "INSERT INTO audit (at, account, address, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            now(),
            cut(account, 80),
            cut(address, 64),
            cut(action, 80),
            cut(detail, AUDIT_DETAIL_MAX)
        ],
    )?;
    Ok(())
}

/// The longest detail an audit line keeps (an act's list of tags, a refusal's reason).
pub const AUDIT_DETAIL_MAX: usize = 500;

/// Counts a refusal before a session (by day, address, account and reason), never one line
/// each. `typed` is what was typed as the login: kept only when it is an existing account's
/// (anything else — a password typed in the wrong field — is never stored).
pub fn count_refusal(conn: &Connection, address: &str, typed: &str, reason: &str) -> Result<()> {
    let typed = typed.trim().to_lowercase();
    let account: String = if typed.is_empty() || typed.chars().count() > 80 {
        String::new()
    } else {
        conn.query_row("SELECT login FROM accounts WHERE login = ?1", [&typed], |r| r.get(0))
            .optional()?
            .unwrap_or_default()
    };
    let at = now();
    conn.execute(
        "INSERT INTO refusals (day, address, account, reason, count, last_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)
         ON CONFLICT (day, address, account, reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
        params![
            &at[..10],
            address.chars().take(64).collect::<String>(),
            account,
            reason,
            at
        ],
    )?;
    Ok(())
}

/// Refusals before a session, summarised: a day, an address, an account (or none), why, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusalCount {
    pub day: String,
    pub address: String,
    pub account: String,
    pub reason: String,
    pub count: i64,
    pub last_at: String,
}

/// The latest refusal counts, the latest first.
pub fn refusals(conn: &Connection, limit: usize) -> Result<Vec<RefusalCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, address, account, reason, count, last_at FROM refusals ORDER BY last_at DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(RefusalCount {
            day: r.get(0)?,
            address: r.get(1)?,
            account: r.get(2)?,
            reason: r.get(3)?,
            count: r.get(4)?,
            last_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest lines of the audit log, the latest first.
pub fn audit_log(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT at, account, address, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            account: r.get(1)?,
            address: r.get(2)?,
            action: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
