//! An event as a centre pushed it, checked before the hub looks anything up or stores it.

use comptoir_common::protocol::{CentreFacts, Event, EventBody, JournalHead};

/// The largest amount an event may carry (a till never sees more; the centre's own bound).
const MAX_CENTS: i64 = comptoir_common::money::Money::MAX_TYPED.cents();

/// An event checked before anything is looked up or stored: its uuid a uuid, its time and
/// dates readable, its tags parsed and written the network's way (`LC-2411-0003`, trimmed
/// and upper-cased), its amounts and quantities within a till's bounds, its texts short.
/// Else why it is refused, in French.
pub(crate) fn checked(event: &Event) -> std::result::Result<Event, String> {
    // An event's id: a uuid, or `stock-<tag>` for a centre's own device (1 to 64 visible
    // characters either way).
    let visible = |t: &str, max: usize| !t.is_empty() && t.len() <= max && t.chars().all(|c| c.is_ascii_graphic());
    if !visible(event.uuid.trim(), 64) {
        return Err("Identifiant d'événement illisible (1 à 64 caractères visibles).".into());
    }
    if !visible(&event.at, 40) {
        return Err("Horodatage illisible.".into());
    }
    let tag = |t: &str| {
        comptoir_common::device::AssetTag::parse(t)
            .map(|t| t.to_string())
            .map_err(|e| format!("Étiquette illisible : {e}"))
    };
    let date = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|_| d.to_string())
            .map_err(|_| {
                format!(
                    "Date « {} » illisible (AAAA-MM-JJ).",
                    d.chars().take(20).collect::<String>()
                )
            })
    };
    let short = |what: &str, t: &str| {
        if t.chars().count() > 64 || t.chars().any(char::is_control) {
            Err(format!("{what} trop long ou illisible."))
        } else {
            Ok(t.to_string())
        }
    };
    let cents = |what: &str, c: i64| {
        if (0..=MAX_CENTS).contains(&c) {
            Ok(c)
        } else {
            Err(format!("{what} hors des bornes (0 à 1 000 000,00 €)."))
        }
    };
    let register = |r: &str| {
        if !r.is_empty() && r.len() <= 8 && r.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(r.to_string())
        } else {
            Err("Code de caisse illisible (1 à 8 lettres ou chiffres).".to_string())
        }
    };
    let id = |t: &str| {
        if visible(t.trim(), 64) {
            Ok(t.trim().to_string())
        } else {
            Err("Identifiant de vente illisible.".to_string())
        }
    };
    // A person's reference: random hex (32 to 64 characters), nothing else.
    let person = |p: &str| {
        if (16..=64).contains(&p.len()) && p.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            Ok(p.to_ascii_lowercase())
        } else {
            Err("Référence de personne illisible (un identifiant aléatoire).".to_string())
        }
    };
    let method = |m: &str| match m {
        "cash" | "card" | "cheque" | "transfer" | "funder" => Ok(m.to_string()),
        _ => Err(format!(
            "Moyen de paiement « {} » inconnu.",
            m.chars().take(20).collect::<String>()
        )),
    };
    let body = match &event.body {
        EventBody::Received { tag: t } => EventBody::Received { tag: tag(t)? },
        EventBody::Available { tag: t } => EventBody::Available { tag: tag(t)? },
        EventBody::Defective { tag: t } => EventBody::Defective { tag: tag(t)? },
        EventBody::Returned { tag: t } => EventBody::Returned { tag: tag(t)? },
        EventBody::BackInStock { tag: t } => EventBody::BackInStock { tag: tag(t)? },
        EventBody::Sold {
            date: d,
            tag: t,
            kind,
            category,
            quantity,
            price_cents,
            programme,
            publics,
        } => {
            if !(1..=99).contains(quantity) {
                return Err("Quantité hors des bornes (1 à 99).".into());
            }
            if publics.len() > 20 {
                return Err("Trop de publics.".into());
            }
            EventBody::Sold {
                date: date(d)?,
                tag: t.as_deref().map(tag).transpose()?,
                kind: *kind,
                category: *category,
                quantity: *quantity,
                price_cents: cents("Prix", *price_cents)?,
                programme: programme.as_deref().map(|p| short("Programme", p)).transpose()?,
                publics: publics
                    .iter()
                    .map(|p| short("Public", p))
                    .collect::<std::result::Result<_, _>>()?,
            }
        }
        EventBody::Cancelled {
            date: d,
            amount_cents,
            refund,
        } => EventBody::Cancelled {
            date: date(d)?,
            amount_cents: cents("Montant", *amount_cents)?,
            refund: short("Moyen de remboursement", refund)?,
        },
        EventBody::Sale(sale) => {
            if sale.lines.is_empty() || sale.lines.len() > 99 {
                return Err("Une vente a de 1 à 99 lignes.".into());
            }
            if sale.publics.len() > 20 || sale.payments.len() > 10 {
                return Err("Trop de publics ou de paiements.".into());
            }
            let mut facts = (**sale).clone();
            facts.date = date(&sale.date)?;
            facts.register = register(&sale.register)?;
            if !(1..=999_999_999).contains(&sale.receipt_seq) {
                return Err("Numéro de ticket hors des bornes.".into());
            }
            facts.person = sale.person.as_deref().map(person).transpose()?;
            facts.programme = sale.programme.as_deref().map(|p| short("Programme", p)).transpose()?;
            facts.publics = sale
                .publics
                .iter()
                .map(|p| short("Public", p))
                .collect::<std::result::Result<_, _>>()?;
            for (i, line) in facts.lines.iter_mut().enumerate() {
                if line.line_no as usize != i + 1 {
                    return Err("Lignes mal numérotées (1, 2, 3…).".into());
                }
                if !(1..=99).contains(&line.quantity) {
                    return Err("Quantité hors des bornes (1 à 99).".into());
                }
                line.unit_cents = cents("Prix", line.unit_cents)?;
                line.tag = line.tag.as_deref().map(tag).transpose()?;
            }
            for payment in &mut facts.payments {
                payment.method = method(&payment.method)?;
                payment.amount_cents = cents("Paiement", payment.amount_cents)?;
            }
            EventBody::Sale(Box::new(facts))
        }
        EventBody::CreditNote(note) => {
            let mut facts = (**note).clone();
            facts.date = date(&note.date)?;
            facts.register = register(&note.register)?;
            facts.sale = id(&note.sale)?;
            if note.lines.is_empty() || note.lines.len() > 99 || note.lines.iter().any(|l| !(1..=99).contains(l)) {
                return Err("Lignes annulées illisibles (1 à 99).".into());
            }
            facts.programme = note.programme.as_deref().map(|p| short("Programme", p)).transpose()?;
            facts.amount_cents = cents("Montant", note.amount_cents)?;
            facts.refund = method(&note.refund)?;
            EventBody::CreditNote(Box::new(facts))
        }
        EventBody::LineCorrected(fix) => {
            let mut facts = (**fix).clone();
            facts.date = date(&fix.date)?;
            facts.register = register(&fix.register)?;
            facts.sale = id(&fix.sale)?;
            if !(1..=99).contains(&fix.line_no) {
                return Err("Ligne corrigée hors des bornes (1 à 99).".into());
            }
            facts.from_tag = tag(&fix.from_tag)?;
            facts.to_tag = tag(&fix.to_tag)?;
            EventBody::LineCorrected(Box::new(facts))
        }
        EventBody::WarrantyReturn(ret) => {
            let mut facts = (**ret).clone();
            facts.return_id = id(&ret.return_id)?;
            facts.opened_on = date(&ret.opened_on)?;
            facts.sale = id(&ret.sale)?;
            if !(1..=99).contains(&ret.line_no) || ret.months_since_delivery > 1200 {
                return Err("Ligne ou ancienneté du retour hors des bornes.".into());
            }
            facts.tag = tag(&ret.tag)?;
            facts.brand = short("Marque", &ret.brand)?;
            facts.model = short("Modèle", &ret.model)?;
            facts.refurbisher = ret
                .refurbisher
                .as_deref()
                .map(|r| short("Reconditionneur", r))
                .transpose()?;
            comptoir_common::aftersales::FaultCategory::parse(&ret.fault)
                .map_err(|_| "Catégorie de panne inconnue.".to_string())?;
            let outcome = ret
                .outcome
                .as_deref()
                .map(comptoir_common::aftersales::Outcome::parse)
                .transpose()
                .map_err(|_| "Issue du retour inconnue.".to_string())?;
            facts.closed_on = ret.closed_on.as_deref().map(date).transpose()?;
            facts.new_tag = ret.new_tag.as_deref().map(tag).transpose()?;
            let exchanged = outcome == Some(comptoir_common::aftersales::Outcome::Exchanged);
            if outcome.is_some() != facts.closed_on.is_some() || exchanged != facts.new_tag.is_some() {
                return Err("Fin du retour incohérente (issue, date, appareil remis).".into());
            }
            EventBody::WarrantyReturn(Box::new(facts))
        }
        EventBody::Recycling(batch) => {
            let mut facts = (**batch).clone();
            facts.number = id(&batch.number)?;
            facts.collection_point = short("Point de collecte", &batch.collection_point)?;
            facts.handed_on = date(&batch.handed_on)?;
            facts.reference = short("Bordereau", &batch.reference)?;
            if batch.devices.is_empty() || batch.devices.len() > 10_000 {
                return Err("Un lot de recyclage a de 1 à 10 000 appareils.".into());
            }
            for device in &mut facts.devices {
                device.tag = tag(&device.tag)?;
                comptoir_common::aftersales::Destruction::parse(&device.destruction)
                    .map_err(|_| "Destruction des données inconnue.".to_string())?;
            }
            EventBody::Recycling(Box::new(facts))
        }
        EventBody::Loan(loan) => {
            let mut facts = (**loan).clone();
            facts.loan_id = id(&loan.loan_id)?;
            facts.tag = tag(&loan.tag)?;
            facts.programme = short("Programme", &loan.programme)?;
            facts.person = person(&loan.person)?;
            if loan.publics.len() > 20 {
                return Err("Trop de publics.".into());
            }
            facts.publics = loan
                .publics
                .iter()
                .map(|p| short("Public", p))
                .collect::<std::result::Result<_, _>>()?;
            facts.lent_on = date(&loan.lent_on)?;
            facts.due_on = date(&loan.due_on)?;
            facts.ended_on = loan.ended_on.as_deref().map(date).transpose()?;
            let ended = match loan.status.as_str() {
                "out" => false,
                "returned" | "lost" | "sold" => true,
                _ => return Err("État du prêt inconnu.".into()),
            };
            let condition_ok = match loan.condition.as_deref() {
                None => loan.status != "returned",
                Some("good" | "damaged" | "accessories_missing") => loan.status == "returned",
                Some(_) => false,
            };
            if ended != facts.ended_on.is_some() || !condition_ok {
                return Err("Fin du prêt incohérente (état, date, état de l'appareil).".into());
            }
            EventBody::Loan(Box::new(facts))
        }
        EventBody::LocalStock { device } => {
            let parsed = device.parse().map_err(|e| format!("Appareil invalide : {e}"))?;
            let mut device = device.clone();
            device.tag = parsed.tag.to_string();
            EventBody::LocalStock { device }
        }
    };
    Ok(Event {
        // As the centre wrote it (its acknowledgement is matched by this text).
        uuid: event.uuid.trim().to_string(),
        at: event.at.clone(),
        body,
    })
}

