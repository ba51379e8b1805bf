//! Order actions: pay a pending order (with at most one discount or coupon), cancel it; and how
//! the reconciler reads their outcome back (the order's status).
//!
//! What is paid and with which benefit is decided from data read fresh from CBC at confirm
//! time ([`fresh_order`], [`usable_benefits`]); the form only names a choice among those.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::reconciler::{CheckResult, Verdict};
use super::{ActionKind, CallOutput, Job};
use crate::cbc::ops::orders::{CouponSimpleInfo, DiscountSimpleInfo, OrderDetail};
use crate::cbc::ops::{
    CancelCustomerOrderRequest, ListOrderDiscountsRequest, ListSubCustomerCouponsRequest,
    PayOrdersRequest, ShowCustomerOrderDetailsRequest,
};
use crate::cbc::{AccountCredentials, CbcError};
use crate::db::attempts::Attempt;
use crate::state::AppState;

/// Order status: pending payment.
pub const PENDING_PAYMENT: i64 = 6;
/// Order status: cancelled.
pub const CANCELLED: i64 = 4;
/// Order status: completed.
pub const COMPLETED: i64 = 5;
/// Order status: processing.
pub const PROCESSING: i64 = 3;

/// A discount or coupon the order may be paid with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benefit {
    /// `discount` or `coupon`.
    pub kind: &'static str,
    pub id: String,
    /// CBC's type for `discount_infos` / `coupon_infos`.
    pub type_: i64,
    /// A description for the form.
    pub label: String,
}

