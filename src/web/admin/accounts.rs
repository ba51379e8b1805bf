//! Staff pages for cloud accounts: list, create, edit, disable/enable, the IAM project of each
//! region, and entering an SK again when the current key cannot decrypt the stored one.
//!
//! The SK goes in through a password field and out only sealed (see [`crate::crypto`]): pages
//! show its masked hint, audit summaries name the AK and endpoint, and an edit that leaves the
//! SK field empty keeps the stored one.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{fmt_utc, parse_id};
use crate::audit::{self, Event, Outcome};
use crate::auth::{CurrentUser, Staff};
use crate::cbc::ops::ShowCustomerAccountBalancesRequest;
use crate::cbc::ops::account::ShowCustomerAccountBalancesResponse;
use crate::cbc::{AccountCredentials, Auth, Measured};
use crate::db;
use crate::db::accounts::{AccountInput, CloudAccount};
use crate::domain::{
    parse_account_name, parse_ak, parse_domain_id, parse_endpoint, parse_project_id, parse_sk,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::format;
use crate::web::page::{PageContext, flash};
use crate::web::portal::pricing::regions;
use crate::web::public::FieldErrors;
use crate::web::urls;

/// The endpoint a new account starts with (Huawei Cloud Europe).
pub const DEFAULT_ENDPOINT: &str = "https://bss.myhuaweicloud.eu";

/// An account as the pages show it: never the SK, only its hint.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub id: String,
    pub href: String,
    pub name: String,
    pub endpoint: String,
    pub domain_id: String,
    pub ak: String,
    pub sk_hint: String,
    pub is_sandbox: bool,
    pub disabled: bool,
    pub disabled_at: String,
    pub created: String,
    pub updated: String,
    /// The stored SK does not decrypt with the current key.
    pub sk_unreadable: bool,
}

/// What the pages say about an SK the current key cannot decrypt.
pub const SK_UNREADABLE: &str =
    "SK cannot be decrypted with the current key: enter it again or restore the key";

impl From<&CloudAccount> for AccountView {
    fn from(a: &CloudAccount) -> Self {
        Self {
            id: a.id.to_string(),
            href: urls::admin_account(a.id),
            name: a.name.clone(),
            endpoint: a.endpoint.clone(),
            domain_id: a.domain_id.clone(),
            ak: a.ak.clone(),
            sk_hint: a.sk_hint.clone(),
            is_sandbox: a.is_sandbox,
            disabled: a.disabled_at.is_some(),
            disabled_at: a.disabled_at.map(fmt_utc).unwrap_or_default(),
            created: fmt_utc(a.created_at),
            updated: fmt_utc(a.updated_at),
            sk_unreadable: false,
        }
    }
}

/// `templates/admin/accounts/list.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts/list.html")]
pub struct AccountListPage {
    pub ctx: PageContext,
    pub rows: Vec<AccountView>,
}

pub async fn list(State(state): State<AppState>, Staff(user): Staff) -> AppResult<AccountListPage> {
    let unreadable: Vec<Uuid> = db::accounts::unreadable_sks(&state.db, &state.keys)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let rows = db::accounts::list(&state.db)
        .await?
        .iter()
        .map(|a| AccountView {
            sk_unreadable: unreadable.contains(&a.id),
            ..AccountView::from(a)
        })
        .collect();
    Ok(AccountListPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "accounts").await?,
        rows,
    })
}

/// The form's values as typed. There is deliberately no SK here: it is never shown again.
#[derive(Debug, Clone, Default)]
pub struct AccountValues {
    pub name: String,
    pub endpoint: String,
    pub domain_id: String,
    pub ak: String,
}

/// `templates/admin/accounts/new.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts/new.html")]
pub struct AccountNewPage {
    pub ctx: PageContext,
    pub form: AccountValues,
    pub errors: FieldErrors,
}

pub async fn new_form(
    State(state): State<AppState>,
    Staff(user): Staff,
) -> AppResult<AccountNewPage> {
    Ok(AccountNewPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "accounts").await?,
        form: AccountValues {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            ..AccountValues::default()
        },
        errors: FieldErrors::default(),
    })
}

