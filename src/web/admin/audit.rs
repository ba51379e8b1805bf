//! The audit trail pages, laid out like Huawei Cloud Trace Service's trace list: a time range
//! (preset or custom, UTC), filters that all live in the URL, a paged table, a detail view per
//! event and a CSV export.
//!
//! Staff see every event (`/admin/audit`); managers see their own cloud account's events
//! (`/audit`, in [`crate::web::portal::audit`]), through the same parsing and partials.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::{AccountOption, Pager, account_options, fmt_utc, offset, pager, parse_page, query_url};
use crate::audit::{self, Event, Filter, Outcome, StoredEvent};
use crate::auth::{CurrentUser, Staff};
use crate::domain::{Day, DayError};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::export::{Cell, Page, csv_response};
use crate::web::page::PageContext;
use crate::web::public::FieldErrors;
use crate::web::urls;

/// Events a page of the trail.
pub const PER_PAGE: i64 = 50;
/// Longest time range one query may span (as in CTS: about three months).
pub const MAX_RANGE_DAYS: i64 = 92;
/// The CSV export (`urls` has no entry for it; it lives next to its handler).
pub const EXPORT_PATH: &str = "/admin/audit.csv";
/// Rows per database round trip while exporting.
const EXPORT_BATCH: i64 = 1000;

/// The trail's query string, exactly as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrailQuery {
    pub range: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub event: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub operator: Option<String>,
    pub account: Option<String>,
    pub page: Option<String>,
}

/// The filter form's values, re-shown as typed.
#[derive(Debug, Clone, Default)]
pub struct TrailForm {
    /// `hour`, `day`, `week` or `custom`.
    pub range: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub event: String,
    pub resource_type: String,
    pub resource_id: String,
    pub operator: String,
    pub account: String,
}

impl TrailForm {
    /// The filters as query parameters (without the page), for links.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![("range", self.range.clone())];
        if self.range == "custom" {
            p.push(("from", self.from.clone()));
            p.push(("to", self.to.clone()));
        }
        p.extend([
            ("status", self.status.clone()),
            ("event", self.event.clone()),
            ("resource_type", self.resource_type.clone()),
            ("resource_id", self.resource_id.clone()),
            ("operator", self.operator.clone()),
            ("account", self.account.clone()),
        ]);
        p
    }
}

fn trimmed(v: Option<String>) -> String {
    v.map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// Parses a `datetime-local` value (`2026-01-31T14:00`, seconds optional) as UTC. The day is
/// a [`Day`], so far-off or impossible days get their own message.
pub fn parse_local_utc(raw: &str) -> Result<OffsetDateTime, DayError> {
    let minutes = time::macros::format_description!("[hour]:[minute]");
    let seconds = time::macros::format_description!("[hour]:[minute]:[second]");
    let raw = raw.trim().replacen(' ', "T", 1);
    let (day, clock) = raw.split_once('T').ok_or(DayError::Format)?;
    let day = Day::parse(day)?;
    let clock = Time::parse(clock, minutes)
        .or_else(|_| Time::parse(clock, seconds))
        .map_err(|_| DayError::Format)?;
    Ok(PrimitiveDateTime::new(day.date(), clock).assume_utc())
}

/// The message next to a refused start or end of the range.
fn datetime_message(e: DayError, example: &str) -> String {
    match e {
        DayError::Format => format!("Enter a date and time like {example} (UTC)."),
        other => other.message().to_owned(),
    }
}

/// Escapes `LIKE` wildcards so the operator filter means "contains this text".
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn short_text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        errors.add(field, format!("Use at most {max} printable characters."));
        return None;
    }
    Some(value.to_owned())
}

