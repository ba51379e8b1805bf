//! `/`: the customer dashboard. Balance, expenditure quota, coupons about to expire, orders
//! waiting for payment, resources about to expire and this month's spend against last month's.
//!
//! Its upstream reads (seven when cold) run concurrently, so a cold dashboard costs about one round trip;
//! their requests are the same as the detail pages' where possible, so they share cache entries.
//! A failed read shows its error inside its own tile; the page is a 502/503 (still the portal
//! layout) only when every read failed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime, Time};

use super::account::{BalanceView, QuotaView};
use super::view::{self, Cycle, Staleness, Viewer};
use super::{bills, coupons};
use crate::auth::{CurrentUser, Customer};
use crate::cbc::ops::Operation;
use crate::cbc::ops::{
    ListCustomerOrdersRequest, ListPayPerUseCustomerResourcesRequest,
    ShowCustomerAccountBalancesRequest, ShowCustomerExpenditureQuotaRequest,
};
use crate::cbc::{Cached, CbcError};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;
use crate::web::urls;

/// Resources fetched for the expiry counts (CBC pages them; more show as "500+").
const EXPIRY_LIMIT: i64 = 500;

/// One "expiring within N days" count.
#[derive(Debug, Clone)]
pub struct Expiring {
    pub days: u32,
    pub count: String,
    pub href: String,
}

/// What one tile could not load, shown inside that tile instead of its value.
#[derive(Debug, Clone)]
pub struct TileError {
    /// `Balance unavailable: <what the customer can do about it>`.
    pub message: String,
    /// CBC's error code, when CBC answered with one.
    pub code: Option<String>,
    /// Huawei's request id, when CBC answered.
    pub upstream_request_id: Option<String>,
}

impl TileError {
    /// Describes `e` for the tile `what` ("Balance"); logs the cause once.
    fn new(what: &str, e: &CbcError) -> Self {
        tracing::warn!(tile = what, error = %e, "dashboard tile unavailable");
        let code = match e {
            CbcError::Upstream { error_code, .. }
            | CbcError::Throttled { error_code, .. }
            | CbcError::SignatureRejected { error_code, .. } => {
                Some(error_code.clone()).filter(|c| !c.is_empty())
            }
            _ => None,
        };
        Self {
            message: format!("{what} unavailable: {}", e.user_message()),
            code,
            upstream_request_id: e.request_id().map(str::to_owned),
        }
    }
}

/// A tile's value, or why it could not be loaded.
pub type Tile<T> = Result<T, TileError>;

/// The spend tile: this month so far and, when known, last month.
#[derive(Debug, Clone)]
pub struct SpendView {
    pub this_month: String,
    pub last_month: Tile<String>,
    /// `+12.5 % on last month` or empty.
    pub trend: String,
    pub trend_up: bool,
}

/// The coupons tile.
#[derive(Debug, Clone)]
pub struct CouponsView {
    pub expiring: usize,
    pub value: String,
}

/// `templates/portal/dashboard.html`. Each tile is loaded on its own: a failed read shows its
/// error inside its tile while the others render.
#[derive(Template, WebTemplate)]
#[template(path = "portal/dashboard.html")]
pub struct DashboardPage {
    pub ctx: PageContext,
    pub balances: Tile<BalanceView>,
    pub quota: Tile<Option<QuotaView>>,
    pub coupons: Tile<CouponsView>,
    pub pending_orders: Tile<i64>,
    pub expiring: Tile<Vec<Expiring>>,
    pub spend: Tile<SpendView>,
    pub this_cycle: String,
    pub last_cycle: String,
    pub stale: Option<String>,
    /// Nothing could be loaded: the page says so above the (failed) tiles.
    pub all_failed: bool,
}

