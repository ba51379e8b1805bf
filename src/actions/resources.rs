//! Yearly/monthly resource actions: renew, unsubscribe, auto-renew on/off, change to
//! pay-per-use at expiry (and cancel that), renewal settings; the reads they rely on (the
//! account's resources, renewal quotes); and how the reconciler reads their outcome back
//! (expiry time, expire policy, status, new renewal orders).
//!
//! CBC's per-call maxima are respected by batching: renew and unsubscribe take at most 10 main
//! resources per call, the change to pay-per-use at most 100, auto-renew one resource per call.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::reconciler::{CheckResult, Verdict};
use super::{ActionKind, CallOutput, Job, target_of};
use crate::cbc::ops::subscriptions::CustomerResource;
use crate::cbc::ops::{
    AutoRenewalResourcesRequest, CancelAutoRenewalResourcesRequest,
    CancelResourcesSubscriptionRequest, ListCustomerOrdersRequest,
    ListPayPerUseCustomerResourcesRequest, ListRenewRateOnPeriodRequest, PartialFailures,
    RenewalResourcesRequest, SetResourcesRenewConfigRequest, UpdatePeriodToOnDemandRequest,
};
use crate::cbc::{AccountCredentials, CbcError};
use crate::db::attempts::Attempt;
use crate::state::AppState;

/// Main resources per renew / unsubscribe / renew-rate call.
pub const RENEW_MAX: usize = 10;
/// Main resources per change-to-pay-per-use call.
pub const TO_ON_DEMAND_MAX: usize = 100;
/// Resource ids per list call.
pub const LIST_IDS_MAX: usize = 50;
/// Resources per list page, and pages read at most for one view.
const LIST_PAGE: i64 = 500;
const LIST_PAGES: i64 = 6;

/// Expire policy: change to pay-per-use at expiry.
pub const POLICY_TO_ON_DEMAND: i64 = 1;
/// Expire policy: auto-renew.
pub const POLICY_AUTO_RENEW: i64 = 3;

/// A CBC time filter value: `yyyy-MM-ddTHH:mm:ssZ`.
pub fn cbc_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Every resource matching `filter` (main and attached), read page by page through the cache.
/// The flag is true when the list was cut at the page limit.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00021.html>
pub async fn all_resources(
    state: &AppState,
    creds: &AccountCredentials,
    filter: &ListPayPerUseCustomerResourcesRequest,
) -> Result<(Vec<CustomerResource>, bool), CbcError> {
    let mut out = Vec::new();
    for page in 0..LIST_PAGES {
        let req = ListPayPerUseCustomerResourcesRequest {
            offset: Some(page * LIST_PAGE),
            limit: Some(LIST_PAGE),
            ..filter.clone()
        };
        let ans = state
            .cbc
            .list_pay_per_use_customer_resources(creds, &req)
            .await?;
        let got = ans.data.len() as i64;
        out.extend(ans.data.iter().cloned());
        let total = ans.total_count.unwrap_or(0);
        if got < LIST_PAGE || (page + 1) * LIST_PAGE >= total {
            return Ok((out, false));
        }
    }
    Ok((out, true))
}

/// The named resources as CBC shows them now (fresh), in any status.
pub async fn fresh_resources(
    state: &AppState,
    creds: &AccountCredentials,
    ids: &[String],
) -> Result<Vec<CustomerResource>, CbcError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(LIST_IDS_MAX) {
        let req = ListPayPerUseCustomerResourcesRequest {
            resource_ids: Some(chunk.to_vec()),
            status_list: Some(vec![2, 3, 4, 5]),
            limit: Some(LIST_PAGE),
            offset: Some(0),
            ..Default::default()
        };
        out.extend(state.cbc.call(creds, &req).await?.data);
    }
    Ok(out)
}

/// One resource's renewal price.
#[derive(Debug, Clone)]
pub struct QuoteLine {
    pub resource_id: String,
    /// Price after discounts, with attached resources.
    pub amount: Option<Decimal>,
    /// Why it could not be priced.
    pub error: Option<String>,
}