/// Turns the query string into a database filter and page number, or field errors.
///
/// `accounts` is the list the account filter may choose from; `None` hides that filter (a
/// manager's trail is fixed to their account by the caller). `now` comes in as a parameter so
/// tests can pin it.
pub fn parse_query(
    q: TrailQuery,
    now: OffsetDateTime,
    accounts: Option<&[AccountOption]>,
) -> (TrailForm, Result<(Filter, u64), FieldErrors>) {
    let mut form = TrailForm {
        range: trimmed(q.range),
        from: trimmed(q.from),
        to: trimmed(q.to),
        status: trimmed(q.status),
        event: trimmed(q.event),
        resource_type: trimmed(q.resource_type),
        resource_id: trimmed(q.resource_id),
        operator: trimmed(q.operator),
        account: if accounts.is_some() {
            trimmed(q.account)
        } else {
            String::new()
        },
    };
    let page = parse_page(q.page.as_deref());
    let mut errors = FieldErrors::default();
    let mut filter = Filter::default();

    // A typed start or end means a custom range, whatever the preset select says.
    if !form.from.is_empty() || !form.to.is_empty() {
        form.range = "custom".to_owned();
    }
    match form.range.as_str() {
        "" | "day" => {
            form.range = "day".to_owned();
            filter.from = Some(now - Duration::days(1));
        }
        "hour" => filter.from = Some(now - Duration::hours(1)),
        "week" => filter.from = Some(now - Duration::weeks(1)),
        "custom" => {
            let from = if form.from.is_empty() {
                errors.add("from", "Enter the start of the range.");
                None
            } else {
                parse_local_utc(&form.from)
                    .map_err(|e| errors.add("from", datetime_message(e, "2026-01-31T14:00")))
                    .ok()
            };
            let to = if form.to.is_empty() {
                None
            } else {
                parse_local_utc(&form.to)
                    .map_err(|e| errors.add("to", datetime_message(e, "2026-01-31T18:00")))
                    .ok()
            };
            if let Some(from) = from {
                let end = to.unwrap_or(now);
                if from > end {
                    errors.add("to", "The end must not be before the start.");
                } else if end - from > Duration::days(MAX_RANGE_DAYS) {
                    errors.add(
                        "from",
                        format!("The range can span at most {MAX_RANGE_DAYS} days."),
                    );
                }
            }
            filter.from = from;
            filter.to = to;
        }
        _ => errors.add("range", "Choose a time range from the list."),
    }

    if !form.status.is_empty() {
        if audit::TRACE_STATUSES.contains(&form.status.as_str()) {
            filter.trace_status = Some(form.status.clone());
        } else {
            errors.add("status", "Choose normal, warning or incident.");
        }
    }
    filter.event = short_text(&mut errors, "event", &form.event, 100);
    filter.resource_type = short_text(&mut errors, "resource_type", &form.resource_type, 100);
    filter.resource_id = short_text(&mut errors, "resource_id", &form.resource_id, 200);
    filter.actor =
        short_text(&mut errors, "operator", &form.operator, 254).map(|s| like_literal(&s));
    if let Some(accounts) = accounts
        && !form.account.is_empty()
    {
        match Uuid::parse_str(&form.account)
            .ok()
            .filter(|id| accounts.iter().any(|a| a.id == id.to_string()))
        {
            Some(id) => filter.cloud_account_id = Some(id),
            None => errors.add("account", "Choose a cloud account from the list."),
        }
    }
    if errors.is_empty() {
        (form, Ok((filter, page)))
    } else {
        (form, Err(errors))
    }
}

/// One row of the trail table.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub href: String,
    pub time: String,
    pub event: String,
    pub resource_type: String,
    pub resource_id: String,
    pub trace_status: String,
    pub outcome: String,
    pub operator: String,
    pub account: String,
    pub source_ip: String,
    pub request_id: String,
}

/// Account names by id.
pub type AccountNames = HashMap<Uuid, String>;

fn account_label(names: &AccountNames, id: Option<Uuid>) -> String {
    id.map(|id| names.get(&id).cloned().unwrap_or_else(|| id.to_string()))
        .unwrap_or_default()
}