/// The expiry window: from the start of today (UTC) for 31 days, so the request (and its cache
/// key) stays the same all day; the 7/15/30-day counts are made here against the exact time.
pub fn expiring_req(now: OffsetDateTime) -> ListPayPerUseCustomerResourcesRequest {
    let day = now
        .to_offset(time::UtcOffset::UTC)
        .replace_time(Time::MIDNIGHT);
    let fmt = |t: OffsetDateTime| {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    ListPayPerUseCustomerResourcesRequest {
        only_main_resource: Some(1),
        status_list: Some(vec![2]),
        offset: Some(0),
        limit: Some(EXPIRY_LIMIT),
        expire_time_begin: Some(fmt(day)),
        expire_time_end: Some(fmt(day + Duration::days(31))),
        ..Default::default()
    }
}

/// Totals of closed billing cycles per (account, cycle), kept for an hour. CBC allows 10
/// calls/s per operation, so the client spaces two calls of one operation by an eighth of a
/// second; remembering last month's (final) total keeps the dashboard at one round trip.
fn closed_totals() -> &'static moka::future::Cache<(uuid::Uuid, String), (Decimal, String)> {
    static C: std::sync::OnceLock<moka::future::Cache<(uuid::Uuid, String), (Decimal, String)>> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        moka::future::Cache::builder()
            .max_capacity(10_000)
            .time_to_live(std::time::Duration::from_secs(3600))
            .build()
    })
}

/// The spend of a closed cycle (major units) and its currency.
async fn closed_cycle_total(
    state: &AppState,
    v: &Viewer,
    cycle: Cycle,
) -> Result<(Decimal, String), CbcError> {
    let key = (v.customer.cloud_account_id, cycle.to_string());
    if let Some(hit) = closed_totals().get(&key).await {
        return Ok(hit);
    }
    let r = read(state, v, &bills::monthly_sum_req(cycle, None)).await?;
    let total = (
        view::major(r.consume_amount, r.measure_id),
        r.currency.clone().unwrap_or_default(),
    );
    if !r.stale {
        closed_totals().insert(key, total.clone()).await;
    }
    Ok(total)
}

/// A cached read of the viewer's account that leaves the failure to the tile.
async fn read<O: Operation>(
    state: &AppState,
    v: &Viewer,
    req: &O,
) -> Result<Cached<O::Response>, CbcError> {
    state.cbc.cached(&v.creds, req).await
}

/// The status of a dashboard of which nothing loaded: 503 when every read was refused before
/// it was sent or throttled (try again shortly), 502 otherwise.
fn all_failed_status(errors: &[&CbcError]) -> StatusCode {
    let temporary = |e: &&CbcError| {
        matches!(
            e,
            CbcError::Throttled { .. } | CbcError::Busy { .. } | CbcError::CircuitOpen { .. }
        )
    };
    if !errors.is_empty() && errors.iter().all(temporary) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_GATEWAY
    }
}

