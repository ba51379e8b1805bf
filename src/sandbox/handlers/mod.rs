//! The request pipeline for the 32 operations: route, authenticate, throttle, inject faults,
//! validate, run the operation, and stamp `X-Request-Id` on every answer.

mod account;
mod bills;
mod catalog_ops;
mod orders;
mod packages;
mod pricing;
mod resources;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::SandboxState;
use super::auth;
use super::control::ApplyThen;
use super::error::{ApiError, ApiResult};
use super::spec::{self, OpSpec};
use super::world::World;
use crate::cbc::signer;

/// Largest request body accepted.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// How long a stalled answer is held (longer than any sane client timeout).
const STALL: Duration = Duration::from_secs(600);

/// What an operation answers on success.
pub enum Reply {
    Json(Value),
    NoContent,
}

/// One call, parsed and authenticated.
pub struct Ctx<'a> {
    pub op: &'static OpSpec,
    pub ak: String,
    pub path_param: Option<String>,
    pub query: Vec<(String, String)>,
    pub body: Value,
    pub st: &'a SandboxState,
    pub now: OffsetDateTime,
}

impl Ctx<'_> {
    /// First value of a query parameter; empty values count as absent.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
    pub fn qi(&self, name: &str) -> Option<i64> {
        self.q(name).and_then(|v| v.parse().ok())
    }
    pub fn bs(&self, name: &str) -> Option<&str> {
        self.body
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
    pub fn bi(&self, name: &str) -> Option<i64> {
        self.body.get(name).and_then(Value::as_i64)
    }
    pub fn b_strings(&self, name: &str) -> Vec<String> {
        self.body
            .get(name)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// offset/limit from the query (defaults 0/10).
    pub fn q_page(&self) -> (usize, usize) {
        (
            self.qi("offset").unwrap_or(0).max(0) as usize,
            self.qi("limit").unwrap_or(10).max(1) as usize,
        )
    }
    /// offset/limit from the body (defaults 0/10).
    pub fn b_page(&self) -> (usize, usize) {
        (
            self.bi("offset").unwrap_or(0).max(0) as usize,
            self.bi("limit").unwrap_or(10).max(1) as usize,
        )
    }
    /// The caller's world.
    pub async fn world(&self) -> ApiResult<tokio::sync::MutexGuard<'_, World>> {
        match self.st.worlds.get(&self.ak) {
            Some(w) => Ok(w.lock().await),
            None => Err(ApiError::internal("No world for this account.")),
        }
    }
    pub fn currency(&self) -> &str {
        &self.st.cfg.currency
    }
}

/// The slice of `items` one page covers.
pub fn page<T>(items: &[T], offset: usize, limit: usize) -> &[T] {
    let start = offset.min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    &items[start..end]
}

fn respond(status: StatusCode, body: Option<Value>, request_id: &str) -> Response {
    let mut resp = match body {
        Some(v) => {
            let mut r = Response::new(Body::from(v.to_string()));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            r
        }
        None => Response::new(Body::empty()),
    };
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

fn error_response(e: &ApiError, request_id: &str) -> Response {
    respond(e.status, Some(e.body(request_id)), request_id)
}

/// The fallback handler: everything that is not the control API.
pub async fn dispatch(State(st): State<Arc<SandboxState>>, req: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = signer::parse_query(parts.uri.query().unwrap_or(""));
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let Some((op, path_param)) = spec::route(&method, &path) else {
        let e = ApiError::new(
            StatusCode::NOT_FOUND,
            "APIG.0101",
            "The API does not exist or has not been published in the environment.",
        );
        return error_response(&e, &request_id);
    };
    let claimed = auth::claimed_ak(&headers).unwrap_or_else(|| "-".to_owned());
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            st.control.record(&op.id, &claimed, 400);
            return error_response(&ApiError::param("body", "is too large"), &request_id);
        }
    };
    // Clients sign with the real time; the world runs on the sandbox clock.
    let now = OffsetDateTime::now_utc();

    let ak = match auth::authenticate(&st, &method, &path, &query, &headers, &bytes, now) {
        Ok(ak) => ak,
        Err(e) => {
            st.control.record(&op.id, &claimed, e.status.as_u16());
            return error_response(&e, &request_id);
        }
    };
    if !st.throttle.admit(&ak, &op.id, op.limit(), Instant::now()) {
        let e = ApiError::throttled();
        st.control.record(&op.id, &ak, e.status.as_u16());
        return error_response(&e, &request_id);
    }
    let decision = st.control.decide(&op.id);
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    if let Some(e) = decision.error {
        st.control.record(&op.id, &ak, e.status.as_u16());
        return error_response(&e, &request_id);
    }

    let result = run(
        &st,
        op,
        ak.clone(),
        path_param,
        query,
        &bytes,
        st.clock.now(),
    )
    .await;
    let (status, body) = match result {
        Ok(Reply::Json(v)) => (
            StatusCode::from_u16(op.success_status).unwrap_or(StatusCode::OK),
            Some(v),
        ),
        Ok(Reply::NoContent) => (StatusCode::NO_CONTENT, None),
        Err(e) => (e.status, Some(e.body(&request_id))),
    };
    match decision.apply_then {
        None => {
            st.control.record(&op.id, &ak, status.as_u16());
            respond(status, body, &request_id)
        }
        Some(ApplyThen::Stall) => {
            st.control.record(&op.id, &ak, status.as_u16());
            tokio::time::sleep(STALL).await;
            respond(status, body, &request_id)
        }
        Some(ApplyThen::Http500) => {
            let e = ApiError::internal("Internal error.");
            st.control.record(&op.id, &ak, 500);
            error_response(&e, &request_id)
        }
        Some(ApplyThen::Malformed) => {
            st.control.record(&op.id, &ak, 200);
            let text = body
                .map(|v| v.to_string())
                .unwrap_or_else(|| "{\"error_code\":\"CBC.0000\"}".to_owned());
            let cut = text.len() / 2;
            let mut truncated = text.as_bytes()[..cut.max(1)].to_vec();
            truncated.extend_from_slice(b"\x00<html>");
            let mut r = Response::new(Body::from(truncated));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&request_id) {
                r.headers_mut().insert("x-request-id", v);
            }
            r
        }
        Some(ApplyThen::Drop) => {
            // A body that fails before its first byte makes the server abort the connection,
            // so the client sees a connection error instead of an answer.
            st.control.record(&op.id, &ak, 0);
            let stream = futures_util::stream::once(async {
                Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "sandbox fault: connection dropped",
                ))
            });
            Response::new(Body::from_stream(stream))
        }
    }
}

