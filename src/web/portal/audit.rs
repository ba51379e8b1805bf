//! A manager's view of their own cloud account's audit trail (`/audit`), with the staff
//! trail's filters minus the account choice, which is fixed to theirs. Viewers are refused by
//! the [`Manager`] extractor; another account's event is simply not found.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::audit;
use crate::auth::Manager;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::admin::audit::{
    AccountNames, EventDetail, TrailQuery, TrailView, event_detail, parse_event_id, trail_view,
};
use crate::web::page::PageContext;

/// The manager's trail.
pub const AUDIT: &str = "/audit";

/// Routes of the manager's trail.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(AUDIT, get(list))
        .route("/audit/{id}", get(show))
}

/// `templates/portal/audit.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/audit.html")]
pub struct PortalAuditPage {
    pub ctx: PageContext,
    pub trail: TrailView,
}

async fn own_names(state: &AppState, account: uuid::Uuid) -> AppResult<AccountNames> {
    let mut names = AccountNames::new();
    if let Some(a) = state.account(account).await? {
        names.insert(account, a.name.clone());
    }
    Ok(names)
}

async fn list(
    State(state): State<AppState>,
    Manager(c): Manager,
    Query(q): Query<TrailQuery>,
) -> AppResult<Response> {
    let names = own_names(&state, c.cloud_account_id).await?;
    let trail = trail_view(&state, q, AUDIT, None, Some(c.cloud_account_id), &names).await?;
    let status = if trail.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PortalAuditPage {
        ctx: PageContext::new(&state, &c.user.session, Some(&c.user), "audit").await?,
        trail,
    };
    Ok((status, page).into_response())
}

/// `templates/portal/audit_detail.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/audit_detail.html")]
pub struct PortalAuditDetailPage {
    pub ctx: PageContext,
    pub e: EventDetail,
}

async fn show(
    State(state): State<AppState>,
    Manager(c): Manager,
    Path(id): Path<String>,
) -> AppResult<PortalAuditDetailPage> {
    let id = parse_event_id(&id)?;
    let event = audit::by_id(&state.db, id)
        .await?
        .filter(|e| e.cloud_account_id == Some(c.cloud_account_id))
        .ok_or(AppError::NotFound)?;
    let names = own_names(&state, c.cloud_account_id).await?;
    Ok(PortalAuditDetailPage {
        ctx: PageContext::new(&state, &c.user.session, Some(&c.user), "audit").await?,
        e: event_detail(&event, &names, AUDIT),
    })
}
