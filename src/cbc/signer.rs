//! AK/SK request signing, `SDK-HMAC-SHA256`, exactly as Huawei's official SDK signer does it.
//!
//! One implementation serves both sides: [`sign`] is used by the portal's client and
//! [`verify`] by the sandbox, so the two cannot drift apart. The algorithm is described in
//! `tests/fixtures/cbc-api/README.md` ("Authentication") and pinned by the SDK-produced vectors in
//! `tests/fixtures/cbc-api/signing-vectors.json`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name that starts every `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// SHA-256 of the empty body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const CONTENT_SHA_HEADER: &str = "X-Sdk-Content-Sha256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `X-Sdk-Date` format.
pub const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

/// Formats a UTC instant the way `X-Sdk-Date` wants it.
pub fn format_date(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(DATE_FORMAT)
        .unwrap_or_default()
}

/// Parses an `X-Sdk-Date` value.
pub fn parse_date(s: &str) -> Option<time::OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, DATE_FORMAT)
        .ok()
        .map(|t| t.assume_utc())
}

/// Percent-encodes keeping only `A-Z a-z 0-9 _ . - ~`, upper-case hex, like the SDK.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; malformed escapes are kept as they are. `+` stays a plus.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Canonical URI: each decoded path segment re-encoded, always ending with `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = decode(path);
    let mut uri = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Canonical query: pairs sorted by key then value, each side encoded, joined with `&`.
/// A list value is passed as repeated pairs with the same key.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a raw query string (as received on the wire) into decoded pairs.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_hex(key: &[u8], data: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Everything the signature covers, already in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalParts {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signed_headers: String,
}

/// Builds the canonical request and string to sign. `signed` holds the signed headers as
/// `(lower-case name, trimmed value)`, in any order.
pub fn canonical_parts(
    method: &str,
    path: &str,
    query: &[(String, String)],
    signed: &[(String, String)],
    payload_hash: &str,
    sdk_date: &str,
) -> CanonicalParts {
    let mut headers: Vec<(String, String)> = signed.to_vec();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(path),
        canonical_query(query),
        canonical_headers,
        signed_headers,
        payload_hash
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    CanonicalParts {
        canonical_request,
        string_to_sign,
        signed_headers,
    }
}

/// The outcome of signing: headers to send (in order) and the request URI for the wire.
#[derive(Debug, Clone)]
pub struct Signed {
    /// All headers to send, including `X-Sdk-Date`, `Host` and `Authorization`.
    pub headers: Vec<(String, String)>,
    /// Raw path + `?` + canonical query (the SDK sends the sorted, encoded query).
    pub request_uri: String,
    pub parts: CanonicalParts,
    pub authorization: String,
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Signs a request the way the SDK does. `headers` are the headers present before signing;
/// `sdk_date` is used unless the headers already carry `X-Sdk-Date`.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    method: &str,
    host: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    ak: &str,
    sk: &[u8],
    sdk_date: &str,
) -> Signed {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    if let Some(ct) = header(&headers, "content-type")
        && !ct.starts_with("application/json")
        && !ct.starts_with("application/bson")
    {
        headers.push((CONTENT_SHA_HEADER.to_owned(), UNSIGNED_PAYLOAD.to_owned()));
    }
    if header(&headers, DATE_HEADER).is_none() {
        headers.push((DATE_HEADER.to_owned(), sdk_date.to_owned()));
    }
    if header(&headers, "host").is_none() {
        headers.push(("Host".to_owned(), host.to_owned()));
    }
    let date = header(&headers, DATE_HEADER).unwrap_or(sdk_date).to_owned();
    let signed: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| !k.contains('_'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let payload_hash = payload_hash(body, header(&headers, CONTENT_SHA_HEADER));
    let parts = canonical_parts(method, path, query, &signed, &payload_hash, &date);
    let signature = hmac_hex(sk, parts.string_to_sign.as_bytes());
    let authorization = format!(
        "{ALGORITHM} Access={ak}, SignedHeaders={}, Signature={signature}",
        parts.signed_headers
    );
    headers.push(("Authorization".to_owned(), authorization.clone()));
    let cq = canonical_query(query);
    let request_uri = if cq.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{cq}")
    };
    Signed {
        headers,
        request_uri,
        parts,
        authorization,
    }
}

