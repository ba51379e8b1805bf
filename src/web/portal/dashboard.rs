//! `/`: the customer dashboard. Balance, expenditure quota, coupons about to expire, orders
//! waiting for payment, resources about to expire and this month's spend against last month's.
//!
//! Its upstream reads (seven when cold) run concurrently, so a cold dashboard costs about one round trip;
//! their requests are the same as the detail pages' where possible, so they share cache entries.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime, Time};

use super::account::{BalanceView, QuotaView};
use super::view::{self, Cycle, Staleness, Viewer};
use super::{bills, coupons};
use crate::auth::{CurrentUser, Customer};
use crate::cbc::ops::{
    ListCustomerOrdersRequest, ListPayPerUseCustomerResourcesRequest,
    ShowCustomerAccountBalancesRequest, ShowCustomerExpenditureQuotaRequest,
};
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

/// `templates/portal/dashboard.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/dashboard.html")]
pub struct DashboardPage {
    pub ctx: PageContext,
    pub balances: BalanceView,
    pub quota: Option<QuotaView>,
    pub coupons_expiring: usize,
    pub coupons_expiring_value: String,
    pub pending_orders: i64,
    pub expiring: Vec<Expiring>,
    pub this_month: String,
    pub last_month: String,
    pub this_cycle: String,
    pub last_cycle: String,
    /// `+12.5 % on last month` or empty.
    pub trend: String,
    pub trend_up: bool,
    pub stale: Option<String>,
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
) -> AppResult<(Decimal, String)> {
    let key = (v.customer.cloud_account_id, cycle.to_string());
    if let Some(hit) = closed_totals().get(&key).await {
        return Ok(hit);
    }
    let r = v
        .read(
            state,
            "Loading last month's bill",
            &bills::monthly_sum_req(cycle, None),
        )
        .await?;
    let total = (
        view::major(r.consume_amount, r.measure_id),
        r.currency.clone().unwrap_or_default(),
    );
    if !r.stale {
        closed_totals().insert(key, total.clone()).await;
    }
    Ok(total)
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
    let (bal, quota, coup, orders, expiring, sum_this, (last_total, last_currency)) = tokio::try_join!(
        v.read(
            &state,
            "Loading your balances",
            &ShowCustomerAccountBalancesRequest {}
        ),
        v.read(
            &state,
            "Loading your expenditure quota",
            &ShowCustomerExpenditureQuotaRequest {}
        ),
        v.read(&state, "Loading your coupons", &coupons_req),
        v.read(&state, "Loading orders pending payment", &orders_req),
        v.read(&state, "Loading expiring resources", &expiring_req),
        v.read(&state, "Loading this month's bill", &this_req),
        closed_cycle_total(&state, &v, last),
    )?;
    let mut st = Staleness::default();
    st.see(&bal);
    st.see(&quota);
    st.see(&coup);
    st.see(&orders);
    st.see(&expiring);
    st.see(&sum_this);

    let soon = now + Duration::days(30);
    let currency = bal.currency.clone().unwrap_or_default();
    let mut coupon_value = Decimal::ZERO;
    let coupons_expiring = coup
        .user_coupons
        .iter()
        .filter(|c| c.status == Some(2))
        .filter(|c| {
            c.expire_time
                .as_deref()
                .and_then(format::parse_cbc_time)
                .is_some_and(|t| t >= now && t <= soon)
        })
        .inspect(|c| coupon_value += view::major(c.balance.or(c.face_value), c.measure_id))
        .count();

    let expiry_times: Vec<OffsetDateTime> = expiring
        .data
        .iter()
        .filter_map(|r| r.expire_time.as_deref().and_then(format::parse_cbc_time))
        .collect();
    let capped = expiring.total_count.unwrap_or_default() > expiry_times.len() as i64;
    let expiring_counts = [7u32, 15, 30]
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
        .collect();

    let spend = |s: &crate::cbc::ops::ShowCustomerMonthlySumResponse| {
        view::major(s.consume_amount, s.measure_id)
    };
    let sum_cur = sum_this
        .currency
        .clone()
        .filter(|c| !c.is_empty())
        .or(Some(last_currency).filter(|c| !c.is_empty()))
        .unwrap_or_else(|| currency.clone());
    let (a, b) = (spend(&sum_this), last_total);
    let trend = if b.is_zero() {
        String::new()
    } else {
        let pct = ((a - b) * Decimal::ONE_HUNDRED / b).round_dp(1);
        let sign = if pct > Decimal::ZERO { "+" } else { "" };
        format!("{sign}{pct} % on last month so far")
    };

    Ok(DashboardPage {
        ctx: v.ctx(&state, "dashboard").await?,
        balances: BalanceView::from(&bal),
        quota: QuotaView::from(&quota),
        coupons_expiring,
        coupons_expiring_value: format::money(coupon_value, &currency),
        pending_orders: orders.total_count.unwrap_or_default(),
        expiring: expiring_counts,
        this_month: format::money(a, &sum_cur),
        last_month: format::money(b, &sum_cur),
        this_cycle: this.to_string(),
        last_cycle: last.to_string(),
        trend,
        trend_up: a > b,
        stale: st.notice(),
    }
    .into_response())
}
