//! The console's pages, in French, as maud markup (every value escaped): the login form, the
//! layout with its navigation and logout form, the stock, the audit log, a financeur's
//! programmes, a refusal.

use maud::{html, Markup, DOCTYPE};

use crate::db::accounts::{Account, AuditEntry, RefusalCount, Role};
use crate::db::{CentreHealth, ConflictRow, StockFilter, StockRow};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1d2327;background:#f6f7f7}
header{background:#0b6e75;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header form{margin-left:auto}main{padding:1rem;max-width:70rem}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #c3c4c7;padding:.3rem .5rem;text-align:left}
td.n{text-align:right}label{display:block;margin:.4rem 0}input,select,button{font-size:1rem;padding:.3rem}
.error{background:#fcf0f1;border-left:4px solid #d63638;padding:.5rem}.note{background:#fcf9e8;padding:.5rem}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0b849}.filters{display:flex;gap:1rem;flex-wrap:wrap;align-items:end}";

pub(super) fn layout(title: &str, who: Option<(&Account, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Console du réseau Comptoir" }
                style { (STYLE) }
            }
            body {
                header {
                    strong { "Console du réseau" }
                    @if let Some((account, csrf)) = who {
                        nav aria-label="Pages" {
                            a href="/console/tableau" { "Tableau de bord" } " · "
                            a href="/console/rapports" { "Bilans" }
                            @if account.role == Role::Coordinateur {
                                " · " a href="/console/stock" { "Stock" }
                                " · " a href="/console/attributions" { "Attributions" }
                                " · " a href="/console/centres" { "Centres" }
                                " · " a href="/console/programmes" { "Programmes" }
                                " · " a href="/console/conflits" { "Conflits" }
                                " · " a href="/console/qualite" { "Qualité" }
                                " · " a href="/console/comptes" { "Comptes" }
                                " · " a href="/console/journal" { "Journal des actes" }
                            }
                        }
                        form method="post" action="/console/deconnexion" {
                            input type="hidden" name="csrf" value=(csrf);
                            span { (account.name) " (" (account.role.code()) ") " }
                            button type="submit" { "Se déconnecter" }
                        }
                    }
                }
                main id="contenu" { h1 { (title) } (body) }
            }
        }
    }
}

pub fn login(csrf: &str, note: Option<&str>, error: Option<&str>) -> Markup {
    layout(
        "Connexion",
        None,
        html! {
            @if let Some(note) = note { p class="note" role="status" { (note) } }
            @if let Some(error) = error { p class="error" role="alert" id="erreur" { (error) } }
            form method="post" action="/console/connexion" {
                input type="hidden" name="csrf" value=(csrf);
                label { "Identifiant " input name="login" autocomplete="username" required autofocus; }
                label { "Mot de passe " input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "Se connecter" }
            }
        },
    )
}

pub fn refused(account: &Account, csrf: &str, what: &str) -> Markup {
    layout(
        "Accès refusé",
        Some((account, csrf)),
        html! {
            p class="error" role="alert" id="erreur" {
                "Votre compte ne permet pas d'ouvrir : " (what) ". Rien n'a été modifié ; la demande est inscrite au journal des actes."
            }
        },
    )
}

fn select(name: &str, label: &str, options: &[(&str, &str)], chosen: &str) -> Markup {
    html! {
        label {
            (label) " "
            select name=(name) {
                option value="" selected[chosen.is_empty()] { "Tous" }
                @for (code, text) in options {
                    option value=(code) selected[*code == chosen] { (text) }
                }
            }
        }
    }
}

pub fn stock(account: &Account, csrf: &str, filter: &StockFilter, rows: &[StockRow]) -> Markup {
    use comptoir_common::device::{terms, Category, DeviceKind, DeviceState};
    let kinds: Vec<(&str, &str)> = terms::<DeviceKind>().iter().map(|t| (t.code, t.label)).collect();
    let categories: Vec<(&str, &str)> = terms::<Category>().iter().map(|t| (t.code, t.label)).collect();
    let mut states: Vec<(&str, &str)> = terms::<DeviceState>().iter().map(|t| (t.code, t.label)).collect();
    states.push(("recalled", "Rappelé par le réseau"));
    let total: i64 = rows.iter().map(|r| r.count).sum();
    layout(
        "Stock du réseau",
        Some((account, csrf)),
        html! {
            form method="get" action="/console/stock" class="filters" {
                label { "Centre " input name="centre" value=(filter.centre) size="8"; }
                (select("state", "État", &states, &filter.state))
                (select("kind", "Type", &kinds, &filter.kind))
                (select("category", "Catégorie", &categories, &filter.category))
                label { "Reconditionneur " input name="refurbisher" value=(filter.refurbisher); }
                label { input type="checkbox" name="par_centre" value="1" checked[!filter.par_centre.is_empty()]; " Par centre" }
                button type="submit" { "Filtrer" }
            }
            p role="status" id="total" { (total) " appareil(s)" }
            table id="stock" {
                thead { tr { th { "Centre" } th { "État" } th { "Type" } th { "Catégorie" } th { "Reconditionneur" } th { "Appareils" } } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.centre) } td { (crate::db::state_label(&r.state)) } td { (r.kind) }
                            td { (r.category.as_deref().unwrap_or("—")) }
                            td { (r.refurbisher.as_deref().unwrap_or("—")) }
                            td class="n" { (r.count) }
                        }
                    }
                }
            }
        },
    )
}

