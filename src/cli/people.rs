//! `comptoir beneficiary`, `eligibility`, `programme` and `diagnostic`: the people, their
//! eligibility, the programmes, and the needs questionnaire.

use comptoir::desk::Code;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use comptoir::desk::people::fr_date;
use comptoir::desk::people::{
    self, Answers, Catalogue, DeviceKind, LegalCaps, PersonDecision, PersonInput, PersonSummary, Place, Programme,
    ScreenWish, Use,
};
use comptoir::desk::{self, Error, Store};

use super::output::output;
use super::Who;

#[derive(clap::Args)]
pub(crate) struct DiagnosticArgs {
    /// Usage (plusieurs possibles) : administrative, job_search, studies, video_calls, office, creative, leisure.
    #[arg(long = "use", value_parser = Use::parse, required = true)]
    uses: Vec<Use>,
    /// home, on_the_move ou both.
    #[arg(long, value_parser = Place::parse)]
    place: Place,
    /// small, medium ou large.
    #[arg(long, value_parser = ScreenWish::parse)]
    screen: ScreenWish,
    /// Premier appareil de la personne.
    #[arg(long)]
    first_device: bool,
}

pub(crate) fn programme(
    store: &mut Store,
    db: &Path,
    cmd: ProgrammeCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    let show = |programmes: &[desk::programmes::ProgrammeInfo]| {
        programmes
            .iter()
            .map(|p| {
                format!(
                    "{} — {} (financeur : {}) du {}{} ; {}{}{}",
                    p.id,
                    p.name,
                    p.funder,
                    fr_date(p.start),
                    p.end.map(|e| format!(" au {}", fr_date(e))).unwrap_or_default(),
                    p.origin_label,
                    p.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_default(),
                    if p.active { "" } else { " ; pas en cours" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    match cmd {
        ProgrammeCommand::List => {
            let programmes = desk::programmes::view(store, db, desk::today())?;
            output(json, &programmes, || show(&programmes));
        }
        ProgrammeCommand::Install { file } => {
            let (bytes, name) = desk::read_file(&file)?;
            let content = String::from_utf8(bytes).map_err(|_| Error::Refused {
                code: Code::Invalid,
                message: format!("« {name} » n'est pas un fichier texte (UTF-8) : enregistrez-le en UTF-8."),
            })?;
            let actor = who.get(store)?;
            let programmes = desk::programmes::install(store, db, &name, &content, &actor, desk::today())?;
            output(json, &programmes, || {
                format!("« {name} » installé.\n{}", show(&programmes))
            });
        }
        ProgrammeCommand::Check { file } => {
            let p = Programme::load(&file, &LegalCaps::shipped())?;
            output(json, &p, || {
                format!("« {} » est valide : programme {} ({}).", file.display(), p.id, p.name)
            });
        }
    }
    Ok(())
}

pub(crate) fn diagnostic(store: &Store, args: DiagnosticArgs, json: bool) -> Result<(), Error> {
    let advice = people::advise(
        store,
        &Answers {
            uses: args.uses,
            place: args.place,
            screen: args.screen,
            first_device: args.first_device,
        },
    )?;
    output(json, &advice, || {
        let mut lines = vec!["Appareils conseillés :".to_string()];
        for s in &advice.suggestions {
            let cats: Vec<&str> = s.categories.iter().map(|c| c.code()).collect();
            lines.push(format!(
                "  {} (catégories {}) : {}",
                s.kind.label(),
                cats.join(", "),
                s.why.join(" ; ")
            ));
        }
        lines.push(format!("En stock ({}) :", advice.devices.len()));
        lines.extend(advice.devices.iter().map(|d| {
            format!(
                "  {} {} {} ({})",
                d.tag,
                d.brand,
                d.model,
                d.category.map(|c| c.code()).unwrap_or("—")
            )
        }));
        lines.join("\n")
    });
    Ok(())
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub(crate) enum BeneficiaryCommand {
    /// Enregistre une personne (affiche son numéro).
    Add {
        #[arg(long)]
        last_name: String,
        #[arg(long)]
        first_name: String,
        /// AAAA-MM-JJ ou JJ/MM/AAAA.
        #[arg(long)]
        birth_date: Option<String>,
        /// Le foyer : les personnes d'un même foyer partagent les limites « par foyer ».
        #[arg(long)]
        household: Option<String>,
        #[arg(long)]
        postcode: Option<String>,
        #[arg(long)]
        commune: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// ccas, france_travail, mission_locale, service_social, caf, association, autre.
        #[arg(long)]
        prescriber: Option<String>,
        /// Public (plusieurs possibles), p. ex. rsa, demandeur_emploi, etudiant.
        #[arg(long = "public", required = true)]
        publics: Vec<String>,
        /// Date à laquelle l'information RGPD a été donnée.
        #[arg(long)]
        rgpd_informed_on: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        /// Créer même si une personne semblable existe (après vérification).
        #[arg(long)]
        force: bool,
    },
    /// Enregistre un justificatif vu (jamais de copie).
    Proof {
        id: i64,
        #[arg(long)]
        kind: String,
        /// Date figurant sur le document.
        #[arg(long)]
        issued: String,
    },
    /// Enregistre un équipement déjà reçu (ailleurs ou avant Comptoir).
    Equipment {
        id: i64,
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: DeviceKind,
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        source: String,
    },
    /// Cherche par nom (accents, casse et fautes de frappe tolérés), téléphone ou foyer.
    Search { text: String },
    /// Tout ce qui est enregistré sur une personne.
    Show { id: i64 },
    /// Fusionne une fiche en double dans la fiche à garder (responsable).
    Merge {
        keep: i64,
        duplicate: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum EligibilityCommand {
    /// Décision (éligible, non éligible, à vérifier) et ses raisons.
    Check {
        id: i64,
        /// Un seul programme (identifiant ou nom) ; par défaut tous.
        #[arg(long)]
        programme: Option<String>,
        /// Date de la vérification (par défaut : aujourd'hui).
        #[arg(long)]
        on: Option<String>,
        /// Type d'appareil demandé (pour les limites de fréquence).
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: Option<DeviceKind>,
    },
    /// Dérogation d'un responsable, avec une raison écrite.
    Override {
        id: i64,
        #[arg(long)]
        programme: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: Option<DeviceKind>,
    },
}

#[derive(Subcommand)]
pub(crate) enum ProgrammeCommand {
    /// Les programmes actifs (le programme par défaut et ceux du dossier programmes/).
    List,
    /// Vérifie un fichier de programme (ligne et raison de chaque erreur).
    Check { file: PathBuf },
    /// Ajoute un fichier de programme au centre, ou remplace celui du même programme
    /// (responsable) : vérifié d'abord ; l'ancien fichier est gardé en copie.
    Install { file: PathBuf },
}

pub(crate) fn beneficiary(
    store: &mut Store,
    db: &std::path::Path,
    cmd: BeneficiaryCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    let today = desk::today();
    match cmd {
        BeneficiaryCommand::Add {
            last_name,
            first_name,
            birth_date,
            household,
            postcode,
            commune,
            phone,
            email,
            prescriber,
            publics,
            rgpd_informed_on,
            notes,
            force,
        } => {
            let catalogue = Catalogue::of(&desk::programmes(store, db)?);
            let input = PersonInput {
                last_name,
                first_name,
                birth_date,
                phone,
                email,
                postcode,
                commune,
                household,
                prescriber,
                publics,
                rgpd_informed_on,
                notes,
            };
            let actor = who.get(store)?;
            let id = people::save(store, &catalogue, None, &input, force, &actor, today)?.id;
            output(json, &serde_json::json!({"id": id}), || format!("{id}"));
        }
        BeneficiaryCommand::Proof { id, kind, issued } => {
            let catalogue = Catalogue::of(&desk::programmes(store, db)?);
            // Who saw the proof is who records it (proved by the PIN).
            let actor = who.get(store)?;
            let person = people::record_proof(store, &catalogue, id, &kind, &issued, &actor, today)?;
            output(json, &person, || {
                format!(
                    "Justificatif enregistré pour {} {}.",
                    person.fields.first_name, person.fields.last_name
                )
            });
        }
        BeneficiaryCommand::Equipment { id, kind, date, source } => {
            let actor = who.get(store)?;
            let person = people::record_equipment(store, id, kind, &date, &source, &actor, today)?;
            output(json, &person, || {
                format!(
                    "Équipement enregistré pour {} {}.",
                    person.fields.first_name, person.fields.last_name
                )
            });
        }
        BeneficiaryCommand::Search { text } => {
            let found = people::search(store, &text, 50)?;
            output(json, &found, || people_table(&found));
        }
        BeneficiaryCommand::Show { id } => {
            let page = people::page(people::get(store, id)?, &Catalogue::of(&desk::programmes(store, db)?));
            output(json, &page, || show_person(&page));
        }
        BeneficiaryCommand::Merge {
            keep,
            duplicate,
            reason,
        } => {
            let actor = who.get(store)?;
            let person = people::merge_into(store, keep, duplicate, &reason, &actor)?;
            output(json, &person, || {
                format!("Fiche n° {duplicate} fusionnée dans la fiche n° {keep}.")
            });
        }
    }
    Ok(())
}

pub(crate) fn eligibility(
    store: &mut Store,
    db: &std::path::Path,
    cmd: EligibilityCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    let mut programmes = desk::programmes(store, db)?;
    match cmd {
        EligibilityCommand::Check {
            id,
            programme,
            on,
            kind,
        } => {
            if let Some(wanted) = programme {
                let folded = desk::fold(&wanted);
                programmes.retain(|p| p.id == wanted || desk::fold(&p.name) == folded);
                if programmes.is_empty() {
                    return Err(Error::InvalidFields(vec![people::FieldError {
                        field: "programme".into(),
                        message: format!("programme « {wanted} » inconnu (voir : comptoir programme list)"),
                    }]));
                }
            }
            let decision = people::check(store, &programmes, id, desk::parse_day(on.as_deref())?, kind)?;
            output(json, &decision, || show_decision(&decision));
        }
        EligibilityCommand::Override {
            id,
            programme,
            reason,
            on,
            kind,
        } => {
            let actor = who.get(store)?;
            let decision = people::override_decision(
                store,
                &programmes,
                id,
                &programme,
                &reason,
                &actor,
                desk::parse_day(on.as_deref())?,
                kind,
            )?;
            output(json, &decision, || {
                format!("Dérogation enregistrée.\n{}", show_decision(&decision))
            });
        }
    }
    Ok(())
}

fn people_table(people: &[PersonSummary]) -> String {
    let mut out = String::new();
    for p in people {
        out.push_str(&format!("{p}\n"));
    }
    out.push_str(&format!("{} personne(s)", people.len()));
    out
}

fn show_person(page: &people::PersonPage) -> String {
    let p = &page.person;
    let mut lines = vec![format!("n° {} — {} {}", p.id, p.fields.last_name, p.fields.first_name)];
    lines.extend(page.facts.iter().map(|f| format!("{} : {}", f.label, f.value)));
    lines.push("Justificatifs vus :".into());
    lines.extend(page.proof_lines.iter().map(|l| format!("  {l}")));
    if !page.equipment_lines.is_empty() {
        lines.push("Équipements reçus :".into());
        lines.extend(page.equipment_lines.iter().map(|e| format!("  {}", e.text)));
    }
    lines.join("\n")
}

fn show_decision(d: &PersonDecision) -> String {
    let mut lines = vec![format!("{} le {}", d.label, fr_date(d.on))];
    lines.extend(d.decision.reasons.iter().map(|r| format!("  - {}", r.message)));
    if !d.decision.by_kind.is_empty() {
        lines.push("Par type d'appareil :".into());
        for k in &d.decision.by_kind {
            let why = k
                .reasons
                .iter()
                .map(|r| r.message.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(if why.is_empty() {
                format!("  {} : {}", k.kind_label, k.label)
            } else {
                format!("  {} : {} — {why}", k.kind_label, k.label)
            });
        }
    }
    lines.extend(d.override_lines.iter().map(|o| format!("  {o}")));
    lines.join("\n")
}
