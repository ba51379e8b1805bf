//! Customer pages (viewers and managers): everything under `/` except `/admin`.
//!
//! Each area has its own module and `router()`: the dashboard, the catalog, pricing, the
//! account, coupons, resource packages and bills (read pages, see [`view`] for their shared
//! parts), plus the action pages of other modules.

use axum::Router;
use axum::routing::get;

use crate::state::AppState;
use crate::web::urls;

pub mod account;
pub mod bills;
pub mod catalog;
pub mod chart;
pub mod coupons;
pub mod dashboard;
pub mod packages;
pub mod pricing;
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
}