/// A renewal quote for several resources.
#[derive(Debug, Clone, Default)]
pub struct Quote {
    pub currency: String,
    pub lines: Vec<QuoteLine>,
    /// List price of everything that could be priced.
    pub official_total: Decimal,
    /// Price after discounts of everything that could be priced.
    pub total: Decimal,
}

/// Asks CBC what renewing `ids` for `period_num` months (`period_type` 2) or years (3) costs,
/// fresh, at most 10 ids per call.
pub async fn renew_quote(
    state: &AppState,
    creds: &AccountCredentials,
    ids: &[String],
    period_type: i64,
    period_num: i64,
) -> Result<Quote, CbcError> {
    let mut q = Quote::default();
    for chunk in ids.chunks(RENEW_MAX) {
        let req = ListRenewRateOnPeriodRequest {
            resource_ids: chunk.to_vec(),
            period_type,
            period_num,
            include_relative_resources: Some(true),
        };
        let ans = state.cbc.call(creds, &req).await?;
        if let Some(c) = ans.currency.clone() {
            q.currency = c;
        }
        let best = ans
            .optional_discount_rating_results
            .iter()
            .find(|d| d.best_offer == Some(1))
            .or(ans.optional_discount_rating_results.first());
        let official = ans
            .official_website_rating_result
            .as_ref()
            .and_then(|o| o.official_website_amount)
            .unwrap_or_default();
        let priced: Decimal = ans
            .renew_inquiry_results
            .iter()
            .filter_map(|r| r.amount)
            .sum();
        q.official_total += official;
        q.total += best.and_then(|b| b.amount).unwrap_or(priced);
        let failures = ans.failures();
        for id in chunk {
            let amount = ans
                .renew_inquiry_results
                .iter()
                .find(|r| r.resource_id.as_deref() == Some(id))
                .and_then(|r| r.amount);
            let error = failures
                .iter()
                .find(|f| &f.resource_id == id)
                .map(|f| super::code_message(&f.error_code, &f.error_msg));
            q.lines.push(QuoteLine {
                resource_id: id.clone(),
                amount,
                error: error.or_else(|| {
                    amount
                        .is_none()
                        .then(|| "Huawei Cloud gave no price for this resource.".to_owned())
                }),
            });
        }
    }
    Ok(q)
}

fn output<R: PartialFailures>(ans: &R, result: Value, targets: usize) -> CallOutput {
    CallOutput {
        result,
        failures: ans.failures(),
        targets,
    }
}

/// Renewal jobs, 10 main resources per call. `summary` gets each batch's ids.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00018.html>
pub fn renew_jobs(
    ids: &[String],
    period_type: i64,
    period_num: i64,
    auto_pay: bool,
    summary: &Value,
    expire_before: &BTreeMap<String, String>,
) -> Vec<Job> {
    ids.chunks(RENEW_MAX)
        .map(|chunk| {
            let ids = chunk.to_vec();
            let mut s = summary.clone();
            s["resource_ids"] = json!(ids);
            s["expire_before"] = json!(
                ids.iter()
                    .filter_map(|i| expire_before.get(i).map(|t| (i.clone(), t.clone())))
                    .collect::<BTreeMap<_, _>>()
            );
            Job::new(
                ActionKind::Renew,
                target_of(&ids),
                s,
                move |cbc, creds: Arc<AccountCredentials>| async move {
                    let n = ids.len();
                    let req = RenewalResourcesRequest {
                        resource_ids: ids,
                        period_type,
                        period_num,
                        is_auto_pay: Some(i64::from(auto_pay)),
                    };
                    let ans = cbc.renewal_resources(&creds, &req).await?;
                    Ok(output(&ans, json!({ "order_ids": ans.order_ids }), n))
                },
            )
        })
        .collect()
}

