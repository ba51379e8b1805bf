//! The control API under `/__sandbox/` (no signature; never part of the real API): call counts,
//! a bounded call log, fault injection for testing how clients cope with failures, and the
//! clock the worlds are dated by.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::SandboxState;
use super::error::ApiError;

/// Entries kept in the call log.
pub const LOG_CAPACITY: usize = 10_000;

/// What happens after the state change when `apply_then` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplyThen {
    /// Apply, then close the connection without a complete answer.
    Drop,
    /// Apply, then hold the answer for ten minutes (longer than any client timeout).
    Stall,
    /// Apply, then answer 200 with a truncated JSON body.
    Malformed,
    /// Apply, then answer 500 `CBC.0999`.
    Http500,
}

/// A fault for one operation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OpFault {
    /// Answer with this status (and error code/message) instead of calling the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// Apply the operation for real, then misbehave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_then: Option<ApplyThen>,
    /// Extra delay before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// How many calls the fault hits; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// The whole fault configuration (`POST /__sandbox/faults`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FaultConfig {
    /// Delay added to every call.
    #[serde(default)]
    pub latency_ms: u64,
    /// Fraction (0.0-1.0) of calls answered 500 `CBC.0999` without being applied.
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub operations: BTreeMap<String, OpFault>,
}

/// What the fault injector decided for one call.
#[derive(Debug, Default)]
pub struct Decision {
    pub latency: Duration,
    pub error: Option<ApiError>,
    pub apply_then: Option<ApplyThen>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub op: String,
    pub ak: String,
    pub at_ms: u64,
    pub status: u16,
}

#[derive(Default)]
struct Stats {
    total: u64,
    by_operation: BTreeMap<String, u64>,
    by_ak: BTreeMap<String, BTreeMap<String, u64>>,
    log: VecDeque<LogEntry>,
}

/// Counters, log and faults.
#[derive(Default)]
pub struct Control {
    stats: Mutex<Stats>,
    faults: Mutex<FaultConfig>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

impl Control {
    /// Records one call (faulted ones included). `status` 0 = connection dropped.
    pub fn record(&self, op: &str, ak: &str, status: u16) {
        let at_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let mut s = lock(&self.stats);
        s.total += 1;
        *s.by_operation.entry(op.to_owned()).or_default() += 1;
        *s.by_ak
            .entry(ak.to_owned())
            .or_default()
            .entry(op.to_owned())
            .or_default() += 1;
        if s.log.len() >= LOG_CAPACITY {
            s.log.pop_front();
        }
        s.log.push_back(LogEntry {
            op: op.to_owned(),
            ak: ak.to_owned(),
            at_ms: u64::try_from(at_ms).unwrap_or_default(),
            status,
        });
    }

    /// Replaces the fault configuration.
    pub fn set_faults(&self, cfg: FaultConfig) {
        *lock(&self.faults) = cfg;
    }

    /// Decides the faults for one call of `op`, consuming one of its `times`.
    pub fn decide(&self, op: &str) -> Decision {
        let mut f = lock(&self.faults);
        let mut d = Decision {
            latency: Duration::from_millis(f.latency_ms),
            ..Decision::default()
        };
        if f.error_rate > 0.0 && rand::random::<f64>() < f.error_rate {
            d.error = Some(ApiError::internal("Injected random failure."));
            return d;
        }
        let mut exhausted = false;
        if let Some(of) = f.operations.get_mut(op) {
            if let Some(ms) = of.latency_ms {
                d.latency += Duration::from_millis(ms);
            }
            if let Some(status) = of.http_status {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                let default_code = if status.is_server_error() {
                    "CBC.0999"
                } else {
                    "CBC.0100"
                };
                d.error = Some(ApiError::new(
                    status,
                    of.error_code.as_deref().unwrap_or(default_code),
                    of.error_msg
                        .clone()
                        .unwrap_or_else(|| "Injected failure.".to_owned()),
                ));
            }
            d.apply_then = of.apply_then;
            if let Some(t) = of.times.as_mut() {
                *t = t.saturating_sub(1);
                exhausted = *t == 0;
            }
        }
        if exhausted {
            f.operations.remove(op);
        }
        d
    }
}

/// The `/__sandbox/` routes.
pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/__sandbox/healthz", get(healthz))
        .route("/__sandbox/calls", get(calls))
        .route("/__sandbox/log", get(log))
        .route("/__sandbox/reset", post(reset))
        .route(
            "/__sandbox/faults",
            get(get_faults).post(set_faults).delete(clear_faults),
        )
        .route("/__sandbox/rename", post(rename))
        .route("/__sandbox/clock", get(get_clock).post(set_clock))
        .route("/__sandbox/projects", get(projects))
}

