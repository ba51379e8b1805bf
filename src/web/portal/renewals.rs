//! Renewals: the account's yearly/monthly resources (attached ones under their primary), with
//! filters and CSV export, and the actions on one or several primary resources: renew (with a
//! price preview that must come first), unsubscribe (with a confirmation page), auto-renew
//! on/off, change to pay-per-use at expiry (and cancel it), and renewal settings.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{OffsetDateTime, UtcOffset};

use super::actions::{Fields, after_submit, repeat_of, tz_of};
use crate::actions::resources::{self as res, POLICY_AUTO_RENEW, cbc_time};
use crate::actions::{self, ActionKind, parse_key, target_of};
use crate::auth::extract::{Customer, Manager};
use crate::cbc::AccountCredentials;
use crate::cbc::ops::ListPayPerUseCustomerResourcesRequest;
use crate::cbc::ops::subscriptions::CustomerResource;
use crate::domain::Day;
use crate::error::{AppError, AppResult};
use crate::ownership::{self, kind};
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::format;
use crate::web::page::PageContext;
use crate::web::paging::{Pager, parse_page};
use crate::web::public::FieldErrors;

/// Most resources one submit may name.
pub const MAX_SELECTED: usize = 50;
/// How long a renewal price preview stays valid.
const PREVIEW_TTL_SECS: i64 = 600;
/// Session key of the stored previews.
const PREVIEWS_KEY: &str = "renew_previews";

/// Words for a resource status.
pub fn status_name(s: i64) -> &'static str {
    match s {
        2 => "In use",
        3 => "Closed",
        4 => "Frozen",
        5 => "Expired",
        _ => "Other",
    }
}

/// Words for an expire policy.
pub fn policy_name(p: i64) -> &'static str {
    match p {
        0 => "Grace period at expiry",
        1 => "Pay-per-use at expiry",
        2 => "Delete at expiry",
        3 => "Auto-renew",
        4 => "Freeze at expiry",
        5 => "Delete from retention",
        _ => "—",
    }
}

/// The list's query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ResourceQuery {
    pub expiring: Option<String>,
    pub expire_from: Option<String>,
    pub expire_to: Option<String>,
    pub status: Option<String>,
    pub service_type: Option<String>,
    pub autorenew: Option<String>,
    pub policy: Option<String>,
    pub q: Option<String>,
    pub limit: Option<String>,
    pub page: Option<String>,
}

impl ResourceQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default().trim().to_owned();
        vec![
            ("expiring", v(&self.expiring)),
            ("expire_from", v(&self.expire_from)),
            ("expire_to", v(&self.expire_to)),
            ("status", v(&self.status)),
            ("service_type", v(&self.service_type)),
            ("autorenew", v(&self.autorenew)),
            ("policy", v(&self.policy)),
            ("q", v(&self.q)),
            ("limit", v(&self.limit)),
        ]
    }
}

