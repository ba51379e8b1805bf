//! Staff pages under `/admin`: users, cloud accounts, the audit trail.
//!
//! Every handler takes the [`Staff`] extractor first, so a customer is refused (and the refusal
//! audited) before any form is read or any row is touched.

pub mod accounts;
pub mod audit;
pub mod users;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::Staff;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::page::PageContext;
pub use crate::web::paging::Pager;

/// Routes of the staff area (mounted at `/admin`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/sessions", post(users::end_sessions))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/new", get(accounts::new_form))
        .route("/accounts/{id}", get(accounts::show).post(accounts::update))
        .route("/accounts/{id}/disable", post(accounts::disable))
        .route("/accounts/{id}/enable", post(accounts::enable))
        .route("/accounts/{id}/test", post(accounts::test_connection))
        .route("/accounts/{id}/sk", post(accounts::reenter_sk))
        .route("/accounts/{id}/projects", post(accounts::set_projects))
        .route("/audit", get(audit::list))
        .route("/audit.csv", get(audit::export_csv))
        .route("/audit/{id}", get(audit::show))
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
    let users = db::users::count_all(&state.db).await?;
    let accounts = db::accounts::count_all(&state.db).await?;
    Ok(AdminIndexPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "admin").await?,
        users,
        accounts,
    })
}

/// A time as the staff pages show it: UTC, to the second.
pub fn fmt_utc(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.to_offset(time::UtcOffset::UTC)
        .format(f)
        .map(|s| format!("{s} UTC"))
        .unwrap_or_else(|_| t.to_string())
}

/// An object id from the URL; anything that is not a UUID is simply not there.
pub fn parse_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// A page number from the query string (shared rule); anything unusable shows page 1.
pub fn parse_page(raw: Option<&str>) -> u64 {
    crate::web::paging::parse_page(raw).unwrap_or(1)
}

/// Row offset of `page` (1-based) with `per_page` rows a page, as the database takes it.
pub fn offset(page: u64, per_page: i64) -> i64 {
    i64::try_from(page.saturating_sub(1))
        .unwrap_or(i64::MAX)
        .saturating_mul(per_page)
}

/// A shared [`Pager`] from the database's numbers.
pub fn pager(
    path: &str,
    filters: &[(&str, String)],
    page: u64,
    per_page: i64,
    total: i64,
) -> Pager {
    Pager::new(
        path,
        page,
        u64::try_from(per_page).unwrap_or(1),
        u64::try_from(total).unwrap_or(0),
        filters,
    )
}

/// `path?k=v&...`, url-encoded, without empty values.
pub fn query_url(path: &str, params: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    match serde_urlencoded::to_string(&kept) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// A cloud account in a `<select>`.
#[derive(Debug, Clone)]
pub struct AccountOption {
    pub id: String,
    pub name: String,
    pub disabled: bool,
}

/// Every cloud account, for selects.
pub async fn account_options(state: &AppState) -> AppResult<Vec<AccountOption>> {
    Ok(db::accounts::list(&state.db)
        .await?
        .into_iter()
        .map(|a| AccountOption {
            id: a.id.to_string(),
            name: a.name,
            disabled: a.disabled_at.is_some(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_links_drop_empty_filters() {
        assert_eq!(
            query_url(
                "/admin/audit.csv",
                &[("q", "a b".to_owned()), ("x", String::new())]
            ),
            "/admin/audit.csv?q=a+b"
        );
        assert_eq!(query_url("/admin/audit.csv", &[]), "/admin/audit.csv");
        assert_eq!(parse_page(Some("0")), 1);
        assert_eq!(parse_page(Some("7")), 7);
    }
}
