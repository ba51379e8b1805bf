//! Customer pages (viewers and managers): everything under `/` except `/admin`.
//!
//! Each area has its own module and `router()`: the dashboard, the catalog, pricing, the
//! account, coupons, resource packages and bills (read pages, see [`view`] for their shared
//! parts), orders, renewals and enterprise projects (actions, see [`crate::actions`]), and the
//! managers' own audit trail.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;
use crate::web::urls;

pub mod account;
pub mod actions;
pub mod audit;
pub mod bills;
pub mod catalog;
pub mod chart;
pub mod coupons;
pub mod dashboard;
pub mod enterprise;
pub mod orders;
pub mod packages;
pub mod pricing;
pub mod renewals;
pub mod view;

/// Routes of the customer area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(urls::DASHBOARD, get(dashboard::dashboard))
        .merge(catalog::router())
        .merge(pricing::router())
        .merge(account::router())
        .merge(coupons::router())
        .merge(packages::router())
        .merge(bills::router())
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