/// Builds a table row; `detail_base` is `/admin/audit` or `/audit`.
pub fn event_row(e: &StoredEvent, names: &AccountNames, detail_base: &str) -> EventRow {
    EventRow {
        href: format!("{detail_base}/{}", e.id),
        time: fmt_utc(e.occurred_at),
        event: e.event.clone(),
        resource_type: e.resource_type.clone().unwrap_or_default(),
        resource_id: e.resource_id.clone().unwrap_or_default(),
        trace_status: e.trace_status.clone(),
        outcome: e.outcome.clone(),
        operator: e.actor_email.clone().unwrap_or_default(),
        account: account_label(names, e.cloud_account_id),
        source_ip: e.source_ip.clone().unwrap_or_default(),
        request_id: e.request_id.clone().unwrap_or_default(),
    }
}

/// What the list pages share: the form, its errors, the rows and the pager.
#[derive(Debug, Clone)]
pub struct TrailView {
    pub form: TrailForm,
    pub errors: FieldErrors,
    pub rows: Vec<EventRow>,
    /// `None` when the filters were refused and no query ran.
    pub pager: Option<Pager>,
    /// Where the filter form submits (`/admin/audit` or `/audit`).
    pub action: &'static str,
    /// Accounts for the account filter; empty hides the filter.
    pub accounts: Vec<AccountOption>,
    pub event_names: &'static [&'static str],
    pub statuses: &'static [&'static str],
    /// CSV export link with the same filters (staff only).
    pub export_url: Option<String>,
}

/// Runs a trail query for a list page. With `fixed_account` the account filter is forced.
pub async fn trail_view(
    state: &AppState,
    q: TrailQuery,
    action: &'static str,
    accounts: Option<Vec<AccountOption>>,
    fixed_account: Option<Uuid>,
    names: &AccountNames,
) -> AppResult<TrailView> {
    let (form, parsed) = parse_query(q, OffsetDateTime::now_utc(), accounts.as_deref());
    let mut view = TrailView {
        form,
        errors: FieldErrors::default(),
        rows: Vec::new(),
        pager: None,
        action,
        accounts: accounts.clone().unwrap_or_default(),
        event_names: audit::EVENT_NAMES,
        statuses: audit::TRACE_STATUSES,
        export_url: None,
    };
    match parsed {
        Err(errors) => view.errors = errors,
        Ok((mut filter, page)) => {
            if fixed_account.is_some() {
                filter.cloud_account_id = fixed_account;
            }
            let (events, total) =
                audit::search(&state.db, &filter, PER_PAGE, offset(page, PER_PAGE)).await?;
            view.rows = events.iter().map(|e| event_row(e, names, action)).collect();
            let params = view.form.params();
            view.pager = Some(pager(action, &params, page, PER_PAGE, total));
            if accounts.is_some() {
                view.export_url = Some(query_url(EXPORT_PATH, &params));
            }
        }
    }
    Ok(view)
}

/// Names of every cloud account, by id.
pub fn names_of(accounts: &[AccountOption]) -> AccountNames {
    accounts
        .iter()
        .filter_map(|a| Some((Uuid::parse_str(&a.id).ok()?, a.name.clone())))
        .collect()
}

/// `templates/admin/audit/list.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/audit/list.html")]
pub struct AuditListPage {
    pub ctx: PageContext,
    pub trail: TrailView,
}

fn status_of(trail: &TrailView) -> StatusCode {
    if trail.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

pub async fn list(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(q): Query<TrailQuery>,
) -> AppResult<Response> {
    let accounts = account_options(&state).await?;
    let names = names_of(&accounts);
    let trail = trail_view(&state, q, urls::ADMIN_AUDIT, Some(accounts), None, &names).await?;
    let status = status_of(&trail);
    let page = AuditListPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "audit").await?,
        trail,
    };
    Ok((status, page).into_response())
}

/// Every field of one event, ready to show.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub id: i64,
    pub time: String,
    pub event: String,
    pub resource_type: String,
    pub resource_id: String,
    pub trace_status: String,
    pub outcome: String,
    pub operator: String,
    pub operator_id: String,
    pub account: String,
    pub account_id: String,
    pub source_ip: String,
    pub request_id: String,
    pub error_code: String,
    pub upstream_request_id: String,
    pub attempt_id: String,
    /// The summary JSON, pretty-printed (the template escapes it).
    pub summary: String,
    pub back: &'static str,
}

