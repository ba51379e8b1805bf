//! Bill operations: monthly sums, resource usage details and resource expenditures, read from
//! the lazily computed records of `records.rs`.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::sandbox::catalog::catalog;
use crate::sandbox::error::{ApiError, ApiResult};
use crate::sandbox::money::{date, num, num_dp, parse_cycle, parse_date, ts};
use crate::sandbox::records::{Rec, cycle_index, monthly_sums, range_of, record};
use crate::sandbox::world::World;

/// Parses a `YYYY-MM` cycle and finds its record bucket (None = valid but holds nothing).
fn cycle(w: &World, name: &str, raw: Option<&str>) -> ApiResult<(String, Option<usize>)> {
    let raw = raw.ok_or_else(|| ApiError::param(name, "is required"))?;
    let (y, m) = parse_cycle(raw).ok_or_else(|| ApiError::param(name, "must be YYYY-MM"))?;
    if (y, m) < (2019, 1) {
        return Err(ApiError::param(name, "must not be earlier than 2019-01"));
    }
    Ok((raw.to_owned(), cycle_index(w.created, y, m)))
}

#[derive(Default)]
struct Filter {
    service: Option<String>,
    resource_type: Option<String>,
    region: Option<String>,
    charge_mode: Option<i64>,
    bill_type: Option<i64>,
    resource_id: Option<String>,
    ep: Option<String>,
    trade_id: Option<String>,
    date_begin: Option<time::Date>,
    date_end: Option<time::Date>,
    sub_customer_only: bool,
}

impl Filter {
    fn keep(&self, w: &World, r: &Rec) -> bool {
        let s = &w.subjects[r.subject];
        !self.sub_customer_only
            && self
                .service
                .as_ref()
                .is_none_or(|v| *v == s.service_type_code)
            && self
                .resource_type
                .as_ref()
                .is_none_or(|v| *v == s.resource_type_code)
            && self.region.as_ref().is_none_or(|v| *v == s.region)
            && self.charge_mode.is_none_or(|v| v == s.charge_mode)
            && self.bill_type.is_none_or(|v| v == r.bill_type)
            && self
                .resource_id
                .as_ref()
                .is_none_or(|v| *v == s.resource_id)
            && self.ep.as_ref().is_none_or(|v| *v == s.ep.0)
            && self.trade_id.as_ref().is_none_or(|v| *v == r.trade_id)
            && self.date_begin.is_none_or(|d| r.bill_date >= d)
            && self.date_end.is_none_or(|d| r.bill_date <= d)
    }
}

/// Walks the cycle's records once: the total that match and the page asked for.
fn select(
    w: &World,
    k: Option<usize>,
    f: &Filter,
    offset: usize,
    limit: usize,
) -> (usize, Vec<Rec>) {
    let Some(k) = k else {
        return (0, Vec::new());
    };
    let mut total = 0;
    let mut out = Vec::new();
    for i in range_of(w.bill_records, k) {
        let r = record(w, i);
        if !f.keep(w, &r) {
            continue;
        }
        if total >= offset && out.len() < limit {
            out.push(r);
        }
        total += 1;
    }
    (total, out)
}

fn sub_customer(method: Option<&str>, sub_id: Option<&str>) -> ApiResult<bool> {
    if method == Some("sub_customer") {
        if sub_id.is_none() {
            return Err(ApiError::param(
                "sub_customer_id",
                "is required when method is sub_customer",
            ));
        }
        // The sandbox account has no enterprise member accounts.
        return Ok(true);
    }
    Ok(false)
}

