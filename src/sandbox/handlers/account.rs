//! Account operations: balances, expenditure quota, coupons, enterprise-project enablement.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Ctx, Reply, page};
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{num, num_dp, parse_ts, ts};

// https://support.huaweicloud.com/eu/api-oce/mac_00001.html
pub async fn balances(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let w = ctx.world().await?;
    let short = &w.customer_id.chars().take(8).collect::<String>();
    Ok(Reply::Json(json!({
        "account_balances": [
            {
                "account_id": format!("{short}-cash"),
                "account_type": 1,
                "amount": num(w.cash),
                "currency": w.currency,
                "designated_amount": num(Decimal::ZERO),
                "credit_amount": num(Decimal::ZERO),
                "measure_id": 1,
            },
            {
                "account_id": format!("{short}-credit"),
                "account_type": 2,
                "amount": num(w.credit_limit - w.credit_used),
                "currency": w.currency,
                "designated_amount": num(Decimal::ZERO),
                "credit_amount": num(w.credit_limit),
                "measure_id": 1,
            },
            {
                "account_id": format!("{short}-bonus"),
                "account_type": 5,
                "amount": num(w.bonus),
                "currency": w.currency,
                "designated_amount": num(Decimal::ZERO),
                "credit_amount": num(Decimal::ZERO),
                "measure_id": 1,
            },
        ],
        "debt_amount": num(w.debt),
        "measure_id": 1,
        "currency": w.currency,
    })))
}

// https://support.huaweicloud.com/eu/api-oce/mac_00004.html
pub async fn quota(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let w = ctx.world().await?;
    let pct = if w.quota_granted.is_zero() {
        Decimal::ZERO
    } else {
        w.quota_used / w.quota_granted
    };
    Ok(Reply::Json(json!({
        "granting_amount": num(w.quota_granted),
        "granting_amount_used": num(w.quota_used),
        "percentage_granting_amount_used": num_dp(pct, 4),
        "measure_id": 1,
        "currency": w.currency,
    })))
}

// https://support.huaweicloud.com/eu/api-oce/mp_02001.html
pub async fn coupons(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    if ctx.q("offset").is_some() && ctx.q("limit").is_none() {
        return Err(ApiError::param(
            "offset",
            "must be used together with limit",
        ));
    }
    let begin =
        match ctx.q("active_start_time") {
            Some(s) => Some(parse_ts(s).ok_or_else(|| {
                ApiError::param("active_start_time", "must be yyyy-MM-ddTHH:mm:ssZ")
            })?),
            None => None,
        };
    let end =
        match ctx.q("active_end_time") {
            Some(s) => Some(parse_ts(s).ok_or_else(|| {
                ApiError::param("active_end_time", "must be yyyy-MM-ddTHH:mm:ssZ")
            })?),
            None => None,
        };
    let w = ctx.world().await?;
    let items: Vec<Value> = w
        .coupons
        .iter()
        .filter(|c| ctx.q("coupon_id").is_none_or(|v| v == c.id))
        .filter(|c| ctx.q("order_id").is_none_or(|v| v == c.order_id))
        .filter(|c| ctx.q("promotion_plan_id").is_none_or(|v| v == c.plan_id))
        .filter(|c| ctx.qi("coupon_type").is_none_or(|v| v == c.coupon_type))
        .filter(|c| ctx.qi("status").is_none_or(|v| v == c.status))
        // Every sandbox coupon was issued by the platform itself (empty source_id).
        .filter(|_| ctx.q("source_id").is_none())
        .filter(|c| begin.is_none_or(|b| c.valid_time >= b))
        .filter(|c| end.is_none_or(|e| c.valid_time <= e))
        .map(|c| {
            json!({
                "coupon_id": c.id,
                "coupon_code": c.code,
                "status": c.status,
                "customer_id": w.customer_id,
                "coupon_type": c.coupon_type,
                "measure_id": 1,
                "face_value": num(c.face_value),
                "valid_time": ts(c.valid_time),
                "expire_time": ts(c.expire_time),
                "order_id": c.order_id,
                "promotion_plan_id": c.plan_id,
                "plan_name": c.plan_name,
                "plan_desc": format!("{} for {}", c.plan_name, if c.limit_service.is_empty() { "all services" } else { &c.limit_service }),
                "media_type": 1,
                "fetch_method": c.fetch_method,
                "use_limits": if c.limit_service.is_empty() { json!([]) } else { json!([{
                    "use_limiti_info_id": format!("{}-limit", c.id),
                    "limit_key": "serviceType",
                    "value1": c.limit_service,
                    "value2": "",
                    "value_unit": "",
                    "limit_type": "include",
                    "promotion_plan_id": c.plan_id,
                }]) },
                "active_time": ts(c.valid_time),
                "reserve_time": ts(c.create_time),
                "promotion_id": c.plan_id,
                "create_time": ts(c.create_time),
                "coupon_version": c.coupon_version,
                "balance": num(c.balance),
                "lock_order_id": c.lock_order_id,
                "coupon_usage": "general",
                "is_frozen": "0",
                "currency": w.currency,
                "extend_param1": "",
                "source_id": "",
            })
        })
        .collect();
    let (offset, limit) = ctx.q_page();
    Ok(Reply::Json(json!({
        "count": items.len(),
        "user_coupons": page(&items, offset, limit),
    })))
}

// Enable enterprise projects; no EU doc page was found (operations.json doc_page is null).
// The first call enables them; repeating it is idempotent and answers 204 again.
pub async fn enterprise_auth(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let mut w = ctx.world().await?;
    w.ep_auth_enabled = true;
    Ok(Reply::NoContent)
}
