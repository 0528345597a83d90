//! The figures' pages: the network report (its form, its tables, its PDF and CSV links), the
//! dashboard with inline SVG charts (no script, no external service), the quality page.

use maud::{html, Markup};

use super::pages::layout;
use super::reports::ReportQuery;
use crate::db::accounts::{Account, Role};
use crate::db::FailureRate;
use crate::report::{Built, Dashboard};
use comptoir_common::programme::Programme;
use comptoir_common::report::{Cell, Report};

/// A query string's value, percent-encoded.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_string(q: &ReportQuery) -> String {
    [
        ("programme", &q.programme),
        ("du", &q.du),
        ("au", &q.au),
        ("portee", &q.portee),
        ("departement", &q.departement),
        ("centres", &q.centres),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", encode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

fn cell(c: Cell) -> String {
    c.text()
}

pub fn report(
    account: &Account,
    csrf: &str,
    programmes: &[Programme],
    q: &ReportQuery,
    built: Option<&Result<Built, String>>,
) -> Markup {
    let scope = if q.portee.is_empty() { "tous" } else { q.portee.as_str() };
    layout(
        "Bilans du réseau",
        Some((account, csrf)),
        html! {
            form method="get" action="/console/rapports" id="form-rapport" {
                div class="filters" {
                    label { "Programme " select name="programme" required {
                        option value="" { "— choisir —" }
                        @for p in programmes { option value=(p.id) selected[p.id == q.programme] { (p.name) " (" (p.id) ")" } }
                    } }
                    label { "Du " input type="date" name="du" value=(q.du) required; }
                    label { "Au " input type="date" name="au" value=(q.au) required; }
                }
                fieldset {
                    legend { "Centres" }
                    label { input type="radio" name="portee" value="tous" checked[scope == "tous"]; " Tous les centres" }
                    label { input type="radio" name="portee" value="departement" checked[scope == "departement"]; " Un département : " input name="departement" value=(q.departement) size="4" aria-label="Département"; }
                    label { input type="radio" name="portee" value="centres" checked[scope == "centres"]; " Ces centres : " input name="centres" value=(q.centres) size="30" aria-label="Centres choisis"; }
                }
                button type="submit" { "Afficher" }
            }
            @match built {
                Some(Err(message)) => p class="error" role="alert" id="erreur" { (message) },
                Some(Ok(b)) => {
                    p role="status" id="perimetre" { "Périmètre : " (b.scope_text) "." }
                    p {
                        a href={ "/console/rapports/bilan.pdf?" (query_string(q)) } id="pdf" { "Télécharger le PDF" } " · "
                        a href={ "/console/rapports/bilan.csv?" (query_string(q)) } id="csv" { "Télécharger le CSV (tableur)" }
                    }
                    (report_tables(&b.report))
                }
                None => p { "Choisissez un programme et une période." },
            }
        },
    )
}

fn report_tables(r: &Report) -> Markup {
    html! {
        p { "Chiffres agrégés, sans aucun nom ; « < 3 » remplace un nombre de une ou deux personnes. Les personnes sont comptées une fois par centre." }
        table id="publics" {
            caption { "Personnes équipées par public" }
            thead { tr { th { "Public" } th { "Personnes" } th { "Objectif" } th { "Avancement" } } }
            tbody {
                @for p in &r.publics {
                    tr { td { (p.label) } td class="n" { (cell(p.people)) }
                         td class="n" { @if let Some(t) = p.target { (t) } }
                         td class="n" { @if let Some(pct) = p.progress { (pct) " %" } } }
                }
                tr { th { "Total des personnes équipées" } td class="n" id="personnes" { (cell(r.people)) } td {} td {} }
            }
        }
        table id="appareils" {
            caption { "Appareils distribués (hors avoirs)" }
            thead { tr { th { "Type" } th { "Catégorie" } th { "Nombre" } } }
            tbody {
                @for d in &r.devices { tr { td { (d.kind.label()) } td { (d.category.map(|c| c.code()).unwrap_or("—")) } td class="n" { (d.count) } } }
                tr { th colspan="2" { "Total" } td class="n" id="appareils-total" { (r.devices_total) } }
            }
        }
        table id="encaissements" {
            caption { "Encaissements par moyen de paiement" }
            tbody {
                @for (m, a) in &r.takings { tr { td { (m.label()) } td class="n" { (a.to_string()) } } }
                tr { th { "Total encaissé (" (r.sales) " vente(s))" } td class="n" id="total-encaisse" { (r.takings_total.to_string()) } }
                tr { td { "dont part du financeur : " (r.funder) } td class="n" { (r.funder_part.to_string()) } }
                tr { td { "Avoirs (" (r.credit_notes) ")" } td class="n" { (r.credit_total.to_string()) } }
                tr { th { "Net" } td class="n" { (r.net.to_string()) } }
            }
        }
        @if !r.loans.is_empty() {
            table id="prets" {
                caption { "Prêts de la période (hors ventes)" }
                thead { tr { th { "Type" } th { "Prêtés" } th { "Rendus" } th { "Perdus" } th { "Vendus à l'emprunteur" } } }
                tbody { @for l in &r.loans { tr { td { (l.kind.label()) } td class="n" { (l.lent) } td class="n" { (l.returned) } td class="n" { (l.lost) } td class="n" { (l.sold) } } } }
            }
        }
    }
}

/// A horizontal bar chart: one row per (label, value, target), drawn to scale, with its text.
/// A value of none is a masked count of people (one or two): its bar says « < 3 », never an
/// empty bar like a real 0.
fn bars(title: &str, rows: &[(String, Option<i64>, Option<i64>, String)]) -> Markup {
    let scale = rows
        .iter()
        .map(|(_, v, t, _)| v.unwrap_or(0).max(t.unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (label_w, bar_w, row_h) = (190.0, 330.0, 26.0);
    let height = rows.len() as f64 * row_h + 8.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="680" height=(height) viewBox={ "0 0 680 " (height) } role="img" aria-label=(title) {
            title { (title) }
            @for (i, (label, value, target, text)) in rows.iter().enumerate() {
                @let y = i as f64 * row_h + 4.0;
                text x="0" y=(y + 15.0) font-size="13" fill="#1d2327" { (label) }
                @if let Some(t) = target {
                    rect x=(label_w) y=(y) width=(bar_w * *t as f64 / scale) height="18" fill="none" stroke="#1d2327" stroke-width="1.5" {}
                }
                @match value {
                    Some(value) => { rect x=(label_w) y=(y + 3.0) width=(bar_w * *value as f64 / scale) height="12" fill="#0b6e75" {} }
                    None => { text x=(label_w + 4.0) y=(y + 14.0) font-size="12" font-weight="bold" fill="#1d2327" class="masque" { "< 3" } }
                }
                text x=(label_w + bar_w + 10.0) y=(y + 15.0) font-size="13" fill="#1d2327" { (text) }
            }
        }
    }
}

/// The chart's legend: only what it draws (a frame when a public has a target, « < 3 » when a
/// count is masked).
fn legend(publics: &[comptoir_common::report::PublicRow]) -> String {
    format!("{}.", comptoir_common::report::chart_legend(publics).join(" ; "))
}

pub fn dashboard(account: &Account, csrf: &str, d: &Dashboard) -> Markup {
    layout(
        "Tableau de bord",
        Some((account, csrf)),
        html! {
            @if account.role != Role::Coordinateur {
                p { "Votre compte financeur voit les chiffres de ces programmes, et d'eux seuls :" }
                ul id="programmes" { @for p in &account.programmes { li { (p) } } }
            }
            @if d.programmes.is_empty() {
                p { "Aucun programme en cours." }
            }
            @for r in &d.programmes {
                section class="programme" aria-labelledby={ "p-" (r.programme_id) } {
                    h2 id={ "p-" (r.programme_id) } { (r.programme) " — " (r.funder) }
                    p { "Depuis le " (r.from.format("%d/%m/%Y")) " : " strong { (cell(r.people)) } " personne(s) équipée(s), " (r.devices_total) " appareil(s), tous centres." }
                    @let rows: Vec<(String, Option<i64>, Option<i64>, String)> = r.publics.iter().map(|p| {
                        let n = match p.people { Cell::Count(n) => Some(n), Cell::FewerThanThree => None };
                        let text = match (p.target, p.progress) {
                            (Some(t), Some(pct)) => format!("{} / {t} ({pct} %)", p.people.text()),
                            (Some(t), None) => format!("{} / {t}", p.people.text()),
                            _ => p.people.text(),
                        };
                        (p.label.clone(), n, p.target.map(i64::from), text)
                    }).collect();
                    (bars(&format!("Personnes équipées par public, programme {}", r.programme), &rows))
                    p class="legende" { (legend(&r.publics)) }
                    p { a href={ "/console/rapports?programme=" (encode(&r.programme_id)) "&du=" (r.from) "&au=" (r.to) "&portee=tous" } { "Le bilan détaillé" } }
                }
            }
            @if account.role == Role::Coordinateur {
                section aria-labelledby="t-stock" {
                    h2 id="t-stock" { "Stock disponible" }
                    @let rows: Vec<(String, Option<i64>, Option<i64>, String)> = d.stock.iter().map(|(kind, network, centres)| {
                        let label = comptoir_common::device::DeviceKind::parse(kind).map(|k| k.label().to_string()).unwrap_or_else(|_| kind.clone());
                        (label, Some(network + centres), None, format!("{network} au réseau, {centres} dans les centres"))
                    }).collect();
                    @if rows.is_empty() { p { "Aucun appareil disponible." } } @else { (bars("Stock disponible par type", &rows)) }
                }
            }
        },
    )
}

pub fn quality(account: &Account, csrf: &str, rows: &[FailureRate]) -> Markup {
    layout(
        "Qualité après-vente",
        Some((account, csrf)),
        html! {
            p { "Retours sous garantie par reconditionneur et modèle, les plus retournés d'abord (ce que les centres ont synchronisé ; jamais le texte de la panne ni un nom)." }
            table id="qualite" {
                thead { tr { th { "Reconditionneur" } th { "Type" } th { "Marque" } th { "Modèle" } th { "Vendus" } th { "Retours" } th { "Taux" } th { "Sous garantie" } th { "En cours" } th { "Réparés" } th { "Échangés" } th { "Remboursés" } th { "Mois (médiane)" } } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.refurbisher) } td { (r.kind) } td { (r.brand) } td { (r.model) }
                            td class="n" { (r.sold) } td class="n" { (r.returns) }
                            td class="n" { (format!("{:.1}", r.rate_percent).replace('.', ",")) " %" }
                            td class="n" { (r.in_guarantee) } td class="n" { (r.open) } td class="n" { (r.repaired) }
                            td class="n" { (r.exchanged) } td class="n" { (r.refunded) }
                            td class="n" { @match r.median_months { Some(m) => (m), None => "—" } }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_common::report::PublicRow;

    fn public(people: Cell, target: Option<u32>) -> PublicRow {
        PublicRow {
            public: "rsa".into(),
            label: "Bénéficiaire du RSA".into(),
            people,
            target,
            progress: None,
        }
    }

    /// Issue 32: a masked count's bar says « < 3 » (a real 0 draws an empty bar), and the
    /// legend names only what the chart draws.
    #[test]
    fn a_masked_bar_says_fewer_than_three_and_the_legend_names_what_is_drawn() {
        let chart = bars(
            "Personnes",
            &[
                ("Masqué".into(), None, None, "< 3".into()),
                ("Zéro".into(), Some(0), None, "0".into()),
            ],
        )
        .into_string();
        assert_eq!(chart.matches("class=\"masque\"").count(), 1, "{chart}");
        assert!(chart.contains(">&lt; 3</text>"), "{chart}");
        assert_eq!(
            legend(&[public(Cell::FewerThanThree, None)]),
            "Barre pleine : personnes équipées ; « < 3 » : une ou deux personnes (nombre masqué)."
        );
        assert_eq!(
            legend(&[public(Cell::Count(4), Some(10))]),
            "Barre pleine : personnes équipées ; cadre : objectif du programme."
        );
    }
}