pub fn audit(account: &Account, csrf: &str, rows: &[AuditEntry], refusals: &[RefusalCount]) -> Markup {
    layout(
        "Journal des actes",
        Some((account, csrf)),
        html! {
            @if !refusals.is_empty() {
                table id="refus" {
                    caption { "Connexions refusées, comptées par jour, adresse, compte et motif (ce qui a été tapé n'est pas gardé)" }
                    thead { tr { th { "Jour (UTC)" } th { "D'où" } th { "Compte" } th { "Motif" } th { "Nombre" } th { "Dernière (UTC)" } } }
                    tbody {
                        @for r in refusals {
                            tr { td { (r.day) } td { (r.address) } td { @if r.account.is_empty() { "—" } @else { (r.account) } }
                                 td { (r.reason) } td class="n" { (r.count) } td { (when(&Some(r.last_at.clone()))) } }
                        }
                    }
                }
            }
            table id="journal" {
                thead { tr { th { "Quand (UTC)" } th { "Qui" } th { "D'où" } th { "Acte" } th { "Détail" } } }
                tbody {
                    @for r in rows {
                        tr { td { (r.at) } td { (r.account) } td { (r.address) } td { (r.action) } td { (r.detail) } }
                    }
                }
            }
        },
    )
}

/// A stored time as the console shows it (UTC, to the minute), or « jamais ».
fn when(at: &Option<String>) -> String {
    at.as_deref()
        .map(|t| t.chars().take(16).collect::<String>().replace('T', " "))
        .unwrap_or_else(|| "jamais".into())
}

pub fn centres(account: &Account, csrf: &str, rows: &[CentreHealth]) -> Markup {
    layout(
        "Centres et synchronisation",
        Some((account, csrf)),
        html! {
            p { "Heures en UTC. Un centre qui n'a rien envoyé ni rien demandé depuis longtemps, ou qui garde des événements en attente, est peut-être hors ligne : appelez-le. « ? » : un poste d'une version qui ne le dit pas." }
            table id="centres" {
                thead { tr { th { "Centre" } th { "Nom" } th { "Département" } th { "État du jeton" } th { "Dernier envoi" } th { "Dernière demande" } th { "Événements en attente" } th { "Version" } th { "Caisses" } th { "Postes" } th { "Appareils" } th { "Conflits ouverts" } th { "Actions" } } }
                tbody {
                    @for c in rows {
                        tr {
                            td { (c.id) } td { (c.name) } td { (c.departement.as_deref().unwrap_or("—")) }
                            td { @if c.revoked { "révoqué" } @else { "actif" } }
                            td { (when(&c.last_push)) } td { (when(&c.last_pull)) }
                            td class="n" { @match c.waiting { Some(n) => (n), None => "?" } }
                            td { @if c.versions.is_empty() { "?" } @else { (c.versions.join(", ")) } }
                            td { (c.registers.join(", ")) } td class="n" { (c.posts) }
                            td class="n" { (c.devices) } td class="n" { (c.open_conflicts) }
                            td {
                                form method="post" action="/console/centres/jeton" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="centre" value=(c.id);
                                    button type="submit" aria-label={ "Nouveau jeton pour " (c.id) } { "Nouveau jeton" }
                                }
                                @if !c.revoked {
                                    form method="post" action="/console/centres/revoquer" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="centre" value=(c.id);
                                        button type="submit" aria-label={ "Révoquer le jeton de " (c.id) } { "Révoquer" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Créer un centre" }
            p { "Son jeton s'affiche une seule fois : le hub n'en garde que l'empreinte." }
            form method="post" action="/console/centres/nouveau" id="form-centre" class="filters" {
                input type="hidden" name="csrf" value=(csrf);
                label { "Identifiant " input name="centre" size="8" required pattern="[A-Za-z0-9-]{1,32}"; }
                label { "Nom " input name="name" required; }
                button type="submit" { "Créer" }
            }
        },
    )
}

pub fn conflicts(account: &Account, csrf: &str, rows: &[ConflictRow]) -> Markup {
    layout(
        "Conflits",
        Some((account, csrf)),
        html! {
            p { "Les conflits ouverts d'abord. Un conflit se règle au centre (correction de ligne ou avoir) ; il se ferme ici quand le centre l'a synchronisé. \
                 Un appareil d'un autre centre reste à son centre tant que la ligne qui le nomme attend : vous pouvez le céder au centre vendeur, qui garde alors sa vente." }
            table id="conflits" {
                thead { tr { th { "N°" } th { "Ouvert le (UTC)" } th { "Centre" } th { "Appareil" } th { "Ce qui se passe" } th { "Réglé" } } }
                tbody {
                    @for c in rows {
                        tr {
                            td class="n" { (c.id) } td { (when(&Some(c.at.clone()))) } td { (c.centre) }
                            td { (c.tag.as_deref().unwrap_or("—")) } td { (c.message) }
                            td {
                                @match (&c.closed_at, &c.closed_how) {
                                    (Some(at), how) => { (when(&Some(at.clone()))) " : " (how.as_deref().unwrap_or("")) }
                                    _ => {
                                        strong { "ouvert" }
                                        @if c.kind == "other_centre" {
                                            form method="post" action="/console/conflits/ceder" {
                                                input type="hidden" name="csrf" value=(csrf);
                                                input type="hidden" name="conflict" value=(c.id);
                                                button type="submit" { "Céder l'appareil au centre " (c.centre) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
