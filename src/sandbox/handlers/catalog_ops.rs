//! Catalog operations: service types, resource types, usage types, units and conversions,
//! answered from the real codes in `catalog/`.

use serde_json::{Value, json};

use super::{Ctx, Reply, listing, page};
use crate::sandbox::catalog::catalog;
use crate::sandbox::error::ApiResult;

// https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256679455.html
pub fn list_service_types(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let needle = ctx.q("service_type_name").map(str::to_lowercase);
    let items: Vec<Value> = catalog()
        .service_types
        .iter()
        .filter(|s| {
            needle
                .as_deref()
                .is_none_or(|n| s.service_type_name.to_lowercase().contains(n))
        })
        .map(|s| {
            json!({
                "service_type_name": s.service_type_name,
                "service_type_code": s.service_type_code,
                "abbreviation": s.abbreviation.clone().unwrap_or_default(),
            })
        })
        .collect();
    let (offset, limit) = ctx.q_page();
    Ok(Reply::Json(listing(
        "service_types",
        items.len(),
        page(&items, offset, limit).to_vec(),
    )))
}

// https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256519451.html
pub fn list_resource_types(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let items: Vec<Value> = catalog()
        .resource_types
        .iter()
        .map(|r| {
            json!({
                "resource_type_code": r.resource_type_code,
                "resource_type_name": r.resource_type_name,
                "resource_type_desc": r.resource_type_name,
                "service_type_code": r.service_type_code,
            })
        })
        .collect();
    let (offset, limit) = ctx.q_page();
    Ok(Reply::Json(listing(
        "resource_types",
        items.len(),
        page(&items, offset, limit).to_vec(),
    )))
}

// https://support.huaweicloud.com/eu/api-oce/qct_00003.html
pub fn list_service_resources(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let code = ctx.q("service_type_code").unwrap_or_default();
    let cat = catalog();
    let items: Vec<Value> = cat
        .resource_types
        .iter()
        .filter(|r| r.service_type_code == code)
        .map(|r| {
            json!({"basic_info": {
                "resource_type_code": r.resource_type_code,
                "product_owner_service": r.service_type_code,
                "name": r.resource_type_name,
                "description": format!("{} ({})", r.resource_type_name, cat.service_name(&r.service_type_code)),
            }})
        })
        .collect();
    let (offset, limit) = ctx.q_page();
    Ok(Reply::Json(listing(
        "infos",
        items.len(),
        page(&items, offset, limit).to_vec(),
    )))
}

// https://support.huaweicloud.com/eu/api-oce/qct_00004.html
pub fn list_usage_types(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let cat = catalog();
    let filter = ctx.q("resource_type_code");
    let mut items = Vec::new();
    for u in &cat.usage_types {
        for rt in &u.resource_type_codes {
            if filter.is_some_and(|f| f != rt) {
                continue;
            }
            let service = cat
                .resource(rt)
                .map(|r| r.service_type_code.clone())
                .unwrap_or_default();
            items.push(json!({
                "code": u.code,
                "name": u.name,
                "resource_type_code": rt,
                "service_type_code": service,
                "resource_type_name": cat.resource_name(rt),
                "service_type_name": cat.service_name(&service),
            }));
        }
    }
    let (offset, limit) = ctx.q_page();
    Ok(Reply::Json(listing(
        "usage_types",
        items.len(),
        page(&items, offset, limit).to_vec(),
    )))
}

// https://support.huaweicloud.com/eu/api-oce/qct_00006.html
pub fn list_measure_units(_ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let items: Vec<Value> = catalog()
        .measure_units
        .iter()
        .map(|m| {
            json!({
                "measure_id": m.measure_id,
                "measure_name": m.measure_name_en,
                "abbreviation": m.abbreviation.clone().unwrap_or_default(),
                "measure_type": m.measure_type,
            })
        })
        .collect();
    Ok(Reply::Json(json!({ "measure_units": items })))
}

// https://support.huaweicloud.com/eu/api-oce/qct_00007.html
pub fn list_conversions(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    let filter = ctx.qi("measure_type");
    let items: Vec<Value> = catalog()
        .conversions
        .iter()
        .filter(|c| filter.is_none_or(|t| t == c.measure_type))
        .map(|c| {
            json!({
                "measure_id": c.measure_id,
                "ref_measure_id": c.ref_measure_id,
                "conversion_ratio": c.conversion_ratio,
                "measure_type": c.measure_type,
            })
        })
        .collect();
    Ok(Reply::Json(json!({ "conversions": items })))
}