fn blank(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A parsed filter: what CBC filters, and what the portal filters on top.
struct Filter {
    req: ListPayPerUseCustomerResourcesRequest,
    autorenew: Option<bool>,
    policy: Option<i64>,
    text: Option<String>,
    page: u64,
    limit: u64,
}

fn parse_filter(q: &ResourceQuery, tz: UtcOffset) -> Result<Filter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let now = OffsetDateTime::now_utc();
    let (mut begin, mut end) = (None, None);
    if let Some(e) = blank(&q.expiring) {
        match e.parse::<i64>() {
            Ok(d @ (7 | 15 | 30)) => {
                begin = Some(cbc_time(now));
                end = Some(cbc_time(now + time::Duration::days(d)));
            }
            _ => errors.add("expiring", "Choose 7, 15 or 30 days."),
        }
    } else {
        let mut day = |field: &'static str, raw: &Option<String>| {
            Day::parse(blank(raw)?)
                .map_err(|e| errors.add(field, e.message()))
                .ok()
        };
        let f = day("expire_from", &q.expire_from);
        let t = day("expire_to", &q.expire_to);
        if let (Some(f), Some(t)) = (f, t)
            && t < f
        {
            errors.add("expire_to", "The end date is before the start date.");
        }
        begin = f.map(|d| cbc_time(d.start_at(tz)));
        end = t.map(|d| cbc_time(d.end_at(tz)));
    }
    let status = match blank(&q.status) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n @ 2..=5) => Some(vec![n]),
            _ => {
                errors.add("status", "Choose a status from the list.");
                None
            }
        },
    };
    let service = blank(&q.service_type).map(str::to_owned);
    if service.as_ref().is_some_and(|s| {
        s.len() > 64
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    }) {
        errors.add(
            "service_type",
            "Use a service type code like hws.service.type.ec2.",
        );
    }
    let autorenew = match blank(&q.autorenew) {
        None => None,
        Some("on") => Some(true),
        Some("off") => Some(false),
        Some(_) => {
            errors.add("autorenew", "Choose on or off.");
            None
        }
    };
    let policy = match blank(&q.policy) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n @ 0..=5) => Some(n),
            _ => {
                errors.add("policy", "Choose a policy from the list.");
                None
            }
        },
    };
    let text = blank(&q.q).map(str::to_owned);
    if text.as_ref().is_some_and(|t| t.chars().count() > 128) {
        errors.add("q", "Search for at most 128 characters.");
    }
    let limit = match blank(&q.limit) {
        None => 20,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.add("limit", "Show between 1 and 100 resources per page.");
                20
            }
        },
    };
    let page = match parse_page(q.page.as_deref()) {
        Ok(p) => p,
        Err(m) => {
            errors.add("page", m);
            1
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Filter {
        req: ListPayPerUseCustomerResourcesRequest {
            status_list: status,
            expire_time_begin: begin,
            expire_time_end: end,
            service_type_code: service,
            ..Default::default()
        },
        autorenew,
        policy,
        text,
        page,
        limit,
    })
}

fn is_main(r: &CustomerResource) -> bool {
    r.is_main_resource == Some(1)
        || (r.is_main_resource.is_none()
            && r.parent_resource_id.as_deref().unwrap_or("").is_empty())
}

/// One resource row.
#[derive(Debug, Clone)]
pub struct ResourceRow {
    pub id: String,
    pub name: String,
    pub service: String,
    pub resource_type: String,
    pub region: String,
    pub status_name: &'static str,
    pub status_class: &'static str,
    pub expire: String,
    pub days_left: String,
    pub policy: &'static str,
    pub auto_renew: bool,
    pub attached: Vec<ResourceRow>,
}

fn row_of(r: &CustomerResource, tz: UtcOffset, now: OffsetDateTime) -> ResourceRow {
    let st = r.status.unwrap_or_default();
    let expire_t = r.expire_time.as_deref().and_then(format::parse_cbc_time);
    ResourceRow {
        id: r.resource_id.clone().unwrap_or_default(),
        name: r.resource_name.clone().unwrap_or_default(),
        service: r
            .service_type_name
            .clone()
            .or_else(|| r.service_type_code.clone())
            .unwrap_or_default(),
        resource_type: r
            .resource_type_name
            .clone()
            .or_else(|| r.resource_type_code.clone())
            .unwrap_or_default(),
        region: r.region_code.clone().unwrap_or_default(),
        status_name: status_name(st),
        status_class: match st {
            2 => "status-ok",
            5 | 4 => "status-err",
            _ => "status-warn",
        },
        expire: format::cbc_time(r.expire_time.as_deref(), tz),
        days_left: expire_t
            .map(|t| (t - now).whole_days().to_string())
            .unwrap_or_default(),
        policy: policy_name(r.expire_policy.unwrap_or(-1)),
        auto_renew: r.expire_policy == Some(POLICY_AUTO_RENEW),
        attached: Vec::new(),
    }
}

/// Groups attached resources under their primary; returns primaries in list order.
fn group(all: &[CustomerResource]) -> Vec<(&CustomerResource, Vec<&CustomerResource>)> {
    let mut children: HashMap<&str, Vec<&CustomerResource>> = HashMap::new();
    for r in all.iter().filter(|r| !is_main(r)) {
        if let Some(p) = r.parent_resource_id.as_deref() {
            children.entry(p).or_default().push(r);
        }
    }
    all.iter()
        .filter(|r| is_main(r))
        .map(|m| {
            let kids = children
                .remove(m.resource_id.as_deref().unwrap_or(""))
                .unwrap_or_default();
            (m, kids)
        })
        .collect()
}

