//! The people's data (RGPD): retention (a person with no contact for a configurable period,
//! 24 months by default, is anonymised), access (everything held about one person, as JSON and
//! as a readable PDF), erasure on request (anonymised now, journaled with who and why), and the
//! register of what is stored, why, and for how long.
//!
//! Anonymising removes identity and contact and keeps the pseudonymous id with its publics,
//! proofs' kinds and dates, equipment and sales: the accounts, the journal and the reports
//! stay as they were. The names are zeroed on disk (`secure_delete`, search index compacted,
//! WAL truncated).

use crate::error::Code;
use crate::operators::Actor;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::beneficiary::{self, Person};
use crate::error::{Error, Result};
use crate::journal;
use crate::money::Money;
use crate::store::{self, pos as settings, privacy as sql, Store};
use crate::text::fold;

pub const RETENTION_KEY: &str = "privacy.retention_months";
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

pub fn retention_months(store: &Store) -> Result<u32> {
    Ok(settings::setting(store.db(), RETENTION_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RETENTION_MONTHS))
}

/// Sets the retention period: 1 to 120 months.
pub fn set_retention_months(store: &mut Store, months: u32, actor: &Actor) -> Result<()> {
    crate::operators::require_manager(store.db(), actor)?;
    if !(1..=120).contains(&months) {
        return Err(refused(
            Code::Invalid,
            format!("Durée de conservation de {months} mois : entre 1 et 120 mois (24 recommandés)."),
        ));
    }
    store.with_tx(|tx| settings::set_setting(tx, RETENTION_KEY, &months.to_string()))
}

fn words_still_held(store: &Store) -> Result<Vec<String>> {
    let mut words = Vec::new();
    for (last, first) in sql::names(store.db())? {
        words.extend(
            fold(&format!("{last} {first}"))
                .split(' ')
                .filter(|w| w.chars().count() >= 3)
                .map(String::from),
        );
    }
    words.sort();
    words.dedup();
    Ok(words)
}