/// The posted form. No `Debug`: it carries the SK.
#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    domain_id: String,
    #[serde(default)]
    ak: String,
    sk: Option<SecretString>,
}

/// Parsed fields; `sk` is `None` when an edit keeps the stored SK.
struct ParsedAccount {
    name: String,
    endpoint: String,
    domain_id: String,
    ak: String,
    sk: Option<SecretString>,
}

impl AccountForm {
    fn values(&self) -> AccountValues {
        AccountValues {
            name: self.name.clone(),
            endpoint: self.endpoint.clone(),
            domain_id: self.domain_id.clone(),
            ak: self.ak.clone(),
        }
    }

    /// Parses every field; an empty SK is an error only when `sk_required`.
    fn parse(self, sk_required: bool, errors: &mut FieldErrors) -> Option<ParsedAccount> {
        let name = parse_account_name(&self.name)
            .map_err(|m| errors.add("name", m))
            .ok();
        let endpoint = parse_endpoint(&self.endpoint)
            .map_err(|m| errors.add("endpoint", m))
            .ok();
        let domain_id = parse_domain_id(&self.domain_id)
            .map_err(|m| errors.add("domain_id", m))
            .ok();
        let ak = parse_ak(&self.ak).map_err(|m| errors.add("ak", m)).ok();
        let sk = match self.sk {
            Some(sk) if !sk.expose_secret().trim().is_empty() => match parse_sk(sk) {
                Ok(sk) => Some(Some(sk)),
                Err(m) => {
                    errors.add("sk", m);
                    None
                }
            },
            _ if sk_required => {
                errors.add("sk", "Enter the secret access key.");
                None
            }
            _ => Some(None),
        };
        match (name, endpoint, domain_id, ak, sk) {
            (Some(name), Some(endpoint), Some(domain_id), Some(ak), Some(sk))
                if errors.is_empty() =>
            {
                Some(ParsedAccount {
                    name,
                    endpoint,
                    domain_id,
                    ak,
                    sk,
                })
            }
            _ => None,
        }
    }
}

/// Refuses an endpoint that is, or resolves to, an internal address (unless settings allow
/// those, or it is this process's sandbox), with a message for the endpoint field.
async fn check_endpoint(state: &AppState, endpoint: &str, errors: &mut FieldErrors) {
    if is_sandbox(state, endpoint) {
        return;
    }
    if let Err(e) = state.cbc.settings().egress.check_endpoint(endpoint).await {
        errors.add(
            "endpoint",
            format!(
                "{e}: the portal connects only to public endpoints \
                 (PORTAL_ALLOW_PRIVATE_ENDPOINTS allows others)."
            ),
        );
    }
}

/// Whether `endpoint` is the built-in sandbox of this process.
fn is_sandbox(state: &AppState, endpoint: &str) -> bool {
    state
        .sandbox_url
        .as_deref()
        .is_some_and(|s| s.trim_end_matches('/') == endpoint)
}

/// The staff actor, with the account the change concerns.
fn actor_for(staff: &CurrentUser, account: Uuid) -> audit::Actor {
    let mut actor = staff.actor();
    actor.cloud_account_id = Some(account);
    actor
}

