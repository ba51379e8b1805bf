//! `/coupons`: the account's coupons with status, value, balance, validity and usage limits;
//! filter by status and type, sort by expiry (or value), export as CSV.
//!
//! CBC cannot sort coupons, and an account holds few of them, so the page reads one cached list
//! (the same request the dashboard uses) and filters, sorts and pages it here.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;

use super::view::{self, Col, Dir, FieldErrors, Filter, ListPage, Staleness, Td, Viewer};
use crate::auth::Customer;
use crate::cbc::ops::ListSubCustomerCouponsRequest;
use crate::cbc::ops::coupons::UserCoupon;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::format;
use crate::web::paging::Pager;

pub const COUPONS: &str = "/coupons";
const LIMIT: i64 = 1000;
const STATUSES: &[(&str, &str)] = &[
    ("1", "Not activated"),
    ("2", "Available"),
    ("3", "Used"),
    ("4", "Expired"),
    ("5", "Reclaimed"),
];
const TYPES: &[(&str, &str)] = &[
    ("1", "Cash coupon"),
    ("2", "Discount coupon"),
    ("3", "Product coupon"),
    ("4", "Flexi-purchase coupon"),
];

/// Routes of the coupons page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(COUPONS, get(coupons))
        .route("/coupons/export", get(export))
}

/// Every coupon of the account in one request (shared with the dashboard's cache entry).
pub fn all_req() -> ListSubCustomerCouponsRequest {
    ListSubCustomerCouponsRequest {
        offset: Some(0),
        limit: Some(LIMIT),
        ..Default::default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CouponQuery {
    status: Option<String>,
    coupon_type: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

struct Checked {
    status: Option<i64>,
    coupon_type: Option<i64>,
    sort: &'static str,
    dir: Dir,
    page: u64,
    size: u64,
    errors: FieldErrors,
}

fn check(q: &CouponQuery) -> Checked {
    let mut errors = FieldErrors::default();
    let status = view::check_enum(&mut errors, "status", "status", &q.status, &[1, 2, 3, 4, 5]);
    let coupon_type = view::check_enum(
        &mut errors,
        "coupon_type",
        "coupon type",
        &q.coupon_type,
        &[1, 2, 3, 4],
    );
    let sort = match view::opt(&q.sort) {
        None | Some("expiry") => "expiry",
        Some("value") => "value",
        Some("balance") => "balance",
        Some(_) => {
            errors.add("sort", "Coupons can be sorted by expiry, value or balance.");
            "expiry"
        }
    };
    let dir = view::check_dir(&mut errors, &q.dir, Dir::Asc);
    let (page, size) = view::check_paging(&mut errors, &q.page, &q.size, 25);
    Checked {
        status,
        coupon_type,
        sort,
        dir,
        page,
        size,
        errors,
    }
}

impl Checked {
    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "status",
                self.status.map(|s| s.to_string()).unwrap_or_default(),
            ),
            (
                "coupon_type",
                self.coupon_type.map(|s| s.to_string()).unwrap_or_default(),
            ),
            ("sort", self.sort.to_owned()),
            ("dir", self.dir.as_str().to_owned()),
            ("size", self.size.to_string()),
        ]
    }
}

fn expiry(c: &UserCoupon) -> Option<OffsetDateTime> {
    c.expire_time.as_deref().and_then(format::parse_cbc_time)
}

