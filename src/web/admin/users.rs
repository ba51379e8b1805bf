//! Staff pages for portal users: the list, create, edit (name, role, cloud account),
//! disable/enable, password reset and ending a user's sessions.
//!
//! Every change and its audit row commit in one transaction. Anything that should log the
//! user out (disable, reset, end sessions, a new role or account) bumps the user's session
//! epoch and drops the cached user, so their next request finds the session ended.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{AccountOption, Pager, account_options, fmt_utc, offset, pager, parse_id, parse_page};
use crate::audit::{self, Event, Outcome};
use crate::auth::{CurrentUser, Staff};
use crate::db;
use crate::db::users::User;
use crate::domain::{Email, NewPassword, Role, parse_display_name};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::page::{PageContext, flash};
use crate::web::public::FieldErrors;
use crate::web::urls;

/// Users a page of the list.
pub const PER_PAGE: i64 = 25;

/// One row of the user list.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub href: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub account: String,
    pub disabled: bool,
    pub last_login: String,
}

/// `templates/admin/users/list.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/users/list.html")]
pub struct UserListPage {
    pub ctx: PageContext,
    pub q: String,
    pub rows: Vec<UserRow>,
    pub pager: Pager,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

/// Account names by id, for showing users' accounts.
async fn account_names(state: &AppState) -> AppResult<Vec<AccountOption>> {
    account_options(state).await
}

fn account_name(accounts: &[AccountOption], id: Option<Uuid>) -> String {
    match id {
        None => String::new(),
        Some(id) => {
            let id = id.to_string();
            accounts
                .iter()
                .find(|a| a.id == id)
                .map_or(id, |a| a.name.clone())
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<ListQuery>,
) -> AppResult<UserListPage> {
    let q: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let page = parse_page(query.page.as_deref());
    let (users, total) = db::users::search(&state.db, &q, PER_PAGE, offset(page, PER_PAGE)).await?;
    let accounts = account_names(&state).await?;
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            href: urls::admin_user(u.id),
            account: account_name(&accounts, u.cloud_account_id),
            disabled: u.disabled_at.is_some(),
            last_login: u.last_login_at.map(fmt_utc).unwrap_or_default(),
            email: u.email,
            display_name: u.display_name,
            role: u.role,
        })
        .collect();
    Ok(UserListPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "users").await?,
        pager: pager(
            urls::ADMIN_USERS,
            &[("q", q.clone())],
            page,
            PER_PAGE,
            total,
        ),
        q,
        rows,
    })
}

/// Values of the create form as typed (re-shown after a mistake; never the password).
#[derive(Debug, Clone, Default)]
pub struct NewUserValues {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub cloud_account_id: String,
}

/// `templates/admin/users/new.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/users/new.html")]
pub struct UserNewPage {
    pub ctx: PageContext,
    pub form: NewUserValues,
    pub accounts: Vec<AccountOption>,
    pub roles: [Role; 3],
    pub errors: FieldErrors,
}

pub async fn new_form(State(state): State<AppState>, Staff(user): Staff) -> AppResult<UserNewPage> {
    Ok(UserNewPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "users").await?,
        form: NewUserValues {
            role: Role::Viewer.as_str().to_owned(),
            ..NewUserValues::default()
        },
        accounts: account_options(&state).await?,
        roles: Role::ALL,
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    cloud_account_id: String,
    password: Option<SecretString>,
}

/// Checks a role and cloud-account choice together: customers need an existing account, staff
/// must have none.
async fn parse_role_and_account(
    state: &AppState,
    role: &str,
    account: &str,
    errors: &mut FieldErrors,
) -> AppResult<Option<(Role, Option<Uuid>)>> {
    let Some(role) = Role::parse(role) else {
        errors.add("role", "Choose a role.");
        return Ok(None);
    };
    let account = account.trim();
    if !role.needs_cloud_account() {
        if !account.is_empty() {
            errors.add(
                "cloud_account_id",
                "Staff users do not belong to a cloud account; leave this empty.",
            );
            return Ok(None);
        }
        return Ok(Some((role, None)));
    }
    let found = match Uuid::parse_str(account) {
        Ok(id) => db::accounts::by_id(&state.db, id).await?.map(|a| a.id),
        Err(_) => None,
    };
    match found {
        Some(id) => Ok(Some((role, Some(id)))),
        None => {
            errors.add(
                "cloud_account_id",
                "Choose the cloud account this viewer or manager belongs to.",
            );
            Ok(None)
        }
    }
}

/// The audit actor for a staff change to `target_account`'s user: the staff user, with the
/// cloud account the change concerns, so the trail can be filtered by account.
fn actor_for(staff: &CurrentUser, target_account: Option<Uuid>) -> audit::Actor {
    let mut actor = staff.actor();
    actor.cloud_account_id = target_account;
    actor
}