pub async fn create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    let values = form.values();
    let mut errors = FieldErrors::default();
    let Some(a) = form.parse(true, &mut errors) else {
        return new_with_errors(&state, &user, values, errors).await;
    };
    check_endpoint(&state, &a.endpoint, &mut errors).await;
    if !errors.is_empty() {
        return new_with_errors(&state, &user, values, errors).await;
    }
    let sandbox = is_sandbox(&state, &a.endpoint);
    let mut tx = state.db.begin().await?;
    let inserted = db::accounts::insert(
        &mut *tx,
        &state.keys,
        &AccountInput {
            name: &a.name,
            endpoint: &a.endpoint,
            domain_id: &a.domain_id,
            ak: &a.ak,
            sk: a.sk.as_ref(),
            is_sandbox: sandbox,
        },
    )
    .await?;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            drop(tx);
            errors.add("name", "A cloud account with this name already exists.");
            return new_with_errors(&state, &user, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &actor_for(&user, id),
        Event::new(audit::event::ACCOUNT_CREATED, Outcome::Success)
            .resource("cloudAccount", id.to_string())
            .summary(json!({
                "name": a.name,
                "endpoint": a.endpoint,
                "domain_id": a.domain_id,
                "ak": a.ak,
                "sandbox": sandbox,
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_account(id).await;
    flash(
        &user.session,
        "success",
        format!("Cloud account {} created.", a.name),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_account(id)).into_response())
}

async fn new_with_errors(
    state: &AppState,
    user: &CurrentUser,
    form: AccountValues,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = AccountNewPage {
        ctx: PageContext::new(state, &user.session, Some(user), "accounts").await?,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// One region's row of the "Projects per region" form.
#[derive(Debug, Clone)]
pub struct ProjectRow {
    pub region: String,
    pub label: String,
    /// The stored project id, or what staff typed when the form comes back with errors.
    pub value: String,
    pub error: Option<String>,
}

/// `templates/admin/accounts/edit.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts/edit.html")]
pub struct AccountEditPage {
    pub ctx: PageContext,
    pub account: AccountView,
    pub form: AccountValues,
    pub errors: FieldErrors,
    /// Customer users of this account.
    pub users: i64,
    /// Errors of the "enter the SK again" form.
    pub sk_errors: FieldErrors,
    /// One row per region of the catalog.
    pub projects: Vec<ProjectRow>,
    /// A problem with the projects form as a whole (e.g. an unknown region).
    pub projects_error: Option<String>,
    pub projects_set: usize,
}

async fn load(state: &AppState, raw_id: &str) -> AppResult<CloudAccount> {
    let id = parse_id(raw_id)?;
    db::accounts::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether the stored SK opens under the current key.
async fn sk_unreadable(state: &AppState, id: Uuid) -> AppResult<bool> {
    match db::accounts::secret_key(&state.db, &state.keys, id).await {
        Ok(_) => Ok(false),
        Err(db::accounts::SecretKeyError::Undecryptable(_)) => Ok(true),
        Err(db::accounts::SecretKeyError::Db(e)) => Err(e.into()),
    }
}

/// The page's parts that forms re-render with their own errors.
#[derive(Default)]
struct Returned {
    form: Option<AccountValues>,
    errors: FieldErrors,
    sk_errors: FieldErrors,
    /// Typed project values and their errors, by region.
    projects: Option<Vec<(String, String, Option<String>)>>,
    projects_error: Option<String>,
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    account: &CloudAccount,
    back: Returned,
) -> AppResult<AccountEditPage> {
    let stored = db::accounts::projects(&state.db, account.id).await?;
    let projects_set = stored.len();
    let projects = regions()
        .iter()
        .map(|r| {
            let typed = back
                .projects
                .as_ref()
                .and_then(|p| p.iter().find(|(reg, _, _)| *reg == r.region_code));
            let (value, error) = match typed {
                Some((_, v, e)) => (v.clone(), e.clone()),
                None => (
                    stored.get(&r.region_code).cloned().unwrap_or_default(),
                    None,
                ),
            };
            ProjectRow {
                region: r.region_code.clone(),
                label: r.label(),
                value,
                error,
            }
        })
        .collect();
    Ok(AccountEditPage {
        ctx: PageContext::new(state, &user.session, Some(user), "accounts").await?,
        account: AccountView {
            sk_unreadable: sk_unreadable(state, account.id).await?,
            ..AccountView::from(account)
        },
        form: back.form.unwrap_or_else(|| AccountValues {
            name: account.name.clone(),
            endpoint: account.endpoint.clone(),
            domain_id: account.domain_id.clone(),
            ak: account.ak.clone(),
        }),
        errors: back.errors,
        users: db::accounts::count_users(&state.db, account.id).await?,
        sk_errors: back.sk_errors,
        projects,
        projects_error: back.projects_error,
        projects_set,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<AccountEditPage> {
    let account = load(&state, &id).await?;
    edit_page(&state, &user, &account, Returned::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    let values = form.values();
    let mut errors = FieldErrors::default();
    let Some(a) = form.parse(false, &mut errors) else {
        let back = Returned {
            form: Some(values),
            errors,
            ..Returned::default()
        };
        let page = edit_page(&state, &user, &account, back).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // An unchanged endpoint was checked when it was saved; the client checks every connection.
    if a.endpoint != account.endpoint {
        check_endpoint(&state, &a.endpoint, &mut errors).await;
    }
    if !errors.is_empty() {
        let back = Returned {
            form: Some(values),
            errors,
            ..Returned::default()
        };
        let page = edit_page(&state, &user, &account, back).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    let current = db::accounts::by_id_for_update(&mut *tx, account.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut changed: Vec<&str> = Vec::new();
    for (field, old, new) in [
        ("name", &current.name, &a.name),
        ("endpoint", &current.endpoint, &a.endpoint),
        ("domain_id", &current.domain_id, &a.domain_id),
        ("ak", &current.ak, &a.ak),
    ] {
        if old != new {
            changed.push(field);
        }
    }
    if a.sk.is_some() {
        changed.push("sk");
    }
    if changed.is_empty() {
        drop(tx);
        flash(&user.session, "info", "Nothing changed.").await?;
        return Ok(Redirect::to(&urls::admin_account(account.id)).into_response());
    }
    // The embedded sandbox's address can change between runs; the flag follows the endpoint
    // only when staff change the endpoint.
    let sandbox = if a.endpoint == current.endpoint {
        current.is_sandbox
    } else {
        is_sandbox(&state, &a.endpoint)
    };
    let updated = db::accounts::update(
        &mut *tx,
        &state.keys,
        account.id,
        &AccountInput {
            name: &a.name,
            endpoint: &a.endpoint,
            domain_id: &a.domain_id,
            ak: &a.ak,
            sk: a.sk.as_ref(),
            is_sandbox: sandbox,
        },
    )
    .await?;
    match updated {
        Ok(()) => {}
        Err(e) if db::is_unique_violation(&e) => {
            drop(tx);
            errors.add("name", "A cloud account with this name already exists.");
            let back = Returned {
                form: Some(values),
                errors,
                ..Returned::default()
            };
            let page = edit_page(&state, &user, &account, back).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    if sandbox != current.is_sandbox {
        db::accounts::set_sandbox(&mut *tx, account.id, sandbox).await?;
    }
    audit::record(
        &mut *tx,
        &actor_for(&user, account.id),
        Event::new(audit::event::ACCOUNT_UPDATED, Outcome::Success)
            .resource("cloudAccount", account.id.to_string())
            .summary(json!({
                "name": a.name,
                "endpoint": a.endpoint,
                "ak": a.ak,
                "previous": { "endpoint": current.endpoint, "ak": current.ak },
                "changed": changed,
                "sk_replaced": a.sk.is_some(),
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_account(account.id).await;
    flash(
        &user.session,
        "success",
        format!("Cloud account {} saved.", a.name),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_account(account.id)).into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    set_disabled(&state, &user, &account, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    set_disabled(&state, &user, &account, false).await
}

async fn set_disabled(
    state: &AppState,
    user: &CurrentUser,
    account: &CloudAccount,
    disabled: bool,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let current = db::accounts::by_id_for_update(&mut *tx, account.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.disabled_at.is_some() == disabled {
        drop(tx);
        let msg = if disabled {
            "That cloud account is already disabled."
        } else {
            "That cloud account is already enabled."
        };
        flash(&user.session, "info", msg).await?;
        return Ok(Redirect::to(&urls::admin_account(account.id)).into_response());
    }
    db::accounts::set_disabled(&mut *tx, account.id, disabled).await?;
    let event = if disabled {
        audit::event::ACCOUNT_DISABLED
    } else {
        audit::event::ACCOUNT_ENABLED
    };
    audit::record(
        &mut *tx,
        &actor_for(user, account.id),
        Event::new(event, Outcome::Success)
            .resource("cloudAccount", account.id.to_string())
            .summary(json!({
                "name": current.name,
                "endpoint": current.endpoint,
                "ak": current.ak,
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_account(account.id).await;
    let msg = if disabled {
        format!("Cloud account {} is disabled.", current.name)
    } else {
        format!("Cloud account {} is enabled again.", current.name)
    };
    flash(&user.session, "success", msg).await?;
    Ok(Redirect::to(&urls::admin_account(account.id)).into_response())
}

/// Describes the balances of a successful test in one line (`cash USD 1,234.50; credit ...`).
fn describe_balances(r: &ShowCustomerAccountBalancesResponse) -> String {
    let kind = |t: Option<i64>| match t {
        Some(1) => "cash",
        Some(2) => "credit",
        Some(5) => "bonus",
        Some(7) => "deposit",
        _ => "other",
    };
    let parts: Vec<String> = r
        .account_balances
        .iter()
        .filter_map(|b| {
            let amount = b.major(b.amount)?;
            let currency = b
                .currency
                .as_deref()
                .or(r.currency.as_deref())
                .unwrap_or_default();
            Some(format!(
                "{} {}",
                kind(b.account_type),
                format::money(amount, currency)
            ))
        })
        .collect();
    if parts.is_empty() {
        "no balances reported".to_owned()
    } else {
        parts.join("; ")
    }
}

/// "Test connection": one balance query with the stored credentials, straight to CBC (no
/// cache), so staff see at once whether the endpoint, AK/SK and account id work.
///
/// Operation `ShowCustomerAccountBalances`:
/// <https://support.huaweicloud.com/eu/api-oce/mac_00001.html>
pub async fn test_connection(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    let sk = match db::accounts::secret_key(&state.db, &state.keys, account.id).await {
        Ok(Some(sk)) => sk,
        Ok(None) => return Err(AppError::NotFound),
        Err(db::accounts::SecretKeyError::Undecryptable(_)) => {
            flash(
                &user.session,
                "error",
                format!("Not tested: {SK_UNREADABLE}."),
            )
            .await?;
            return Ok(Redirect::to(&urls::admin_account(account.id)).into_response());
        }
        Err(db::accounts::SecretKeyError::Db(e)) => return Err(e.into()),
    };
    let creds = AccountCredentials {
        account_id: account.id,
        endpoint: account.endpoint.clone(),
        domain_id: account.domain_id.clone(),
        auth: Auth::AkSk {
            ak: account.ak.clone(),
            sk,
        },
    };
    // No database connection is held across this call.
    let result = state
        .cbc
        .call(&creds, &ShowCustomerAccountBalancesRequest {})
        .await;
    let summary = json!({
        "name": account.name,
        "endpoint": account.endpoint,
        "ak": account.ak,
        "operation": "ShowCustomerAccountBalances",
    });
    let mut event = Event::new(
        audit::event::ACCOUNT_TESTED,
        if result.is_ok() {
            Outcome::Success
        } else {
            Outcome::Failure
        },
    )
    .resource("cloudAccount", account.id.to_string())
    .summary(summary);
    let (kind, message) = match &result {
        Ok(balances) => (
            "success",
            format!(
                "Connection to {} works: {}.",
                account.endpoint,
                describe_balances(balances)
            ),
        ),
        Err(e) => {
            event.error_code = Some(e.error_code().to_owned());
            event.upstream_request_id = e.request_id().map(str::to_owned);
            let request = e
                .request_id()
                .map(|r| format!(" (request {r})"))
                .unwrap_or_default();
            ("error", format!("Connection test failed: {e}{request}"))
        }
    };
    audit::record(&state.db, &actor_for(&user, account.id), event).await?;
    flash(&user.session, kind, message).await?;
    Ok(Redirect::to(&urls::admin_account(account.id)).into_response())
}

/// The "enter the SK again" form. No `Debug`: it carries the SK.
#[derive(Deserialize)]
pub struct SkForm {
    sk: Option<SecretString>,
}

/// `POST /admin/accounts/{id}/sk`: replaces only the SK (after a key change left the stored one
/// undecryptable, or to rotate it). Audited as an account update that changed the SK.
pub async fn reenter_sk(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<SkForm>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    let mut sk_errors = FieldErrors::default();
    let sk = match form.sk {
        Some(sk) if !sk.expose_secret().trim().is_empty() => {
            parse_sk(sk).map_err(|m| sk_errors.add("sk", m)).ok()
        }
        _ => {
            sk_errors.add("sk", "Enter the secret access key.");
            None
        }
    };
    let Some(sk) = sk else {
        let back = Returned {
            sk_errors,
            ..Returned::default()
        };
        let page = edit_page(&state, &user, &account, back).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let was_unreadable = sk_unreadable(&state, account.id).await?;
    let mut tx = state.db.begin().await?;
    if !db::accounts::replace_sk(&mut *tx, &state.keys, account.id, &sk).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        &actor_for(&user, account.id),
        Event::new(audit::event::ACCOUNT_UPDATED, Outcome::Success)
            .resource("cloudAccount", account.id.to_string())
            .summary(json!({
                "name": account.name,
                "endpoint": account.endpoint,
                "ak": account.ak,
                "changed": ["sk"],
                "sk_replaced": true,
                "sk_was_undecryptable": was_unreadable,
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_account(account.id).await;
    flash(
        &user.session,
        "success",
        format!(
            "The SK of {} is stored under the current key. Test the connection to check it.",
            account.name
        ),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_account(account.id)).into_response())
}

/// `POST /admin/accounts/{id}/projects`: the IAM project id of each region, as
/// `project[<region>]=<id>` fields. A region not in the form keeps its project; an empty field
/// removes it. Bad values are shown next to their field and nothing is stored.
pub async fn set_projects(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let account = load(&state, &id).await?;
    let mut typed: Vec<(String, String, Option<String>)> = Vec::new();
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for (name, value) in fields {
        let Some(region) = name
            .strip_prefix("project[")
            .and_then(|r| r.strip_suffix(']'))
        else {
            continue; // csrf_token and anything else
        };
        if !regions().iter().any(|r| r.region_code == region) {
            unknown.push(region.chars().take(64).collect());
            continue;
        }
        match parse_project_id(&value, &account.domain_id) {
            Ok(p) => {
                typed.push((region.to_owned(), value.clone(), None));
                changes.push((region.to_owned(), p));
            }
            Err(m) => typed.push((region.to_owned(), value.clone(), Some(m.to_owned()))),
        }
    }
    let has_errors = typed.iter().any(|(_, _, e)| e.is_some());
    if has_errors || !unknown.is_empty() {
        let back = Returned {
            projects: Some(typed),
            projects_error: Some(if unknown.is_empty() {
                "Nothing was saved. Correct the projects marked below.".to_owned()
            } else {
                format!(
                    "Nothing was saved: {} is not a region of the catalog.",
                    unknown.join(", ")
                )
            }),
            ..Returned::default()
        };
        let page = edit_page(&state, &user, &account, back).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    db::accounts::by_id_for_update(&mut *tx, account.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = db::accounts::projects(&mut *tx, account.id).await?;
    changes.retain(|(region, p)| before.get(region) != p.as_ref());
    if changes.is_empty() {
        drop(tx);
        flash(&user.session, "info", "Nothing changed.").await?;
        return Ok(Redirect::to(&urls::admin_account(account.id)).into_response());
    }
    db::accounts::set_projects(&mut tx, account.id, &changes).await?;
    db::accounts::touch(&mut *tx, account.id).await?;
    let summary: serde_json::Map<String, serde_json::Value> =
        changes.iter().map(|(r, p)| (r.clone(), json!(p))).collect();
    audit::record(
        &mut *tx,
        &actor_for(&user, account.id),
        Event::new(audit::event::ACCOUNT_UPDATED, Outcome::Success)
            .resource("cloudAccount", account.id.to_string())
            .summary(json!({
                "name": account.name,
                "endpoint": account.endpoint,
                "ak": account.ak,
                "changed": ["projects"],
                "projects": summary,
            })),
    )
    .await?;
    tx.commit().await?;
    state.forget_account(account.id).await;
    flash(
        &user.session,
        "success",
        format!(
            "Projects of {} saved ({} region{} changed).",
            account.name,
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        ),
    )
    .await?;
    Ok(Redirect::to(&urls::admin_account(account.id)).into_response())
}
