//! Customer pages (viewers and managers): everything under `/` except `/admin`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::page::PageContext;
use crate::web::urls;

pub mod catalog;
pub mod view;

/// Routes of the customer area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(urls::DASHBOARD, get(dashboard))
        .merge(catalog::router())
}

/// `templates/portal/dashboard.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/dashboard.html")]
pub struct DashboardPage {
    pub ctx: PageContext,
}

async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if user.role() == Role::Staff {
        return Ok(Redirect::to(urls::ADMIN).into_response());
    }
    Ok(DashboardPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "dashboard").await?,
    }
    .into_response())
}
