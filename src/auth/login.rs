//! Logging in and out, and the one-time setup of the first staff user.

use secrecy::SecretString;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::password::Verified;
use crate::auth::session::{AuthData, Session, set_auth, unix_now};
use crate::crypto;
use crate::db;
use crate::domain::Email;
use crate::error::AppError;
use crate::state::AppState;

/// How a login attempt ended.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    LoggedIn,
    /// Unknown user, wrong password or disabled user: all look the same.
    Invalid,
    /// Too many failures for this e-mail address inside the window, whether or not a user
    /// has it.
    AccountLocked,
    /// Too many failed attempts from this address.
    IpThrottled,
}

/// The key failures of an e-mail address without a user are counted under.
fn unknown_email_key(raw_email: &str) -> Vec<u8> {
    crypto::token_hash(&raw_email.trim().to_lowercase())
}

/// Checks the credentials and, on success, rotates the session id and the CSRF token.
///
/// Limits: each attempt takes one unit of the client address's budget, given back when the
/// login succeeds, so only failures add up. Failures per e-mail address lock it for a window
/// at the threshold, for known, disabled and unknown addresses alike, so the answers never
/// tell which addresses have a user.
pub async fn login(
    state: &AppState,
    session: &Session,
    raw_email: &str,
    password: &SecretString,
    ip: Option<String>,
) -> Result<LoginOutcome, AppError> {
    let s = &state.settings;
    let window = s.login_window.as_secs() as i64;
    let mut ip_slot = None;
    if let Some(ip) = &ip {
        let (n, window_start) = db::throttle::reserve_ip(&state.db, ip, window).await?;
        if n > s.login_ip_max {
            tracing::warn!(%ip, "login throttled for address");
            return Ok(LoginOutcome::IpThrottled);
        }
        ip_slot = Some((ip.clone(), window_start));
    }
    let email = Email::parse(raw_email).ok();
    let creds = match &email {
        Some(e) => db::users::credentials_by_email(&state.db, e.as_str()).await?,
        None => None,
    };
    let now = time::OffsetDateTime::now_utc();
    let locked = match &creds {
        Some(c) => c.locked_until.is_some_and(|until| until > now),
        None => db::throttle::email_locked(&state.db, &unknown_email_key(raw_email)).await?,
    };
    let usable_hash = creds
        .as_ref()
        .filter(|c| c.disabled_at.is_none() && !locked)
        .map(|c| c.password_hash.clone());
    // Always one argon2 verification, so timing does not tell users apart.
    let verified = state.hasher.verify(password, usable_hash).await?;
    let actor = Actor {
        email: email.as_ref().map(|e| e.to_string()),
        source_ip: ip.clone(),
        user_id: creds.as_ref().map(|c| c.id),
        ..Actor::default()
    };
    if locked {
        audit::record(
            &state.db,
            &actor,
            Event::new(audit::event::LOGIN_FAILED, Outcome::Denied)
                .summary(serde_json::json!({ "reason": "locked" })),
        )
        .await?;
        return Ok(LoginOutcome::AccountLocked);
    }
    let (Some(creds), Verified::Yes { rehash }) = (&creds, verified) else {
        let mut tx = state.db.begin().await?;
        match &creds {
            // Disabled users count too: they must lock exactly like everyone else.
            Some(c) => {
                db::users::record_login_failure(&mut *tx, c.id, window, s.login_max_failures)
                    .await?
            }
            None => {
                db::throttle::record_email_failure(
                    &mut *tx,
                    &unknown_email_key(raw_email),
                    window,
                    s.login_max_failures,
                )
                .await?
            }
        }
        audit::record(
            &mut *tx,
            &actor,
            Event::new(audit::event::LOGIN_FAILED, Outcome::Failure),
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Invalid);
    };
    let user = db::users::by_id(&state.db, creds.id)
        .await?
        .ok_or(AppError::Internal(anyhow::anyhow!(
            "user vanished during login"
        )))?;
    let mut tx = state.db.begin().await?;
    if let Some(hash) = rehash {
        db::users::set_password(&mut *tx, user.id, &hash).await?;
    }
    db::users::record_login_success(&mut *tx, user.id).await?;
    if let Some((ip, window_start)) = &ip_slot {
        db::throttle::refund_ip(&mut *tx, ip, *window_start).await?;
    }
    audit::record(
        &mut *tx,
        &Actor {
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            cloud_account_id: user.cloud_account_id,
            source_ip: ip,
        },
        Event::new(audit::event::LOGIN, Outcome::Success),
    )
    .await?;
    tx.commit().await?;
    session.cycle_id().await?;
    let now = unix_now();
    set_auth(
        session,
        &AuthData {
            user_id: user.id,
            epoch: user.session_epoch,
            auth_at: now,
            last_seen: now,
            mfa: false,
        },
    )
    .await?;
    state.forget_user(user.id).await;
    Ok(LoginOutcome::LoggedIn)
}

/// Ends the session server-side.
pub async fn logout(state: &AppState, user: &crate::auth::CurrentUser) -> Result<(), AppError> {
    audit::record(
        &state.db,
        &user.actor(),
        Event::new(audit::event::LOGOUT, Outcome::Success),
    )
    .await?;
    user.session.flush().await?;
    Ok(())
}

/// If no staff user exists, creates a one-time setup token and returns its link.
pub async fn ensure_setup_link(state: &AppState) -> anyhow::Result<Option<String>> {
    if db::users::count_staff(&state.db).await? > 0 {
        return Ok(None);
    }
    let token = crypto::random_token();
    db::setup::insert(&state.db, &crypto::token_hash(&token)).await?;
    Ok(Some(format!(
        "{}/setup?token={token}",
        state.settings.public_url
    )))
}
