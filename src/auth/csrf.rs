//! CSRF defence, two lines deep, applied to every state-changing request by one middleware:
//!
//! 1. Fetch metadata: a request marked `Sec-Fetch-Site: cross-site`/`same-site`, or (without
//!    that header) carrying a foreign `Origin`, is refused.
//! 2. A synchronizer token: every form carries the session's token in `csrf_token`; the
//!    middleware reads the url-encoded body, compares in constant time and passes the body on.
//!
//! A refusal is a 403 page, a `csrf_rejected` log line, and nothing reaches a handler.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::auth::session::CSRF_KEY;
use crate::crypto::{constant_time_eq, random_token};
use crate::error::AppError;
use crate::state::AppState;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";
/// Largest form body accepted (forms here are small).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The session's CSRF token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await? {
        return Ok(t);
    }
    let t = random_token();
    session.insert(CSRF_KEY, &t).await?;
    Ok(t)
}

/// Replaces the token (at login, so a token seen before login is useless after).
pub async fn rotate(session: &Session) -> Result<String, AppError> {
    let t = random_token();
    session.insert(CSRF_KEY, &t).await?;
    Ok(t)
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
    let expected = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(t)) => t,
        Ok(None) => return reject(&req, "no token in session"),
        Err(e) => return AppError::from(e).into_response(),
    };
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