async fn run(
    st: &SandboxState,
    op: &'static OpSpec,
    ak: String,
    path_param: Option<String>,
    query: Vec<(String, String)>,
    bytes: &[u8],
    now: OffsetDateTime,
) -> ApiResult<Reply> {
    let body = if op.body.is_some() {
        let any_required = op
            .body
            .as_ref()
            .is_some_and(|b| b.fields.iter().any(|f| f.required == Some(true)));
        if bytes.is_empty() && any_required {
            return Err(ApiError::param("body", "is required"));
        } else if bytes.is_empty() {
            json!({})
        } else {
            serde_json::from_slice::<Value>(bytes)
                .map_err(|_| ApiError::param("body", "is not valid JSON"))?
        }
    } else {
        Value::Null
    };
    spec::check_query(op, &query)?;
    spec::check_body(op, &body)?;
    if let (Some(p), Some(spec)) = (&path_param, op.path_params.first())
        && let Some(max) = spec.constraints.as_ref().and_then(|c| c.max_length)
        && p.chars().count() > max
    {
        return Err(ApiError::param(
            &spec.name,
            format_args!("must be at most {max} characters"),
        ));
    }
    let ctx = Ctx {
        op,
        ak,
        path_param,
        query,
        body,
        st,
        now,
    };
    call(&ctx).await
}

/// Runs one operation by its SDK name.
async fn call(ctx: &Ctx<'_>) -> ApiResult<Reply> {
    match ctx.op.id.as_str() {
        "ListServiceTypes" => catalog_ops::list_service_types(ctx),
        "ListResourceTypes" => catalog_ops::list_resource_types(ctx),
        "ListServiceResources" => catalog_ops::list_service_resources(ctx),
        "ListUsageTypes" => catalog_ops::list_usage_types(ctx),
        "ListMeasureUnits" => catalog_ops::list_measure_units(ctx),
        "ListConversions" => catalog_ops::list_conversions(ctx),
        "ListOnDemandResourceRatings" => pricing::on_demand(ctx).await,
        "ListRateOnPeriodDetail" => pricing::period(ctx).await,
        "ListRenewRateOnPeriod" => pricing::renew_rate(ctx).await,
        "ShowCustomerAccountBalances" => account::balances(ctx).await,
        "ShowCustomerExpenditureQuota" => account::quota(ctx).await,
        "ListSubCustomerCoupons" => account::coupons(ctx).await,
        "ListCustomerOrders" => orders::list(ctx).await,
        "ShowCustomerOrderDetails" => orders::details(ctx).await,
        "ListOrderDiscounts" => orders::discounts(ctx).await,
        "PayOrders" => orders::pay(ctx).await,
        "CancelCustomerOrder" => orders::cancel(ctx).await,
        "ShowRefundOrderDetails" => orders::refund_details(ctx).await,
        "ListPayPerUseCustomerResources" => resources::list(ctx).await,
        "RenewalResources" => resources::renew(ctx).await,
        "CancelResourcesSubscription" => resources::unsubscribe(ctx).await,
        "AutoRenewalResources" => resources::auto_renew_on(ctx).await,
        "CancelAutoRenewalResources" => resources::auto_renew_off(ctx).await,
        "UpdatePeriodToOnDemand" => resources::to_on_demand(ctx).await,
        "SetResourcesRenewConfig" => resources::renew_config(ctx).await,
        "ListFreeResourceInfos" => packages::list(ctx).await,
        "ListFreeResourceUsages" => packages::usages(ctx).await,
        "ListFreeResourcesUsageRecords" => packages::records(ctx).await,
        "ShowCustomerMonthlySum" => bills::monthly_sum(ctx).await,
        "ListCustomerselfResourceRecordDetails" => bills::record_details(ctx).await,
        "ListCustomerselfResourceRecords" => bills::fee_records(ctx).await,
        "CreateEnterpriseProjectAuth" => account::enterprise_auth(ctx).await,
        other => Err(ApiError::internal(format!(
            "operation {other} is not emulated"
        ))),
    }
}

/// `{"total_count": n, key: [...]}` helper.
pub fn listing(key: &str, total: usize, items: Vec<Value>) -> Value {
    json!({ "total_count": total, key: items })
}
