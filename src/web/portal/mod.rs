//! Customer pages (viewers and managers): everything under `/` except `/admin`.

pub mod actions;
pub mod audit;
pub mod enterprise;
pub mod orders;
pub mod renewals;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::page::PageContext;
use crate::web::urls;

/// Routes of the customer area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(urls::DASHBOARD, get(dashboard))
        .merge(audit::router())
        .route("/orders", get(orders::list))
        .route("/orders/export.csv", get(orders::export))
        .route("/orders/{id}", get(orders::detail))
        .route("/orders/{id}/pay", post(orders::pay))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/renewals", get(renewals::list))
        .route("/renewals/export.csv", get(renewals::export))
        .route("/renewals/renew/preview", post(renewals::renew_preview))
        .route("/renewals/renew", post(renewals::renew))
        .route(
            "/renewals/unsubscribe/review",
            post(renewals::unsubscribe_review),
        )
        .route("/renewals/unsubscribe", post(renewals::unsubscribe))
        .route("/renewals/autorenew", post(renewals::autorenew))
        .route("/renewals/to-on-demand", post(renewals::to_on_demand))
        .route("/renewals/settings", post(renewals::settings))
        .route("/enterprise", get(enterprise::page))
        .route("/enterprise/enable", post(enterprise::enable))
        .route("/actions/{id}", get(actions::show))
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
