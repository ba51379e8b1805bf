//! Newtypes parsed at the edge: once a value has one of these types it is valid.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Customer user who may read.
    Viewer,
    /// Customer user who may also pay, cancel, renew, unsubscribe and change renewal settings.
    Manager,
    /// Administers the portal and all cloud accounts.
    Staff,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Manager, Role::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Manager => "manager",
            Role::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "viewer" => Some(Role::Viewer),
            "manager" => Some(Role::Manager),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }

    /// Customer roles belong to a cloud account; staff do not.
    pub fn needs_cloud_account(self) -> bool {
        self != Role::Staff
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A syntactically plausible, lower-cased e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter an e-mail address.");
        }
        if s.len() > 254 {
            return Err("That e-mail address is too long.");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("Enter an e-mail address like name@example.com.");
        };
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
        if !ok {
            return Err("Enter an e-mail address like name@example.com.");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

static COMMON_PASSWORDS: &str = include_str!("auth/common-passwords.txt");

/// A new password that meets the policy: 8 to 128 characters, not a commonly used password,
/// taken exactly as typed (no trimming, no composition rules).
pub struct NewPassword(SecretString);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([REDACTED])")
    }
}

/// Shortest accepted password, in characters.
pub const PASSWORD_MIN: usize = 8;
/// Longest accepted password, in characters.
pub const PASSWORD_MAX: usize = 128;

impl NewPassword {
    pub fn parse(raw: SecretString) -> Result<Self, &'static str> {
        let s = raw.expose_secret();
        let n = s.chars().count();
        if n < PASSWORD_MIN {
            return Err("Use at least 8 characters.");
        }
        if n > PASSWORD_MAX {
            return Err("Use at most 128 characters.");
        }
        let lower = s.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|p| p == lower) {
            return Err("This password is too common; choose another.");
        }
        Ok(Self(raw))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

/// A display name: 1 to 100 printable characters.
pub fn parse_display_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Enter a name.");
    }
    if s.chars().count() > 100 {
        return Err("Use at most 100 characters.");
    }
    if s.chars().any(char::is_control) {
        return Err("The name contains characters that are not allowed.");
    }
    Ok(s.to_owned())
}

/// An https (or, for the sandbox and tests, loopback http) CBC endpoint without a path.
pub fn parse_endpoint(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim().trim_end_matches('/');
    let host =
        crate::config::url_host(s).ok_or("Enter a URL like https://bss.myhuaweicloud.eu.")?;
    if s.len() != host.len() + if s.starts_with("https://") { 8 } else { 7 } {
        return Err("Enter the endpoint without a path, like https://bss.myhuaweicloud.eu.");
    }
    let hostname = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let loopback = matches!(hostname, "127.0.0.1" | "localhost" | "[::1]");
    if s.starts_with("http://") && !loopback {
        return Err("Use https:// (plain http is only allowed for a local sandbox).");
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    {
        return Err("The host name contains characters that are not allowed.");
    }
    Ok(s.to_owned())
}

/// A Huawei account (domain) id: 32 hex characters, or anything printable up to 64 in the sandbox.
pub fn parse_domain_id(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("Enter the account ID (letters and digits, as shown under My Credentials).");
    }
    Ok(s.to_owned())
}

/// The IAM project id of one region (the `project_id` of price inquiries): letters, digits, '-'
/// and '_', at most 64. Empty means the region has none. The account's own domain id is refused:
/// it is the usual mistake, and Huawei refuses it as a project.
pub fn parse_project_id(raw: &str, domain_id: &str) -> Result<Option<String>, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 64
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            "A project ID has only letters, digits, '-' and '_' (at most 64 characters), as shown under My Credentials → Projects.",
        );
    }
    if s.eq_ignore_ascii_case(domain_id.trim()) {
        return Err(
            "This is the account (domain) ID, not a project: enter the IAM project ID of this region (My Credentials → Projects).",
        );
    }
    Ok(Some(s.to_owned()))
}

/// An access key id: 10 to 64 letters and digits.
pub fn parse_ak(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if !(10..=64).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("Enter the access key ID (10 to 64 letters and digits).");
    }
    Ok(s.to_owned())
}

/// A secret access key: 10 to 128 printable ASCII characters.
pub fn parse_sk(raw: SecretString) -> Result<SecretString, &'static str> {
    let s = raw.expose_secret().trim();
    if !(10..=128).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_graphic()) {
        return Err("Enter the secret access key (10 to 128 characters, no spaces).");
    }
    Ok(SecretString::from(s.to_owned()))
}

/// A cloud account's display name.
pub fn parse_account_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > 64 {
        return Err("Enter a name of 1 to 64 characters.");
    }
    if s.chars().any(char::is_control) {
        return Err("The name contains characters that are not allowed.");
    }
    Ok(s.to_owned())
}

/// A calendar day typed into a date filter: plain `YYYY-MM-DD` between [`Day::MIN`] and
/// [`Day::MAX`]. The range holds every real order, bill and expiry date, and keeps the day
/// arithmetic filters do (start and end of the day in any time zone) far from the limits of
/// the date type, where it would overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(time::Date);

/// Why a typed day was refused; [`DayError::message`] is the text shown next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayError {
    /// Not `YYYY-MM-DD`.
    Format,
    /// Well-formed, but the month or the day does not exist (2026-02-30, 2026-13-01).
    NoSuchDay,
    /// A real day outside [`Day::MIN`]..=[`Day::MAX`].
    OutOfRange,
}