// https://support.huaweicloud.com/eu/api-oce/mbc_00008.html
pub async fn monthly_sum(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let w = ctx.world().await?;
    let (bill_cycle, k) = cycle(&w, "bill_cycle", ctx.q("bill_cycle"))?;
    let none = sub_customer(ctx.q("method"), ctx.q("sub_customer_id"))?;
    let cat = catalog();
    let sums = match k {
        Some(k) if !none => monthly_sums(&w, k),
        _ => std::sync::Arc::new(Vec::new()),
    };
    let rows: Vec<&crate::sandbox::records::Sum> = sums
        .iter()
        .filter(|s| {
            ctx.q("service_type_code")
                .is_none_or(|v| v == s.service_type_code)
        })
        .collect();
    let total = |f: fn(&crate::sandbox::records::Sum) -> Decimal| -> Value {
        num(rows.iter().map(|s| f(s)).sum())
    };
    let (offset, limit) = ctx.q_page();
    let page: Vec<Value> = super::page(&rows, offset, limit)
        .iter()
        .map(|s| {
            json!({
                "bill_cycle": bill_cycle,
                "resource_type_code": s.resource_type_code,
                "service_type_code": s.service_type_code,
                "service_type_name": cat.service_name(&s.service_type_code),
                "resource_type_name": cat.resource_name(&s.resource_type_code),
                "charging_mode": s.charging_mode,
                "official_amount": num(s.official),
                "official_discount_amount": num(s.discount),
                "truncated_amount": num(Decimal::ZERO),
                "consume_amount": num(s.consume),
                "coupon_amount": num(s.coupon),
                "flexipurchase_coupon_amount": num(Decimal::ZERO),
                "stored_value_card_amount": num(Decimal::ZERO),
                "debt_amount": num(Decimal::ZERO),
                "writeoff_amount": num(Decimal::ZERO),
                "cash_amount": num(s.cash),
                "credit_amount": num(s.credit),
                "measure_id": 1,
                "bill_type": s.bill_type,
                "customer_id": w.customer_id,
                "account_name": w.customer_id,
            })
        })
        .collect();
    Ok(Reply::Json(json!({
        "total_count": rows.len(),
        "bill_sums": page,
        "consume_amount": total(|s| s.consume),
        "debt_amount": num(Decimal::ZERO),
        "coupon_amount": total(|s| s.coupon),
        "flexipurchase_coupon_amount": num(Decimal::ZERO),
        "stored_value_card_amount": num(Decimal::ZERO),
        "cash_amount": total(|s| s.cash),
        "credit_amount": total(|s| s.credit),
        "writeoff_amount": num(Decimal::ZERO),
        "measure_id": 1,
        "currency": w.currency,
    })))
}

fn date_param(name: &str, raw: Option<&str>) -> ApiResult<Option<time::Date>> {
    match raw {
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| ApiError::param(name, "must be a date YYYY-MM-DD")),
        None => Ok(None),
    }
}

/// Both bounds together, ordered, inside the cycle.
fn date_range(
    cycle_raw: &str,
    (bn, b): (&str, Option<time::Date>),
    (en, e): (&str, Option<time::Date>),
) -> ApiResult<()> {
    match (b, e) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(ApiError::param(en, format_args!("must be given with {bn}"))),
        (None, Some(_)) => Err(ApiError::param(bn, format_args!("must be given with {en}"))),
        (Some(b), Some(e)) => {
            if e < b {
                return Err(ApiError::param(en, format_args!("must not be before {bn}")));
            }
            let in_cycle =
                |d: time::Date| format!("{:04}-{:02}", d.year(), u8::from(d.month())) == cycle_raw;
            if !in_cycle(b) {
                return Err(ApiError::param(bn, "must be in the month of the cycle"));
            }
            if !in_cycle(e) {
                return Err(ApiError::param(en, "must be in the month of the cycle"));
            }
            Ok(())
        }
    }
}

/// Joins two JSON objects (one literal is too deep for the `json!` macro).
fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

fn relation(w: &World, r: &Rec) -> Value {
    let s = &w.subjects[r.subject];
    let root = s.parent.clone().unwrap_or_else(|| s.resource_id.clone());
    json!({
        "self_resource_id": s.resource_id,
        "relation_infos": [
            {"relative_resource_id": root, "relative_type": "ROOT"},
            {"relative_resource_id": s.parent.clone().unwrap_or_default(), "relative_type": "PARENT"},
        ],
    })
}

