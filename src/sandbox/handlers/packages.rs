//! Resource package operations: packages, usage of their items, deduction records.

use serde_json::{Value, json};

use super::{Ctx, Reply, listing, page};
use crate::sandbox::catalog::catalog;
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{num_dp, parse_date, ts};

/// Longest deduction-record window.
const MAX_DEDUCT_DAYS: i64 = 90;

fn amount(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00027.html
pub async fn list(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let services = ctx.b_strings("service_type_code_list");
    let w = ctx.world().await?;
    let cat = catalog();
    let rows: Vec<Value> = w
        .packages
        .iter()
        .filter(|p| ctx.bs("region_code").is_none_or(|v| v == p.region))
        .filter(|p| ctx.bs("order_id").is_none_or(|v| v == p.order_id))
        .filter(|p| ctx.bs("product_id").is_none_or(|v| v == p.product_id))
        .filter(|p| {
            ctx.bs("product_name")
                .is_none_or(|v| p.product_name.to_lowercase().contains(&v.to_lowercase()))
        })
        .filter(|p| ctx.bs("enterprise_project_id").is_none_or(|v| v == p.ep_id))
        .filter(|p| ctx.bi("status").is_none_or(|v| v == p.status))
        .filter(|p| services.is_empty() || services.contains(&p.service_type_code))
        .map(|p| {
            json!({
                "order_instance_id": p.instance_id,
                "order_id": p.order_id,
                "product_id": p.product_id,
                "product_name": p.product_name,
                "enterprise_project_id": p.ep_id,
                "enterprise_project_scope": 0,
                "effective_time": ts(p.effective),
                "expire_time": ts(p.expire),
                "status": p.status,
                "service_type_code": p.service_type_code,
                "service_type_name": cat.service_name(&p.service_type_code),
                "region_code": p.region,
                "source_type": 0,
                "bundle_type": p.bundle_type,
                "quota_reuse_mode": p.quota_reuse_mode,
                "free_resources": p.items.iter().map(|i| json!({
                    "free_resource_id": i.free_resource_id,
                    "usage_type_name": i.usage_type_name,
                    "amount": amount(i.remaining),
                    "original_amount": amount(i.original),
                    "measure_id": i.measure_id,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (offset, limit) = ctx.b_page();
    Ok(Reply::Json(json!({
        "free_resource_packages": page(&rows, offset, limit),
        "total_count": rows.len(),
    })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00028.html
pub async fn usages(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("free_resource_ids");
    if let Some((k, _)) = ids.iter().enumerate().find(|(_, i)| i.chars().count() > 64) {
        return Err(ApiError::param(
            &format!("free_resource_ids[{k}]"),
            "must be at most 64 characters",
        ));
    }
    let w = ctx.world().await?;
    let mut out = Vec::new();
    for id in &ids {
        for p in &w.packages {
            for i in p.items.iter().filter(|i| &i.free_resource_id == id) {
                out.push(json!({
                    "free_resource_id": i.free_resource_id,
                    "free_resource_type_name": format!("{} ({})", i.usage_type_name, catalog().resource_name(&i.resource_type_code)),
                    "quota_reuse_cycle": if p.quota_reuse_mode == 1 { 4 } else { 5 },
                    "quota_reuse_cycle_type": 2,
                    "usage_type_name": i.usage_type_name,
                    "start_time": ts(p.effective),
                    "end_time": ts(p.expire),
                    "amount": num_dp(i.remaining, 2),
                    "original_amount": num_dp(i.original, 2),
                    "measure_id": i.measure_id,
                }));
            }
        }
    }
    Ok(Reply::Json(json!({ "free_resources": out })))
}

// https://support.huaweicloud.com/eu/api-oce/api_order_00029.html
pub async fn records(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let begin = ctx
        .q("deduct_time_begin")
        .and_then(parse_date)
        .ok_or_else(|| ApiError::param("deduct_time_begin", "must be a date YYYY-MM-DD"))?;
    let end = ctx
        .q("deduct_time_end")
        .and_then(parse_date)
        .ok_or_else(|| ApiError::param("deduct_time_end", "must be a date YYYY-MM-DD"))?;
    if end < begin {
        return Err(ApiError::param(
            "deduct_time_end",
            "must not be before deduct_time_begin",
        ));
    }
    if (end - begin).whole_days() > MAX_DEDUCT_DAYS {
        return Err(ApiError::param(
            "deduct_time_end",
            format_args!("must be within {MAX_DEDUCT_DAYS} days of deduct_time_begin"),
        ));
    }
    let w = ctx.world().await?;
    let cat = catalog();
    // Dates are UTC+8 calendar days.
    let rows: Vec<&crate::sandbox::world::Deduction> = w
        .deductions
        .iter()
        .filter(|d| {
            let day = (d.deduct_time + time::Duration::hours(8)).date();
            day >= begin && day <= end
        })
        .filter(|d| {
            ctx.q("free_resource_id")
                .is_none_or(|v| v == d.free_resource_id)
        })
        .filter(|d| ctx.q("product_id").is_none_or(|v| v == d.product_id))
        .filter(|d| {
            ctx.q("resource_type_code")
                .is_none_or(|v| v == d.resource_type_code)
        })
        .collect();
    let (offset, limit) = ctx.q_page();
    let items = page(&rows, offset, limit)
        .iter()
        .map(|d| {
            json!({
                "deduct_time": ts(d.deduct_time),
                "free_resource_id": d.free_resource_id,
                "resource_id": d.resource_id,
                "resource_type_code": d.resource_type_code,
                "resource_type_name": cat.resource_name(&d.resource_type_code),
                "resource_tag": "",
                "product_id": d.product_id,
                "product_name": d.product_name,
                "usage_type_code": d.usage_type_code,
                "available_amount": amount(d.available),
                "remaining_amount": amount(d.remaining),
                "used_amount": amount(d.used),
                "measure_id": d.measure_id,
                "effective_time": ts(d.effective),
                "expire_time": ts(d.expire),
            })
        })
        .collect();
    Ok(Reply::Json(listing(
        "free_resource_records",
        rows.len(),
        items,
    )))
}
