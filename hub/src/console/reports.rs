//! The network's figures in the console: the funder's report over all centres, a département
//! or chosen centres (HTML, PDF, CSV: the centres' report types and masking), the dashboard
//! (progress to targets, stock on hand, as inline SVG), and the after-sales quality page. A
//! financeur opens only the programmes its account names; any other is refused and logged.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{coordinator, figures, forbidden, page, visitor, Address};
use crate::db::accounts::{self, Role};
use crate::db::reports::{self as sql, Scope};
use crate::db::{self, HubError};
use crate::{blocking, Shared};
use comptoir_common::layout::{Align, Canvas};
use comptoir_common::programme::Programme;
use comptoir_common::report::{Counts, Report};

/// The report form, as the browser sends it (every field text: a bad one is said in French).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub programme: String,
    #[serde(default)]
    pub du: String,
    #[serde(default)]
    pub au: String,
    /// `tous`, `departement` or `centres`.
    #[serde(default)]
    pub portee: String,
    #[serde(default)]
    pub departement: String,
    #[serde(default)]
    pub centres: String,
}

/// A report asked for, checked: the programme, the period, the scope.
pub struct Asked {
    pub programme: Programme,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub scope: Scope,
}

/// A report built: the figures, and how the scope is said (with the centres it covers).
pub struct Built {
    pub report: Report,
    pub scope_text: String,
}

fn date(text: &str, what: &str) -> Result<NaiveDate, String> {
    comptoir_common::refurbishing::parse_date(text)
        .ok_or_else(|| format!("{what} « {} » n'est pas une date (JJ/MM/AAAA).", text.trim()))
}

impl ReportQuery {
    fn check(&self, programmes: &[Programme]) -> Result<Asked, String> {
        let programme = programmes
            .iter()
            .find(|p| p.id == self.programme.trim())
            .cloned()
            .ok_or_else(|| format!("Programme inconnu : « {} ».", self.programme.trim()))?;
        let (from, to) = (date(&self.du, "Début")?, date(&self.au, "Fin")?);
        if to < from {
            return Err("La fin de la période est avant son début.".into());
        }
        let scope = match self.portee.as_str() {
            "" | "tous" => Scope::All,
            "departement" if !self.departement.trim().is_empty() => Scope::Departement(self.departement.trim().into()),
            "departement" => return Err("Donnez le département (par exemple 93).".into()),
            "centres" => Scope::Centres(super::acts::tags(&self.centres)),
            other => return Err(format!("Portée « {other} » inconnue.")),
        };
        Ok(Asked {
            programme,
            from,
            to,
            scope,
        })
    }
}

/// Builds the network report of `asked` (the hub's database only).
pub fn build(conn: &rusqlite::Connection, asked: &Asked) -> db::Result<(Report, Counts, Vec<String>)> {
    let centres = sql::scope_centres(conn, &asked.scope)?;
    let counts = sql::counts(
        conn,
        &asked.programme.id,
        &asked.from.to_string(),
        &asked.to.to_string(),
        &centres,
    )?;
    Ok((
        Report::from_counts(&asked.programme, asked.from, asked.to, &counts),
        counts,
        centres,
    ))
}

pub fn scope_text(scope: &Scope, centres: &[String]) -> String {
    match scope {
        Scope::All => format!("tous les centres du réseau ({})", centres.len()),
        Scope::Departement(d) => format!("les centres du département {d} ({})", centres.join(", ")),
        Scope::Centres(_) => format!("les centres {}", centres.join(", ")),
    }
}

/// The network report as PDF: the network's header, then the centres' report pages.
pub fn pdf(built: &Built) -> Vec<u8> {
    let report = &built.report;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Bilan du réseau — {} (suite)", report.programme));
    c.line("Réseau Comptoir — bilan du réseau", 10.0, false, Align::Left);
    c.line("BILAN POUR LE FINANCEUR", 13.0, true, Align::Left);
    c.line(&report.programme, 11.0, true, Align::Left);
    c.line(
        &format!(
            "du {} au {}",
            report.from.format("%d/%m/%Y"),
            report.to.format("%d/%m/%Y")
        ),
        10.0,
        false,
        Align::Left,
    );
    c.paragraph(&format!("Périmètre : {}.", built.scope_text), 10.0, false);
    c.paragraph(
        "Les personnes sont comptées une fois par centre (référence pseudonyme du centre) ; le lieu est celui des centres, jamais celui des personnes.",
        8.5,
        false,
    );
    c.space(3.0);
    comptoir_common::report::pdf::body(&mut c, report);
    c.into_pdf(&format!("Bilan du réseau {}", report.programme))
}

