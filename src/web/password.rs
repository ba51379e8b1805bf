//! `/password`: any user changes their own password, and may end their other sessions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::audit::{self, Event, Outcome};
use crate::auth::CurrentUser;
use crate::auth::password::Verified;
use crate::auth::session::{get_auth, set_auth};
use crate::db;
use crate::domain::NewPassword;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::page::{PageContext, flash};
use crate::web::public::FieldErrors;

/// `templates/public/password.html`.
#[derive(Template, WebTemplate)]
#[template(path = "public/password.html")]
pub struct PasswordPage {
    pub ctx: PageContext,
    pub errors: FieldErrors,
    pub end_others: bool,
    /// Where "Cancel" goes: the user's home.
    pub home: &'static str,
}

fn home(user: &CurrentUser) -> &'static str {
    if user.role() == crate::domain::Role::Staff {
        crate::web::urls::ADMIN
    } else {
        crate::web::urls::DASHBOARD
    }
}

pub async fn form(State(state): State<AppState>, user: CurrentUser) -> AppResult<PasswordPage> {
    if user.lacks_second_factor(&state) {
        return Err(AppError::SecondFactorRequired {
            next: Some("/password".to_owned()),
        });
    }
    Ok(PasswordPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "password").await?,
        errors: FieldErrors::default(),
        end_others: true,
        home: home(&user),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: SecretString,
    new: SecretString,
    confirm: SecretString,
    end_others: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    // A password alone must not be enough to lock the staff member out of their own sessions.
    if user.lacks_second_factor(&state) {
        return Err(AppError::Forbidden);
    }
    let end_others = form.end_others.as_deref() == Some("on");
    let mut errors = FieldErrors::default();
    let stored = db::users::password_hash(&state.db, user.id()).await?;
    if !matches!(
        state.hasher.verify(&form.current, stored).await?,
        Verified::Yes { .. }
    ) {
        errors.add("current", "That is not your current password.");
    }
    let new = NewPassword::parse(form.new.clone())
        .map_err(|m| errors.add("new", m))
        .ok();
    if form.new.expose_secret() != form.confirm.expose_secret() {
        errors.add("confirm", "The two new passwords differ.");
    }
    let (Some(new), true) = (new, errors.is_empty()) else {
        let page = PasswordPage {
            ctx: PageContext::new(&state, &user.session, Some(&user), "password").await?,
            errors,
            end_others,
            home: home(&user),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let hash = state.hasher.hash(new.secret()).await?;
    let mut tx = state.db.begin().await?;
    db::users::set_password(&mut *tx, user.id(), &hash).await?;
    let new_epoch = if end_others {
        Some(db::users::bump_session_epoch_returning(&mut *tx, user.id()).await?)
    } else {
        None
    };
    audit::record(
        &mut *tx,
        &user.actor(),
        Event::new(audit::event::PASSWORD_CHANGED, Outcome::Success)
            .resource("user", user.id().to_string())
            .summary(serde_json::json!({ "ended_other_sessions": end_others })),
    )
    .await?;
    tx.commit().await?;
    state.forget_user(user.id()).await;
    // This session carries on under the new epoch; every other one ends.
    let mut auth = get_auth(&user.session)
        .await?
        .ok_or(AppError::LoginRequired { next: None })?;
    if let Some(epoch) = new_epoch {
        auth.epoch = epoch;
    }
    user.session.cycle_id().await?;
    set_auth(&user.session, &auth).await?;
    let msg = if end_others {
        "Your password is changed, and your other sessions are logged out."
    } else {
        "Your password is changed."
    };
    flash(&user.session, "success", msg).await?;
    Ok(Redirect::to(home(&user)).into_response())
}
