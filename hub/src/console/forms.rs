//! The coordinators' forms and what an act answers: the stock acts (upload, allocate, move,
//! recall), the programmes, the accounts; the result of an act (a new token shown once) and a
//! refusal. Every form posts the session's CSRF token.

use maud::{html, Markup};

use super::acts::Done;
use super::pages::layout;
use crate::db::accounts::Account;
use comptoir_common::device::{terms, Category, DeviceKind};
use comptoir_common::programme::Programme;

fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

fn centre_select(name: &str, label: &str, centres: &[(String, String, bool)]) -> Markup {
    html! {
        label {
            (label) " "
            select name=(name) required {
                option value="" { "— choisir —" }
                @for (id, centre, revoked) in centres {
                    @if !revoked { option value=(id) { (id) " — " (centre) } }
                }
            }
        }
    }
}

pub fn acts(account: &Account, csrf: &str, centres: &[(String, String, bool)]) -> Markup {
    let kinds = terms::<DeviceKind>();
    let categories = terms::<Category>();
    layout(
        "Livraisons, attributions, rappels",
        Some((account, csrf)),
        html! {
            section aria-labelledby="t-livraison" {
                h2 id="t-livraison" { "Importer une livraison de reconditionneur" }
                p { "Le format de livraison des centres (CSV ou JSON). Un fichier avec une seule ligne fausse n'importe rien : chaque erreur est nommée avec sa ligne et sa colonne." }
                form method="post" action="/console/livraison" enctype="multipart/form-data" id="form-livraison" {
                    (csrf_field(csrf))
                    label { "Fichier " input type="file" name="fichier" accept=".csv,.json" required; }
                    button type="submit" { "Importer" }
                }
            }
            section aria-labelledby="t-attribuer" {
                h2 id="t-attribuer" { "Attribuer à un centre" }
                p { "Des identifiants précis, ou un nombre d'appareils d'un type (et d'une catégorie) pris au stock du réseau." }
                form method="post" action="/console/attribuer" id="form-attribuer" {
                    (csrf_field(csrf))
                    (centre_select("centre", "Centre", centres))
                    label { "Identifiants (un par ligne, ou séparés par des virgules) " br; textarea name="tags" rows="3" cols="40" {} }
                    p { "ou" }
                    div class="filters" {
                        label { "Nombre " input name="count" inputmode="numeric" size="4"; }
                        label { "Type " select name="kind" { option value="" { "—" } @for t in kinds { option value=(t.code) { (t.label) } } } }
                        label { "Catégorie " select name="category" { option value="" { "toutes" } @for t in categories { option value=(t.code) { (t.label) } } } }
                    }
                    button type="submit" { "Attribuer" }
                }
            }
            section aria-labelledby="t-deplacer" {
                h2 id="t-deplacer" { "Déplacer d'un centre à un autre" }
                p { "Chaque appareil est rappelé de son centre et attribué au centre choisi (les deux l'apprennent à leur synchronisation). Un appareil vendu, prêté ou réservé ne bouge pas." }
                form method="post" action="/console/deplacer" id="form-deplacer" {
                    (csrf_field(csrf))
                    label { "Identifiants " br; textarea name="tags" rows="3" cols="40" required {} }
                    (centre_select("centre", "Vers le centre", centres))
                    button type="submit" { "Déplacer" }
                }
            }
            section aria-labelledby="t-rappeler" {
                h2 id="t-rappeler" { "Rappeler" }
                p { "Des appareils précis, ou tout un modèle (un défaut de série) : ceux des centres sont rappelés, ceux du stock du réseau mis de côté ; un appareil vendu reste à sa famille (un retour sous garantie suivra)." }
                form method="post" action="/console/rappeler" id="form-rappeler" {
                    (csrf_field(csrf))
                    label { "Identifiants " br; textarea name="tags" rows="2" cols="40" {} }
                    p { "ou tout un modèle :" }
                    div class="filters" {
                        label { "Marque " input name="brand"; }
                        label { "Modèle " input name="model"; }
                    }
                    button type="submit" { "Rappeler" }
                }
            }
        },
    )
}