/// The visitor, the programmes it may open, and the report it asks for (none when the form is
/// empty); a programme it may not open is refused (403, logged).
async fn asked(
    hub: &Shared,
    headers: &HeaderMap,
    address: String,
    q: ReportQuery,
) -> Result<(super::Visitor, Vec<Programme>, Option<Result<Built, String>>), Response> {
    let v = visitor(hub, headers, address).await?;
    let all = blocking(hub, |hub| Ok(sql::programmes(&hub.reader())?))
        .await
        .map_err(IntoResponse::into_response)?;
    let mine: Vec<Programme> = all.into_iter().filter(|p| v.account.sees_programme(&p.id)).collect();
    if q.programme.trim().is_empty() {
        return Ok((v, mine, None));
    }
    if v.account.role != Role::Coordinateur && !v.account.sees_programme(q.programme.trim()) {
        let what = format!("les chiffres du programme « {} »", q.programme.trim());
        return Err(forbidden(hub, &v, &what).await);
    }
    let checked = match q.check(&mine) {
        Ok(a) => a,
        Err(m) => return Ok((v, mine, Some(Err(m)))),
    };
    let built = blocking(hub, move |hub| match build(&hub.reader(), &checked) {
        Ok((report, _, centres)) => Ok(Ok(Built {
            scope_text: scope_text(&checked.scope, &centres),
            report,
        })),
        Err(HubError::Invalid(m)) => Ok(Err(m)),
        Err(e) => Err(e.into()),
    })
    .await
    .map_err(IntoResponse::into_response)?;
    Ok((v, mine, Some(built)))
}

pub(super) async fn report_page(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    match asked(&hub, &headers, address, q.clone()).await {
        Ok((v, mine, built)) => {
            let status = if matches!(built, Some(Err(_))) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            page(status, figures::report(&v.account, &v.csrf, &mine, &q, built.as_ref()))
        }
        Err(r) => r,
    }
}

/// The report as a file (`pdf` or `csv`), its download written in the audit log.
pub(super) async fn report_file(
    hub: Shared,
    address: String,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
    csv: bool,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (v, mine, built) = match asked(&hub, &headers, address, q.clone()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let built = match built {
        Some(Ok(b)) => b,
        Some(Err(m)) => {
            return page(
                StatusCode::BAD_REQUEST,
                figures::report(&v.account, &v.csrf, &mine, &q, Some(&Err(m))),
            )
        }
        None => {
            return page(
                StatusCode::BAD_REQUEST,
                figures::report(&v.account, &v.csrf, &mine, &q, None),
            )
        }
    };
    let (login, addr) = (v.account.login.clone(), v.address.clone());
    let detail = format!(
        "{} du {} au {}, {} ({})",
        built.report.programme_id,
        built.report.from,
        built.report.to,
        built.scope_text,
        if csv { "CSV" } else { "PDF" }
    );
    let _ = blocking(&hub, move |hub| {
        Ok(accounts::audit(
            &hub.writer(),
            &login,
            &addr,
            "bilan du réseau",
            &detail,
        )?)
    })
    .await;
    let name = format!(
        "bilan-reseau-{}-{}-{}.{}",
        built.report.programme_id,
        built.report.from,
        built.report.to,
        if csv { "csv" } else { "pdf" }
    );
    let (bytes, mime) = if csv {
        (
            comptoir_common::report::to_csv(&built.report),
            "text/csv; charset=utf-8",
        )
    } else {
        match tokio::task::spawn_blocking(move || pdf(&built)).await {
            Ok(b) => (b, "application/pdf"),
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

pub(super) async fn report_pdf(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    report_file(hub, address, headers, q, false).await
}

pub(super) async fn report_csv(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    report_file(hub, address, headers, q, true).await
}

/// What the dashboard shows: each programme under way (to today), network-wide, and the stock
/// on hand by kind (coordinators only).
pub struct Dashboard {
    pub programmes: Vec<Report>,
    pub stock: Vec<(String, i64, i64)>,
}

/// The dashboard's figures for `programmes` on `today` (the hub's database only).
pub fn dashboard(
    conn: &rusqlite::Connection,
    programmes: &[Programme],
    today: NaiveDate,
    with_stock: bool,
) -> db::Result<Dashboard> {
    let mut reports = Vec::new();
    for p in programmes {
        if p.start > today || p.end.is_some_and(|e| e < today) {
            continue;
        }
        let asked = Asked {
            programme: p.clone(),
            from: p.start,
            to: p.end.unwrap_or(today).min(today),
            scope: Scope::All,
        };
        reports.push(build(conn, &asked)?.0);
    }
    let stock = if with_stock {
        db::stock_on_hand(conn)?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        programmes: reports,
        stock,
    })
}

pub(super) async fn dashboard_page(
    State(hub): State<Shared>,
    Address(address): Address,
    headers: HeaderMap,
) -> Response {
    let v = match visitor(&hub, &headers, address).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let account = v.account.clone();
    let today = chrono::Local::now().date_naive();
    let result = blocking(&hub, move |hub| {
        let conn = hub.reader();
        let mine: Vec<Programme> = sql::programmes(&conn)?
            .into_iter()
            .filter(|p| account.sees_programme(&p.id))
            .collect();
        Ok(dashboard(&conn, &mine, today, account.role == Role::Coordinateur)?)
    })
    .await;
    match result {
        Ok(d) => page(StatusCode::OK, figures::dashboard(&v.account, &v.csrf, &d)),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn quality_page(State(hub): State<Shared>, Address(address): Address, headers: HeaderMap) -> Response {
    let v = match coordinator(&hub, &headers, address, "la qualité après-vente").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match blocking(&hub, |hub| Ok(db::failure_rates(&hub.reader())?)).await {
        Ok(rows) => page(StatusCode::OK, figures::quality(&v.account, &v.csrf, &rows)),
        Err(e) => e.into_response(),
    }
}
