//! Text folding for search: what a médiateur types ("ecran", "LENOVO", "thinkpad") must find
//! what the delivery file wrote ("Écran", "Lenovo", "ThinkPad").

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Lower-cases, strips diacritics (é → e, ç → c), maps œ/æ to oe/ae and collapses whitespace.
pub fn fold(input: &str) -> String {
    if input.is_ascii() {
        // Most cells of a delivery file: no accent to strip, no decomposition to make (the
        // same result, without it: an import folds every device's text).
        fold_chars(input.chars(), input.len())
    } else {
        fold_chars(input.nfd().filter(|c| !is_combining_mark(*c)), input.len())
    }
}

/// [`fold`] of characters already decomposed, their combining marks dropped.
fn fold_chars(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut last_space = true;
    for c in chars {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => out.extend(c.to_lowercase()),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Parses a decimal number written the French way ("15,6") or the English way ("15.6") into an
/// integer count of `1/10^scale` units, without ever going through a float.
/// A whole number as a form's field holds it (« 15 »), within `range`; else the French
/// sentence that says what is expected.
pub fn parse_whole(text: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "« {} » : un nombre entier de {} à {} est attendu.",
            text.trim(),
            range.start(),
            range.end()
        )),
    }
}

pub fn parse_decimal(input: &str, scale: u32) -> Option<i64> {
    let s = input.trim().replace([' ', '\u{a0}', '\u{202f}'], "");
    if s.is_empty() {
        return None;
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s),
    };
    let mut parts = s.splitn(2, [',', '.']);
    let int_part = parts.next().unwrap_or("");
    let frac_part = parts.next().unwrap_or("");
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.chars().all(|c| c.is_ascii_digit()) || !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac_part.len() > scale as usize {
        return None;
    }
    let unit = 10i64.checked_pow(scale)?;
    let int: i64 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
    let mut frac: i64 = if frac_part.is_empty() {
        0
    } else {
        frac_part.parse().ok()?
    };
    for _ in frac_part.len()..scale as usize {
        frac *= 10;
    }
    let value = int.checked_mul(unit)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// Shows a count of tenths the French way: 156 → "15,6", 80 → "8".
pub fn format_tenths(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{},{}", tenths / 10, (tenths % 10).abs())
    }
}

/// Shows a stored RFC 3339 instant in the machine's local time, the French way:
/// "22/11/2026 14:05". An unreadable value is shown as stored.
pub fn format_timestamp(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// `text` cut to `max` characters, with « … » when it was longer (a logged value, a quoted cell).
pub fn shorten(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// A month as French write it, capitalised: « Novembre 2026 ».
pub fn month_fr(month: u32, year: i32) -> String {
    const MONTHS: [&str; 12] = [
        "Janvier",
        "Février",
        "Mars",
        "Avril",
        "Mai",
        "Juin",
        "Juillet",
        "Août",
        "Septembre",
        "Octobre",
        "Novembre",
        "Décembre",
    ];
    let name = MONTHS.get(month.wrapping_sub(1) as usize).copied().unwrap_or("?");
    format!("{name} {year}")
}

/// A name people read (a centre's, a commune's), checked: trimmed, 1 to `max` characters,
/// printable — no control character, no bidirectional override or isolate (a right-to-left
/// override turns « Lilas » into what it is not), no zero-width or other invisible format
/// character. Else why not, in French, naming `what`.
pub fn display_name(what: &str, text: &str, max: usize) -> Result<String, String> {
    let text = text.trim();
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}' | '\u{180E}')
    };
    if text.is_empty() {
        return Err(format!("{what} est vide."));
    }
    if text.chars().count() > max {
        return Err(format!("{what} a plus de {max} caractères."));
    }
    if text.chars().any(invisible) {
        return Err(format!(
            "{what} contient un caractère invisible ou de contrôle (saut de ligne, tabulation, changement de sens \
             d'écriture, caractère de largeur nulle) : écrivez-le en toutes lettres."
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_of_ascii_text_is_the_same_by_the_short_path() {
        for text in [
            "  Lenovo  ThinkPad\tT480 ",
            "A\x0BB\r\nC",
            "",
            "   ",
            "S0ABC;12,5",
            "MIXED case 42",
        ] {
            let by_decomposition = super::fold_chars(text.nfd().filter(|c| !is_combining_mark(*c)), 0);
            assert_eq!(super::fold(text), by_decomposition, "{text:?}");
        }
    }

    #[test]
    fn fold_removes_accents_case_and_extra_spaces() {
        assert_eq!(fold("  Écran   Dell "), "ecran dell");
        assert_eq!(fold("ÇA Œuvre"), "ca oeuvre");
        assert_eq!(fold("ThinkPad T480"), "thinkpad t480");
    }

    #[test]
    fn decimals_accept_comma_and_dot_without_floats() {
        assert_eq!(parse_decimal("15,6", 1), Some(156));
        assert_eq!(parse_decimal("15.6", 1), Some(156));
        assert_eq!(parse_decimal("8", 0), Some(8));
        assert_eq!(parse_decimal("80,5", 2), Some(8050));
        assert_eq!(parse_decimal("1 234,56", 2), Some(123456));
        assert_eq!(parse_decimal("15,66", 1), None);
        assert_eq!(parse_decimal("abc", 1), None);
        assert_eq!(parse_decimal("", 1), None);
        assert_eq!(parse_decimal("1,2,3", 2), None);
    }
}