impl DayError {
    pub fn message(self) -> &'static str {
        match self {
            DayError::Format => "Use a date like 2026-01-31.",
            DayError::NoSuchDay => "That day does not exist; use a date like 2026-01-31.",
            DayError::OutOfRange => "Choose a date between 2000-01-01 and 2099-12-31.",
        }
    }
}

impl fmt::Display for DayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for DayError {}

impl Day {
    /// The earliest day a filter accepts.
    pub const MIN: Day = Day(time::macros::date!(2000 - 01 - 01));
    /// The latest day a filter accepts.
    pub const MAX: Day = Day(time::macros::date!(2099 - 12 - 31));

    /// Parses `YYYY-MM-DD` (surrounding blanks ignored).
    pub fn parse(raw: &str) -> Result<Self, DayError> {
        let s = raw.trim().as_bytes();
        let shape = s.len() == 10
            && s.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shape {
            return Err(DayError::Format);
        }
        let num =
            |r: std::ops::Range<usize>| s[r].iter().fold(0u16, |n, c| n * 10 + u16::from(c - b'0'));
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        let year = i32::from(year);
        if !(Self::MIN.0.year()..=Self::MAX.0.year()).contains(&year) {
            return Err(DayError::OutOfRange);
        }
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or(DayError::NoSuchDay)?;
        let day = u8::try_from(day).map_err(|_| DayError::NoSuchDay)?;
        let date =
            time::Date::from_calendar_date(year, month, day).map_err(|_| DayError::NoSuchDay)?;
        Ok(Day(date))
    }

    pub fn date(self) -> time::Date {
        self.0
    }

    /// The first instant of the day at `offset`.
    pub fn start_at(self, offset: time::UtcOffset) -> time::OffsetDateTime {
        self.0.midnight().assume_offset(offset)
    }

    /// The last whole second of the day at `offset`.
    pub fn end_at(self, offset: time::UtcOffset) -> time::OffsetDateTime {
        self.0
            .with_hms(23, 59, 59)
            .unwrap_or_else(|_| self.0.midnight())
            .assume_offset(offset)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

/// Masks a secret to a hint like `****9f2c`.
pub fn mask_hint(secret: &SecretString) -> String {
    let s = secret.expose_secret();
    let tail: String = s
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        let p = |s: &str| NewPassword::parse(SecretString::from(s.to_owned()));
        assert!(p("short7!").is_err());
        assert!(p(&"a".repeat(64)).is_err() || p(&"x9".repeat(32)).is_ok());
        assert!(p(&"x9".repeat(32)).is_ok());
        assert!(p(&"y8".repeat(64)).is_ok());
        assert!(p(&"y8".repeat(65)).is_err());
        assert!(p("password").is_err());
        assert!(p("PASSWORD").is_err());
        assert!(p("  tidal basin lantern  ").is_ok());
    }

    #[test]
    fn days_are_plain_dates_within_the_century() {
        assert_eq!(
            Day::parse(" 2026-01-31 ").map(|d| d.to_string()),
            Ok("2026-01-31".into())
        );
        assert_eq!(
            Day::parse("2024-02-29").map(|d| d.to_string()),
            Ok("2024-02-29".into())
        );
        assert_eq!(Day::parse("2000-01-01"), Ok(Day::MIN));
        assert_eq!(Day::parse("2099-12-31"), Ok(Day::MAX));
        for far in ["9999-12-31", "0000-01-01", "1999-12-31", "2100-01-01"] {
            assert_eq!(Day::parse(far), Err(DayError::OutOfRange), "{far}");
        }
        for impossible in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
        ] {
            assert_eq!(
                Day::parse(impossible),
                Err(DayError::NoSuchDay),
                "{impossible}"
            );
        }
        for garbage in [
            "",
            "garbage",
            "2026-1-31",
            "+2026-01-31",
            "20260131",
            "2026-01-31T00:00",
            "２０２６-01-31",
        ] {
            assert_eq!(Day::parse(garbage), Err(DayError::Format), "{garbage:?}");
        }
        let tz = time::UtcOffset::from_hms(-12, 0, 0).expect("offset");
        assert!(Day::MAX.end_at(tz) > Day::MAX.start_at(tz));
        assert_eq!(
            (Day::MAX.end_at(tz) - Day::MAX.start_at(tz)).whole_seconds(),
            86_399
        );
    }

    #[test]
    fn emails_and_endpoints() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").map(|e| e.0),
            Ok("ann@example.com".into())
        );
        assert!(Email::parse("ann@").is_err());
        assert!(Email::parse("ann example.com").is_err());
        assert!(parse_endpoint("https://bss.myhuaweicloud.eu/").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:8081").is_ok());
        assert!(parse_endpoint("http://evil.example").is_err());
        assert!(parse_endpoint("https://bss.myhuaweicloud.eu/v2").is_err());
    }

    #[test]
    fn project_ids_are_checked_and_the_domain_id_is_not_one() {
        let domain = "0a1b2c3d4e5f67890a1b2c3d4e5f6789";
        assert_eq!(parse_project_id("  ", domain), Ok(None));
        assert_eq!(
            parse_project_id(" 0f1e2d3c4b5a69788796a5b4c3d2e1f0 ", domain),
            Ok(Some("0f1e2d3c4b5a69788796a5b4c3d2e1f0".into()))
        );
        assert!(parse_project_id("not a project!", domain).is_err());
        assert!(parse_project_id(&"a".repeat(65), domain).is_err());
        assert!(parse_project_id(&domain.to_uppercase(), domain).is_err());
    }
}
