//! The five-year dataset of a busy centre (20,000 people, 60,000 sales over 2022–2026, a credit
//! note every 50 sales), written with plain SQL in one transaction (a generator for benchmarks
//! only: the rows have the shapes the core writes), shared by the reports and desk benchmarks.

use chrono::NaiveDate;
use rusqlite::params;

use comptoir::Store;

pub fn five_years(store: &mut Store) {
    let publics = ["rsa", "demandeur_emploi", "etudiant"];
    let kinds = [
        ("laptop", Some("B"), 8000),
        ("smartphone", Some("A"), 4000),
        ("tablet", Some("C"), 6000),
    ];
    // Raw SQL through the test builds' connection, in one transaction.
    let tx = store.sql().unchecked_transaction().unwrap();
    (|| -> rusqlite::Result<()> {
            tx.execute(
                "INSERT INTO journal (seq, uuid, kind, at, operator, content, prev_hash, hash)
                 VALUES (1, 'bench', 'bench', '2022-01-01T00:00:00.000Z', 'bench', '{}', '0', '0')",
                [],
            )?;
            tx.execute(
                "INSERT INTO cash_sessions (id, uuid, opened_at, opened_by, float_cents) VALUES (1, 'bench', '2022-01-01T00:00:00.000Z', 'bench', 0)",
                [],
            )?;
            let mut person = tx.prepare(
                "INSERT INTO people (id, uuid, last_name, first_name, search_text, created_at, updated_at)
                 VALUES (?1, ?2, 'Nom', 'Prénom', 'nom prenom', '2022-01-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z')",
            )?;
            let mut public = tx.prepare("INSERT INTO person_publics (person_id, public) VALUES (?1, ?2)")?;
            for id in 1..=20_000i64 {
                person.execute(params![id, format!("p{id}")])?;
                public.execute(params![id, publics[(id % 3) as usize]])?;
            }
            let mut sale = tx.prepare(
                "INSERT INTO sales (id, uuid, receipt, session_id, person_id, programme, at, operator, total_cents, journal_seq)
                 VALUES (?1, ?2, ?3, 1, ?4, 'defaut', ?5, 'bench', ?6, 1)",
            )?;
            let mut line = tx.prepare(
                "INSERT INTO sale_lines (sale_id, line_no, device_id, kind, category, label, quantity, unit_cents)
                 VALUES (?1, 1, NULL, ?2, ?3, 'Appareil', 1, ?4)",
            )?;
            let mut payment = tx.prepare("INSERT INTO payments (sale_id, method, amount_cents) VALUES (?1, ?2, ?3)")?;
            let mut note = tx.prepare(
                "INSERT INTO credit_notes (uuid, number, sale_id, line_no, session_id, at, operator, reason, refund_method, amount_cents, journal_seq)
                 VALUES (?1, ?2, ?3, NULL, 1, ?4, 'bench', 'bench', 'cash', ?5, 1)",
            )?;
            let first = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
            for id in 1..=60_000i64 {
                let day = first + chrono::Duration::days(id * 1826 / 60_000);
                let at = format!("{day}T10:{:02}:00.000Z", id % 60);
                let (kind, category, cents) = kinds[(id % 3) as usize];
                sale.execute(params![id, format!("s{id}"), format!("C01-R1-{id:06}"), (id % 20_000) + 1, at, cents])?;
                line.execute(params![id, kind, category, cents])?;
                let method = ["cash", "card", "funder"][(id % 3) as usize];
                payment.execute(params![id, method, cents])?;
                if id % 50 == 0 {
                    note.execute(params![format!("n{id}"), format!("AV-{id}"), id, at, cents])?;
                }
            }
            Ok(())
    })()
    .unwrap();
    tx.commit().unwrap();
}
