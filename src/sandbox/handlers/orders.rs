//! Order operations: list, details, usable discounts, pay, cancel, refund details.

use serde_json::{Value, json};
use time::Duration;

use super::{Ctx, Reply, listing, page};
use crate::sandbox::catalog::catalog;
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{num, num_dp, parse_ts, ts};
use crate::sandbox::world::{Line, Order, World, order_status};

/// Longest window the order time filters accept.
const MAX_WINDOW_DAYS: i64 = 366;

fn amount_info(o: &Order) -> Value {
    json!({
        "discounts": o.discounts.iter().map(|(t, a)| json!({"discount_type": t, "discount_amount": num(*a)})).collect::<Vec<_>>(),
        "flexipurchase_coupon_amount": num(o.flexi_coupon_amount),
        "coupon_amount": num(o.coupon_amount),
        "stored_card_amount": num(rust_decimal::Decimal::ZERO),
        "commission_amount": num(rust_decimal::Decimal::ZERO),
        "consumed_amount": num(rust_decimal::Decimal::ZERO),
    })
}

fn order_json(w: &World, o: &Order, detail: bool) -> Value {
    let mut v = json!({
        "order_id": o.id,
        "customer_id": w.customer_id,
        "service_type_code": o.service_type_code,
        "service_type_name": catalog().service_name(&o.service_type_code),
        "source_type": o.source_type,
        "status": o.status,
        "order_type": o.order_type,
        "amount_after_discount": num(o.after_discount),
        "official_amount": num(o.official),
        "measure_id": 1,
        "create_time": ts(o.create_time),
        "payment_time": o.payment_time.map(ts).unwrap_or_default(),
        "currency": w.currency,
        "contract_id": "",
        "amount_info": amount_info(o),
        "sub_order_infos": [],
    });
    if detail {
        v["user_name"] = json!(format!(
            "user-{}",
            &w.customer_id.chars().take(6).collect::<String>()
        ));
        v["pending_payment_end_time"] = json!(if o.status == order_status::PENDING_PAYMENT {
            ts(o.create_time + Duration::days(15))
        } else {
            String::new()
        });
    } else {
        v["enterprise_projects"] = json!([{"id": o.ep.0, "name": o.ep.1}]);
        v["agent_pay_info"] = json!({"paying_agent_id": "", "is_agent_pay": false});
    }
    v
}

fn line_json(w: &World, o: &Order, l: &Line) -> Value {
    let cat = catalog();
    let commercial = cat.resource_name(&l.resource_type_code);
    json!({
        "order_line_item_id": l.id,
        "service_type_code": l.service_type_code,
        "service_type_name": cat.service_name(&l.service_type_code),
        "product_id": l.product_id,
        "product_spec_desc": l.spec_desc,
        "period_type": l.period_type,
        "period_num": l.period_num,
        "effective_time": ts(l.effective),
        "expire_time": ts(l.expire),
        "subscription_num": l.subscription_num,
        "amount_after_discount": num(l.after_discount),
        "official_amount": num(l.official),
        "amount_info": {
            "discounts": if l.official > l.after_discount { json!([{"discount_type": "605", "discount_amount": num(l.official - l.after_discount)}]) } else { json!([]) },
            "flexipurchase_coupon_amount": num(rust_decimal::Decimal::ZERO),
            "coupon_amount": num(rust_decimal::Decimal::ZERO),
            "stored_card_amount": num(rust_decimal::Decimal::ZERO),
            "commission_amount": num(rust_decimal::Decimal::ZERO),
            "consumed_amount": num(rust_decimal::Decimal::ZERO),
        },
        "currency": w.currency,
        "category_code": l.resource_type_code,
        "product_owner_service": l.service_type_code,
        "commercial_resource": commercial,
        "base_product_info": {
            "product_id": l.product_id,
            "product_spec_desc": l.spec_desc,
            "category_code": l.resource_type_code,
            "product_owner_service": l.service_type_code,
            "commercial_resource": commercial,
        },
        "order_id": o.id,
    })
}

