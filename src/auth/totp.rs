//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) for staff.
//!
//! A code is accepted for its own step and one step either side (clock drift), and never twice:
//! the last accepted step is stored and anything not later is refused.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

/// Step length in seconds.
pub const STEP: i64 = 30;
/// Wrong codes allowed per window before the step is locked for the window.
pub const MAX_FAILURES: i32 = 5;
/// The failure window, in seconds.
pub const WINDOW_SECS: i64 = 300;

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what authenticator apps take).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive, spaces and padding ignored).
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = B32
            .iter()
            .position(|&x| x as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// A new random secret (160 bits), base32.
pub fn new_secret() -> SecretString {
    SecretString::from(base32(&crate::crypto::random_bytes::<20>()))
}

/// The 6-digit code for a time step.
pub fn code_at_step(secret: &SecretString, step: i64) -> Option<String> {
    let key = base32_decode(secret.expose_secret())?;
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    Some(format!("{:06}", bin % 1_000_000))
}

/// The step of a unix time.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP)
}

/// The current code (for tests and the enrolment page's self-check).
pub fn current_code(secret: &SecretString) -> Option<String> {
    code_at_step(
        secret,
        step_of(time::OffsetDateTime::now_utc().unix_timestamp()),
    )
}

/// The step `code` is valid for at `unix` (±1 step), if any, and only if later than `last_step`.
pub fn matching_step(secret: &SecretString, code: &str, unix: i64, last_step: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|s| *s > last_step)
        .find(|s| {
            code_at_step(secret, *s)
                .is_some_and(|c| crate::crypto::constant_time_eq(c.as_bytes(), code.as_bytes()))
        })
}

/// `otpauth://` URI for authenticator apps.
pub fn otpauth_uri(secret: &SecretString, account: &str) -> String {
    let label = crate::cbc::signer::encode(&format!("cbc-portal:{account}"));
    format!(
        "otpauth://totp/{label}?secret={}&issuer=cbc-portal&algorithm=SHA1&digits=6&period=30",
        secret.expose_secret()
    )
}

/// Encodes raw secret bytes for storage helpers.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, secret "12345678901234567890", 8 digits truncated to 6.
        let secret = SecretString::from(base32(b"12345678901234567890"));
        for (t, want8) in [
            (59i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let code = code_at_step(&secret, step_of(t)).expect("code");
            assert_eq!(code, want8[2..], "t={t}");
        }
    }

    #[test]
    fn codes_are_single_use_and_expire() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = code_at_step(&secret, step_of(now)).expect("code");
        let step = matching_step(&secret, &code, now, 0).expect("valid now");
        assert!(
            matching_step(&secret, &code, now, step).is_none(),
            "single use"
        );
        assert!(
            matching_step(&secret, &code, now + 3 * STEP, 0).is_none(),
            "expired"
        );
        assert!(matching_step(&secret, "12345", now, 0).is_none());
        assert_eq!(
            base32_decode(&base32(b"hello world")).as_deref(),
            Some(&b"hello world"[..])
        );
    }
}
