//! Prometheus metrics: what an operator needs to judge a replica and its calls to Huawei.
//!
//! Code records through the `metrics` facade (cheap no-ops while no recorder is installed);
//! the Prometheus exporter renders them on a listener of its own (`PORTAL_METRICS_LISTEN`),
//! never on the public port. Every label takes its value from a closed set — route templates
//! (`/orders/{id}`, never the raw path), operation names, outcome words, the configured CBC
//! endpoints — so the number of series stays bounded whatever clients send.
//!
//! Gauges that describe shared state (database pool, unsettled action attempts, breakers,
//! readiness) are refreshed at each scrape rather than kept up to date on every change.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::cbc::CbcError;
use crate::state::AppState;

/// Latency buckets (seconds) of every `*_seconds` histogram: page renders to slow CBC calls.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
];

/// Installs the process-wide recorder on first use and returns its handle; `None` if some
/// other recorder was installed first (then nothing is exported).
pub fn install() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics stays empty");
                return None;
            }
            describe();
            gauge!("portal_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            Some(handle)
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "portal_http_requests_total",
        "HTTP requests answered, by method, route template and status."
    );
    describe_histogram!(
        "portal_http_request_duration_seconds",
        Unit::Seconds,
        "Time to the response head, by method and route template."
    );
    describe_counter!(
        "portal_cbc_calls_total",
        "CBC calls (retries included in one call), by operation and outcome."
    );
    describe_histogram!(
        "portal_cbc_call_duration_seconds",
        Unit::Seconds,
        "CBC call time including throttle waits and retries, by operation and outcome."
    );
    describe_histogram!(
        "portal_cbc_throttle_wait_seconds",
        Unit::Seconds,
        "Waits for the portal's own CBC rate limit (only calls that had to wait), by operation."
    );
    describe_counter!(
        "portal_cbc_cache_requests_total",
        "Read-cache lookups by operation and result: hit, miss (one upstream fetch) or stale."
    );
    describe_gauge!(
        "portal_cbc_breaker_state",
        "Circuit breaker of each CBC endpoint: 0 closed, 1 open, 2 half-open (probing)."
    );
    describe_counter!(
        "portal_cbc_breaker_opened_total",
        "Times the circuit breaker of an endpoint opened."
    );
    describe_counter!(
        "portal_action_attempts_total",
        "Action attempts settled, by action and outcome (succeeded, failed, unknown)."
    );
    describe_gauge!(
        "portal_action_attempts_unsettled",
        "Action attempts not settled yet, by status (in_progress, unknown); shared by replicas."
    );
    describe_gauge!(
        "portal_action_attempt_oldest_unsettled_seconds",
        Unit::Seconds,
        "Age of the oldest unsettled action attempt, by status; 0 when there is none."
    );
    describe_gauge!(
        "portal_db_pool_connections",
        "Database pool connections by state (in_use, idle)."
    );
    describe_gauge!(
        "portal_db_pool_max_connections",
        "Database pool size limit."
    );
    describe_counter!(
        "portal_sessions_created_total",
        "Sessions created by a successful password login."
    );
    describe_gauge!(
        "portal_ready",
        "1 when the database answered at the last scrape (what /readyz checks), else 0."
    );
}

