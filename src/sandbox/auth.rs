//! Who is calling: an `SDK-HMAC-SHA256` signature checked with the shared signer, or an
//! `X-Auth-Token` derived from the credential (the sandbox has no IAM to issue real tokens).

use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::error::ApiError;
use super::{Credential, SandboxState};
use crate::cbc::signer;

/// How far `X-Sdk-Date` may be from the sandbox clock, like Huawei's gateway.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The `X-Auth-Token` the sandbox accepts for a credential:
/// `sandbox.<AK>.<hex HMAC-SHA256(key = SK, "sandbox-token:" + domain id)>`.
/// Only someone holding the SK can compute it, like a token only IAM can issue.
pub fn token_for(c: &Credential) -> String {
    format!("sandbox.{}.{}", c.ak, token_mac(c))
}

fn token_mac(c: &Credential) -> String {
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(c.sk.expose_secret().as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(format!("sandbox-token:{}", c.domain_id).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The AK a request claims, before verification (for counting and logging).
pub fn claimed_ak(headers: &[(String, String)]) -> Option<String> {
    let h = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some(a) = h("authorization").and_then(signer::parse_authorization) {
        return Some(a.access);
    }
    let tok = h("x-auth-token")?;
    let rest = tok.strip_prefix("sandbox.")?;
    rest.split_once('.').map(|(ak, _)| ak.to_owned())
}

/// Verifies the request; returns the authenticated AK.
#[allow(clippy::too_many_arguments)]
pub fn authenticate(
    st: &SandboxState,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    now: time::OffsetDateTime,
) -> Result<String, ApiError> {
    let h = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some(raw) = h("authorization") {
        let auth = signer::parse_authorization(raw)
            .ok_or_else(|| ApiError::unauthorized("verify aksk signature fail"))?;
        let sk = st
            .sk_of(&auth.access)
            .ok_or_else(|| ApiError::unauthorized("ak not found"))?;
        let date = h(signer::DATE_HEADER)
            .and_then(signer::parse_date)
            .ok_or_else(|| ApiError::unauthorized("x-sdk-date is missing or malformed"))?;
        if (now - date).whole_seconds().abs() > MAX_SKEW_SECS {
            return Err(ApiError::unauthorized(
                "x-sdk-date is more than 15 minutes away from the server time",
            ));
        }
        signer::verify(method, path, query, headers, body, &auth, sk)
            .map_err(|_| ApiError::unauthorized("verify aksk signature fail"))?;
        return Ok(auth.access);
    }
    if let Some(tok) = h("x-auth-token") {
        let ak = claimed_ak(headers).ok_or_else(|| ApiError::unauthorized("token is invalid"))?;
        let cred = st
            .creds
            .get(&ak)
            .ok_or_else(|| ApiError::unauthorized("token is invalid"))?;
        if tok == token_for(cred) {
            return Ok(ak);
        }
        return Err(ApiError::unauthorized("token is invalid"));
    }
    Err(ApiError::unauthorized(
        "the request carries neither Authorization nor X-Auth-Token",
    ))
}
