//! The network's figures in the console: the funder's report over all centres, a département
//! or chosen centres (HTML, PDF, CSV: the centres' report types and masking), the dashboard
//! (progress to targets, stock on hand, as inline SVG), and the after-sales quality page. A
//! financeur opens only the programmes its account names; any other is refused and logged.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{coordinator, figures, forbidden, page, visitor, Address};
use crate::db::accounts::{self, Role};
use crate::db::reports::{self as sql, Scope};
use crate::db::{self, HubError};
use crate::report::{build, dashboard, pdf, Asked, Built};
use crate::{blocking, Shared};
use comptoir_common::programme::Programme;

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

impl ReportQuery {
    fn check(&self, programmes: &[Programme]) -> Result<Asked, String> {
        let scope = match self.portee.as_str() {
            "" | "tous" => Scope::All,
            "departement" if !self.departement.trim().is_empty() => Scope::Departement(self.departement.trim().into()),
            "departement" => return Err("Donnez le département (par exemple 93).".into()),
            "centres" => Scope::Centres(super::acts::tags(&self.centres)),
            other => return Err(format!("Portée « {other} » inconnue.")),
        };
        Asked::parse(programmes, &self.programme, &self.du, &self.au, scope)
    }
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
        Ok(built) => Ok(Ok(built)),
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
