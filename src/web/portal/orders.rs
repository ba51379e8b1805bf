//! Orders: the list (filters, pages, CSV export), one order's details, and the pay and cancel
//! actions for pending-payment orders.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use time::{OffsetDateTime, UtcOffset};

use super::actions::{Fields, after_submit, repeat_of, tz_of};
use crate::actions::orders::{self as order_actions, Benefit, PENDING_PAYMENT, status_name};
use crate::actions::resources::cbc_time;
use crate::actions::{self, ActionKind, parse_key};
use crate::auth::extract::{Customer, Manager};
use crate::cbc::AccountCredentials;
use crate::cbc::ops::orders::CustomerOrder;
use crate::cbc::ops::{
    ListCustomerOrdersRequest, ListOrderDiscountsRequest, ListSubCustomerCouponsRequest,
    ShowCustomerOrderDetailsRequest, ShowRefundOrderDetailsRequest,
};
use crate::domain::Day;
use crate::error::{AppError, AppResult};
use crate::ownership::{self, kind};
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::format;
use crate::web::page::{PageContext, flash};
use crate::web::paging::{Pager, parse_page};
use crate::web::public::FieldErrors;

/// Order statuses CBC filters by.
pub const FILTER_STATUSES: [i64; 6] = [1, 3, 4, 5, 6, 9];
/// Order types.
pub const ORDER_TYPES: [i64; 9] = [1, 2, 3, 4, 10, 11, 13, 14, 15];
/// Largest page CBC serves.
const MAX_LIMIT: u64 = 100;

/// Words for an order type.
pub fn type_name(t: i64) -> &'static str {
    match t {
        1 => "New purchase",
        2 => "Renewal",
        3 => "Modification",
        4 => "Unsubscription",
        10 => "To pay-per-use",
        11 => "To yearly/monthly",
        13 => "Trial",
        14 => "Trial to commercial",
        15 => "Fee adjustment",
        _ => "Other",
    }
}

/// The list's query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct OrderQuery {
    pub status: Option<String>,
    pub order_type: Option<String>,
    pub service_type: Option<String>,
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    pub paid_from: Option<String>,
    pub paid_to: Option<String>,
    pub order_id: Option<String>,
    pub limit: Option<String>,
    pub page: Option<String>,
}

impl OrderQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default().trim().to_owned();
        vec![
            ("status", v(&self.status)),
            ("order_type", v(&self.order_type)),
            ("service_type", v(&self.service_type)),
            ("created_from", v(&self.created_from)),
            ("created_to", v(&self.created_to)),
            ("paid_from", v(&self.paid_from)),
            ("paid_to", v(&self.paid_to)),
            ("order_id", v(&self.order_id)),
            ("limit", v(&self.limit)),
        ]
    }
}

fn blank(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_day(raw: Option<&str>, field: &'static str, errors: &mut FieldErrors) -> Option<Day> {
    Day::parse(raw?)
        .map_err(|e| errors.add(field, e.message()))
        .ok()
}

/// A validated date range as CBC time strings; at most one year long.
fn range(
    from: Option<&str>,
    to: Option<&str>,
    names: (&'static str, &'static str),
    tz: UtcOffset,
    errors: &mut FieldErrors,
) -> (Option<String>, Option<String>) {
    let f = parse_day(from, names.0, errors);
    let t = parse_day(to, names.1, errors);
    if let (Some(f), Some(t)) = (f, t) {
        if t < f {
            errors.add(names.1, "The end date is before the start date.");
        } else if (t.date() - f.date()).whole_days() > 365 {
            errors.add(names.1, "The range can be at most one year.");
        }
    }
    (
        f.map(|d| cbc_time(d.start_at(tz))),
        t.map(|d| cbc_time(d.end_at(tz))),
    )
}

/// A parsed, validated list filter.
struct Filter {
    req: ListCustomerOrdersRequest,
    page: u64,
    limit: u64,
}

fn parse_filter(q: &OrderQuery, tz: UtcOffset) -> Result<Filter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let status = match blank(&q.status) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if FILTER_STATUSES.contains(&n) => Some(n),
            _ => {
                errors.add("status", "Choose a status from the list.");
                None
            }
        },
    };
    let order_type = match blank(&q.order_type) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if ORDER_TYPES.contains(&n) => Some(n.to_string()),
            _ => {
                errors.add("order_type", "Choose an order type from the list.");
                None
            }
        },
    };
    let service_type = blank(&q.service_type).map(str::to_owned);
    if service_type.as_ref().is_some_and(|s| {
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
    let order_id = blank(&q.order_id).map(str::to_owned);
    if order_id
        .as_ref()
        .is_some_and(|s| s.len() > 64 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        errors.add("order_id", "Order ids are letters, digits and dashes.");
    }
    let (cb, ce) = range(
        blank(&q.created_from),
        blank(&q.created_to),
        ("created_from", "created_to"),
        tz,
        &mut errors,
    );
    let (pb, pe) = range(
        blank(&q.paid_from),
        blank(&q.paid_to),
        ("paid_from", "paid_to"),
        tz,
        &mut errors,
    );
    let limit = match blank(&q.limit) {
        None => 20,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                errors.add("limit", "Show between 1 and 100 orders per page.");
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
        req: ListCustomerOrdersRequest {
            order_id,
            create_time_begin: cb,
            create_time_end: ce,
            service_type_code: service_type,
            status,
            order_type,
            limit: Some(limit as i64),
            offset: Some(((page - 1) * limit) as i64),
            payment_time_begin: pb,
            payment_time_end: pe,
            ..Default::default()
        },
        page,
        limit,
    })
}

