//! Price inquiries: pay-per-use, yearly/monthly purchase and renewal, all from one price book
//! (`world::unit_hourly`), so the three always agree: a year costs 10 months, a month is 730
//! hours at 80 %, and the account's commercial discount applies to each.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::sandbox::catalog::{Spec, catalog};
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{cents, num, text};
use crate::sandbox::world::{on_demand_price, period_price};

/// Renewal periods: 1-11 months or 1-3 years.
pub fn check_renew_period(period_type: i64, n: i64) -> ApiResult<()> {
    let (lo, hi) = if period_type == 3 { (1, 3) } else { (1, 11) };
    if n < lo || n > hi {
        let unit = if period_type == 3 { "years" } else { "months" };
        return Err(ApiError::param(
            "period_num",
            format_args!("must be between {lo} and {hi} {unit}"),
        ));
    }
    Ok(())
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `project_id` must be one of the calling account's IAM projects (one per region). Huawei
/// refuses anything else, the account's domain id included.
fn check_project(ctx: &Ctx<'_>) -> ApiResult<()> {
    let project = ctx.bs("project_id").unwrap_or_default();
    if ctx
        .st
        .projects_of(&ctx.ak)
        .iter()
        .any(|(_, p)| p == project)
    {
        Ok(())
    } else {
        Err(ApiError::param(
            "project_id",
            "is not a project of this account (use the IAM project id of the region)",
        ))
    }
}

fn products(ctx: &Ctx<'_>) -> ApiResult<Vec<Value>> {
    let items = ctx
        .body
        .get("product_infos")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut seen = HashSet::new();
    for it in &items {
        let id = it.get("id").and_then(Value::as_str).unwrap_or_default();
        if !seen.insert(id.to_owned()) {
            return Err(ApiError::biz(
                "CBC.30050012",
                format!("Duplicate product_infos id: {id}."),
            ));
        }
    }
    Ok(items)
}

fn find<'c>(it: &Value, k: usize, mode: &str) -> ApiResult<(&'c Spec, i64)> {
    let s = |f: &str| it.get(f).and_then(Value::as_str).unwrap_or_default();
    let cat = catalog();
    let region = s("region");
    if !cat.regions.iter().any(|r| r.region_code == region) {
        return Err(ApiError::param(
            &format!("product_infos[{k}].region"),
            "is not a known region",
        ));
    }
    let spec = cat
        .find_spec(
            s("cloud_service_type"),
            s("resource_type"),
            s("resource_spec"),
        )
        .filter(|sp| {
            if mode == "ppu" {
                sp.pay_per_use()
            } else {
                sp.yearly_monthly()
            }
        })
        .ok_or_else(|| {
            ApiError::biz(
                "CBC.99006006",
                format!("Product not found for product_infos[{k}]."),
            )
        })?;
    let size = match spec.size_measure_id {
        Some(unit) => {
            let size = it
                .get("resource_size")
                .and_then(Value::as_i64)
                .ok_or_else(|| {
                    ApiError::param(
                        &format!("product_infos[{k}].resource_size"),
                        "is required for linear products",
                    )
                })?;
            if size < 1 {
                return Err(ApiError::param(
                    &format!("product_infos[{k}].resource_size"),
                    "must be >= 1",
                ));
            }
            if it.get("size_measure_id").and_then(Value::as_i64) != Some(unit) {
                return Err(ApiError::param(
                    &format!("product_infos[{k}].size_measure_id"),
                    format_args!("must be {unit} for this product"),
                ));
            }
            size
        }
        None => 1,
    };
    let count = it
        .get("subscription_num")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    if count < 1 {
        return Err(ApiError::param(
            &format!("product_infos[{k}].subscription_num"),
            "must be >= 1",
        ));
    }
    Ok((spec, size))
}

fn product_id(ctx: &Ctx<'_>, spec: &Spec) -> String {
    let mut r = crate::sandbox::rng::Rng::new(ctx.st.cfg.seed, "product", &spec.id);
    format!("OFFI{}", r.upper(20))
}

// https://support.huaweicloud.com/eu/api-oce/bcloud_01001.html
pub async fn on_demand(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    check_project(ctx)?;
    let items = products(ctx)?;
    let (ratio, discount_id) = {
        let w = ctx.world().await?;
        (w.discount_ratio, w.discount_id.clone())
    };
    let mut results = Vec::new();
    let (mut total_off, mut total_amt) = (Decimal::ZERO, Decimal::ZERO);
    for (k, it) in items.iter().enumerate() {
        let (spec, size) = find(it, k, "ppu")?;
        let factor = it
            .get("usage_factor")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(expected) = &spec.usage_factor
            && !expected.eq_ignore_ascii_case(factor)
        {
            return Err(ApiError::param(
                &format!("product_infos[{k}].usage_factor"),
                format_args!("must be {expected} for this product"),
            ));
        }
        let usage = it
            .get("usage_value")
            .and_then(decimal)
            .unwrap_or(Decimal::ONE);
        if usage <= Decimal::ZERO {
            return Err(ApiError::param(
                &format!("product_infos[{k}].usage_value"),
                "must be > 0",
            ));
        }
        let count = it
            .get("subscription_num")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let official = on_demand_price(ctx.st.cfg.seed, spec, size, usage, count);
        let amount = cents(official * ratio);
        total_off += official;
        total_amt += amount;
        results.push(json!({
            "id": it.get("id").cloned().unwrap_or(Value::Null),
            "product_id": product_id(ctx, spec),
            "amount": num(amount),
            "discount_amount": num(official - amount),
            "official_website_amount": num(official),
            "measure_id": 1,
            "discount_rating_results": [{
                "discount_id": discount_id,
                "discount_type": 605,
                "amount": num(official - amount),
                "measure_id": 1,
                "discount_name": "Commercial discount",
            }],
        }));
    }
    Ok(Reply::Json(json!({
        "amount": num(total_amt),
        "discount_amount": num(total_off - total_amt),
        "official_website_amount": num(total_off),
        "measure_id": 1,
        "currency": ctx.currency(),
        "product_rating_results": results,
    })))
}