/// Builds the detail view of an event.
pub fn event_detail(e: &StoredEvent, names: &AccountNames, back: &'static str) -> EventDetail {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    EventDetail {
        id: e.id,
        time: fmt_utc(e.occurred_at),
        event: e.event.clone(),
        resource_type: opt(&e.resource_type),
        resource_id: opt(&e.resource_id),
        trace_status: e.trace_status.clone(),
        outcome: e.outcome.clone(),
        operator: opt(&e.actor_email),
        operator_id: e.actor_user_id.map(|u| u.to_string()).unwrap_or_default(),
        account: account_label(names, e.cloud_account_id),
        account_id: e
            .cloud_account_id
            .map(|u| u.to_string())
            .unwrap_or_default(),
        source_ip: opt(&e.source_ip),
        request_id: opt(&e.request_id),
        error_code: opt(&e.error_code),
        upstream_request_id: opt(&e.upstream_request_id),
        attempt_id: e.attempt_id.map(|u| u.to_string()).unwrap_or_default(),
        summary: serde_json::to_string_pretty(&e.summary).unwrap_or_else(|_| e.summary.to_string()),
        back,
    }
}

/// An event id from the URL.
pub fn parse_event_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// `templates/admin/audit/detail.html`.
#[derive(Template, WebTemplate)]
#[template(path = "admin/audit/detail.html")]
pub struct AuditDetailPage {
    pub ctx: PageContext,
    pub e: EventDetail,
}

pub async fn show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> AppResult<AuditDetailPage> {
    let id = parse_event_id(&id)?;
    let event = audit::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = names_of(&account_options(&state).await?);
    Ok(AuditDetailPage {
        ctx: PageContext::new(&state, &user.session, Some(&user), "audit").await?,
        e: event_detail(&event, &names, urls::ADMIN_AUDIT),
    })
}

const CSV_HEADER: [&str; 15] = [
    "time_utc",
    "event",
    "resource_type",
    "resource_id",
    "trace_status",
    "outcome",
    "operator",
    "operator_id",
    "cloud_account",
    "source_ip",
    "request_id",
    "error_code",
    "upstream_request_id",
    "summary",
    "id",
];

/// One CSV row; every text cell goes through the shared formula neutralising.
fn csv_row(e: &StoredEvent, names: &AccountNames) -> Vec<Cell> {
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    vec![
        Cell::Text(
            e.occurred_at
                .to_offset(time::UtcOffset::UTC)
                .format(rfc3339)
                .unwrap_or_default(),
        ),
        Cell::from(e.event.as_str()),
        Cell::from(e.resource_type.clone()),
        Cell::from(e.resource_id.clone()),
        Cell::from(e.trace_status.as_str()),
        Cell::from(e.outcome.as_str()),
        Cell::from(e.actor_email.clone()),
        Cell::Text(e.actor_user_id.map(|u| u.to_string()).unwrap_or_default()),
        Cell::Text(account_label(names, e.cloud_account_id)),
        Cell::from(e.source_ip.clone()),
        Cell::from(e.request_id.clone()),
        Cell::from(e.error_code.clone()),
        Cell::from(e.upstream_request_id.clone()),
        Cell::Text(e.summary.to_string()),
        Cell::Int(e.id),
    ]
}

/// One batch of the export, newest first, read before `before` (keyset paging: one short
/// query per batch, no connection held while the client reads).
async fn export_batch(
    db: sqlx::PgPool,
    filter: Arc<Filter>,
    names: Arc<AccountNames>,
    before: Option<(OffsetDateTime, i64)>,
) -> AppResult<Page<Option<(OffsetDateTime, i64)>>> {
    let batch = audit::search_batch(&db, &filter, before, EXPORT_BATCH).await?;
    let next =
        ((batch.len() as i64) >= EXPORT_BATCH).then(|| batch.last().map(|e| (e.occurred_at, e.id)));
    Ok(Page {
        rows: batch.iter().map(|e| csv_row(e, &names)).collect(),
        next,
    })
}