pub async fn create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<CreateForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = parse_display_name(&form.display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let role_account =
        parse_role_and_account(&state, &form.role, &form.cloud_account_id, &mut errors).await?;
    let password = NewPassword::parse(form.password.unwrap_or_else(|| SecretString::from("")))
        .map_err(|m| errors.add("password", m))
        .ok();
    let values = NewUserValues {
        email: form.email.trim().to_owned(),
        display_name: form.display_name,
        role: form.role,
        cloud_account_id: form.cloud_account_id,
    };
    let (Some(email), Some(name), Some((role, account)), Some(password), true) =
        (email, name, role_account, password, errors.is_empty())
    else {
        return new_page_with_errors(&state, &user, values, errors).await;
    };
    let hash = state.hasher.hash(password.secret()).await?;
    let mut tx = state.db.begin().await?;
    let inserted = db::users::insert(
        &mut *tx,
        &db::users::NewUser {
            email: email.as_str(),
            display_name: &name,
            password_hash: &hash,
            role,
            cloud_account_id: account,
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            drop(tx);
            errors.add("email", "A user with this e-mail address already exists.");
            return new_page_with_errors(&state, &user, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &actor_for(&user, account),
        Event::new(audit::event::USER_CREATED, Outcome::Success)
            .resource("user", id.to_string())
            .summary(json!({
                "email": email.as_str(),
                "display_name": name,
                "role": role.as_str(),
                "cloud_account_id": account,
            })),
    )
    .await?;
    tx.commit().await?;
    flash(&user.session, "success", format!("User {email} created.")).await?;
    Ok(Redirect::to(&urls::admin_user(id)).into_response())
}

async fn new_page_with_errors(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserValues,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = UserNewPage {
        ctx: PageContext::new(state, &user.session, Some(user), "users").await?,
        form,
        accounts: account_options(state).await?,
        roles: Role::ALL,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A user as the edit page shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub id: String,
    pub href: String,
    pub email: String,
    pub role: String,
    pub account: String,
    pub disabled: bool,
    pub disabled_at: String,
    pub last_login: String,
    pub created: String,
}

/// Values of the profile form.
#[derive(Debug, Clone, Default)]
pub struct ProfileValues {
    pub display_name: String,
    pub role: String,
    pub cloud_account_id: String,
}

/// `templates/admin/users/edit.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/users/edit.html")]
pub struct UserEditPage {
    pub ctx: PageContext,
    pub user: UserView,
    pub form: ProfileValues,
    pub accounts: Vec<AccountOption>,
    pub roles: [Role; 3],
    pub errors: FieldErrors,
    /// The page shows the signed-in staff user themself.
    pub is_self: bool,
}

async fn load(state: &AppState, raw_id: &str) -> AppResult<User> {
    let id = parse_id(raw_id)?;
    db::users::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn edit_page(
    state: &AppState,
    staff: &CurrentUser,
    target: &User,
    form: Option<ProfileValues>,
    errors: FieldErrors,
) -> AppResult<UserEditPage> {
    let accounts = account_options(state).await?;
    let form = form.unwrap_or_else(|| ProfileValues {
        display_name: target.display_name.clone(),
        role: target.role.clone(),
        cloud_account_id: target
            .cloud_account_id
            .map(|a| a.to_string())
            .unwrap_or_default(),
    });
    Ok(UserEditPage {
        ctx: PageContext::new(state, &staff.session, Some(staff), "users").await?,
        user: UserView {
            id: target.id.to_string(),
            href: urls::admin_user(target.id),
            email: target.email.clone(),
            role: target.role.clone(),
            account: account_name(&accounts, target.cloud_account_id),
            disabled: target.disabled_at.is_some(),
            disabled_at: target.disabled_at.map(fmt_utc).unwrap_or_default(),
            last_login: target.last_login_at.map(fmt_utc).unwrap_or_default(),
            created: fmt_utc(target.created_at),
        },
        form,
        accounts,
        roles: Role::ALL,
        errors,
        is_self: target.id == staff.id(),
    })
}

async fn unprocessable(
    state: &AppState,
    staff: &CurrentUser,
    target: &User,
    form: Option<ProfileValues>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = edit_page(state, staff, target, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<UserEditPage> {
    let target = load(&state, &id).await?;
    edit_page(&state, &user, &target, None, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    cloud_account_id: String,
}

pub async fn update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let target = load(&state, &id).await?;
    let mut errors = FieldErrors::default();
    let name = parse_display_name(&form.display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let role_account =
        parse_role_and_account(&state, &form.role, &form.cloud_account_id, &mut errors).await?;
    if target.id == user.id() && role_account.is_some_and(|(r, _)| r != Role::Staff) {
        errors.add("role", "You cannot remove your own staff role.");
    }
    let values = ProfileValues {
        display_name: form.display_name,
        role: form.role,
        cloud_account_id: form.cloud_account_id,
    };
    let (Some(name), Some((role, account)), true) = (name, role_account, errors.is_empty()) else {
        return unprocessable(&state, &user, &target, Some(values), errors).await;
    };

    let mut tx = state.db.begin().await?;
    let current = db::users::by_id_for_update(&mut *tx, target.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut changes = serde_json::Map::new();
    if current.display_name != name {
        changes.insert(
            "display_name".into(),
            json!({ "from": current.display_name, "to": name }),
        );
    }
    if current.role() != role {
        changes.insert(
            "role".into(),
            json!({ "from": current.role, "to": role.as_str() }),
        );
    }
    if current.cloud_account_id != account {
        changes.insert(
            "cloud_account_id".into(),
            json!({ "from": current.cloud_account_id, "to": account }),
        );
    }
    if changes.is_empty() {
        drop(tx);
        flash(&user.session, "info", "Nothing changed.").await?;
        return Ok(Redirect::to(&urls::admin_user(target.id)).into_response());
    }
    db::users::update_profile(&mut *tx, target.id, &name, role, account).await?;
    let sessions_ended = changes.contains_key("role") || changes.contains_key("cloud_account_id");
    audit::record(
        &mut *tx,
        &actor_for(&user, account.or(current.cloud_account_id)),
        Event::new(audit::event::USER_UPDATED, Outcome::Success)
            .resource("user", target.id.to_string())
            .summary(json!({
                "email": current.email,
                "changes": changes,
                "sessions_ended": sessions_ended,
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_user(target.id).await;
    let msg = if sessions_ended {
        format!("{} updated; their sessions were ended.", current.email)
    } else {
        format!("{} updated.", current.email)
    };
    flash(&user.session, "success", msg).await?;
    Ok(Redirect::to(&urls::admin_user(target.id)).into_response())
}

/// Disables a user and ends their sessions at once.
pub async fn disable(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let target = load(&state, &id).await?;
    if target.id == user.id() {
        let mut errors = FieldErrors::default();
        errors.add("status", "You cannot disable your own account.");
        return unprocessable(&state, &user, &target, None, errors).await;
    }
    set_disabled(&state, &user, &target, true).await
}

/// Enables a disabled user again (they log in anew).
pub async fn enable(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let target = load(&state, &id).await?;
    set_disabled(&state, &user, &target, false).await
}

async fn set_disabled(
    state: &AppState,
    staff: &CurrentUser,
    target: &User,
    disabled: bool,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let current = db::users::by_id_for_update(&mut *tx, target.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.disabled_at.is_some() == disabled {
        drop(tx);
        let msg = if disabled {
            "That user is already disabled."
        } else {
            "That user is already enabled."
        };
        flash(&staff.session, "info", msg).await?;
        return Ok(Redirect::to(&urls::admin_user(target.id)).into_response());
    }
    db::users::set_disabled(&mut *tx, target.id, disabled).await?;
    let event = if disabled {
        audit::event::USER_DISABLED
    } else {
        audit::event::USER_ENABLED
    };
    audit::record(
        &mut *tx,
        &actor_for(staff, current.cloud_account_id),
        Event::new(event, Outcome::Success)
            .resource("user", target.id.to_string())
            .summary(json!({ "email": current.email, "sessions_ended": disabled })),
    )
    .await?;
    tx.commit().await?;
    state.forget_user(target.id).await;
    let msg = if disabled {
        format!("{} is disabled; their sessions were ended.", current.email)
    } else {
        format!("{} is enabled again.", current.email)
    };
    flash(&staff.session, "success", msg).await?;
    Ok(Redirect::to(&urls::admin_user(target.id)).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: Option<SecretString>,
}

/// Sets a new password chosen by staff and ends the user's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let target = load(&state, &id).await?;
    let password = match NewPassword::parse(form.password.unwrap_or_else(|| SecretString::from("")))
    {
        Ok(p) => p,
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("password", m);
            return unprocessable(&state, &user, &target, None, errors).await;
        }
    };
    let hash = state.hasher.hash(password.secret()).await?;
    let mut tx = state.db.begin().await?;
    db::users::by_id_for_update(&mut *tx, target.id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::users::set_password(&mut *tx, target.id, &hash).await?;
    db::users::bump_session_epoch(&mut *tx, target.id).await?;
    audit::record(
        &mut *tx,
        &actor_for(&user, target.cloud_account_id),
        Event::new(audit::event::USER_PASSWORD_RESET, Outcome::Success)
            .resource("user", target.id.to_string())
            .summary(json!({ "email": target.email, "sessions_ended": true })),
    )
    .await?;
    tx.commit().await?;
    state.forget_user(target.id).await;
    flash(
        &user.session,
        "success",
        format!(
            "The password of {} was reset and their sessions were ended.",
            target.email
        ),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_user(target.id)).into_response())
}

/// Ends every session of the user (they must log in again).
pub async fn end_sessions(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let target = load(&state, &id).await?;
    let mut tx = state.db.begin().await?;
    db::users::by_id_for_update(&mut *tx, target.id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::users::bump_session_epoch(&mut *tx, target.id).await?;
    audit::record(
        &mut *tx,
        &actor_for(&user, target.cloud_account_id),
        Event::new(audit::event::SESSIONS_ENDED, Outcome::Success)
            .resource("user", target.id.to_string())
            .summary(json!({ "email": target.email })),
    )
    .await?;
    tx.commit().await?;
    state.forget_user(target.id).await;
    flash(
        &user.session,
        "success",
        format!("Every session of {} was ended.", target.email),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_user(target.id)).into_response())
}