/// A method label from a closed set: a client may send any method token.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts and times every request by its route template. Requests no route
/// matched share one label, `unmatched`, whatever their path.
pub async fn track_http(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    histogram!("portal_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(started.elapsed());
    counter!("portal_http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    res
}

/// The outcome label of a CBC call.
pub fn cbc_outcome(err: Option<&CbcError>) -> &'static str {
    match err {
        None => "ok",
        // CBC refused the request (a business rule, a bad parameter): the person's problem.
        Some(CbcError::Upstream { http_status, .. }) if *http_status < 500 => "rejected",
        // CBC itself failed: the operator's problem.
        Some(CbcError::Upstream { .. }) => "server_error",
        Some(CbcError::Throttled { .. }) => "throttled",
        Some(CbcError::Timeout { .. }) => "timeout",
        Some(CbcError::Transport { .. }) => "transport",
        Some(CbcError::Decode { .. }) => "decode",
        Some(CbcError::SignatureRejected { .. }) => "auth",
        Some(CbcError::CircuitOpen { .. }) => "circuit_open",
        Some(CbcError::Busy { .. }) => "busy",
        Some(CbcError::InvalidRequest(_)) => "invalid",
        // An account's endpoint that resolves inward, or an answer that redirects: both are
        // the operator's to fix.
        Some(CbcError::EndpointRefused(_)) => "endpoint_refused",
        Some(CbcError::Redirected { .. }) => "redirected",
    }
}

/// One finished CBC call.
pub fn cbc_call(operation: &'static str, err: Option<&CbcError>, elapsed: Duration) {
    let outcome = cbc_outcome(err);
    counter!("portal_cbc_calls_total", "operation" => operation, "outcome" => outcome).increment(1);
    histogram!("portal_cbc_call_duration_seconds", "operation" => operation, "outcome" => outcome)
        .record(elapsed);
}

/// A call waited `waited` for the portal's own rate limit.
pub fn cbc_throttle_wait(operation: &'static str, waited: Duration) {
    histogram!("portal_cbc_throttle_wait_seconds", "operation" => operation).record(waited);
}

/// A read-cache lookup: `hit`, `miss` or `stale`.
pub fn cbc_cache(operation: &'static str, result: &'static str) {
    counter!("portal_cbc_cache_requests_total", "operation" => operation, "result" => result)
        .increment(1);
}

/// The breaker of `endpoint` (an origin of a configured cloud account) opened.
pub fn cbc_breaker_opened(endpoint: &str) {
    counter!("portal_cbc_breaker_opened_total", "endpoint" => endpoint.to_owned()).increment(1);
}

/// An action attempt was settled with `status` (one of `db::attempts::status`).
pub fn action_settled(action: &'static str, status: &str) {
    use crate::db::attempts::status as s;
    let outcome = match status {
        s::SUCCEEDED => s::SUCCEEDED,
        s::FAILED => s::FAILED,
        s::UNKNOWN => s::UNKNOWN,
        _ => s::IN_PROGRESS,
    };
    counter!("portal_action_attempts_total", "action" => action, "outcome" => outcome).increment(1);
}

/// A login created a session.
pub fn session_created() {
    counter!("portal_sessions_created_total").increment(1);
}

#[derive(Clone)]
struct Exporter {
    app: AppState,
    handle: PrometheusHandle,
}

/// The metrics listener's router: `GET /metrics` and nothing else.
pub fn router(app: AppState, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(Exporter { app, handle })
}

/// Keeps histogram buffers drained while nobody scrapes.
pub fn spawn_upkeep(handle: PrometheusHandle) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    })
}

async fn render(State(ex): State<Exporter>) -> Response {
    refresh_gauges(&ex.app).await;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ex.handle.render(),
    )
        .into_response()
}

async fn refresh_gauges(app: &AppState) {
    let size = app.db.size();
    let idle = u32::try_from(app.db.num_idle()).unwrap_or(u32::MAX);
    gauge!("portal_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    gauge!("portal_db_pool_connections", "state" => "idle").set(f64::from(idle));
    gauge!("portal_db_pool_max_connections").set(f64::from(app.settings.db_max_connections));
    for (endpoint, state) in app.cbc.breaker_states() {
        gauge!("portal_cbc_breaker_state", "endpoint" => endpoint).set(f64::from(state));
    }
    let limit = Duration::from_secs(2);
    let summary =
        tokio::time::timeout(limit, crate::db::attempts::unsettled_summary(&app.db)).await;
    match summary {
        Ok(Ok(rows)) => {
            gauge!("portal_ready").set(1.0);
            use crate::db::attempts::status;
            for st in [status::IN_PROGRESS, status::UNKNOWN] {
                let (count, age) = rows
                    .iter()
                    .find(|r| r.0 == st)
                    .map_or((0, 0.0), |r| (r.1, r.2));
                #[allow(clippy::cast_precision_loss)] // counts far below 2^52
                gauge!("portal_action_attempts_unsettled", "status" => st).set(count as f64);
                gauge!("portal_action_attempt_oldest_unsettled_seconds", "status" => st).set(age);
            }
        }
        _ => gauge!("portal_ready").set(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let odd = Method::from_bytes(b"X-ATTACKER-CHOSEN").expect("method");
        assert_eq!(method_label(&odd), "other");
    }

    #[test]
    fn every_cbc_error_has_a_fixed_outcome_word() {
        assert_eq!(cbc_outcome(None), "ok");
        let e = CbcError::Busy {
            waited: Duration::from_secs(1),
        };
        assert_eq!(cbc_outcome(Some(&e)), "busy");
        let e = CbcError::Throttled {
            error_code: "CBC.0250".into(),
            retry_after: None,
            request_id: None,
        };
        assert_eq!(cbc_outcome(Some(&e)), "throttled");
    }
}