fn payload_hash(body: &[u8], content_sha: Option<&str>) -> String {
    if body.is_empty() {
        EMPTY_PAYLOAD_SHA256.to_owned()
    } else if let Some(h) = content_sha {
        h.to_owned()
    } else {
        sha256_hex(body)
    }
}

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`.
pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?.trim_start();
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Access" => access = Some(v.trim().to_owned()),
            "SignedHeaders" => signed = Some(v.trim().to_owned()),
            "Signature" => signature = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    let signed_headers: Vec<String> = signed?.split(';').map(str::to_owned).collect();
    Some(Authorization {
        access: access?,
        signed_headers,
        signature: signature?,
    })
}

/// Why a received request's signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing or malformed Authorization header")]
    Malformed,
    #[error("missing or malformed X-Sdk-Date header")]
    BadDate,
    #[error("a signed header is missing from the request")]
    MissingSignedHeader,
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks a received request against `sk`. `headers` are the received headers (any case),
/// `query` the decoded pairs from the wire, `path` the raw path as received.
pub fn verify(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    auth: &Authorization,
    sk: &[u8],
) -> Result<(), VerifyError> {
    let date = header(headers, DATE_HEADER).ok_or(VerifyError::BadDate)?;
    parse_date(date).ok_or(VerifyError::BadDate)?;
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = header(headers, name).ok_or(VerifyError::MissingSignedHeader)?;
        signed.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let payload_hash = payload_hash(body, header(headers, CONTENT_SHA_HEADER));
    let parts = canonical_parts(method, path, query, &signed, &payload_hash, date);
    let expected = hex::decode(&auth.signature).map_err(|_| VerifyError::Mismatch)?;
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(sk).map_err(|_| VerifyError::Mismatch)?;
    mac.update(parts.string_to_sign.as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn query_pairs(v: &Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for pair in v.as_array().into_iter().flatten() {
            let key = pair[0].as_str().unwrap_or_default().to_owned();
            let mut push = |val: &Value| {
                let s = match val {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    other => other.to_string(),
                };
                out.push((key.clone(), s));
            };
            match &pair[1] {
                Value::Array(items) => items.iter().for_each(&mut push),
                other => push(other),
            }
        }
        out
    }

    #[test]
    fn every_sdk_signing_vector_is_reproduced() {
        let raw = include_str!("../../tests/fixtures/cbc-api/signing-vectors.json");
        let doc: Value = serde_json::from_str(raw).expect("vectors parse");
        let ak = doc["credentials"]["ak"].as_str().expect("ak");
        let sk = doc["credentials"]["sk"].as_str().expect("sk");
        let vectors = doc["vectors"].as_array().expect("vectors");
        assert_eq!(vectors.len(), 19);
        for v in vectors {
            let name = v["name"].as_str().unwrap_or("?");
            let input = &v["input"];
            let out = &v["output"];
            let headers: Vec<(String, String)> = input["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            let body = input["body"].as_str().unwrap_or("").as_bytes();
            let query = query_pairs(&input["query"]);
            let signed = sign(
                input["method"].as_str().expect("method"),
                input["host"].as_str().expect("host"),
                input["path"].as_str().expect("path"),
                &query,
                &headers,
                body,
                ak,
                sk.as_bytes(),
                input["x_sdk_date"].as_str().expect("date"),
            );
            assert_eq!(
                signed.parts.canonical_request, out["canonical_request"],
                "{name}: canonical request"
            );
            assert_eq!(signed.parts.string_to_sign, out["string_to_sign"], "{name}");
            assert_eq!(signed.authorization, out["authorization"], "{name}");
            assert_eq!(signed.request_uri, out["request_uri"], "{name}");

            // The sandbox side accepts exactly what the client produced ...
            let (path, raw_query) = signed
                .request_uri
                .split_once('?')
                .unwrap_or((&signed.request_uri, ""));
            let auth = parse_authorization(&signed.authorization).expect("parses");
            let received = parse_query(raw_query);
            verify(
                input["method"].as_str().unwrap_or_default(),
                path,
                &received,
                &signed.headers,
                body,
                &auth,
                sk.as_bytes(),
            )
            .unwrap_or_else(|e| panic!("{name}: verify failed: {e}"));
            // ... and rejects it under another key.
            let method = input["method"].as_str().unwrap_or_default();
            assert_eq!(
                verify(
                    method,
                    path,
                    &received,
                    &signed.headers,
                    body,
                    &auth,
                    b"other"
                ),
                Err(VerifyError::Mismatch),
                "{name}: another key must not verify"
            );
        }
    }

    #[test]
    fn tampered_body_is_rejected() {
        let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let signed = sign(
            "POST",
            "h",
            "/v3/orders/customer-orders/pay",
            &[],
            &headers,
            b"{\"a\":1}",
            "AK",
            b"SK",
            "20240115T093000Z",
        );
        let auth = parse_authorization(&signed.authorization).expect("parses");
        let path = "/v3/orders/customer-orders/pay";
        assert!(
            verify(
                "POST",
                path,
                &[],
                &signed.headers,
                b"{\"a\":1}",
                &auth,
                b"SK"
            )
            .is_ok()
        );
        assert_eq!(
            verify(
                "POST",
                path,
                &[],
                &signed.headers,
                b"{\"a\":2}",
                &auth,
                b"SK"
            ),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn dates_round_trip() {
        let t = parse_date("20240115T093000Z").expect("parses");
        assert_eq!(format_date(t), "20240115T093000Z");
        assert!(parse_date("2024-01-15T09:30:00Z").is_none());
    }
}