pub fn done(account: &Account, csrf: &str, done: &Done) -> Markup {
    layout(
        done.title,
        Some((account, csrf)),
        html! {
            div role="status" id="resultat" {
                @for line in &done.lines { p { (line) } }
            }
            @if let Some(secret) = &done.secret {
                p { "Jeton du centre :" }
                p { code id="jeton" { (secret) } }
            }
            p { a href="/console/stock" { "Voir le stock" } " · " a href="/console/centres" { "Les centres" } " · " a href="/console/journal" { "Journal des actes" } }
        },
    )
}

pub fn refusal(account: &Account, csrf: &str, action: &str, message: &str) -> Markup {
    layout(
        "Refusé",
        Some((account, csrf)),
        html! {
            div class="error" role="alert" id="erreur" {
                p { strong { (action) " : " } (message) }
                p { "Rien n'a été modifié ; le refus est inscrit au journal des actes." }
            }
            p { a href="/console" { "Revenir à la console" } }
        },
    )
}

pub fn programmes(
    account: &Account,
    csrf: &str,
    programmes: &[Programme],
    centres: &[(String, String, bool)],
) -> Markup {
    layout(
        "Programmes",
        Some((account, csrf)),
        html! {
            table id="programmes" {
                thead { tr { th { "Programme" } th { "Nom" } th { "Financeur" } th { "Du" } th { "Au" } th { "Publics (objectif)" } } }
                tbody {
                    @for p in programmes {
                        tr {
                            td { (p.id) } td { (p.name) } td { (p.funder) }
                            td { (p.start.format("%d/%m/%Y")) }
                            td { @match p.end { Some(e) => (e.format("%d/%m/%Y")), None => "—" } }
                            td {
                                @for (i, public) in p.publics.values().enumerate() {
                                    @if i > 0 { ", " }
                                    (public.label) @if let Some(t) = public.target { " (" (t) ")" }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Publier un fichier de programme" }
            p { "Le fichier est vérifié d'abord (règles, publics, bandes de prix et plafonds légaux) ; un fichier refusé n'est publié nulle part." }
            form method="post" action="/console/programmes" enctype="multipart/form-data" id="form-programme" {
                (csrf_field(csrf))
                label { "Fichier (.toml) " input type="file" name="fichier" accept=".toml" required; }
                label { "Centres (vide : tous les centres actifs ; sinon leurs identifiants) " input name="centres" size="30"; }
                p { "Centres actifs : " @for (id, _, revoked) in centres { @if !revoked { (id) " " } } }
                button type="submit" { "Vérifier et publier" }
            }
        },
    )
}

pub fn accounts(account: &Account, csrf: &str, list: &[Account]) -> Markup {
    layout(
        "Comptes",
        Some((account, csrf)),
        html! {
            p { "Un compte se crée sur le serveur (comptoir-hub user add). Ici, un coordinateur réinitialise le mot de passe d'un autre compte (12 caractères au moins) : ses sessions sont fermées." }
            table id="comptes" {
                thead { tr { th { "Identifiant" } th { "Nom" } th { "Rôle" } th { "Programmes" } th { "État" } } }
                tbody {
                    @for a in list {
                        tr {
                            td { (a.login) } td { (a.name) } td { (a.role.code()) }
                            td { (a.programmes.join(", ")) }
                            td { @if a.disabled_at.is_some() { "désactivé" } @else { "actif" } }
                        }
                    }
                }
            }
            h2 { "Réinitialiser un mot de passe" }
            form method="post" action="/console/comptes/mot-de-passe" id="form-mot-de-passe" {
                (csrf_field(csrf))
                label { "Compte " select name="login" required {
                    option value="" { "— choisir —" }
                    @for a in list { @if a.login != account.login { option value=(a.login) { (a.login) " — " (a.name) } } }
                } }
                label { "Nouveau mot de passe " input type="password" name="password" autocomplete="new-password" minlength="12" required; }
                button type="submit" { "Réinitialiser" }
            }
        },
    )
}
