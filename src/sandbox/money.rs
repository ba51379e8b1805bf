//! Money and time formatting as CBC emits them.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use time::OffsetDateTime;

/// Rounds half away from zero to cents, the way bills are rounded.
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A JSON number with exactly two decimals (`12.50`): serde_json's arbitrary precision keeps the
/// text as written, so no binary floating point ever touches an amount.
pub fn num(d: Decimal) -> Value {
    let text = format!("{:.2}", cents(d));
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A decimal JSON number with the given number of places (usage quantities, ratios).
pub fn num_dp(d: Decimal, dp: u32) -> Value {
    let text = format!("{:.*}", dp as usize, d.round_dp(dp));
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Two-decimal string, for the fields CBC types as strings (renew-rate, installments).
pub fn text(d: Decimal) -> Value {
    Value::String(format!("{:.2}", cents(d)))
}

/// `yyyy-MM-ddTHH:mm:ssZ` in UTC.
pub fn ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses `yyyy-MM-ddTHH:mm:ssZ`.
pub fn parse_ts(s: &str) -> Option<OffsetDateTime> {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::PrimitiveDateTime::parse(s, f)
        .ok()
        .map(|p| p.assume_utc())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, f).ok()
}

/// `YYYY-MM-DD`.
pub fn date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses a billing cycle `YYYY-MM` into (year, month).
pub fn parse_cycle(s: &str) -> Option<(i32, u8)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    (1..=12).contains(&m).then_some((y, m))
}

/// `YYYY-MM`.
pub fn cycle(y: i32, m: u8) -> String {
    format!("{y:04}-{m:02}")
}

/// Adds whole months, clamping the day to the target month's length.
pub fn add_months(t: OffsetDateTime, months: i32) -> OffsetDateTime {
    let total = t.year() * 12 + i32::from(u8::from(t.month())) - 1 + months;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(m).unwrap_or(time::Month::January);
    let day = t.day().min(month.length(y));
    time::Date::from_calendar_date(y, month, day)
        .map(|d| t.replace_date(d))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_two_decimals_without_float_noise() {
        assert_eq!(num(Decimal::new(1250, 3)).to_string(), "1.25");
        assert_eq!(num(Decimal::new(1, 1)).to_string(), "0.10");
        assert_eq!(num(Decimal::new(-3335, 3)).to_string(), "-3.34");
        assert_eq!(text(Decimal::new(7, 0)), Value::String("7.00".into()));
    }

    #[test]
    fn months_clamp_to_month_end() {
        let t = time::macros::datetime!(2024-01-31 10:00 UTC);
        assert_eq!(ts(add_months(t, 1)), "2024-02-29T10:00:00Z");
        assert_eq!(ts(add_months(t, 12)), "2025-01-31T10:00:00Z");
        assert_eq!(ts(add_months(t, -2)), "2023-11-30T10:00:00Z");
    }
}
