//! An event as a centre pushed it, checked before the hub looks anything up or stores it.

use comptoir_common::protocol::{Event, EventBody};

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