/// One order row.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: String,
    pub created: String,
    pub paid: String,
    pub type_name: &'static str,
    pub service: String,
    pub status: i64,
    pub status_name: &'static str,
    pub status_class: &'static str,
    pub official: String,
    pub amount: String,
}

fn status_class(s: i64) -> &'static str {
    match s {
        5 => "status-ok",
        4 => "status-err",
        _ => "status-warn",
    }
}

/// An amount in major units; an unknown `measure_id` is logged and the amount shown as sent.
pub fn units(v: Option<Decimal>, measure_id: Option<i64>) -> Decimal {
    let v = v.unwrap_or_default();
    crate::cbc::to_major_units(v, measure_id).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "unknown measure id in an order amount");
        v
    })
}

fn amount(o: &CustomerOrder, v: Option<Decimal>) -> Decimal {
    units(v, o.measure_id)
}

fn row_of(o: &CustomerOrder, tz: UtcOffset) -> OrderRow {
    let cur = o.currency.as_deref().unwrap_or("");
    let st = o.status.unwrap_or_default();
    OrderRow {
        id: o.order_id.clone().unwrap_or_default(),
        created: format::cbc_time(o.create_time.as_deref(), tz),
        paid: format::cbc_time(o.payment_time.as_deref().filter(|s| !s.is_empty()), tz),
        type_name: type_name(o.order_type.unwrap_or_default()),
        service: o
            .service_type_name
            .clone()
            .or_else(|| o.service_type_code.clone())
            .unwrap_or_default(),
        status: st,
        status_name: status_name(st),
        status_class: status_class(st),
        official: format::money(amount(o, o.official_amount), cur),
        amount: format::money(amount(o, o.amount_after_discount), cur),
    }
}

/// A choice in a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: &'static str,
}

