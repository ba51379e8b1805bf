//! Pages anyone can reach: login, first-run setup, health. And logout.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::CurrentUser;
use crate::auth::extract::ClientIp;
use crate::auth::login::{self, LoginOutcome};
use crate::auth::session::Session;
use crate::crypto;
use crate::db;
use crate::domain::{Email, NewPassword, Role, parse_display_name};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::page::{Flash, PageContext};
use crate::web::urls;

/// `templates/public/login.html`.
#[derive(Template, WebTemplate)]
#[template(path = "public/login.html")]
pub struct LoginPage {
    pub ctx: PageContext,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Set by the setup page: the first staff account was just created.
    ready: Option<String>,
}

/// Where setup sends the new staff user. Said in the URL rather than a flash message: an
/// anonymous visitor has no stored session to carry one.
const LOGIN_AFTER_SETUP: &str = "/login?ready";

pub async fn login_form(
    State(state): State<AppState>,
    session: Session,
    user: Option<CurrentUser>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(urls::DASHBOARD).into_response());
    }
    let mut ctx = PageContext::new(&state, &session, None, "login").await?;
    if q.ready.is_some() {
        ctx.flash.push(Flash {
            kind: "success".to_owned(),
            message: "Your staff account is ready. Log in to continue.".to_owned(),
        });
    }
    Ok(LoginPage {
        ctx,
        email: String::new(),
        next: urls::safe_next(q.next),
        error: None,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: SecretString,
    next: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let outcome = login::login(&state, &session, &form.email, &form.password, ip).await?;
    let next = urls::safe_next(form.next);
    let (status, error) = match outcome {
        LoginOutcome::LoggedIn => {
            crate::metrics::session_created();
            let user = crate::auth::session::get_auth(&session)
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session lost at login")))?;
            let is_staff = db::users::by_id(&state.db, user.user_id)
                .await?
                .is_some_and(|u| u.role() == Role::Staff);
            let target = match (next.is_empty(), is_staff && state.settings.staff_mfa) {
                (false, true) => format!("/mfa?next={}", crate::cbc::signer::encode(&next)),
                (false, false) => next,
                (true, true) => "/mfa".to_owned(),
                (true, false) if is_staff => urls::ADMIN.to_owned(),
                (true, false) => urls::DASHBOARD.to_owned(),
            };
            return Ok(Redirect::to(&target).into_response());
        }
        LoginOutcome::Invalid => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That e-mail and password do not match an active account.",
        ),
        LoginOutcome::AccountLocked | LoginOutcome::IpThrottled => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator to reset your password.",
        ),
    };
    let page = LoginPage {
        ctx: PageContext::new(&state, &session, None, "login").await?,
        email: form.email.trim().to_owned(),
        next,
        error: Some(error.to_owned()),
    };
    Ok((status, page).into_response())
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    login::logout(&state, &user).await?;
    Ok((
        [(
            header::HeaderName::from_static("clear-site-data"),
            "\"cache\", \"cookies\", \"storage\"",
        )],
        Redirect::to(urls::LOGIN),
    )
        .into_response())
}

/// `templates/public/setup.html`.
#[derive(Template, WebTemplate)]
#[template(path = "public/setup.html")]
pub struct SetupPage {
    pub ctx: PageContext,
    pub token: String,
    pub email: String,
    pub display_name: String,
    pub errors: FieldErrors,
}

/// Messages shown next to form fields.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, msg: impl Into<String>) {
        self.0.push((field, msg.into()));
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn setup_token_valid(state: &AppState, token: &str) -> AppResult<bool> {
    Ok(!token.is_empty()
        && token.len() <= 128
        && db::setup::is_valid(&state.db, &crypto::token_hash(token)).await?)
}

pub async fn setup_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    if !setup_token_valid(&state, &token).await? {
        return Err(AppError::NotFound);
    }
    Ok(SetupPage {
        ctx: PageContext::new(&state, &session, None, "setup").await?,
        token,
        email: String::new(),
        display_name: String::new(),
        errors: FieldErrors::default(),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    email: String,
    display_name: String,
    password: SecretString,
    password_confirm: SecretString,
}

pub async fn setup_submit(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    use secrecy::ExposeSecret;
    if !setup_token_valid(&state, &form.token).await? {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = parse_display_name(&form.display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let password = NewPassword::parse(form.password.clone())
        .map_err(|m| errors.add("password", m))
        .ok();
    if form.password.expose_secret() != form.password_confirm.expose_secret() {
        errors.add("password_confirm", "The two passwords differ.");
    }
    let (Some(email), Some(name), Some(password), true) =
        (email, name, password, errors.is_empty())
    else {
        let page = SetupPage {
            ctx: PageContext::new(&state, &session, None, "setup").await?,
            token: form.token,
            email: form.email,
            display_name: form.display_name,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let hash = state.hasher.hash(password.secret()).await?;
    let mut tx = state.db.begin().await?;
    if !db::setup::consume(&mut *tx, &crypto::token_hash(&form.token)).await? {
        return Err(AppError::NotFound);
    }
    let id = db::users::insert(
        &mut *tx,
        &db::users::NewUser {
            email: email.as_str(),
            display_name: &name,
            password_hash: &hash,
            role: Role::Staff,
            cloud_account_id: None,
        },
    )
    .await?;
    db::setup::consume_all(&mut *tx).await?;
    audit::record(
        &mut *tx,
        &Actor {
            user_id: Some(id),
            email: Some(email.to_string()),
            ..Actor::default()
        },
        Event::new(audit::event::SETUP, Outcome::Success).resource("user", id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(LOGIN_AFTER_SETUP).into_response())
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>, _h: HeaderMap) -> Response {
    let check = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.db),
    )
    .await;
    match check {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}