fn limits(c: &UserCoupon) -> String {
    if c.use_limits.is_empty() {
        return "Any service".to_owned();
    }
    c.use_limits
        .iter()
        .map(|l| {
            let key = l.limit_key.as_deref().unwrap_or("limit");
            let val = [l.value1.as_deref(), l.value2.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("–");
            let unit = l.value_unit.as_deref().unwrap_or_default();
            format!(
                "{key}: {val}{}{unit}",
                if unit.is_empty() { "" } else { " " }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn pill(status: Option<i64>) -> &'static str {
    match status {
        Some(2) => "ok",
        Some(1) => "warn",
        _ => "err",
    }
}

async fn coupons(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CouponQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q);
    let mut page = ListPage::new(v.ctx(&state, "coupons").await?, "Coupons", COUPONS);
    page.intro =
        "Coupons of your account: what they are worth, what is left and when they expire.".into();
    let status = c.status.map(|s| s.to_string()).unwrap_or_default();
    let ctype = c.coupon_type.map(|s| s.to_string()).unwrap_or_default();
    page.filters = vec![
        Filter::select("status", "Status", &status, STATUSES).errors(&c.errors),
        Filter::select("coupon_type", "Type", &ctype, TYPES).errors(&c.errors),
        Filter::select(
            "dir",
            "Expiry order",
            c.dir.as_str(),
            &[("asc", "Soonest first"), ("desc", "Latest first")],
        )
        .errors(&c.errors),
    ];
    page.form_error = c.errors.summary();
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let res = v.read(&state, "Loading your coupons", &all_req()).await?;
    let mut st = Staleness::default();
    st.see(&res);
    let mut items: Vec<&UserCoupon> = res
        .user_coupons
        .iter()
        .filter(|x| c.status.is_none_or(|s| x.status == Some(s)))
        .filter(|x| c.coupon_type.is_none_or(|t| x.coupon_type == Some(t)))
        .collect();
    match c.sort {
        "value" => items.sort_by_key(|x| view::major(x.face_value, x.measure_id)),
        "balance" => items.sort_by_key(|x| view::major(x.balance, x.measure_id)),
        _ => items.sort_by_key(|x| expiry(x).unwrap_or(OffsetDateTime::UNIX_EPOCH)),
    }
    if c.dir == Dir::Desc {
        items.reverse();
    }
    let f = c.filters();
    let pager = Pager::new(COUPONS, c.page, c.size, items.len() as u64, &f);
    let start = (pager.offset() as usize).min(items.len());
    let end = (start + pager.per_page as usize).min(items.len());
    let cur = (c.sort, c.dir);
    page.cols = vec![
        Col::text("Coupon"),
        Col::text("Type"),
        Col::text("Status"),
        Col::num("Value").sortable(COUPONS, &f, "value", cur),
        Col::num("Balance").sortable(COUPONS, &f, "balance", cur),
        Col::text("Valid from"),
        Col::text("Expires").sortable(COUPONS, &f, "expiry", cur),
        Col::text("Usage limits"),
    ];
    page.rows = items[start..end]
        .iter()
        .map(|x| {
            let cur = x.currency.clone().unwrap_or_default();
            vec![
                Td::t(format!(
                    "{} ({})",
                    view::text(x.plan_name.as_deref()),
                    view::text(x.coupon_id.as_deref())
                )),
                Td::t(view::names::coupon_type(x.coupon_type)),
                Td::pill(view::names::coupon_status(x.status), pill(x.status)),
                Td::n(view::money(x.face_value, x.measure_id, &cur)),
                Td::n(view::money(x.balance, x.measure_id, &cur)),
                Td::t(view::time_in(x.valid_time.as_deref(), v.tz)),
                Td::t(view::time_in(x.expire_time.as_deref(), v.tz)),
                Td::t(limits(x)),
            ]
        })
        .collect();
    page.count_label = format!("{} coupons", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/coupons/export", &f));
    page.empty = if c.status.is_some() || c.coupon_type.is_some() {
        "No coupon matches these filters. Reset the filters to see all coupons.".into()
    } else {
        "Your account has no coupons. Coupons from Huawei Cloud promotions appear here once granted.".into()
    };
    page.stale = st.notice();
    Ok(page.respond())
}

async fn export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CouponQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds, status, ctype) = (state.cbc.clone(), v.creds.clone(), c.status, c.coupon_type);
    export::paged_csv(
        "coupons.csv",
        &[
            "coupon_id",
            "plan",
            "type",
            "status",
            "face_value",
            "balance",
            "currency",
            "valid_from_utc",
            "expires_utc",
            "usage_limits",
        ],
        LIMIT,
        move |offset, limit| {
            let (cbc, creds) = (cbc.clone(), creds.clone());
            let req = ListSubCustomerCouponsRequest {
                status,
                coupon_type: ctype,
                offset: Some(offset),
                limit: Some(limit),
                ..Default::default()
            };
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting coupons", e))?;
                let n = r.user_coupons.len();
                let rows = r
                    .user_coupons
                    .iter()
                    .map(|x| {
                        vec![
                            Cell::from(x.coupon_id.clone()),
                            Cell::from(x.plan_name.clone()),
                            Cell::from(view::names::coupon_type(x.coupon_type)),
                            Cell::from(view::names::coupon_status(x.status)),
                            Cell::Money(view::major(x.face_value, x.measure_id)),
                            Cell::Money(view::major(x.balance, x.measure_id)),
                            Cell::from(x.currency.clone()),
                            Cell::from(x.valid_time.clone()),
                            Cell::from(x.expire_time.clone()),
                            Cell::from(limits(x)),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.count))
            }
        },
    )
    .await
}