/// After names were removed: rebuild the name vocabulary, compact the index, and truncate the
/// WAL, so that the old pages leave the disk.
/// Removes from `documents/` the files that name these (now anonymised) people: the receipts,
/// onboarding sheets and credit notes of their sales, and their exports. Till data stays: a
/// reprint prints « Personne anonymisée ». Returns how many files went.
fn forget_documents(store: &Store, people: &[i64]) -> Result<usize> {
    let folder = crate::documents::folder(store.path());
    let Ok(listing) = std::fs::read_dir(&folder) else {
        return Ok(0);
    };
    let mut marks = Vec::new();
    for id in people {
        for reference in sql::document_references(store.db(), *id)? {
            let safe = crate::documents::safe_reference(&reference);
            marks.push(format!("-{safe}.pdf"));
            marks.push(format!("-{safe}-copie-"));
        }
        marks.push(format!("personne-{id}."));
    }
    let mut removed = 0;
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if marks
            .iter()
            .any(|m| name.contains(m.as_str()) && (!m.starts_with("personne-") || name.starts_with(m.as_str())))
        {
            std::fs::remove_file(entry.path()).map_err(|source| Error::Io {
                path: entry.path(),
                source,
            })?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn forget(store: &mut Store) -> Result<()> {
    let words = words_still_held(store)?;
    store.with_tx(|tx| sql::forget_names(tx, &words))?;
    store.truncate_wal()?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PurgeReport {
    pub retention_months: u32,
    /// People whose last contact is before this day are anonymised.
    pub cutoff: NaiveDate,
    pub people: Vec<i64>,
    pub dry_run: bool,
    /// Files of `documents/` that named them, removed (receipts, sheets, credit notes, exports).
    pub documents_removed: usize,
}

/// Anonymises everyone with no contact since the retention period (or only lists them with
/// `dry_run`). A contact on the cutoff day itself keeps the person.
pub fn purge(store: &mut Store, today: NaiveDate, dry_run: bool, actor: &Actor) -> Result<PurgeReport> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let months = retention_months(store)?;
    let cutoff = today
        .checked_sub_months(chrono::Months::new(months))
        .expect("a date a few years back");
    let bound = crate::local::start_of_day(cutoff);
    let people: Vec<i64> = sql::inactive_since(store.db(), &bound)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let report = PurgeReport {
        retention_months: months,
        cutoff,
        people: people.clone(),
        dry_run,
        documents_removed: 0,
    };
    if dry_run || people.is_empty() {
        return Ok(report);
    }
    store.with_tx(|tx| {
        let now = store::now_text();
        #[derive(Serialize)]
        struct Entry<'a> {
            cause: &'a str,
            retention_months: u32,
            cutoff: NaiveDate,
            people: &'a [i64],
        }
        let seq = journal::append(
            tx,
            "anonymisation",
            operator,
            &now,
            &Entry {
                cause: "retention",
                retention_months: months,
                cutoff,
                people: &people,
            },
        )?;
        for id in &people {
            sql::anonymise(tx, *id, &now)?;
            sql::insert_anonymisation(
                tx,
                *id,
                &now,
                operator,
                "retention",
                &format!("Aucun contact depuis le {}", cutoff.format("%d/%m/%Y")),
                Some(seq),
            )?;
        }
        Ok(())
    })?;
    forget(store)?;
    let documents_removed = forget_documents(store, &people)?;
    tracing::info!(
        personnes = people.len(),
        documents = documents_removed,
        "purge de conservation faite"
    );
    Ok(PurgeReport {
        documents_removed,
        ..report
    })
}

/// Erasure on request: the person is anonymised now, journaled with who and why. The reason
/// must not repeat the person's name (the journal is kept for good).
pub fn erase(store: &mut Store, id: i64, reason: &str, actor: &Actor) -> Result<()> {
    let operator = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    let person = beneficiary::get(store, id)?;
    if sql::is_anonymised(store.db(), id)? {
        return Err(refused(
            Code::AlreadyAnonymised,
            format!("La fiche n° {id} est déjà anonymisée."),
        ));
    }
    let reason = reason.trim();
    if reason.chars().count() < 3 {
        return Err(Error::ReasonRequired(
            "Indiquez pourquoi ces données sont effacées (ex. « demande de la personne du 12/11 »).".into(),
        ));
    }
    let folded = fold(reason);
    let names = [&person.fields.last_name, &person.fields.first_name];
    if names
        .iter()
        .map(|n| fold(n))
        .any(|n| n.chars().count() >= 3 && folded.contains(&n))
    {
        return Err(refused(
            Code::Invalid,
            "Le motif ne doit pas contenir le nom de la personne : il reste dans le journal.",
        ));
    }
    store.with_tx(|tx| {
        let now = store::now_text();
        #[derive(Serialize)]
        struct Entry<'a> {
            cause: &'a str,
            person_id: i64,
            reason: &'a str,
        }
        let seq = journal::append(
            tx,
            "anonymisation",
            operator,
            &now,
            &Entry {
                cause: "request",
                person_id: id,
                reason,
            },
        )?;
        sql::anonymise(tx, id, &now)?;
        sql::insert_anonymisation(tx, id, &now, operator, "request", reason, Some(seq))
    })?;
    forget(store)?;
    forget_documents(store, &[id])?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedSale {
    pub receipt: String,
    pub at: String,
    pub programme: Option<String>,
    pub total: Money,
    pub lines: Vec<ExportedLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedLine {
    pub kind: String,
    pub label: String,
    pub quantity: i64,
    pub unit_price: Money,
}

/// Everything Comptoir holds about one person (right of access, art. 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonExport {
    pub exported_at: String,
    pub person: Person,
    pub sales: Vec<ExportedSale>,
    /// The devices lent to the person, with where each loan stands.
    pub loans: Vec<crate::loans::Loan>,
}

pub fn export(store: &Store, id: i64) -> Result<PersonExport> {
    let person = beneficiary::get(store, id)?;
    let (sales, lines) = sql::sales_of(store.db(), id)?;
    let sales = sales
        .into_iter()
        .map(|(receipt, at, programme, total)| ExportedSale {
            lines: lines
                .iter()
                .filter(|l| l.0 == receipt)
                .map(|l| ExportedLine {
                    kind: l.1.clone(),
                    label: l.2.clone(),
                    quantity: l.3,
                    unit_price: Money::from_cents(l.4),
                })
                .collect(),
            receipt,
            at,
            programme,
            total: Money::from_cents(total),
        })
        .collect();
    Ok(PersonExport {
        exported_at: store::now_text(),
        loans: crate::loans::of_person(store, id)?,
        person,
        sales,
    })
}

/// Writes `personne-N.json` and `personne-N.pdf` into `dir`.
pub fn export_to(store: &Store, id: i64, dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let data = export(store, id)?;
    crate::documents::private_folder(dir, false)?;
    let json = dir.join(format!("personne-{id}.json"));
    crate::documents::write_file(
        &json,
        serde_json::to_string_pretty(&data)
            .expect("an export serialises")
            .as_bytes(),
    )?;
    let doc = crate::documents::person_export(store, &data)?;
    let pdf = dir.join(format!("personne-{id}.pdf"));
    crate::documents::write_file(&pdf, &doc.pdf)?;
    Ok((json, pdf))
}

/// One line of the register of processing: a stored field, why, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RegisterEntry {
    pub data: &'static str,
    pub fields: &'static str,
    pub purpose: &'static str,
    pub retention: String,
}