fn window(
    ctx: &Ctx<'_>,
    begin: &str,
    end: &str,
) -> ApiResult<(Option<time::OffsetDateTime>, Option<time::OffsetDateTime>)> {
    let parse = |name: &str| -> ApiResult<Option<time::OffsetDateTime>> {
        match ctx.q(name) {
            Some(s) => parse_ts(s)
                .map(Some)
                .ok_or_else(|| ApiError::param(name, "must be yyyy-MM-ddTHH:mm:ssZ")),
            None => Ok(None),
        }
    };
    let (b, e) = (parse(begin)?, parse(end)?);
    if let (Some(b), Some(e)) = (b, e) {
        if e < b {
            return Err(ApiError::param(
                end,
                format_args!("must not be before {begin}"),
            ));
        }
        if (e - b).whole_days() > MAX_WINDOW_DAYS {
            return Err(ApiError::param(
                end,
                format_args!("must be within 1 year of {begin}"),
            ));
        }
    }
    Ok((b, e))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00013.html
pub async fn list(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let (cb, ce) = window(ctx, "create_time_begin", "create_time_end")?;
    let (pb, pe) = window(ctx, "payment_time_begin", "payment_time_end")?;
    let w = ctx.world().await?;
    if ctx.q("method") == Some("sub_customer") {
        return Ok(Reply::Json(listing("order_infos", 0, Vec::new())));
    }
    let mut orders: Vec<&Order> = w
        .orders
        .iter()
        .filter(|o| {
            ctx.q("order_id")
                .is_none_or(|v| v.eq_ignore_ascii_case(&o.id))
        })
        .filter(|_| ctx.q("customer_id").is_none_or(|v| v == w.customer_id))
        .filter(|o| {
            ctx.q("service_type_code")
                .is_none_or(|v| v == o.service_type_code)
        })
        .filter(|o| ctx.qi("status").is_none_or(|v| v == o.status))
        .filter(|o| {
            ctx.q("order_type")
                .is_none_or(|v| v == o.order_type.to_string())
        })
        .filter(|o| cb.is_none_or(|b| o.create_time >= b))
        .filter(|o| ce.is_none_or(|e| o.create_time <= e))
        .filter(|o| pb.is_none_or(|b| o.payment_time.is_some_and(|p| p >= b)))
        .filter(|o| pe.is_none_or(|e| o.payment_time.is_some_and(|p| p <= e)))
        .collect();
    if ctx.q("order_by") == Some("createTime") {
        orders.sort_by_key(|o| o.create_time);
    } else {
        orders.sort_by_key(|o| std::cmp::Reverse(o.create_time));
    }
    let (offset, limit) = ctx.q_page();
    let items = page(&orders, offset, limit)
        .iter()
        .map(|o| order_json(&w, o, false))
        .collect();
    Ok(Reply::Json(listing("order_infos", orders.len(), items)))
}

fn find_order<'w>(w: &'w World, id: &str) -> ApiResult<&'w Order> {
    w.order(id)
        .ok_or_else(|| ApiError::param("order_id", "does not exist"))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00014.html
pub async fn details(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let id = ctx.path_param.clone().unwrap_or_default();
    let w = ctx.world().await?;
    let o = find_order(&w, &id)?;
    let (offset, limit) = ctx.q_page();
    let lines: Vec<Value> = page(&o.lines, offset, limit)
        .iter()
        .map(|l| line_json(&w, o, l))
        .collect();
    Ok(Reply::Json(json!({
        "total_count": o.lines.len(),
        "order_info": order_json(&w, o, true),
        "order_line_items": lines,
    })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00025.html
pub async fn discounts(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let id = ctx.q("order_id").unwrap_or_default();
    let w = ctx.world().await?;
    let o = find_order(&w, id)?;
    let items: Vec<Value> = if o.status == order_status::PENDING_PAYMENT {
        o.usable_discounts
            .iter()
            .map(|d| {
                let pay = crate::sandbox::money::cents(o.official * d.ratio);
                json!({
                    "discount_id": d.id,
                    "discount_value": format!("{}", d.ratio),
                    "discount_type": d.discount_type,
                    "orders": [{
                        "order_id": o.id,
                        "order_line_items": [{
                            "order_line_item_ids": o.lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>(),
                            "discount_mode": 0,
                            "discount_amount": num(o.official - pay),
                            "discount_ratio": num_dp(d.ratio, 2),
                        }],
                    }],
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Reply::Json(json!({ "discounts": items })))
}

fn infos(ctx: &Ctx<'_>, key: &str) -> Vec<(String, i64)> {
    ctx.body
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| {
                    (
                        v.get("id")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        v.get("type").and_then(Value::as_i64).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00030.html
pub async fn pay(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let order_id = ctx.bs("order_id").unwrap_or_default().to_owned();
    let coupons = infos(ctx, "coupon_infos");
    let discounts = infos(ctx, "discount_infos");
    match (ctx.bs("use_coupon"), coupons.is_empty()) {
        (Some("YES"), true) => {
            return Err(ApiError::param(
                "coupon_infos",
                "is required when use_coupon is YES",
            ));
        }
        (Some("NO"), false) => {
            return Err(ApiError::param(
                "coupon_infos",
                "must be empty when use_coupon is NO",
            ));
        }
        _ => {}
    }
    match (ctx.bs("use_discount"), discounts.is_empty()) {
        (Some("YES"), true) => {
            return Err(ApiError::param(
                "discount_infos",
                "is required when use_discount is YES",
            ));
        }
        (Some("NO"), false) => {
            return Err(ApiError::param(
                "discount_infos",
                "must be empty when use_discount is NO",
            ));
        }
        _ => {}
    }
    let mut w = ctx.world().await?;
    w.pay(&order_id, &coupons, discounts.into_iter().next(), ctx.now)?;
    Ok(Reply::NoContent)
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00017.html
pub async fn cancel(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let order_id = ctx.bs("order_id").unwrap_or_default().to_owned();
    let mut w = ctx.world().await?;
    w.cancel_order(&order_id)?;
    Ok(Reply::NoContent)
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00020.html
pub async fn refund_details(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let id = ctx.q("order_id").unwrap_or_default();
    let w = ctx.world().await?;
    let o = find_order(&w, id)?;
    if o.order_type != crate::sandbox::world::order_type::UNSUBSCRIPTION {
        return Err(ApiError::biz(
            "CBC.99005026",
            "The order is not an unsubscription or downgrade order.",
        ));
    }
    let cat = catalog();
    let items: Vec<Value> = o
        .refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "amount": num(r.amount),
                "measure_id": "1",
                "customer_id": w.customer_id,
                "resource_type_code": r.resource_type_code,
                "service_type_code": r.service_type_code,
                "resource_type_name": cat.resource_name(&r.resource_type_code),
                "service_type_name": cat.service_name(&r.service_type_code),
                "region_code": r.region,
                "base_order_id": r.base_order_id,
            })
        })
        .collect();
    Ok(Reply::Json(listing("refund_infos", items.len(), items)))
}
