//! Logging and request ids.
//!
//! Logs are JSON lines wherever a program reads them (files, pipes, containers), so a value
//! carrying `\r\n` cannot forge a second record; a person at a terminal gets readable lines.
//! Every request gets an id (`x-request-id`) generated here; the id is kept in a task-local so
//! error pages can show it without threading it everywhere. An incoming `x-request-id` is never
//! adopted: proxies pass the client's header on, so the client would choose the id that error
//! pages, logs and the audit trail show. Behind configured proxies it is logged alongside, as
//! `forwarded_request_id`, to correlate with the proxy's own logs.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber, in the format asked for or, if none, the one that suits
/// standard output ([`LogFormat::choose`]). Safe to call more than once (later calls are
/// no-ops).
pub fn init(asked: Option<LogFormat>) {
    use std::io::IsTerminal as _;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let terminal = std::io::stdout().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(terminal);
    let _ = match LogFormat::choose(asked, terminal) {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, or `-` outside a request.
pub fn request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

/// Runs `fut` (e.g. a spawned task) under the current request's id.
pub fn with_request_id<F: std::future::Future>(
    fut: F,
) -> impl std::future::Future<Output = F::Output> {
    REQUEST_ID.scope(request_id(), fut)
}

/// Header carrying the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

fn acceptable_id(v: &str) -> bool {
    (8..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware: assigns the request id, opens the request span, echoes the id in the response.
/// `behind_proxy`: whether the settings name proxies in front of the portal.
pub async fn request_id_layer(
    axum::extract::State(behind_proxy): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let forwarded = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| behind_proxy && acceptable_id(v))
        .map(str::to_owned);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        forwarded_request_id = forwarded.as_deref(),
        method = %req.method(),
        path = %req.uri().path(),
    );
    let started = std::time::Instant::now();
    let fut = REQUEST_ID.scope(id.clone(), next.run(req));
    let mut res = tracing::Instrument::instrument(fut, span.clone()).await;
    let status = res.status().as_u16();
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(
                status,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "served"
            );
        } else {
            tracing::debug!(
                status,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "served"
            );
        }
    });
    if let Ok(v) = axum::http::HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    res
}
