//! The HTTP surface: the router, the middleware stack and the pages.

pub mod admin;
pub mod export;
pub mod format;
pub mod headers;
pub mod mfa;
pub mod page;
pub mod paging;
pub mod password;
pub mod portal;
pub mod public;
pub mod urls;

use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::auth::CurrentUser;
use crate::error::{AppError, status_page};
use crate::state::AppState;

/// Builds the whole application.
///
/// Middleware, outermost first: request id + span, timeout, catch-panic, compression, security
/// headers, bare-status pages, session, CSRF. Every route outside [`public`] sits behind the
/// login check, so a new route is private unless it is added to the public router on purpose.
pub fn router(state: AppState) -> Router {
    let s = &state.settings;

    let public = Router::new()
        .route(
            urls::LOGIN,
            get(public::login_form).post(public::login_submit),
        )
        .route(
            urls::SETUP,
            get(public::setup_form).post(public::setup_submit),
        )
        .route("/healthz", get(public::healthz))
        .route("/readyz", get(public::readyz))
        .route("/static/{*path}", get(headers::static_file));

    let private = Router::new()
        .route(urls::LOGOUT, post(public::logout))
        .route("/mfa", get(mfa::form).post(mfa::submit))
        .route("/password", get(password::form).post(password::submit))
        .merge(portal::router())
        .nest(urls::ADMIN, admin::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_login));

    Router::new()
        .merge(public)
        .merge(private)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::verify,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::layer,
        ))
        .layer(middleware::from_fn(bare_status_pages))
        .layer(middleware::from_fn(headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                tracing::error!("handler panicked");
                status_page(StatusCode::INTERNAL_SERVER_ERROR)
            },
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            s.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            s.trust_proxy_hops > 0 || !s.trusted_proxies.is_empty(),
            crate::telemetry::request_id_layer,
        ))
        .with_state(state)
}

/// Sends anonymous requests for private pages to the login page.
async fn require_login(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    {
        Ok(_) => next.run(Request::from_parts(parts, body)).await,
        Err(e) => e.into_response(),
    }
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Gives bare error responses from layers and the router (405, 408, 413, ...) the error page.
async fn bare_status_pages(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if (status.is_client_error() || status.is_server_error())
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        let allow = res.headers().get(header::ALLOW).cloned();
        // A bare 500 comes from a layer, not a handler: in practice the session store, i.e.
        // the database. Say so, rather than "unexpected error".
        let status = if status == StatusCode::INTERNAL_SERVER_ERROR {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            status
        };
        let mut page = status_page(status);
        if let Some(allow) = allow {
            page.headers_mut().insert(header::ALLOW, allow);
        }
        return page;
    }
    res
}

/// Graceful-shutdown grace period for in-flight requests.
pub const DRAIN: Duration = Duration::from_secs(20);
