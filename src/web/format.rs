//! Formatting for pages: money with currency and two decimals, times in the user's zone.
//!
//! Pages format values in Rust, into the page struct, so templates only print strings.

use rust_decimal::{Decimal, RoundingStrategy};
use time::{OffsetDateTime, UtcOffset};

/// `1234.5`, `USD` -> `USD 1,234.50`; negative amounts keep their sign: `USD -12.30`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let cur = if currency.is_empty() { "" } else { currency };
    let s = amount_2dp(amount);
    if cur.is_empty() {
        s
    } else {
        format!("{cur} {s}")
    }
}

/// Two decimals with thousands separators, no currency: `-1,234.50`.
pub fn amount_2dp(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{rounded:.2}");
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", plain.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Plain decimal for CSV and machine use: `-1234.50`.
pub fn decimal_plain(amount: Decimal) -> String {
    format!(
        "{:.2}",
        amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A user's time zone as a fixed offset: `UTC`, `+08:00`, `-05:00`.
pub fn parse_offset(tz: &str) -> Option<UtcOffset> {
    let tz = tz.trim();
    if tz.eq_ignore_ascii_case("utc") || tz.is_empty() {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1i8, &tz[1..]),
        b'-' => (-1i8, &tz[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// `2026-11-26 18:30` in the given offset, with the offset named.
pub fn datetime(t: OffsetDateTime, tz: UtcOffset) -> String {
    let t = t.to_offset(tz);
    let zone = if tz == UtcOffset::UTC {
        "UTC".to_owned()
    } else {
        let (h, m, _) = tz.as_hms();
        format!(
            "UTC{}{:02}:{:02}",
            if tz.is_negative() { '-' } else { '+' },
            h.abs(),
            m.abs()
        )
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-26` in the given offset.
pub fn date(t: OffsetDateTime, tz: UtcOffset) -> String {
    let t = t.to_offset(tz);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Parses CBC's `yyyy-MM-ddTHH:mm:ssZ` (also tolerates fractional seconds and offsets).
pub fn parse_cbc_time(s: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// A CBC time string shown in the user's zone; the raw text if it does not parse.
pub fn cbc_time(s: Option<&str>, tz: UtcOffset) -> String {
    match s {
        None => "—".to_owned(),
        Some(raw) => parse_cbc_time(raw).map_or_else(|| raw.to_owned(), |t| datetime(t, tz)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_has_two_decimals_grouping_and_currency() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(money(d("1234.5"), "USD"), "USD 1,234.50");
        assert_eq!(money(d("-12.305"), "EUR"), "EUR -12.31");
        assert_eq!(money(d("0"), "USD"), "USD 0.00");
        assert_eq!(amount_2dp(d("1234567.891")), "1,234,567.89");
        assert_eq!(decimal_plain(d("-1234.5")), "-1234.50");
    }

    #[test]
    fn times_show_in_the_users_offset() {
        let t = parse_cbc_time("2026-11-26T10:30:00Z").expect("time");
        assert_eq!(datetime(t, UtcOffset::UTC), "2026-11-26 10:30 UTC");
        let cet = parse_offset("+01:00").expect("offset");
        assert_eq!(datetime(t, cet), "2026-11-26 11:30 UTC+01:00");
        assert_eq!(
            parse_offset("-05:30").map(|o| o.whole_minutes()),
            Some(-330)
        );
        assert!(parse_offset("Europe/Paris").is_none());
    }
}
