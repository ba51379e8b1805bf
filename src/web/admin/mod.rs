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

/// A page number from the query string; anything unusable is page 1.
pub fn parse_page(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// Previous/next links of a paginated list; the links keep every other query parameter.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `params` are the list's other query parameters (empty values are left out of links).
    pub fn new(
        path: &str,
        params: &[(&str, String)],
        page: u32,
        per_page: i64,
        total: i64,
    ) -> Self {
        let pages = u32::try_from(((total.max(0) + per_page - 1) / per_page).max(1)).unwrap_or(1);
        let link = |p: u32| {
            let mut all: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect();
            if p > 1 {
                all.push(("page", p.to_string()));
            }
            query_url(path, &all)
        };
        Self {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page.min(pages + 1) - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// Row offset of `page` for `per_page` rows a page.
    pub fn offset(page: u32, per_page: i64) -> i64 {
        i64::from(page.saturating_sub(1)) * per_page
    }
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
    fn pager_links_keep_filters_and_stop_at_the_ends() {
        let p = Pager::new("/admin/users", &[("q", "a b".to_owned())], 2, 25, 60);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/admin/users?q=a+b"));
        assert_eq!(p.next.as_deref(), Some("/admin/users?q=a+b&page=3"));
        let last = Pager::new("/admin/users", &[], 3, 25, 60);
        assert!(last.next.is_none());
        let empty = Pager::new("/admin/users", &[], 1, 25, 0);
        assert_eq!(
            (empty.pages, empty.prev.is_none(), empty.next.is_none()),
            (1, true, true)
        );
    }
}