// https://support.huaweicloud.com/eu/api-oce/mbc_00003.html
pub async fn record_details(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let w = ctx.world().await?;
    let (cycle_raw, k) = cycle(&w, "cycle", ctx.bs("cycle"))?;
    let statistic = ctx.bi("statistic_type").unwrap_or(1);
    let daily = ctx.bs("query_type") == Some("DAILY");
    let b = date_param("bill_cycle_begin", ctx.bs("bill_cycle_begin"))?;
    let e = date_param("bill_cycle_end", ctx.bs("bill_cycle_end"))?;
    if daily {
        if statistic == 1 {
            return Err(ApiError::param(
                "statistic_type",
                "must be 2 or 3 when query_type is DAILY",
            ));
        }
        if b.is_none() {
            return Err(ApiError::param(
                "bill_cycle_begin",
                "is required when query_type is DAILY",
            ));
        }
        if e.is_none() {
            return Err(ApiError::param(
                "bill_cycle_end",
                "is required when query_type is DAILY",
            ));
        }
    }
    date_range(&cycle_raw, ("bill_cycle_begin", b), ("bill_cycle_end", e))?;
    let f = Filter {
        service: ctx.bs("cloud_service_type").map(str::to_owned),
        resource_type: ctx.bs("resource_type").map(str::to_owned),
        region: ctx.bs("region").map(str::to_owned),
        charge_mode: ctx.bi("charge_mode"),
        bill_type: ctx.bi("bill_type"),
        resource_id: ctx.bs("res_instance_id").map(str::to_owned),
        ep: ctx.bs("enterprise_project_id").map(str::to_owned),
        trade_id: None,
        date_begin: b,
        date_end: e,
        sub_customer_only: sub_customer(ctx.bs("method"), ctx.bs("sub_customer_id"))?,
    };
    let (offset, limit) = ctx.b_page();
    let (total, recs) = select(&w, k, &f, offset, limit);
    let cat = catalog();
    let rows: Vec<Value> = recs
        .iter()
        .map(|r| {
            let s = &w.subjects[r.subject];
            let head = json!({
                "cycle": r.cycle,
                "bill_date": if statistic == 1 { String::new() } else { date(r.bill_date) },
                "bill_type": r.bill_type,
                "customer_id": w.customer_id,
                "region": s.region,
                "region_name": cat.region_name(&s.region),
                "cloud_service_type": s.service_type_code,
                "resource_Type_code": s.resource_type_code,
                "cloud_service_type_name": cat.service_name(&s.service_type_code),
                "resource_type_name": cat.resource_name(&s.resource_type_code),
                "res_instance_id": s.resource_id,
                "resource_name": s.name,
                "resource_tag": "",
                "sku_code": s.spec_desc.split(" | ").next().unwrap_or_default(),
                "enterprise_project_id": s.ep.0,
                "enterprise_project_name": s.ep.1,
                "charge_mode": s.charge_mode,
                "consume_amount": num(r.amount),
                "cash_amount": num(r.cash),
                "credit_amount": num(r.credit),
                "coupon_amount": num(r.coupon),
                "flexipurchase_coupon_amount": num(Decimal::ZERO),
                "stored_card_amount": num(Decimal::ZERO),
                "bonus_amount": num(r.bonus),
                "debt_amount": num(Decimal::ZERO),
                "adjustment_amount": num(Decimal::ZERO),
                "official_amount": num(r.official),
                "discount_amount": num(r.discount),
                "measure_id": 1,
            });
            let more = json!({
                "period_type": r.period_type,
                "root_resource_id": s.parent.clone().unwrap_or_else(|| s.resource_id.clone()),
                "parent_resource_id": s.parent.clone().unwrap_or_default(),
                "trade_id": r.trade_id,
                "id": r.id,
                "product_spec_desc": s.spec_desc,
                "sub_service_type_code": "",
                "sub_service_type_name": "",
                "sub_resource_type_code": "",
                "sub_resource_type_name": "",
                "sub_resource_id": "",
                "sub_resource_name": "",
                "pre_order_id": r.order_id,
                "az_code_infos": [],
                "payer_account_id": w.customer_id,
                "effective_time": ts(r.trade_time),
                "expire_time": ts(r.trade_time + time::Duration::days(30 * r.period_num.max(1))),
                "consume_time": ts(r.trade_time),
                "be_id": "",
                "extend_params": relation(&w, r),
                "account_name": w.customer_id,
                "period_num": num_dp(Decimal::from(r.period_num), 0),
                "is_spot": "0",
                "promotion_type": "",
                "payment_type": "",
            });
            merge(head, more)
        })
        .collect();
    Ok(Reply::Json(json!({
        "monthly_records": rows,
        "total_count": total,
        "currency": w.currency,
    })))
}