/// `/`: staff go to the admin area; customers see their dashboard.
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if user.role() == Role::Staff {
        return Ok(Redirect::to(urls::ADMIN).into_response());
    }
    let Some(cloud_account_id) = user.user.cloud_account_id else {
        return Err(AppError::Forbidden);
    };
    let v = Viewer::load(
        &state,
        Customer {
            user,
            cloud_account_id,
        },
    )
    .await?;
    let now = OffsetDateTime::now_utc();
    let this = Cycle::current(now);
    let last = this.minus(1);
    let orders_req = ListCustomerOrdersRequest {
        status: Some(6),
        offset: Some(0),
        limit: Some(1),
        ..Default::default()
    };
    let (coupons_req, expiring_req, this_req) = (
        coupons::all_req(),
        expiring_req(now),
        bills::monthly_sum_req(this, None),
    );
    // All reads at once (one round trip); each failure stays in its own tile.
    let (bal, quota, coup, orders, expiring, sum_this, last_total) = tokio::join!(
        read(&state, &v, &ShowCustomerAccountBalancesRequest {}),
        read(&state, &v, &ShowCustomerExpenditureQuotaRequest {}),
        read(&state, &v, &coupons_req),
        read(&state, &v, &orders_req),
        read(&state, &v, &expiring_req),
        read(&state, &v, &this_req),
        closed_cycle_total(&state, &v, last),
    );
    let mut st = Staleness::default();
    let mut errors: Vec<&CbcError> = Vec::new();
    macro_rules! note {
        ($r:expr) => {
            match &$r {
                Ok(c) => st.see(c),
                Err(e) => errors.push(e),
            }
        };
    }
    note!(bal);
    note!(quota);
    note!(coup);
    note!(orders);
    note!(expiring);
    note!(sum_this);
    if let Err(e) = &last_total {
        errors.push(e);
    }
    let all_failed = errors.len() == 7;
    let status = if all_failed {
        all_failed_status(&errors)
    } else {
        StatusCode::OK
    };

    // The account's currency, from whichever read has it.
    let currency = [
        bal.as_ref().ok().and_then(|b| b.currency.clone()),
        sum_this.as_ref().ok().and_then(|s| s.currency.clone()),
        last_total.as_ref().ok().map(|(_, c)| c.clone()),
    ]
    .into_iter()
    .flatten()
    .find(|c| !c.is_empty())
    .unwrap_or_default();

    let soon = now + Duration::days(30);
    let coupons = match &coup {
        Ok(coup) => {
            let mut value = Decimal::ZERO;
            let expiring = coup
                .user_coupons
                .iter()
                .filter(|c| c.status == Some(2))
                .filter(|c| {
                    c.expire_time
                        .as_deref()
                        .and_then(format::parse_cbc_time)
                        .is_some_and(|t| t >= now && t <= soon)
                })
                .inspect(|c| value += view::major(c.balance.or(c.face_value), c.measure_id))
                .count();
            Ok(CouponsView {
                expiring,
                value: format::money(value, &currency),
            })
        }
        Err(e) => Err(TileError::new("Coupons", e)),
    };

    let expiring = match &expiring {
        Ok(expiring) => Ok(expiring_counts(now, expiring)),
        Err(e) => Err(TileError::new("Expiring resources", e)),
    };

    let spend = match &sum_this {
        Ok(sum_this) => {
            let sum_cur = sum_this
                .currency
                .clone()
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| currency.clone());
            let a = view::major(sum_this.consume_amount, sum_this.measure_id);
            let (last_month, trend, trend_up) = match &last_total {
                Ok((b, _)) => {
                    let trend = if b.is_zero() {
                        String::new()
                    } else {
                        let pct = ((a - *b) * Decimal::ONE_HUNDRED / *b).round_dp(1);
                        let sign = if pct > Decimal::ZERO { "+" } else { "" };
                        format!("{sign}{pct} % on last month so far")
                    };
                    (Ok(format::money(*b, &sum_cur)), trend, a > *b)
                }
                Err(e) => (
                    Err(TileError::new("Last month's spend", e)),
                    String::new(),
                    false,
                ),
            };
            Ok(SpendView {
                this_month: format::money(a, &sum_cur),
                last_month,
                trend,
                trend_up,
            })
        }
        Err(e) => Err(TileError::new("Spend this month", e)),
    };

    let page = DashboardPage {
        ctx: v.ctx(&state, "dashboard").await?,
        balances: bal
            .as_ref()
            .map(|b| BalanceView::from(b))
            .map_err(|e| TileError::new("Balance", e)),
        quota: quota
            .as_ref()
            .map(|q| QuotaView::from(q))
            .map_err(|e| TileError::new("Expenditure quota", e)),
        coupons,
        pending_orders: orders
            .as_ref()
            .map(|o| o.total_count.unwrap_or_default())
            .map_err(|e| TileError::new("Orders pending payment", e)),
        expiring,
        spend,
        this_cycle: this.to_string(),
        last_cycle: last.to_string(),
        stale: st.notice(),
        all_failed,
    };
    Ok((status, page).into_response())
}

/// The 7/15/30-day expiry counts from the resources expiring within 31 days.
fn expiring_counts(
    now: OffsetDateTime,
    expiring: &crate::cbc::ops::ListPayPerUseCustomerResourcesResponse,
) -> Vec<Expiring> {
    let expiry_times: Vec<OffsetDateTime> = expiring
        .data
        .iter()
        .filter_map(|r| r.expire_time.as_deref().and_then(format::parse_cbc_time))
        .collect();
    let capped = expiring.total_count.unwrap_or_default() > expiry_times.len() as i64;
    [7u32, 15, 30]
        .into_iter()
        .map(|days| {
            let until = now + Duration::days(i64::from(days));
            let n = expiry_times
                .iter()
                .filter(|t| **t >= now && **t <= until)
                .count();
            Expiring {
                days,
                count: if capped && days == 30 {
                    format!("{n}+")
                } else {
                    n.to_string()
                },
                href: format!("/renewals?expiring={days}"),
            }
        })
        .collect()
}
