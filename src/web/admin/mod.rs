//! Staff pages under `/admin`: users, cloud accounts, the audit trail.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::auth::Staff;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::page::PageContext;

/// Routes of the staff area (mounted at `/admin`).
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

/// `templates/admin/index.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/index.html")]
pub struct AdminIndexPage {
    pub ctx: PageContext,
    pub users: i64,
    pub accounts: i64,
}

async fn index(State(state): State<AppState>, Staff(user): Staff) -> AppResult<AdminIndexPage> {
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&state.db)
        .await?;
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM cloud_accounts")
        .fetch_one(&state.db)
        .await?;
    Ok(AdminIndexPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "admin").await?,
        users,
        accounts,
    })
}