// https://support.huaweicloud.com/eu/api-oce/mbc_00004.html
pub async fn fee_records(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let w = ctx.world().await?;
    let (cycle_raw, k) = cycle(&w, "cycle", ctx.q("cycle"))?;
    let b = date_param("bill_date_begin", ctx.q("bill_date_begin"))?;
    let e = date_param("bill_date_end", ctx.q("bill_date_end"))?;
    date_range(&cycle_raw, ("bill_date_begin", b), ("bill_date_end", e))?;
    let f = Filter {
        service: ctx.q("cloud_service_type").map(str::to_owned),
        resource_type: None,
        region: ctx.q("region").map(str::to_owned),
        charge_mode: ctx.qi("charge_mode"),
        bill_type: ctx.qi("bill_type"),
        resource_id: ctx.q("resource_id").map(str::to_owned),
        ep: ctx.q("enterprise_project_id").map(str::to_owned),
        trade_id: ctx.q("trade_id").map(str::to_owned),
        date_begin: b,
        date_end: e,
        sub_customer_only: sub_customer(ctx.q("method"), ctx.q("sub_customer_id"))?,
    };
    let (offset, limit) = ctx.q_page();
    let (total, recs) = select(&w, k, &f, offset, limit);
    let cat = catalog();
    let rows: Vec<Value> = recs
        .iter()
        .map(|r| {
            let s = &w.subjects[r.subject];
            let spec = &cat.specs[s.spec];
            let head = json!({
                "bill_date": date(r.bill_date),
                "bill_type": r.bill_type,
                "customer_id": w.customer_id,
                "region": s.region,
                "region_name": cat.region_name(&s.region),
                "cloud_service_type": s.service_type_code,
                "resource_type": s.resource_type_code,
                "cloud_service_type_name": cat.service_name(&s.service_type_code),
                "resource_type_name": cat.resource_name(&s.resource_type_code),
                "effective_time": ts(r.trade_time),
                "expire_time": ts(r.trade_time + time::Duration::days(30 * r.period_num.max(1))),
                "resource_id": s.resource_id,
                "resource_name": s.name,
                "resource_tag": "",
                "product_id": s.product_id,
                "product_name": s.spec_desc,
                "product_spec_desc": s.spec_desc,
                "sku_code": spec.resource_spec,
                "spec_size": num_dp(Decimal::from(spec.resource_size.unwrap_or(0)), 0),
                "spec_size_measure_id": spec.size_measure_id.unwrap_or(0),
                "trade_id": r.trade_id,
                "id": r.id,
                "trade_time": ts(r.trade_time),
                "enterprise_project_id": s.ep.0,
                "enterprise_project_name": s.ep.1,
                "charge_mode": s.charge_mode.to_string(),
                "order_id": r.order_id,
                "period_type": r.period_type.to_string(),
                "usage_type": s.usage_type,
                "usage": num_dp(r.usage, 4),
                "usage_measure_id": r.usage_measure_id,
                "free_resource_usage": num_dp(Decimal::ZERO, 4),
                "free_resource_measure_id": r.usage_measure_id,
                "ri_usage": num_dp(Decimal::ZERO, 4),
                "ri_usage_measure_id": r.usage_measure_id,
            });
            let more = json!({
                "unit_price": num_dp(r.unit_price, 6),
                "unit": if s.charge_mode == 1 { format!("{}/month", w.currency) } else { format!("{}/hour", w.currency) },
                "official_amount": num(r.official),
                "discount_amount": num(r.discount),
                "amount": num(r.amount),
                "cash_amount": num(r.cash),
                "credit_amount": num(r.credit),
                "coupon_amount": num(r.coupon),
                "flexipurchase_coupon_amount": num(Decimal::ZERO),
                "stored_card_amount": num(Decimal::ZERO),
                "bonus_amount": num(r.bonus),
                "debt_amount": num(Decimal::ZERO),
                "adjustment_amount": num(Decimal::ZERO),
                "measure_id": 1,
                "formula": if s.charge_mode == 1 { "official amount = monthly price x months" } else { "official amount = unit price x usage" },
                "sub_service_type_code": "",
                "sub_service_type_name": "",
                "sub_resource_type_code": "",
                "sub_resource_type_name": "",
                "sub_resource_id": "",
                "sub_resource_name": "",
                "consume_time": ts(r.trade_time),
                "relative_order_id": "",
                "account_name": w.customer_id,
                "period_num": num_dp(Decimal::from(r.period_num), 0),
            });
            merge(head, more)
        })
        .collect();
    Ok(Reply::Json(json!({
        "fee_records": rows,
        "total_count": total,
        "currency": w.currency,
    })))
}