/// `templates/portal/orders.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/orders.html")]
pub struct OrdersPage {
    pub ctx: PageContext,
    pub q: Vec<(&'static str, String)>,
    pub statuses: Vec<Choice>,
    pub types: Vec<Choice>,
    pub rows: Vec<OrderRow>,
    pub pager: Option<Pager>,
    pub errors: FieldErrors,
    pub stale: bool,
}

impl OrdersPage {
    /// The submitted value of a filter.
    pub fn val(&self, name: &str) -> &str {
        self.q
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn choices() -> (Vec<Choice>, Vec<Choice>) {
    (
        FILTER_STATUSES
            .iter()
            .map(|s| Choice {
                value: s.to_string(),
                label: status_name(*s),
            })
            .collect(),
        ORDER_TYPES
            .iter()
            .map(|t| Choice {
                value: t.to_string(),
                label: type_name(*t),
            })
            .collect(),
    )
}

/// `GET /orders`.
pub async fn list(
    State(state): State<AppState>,
    who: Customer,
    Query(q): Query<OrderQuery>,
) -> AppResult<Response> {
    let tz = tz_of(&who);
    let (statuses, types) = choices();
    let ctx = PageContext::new(&state, &who.user.session, Some(&who.user), "orders").await?;
    let filter = match parse_filter(&q, tz) {
        Ok(f) => f,
        Err(errors) => {
            let page = OrdersPage {
                ctx,
                q: q.pairs(),
                statuses,
                types,
                rows: Vec::new(),
                pager: None,
                errors,
                stale: false,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let ans = state
        .cbc
        .list_customer_orders(&creds, &filter.req)
        .await
        .map_err(|e| AppError::upstream_read("Loading your orders", e))?;
    let ids: Vec<String> = ans
        .order_infos
        .iter()
        .filter_map(|o| o.order_id.clone())
        .collect();
    ownership::record(&state.db, who.cloud_account_id, kind::ORDER, &ids).await?;
    let pairs = q.pairs();
    let pager = Pager::new(
        "/orders",
        filter.page,
        filter.limit,
        ans.total_count.unwrap_or(0).max(0) as u64,
        &pairs,
    );
    Ok(OrdersPage {
        ctx,
        q: pairs,
        statuses,
        types,
        rows: ans.order_infos.iter().map(|o| row_of(o, tz)).collect(),
        pager: Some(pager),
        errors: FieldErrors::default(),
        stale: ans.stale,
    }
    .into_response())
}

/// `GET /orders/export.csv`: the filtered list, every page, streamed.
pub async fn export(
    State(state): State<AppState>,
    who: Customer,
    Query(q): Query<OrderQuery>,
) -> AppResult<Response> {
    let tz = tz_of(&who);
    // Refused filters get the list page with the messages next to the fields.
    let Ok(filter) = parse_filter(&q, tz) else {
        return list(State(state), who, Query(q)).await;
    };
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let account = who.cloud_account_id;
    let base = ListCustomerOrdersRequest {
        limit: Some(MAX_LIMIT as i64),
        offset: Some(0),
        ..filter.req
    };
    export::paged_csv(
        "orders.csv",
        &[
            "Order ID",
            "Created",
            "Paid",
            "Type",
            "Service",
            "Status",
            "Currency",
            "List price",
            "Amount after discount",
        ],
        MAX_LIMIT as i64,
        move |offset, limit| {
            let state = state.clone();
            let creds = creds.clone();
            let req = ListCustomerOrdersRequest {
                offset: Some(offset),
                limit: Some(limit),
                ..base.clone()
            };
            async move {
                let ans = state
                    .cbc
                    .list_customer_orders(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting your orders", e))?;
                let ids: Vec<String> = ans
                    .order_infos
                    .iter()
                    .filter_map(|o| o.order_id.clone())
                    .collect();
                ownership::record(&state.db, account, kind::ORDER, &ids).await?;
                let rows = ans.order_infos.iter().map(|o| csv_row(o, tz)).collect();
                Ok((rows, ans.order_infos.len(), ans.total_count))
            }
        },
    )
    .await
}

fn csv_row(o: &CustomerOrder, tz: UtcOffset) -> Vec<Cell> {
    vec![
        Cell::from(o.order_id.clone()),
        Cell::Text(format::cbc_time(o.create_time.as_deref(), tz)),
        Cell::Text(format::cbc_time(
            o.payment_time.as_deref().filter(|s| !s.is_empty()),
            tz,
        )),
        Cell::from(type_name(o.order_type.unwrap_or_default())),
        Cell::from(
            o.service_type_name
                .clone()
                .or_else(|| o.service_type_code.clone()),
        ),
        Cell::from(status_name(o.status.unwrap_or_default())),
        Cell::from(o.currency.clone()),
        Cell::Money(amount(o, o.official_amount)),
        Cell::Money(amount(o, o.amount_after_discount)),
    ]
}

/// Lists the account's orders unfiltered (a few pages) without naming any id: the ownership
/// refresh.
async fn refresh_orders(
    state: &AppState,
    creds: &AccountCredentials,
) -> Result<Vec<String>, AppError> {
    let mut ids = Vec::new();
    for page in 0..5i64 {
        let req = ListCustomerOrdersRequest {
            limit: Some(100),
            offset: Some(page * 100),
            ..Default::default()
        };
        let ans = state
            .cbc
            .list_customer_orders(creds, &req)
            .await
            .map_err(|e| AppError::upstream_read("Loading your orders", e))?;
        let n = ans.order_infos.len();
        ids.extend(ans.order_infos.iter().filter_map(|o| o.order_id.clone()));
        if n < 100 {
            break;
        }
    }
    Ok(ids)
}

/// 404 unless the order belongs to the user's account; nothing naming it goes upstream first.
pub async fn ensure_order(
    state: &AppState,
    who: &Customer,
    creds: &AccountCredentials,
    id: &str,
) -> AppResult<()> {
    ownership::ensure_owned(&state.db, who.cloud_account_id, kind::ORDER, id, || {
        refresh_orders(state, creds)
    })
    .await
}

/// One line item.
#[derive(Debug, Clone)]
pub struct LineView {
    pub id: String,
    pub service: String,
    pub spec: String,
    pub period: String,
    pub effective: String,
    pub expire: String,
    pub quantity: String,
    pub official: String,
    pub amount: String,
}

/// One refund entry of an unsubscription order.
#[derive(Debug, Clone)]
pub struct RefundView {
    pub service: String,
    pub resource_type: String,
    pub region: String,
    pub amount: String,
    pub base_order_id: String,
}

/// `templates/portal/orders_detail.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/orders_detail.html")]
pub struct OrderDetailPage {
    pub ctx: PageContext,
    pub id: String,
    pub status: i64,
    pub status_name: &'static str,
    pub status_class: &'static str,
    pub type_name: &'static str,
    pub service: String,
    pub created: String,
    pub paid: String,
    pub pay_by: String,
    pub official: String,
    pub amount: String,
    pub discounts: Vec<(String, String)>,
    pub coupon_amount: String,
    pub enterprise_project: String,
    pub lines: Vec<LineView>,
    pub refunds: Vec<RefundView>,
    pub is_pending: bool,
    pub benefits: Vec<(String, String)>,
    pub pay_key: String,
    pub cancel_key: String,
    pub chosen: String,
    pub errors: FieldErrors,
    pub live: Vec<(String, &'static str)>,
}

fn discount_name(code: &str) -> String {
    match code {
        "605" => "Commercial discount".to_owned(),
        "607" => "Partner discount".to_owned(),
        "700" => "Promotional discount".to_owned(),
        "" => "Discount".to_owned(),
        other => format!("Discount {other}"),
    }
}

fn period_name(t: Option<i64>, n: Option<i64>) -> String {
    let n = n.unwrap_or(1);
    let unit = match t {
        Some(0) => "day",
        Some(1) => "week",
        Some(2) => "month",
        Some(3) => "year",
        Some(4) => "hour",
        Some(5) => return "One-off".to_owned(),
        _ => return "—".to_owned(),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

async fn detail_page(
    state: &AppState,
    who: &Customer,
    id: &str,
    chosen: String,
    errors: FieldErrors,
) -> AppResult<OrderDetailPage> {
    let tz = tz_of(who);
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    let details = state
        .cbc
        .show_customer_order_details(
            &creds,
            &ShowCustomerOrderDetailsRequest {
                order_id: id.to_owned(),
                limit: Some(100),
                offset: Some(0),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| AppError::upstream_read("Loading the order", e))?;
    let listed = state
        .cbc
        .list_customer_orders(
            &creds,
            &ListCustomerOrdersRequest {
                order_id: Some(id.to_owned()),
                limit: Some(1),
                offset: Some(0),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| AppError::upstream_read("Loading the order", e))?;
    let info = details.order_info.clone().ok_or(AppError::NotFound)?;
    let listed = listed.order_infos.first().cloned();
    let cur = info.currency.clone().unwrap_or_default();
    let major = |v: Option<Decimal>| units(v, info.measure_id);
    let st = info.status.unwrap_or_default();
    let ot = info.order_type.unwrap_or_default();
    let amount_info = info
        .amount_info
        .clone()
        .or_else(|| listed.as_ref().and_then(|l| l.amount_info.clone()));
    let discounts = amount_info
        .as_ref()
        .map(|a| {
            a.discounts
                .iter()
                .map(|d| {
                    (
                        discount_name(d.discount_type.as_deref().unwrap_or("")),
                        format::money(major(d.discount_amount), &cur),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let coupon_amount = amount_info
        .as_ref()
        .map(|a| {
            format::money(
                major(a.coupon_amount) + major(a.flexipurchase_coupon_amount),
                &cur,
            )
        })
        .unwrap_or_default();
    let enterprise_project = listed
        .as_ref()
        .map(|l| {
            l.enterprise_projects
                .iter()
                .filter_map(|p| p.name.clone().or_else(|| p.id.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let lines = details
        .order_line_items
        .iter()
        .map(|l| {
            let lcur = l.currency.clone().unwrap_or_else(|| cur.clone());
            LineView {
                id: l.order_line_item_id.clone().unwrap_or_default(),
                service: l
                    .service_type_name
                    .clone()
                    .or_else(|| l.service_type_code.clone())
                    .unwrap_or_default(),
                spec: l.product_spec_desc.clone().unwrap_or_default(),
                period: period_name(l.period_type, l.period_num),
                effective: format::cbc_time(l.effective_time.as_deref(), tz),
                expire: format::cbc_time(l.expire_time.as_deref(), tz),
                quantity: l.subscription_num.unwrap_or(1).to_string(),
                official: format::money(major(l.official_amount), &lcur),
                amount: format::money(major(l.amount_after_discount), &lcur),
            }
        })
        .collect();
    let mut refunds = Vec::new();
    let is_refund_order =
        ot == 4 || (ot == 3 && info.official_amount.is_some_and(|a| a < Decimal::ZERO));
    if is_refund_order {
        match state
            .cbc
            .show_refund_order_details(
                &creds,
                &ShowRefundOrderDetailsRequest {
                    order_id: id.to_owned(),
                    ..Default::default()
                },
            )
            .await
        {
            Ok(r) => {
                let base: Vec<String> = r
                    .refund_infos
                    .iter()
                    .filter_map(|i| i.base_order_id.clone())
                    .collect();
                // Original orders are the account's own: Huawei answered for this account.
                ownership::record(&state.db, who.cloud_account_id, kind::ORDER, &base).await?;
                refunds = r
                    .refund_infos
                    .iter()
                    .map(|i| RefundView {
                        service: i
                            .service_type_name
                            .clone()
                            .or_else(|| i.service_type_code.clone())
                            .unwrap_or_default(),
                        resource_type: i
                            .resource_type_name
                            .clone()
                            .or_else(|| i.resource_type_code.clone())
                            .unwrap_or_default(),
                        region: i.region_code.clone().unwrap_or_default(),
                        amount: format::money(units(i.amount, i.measure_id), &cur),
                        base_order_id: i.base_order_id.clone().unwrap_or_default(),
                    })
                    .collect();
            }
            Err(e) if e.error_code() == "CBC.99005026" => {}
            Err(e) => return Err(AppError::upstream_read("Loading the refund details", e)),
        }
    }
    let is_pending = st == PENDING_PAYMENT;
    let mut benefits = Vec::new();
    if is_pending {
        let d = state
            .cbc
            .list_order_discounts(
                &creds,
                &ListOrderDiscountsRequest {
                    order_id: id.to_owned(),
                },
            )
            .await
            .map_err(|e| AppError::upstream_read("Loading the order's discounts", e))?;
        let c = state
            .cbc
            .list_sub_customer_coupons(
                &creds,
                &ListSubCustomerCouponsRequest {
                    status: Some(2),
                    limit: Some(100),
                    offset: Some(0),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| AppError::upstream_read("Loading your coupons", e))?;
        benefits = order_actions::benefits_of(&d, &c, &cur)
            .into_iter()
            .map(|b: Benefit| (b.form_value(), b.label))
            .collect();
    }
    let order_actions = [
        ActionKind::PayOrder.as_str(),
        ActionKind::CancelOrder.as_str(),
    ];
    let live = crate::db::attempts::live_for_account(
        &state.db,
        who.cloud_account_id,
        &order_actions,
        Some(id),
    )
    .await?
    .into_iter()
    .map(|a| {
        (
            a.id.to_string(),
            ActionKind::parse(&a.action).map_or("Action", ActionKind::label),
        )
    })
    .collect();
    Ok(OrderDetailPage {
        ctx: PageContext::new(state, &who.user.session, Some(&who.user), "orders").await?,
        id: id.to_owned(),
        status: st,
        status_name: status_name(st),
        status_class: status_class(st),
        type_name: type_name(ot),
        service: info
            .service_type_name
            .clone()
            .or_else(|| info.service_type_code.clone())
            .unwrap_or_default(),
        created: format::cbc_time(info.create_time.as_deref(), tz),
        paid: format::cbc_time(info.payment_time.as_deref().filter(|s| !s.is_empty()), tz),
        pay_by: format::cbc_time(
            info.pending_payment_end_time
                .as_deref()
                .filter(|s| !s.is_empty()),
            tz,
        ),
        official: format::money(major(info.official_amount), &cur),
        amount: format::money(major(info.amount_after_discount), &cur),
        discounts,
        coupon_amount,
        enterprise_project,
        lines,
        refunds,
        is_pending,
        benefits,
        pay_key: actions::new_key(),
        cancel_key: actions::new_key(),
        chosen: if chosen.is_empty() {
            "none".to_owned()
        } else {
            chosen
        },
        errors,
        live,
    })
}

/// `GET /orders/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    ensure_order(&state, &who, &creds, &id).await?;
    Ok(
        detail_page(&state, &who, &id, String::new(), FieldErrors::default())
            .await?
            .into_response(),
    )
}

async fn invalid(
    state: &AppState,
    who: &Customer,
    id: &str,
    chosen: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = detail_page(state, who, id, chosen, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Checks the order is still pending at confirm time; otherwise explains and goes back.
async fn still_pending(
    state: &AppState,
    who: &Customer,
    creds: &AccountCredentials,
    id: &str,
    what: &str,
) -> AppResult<Result<crate::cbc::ops::orders::OrderDetail, Response>> {
    let order = order_actions::fresh_order(state, creds, id)
        .await
        .map_err(|e| AppError::upstream_read("Checking the order", e))?
        .ok_or(AppError::NotFound)?;
    let st = order.status.unwrap_or_default();
    if st != PENDING_PAYMENT {
        state.cbc.invalidate_account(who.cloud_account_id);
        flash(
            &who.user.session,
            "error",
            format!(
                "This order can no longer be {what}: Huawei Cloud shows it as \"{}\". Nothing was sent.",
                status_name(st)
            ),
        )
        .await?;
        return Ok(Err((
            StatusCode::SEE_OTHER,
            [("location", format!("/orders/{id}"))],
        )
            .into_response()));
    }
    Ok(Ok(order))
}

/// `POST /orders/{id}/pay`.
pub async fn pay(
    State(state): State<AppState>,
    Manager(who): Manager,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    ensure_order(&state, &who, &creds, &id).await?;
    let chosen = form.get("benefit").unwrap_or("none").trim().to_owned();
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("pay", m);
            return invalid(&state, &who, &id, chosen, errors).await;
        }
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let order = match still_pending(&state, &who, &creds, &id, "paid").await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let cur = order.currency.clone().unwrap_or_default();
    let benefit = if chosen == "none" {
        None
    } else {
        let offered = order_actions::usable_benefits(&state, &creds, &id, &cur)
            .await
            .map_err(|e| AppError::upstream_read("Checking the order's discounts", e))?;
        match offered.into_iter().find(|b| b.form_value() == chosen) {
            Some(b) => Some(b),
            None => {
                let mut errors = FieldErrors::default();
                errors.add(
                    "benefit",
                    "That discount or coupon is not available for this order. Choose one from the list.",
                );
                return invalid(&state, &who, &id, String::new(), errors).await;
            }
        }
    };
    let due = units(order.amount_after_discount, order.measure_id);
    let summary = json!({
        "order_id": id,
        "amount_due": format::decimal_plain(due),
        "currency": cur,
        "benefit": benefit.as_ref().map(|b| json!({"kind": b.kind, "id": b.id, "type": b.type_})),
    });
    let job = order_actions::pay_job(id.clone(), benefit, summary);
    let out = actions::submit(&state, &who, key, vec![job]).await?;
    after_submit(
        &state,
        &who,
        out,
        Some((ActionKind::PayOrder, id.clone())),
        &format!("/orders/{id}"),
    )
    .await
}

/// `POST /orders/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Manager(who): Manager,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let creds = state.cbc_credentials(who.cloud_account_id).await?;
    ensure_order(&state, &who, &creds, &id).await?;
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("cancel", m);
            return invalid(&state, &who, &id, String::new(), errors).await;
        }
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let order = match still_pending(&state, &who, &creds, &id, "cancelled").await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let summary = json!({
        "order_id": id,
        "amount_due": format::decimal_plain(units(order.amount_after_discount, order.measure_id)),
        "currency": order.currency,
    });
    let job = order_actions::cancel_job(id.clone(), summary);
    let out = actions::submit(&state, &who, key, vec![job]).await?;
    after_submit(
        &state,
        &who,
        out,
        Some((ActionKind::CancelOrder, id.clone())),
        &format!("/orders/{id}"),
    )
    .await
}

/// Today in the user's zone (for date inputs' `max`).
pub fn today(tz: UtcOffset) -> String {
    format::date(OffsetDateTime::now_utc(), tz)
}
