//! `AppError`: the one error type that knows HTTP.
//!
//! Handlers return `Result<_, AppError>`. Each variant maps to a status and one rendered
//! `templates/error.html` that names what failed and the request id, never internals. The
//! cause chain is logged once, here.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::telemetry;

/// Whether money may have moved when an action failed; shown on the error page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyMoved {
    /// The request was refused before anything changed.
    No,
    /// The outcome is unknown; the portal is confirming it.
    Unknown,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not logged in: send to the login page, then back to `next`.
    #[error("login required")]
    LoginRequired { next: Option<String> },
    #[error("forbidden")]
    Forbidden,
    /// Staff pages need the second factor in this session.
    #[error("second factor required")]
    SecondFactorRequired { next: Option<String> },
    #[error("CSRF check failed")]
    CsrfRejected,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Huawei (or the sandbox) answered with an error or could not be reached.
    #[error("upstream {operation} failed: {message}")]
    Upstream {
        /// What the portal was doing, in words ("Loading your orders").
        operation: String,
        /// A user-facing explanation.
        message: String,
        /// The CBC error code, when there is one.
        code: Option<String>,
        /// Huawei's request id, when there is one.
        upstream_request_id: Option<String>,
        money: MoneyMoved,
        status: StatusCode,
    },
    /// The customer's cloud account cannot be used: its stored SK does not decrypt with the
    /// current key. Staff must enter it again; nothing is asked upstream meanwhile.
    #[error("cloud account {0} has an SK the current key cannot decrypt")]
    CloudAccountUnusable(uuid::Uuid),
    /// A staff user's enrolled second factor does not decrypt with the current key. The factor
    /// is neither skipped nor silently failed: an operator resets it and the user enrols again.
    #[error("the second factor of {email} cannot be decrypted with the current key")]
    SecondFactorUnreadable { email: String },
    /// The database is unreachable.
    #[error("database unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => AppError::Unavailable(anyhow::Error::new(e)),
            other => AppError::Internal(anyhow::Error::new(other).context("database query")),
        }
    }
}

impl From<crate::auth::session::SessionError> for AppError {
    fn from(e: crate::auth::session::SessionError) -> Self {
        use crate::auth::session::SessionError;
        match e {
            // The store is Postgres: a failure there is the database being away.
            SessionError::Store(_) => {
                AppError::Unavailable(anyhow::Error::new(e).context("session store"))
            }
            SessionError::Value(_) => {
                AppError::Internal(anyhow::Error::new(e).context("session store"))
            }
        }
    }
}

/// `templates/error.html`.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
    pub code: Option<String>,
    pub upstream_request_id: Option<String>,
    pub money: Option<MoneyMoved>,
    pub request_id: String,
}

impl ErrorPage {
    /// Renders the page with the given status; falls back to plain text if rendering fails.
    pub fn into_response_with(self, status: StatusCode) -> Response {
        match self.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => (
                status,
                format!("{} (request {})", self.title, self.request_id),
            )
                .into_response(),
        }
    }
}

