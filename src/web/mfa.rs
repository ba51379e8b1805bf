//! The staff second factor: enrol a TOTP authenticator, then give a code after every login.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;

use crate::audit::{self, Event, Outcome};
use crate::auth::CurrentUser;
use crate::auth::session::{get_auth, set_auth, unix_now};
use crate::auth::totp;
use crate::crypto::Sealed;
use crate::db;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::page::PageContext;
use crate::web::urls;

/// `templates/public/mfa.html`.
#[derive(Template, WebTemplate)]
#[template(path = "public/mfa.html")]
pub struct MfaPage {
    pub ctx: PageContext,
    /// Set while enrolling: the secret to add to an authenticator app, and its URI.
    pub enrol: Option<(String, String)>,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The user's TOTP secret, creating a pending one for enrolment when there is none. An enrolled
/// secret the current key cannot open is a 409 that says how to reset it: the factor is never
/// skipped. A pending one that cannot be opened is simply replaced (nothing was confirmed yet).
async fn secret_for(state: &AppState, user: &CurrentUser) -> AppResult<(SecretString, bool)> {
    let row = db::users::totp(&state.db, user.id())
        .await?
        .ok_or(AppError::NotFound)?;
    let enrolled = row.totp_enabled_at.is_some();
    if let (Some(nonce), Some(ciphertext)) = (row.totp_nonce, row.totp_ciphertext) {
        let sealed = Sealed {
            nonce,
            ciphertext,
            key_id: state.keys.key_id().to_owned(),
        };
        match state.keys.open(&sealed, user.id().as_bytes()) {
            Ok(secret) => return Ok((secret, enrolled)),
            Err(_) if enrolled => {
                return Err(AppError::SecondFactorUnreadable {
                    email: user.user.email.clone(),
                });
            }
            Err(_) => {}
        }
    }
    let secret = totp::new_secret();
    let sealed = state.keys.seal(&secret, user.id().as_bytes())?;
    db::users::set_pending_totp(&state.db, user.id(), &sealed.nonce, &sealed.ciphertext).await?;
    Ok((secret, false))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    next: String,
    error: Option<String>,
) -> AppResult<MfaPage> {
    let (secret, enrolled) = secret_for(state, user).await?;
    let enrol = (!enrolled).then(|| {
        use secrecy::ExposeSecret;
        (
            secret.expose_secret().to_owned(),
            totp::otpauth_uri(&secret, &user.user.email),
        )
    });
    Ok(MfaPage {
        ctx: PageContext::new(state, &user.session, Some(user), "mfa").await?,
        enrol,
        next,
        error,
    })
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if user.role() != Role::Staff || user.mfa {
        return Ok(Redirect::to(urls::ADMIN).into_response());
    }
    Ok(page(&state, &user, urls::safe_next(q.next), None)
        .await?
        .into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    if user.role() != Role::Staff {
        return Err(AppError::Forbidden);
    }
    let next = urls::safe_next(form.next);
    let row = db::users::totp(&state.db, user.id())
        .await?
        .ok_or(AppError::NotFound)?;
    let locked = row.totp_failures >= totp::MAX_FAILURES
        && row.totp_window_start.is_some_and(|w| {
            (time::OffsetDateTime::now_utc() - w).whole_seconds() < totp::WINDOW_SECS
        });
    if locked {
        return Err(AppError::TooManyRequests {
            retry_after_secs: totp::WINDOW_SECS as u64,
        });
    }
    let (secret, _) = secret_for(&state, &user).await?;
    let step = totp::matching_step(&secret, &form.code, unix_now(), row.totp_last_step);
    let accepted = match step {
        Some(s) => db::users::accept_totp_step(&state.db, user.id(), s).await?,
        None => false,
    };
    if !accepted {
        db::users::totp_failure(&state.db, user.id(), totp::WINDOW_SECS).await?;
        audit::record(
            &state.db,
            &user.actor(),
            Event::new(audit::event::MFA_FAILED, Outcome::Failure),
        )
        .await?;
        let p = page(
            &state,
            &user,
            next,
            Some("That code is not valid. Enter the current 6-digit code from your authenticator app.".to_owned()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let mut auth = get_auth(&user.session)
        .await?
        .ok_or(AppError::LoginRequired { next: None })?;
    auth.mfa = true;
    // A privilege change: the session gets a new id.
    user.session.cycle_id().await?;
    set_auth(&user.session, &auth).await?;
    state.forget_user(user.id()).await;
    audit::record(
        &state.db,
        &user.actor(),
        Event::new(audit::event::MFA_VERIFIED, Outcome::Success),
    )
    .await?;
    let target = if next.is_empty() {
        urls::ADMIN.to_owned()
    } else {
        next
    };
    Ok(Redirect::to(&target).into_response())
}