/// A register's journal head as pushed: its register code, a count, a hex SHA-256 (or empty
/// for an empty journal).
pub(crate) fn checked_head(head: &JournalHead) -> std::result::Result<JournalHead, String> {
    let register_ok = !head.register.is_empty()
        && head.register.len() <= 8
        && head.register.chars().all(|c| c.is_ascii_alphanumeric());
    let hash_ok = (head.hash.is_empty() && head.entries == 0)
        || (head.hash.len() == 64 && head.hash.chars().all(|c| c.is_ascii_hexdigit()));
    let key_ok = head
        .signing_key
        .as_ref()
        .is_none_or(|k| k.len() == 64 && k.chars().all(|c| c.is_ascii_hexdigit()));
    if !register_ok || !hash_ok || !key_ok || !(0..=i64::from(u32::MAX)).contains(&head.entries) {
        return Err("Tête de journal illisible (code de caisse, nombre d'entrées, empreinte SHA-256).".into());
    }
    Ok(JournalHead {
        hash: head.hash.to_ascii_lowercase(),
        signing_key: head.signing_key.as_ref().map(|k| k.to_ascii_lowercase()),
        ..head.clone()
    })
}

/// The centre's public settings as pushed: short printable texts, a five-digit postcode (or
/// none), the département it gives.
pub(crate) fn checked_centre(facts: &CentreFacts) -> std::result::Result<CentreFacts, String> {
    use comptoir_common::text::display_name;
    let postcode_ok =
        facts.postcode.is_empty() || (facts.postcode.len() == 5 && facts.postcode.chars().all(|c| c.is_ascii_digit()));
    let departement_ok = facts.departement.len() <= 3 && facts.departement.chars().all(|c| c.is_ascii_alphanumeric());
    if !postcode_ok || !departement_ok {
        return Err("Réglages du centre illisibles (code postal, département).".into());
    }
    let mut facts = facts.clone();
    facts.name = display_name("Le nom du centre", &facts.name, 120)?;
    // A commune may be unknown (empty); when given, it is a name like any other.
    if !facts.commune.trim().is_empty() {
        facts.commune = display_name("La commune du centre", &facts.commune, 80)?;
    }
    Ok(facts)
}