/// Unsubscribe jobs (resource and renewed periods), 10 main resources per call.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00019.html>
pub fn unsubscribe_jobs(ids: &[String], reason: Option<String>, summary: &Value) -> Vec<Job> {
    ids.chunks(RENEW_MAX)
        .map(|chunk| {
            let ids = chunk.to_vec();
            let mut s = summary.clone();
            s["resource_ids"] = json!(ids);
            let reason = reason.clone();
            Job::new(
                ActionKind::Unsubscribe,
                target_of(&ids),
                s,
                move |cbc, creds: Arc<AccountCredentials>| async move {
                    let n = ids.len();
                    let req = CancelResourcesSubscriptionRequest {
                        resource_ids: ids,
                        unsubscribe_type: 1,
                        unsubscribe_reason_type: reason.as_ref().map(|_| 5),
                        unsubscribe_reason: reason,
                    };
                    let ans = cbc.cancel_resources_subscription(&creds, &req).await?;
                    Ok(output(&ans, json!({ "order_ids": ans.order_ids }), n))
                },
            )
        })
        .collect()
}

/// Auto-renew on, one resource per call; `period` is `MONTH` or `YEAR`.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00022.html>
pub fn autorenew_on_jobs(ids: &[String], period: &'static str, summary: &Value) -> Vec<Job> {
    ids.iter()
        .map(|id| {
            let id = id.clone();
            let mut s = summary.clone();
            s["resource_ids"] = json!([id]);
            Job::new(
                ActionKind::AutoRenewOn,
                id.clone(),
                s,
                move |cbc, creds: Arc<AccountCredentials>| async move {
                    let req = AutoRenewalResourcesRequest {
                        resource_id: id.clone(),
                        auto_renew_times: None,
                        period_type: Some(period.to_owned()),
                    };
                    cbc.auto_renewal_resources(&creds, &req).await?;
                    Ok(CallOutput {
                        result: json!({ "resource_id": id }),
                        failures: Vec::new(),
                        targets: 1,
                    })
                },
            )
        })
        .collect()
}

/// Auto-renew off, one resource per call.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00023.html>
pub fn autorenew_off_jobs(ids: &[String], summary: &Value) -> Vec<Job> {
    ids.iter()
        .map(|id| {
            let id = id.clone();
            let mut s = summary.clone();
            s["resource_ids"] = json!([id]);
            Job::new(
                ActionKind::AutoRenewOff,
                id.clone(),
                s,
                move |cbc, creds: Arc<AccountCredentials>| async move {
                    let req = CancelAutoRenewalResourcesRequest {
                        resource_id: id.clone(),
                    };
                    cbc.cancel_auto_renewal_resources(&creds, &req).await?;
                    Ok(CallOutput {
                        result: json!({ "resource_id": id }),
                        failures: Vec::new(),
                        targets: 1,
                    })
                },
            )
        })
        .collect()
}

/// Change to pay-per-use at expiry (`set`) or cancel that change, 100 resources per call.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00024.html>
pub fn to_on_demand_jobs(ids: &[String], set: bool, summary: &Value) -> Vec<Job> {
    let kind = if set {
        ActionKind::ToOnDemandSet
    } else {
        ActionKind::ToOnDemandCancel
    };
    ids.chunks(TO_ON_DEMAND_MAX)
        .map(|chunk| {
            let ids = chunk.to_vec();
            let mut s = summary.clone();
            s["resource_ids"] = json!(ids);
            Job::new(
                kind,
                target_of(&ids),
                s,
                move |cbc, creds: Arc<AccountCredentials>| async move {
                    let n = ids.len();
                    let req = UpdatePeriodToOnDemandRequest {
                        operation: if set { "SET_UP" } else { "CANCEL" }.to_owned(),
                        resource_ids: ids,
                    };
                    let ans = cbc.update_period_to_on_demand(&creds, &req).await?;
                    Ok(output(&ans, json!({}), n))
                },
            )
        })
        .collect()
}

