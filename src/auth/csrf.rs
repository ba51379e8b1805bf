//! CSRF defence, two lines deep, applied to every state-changing request by one middleware:
//!
//! 1. Fetch metadata: a request marked `Sec-Fetch-Site: cross-site`/`same-site`, or (without
//!    that header) carrying a foreign `Origin`, is refused.
//! 2. A token bound to the session cookie: every form carries, in `csrf_token`, an HMAC of the
//!    cookie's session id under a key derived from the portal's secret key. The middleware reads
//!    the url-encoded body, recomputes the token from the cookie the request carries, compares in
//!    constant time and passes the body on. Nothing is stored: an anonymous visitor's login or
//!    setup form is bound to a cookie that has no row, and the token changes with the id at login.
//!
//! A refusal is a 403 page, a `csrf_rejected` log line, and nothing reaches a handler.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::auth::session::{Session, SessionId};
use crate::crypto::constant_time_eq;
use crate::error::AppError;
use crate::state::AppState;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";
/// Largest form body accepted (forms here are small).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Purpose label of the key the tokens are made with.
const KEY_PURPOSE: &str = "csrf token v1";

/// The token bound to session id `id`.
fn token_for(state: &AppState, id: &SessionId) -> String {
    let key = state.keys.derive_key(KEY_PURPOSE);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("HMAC accepts any key");
    mac.update(id.expose().as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The form token of this request's session (a visitor without a cookie gets one, unstored).
pub async fn token(state: &AppState, session: &Session) -> Result<String, AppError> {
    let id = session.token_binding().await?;
    Ok(token_for(state, &id))
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn origin_ok(req: &Request, public_host: Option<&str>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let origin_host = crate::config::url_host(origin);
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            origin_host.is_some() && (origin_host == host || origin_host == public_host)
        }
    }
}

fn reject(req: &Request, reason: &'static str) -> Response {
    tracing::warn!(reason, method = %req.method(), path = %req.uri().path(), "csrf_rejected");
    AppError::CsrfRejected.into_response()
}

/// Middleware: verifies every non-safe request. Must run inside the session layer.
pub async fn verify(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_safe(req.method()) {
        return next.run(req).await;
    }
    let public_host = crate::config::url_host(&state.settings.public_url).map(str::to_owned);
    if !origin_ok(&req, public_host.as_deref()) {
        return reject(&req, "cross-site request");
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return reject(&req, "no session");
    };
    let Some(id) = session.presented() else {
        return reject(&req, "no session cookie");
    };
    let expected = token_for(&state, id);
    let (parts, body) = req.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let req_for_log = Request::from_parts(parts.clone(), Body::empty());
    if !is_form {
        return reject(&req_for_log, "not a form post");
    }
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => return crate::error::status_page(axum::http::StatusCode::PAYLOAD_TOO_LARGE),
    };
    let sent = form_urlencoded_value(&bytes, FIELD);
    match sent {
        Some(t) if constant_time_eq(t.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => reject(&req_for_log, "missing or wrong token"),
    }
}

/// The first value of `key` in an url-encoded body.
fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}
