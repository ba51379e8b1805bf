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