/// Renewal settings: `DEDUCTION_DATE` (2-7 days before expiry) or `EXPIRE_DATE` (day 1-28).
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00031.html>
pub fn renew_config_job(name: &'static str, value: i64, summary: Value) -> Job {
    Job::new(
        ActionKind::RenewConfig,
        format!("account:{name}"),
        summary,
        move |cbc, creds: Arc<AccountCredentials>| async move {
            let req = SetResourcesRenewConfigRequest {
                config_name: name.to_owned(),
                config_value: value.to_string(),
            };
            let ans = cbc.set_resources_renew_config(&creds, &req).await?;
            let code = ans.error_code.unwrap_or_else(|| "CBC.0000".to_owned());
            let failures = if code == "CBC.0000" {
                Vec::new()
            } else {
                vec![crate::cbc::ops::ResourceFailure {
                    resource_id: name.to_owned(),
                    error_code: code,
                    error_msg: ans.error_msg.unwrap_or_default(),
                }]
            };
            Ok(CallOutput {
                result: json!({ "config_name": name, "config_value": value }),
                failures,
                targets: 1,
            })
        },
    )
}

fn ids_of(a: &Attempt) -> Vec<String> {
    a.request
        .get("resource_ids")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the resources back for an unknown resource action.
pub async fn check(
    state: &AppState,
    creds: &AccountCredentials,
    a: &Attempt,
    kind: ActionKind,
) -> CheckResult {
    if kind == ActionKind::RenewConfig {
        return Ok(Verdict::Unconfirmable(
            "Huawei Cloud offers no way to read renewal settings back, so the portal could not \
             confirm this change. Setting the same value again is harmless."
                .to_owned(),
        ));
    }
    let ids = ids_of(a);
    let now = fresh_resources(state, creds, &ids).await?;
    let find = |id: &str| now.iter().find(|r| r.resource_id.as_deref() == Some(id));
    let done: Vec<&String> = ids
        .iter()
        .filter(|id| {
            let r = find(id);
            match kind {
                ActionKind::Unsubscribe => r.is_none_or(|r| r.status == Some(3)),
                ActionKind::AutoRenewOn => {
                    r.is_some_and(|r| r.expire_policy == Some(POLICY_AUTO_RENEW))
                }
                ActionKind::AutoRenewOff => {
                    r.is_some_and(|r| r.expire_policy != Some(POLICY_AUTO_RENEW))
                }
                ActionKind::ToOnDemandSet => {
                    r.is_some_and(|r| r.expire_policy == Some(POLICY_TO_ON_DEMAND))
                }
                ActionKind::ToOnDemandCancel => {
                    r.is_some_and(|r| r.expire_policy != Some(POLICY_TO_ON_DEMAND))
                }
                ActionKind::Renew => {
                    let before = a
                        .request
                        .get("expire_before")
                        .and_then(|m| m.get(id.as_str()))
                        .and_then(Value::as_str)
                        .and_then(crate::web::format::parse_cbc_time);
                    let after = r
                        .and_then(|r| r.expire_time.as_deref())
                        .and_then(crate::web::format::parse_cbc_time);
                    matches!((before, after), (Some(b), Some(x)) if x > b)
                }
                _ => false,
            }
        })
        .collect();
    if !done.is_empty() {
        return Ok(Verdict::Applied(json!({ "resource_ids": done })));
    }
    if kind == ActionKind::Renew {
        // Without auto-pay a renewal only creates an order; look for one made since the claim.
        let since = a.created_at - time::Duration::minutes(2);
        let req = ListCustomerOrdersRequest {
            order_type: Some("2".to_owned()),
            create_time_begin: Some(cbc_time(since)),
            create_time_end: Some(cbc_time(
                OffsetDateTime::now_utc() + time::Duration::minutes(5),
            )),
            limit: Some(100),
            offset: Some(0),
            ..Default::default()
        };
        let orders = state.cbc.call(creds, &req).await?;
        let ids: Vec<String> = orders
            .order_infos
            .iter()
            .filter_map(|o| o.order_id.clone())
            .collect();
        if !ids.is_empty() {
            crate::ownership::record(
                &state.db,
                a.cloud_account_id,
                crate::ownership::kind::ORDER,
                &ids,
            )
            .await
            .ok();
            return Ok(Verdict::Applied(json!({ "renewal_orders": ids })));
        }
    }
    Ok(Verdict::NotApplied(
        "Huawei Cloud shows the resources unchanged, so this request did not take effect."
            .to_owned(),
    ))
}
