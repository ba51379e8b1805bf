//! Security headers on every response, and the embedded static files.

use axum::extract::{Path, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The Content-Security-Policy: same-origin resources only, no inline script or style.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
    form-action 'self'";

/// Middleware: adds the security headers; private responses are never cached.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(
        h,
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=31536000; includeSubDomains",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !is_static {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

struct StaticFile {
    path: &'static str,
    mime: &'static str,
    body: &'static str,
}

const FILES: &[StaticFile] = &[
    StaticFile {
        path: "css/app.css",
        mime: "text/css; charset=utf-8",
        body: include_str!("../../static/css/app.css"),
    },
    StaticFile {
        path: "img/logo.svg",
        mime: "image/svg+xml",
        body: include_str!("../../static/img/logo.svg"),
    },
];

/// Serves files from `static/`, embedded at build time so the binary is self-contained.
pub async fn static_file(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|f| f.path == path) {
        Some(f) => (
            [
                (header::CONTENT_TYPE, f.mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            f.body,
        )
            .into_response(),
        None => crate::error::status_page(StatusCode::NOT_FOUND),
    }
}