impl Benefit {
    /// The form value naming this benefit.
    pub fn form_value(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// The order as CBC shows it now (fresh, not from the cache).
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00014.html>
pub async fn fresh_order(
    state: &AppState,
    creds: &AccountCredentials,
    order_id: &str,
) -> Result<Option<OrderDetail>, CbcError> {
    let req = ShowCustomerOrderDetailsRequest {
        order_id: order_id.to_owned(),
        limit: Some(1),
        ..Default::default()
    };
    Ok(state.cbc.call(creds, &req).await?.order_info)
}

/// The coupon type `PayOrders` expects for a coupon of `ListSubCustomerCoupons`' type.
pub fn pay_coupon_type(coupon_type: i64) -> i64 {
    match coupon_type {
        1 => 301,
        2 => 300,
        4 => 302,
        _ => 303,
    }
}

/// The discounts CBC offers for the order and the account's usable coupons, fresh.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00025.html> and
/// <https://support.huaweicloud.com/eu/api-oce/mp_02001.html>
pub async fn usable_benefits(
    state: &AppState,
    creds: &AccountCredentials,
    order_id: &str,
    currency: &str,
) -> Result<Vec<Benefit>, CbcError> {
    let discounts = state
        .cbc
        .call(
            creds,
            &ListOrderDiscountsRequest {
                order_id: order_id.to_owned(),
            },
        )
        .await?;
    let coupons = state
        .cbc
        .call(
            creds,
            &ListSubCustomerCouponsRequest {
                status: Some(2),
                limit: Some(100),
                offset: Some(0),
                ..Default::default()
            },
        )
        .await?;
    Ok(benefits_of(&discounts, &coupons, currency))
}

/// The benefits in two answers (shared by the page, which reads them through the cache).
pub fn benefits_of(
    discounts: &crate::cbc::ops::ListOrderDiscountsResponse,
    coupons: &crate::cbc::ops::ListSubCustomerCouponsResponse,
    currency: &str,
) -> Vec<Benefit> {
    let mut out = Vec::new();
    for d in &discounts.discounts {
        let (Some(id), Some(t)) = (d.discount_id.clone(), d.discount_type) else {
            continue;
        };
        let amount: Decimal = d
            .orders
            .iter()
            .flat_map(|o| o.order_line_items.iter())
            .filter_map(|l| l.discount_amount)
            .sum();
        let kind = match t {
            0 => "Promotional discount",
            1 => "Contract discount",
            2 => "Commercial discount",
            3 => "Partner discount",
            _ => "Discount",
        };
        out.push(Benefit {
            kind: "discount",
            id,
            type_: t,
            label: format!(
                "{kind} — saves {}",
                crate::web::format::money(amount, currency)
            ),
        });
    }
    for c in &coupons.user_coupons {
        let (Some(id), Some(t)) = (c.coupon_id.clone(), c.coupon_type) else {
            continue;
        };
        if c.status != Some(2) {
            continue;
        }
        let kind = match t {
            1 => "Cash coupon",
            2 => "Discount coupon",
            3 => "Product coupon",
            4 => "Flexi-purchase coupon",
            _ => "Coupon",
        };
        let balance = c.balance.or(c.face_value).unwrap_or_default();
        let cur = c.currency.as_deref().unwrap_or(currency);
        out.push(Benefit {
            kind: "coupon",
            id,
            type_: pay_coupon_type(t),
            label: format!(
                "{kind} {} — balance {}",
                c.plan_name.as_deref().unwrap_or(""),
                crate::web::format::money(balance, cur)
            ),
        });
    }
    out
}

/// The job that pays `order_id`, optionally with one benefit.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00030.html>
pub fn pay_job(order_id: String, benefit: Option<Benefit>, summary: Value) -> Job {
    let target = order_id.clone();
    Job::new(
        ActionKind::PayOrder,
        target,
        summary,
        move |cbc, creds: Arc<AccountCredentials>| async move {
            let (coupons, discounts) = match &benefit {
                Some(b) if b.kind == "coupon" => (
                    Some(vec![CouponSimpleInfo {
                        id: b.id.clone(),
                        type_: b.type_,
                    }]),
                    None,
                ),
                Some(b) => (
                    None,
                    Some(vec![DiscountSimpleInfo {
                        id: b.id.clone(),
                        type_: b.type_,
                    }]),
                ),
                None => (None, None),
            };
            let req = PayOrdersRequest {
                order_id: order_id.clone(),
                use_coupon: if coupons.is_some() { "YES" } else { "NO" }.to_owned(),
                use_discount: if discounts.is_some() { "YES" } else { "NO" }.to_owned(),
                coupon_infos: coupons,
                discount_infos: discounts,
            };
            cbc.pay_orders(&creds, &req).await?;
            Ok(CallOutput {
                result: json!({ "order_id": order_id }),
                failures: Vec::new(),
                targets: 1,
            })
        },
    )
}

/// The job that cancels a pending-payment order.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00017.html>
pub fn cancel_job(order_id: String, summary: Value) -> Job {
    let target = order_id.clone();
    Job::new(
        ActionKind::CancelOrder,
        target,
        summary,
        move |cbc, creds: Arc<AccountCredentials>| async move {
            cbc.cancel_customer_order(
                &creds,
                &CancelCustomerOrderRequest {
                    order_id: order_id.clone(),
                },
            )
            .await?;
            Ok(CallOutput {
                result: json!({ "order_id": order_id }),
                failures: Vec::new(),
                targets: 1,
            })
        },
    )
}

/// Words for an order status.
pub fn status_name(s: i64) -> &'static str {
    match s {
        1 => "Pending approval",
        2 => "Pending refund",
        3 => "Processing",
        4 => "Cancelled",
        5 => "Completed",
        6 => "Pending payment",
        9 => "Pending confirmation",
        10 => "Pending shipment",
        11 => "Pending receipt",
        12 => "Pending pickup",
        13 => "Being replaced",
        _ => "Other",
    }
}

/// Reads the order's status back for an unknown pay or cancel.
pub async fn check(
    state: &AppState,
    creds: &AccountCredentials,
    a: &Attempt,
    kind: ActionKind,
) -> CheckResult {
    let Some(order) = fresh_order(state, creds, &a.target).await? else {
        return Ok(Verdict::NotApplied(
            "Huawei Cloud no longer shows this order.".to_owned(),
        ));
    };
    let st = order.status.unwrap_or_default();
    let found = json!({ "order_status": st, "payment_time": order.payment_time });
    Ok(match (kind, st) {
        (ActionKind::PayOrder, COMPLETED | PROCESSING) => Verdict::Applied(found),
        (ActionKind::PayOrder, PENDING_PAYMENT) => Verdict::NotApplied(
            "Huawei Cloud shows the order still awaiting payment: the payment did not go through."
                .to_owned(),
        ),
        (ActionKind::CancelOrder, CANCELLED) => Verdict::Applied(found),
        (ActionKind::CancelOrder, PENDING_PAYMENT) => Verdict::NotApplied(
            "Huawei Cloud shows the order still awaiting payment: it was not cancelled.".to_owned(),
        ),
        (_, other) => Verdict::NotApplied(format!(
            "Huawei Cloud shows the order as \"{}\", so this request did not take effect.",
            status_name(other)
        )),
    })
}