/// `GET /__sandbox/clock`: `{"now": RFC 3339, "pinned": bool}`.
async fn get_clock(State(st): State<Arc<SandboxState>>) -> Response {
    let now = st
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Json(json!({"now": now, "pinned": st.clock.is_pinned()})).into_response()
}

/// `POST /__sandbox/clock {"now": RFC 3339 | null}`: pins the clock (or returns it to the real
/// time) and seeds every world afresh from it. Counts and faults are kept.
#[derive(Deserialize)]
struct SetClock {
    now: Option<String>,
}

async fn set_clock(State(st): State<Arc<SandboxState>>, body: axum::body::Bytes) -> Response {
    let at = match serde_json::from_slice::<SetClock>(&body).map(|c| c.now) {
        Ok(None) => None,
        Ok(Some(raw)) => match super::Clock::parse_pin(&raw) {
            Ok(t) => Some(t),
            Err(hint) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": format!("now: {hint}")})),
                )
                    .into_response();
            }
        },
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("bad clock: {e}")})),
            )
                .into_response();
        }
    };
    st.reseed_at(at).await;
    get_clock(State(st)).await
}

/// `GET /__sandbox/projects`: `{ak: {region: project_id}}`, each account's IAM project per
/// region (what real accounts read in the console, or from IAM).
async fn projects(State(st): State<Arc<SandboxState>>) -> Response {
    let all: serde_json::Map<String, serde_json::Value> = st
        .projects
        .iter()
        .map(|(ak, list)| {
            let by_region: serde_json::Map<String, serde_json::Value> =
                list.iter().map(|(r, p)| (r.clone(), json!(p))).collect();
            (ak.clone(), serde_json::Value::Object(by_region))
        })
        .collect();
    Json(all).into_response()
}

/// `POST /__sandbox/rename {"ak", "resource_id", "name"}`: gives a resource a chosen name, so
/// tests can put hostile text (markup, spreadsheet formulas) into upstream answers.
#[derive(Deserialize)]
struct Rename {
    ak: String,
    resource_id: String,
    name: String,
}

async fn rename(State(st): State<Arc<SandboxState>>, Json(r): Json<Rename>) -> Response {
    let Some(world) = st.worlds.get(&r.ak) else {
        return (StatusCode::NOT_FOUND, "unknown AK").into_response();
    };
    let mut w = world.lock().await;
    match w.resources.iter_mut().find(|x| x.id == r.resource_id) {
        Some(res) => {
            res.name = r.name;
            StatusCode::NO_CONTENT.into_response()
        }
        None => (StatusCode::NOT_FOUND, "unknown resource").into_response(),
    }
}

async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

async fn calls(State(st): State<Arc<SandboxState>>) -> Response {
    let s = lock(&st.control.stats);
    Json(json!({
        "total": s.total,
        "by_operation": s.by_operation,
        "by_ak": s.by_ak,
    }))
    .into_response()
}

async fn log(State(st): State<Arc<SandboxState>>) -> Response {
    let s = lock(&st.control.stats);
    Json(s.log.iter().cloned().collect::<Vec<_>>()).into_response()
}

/// Clears counts, the log and the throttle windows (the world itself is kept).
async fn reset(State(st): State<Arc<SandboxState>>) -> Response {
    *lock(&st.control.stats) = Stats::default();
    st.throttle.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn get_faults(State(st): State<Arc<SandboxState>>) -> Response {
    Json(lock(&st.control.faults).clone()).into_response()
}

async fn set_faults(State(st): State<Arc<SandboxState>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<FaultConfig>(&body) {
        Ok(cfg) if (0.0..=1.0).contains(&cfg.error_rate) => {
            st.control.set_faults(cfg);
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "error_rate must be within 0.0..=1.0"})),
        )
            .into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("bad fault configuration: {e}")})),
        )
            .into_response(),
    }
}

async fn clear_faults(State(st): State<Arc<SandboxState>>) -> Response {
    *lock(&st.control.faults) = FaultConfig::default();
    StatusCode::NO_CONTENT.into_response()
}
