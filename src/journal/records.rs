//! The journal's second check: every record that makes a total or moves a device (a sale, its
//! lines and payments, a credit note, a permanence, a closing, a line correction, a warranty
//! return and its end, a recycling batch, a loan and its end) still says
//! what its entry says, and every such entry still has its record. The chain proves the
//! entries were not changed; this proves the tables were not changed behind them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Broken;
use crate::error::Result;
use crate::store::{witness as sql, Db};

/// The first record that does not match its entry (by entry number), if any.
pub fn check(conn: &Db) -> Result<Option<Broken>> {
    let mut found: BTreeMap<i64, String> = BTreeMap::new();
    let mut note = |seq: i64, reason: String| {
        found.entry(seq).or_insert(reason);
    };
    let entries = |kind: &str| -> Result<BTreeMap<i64, (String, String, Value)>> {
        Ok(sql::entries_of(conn, kind)?
            .into_iter()
            .map(|(seq, at, operator, content)| {
                (
                    seq,
                    (at, operator, serde_json::from_str(&content).unwrap_or(Value::Null)),
                )
            })
            .collect())
    };

    // Sales: the entry at `journal_seq` is this sale's, with the same figures.
    let sale_entries = entries("sale")?;
    let mut claimed = BTreeSet::new();
    for sale in sql::sales(conn)? {
        claimed.insert(sale.journal_seq);
        let Some((_, _, c)) = sale_entries.get(&sale.journal_seq) else {
            note(
                sale.journal_seq,
                format!("la vente {} n'a plus son entrée au journal", sale.receipt),
            );
            continue;
        };
        let lines_match = c["lines"].as_array().is_some_and(|lines| {
            lines.len() == sale.lines.len()
                && lines
                    .iter()
                    .zip(&sale.lines)
                    .all(|(l, (tag, kind, category, quantity, unit))| {
                        l["tag"].as_str() == tag.as_deref()
                            && l["kind"].as_str() == Some(kind.as_str())
                            && l["category"].as_str() == category.as_deref()
                            && l["quantity"].as_i64() == Some(*quantity)
                            && l["unit_price"].as_i64() == Some(*unit)
                    })
        });
        // Entries written before schema 16 have no tax: their rows none either.
        let taxes_match = c["lines"].as_array().is_some_and(|lines| {
            lines.iter().zip(&sale.line_taxes).all(|(l, (rate, vat, margin))| {
                l["vat_rate"].as_i64() == *rate && l["vat"].as_i64() == *vat && l["margin"].as_i64() == *margin
            })
        }) && c["tax_status"].as_str() == sale.tax.0.as_deref()
            && c["tax_mention"].as_str() == sale.tax.1.as_deref();
        let payments_match = c["payments"].as_array().is_some_and(|payments| {
            payments.len() == sale.payments.len()
                && payments
                    .iter()
                    .zip(&sale.payments)
                    .all(|(p, (method, amount, reference))| {
                        p["method"].as_str() == Some(method.as_str())
                            && p["amount"].as_i64() == Some(*amount)
                            && p["reference"].as_str() == reference.as_deref()
                    })
        });
        let what = if c["receipt"].as_str() != Some(sale.receipt.as_str()) || c["uuid"].as_str() != Some(&sale.uuid) {
            Some("son numéro ou son identifiant")
        } else if c["total_cents"].as_i64() != Some(sale.total_cents)
            || c["change_cents"].as_i64() != Some(sale.change_cents)
        {
            Some("son total ou sa monnaie rendue")
        } else if !lines_match {
            Some("ses lignes (appareils, quantités, prix)")
        } else if !payments_match {
            Some("ses paiements")
        } else if !taxes_match {
            Some("sa TVA ou son régime de TVA")
        } else if c["session"].as_i64() != Some(sale.session_id)
            || c["person_id"].as_i64() != sale.person_id
            || c["programme"].as_str() != sale.programme.as_deref()
        {
            Some("sa permanence, son acheteur ou son programme")
        } else {
            None
        };
        if let Some(what) = what {
            note(
                sale.journal_seq,
                format!("la vente {} ne dit plus ce que dit son entrée : {what}", sale.receipt),
            );
        }
    }
    for seq in sale_entries.keys().filter(|s| !claimed.contains(s)) {
        note(*seq, "la vente de cette entrée a disparu des tables".into());
    }

    // Credit notes.
    let note_entries = entries("credit_note")?;
    let mut claimed = BTreeSet::new();
    for (seq, number, receipt, line, reason, refund, amount, at) in sql::credit_notes(conn)? {
        claimed.insert(seq);
        let Some((_, _, c)) = note_entries.get(&seq) else {
            note(seq, format!("l'avoir {number} n'a plus son entrée au journal"));
            continue;
        };
        let matches = {
            c["number"].as_str() == Some(number.as_str())
                && c["cancels"].as_str() == Some(receipt.as_str())
                && c["line"].as_i64() == line
                && c["reason"].as_str() == Some(reason.as_str())
                && c["refund_method"].as_str() == Some(refund.as_str())
                && c["amount"].as_i64() == Some(amount)
                && c["at"].as_str() == Some(at.as_str())
        };
        if !matches {
            note(seq, format!("l'avoir {number} ne dit plus ce que dit son entrée"));
        }
    }
    for seq in note_entries.keys().filter(|s| !claimed.contains(s)) {
        note(*seq, "l'avoir de cette entrée a disparu des tables".into());
    }

    // Permanences: their opening (by the session's uuid) and their Z.
    let opened = entries("session_open")?;
    let closed = entries("session_close")?;
    // Each opening by the uuid of the permanence it opened (one lookup a permanence).
    let by_session: std::collections::HashMap<&str, (i64, &(String, String, Value))> = opened
        .iter()
        .filter_map(|(seq, entry)| Some((entry.2["session"].as_str()?, (*seq, entry))))
        .collect();
    let mut seen_open = BTreeSet::new();
    let mut seen_close = BTreeSet::new();
    for (uuid, opened_at, opened_by, float, close_seq) in sql::sessions(conn)? {
        match by_session.get(uuid.as_str()) {
            Some(&(seq, (at, operator, c))) => {
                seen_open.insert(seq);
                if c["float_cents"].as_i64() != Some(float) || *at != opened_at || *operator != opened_by {
                    note(
                        seq,
                        "la permanence ne dit plus ce que dit son ouverture : fond de caisse, heure ou auteur".into(),
                    );
                }
            }
            None => note(
                0,
                format!("la permanence ouverte le {opened_at} n'a pas d'entrée d'ouverture"),
            ),
        }
        if let Some(seq) = close_seq {
            seen_close.insert(seq);
            if !closed.contains_key(&seq) {
                note(seq, "la clôture de cette permanence n'est plus au journal".into());
            }
        }
    }
    for seq in opened.keys().filter(|s| !seen_open.contains(s)) {
        note(*seq, "la permanence de cette ouverture a disparu des tables".into());
    }
    for seq in closed.keys().filter(|s| !seen_close.contains(s)) {
        note(
            *seq,
            "la permanence fermée par cette entrée n'est plus marquée fermée".into(),
        );
    }

    // Closings (periods).
    let closing_entries = entries("closing")?;
    let mut claimed = BTreeSet::new();
    for (key, seq) in sql::closings(conn)? {
        claimed.insert(seq);
        if closing_entries
            .get(&seq)
            .is_none_or(|(_, _, c)| c["key"].as_str() != Some(key.as_str()))
        {
            note(seq, format!("la clôture {key} ne correspond plus à son entrée"));
        }
    }
    for seq in closing_entries.keys().filter(|s| !claimed.contains(s)) {
        note(*seq, "la clôture de cette entrée a disparu des tables".into());
    }

    // Line corrections.
    let fixes = entries("line_correction")?;
    let mut claimed = BTreeSet::new();
    for (seq, receipt, line, from, to, reason) in sql::corrections(conn)? {
        claimed.insert(seq);
        let Some((_, _, c)) = fixes.get(&seq) else {
            note(
                seq,
                format!("la correction de la ligne {line} du ticket {receipt} n'a plus son entrée au journal"),
            );
            continue;
        };
        let matches = {
            c["receipt"].as_str() == Some(receipt.as_str())
                && c["line"].as_i64() == Some(line)
                && c["from"].as_str() == Some(from.as_str())
                && c["to"].as_str() == Some(to.as_str())
                && c["reason"].as_str() == Some(reason.as_str())
        };
        if !matches {
            note(
                seq,
                format!("la correction de la ligne {line} du ticket {receipt} ne correspond plus à son entrée"),
            );
        }
    }
    for seq in fixes.keys().filter(|s| !claimed.contains(s)) {
        note(*seq, "la correction de cette entrée a disparu des tables".into());
    }

    // After the sale: warranty returns, their ends and recycling batches say what their
    // entries say, field for field.
    let returns = crate::store::aftersales::returns(conn, false, ALL)?;
    let mut opened = Vec::new();
    let mut ended = Vec::new();
    for r in &returns {
        let what = format!("le retour n° {}", r.number);
        opened.push((r.journal_seq, what.clone(), crate::aftersales::returns::opened_entry(r)));
        if let Some(o) = &r.outcome {
            let end = crate::aftersales::returns::outcome_entry(&r.number, o);
            ended.push((o.journal_seq, format!("la fin de {what}"), end));
        }
    }
    let mut batches = Vec::new();
    for b in crate::store::aftersales::batches(conn, ALL)? {
        let entry = crate::aftersales::recycling::entry_of(conn, &b)?;
        batches.push((b.journal_seq, format!("le lot de recyclage n° {}", b.number), entry));
    }
    let mut lent = Vec::new();
    let mut loan_ends = Vec::new();
    for l in crate::store::loans::loans(conn, false, ALL)? {
        let what = format!("le prêt n° {}", l.number);
        lent.push((l.journal_seq, what.clone(), crate::loans::lent_entry(&l)));
        if let Some(e) = &l.end {
            loan_ends.push((
                e.journal_seq,
                format!("la fin du {}", &what[3..]),
                crate::loans::end_entry(&l.number, e),
            ));
        }
    }
    let deadlines = crate::store::loans::deadlines(conn)?
        .into_iter()
        .map(|(seq, number, after, _)| {
            let entry = crate::loans::deadline_entry(&number, &after);
            (seq, format!("la date de perte du prêt n° {number}"), entry)
        })
        .collect();
    for (kind, rows) in [
        ("warranty_return", opened),
        ("warranty_outcome", ended),
        ("recycling", batches),
        ("loan", lent),
        ("loan_end", loan_ends),
        ("loan_deadline", deadlines),
    ] {
        let written = entries(kind)?;
        let mut claimed = BTreeSet::new();
        for (seq, what, expected) in rows {
            claimed.insert(seq);
            match written.get(&seq) {
                None => note(seq, format!("{what} n'a plus son entrée au journal")),
                Some((_, _, c)) if *c != expected => note(seq, format!("{what} ne dit plus ce que dit son entrée")),
                Some(_) => {}
            }
        }
        for seq in written.keys().filter(|s| !claimed.contains(s)) {
            note(*seq, "l'acte d'après-vente de cette entrée a disparu des tables".into());
        }
    }

    Ok(found.into_iter().next().map(|(seq, reason)| Broken { seq, reason }))
}

/// No limit on the rows read back.
const ALL: usize = 1 << 40;