// https://support.huaweicloud.com/eu/api-oce/bcloud_01002.html
pub async fn period(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    check_project(ctx)?;
    let items = products(ctx)?;
    let (ratio, discount_id) = {
        let w = ctx.world().await?;
        (w.discount_ratio, w.discount_id.clone())
    };
    let mut official_rows = Vec::new();
    let mut discount_rows = Vec::new();
    let (mut total_off, mut total_amt) = (Decimal::ZERO, Decimal::ZERO);
    for (k, it) in items.iter().enumerate() {
        let (spec, size) = find(it, k, "period")?;
        let pt = it.get("period_type").and_then(Value::as_i64).unwrap_or(2);
        let n = it.get("period_num").and_then(Value::as_i64).unwrap_or(1);
        if !(1..=999).contains(&n) {
            return Err(ApiError::param(
                &format!("product_infos[{k}].period_num"),
                "must be between 1 and 999",
            ));
        }
        let count = it
            .get("subscription_num")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let official = period_price(ctx.st.cfg.seed, spec, size, pt, n) * Decimal::from(count);
        let amount = cents(official * ratio);
        total_off += official;
        total_amt += amount;
        let id = it.get("id").cloned().unwrap_or(Value::Null);
        let pid = product_id(ctx, spec);
        official_rows.push(json!({
            "id": id, "product_id": pid,
            "official_website_amount": num(official), "measure_id": 1,
            "installment_official_website_amount": text(official),
            "installment_period_type": 2,
        }));
        discount_rows.push(json!({
            "id": id, "product_id": pid,
            "amount": num(amount), "official_website_amount": num(official),
            "discount_amount": num(official - amount), "measure_id": 1,
            "installment_official_website_amount": text(official),
            "installment_official_discount_amount": text(official - amount),
            "installment_amount": text(amount),
            "installment_period_type": 2,
        }));
    }
    Ok(Reply::Json(json!({
        "official_website_rating_result": {
            "official_website_amount": num(total_off),
            "installment_official_website_amount": text(total_off),
            "installment_period_type": 2,
            "measure_id": 1,
            "product_rating_results": official_rows,
        },
        "optional_discount_rating_results": [{
            "discount_id": discount_id,
            "amount": num(total_amt),
            "official_website_amount": num(total_off),
            "discount_amount": num(total_off - total_amt),
            "measure_id": 1,
            "discount_type": 605,
            "discount_name": "Commercial discount",
            "best_offer": 1,
            "product_rating_results": discount_rows,
            "installment_official_website_amount": text(total_off),
            "installment_official_discount_amount": text(total_off - total_amt),
            "installment_amount": text(total_amt),
            "installment_period_type": 2,
        }],
        "currency": ctx.currency(),
    })))
}

// Renew-rate inquiry; no EU doc page was found for it (operations.json doc_page is null).
pub async fn renew_rate(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let ids = ctx.b_strings("resource_ids");
    let pt = ctx.bi("period_type").unwrap_or(2);
    let n = ctx.bi("period_num").unwrap_or(1);
    check_renew_period(pt, n)?;
    let mut seen = HashSet::new();
    if let Some(d) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::biz(
            "CBC.30050012",
            format!("Duplicate resource id: {d}."),
        ));
    }
    let relatives = ctx
        .body
        .get("include_relative_resources")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let w = ctx.world().await?;
    let mut results = Vec::new();
    let mut fails = Vec::new();
    let (mut total_off, mut total_amt) = (Decimal::ZERO, Decimal::ZERO);
    for id in &ids {
        let Some(res) = w.resources.iter().find(|r| &r.id == id) else {
            fails.push(json!({"error_code": "CBC.99003012", "error_msg": "The resource ID does not exist.", "resource_id": id}));
            continue;
        };
        if !res.is_main() {
            fails.push(json!({"error_code": "CBC.0100", "error_msg": "Only main resources can be priced for renewal.", "resource_id": id}));
            continue;
        }
        let members: Vec<usize> = if relatives {
            w.family(id)
        } else {
            w.resources
                .iter()
                .position(|r| &r.id == id)
                .into_iter()
                .collect()
        };
        let official: Decimal = members
            .iter()
            .map(|i| w.resource_price(&w.resources[*i], pt, n))
            .sum();
        // Discounted per resource, exactly as the renewal order's lines are.
        let amount: Decimal = members
            .iter()
            .map(|i| w.discounted(w.resource_price(&w.resources[*i], pt, n)))
            .sum();
        total_off += official;
        total_amt += amount;
        results.push(json!({"resource_id": id, "amount": text(amount)}));
    }
    Ok(Reply::Json(json!({
        "currency": ctx.currency(),
        "renew_inquiry_results": results,
        "official_website_rating_result": {
            "official_website_amount": text(total_off),
            "installment_official_website_amount": text(total_off),
            "installment_period_type": 2,
        },
        "optional_discount_rating_results": [{
            "discount_id": w.discount_id,
            "amount": text(total_amt),
            "official_website_amount": text(total_off),
            "discount_amount": text(total_off - total_amt),
            "discount_type": 605,
            "discount_name": "Commercial discount",
            "best_offer": 1,
            "installment_official_website_amount": text(total_off),
            "installment_official_discount_amount": text(total_off - total_amt),
            "installment_amount": text(total_amt),
            "installment_period_type": 2,
        }],
        "fail_resource_infos": fails,
    })))
}