fn keep(f: &Filter, main: &CustomerResource, kids: &[&CustomerResource]) -> bool {
    if let Some(on) = f.autorenew
        && (main.expire_policy == Some(POLICY_AUTO_RENEW)) != on
    {
        return false;
    }
    if let Some(p) = f.policy
        && main.expire_policy != Some(p)
    {
        return false;
    }
    if let Some(t) = &f.text {
        let t = t.to_lowercase();
        let hit = |r: &CustomerResource| {
            r.resource_id
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains(&t)
                || r.resource_name
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&t)
        };
        if !hit(main) && !kids.iter().any(|k| hit(k)) {
            return false;
        }
    }
    true
}

/// A select option.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// `templates/portal/renewals.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/renewals.html")]
pub struct RenewalsPage {
    pub ctx: PageContext,
    pub q: Vec<(&'static str, String)>,
    pub rows: Vec<ResourceRow>,
    pub pager: Option<Pager>,
    pub errors: FieldErrors,
    pub truncated: bool,
    pub stale: bool,
    pub key: String,
    pub deduction_key: String,
    pub expire_key: String,
    pub policies: Vec<Choice>,
    pub live: Vec<(String, &'static str, String)>,
}

impl RenewalsPage {
    /// The submitted value of a filter.
    pub fn val(&self, name: &str) -> &str {
        self.q
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

async fn list_page(
    state: &AppState,
    who: &Customer,
    q: &ResourceQuery,
    mut errors: FieldErrors,
) -> AppResult<RenewalsPage> {
    let tz = tz_of(who);
    let now = OffsetDateTime::now_utc();
    let policies = (0..=5)
        .map(|p| Choice {
            value: p.to_string(),
            label: policy_name(p).to_owned(),
        })
        .collect();
    let resource_actions: Vec<&str> = ActionKind::ALL
        .iter()
        .filter(|k| k.resource_type() != kind::ORDER)
        .map(|k| k.as_str())
        .collect();
    let live = crate::db::attempts::live_for_account(
        &state.db,
        who.cloud_account_id,
        &resource_actions,
        None,
    )
    .await?
    .into_iter()
    .map(|a| {
        (
            a.id.to_string(),
            ActionKind::parse(&a.action).map_or("Action", ActionKind::label),
            a.target.replace(',', ", "),
        )
    })
    .collect();
    let mut page = RenewalsPage {
        ctx: PageContext::new(state, &who.user.session, Some(&who.user), "renewals").await?,
        q: q.pairs(),
        rows: Vec::new(),
        pager: None,
        errors: FieldErrors::default(),
        truncated: false,
        stale: false,
        key: actions::new_key(),
        deduction_key: actions::new_key(),
        expire_key: actions::new_key(),
        policies,
        live,
    };
    let filter = match parse_filter(q, tz) {
        Ok(f) => f,
        Err(e) => {
            errors.0.extend(e.0);
            page.errors = errors;
            return Ok(page);
        }
    };
    page.errors = errors;
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let (all, truncated) = res::all_resources(state, &creds, &filter.req)
        .await
        .map_err(|e| AppError::upstream_read("Loading your resources", e))?;
    let ids: Vec<String> = all.iter().filter_map(|r| r.resource_id.clone()).collect();
    ownership::record(&state.db, who.cloud_account_id, kind::RESOURCE, &ids).await?;
    let groups: Vec<_> = group(&all)
        .into_iter()
        .filter(|(m, kids)| keep(&filter, m, kids))
        .collect();
    let pairs = q.pairs();
    let pager = Pager::new(
        "/renewals",
        filter.page,
        filter.limit,
        groups.len() as u64,
        &pairs,
    );
    page.rows = groups
        .iter()
        .skip(pager.offset() as usize)
        .take(filter.limit as usize)
        .map(|(m, kids)| {
            let mut row = row_of(m, tz, now);
            row.attached = kids.iter().map(|k| row_of(k, tz, now)).collect();
            row
        })
        .collect();
    page.pager = Some(pager);
    page.truncated = truncated;
    Ok(page)
}

fn page_response(page: RenewalsPage) -> Response {
    let code = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (code, page).into_response()
}

/// `GET /renewals`.
pub async fn list(
    State(state): State<AppState>,
    who: Customer,
    Query(q): Query<ResourceQuery>,
) -> AppResult<Response> {
    Ok(page_response(
        list_page(&state, &who, &q, FieldErrors::default()).await?,
    ))
}

/// The list again with form errors (422), no upstream action.
async fn rejected(state: &AppState, who: &Customer, errors: FieldErrors) -> AppResult<Response> {
    let page = list_page(state, who, &ResourceQuery::default(), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn one_error(field: &'static str, msg: impl Into<String>) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, msg);
    e
}

/// `GET /renewals/export.csv`.
pub async fn export(
    State(state): State<AppState>,
    who: Customer,
    Query(q): Query<ResourceQuery>,
) -> AppResult<Response> {
    let tz = tz_of(&who);
    // Refused filters get the list page with the messages next to the fields.
    let Ok(filter) = parse_filter(&q, tz) else {
        return list(State(state), who, Query(q)).await;
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let (all, _) = res::all_resources(&state, &creds, &filter.req)
        .await
        .map_err(|e| AppError::upstream_read("Exporting your resources", e))?;
    let ids: Vec<String> = all.iter().filter_map(|r| r.resource_id.clone()).collect();
    ownership::record(&state.db, who.cloud_account_id, kind::RESOURCE, &ids).await?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (m, kids) in group(&all).into_iter().filter(|(m, k)| keep(&filter, m, k)) {
        for r in std::iter::once(m).chain(kids) {
            rows.push(vec![
                Cell::from(r.resource_id.clone()),
                Cell::from(r.resource_name.clone()),
                Cell::from(if is_main(r) { "main" } else { "attached" }),
                Cell::from(r.parent_resource_id.clone()),
                Cell::from(
                    r.service_type_name
                        .clone()
                        .or_else(|| r.service_type_code.clone()),
                ),
                Cell::from(
                    r.resource_type_name
                        .clone()
                        .or_else(|| r.resource_type_code.clone()),
                ),
                Cell::from(r.region_code.clone()),
                Cell::from(status_name(r.status.unwrap_or_default())),
                Cell::Text(format::cbc_time(r.expire_time.as_deref(), tz)),
                Cell::from(policy_name(r.expire_policy.unwrap_or(-1))),
            ]);
        }
    }
    export::rows_csv(
        "renewals.csv",
        &[
            "Resource ID",
            "Name",
            "Role",
            "Primary resource",
            "Service",
            "Resource type",
            "Region",
            "Status",
            "Expires",
            "At expiry",
        ],
        rows,
    )
    .await
}

/// Parses the selected resource ids: 1 to [`MAX_SELECTED`], plain id characters.
fn selected(form: &Fields) -> Result<Vec<String>, FieldErrors> {
    let ids = form.all("resource_id");
    if ids.is_empty() {
        return Err(one_error("resource_id", "Select at least one resource."));
    }
    if ids.len() > MAX_SELECTED {
        return Err(one_error(
            "resource_id",
            format!("Select at most {MAX_SELECTED} resources at a time."),
        ));
    }
    if ids.iter().any(|id| {
        id.len() > 128
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    }) {
        return Err(one_error(
            "resource_id",
            "A selected resource id is not valid.",
        ));
    }
    Ok(ids)
}

/// Every resource of the account (any status), for ownership refreshes and main checks.
async fn account_resources(
    state: &AppState,
    creds: &AccountCredentials,
) -> AppResult<Vec<CustomerResource>> {
    let filter = ListPayPerUseCustomerResourcesRequest {
        status_list: Some(vec![2, 3, 4, 5]),
        ..Default::default()
    };
    Ok(res::all_resources(state, creds, &filter)
        .await
        .map_err(|e| AppError::upstream_read("Loading your resources", e))?
        .0)
}

/// 404 unless every id belongs to the account (nothing naming them goes upstream before);
/// 422 when one is an attached resource.
async fn owned_mains(
    state: &AppState,
    who: &Customer,
    creds: &AccountCredentials,
    ids: &[String],
) -> AppResult<Result<Vec<CustomerResource>, FieldErrors>> {
    for id in ids {
        ownership::ensure_owned(
            &state.db,
            who.cloud_account_id,
            kind::RESOURCE,
            id,
            || async {
                Ok(account_resources(state, creds)
                    .await?
                    .iter()
                    .filter_map(|r| r.resource_id.clone())
                    .collect())
            },
        )
        .await?;
    }
    let all = account_resources(state, creds).await?;
    let mut out = Vec::new();
    for id in ids {
        match all.iter().find(|r| r.resource_id.as_deref() == Some(id)) {
            Some(r) if is_main(r) => out.push(r.clone()),
            Some(r) => {
                return Ok(Err(one_error(
                    "resource_id",
                    format!(
                        "{id} is attached to {}; select its primary resource instead.",
                        r.parent_resource_id
                            .as_deref()
                            .unwrap_or("another resource")
                    ),
                )));
            }
            // Owned but no longer listed (e.g. deleted): let Huawei Cloud answer for it.
            None => out.push(CustomerResource {
                resource_id: Some(id.clone()),
                ..Default::default()
            }),
        }
    }
    Ok(Ok(out))
}

/// A stored renewal preview (in the session), keyed by the confirm form's idempotency key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPreview {
    key: String,
    ids: Vec<String>,
    period_type: i64,
    period_num: i64,
    total: String,
    currency: String,
    at: i64,
}

fn parse_period(form: &Fields) -> Result<(i64, i64), FieldErrors> {
    let unit = form.get("period_unit").unwrap_or("month");
    let n: i64 = form
        .get("period_num")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    match unit {
        "month" if (1..=11).contains(&n) => Ok((2, n)),
        "year" if (1..=3).contains(&n) => Ok((3, n)),
        "month" => Err(one_error("period_num", "Renew for 1 to 11 months.")),
        "year" => Err(one_error("period_num", "Renew for 1 to 3 years.")),
        _ => Err(one_error("period_unit", "Choose months or years.")),
    }
}

/// One row of the renewal preview.
#[derive(Debug, Clone)]
pub struct QuoteRow {
    pub id: String,
    pub name: String,
    pub expire: String,
    pub amount: String,
    pub error: String,
}

/// `templates/portal/renewals_preview.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/renewals_preview.html")]
pub struct RenewPreviewPage {
    pub ctx: PageContext,
    pub key: String,
    pub period: String,
    pub rows: Vec<QuoteRow>,
    pub official_total: String,
    pub discount_total: String,
    pub total: String,
    pub any_priced: bool,
}

fn period_words(pt: i64, n: i64) -> String {
    let unit = if pt == 3 { "year" } else { "month" };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// `POST /renewals/renew/preview`: prices the renewal; its page carries the confirm form.
pub async fn renew_preview(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let ids = match selected(&form) {
        Ok(ids) => ids,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let (pt, n) = match parse_period(&form) {
        Ok(p) => p,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let mains = match owned_mains(&state, &who, &creds, &ids).await? {
        Ok(m) => m,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let quote = res::renew_quote(&state, &creds, &ids, pt, n)
        .await
        .map_err(|e| AppError::upstream_read("Pricing the renewal", e))?;
    let tz = tz_of(&who);
    let cur = quote.currency.clone();
    let rows: Vec<QuoteRow> = quote
        .lines
        .iter()
        .map(|l| {
            let m = mains
                .iter()
                .find(|m| m.resource_id.as_deref() == Some(l.resource_id.as_str()));
            QuoteRow {
                id: l.resource_id.clone(),
                name: m.and_then(|m| m.resource_name.clone()).unwrap_or_default(),
                expire: format::cbc_time(m.and_then(|m| m.expire_time.as_deref()), tz),
                amount: l.amount.map(|a| format::money(a, &cur)).unwrap_or_default(),
                error: l.error.clone().unwrap_or_default(),
            }
        })
        .collect();
    let key = actions::new_key();
    let stored = StoredPreview {
        key: key.clone(),
        ids: ids.clone(),
        period_type: pt,
        period_num: n,
        total: format::decimal_plain(quote.total),
        currency: cur.clone(),
        at: OffsetDateTime::now_utc().unix_timestamp(),
    };
    let session = &who.user.session;
    let mut previews: Vec<StoredPreview> = session.get(PREVIEWS_KEY).await?.unwrap_or_default();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    previews.retain(|p| now - p.at < PREVIEW_TTL_SECS);
    previews.push(stored);
    if previews.len() > 5 {
        let cut = previews.len() - 5;
        previews.drain(..cut);
    }
    session.insert(PREVIEWS_KEY, &previews).await?;
    Ok(RenewPreviewPage {
        ctx: PageContext::new(&state, session, Some(&who.user), "renewals").await?,
        key,
        period: period_words(pt, n),
        any_priced: quote.lines.iter().any(|l| l.amount.is_some()),
        rows,
        official_total: format::money(quote.official_total, &cur),
        discount_total: format::money(quote.official_total - quote.total, &cur),
        total: format::money(quote.total, &cur),
    }
    .into_response())
}

/// `POST /renewals/renew`: renews what the preview priced; without a fresh preview it fails.
pub async fn renew(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => return rejected(&state, &who, one_error("renew", m)).await,
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let auto_pay = match form.get("auto_pay").map(str::trim) {
        None | Some("") => false,
        Some("yes") => true,
        Some(_) => {
            return rejected(
                &state,
                &who,
                one_error("auto_pay", "Tick the box or leave it."),
            )
            .await;
        }
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let previews: Vec<StoredPreview> = who
        .user
        .session
        .get(PREVIEWS_KEY)
        .await?
        .unwrap_or_default();
    let Some(p) = previews
        .into_iter()
        .find(|p| p.key == key.to_string() && now - p.at < PREVIEW_TTL_SECS)
    else {
        return rejected(
            &state,
            &who,
            one_error(
                "renew",
                "Review the renewal price first: the price preview is missing or older than 10 \
                 minutes. Nothing was renewed.",
            ),
        )
        .await;
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    if let Err(e) = owned_mains(&state, &who, &creds, &p.ids).await? {
        return rejected(&state, &who, e).await;
    }
    let fresh = res::fresh_resources(&state, &creds, &p.ids)
        .await
        .map_err(|e| AppError::upstream_read("Checking the resources", e))?;
    let expire_before: BTreeMap<String, String> = fresh
        .iter()
        .filter_map(|r| Some((r.resource_id.clone()?, r.expire_time.clone()?)))
        .collect();
    let summary = json!({
        "period_type": p.period_type,
        "period_num": p.period_num,
        "auto_pay": auto_pay,
        "quoted_total": p.total,
        "currency": p.currency,
    });
    let jobs = res::renew_jobs(
        &p.ids,
        p.period_type,
        p.period_num,
        auto_pay,
        &summary,
        &expire_before,
    );
    let first = busy_target(ActionKind::Renew, &p.ids, res::RENEW_MAX);
    let out = actions::submit(&state, &who, key, jobs).await?;
    after_submit(&state, &who, out, Some(first), "/renewals").await
}

fn busy_target(kind: ActionKind, ids: &[String], per_call: usize) -> (ActionKind, String) {
    let first: Vec<String> = ids.iter().take(per_call).cloned().collect();
    (kind, target_of(&first))
}

/// One row of the unsubscribe confirmation.
#[derive(Debug, Clone)]
pub struct UnsubscribeRow {
    pub id: String,
    pub name: String,
    pub service: String,
    pub expire: String,
    pub refund: String,
    pub attached: Vec<ResourceRow>,
}

/// `templates/portal/renewals_unsubscribe.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/renewals_unsubscribe.html")]
pub struct UnsubscribePage {
    pub ctx: PageContext,
    pub key: String,
    pub rows: Vec<UnsubscribeRow>,
    pub refund_total: String,
    pub reason: String,
    pub errors: FieldErrors,
}

async fn unsubscribe_page(
    state: &AppState,
    who: &Customer,
    creds: &AccountCredentials,
    mains: &[CustomerResource],
    reason: String,
    errors: FieldErrors,
) -> AppResult<UnsubscribePage> {
    let tz = tz_of(who);
    let now = OffsetDateTime::now_utc();
    let ids: Vec<String> = mains.iter().filter_map(|m| m.resource_id.clone()).collect();
    let all = account_resources(state, creds).await?;
    // Estimated refund: the unused part of the month price (Huawei decides the final amount).
    let quote = res::renew_quote(state, creds, &ids, 2, 1).await.ok();
    let cur = quote
        .as_ref()
        .map(|q| q.currency.clone())
        .unwrap_or_default();
    let mut total = Decimal::ZERO;
    let rows = mains
        .iter()
        .map(|m| {
            let id = m.resource_id.clone().unwrap_or_default();
            let left = m
                .expire_time
                .as_deref()
                .and_then(format::parse_cbc_time)
                .map(|t| (t - now).whole_days().max(0))
                .unwrap_or(0);
            let month = quote
                .as_ref()
                .and_then(|q| q.lines.iter().find(|l| l.resource_id == id))
                .and_then(|l| l.amount);
            let refund = month.map(|p| (p * Decimal::from(left) / Decimal::from(30)).round_dp(2));
            total += refund.unwrap_or_default();
            UnsubscribeRow {
                name: m.resource_name.clone().unwrap_or_default(),
                service: m
                    .service_type_name
                    .clone()
                    .or_else(|| m.service_type_code.clone())
                    .unwrap_or_default(),
                expire: format::cbc_time(m.expire_time.as_deref(), tz),
                refund: refund
                    .map(|r| format!("about {}", format::money(r, &cur)))
                    .unwrap_or_else(|| "not available".to_owned()),
                attached: all
                    .iter()
                    .filter(|r| r.parent_resource_id.as_deref() == Some(id.as_str()) && !is_main(r))
                    .map(|r| row_of(r, tz, now))
                    .collect(),
                id,
            }
        })
        .collect();
    Ok(UnsubscribePage {
        ctx: PageContext::new(state, &who.user.session, Some(&who.user), "renewals").await?,
        key: actions::new_key(),
        rows,
        refund_total: format::money(total, &cur),
        reason,
        errors,
    })
}

/// `POST /renewals/unsubscribe/review`: what goes, and the expected refund.
pub async fn unsubscribe_review(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let ids = match selected(&form) {
        Ok(ids) => ids,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let mains = match owned_mains(&state, &who, &creds, &ids).await? {
        Ok(m) => m,
        Err(e) => return rejected(&state, &who, e).await,
    };
    Ok(unsubscribe_page(
        &state,
        &who,
        &creds,
        &mains,
        String::new(),
        FieldErrors::default(),
    )
    .await?
    .into_response())
}

/// `POST /renewals/unsubscribe`: needs the "I understand" box.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let ids = match selected(&form) {
        Ok(ids) => ids,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => return rejected(&state, &who, one_error("resource_id", m)).await,
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let mains = match owned_mains(&state, &who, &creds, &ids).await? {
        Ok(m) => m,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let reason = form.get("reason").unwrap_or("").trim().to_owned();
    let mut errors = FieldErrors::default();
    if form.get("understand") != Some("yes") {
        errors.add(
            "understand",
            "Tick \"I understand\" to confirm that these resources and their attached resources \
             will be deleted.",
        );
    }
    if reason.chars().count() > 1024 {
        errors.add("reason", "Keep the reason under 1024 characters.");
    }
    if !errors.is_empty() {
        let page = unsubscribe_page(&state, &who, &creds, &mains, reason, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let summary = json!({ "unsubscribe_type": 1, "reason_given": !reason.is_empty() });
    let jobs = res::unsubscribe_jobs(&ids, (!reason.is_empty()).then_some(reason), &summary);
    let first = busy_target(ActionKind::Unsubscribe, &ids, res::RENEW_MAX);
    let out = actions::submit(&state, &who, key, jobs).await?;
    after_submit(&state, &who, out, Some(first), "/renewals").await
}

/// `POST /renewals/autorenew`: `op` on (with `autorenew_period` month/year) or off.
pub async fn autorenew(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let ids = match selected(&form) {
        Ok(ids) => ids,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let on = match form.get("op") {
        Some("on") => true,
        Some("off") => false,
        _ => return rejected(&state, &who, one_error("op", "Choose on or off.")).await,
    };
    let period = match (on, form.get("autorenew_period").unwrap_or("month")) {
        (_, "month") => "MONTH",
        (_, "year") => "YEAR",
        _ => {
            return rejected(
                &state,
                &who,
                one_error("autorenew_period", "Choose monthly or yearly renewal."),
            )
            .await;
        }
    };
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => return rejected(&state, &who, one_error("resource_id", m)).await,
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    if let Err(e) = owned_mains(&state, &who, &creds, &ids).await? {
        return rejected(&state, &who, e).await;
    }
    let (kind, jobs) = if on {
        let summary = json!({ "period_type": period });
        (
            ActionKind::AutoRenewOn,
            res::autorenew_on_jobs(&ids, period, &summary),
        )
    } else {
        (
            ActionKind::AutoRenewOff,
            res::autorenew_off_jobs(&ids, &json!({})),
        )
    };
    let first = busy_target(kind, &ids, 1);
    let out = actions::submit(&state, &who, key, jobs).await?;
    after_submit(&state, &who, out, Some(first), "/renewals").await
}

/// `POST /renewals/to-on-demand`: `op` set (pay-per-use at expiry) or cancel.
pub async fn to_on_demand(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let ids = match selected(&form) {
        Ok(ids) => ids,
        Err(e) => return rejected(&state, &who, e).await,
    };
    let set = match form.get("op") {
        Some("set") => true,
        Some("cancel") => false,
        _ => return rejected(&state, &who, one_error("op", "Choose set or cancel.")).await,
    };
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => return rejected(&state, &who, one_error("resource_id", m)).await,
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    if let Err(e) = owned_mains(&state, &who, &creds, &ids).await? {
        return rejected(&state, &who, e).await;
    }
    let kind = if set {
        ActionKind::ToOnDemandSet
    } else {
        ActionKind::ToOnDemandCancel
    };
    let summary = json!({ "operation": if set { "SET_UP" } else { "CANCEL" } });
    let jobs = res::to_on_demand_jobs(&ids, set, &summary);
    let first = busy_target(kind, &ids, res::TO_ON_DEMAND_MAX);
    let out = actions::submit(&state, &who, key, jobs).await?;
    after_submit(&state, &who, out, Some(first), "/renewals").await
}

/// `POST /renewals/settings`: `setting` deduction (day 2-7 before expiry) or expire (day of
/// month 1-28), `value`.
pub async fn settings(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let value: Option<i64> = form.get("value").and_then(|v| v.trim().parse().ok());
    let (name, field, ok) = match form.get("setting") {
        Some("deduction") => ("DEDUCTION_DATE", "deduction_value", (2..=7)),
        Some("expire") => ("EXPIRE_DATE", "expire_value", (1..=28)),
        _ => return rejected(&state, &who, one_error("setting", "Choose a setting.")).await,
    };
    let Some(value) = value.filter(|v| ok.contains(v)) else {
        let msg = if name == "DEDUCTION_DATE" {
            "Choose 2 to 7 days before expiry."
        } else {
            "Choose a day of the month from 1 to 28."
        };
        return rejected(&state, &who, one_error(field, msg)).await;
    };
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => return rejected(&state, &who, one_error(field, m)).await,
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let job = res::renew_config_job(
        name,
        value,
        json!({ "config_name": name, "config_value": value }),
    );
    let target = (ActionKind::RenewConfig, format!("account:{name}"));
    let out = actions::submit(&state, &who, key, vec![job]).await?;
    after_submit(&state, &who, out, Some(target), "/renewals").await
}