/// Builds the standard page for a bare status (404 fallback, 405, a 500 from a layer).
pub fn status_page(status: StatusCode) -> Response {
    let (title, message) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "There is nothing at this address. Check the link, or go back to the dashboard.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Method not allowed",
            "This address does not accept that kind of request.",
        ),
        StatusCode::FORBIDDEN => (
            "Not allowed",
            "Your account is not allowed to do this. Ask a portal administrator if you need access.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Request too large",
            "The form you sent is larger than the portal accepts.",
        ),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => (
            "Request timed out",
            "The portal took too long to answer. Try again in a moment.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Temporarily unavailable",
            "The portal cannot reach its database right now. Nothing was changed. Try again in a minute.",
        ),
        _ if status.is_server_error() => (
            "Something went wrong",
            "The portal hit an unexpected error. Nothing was changed. If it keeps happening, give the request id below to your administrator.",
        ),
        _ => (
            "Request not accepted",
            "The portal could not accept this request.",
        ),
    };
    ErrorPage {
        status: status.as_u16(),
        title: title.to_owned(),
        message: message.to_owned(),
        code: None,
        upstream_request_id: None,
        money: None,
        request_id: telemetry::request_id(),
    }
    .into_response_with(status)
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let request_id = telemetry::request_id();
        let page = |status: StatusCode| status_page(status);
        match self {
            AppError::NotFound => page(StatusCode::NOT_FOUND),
            AppError::LoginRequired { next } => {
                let target = match next.filter(|n| crate::web::urls::is_safe_next(n)) {
                    Some(n) => format!("/login?next={}", crate::cbc::signer::encode(&n)),
                    None => "/login".to_owned(),
                };
                Redirect::to(&target).into_response()
            }
            AppError::Forbidden => page(StatusCode::FORBIDDEN),
            AppError::SecondFactorRequired { next } => {
                let target = match next.filter(|n| crate::web::urls::is_safe_next(n)) {
                    Some(n) => format!("/mfa?next={}", crate::cbc::signer::encode(&n)),
                    None => "/mfa".to_owned(),
                };
                Redirect::to(&target).into_response()
            }
            AppError::CsrfRejected => ErrorPage {
                status: 403,
                title: "Form expired".to_owned(),
                message: "This form could not be verified (it may be old, or sent from another site). Nothing was changed. Go back, reload the page and try again.".to_owned(),
                code: None,
                upstream_request_id: None,
                money: Some(MoneyMoved::No),
                request_id,
            }
            .into_response_with(StatusCode::FORBIDDEN),
            AppError::BadRequest(message) => ErrorPage {
                status: 400,
                title: "Request not accepted".to_owned(),
                message,
                code: None,
                upstream_request_id: None,
                money: None,
                request_id,
            }
            .into_response_with(StatusCode::BAD_REQUEST),
            AppError::TooManyRequests { retry_after_secs } => {
                let mut res = ErrorPage {
                    status: 429,
                    title: "Too many requests".to_owned(),
                    message: format!(
                        "You are going faster than the portal allows. Wait {retry_after_secs} seconds and try again."
                    ),
                    code: None,
                    upstream_request_id: None,
                    money: None,
                    request_id,
                }
                .into_response_with(StatusCode::TOO_MANY_REQUESTS);
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
                res
            }
            AppError::Upstream {
                operation,
                message,
                code,
                upstream_request_id,
                money,
                status,
            } => {
                tracing::warn!(%operation, code = code.as_deref().unwrap_or("-"), upstream_request_id = upstream_request_id.as_deref().unwrap_or("-"), "upstream call failed");
                ErrorPage {
                    status: status.as_u16(),
                    title: format!("{operation} failed"),
                    message,
                    code,
                    upstream_request_id,
                    money: Some(money),
                    request_id,
                }
                .into_response_with(status)
            }
            AppError::CloudAccountUnusable(account) => {
                tracing::warn!(%account, "cloud account SK cannot be decrypted with the current key; no upstream call made");
                ErrorPage {
                    status: 503,
                    title: "Cloud account unavailable".to_owned(),
                    message: "The portal cannot use your organisation's cloud account right now: its stored access key cannot be read with the portal's current encryption key. Nothing was asked of Huawei Cloud and nothing was changed. A portal administrator has to enter the account's secret key again; tell your administrator if this lasts.".to_owned(),
                    code: None,
                    upstream_request_id: None,
                    money: Some(MoneyMoved::No),
                    request_id,
                }
                .into_response_with(StatusCode::SERVICE_UNAVAILABLE)
            }
            AppError::SecondFactorUnreadable { email } => {
                tracing::warn!(%email, "staff second factor cannot be decrypted with the current key");
                ErrorPage {
                    status: 409,
                    title: "Second factor cannot be read".to_owned(),
                    message: format!(
                        "Your authenticator was set up under a different encryption key than the one the portal runs with now (PORTAL_SECRET_KEY changed), so your codes cannot be checked. Staff pages stay closed until it is reset: someone with access to the server runs cbc-portal user reset-second-factor --email {email} and your next login sets up a new authenticator. Restoring the previous key also works."
                    ),
                    code: None,
                    upstream_request_id: None,
                    money: None,
                    request_id,
                }
                .into_response_with(StatusCode::CONFLICT)
            }
            AppError::Unavailable(e) => {
                tracing::error!(error = format!("{e:#}"), "database unavailable");
                page(StatusCode::SERVICE_UNAVAILABLE)
            }
            AppError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                page(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl AppError {
    /// An upstream failure while reading (nothing can have changed).
    pub fn upstream_read(operation: &str, e: crate::cbc::CbcError) -> Self {
        Self::from_cbc(operation, e, false)
    }

    /// An upstream failure of an action; money may have moved when the outcome is ambiguous.
    pub fn upstream_action(operation: &str, e: crate::cbc::CbcError) -> Self {
        Self::from_cbc(operation, e, true)
    }

    fn from_cbc(operation: &str, e: crate::cbc::CbcError, is_action: bool) -> Self {
        use crate::cbc::CbcError as E;
        let status = match &e {
            E::Throttled { .. } | E::Busy { .. } | E::CircuitOpen { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            E::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            E::Upstream { http_status, .. } if *http_status < 500 => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            _ => StatusCode::BAD_GATEWAY,
        };
        let money = if is_action && e.outcome_is_ambiguous() {
            MoneyMoved::Unknown
        } else {
            MoneyMoved::No
        };
        let code = Some(e.error_code().to_owned()).filter(|c| !c.is_empty());
        AppError::Upstream {
            operation: operation.to_owned(),
            message: e.user_message(),
            code,
            upstream_request_id: e.request_id().map(str::to_owned),
            money,
            status,
        }
    }
}

/// Result alias for handlers.
pub type AppResult<T> = Result<T, AppError>;
