//! Yearly/monthly resource operations: list, renew, unsubscribe, auto-renew on/off,
//! change to pay-per-use at expiry, renewal settings.

use serde_json::{Value, json};

use super::{Ctx, Reply, page};
use crate::sandbox::catalog::catalog;
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{num_dp, parse_ts, ts};
use crate::sandbox::world::{Resource, res_status};

fn resource_json(i: usize, r: &Resource) -> Value {
    let cat = catalog();
    json!({
        "id": (i + 1).to_string(),
        "resource_id": r.id,
        "resource_name": r.name,
        "region_code": r.region,
        "service_type_code": r.service_type_code,
        "resource_type_code": r.resource_type_code,
        "resource_type_name": cat.resource_name(&r.resource_type_code),
        "service_type_name": cat.service_name(&r.service_type_code),
        "resource_spec_code": r.spec_code,
        "project_id": r.project_id,
        "product_id": r.product_id,
        "parent_resource_id": r.parent.clone().unwrap_or_default(),
        "is_main_resource": if r.is_main() { 1 } else { 0 },
        "status": r.status,
        "effective_time": ts(r.effective),
        "expire_time": ts(r.expire),
        "expire_policy": r.expire_policy,
        "product_spec_desc": r.spec_desc,
        "spec_size": num_dp(rust_decimal::Decimal::from(r.size), 0),
        "spec_size_measure_id": r.size_measure_id,
        "update_time": ts(r.update_time),
        "enterprise_project": {"id": r.ep.0, "name": r.ep.1},
    })
}

fn body_time(ctx: &Ctx<'_>, name: &str) -> ApiResult<Option<time::OffsetDateTime>> {
    match ctx.bs(name) {
        Some(s) => parse_ts(s)
            .map(Some)
            .ok_or_else(|| ApiError::param(name, "must be yyyy-MM-ddTHH:mm:ssZ")),
        None => Ok(None),
    }
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00021.html
pub async fn list(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("resource_ids");
    let statuses: Vec<i64> = ctx
        .body
        .get("status_list")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let begin = body_time(ctx, "expire_time_begin")?;
    let end = body_time(ctx, "expire_time_end")?;
    let only_main = ctx.bi("only_main_resource") == Some(1);
    let w = ctx.world().await?;
    let order_id = ctx.bs("order_id");
    let rows: Vec<(usize, &Resource)> = w
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| ids.is_empty() || ids.contains(&r.id))
        .filter(|(_, r)| order_id.is_none_or(|o| o.eq_ignore_ascii_case(&r.order_id)))
        .filter(|(_, r)| !only_main || r.is_main())
        .filter(|(_, r)| {
            if statuses.is_empty() {
                r.status != res_status::CLOSED
            } else {
                statuses.contains(&r.status)
            }
        })
        .filter(|(_, r)| begin.is_none_or(|b| r.expire >= b))
        .filter(|(_, r)| end.is_none_or(|e| r.expire <= e))
        .filter(|(_, r)| {
            ctx.bs("service_type_code")
                .is_none_or(|s| s == r.service_type_code)
        })
        .collect();
    let (offset, limit) = ctx.b_page();
    let data: Vec<Value> = page(&rows, offset, limit)
        .iter()
        .map(|(i, r)| resource_json(*i, r))
        .collect();
    Ok(Reply::Json(
        json!({"data": data, "total_count": rows.len()}),
    ))
}

fn fails_json(fails: Vec<(String, String, String)>) -> Vec<Value> {
    fails
        .into_iter()
        .map(|(id, code, msg)| json!({"error_code": code, "error_msg": msg, "resource_id": id}))
        .collect()
}

fn unique(ids: &[String]) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    match ids.iter().find(|id| !seen.insert(id.as_str())) {
        Some(d) => Err(ApiError::param(
            "resource_ids",
            format_args!("contains {d} more than once"),
        )),
        None => Ok(()),
    }
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00018.html
pub async fn renew(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("resource_ids");
    unique(&ids)?;
    let pt = ctx.bi("period_type").unwrap_or(2);
    let n = ctx.bi("period_num").unwrap_or(1);
    super::pricing::check_renew_period(pt, n)?;
    let auto_pay = ctx.bi("is_auto_pay") == Some(1);
    let mut w = ctx.world().await?;
    let (order_ids, fails) = w.renew(&ids, pt, n, auto_pay, ctx.now);
    Ok(Reply::Json(json!({
        "order_ids": order_ids,
        "fail_resource_infos": fails_json(fails),
    })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00019.html
pub async fn unsubscribe(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("resource_ids");
    unique(&ids)?;
    let ty = ctx.bi("unsubscribe_type").unwrap_or(1);
    if let Some(reason) = ctx.bs("unsubscribe_reason")
        && reason.chars().count() > 1024
    {
        return Err(ApiError::param(
            "unsubscribe_reason",
            "must be at most 1024 characters",
        ));
    }
    let mut w = ctx.world().await?;
    let (order_ids, fails) = w.unsubscribe(&ids, ty, ctx.now);
    Ok(Reply::Json(json!({
        "order_ids": order_ids,
        "fail_resource_infos": fails_json(fails),
    })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00022.html
pub async fn auto_renew_on(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let id = ctx.path_param.clone().unwrap_or_default();
    let times = ctx.bi("auto_renew_times");
    let period = ctx.bs("period_type").map(str::to_owned);
    let mut w = ctx.world().await?;
    w.auto_renew_on(&id, times, period, ctx.now)?;
    Ok(Reply::NoContent)
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00023.html
pub async fn auto_renew_off(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let id = ctx.path_param.clone().unwrap_or_default();
    let mut w = ctx.world().await?;
    w.auto_renew_off(&id, ctx.now)?;
    Ok(Reply::NoContent)
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00024.html
pub async fn to_on_demand(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("resource_ids");
    unique(&ids)?;
    let op = ctx.bs("operation").unwrap_or("SET_UP").to_owned();
    let mut w = ctx.world().await?;
    let errs = w.set_to_on_demand(&op, &ids, ctx.now);
    let details: Vec<Value> = errs
        .into_iter()
        .map(|(id, code, msg)| json!({"error_code": code, "error_msg": msg, "id": id}))
        .collect();
    Ok(Reply::Json(json!({ "error_details": details })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00031.html
pub async fn renew_config(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let name = ctx.bs("config_name").unwrap_or_default().to_owned();
    let value = ctx.bs("config_value").unwrap_or_default().to_owned();
    let (lo, hi) = if name == "DEDUCTION_DATE" {
        (2, 7)
    } else {
        (1, 28)
    };
    match value.parse::<i64>() {
        Ok(v) if (lo..=hi).contains(&v) => {}
        _ => {
            return Err(ApiError::param(
                "config_value",
                format_args!("must be between {lo} and {hi} for {name}"),
            ));
        }
    }
    let mut w = ctx.world().await?;
    w.renew_config.insert(name, value);
    Ok(Reply::Json(
        json!({"error_code": "CBC.0000", "error_msg": "success"}),
    ))
}