/// `/admin/audit.csv`: the trail with the list's filters, streamed in batches.
pub async fn export_csv(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(q): Query<TrailQuery>,
) -> AppResult<Response> {
    let accounts = account_options(&state).await?;
    let names = names_of(&accounts);
    let now = OffsetDateTime::now_utc();
    let (form, parsed) = parse_query(q.clone(), now, Some(&accounts));
    let filter = match parsed {
        Ok((filter, _)) => filter,
        Err(_) => return list(State(state), Staff(user), Query(q)).await,
    };
    record_export(&state, &user, &form).await?;
    let (db, filter, names) = (state.db.clone(), Arc::new(filter), Arc::new(names));
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let mut res = csv_response(
        &format!("audit-{stamp}.csv"),
        &CSV_HEADER,
        None,
        move |before| export_batch(db.clone(), filter.clone(), names.clone(), before),
    )
    .await?;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn record_export(state: &AppState, user: &CurrentUser, form: &TrailForm) -> AppResult<()> {
    let filters: serde_json::Map<String, serde_json::Value> = form
        .params()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    audit::record(
        &state.db,
        &user.actor(),
        Event::new(audit::event::AUDIT_EXPORTED, Outcome::Success)
            .resource("auditTrail", "csv")
            .summary(json!({ "filters": filters })),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-03-10 12:00 UTC)
    }

    fn q(pairs: &[(&str, &str)]) -> TrailQuery {
        let s = serde_urlencoded::to_string(pairs).expect("encode");
        serde_urlencoded::from_str(&s).expect("decode")
    }

    #[test]
    fn default_range_is_the_last_day() {
        let (form, parsed) = parse_query(q(&[]), now(), None);
        let (f, page) = parsed.expect("valid");
        assert_eq!(form.range, "day");
        assert_eq!(f.from, Some(now() - Duration::days(1)));
        assert_eq!((f.to, page), (None, 1));
    }

    #[test]
    fn custom_ranges_are_utc_and_bounded() {
        let (_, ok) = parse_query(
            q(&[("from", "2026-03-01T08:30"), ("to", "2026-03-02T09:00:15")]),
            now(),
            None,
        );
        let (f, _) = ok.expect("valid");
        assert_eq!(f.from, Some(time::macros::datetime!(2026-03-01 08:30 UTC)));
        assert_eq!(f.to, Some(time::macros::datetime!(2026-03-02 09:00:15 UTC)));

        let err = |pairs: &[(&str, &str)]| parse_query(q(pairs), now(), None).1.expect_err("bad");
        assert!(err(&[("from", "yesterday")]).get("from").is_some());
        for far in ["9999-12-31T00:00", "0000-01-01T00:00", "2026-02-30T10:00"] {
            assert!(err(&[("from", far)]).get("from").is_some(), "from={far}");
            assert!(
                err(&[("from", "2026-03-01T00:00"), ("to", far)])
                    .get("to")
                    .is_some(),
                "to={far}"
            );
        }
        assert!(
            err(&[("from", "2026-03-02T00:00"), ("to", "2026-03-01T00:00")])
                .get("to")
                .is_some()
        );
        assert!(err(&[("from", "2025-11-01T00:00")]).get("from").is_some());
        assert!(err(&[("range", "custom")]).get("from").is_some());
        assert!(err(&[("status", "fatal")]).get("status").is_some());
        assert!(err(&[("range", "year")]).get("range").is_some());
    }

    #[test]
    fn operator_wildcards_are_literal() {
        let (_, ok) = parse_query(q(&[("operator", "a_b%")]), now(), None);
        assert_eq!(ok.expect("valid").0.actor.as_deref(), Some("a\\_b\\%"));
    }
}