/// What Comptoir stores about people, ready for the structure's register of processing (art. 30).
pub fn register(retention_months: u32) -> Vec<RegisterEntry> {
    let active = format!(
        "{retention_months} mois après le dernier contact (la CNIL recommande 2 ans, délibération 2023-095), \
         puis anonymisation automatique"
    );
    vec![
        RegisterEntry {
            data: "Identité",
            fields: "nom, prénom, date de naissance",
            purpose: "Reconnaître la personne, vérifier l'âge demandé par un programme, éviter les doublons",
            retention: active.clone(),
        },
        RegisterEntry {
            data: "Contact",
            fields: "téléphone, e-mail, code postal, commune",
            purpose: "Joindre la personne (rendez-vous, appareil prêt), statistiques par commune",
            retention: active.clone(),
        },
        RegisterEntry {
            data: "Foyer et orientation",
            fields: "foyer, prescripteur",
            purpose: "Appliquer les limites par foyer, savoir qui a orienté la personne",
            retention: active.clone(),
        },
        RegisterEntry {
            data: "Publics",
            fields: "publics du programme (RSA, demandeur d'emploi, étudiant…)",
            purpose: "Décider de l'éligibilité ; bilans agrégés pour les financeurs",
            retention: "Conservés sans l'identité après anonymisation (bilans)".into(),
        },
        RegisterEntry {
            data: "Justificatifs vus",
            fields: "type de justificatif, date, qui l'a vu, quand (jamais de copie ni de n° de sécurité sociale)",
            purpose: "Prouver l'éligibilité au moment de la vente",
            retention: "Conservés sans l'identité après anonymisation".into(),
        },
        RegisterEntry {
            data: "Équipement reçu, achats",
            fields: "date, type d'appareil, vente, prix, moyen de paiement",
            purpose: "Limites de fréquence, comptabilité, garantie",
            retention: "Données de caisse (ventes, avoirs, journal) : 6 ans au moins (livre des procédures fiscales, \
                        art. L102 B), pièces comptables 10 ans ; jamais modifiées ni effacées par la purge : rattachées \
                        à une fiche anonymisée, et les documents du dossier documents/ qui nommaient la personne \
                        sont retirés (une réimpression porte « Personne anonymisée »)"
                .into(),
        },
        RegisterEntry {
            data: "Prêts",
            fields: "appareil prêté, dates (prêt, retour prévu, retour), dépôt de garantie (montant, espèces ou n° du \
                     chèque), état de l'appareil au retour, vente qui a suivi",
            purpose: "Convention de prêt, restitution de l'appareil et du dépôt, déclaration de perte",
            retention: "Une personne qui a un prêt en cours n'est jamais anonymisée ; ensuite comme les achats \
                        (rattachés à une fiche anonymisée)"
                .into(),
        },
        RegisterEntry {
            data: "Retours sous garantie",
            fields: "appareil, panne telle que décrite (sans donnée personnelle), diagnostic, issue (réparé, échangé, \
                     remboursé)",
            purpose: "Garantie légale de conformité (Code de la consommation, art. L.217-3 et suivants)",
            retention: "Comme les achats auxquels ils se rattachent".into(),
        },
        RegisterEntry {
            data: "Dérogations, fusions",
            fields: "motif, auteur, date",
            purpose: "Traçabilité des décisions des responsables",
            retention: "Avec la fiche ; le motif ne doit pas contenir de nom".into(),
        },
        RegisterEntry {
            data: "Notes",
            fields: "texte libre",
            purpose: "Suivi de l'accompagnement (sans donnée de santé ni appréciation)",
            retention: active.clone(),
        },
        RegisterEntry {
            data: "Envoyé au hub du réseau (si un hub est configuré)",
            fields: "pour chaque vente : jour, code de caisse, n° d'ordre du ticket, une référence aléatoire de la \
                     personne (faite une fois par personne sur ce poste, sans lien avec son nom, sa date de naissance \
                     ou son téléphone, gardée après anonymisation), ses publics, le programme, les lignes (type, \
                     catégorie, quantité, prix, étiquette de l'appareil) et les montants par moyen de paiement (dont \
                     la part du financeur) ; les avoirs (vente et lignes annulées, montant) ; les corrections de ligne \
                     (étiquettes, sans le motif) ; les retours sous garantie (appareil, modèle, reconditionneur, catégorie \
                     de panne, ancienneté, issue : jamais le texte de la panne) ; les prêts (appareil, programme, la \
                     même référence aléatoire et les publics, dates, état au retour) ; les lots de recyclage \
                     (appareils, point de collecte) ; l'état du journal de caisse (nombre d'entrées, empreinte) ; le nom \
                     du centre, sa commune, son code postal et son département. Rien d'autre sur une personne ne \
                     quitte le poste : ni nom, ni contact, ni date de naissance, ni justificatif, ni note",
            purpose: "Suivre les appareils du réseau jusqu'à leur remise, compter les personnes équipées et la part \
                      des financeurs sur tous les centres, détecter un appareil vendu deux fois, ancrer le journal de \
                      caisse hors du poste",
            retention: "Sur le hub, selon la politique du réseau (responsable de traitement du hub) ; la référence \
                        ne permet pas, seule, de retrouver la personne"
                .into(),
        },
        RegisterEntry {
            data: "Date d'information",
            fields: "date à laquelle la notice d'information a été remise",
            purpose: "Prouver l'information de la personne (art. 13)",
            retention: active.clone(),
        },
    ]
}

/// The information notice (art. 13), for the centre: the template with its name and settings.
pub fn notice(store: &Store) -> Result<String> {
    let settings = crate::centre::load(store)?;
    let months = retention_months(store)?;
    Ok(include_str!("../assets/templates/notice-rgpd.txt")
        .replace(
            "{centre}",
            settings
                .name
                .as_deref()
                .unwrap_or("la structure (nom à compléter dans Réglages)"),
        )
        .replace(
            "{adresse}",
            &if settings.address.is_empty() {
                "(adresse à compléter dans Réglages)".to_string()
            } else {
                settings.address.join(", ")
            },
        )
        .replace(
            "{contact}",
            &settings
                .help_email
                .clone()
                .or_else(|| settings.help_phone_display())
                .unwrap_or_else(|| "l'accueil de la structure".into()),
        )
        .replace("{mois}", &months.to_string()))
}
