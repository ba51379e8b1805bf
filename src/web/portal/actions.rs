//! The result page of an action (`/actions/{attempt_id}`), and form helpers shared by the
//! action pages (orders, renewals, enterprise).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::actions::{self, ActionKind, Submitted};
use crate::auth::extract::Customer;
use crate::db::attempts::{self, Attempt, status};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;

/// A url-encoded form read as pairs, so repeated fields (checkboxes) survive. Unknown fields
/// are ignored: nothing a form sends decides amounts, owners or roles.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, de-duplicated, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in &self.0 {
            let v = v.trim();
            if k == name && !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_owned());
            }
        }
        out
    }
}

/// One attempt as the result page shows it.
#[derive(Debug, Clone)]
pub struct AttemptView {
    pub id: String,
    pub label: &'static str,
    pub target: String,
    pub status: String,
    pub status_class: &'static str,
    pub status_text: &'static str,
    pub message: String,
    pub error_code: String,
    pub upstream_request_id: String,
    pub created: String,
    pub settled: String,
    /// Order ids the action created or found (links).
    pub orders: Vec<String>,
    /// Per-resource failures: (resource id, code, message).
    pub failures: Vec<(String, String, String)>,
    pub is_unknown: bool,
    pub back_url: String,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Builds the view of an attempt in the user's time zone.
pub fn view(a: &Attempt, tz: time::UtcOffset) -> AttemptView {
    let kind = ActionKind::parse(&a.action);
    let (status_class, status_text) = match a.status.as_str() {
        status::SUCCEEDED => ("status-ok", "Succeeded"),
        status::FAILED => ("status-err", "Failed"),
        status::UNKNOWN => ("status-warn", "Being confirmed"),
        _ => ("status-warn", "In progress"),
    };
    let result = a.result.clone().unwrap_or(Value::Null);
    let mut orders = strings(result.get("order_ids"));
    orders.extend(strings(
        result.get("found").and_then(|f| f.get("renewal_orders")),
    ));
    let failures = result
        .get("failures")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| {
                    let s = |k: &str| {
                        f.get(k)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    (s("resource_id"), s("error_code"), s("message"))
                })
                .collect()
        })
        .unwrap_or_default();
    let message = match (a.status.as_str(), a.error_message.as_deref()) {
        (status::UNKNOWN | status::IN_PROGRESS, _) => {
            "We are confirming the result with Huawei Cloud — do not repeat this action. This \
             page shows the outcome once it is known."
                .to_owned()
        }
        (_, Some(m)) => m.to_owned(),
        (status::SUCCEEDED, None) => "Huawei Cloud accepted the request.".to_owned(),
        _ => String::new(),
    };
    AttemptView {
        id: a.id.to_string(),
        label: kind.map_or("Action", ActionKind::label),
        target: a.target.replace(',', ", "),
        status: a.status.clone(),
        status_class,
        status_text,
        message,
        error_code: a.error_code.clone().unwrap_or_default(),
        upstream_request_id: a.upstream_request_id.clone().unwrap_or_default(),
        created: format::datetime(a.created_at, tz),
        settled: a
            .settled_at
            .map(|t| format::datetime(t, tz))
            .unwrap_or_default(),
        orders,
        failures,
        is_unknown: a.is_live(),
        back_url: kind.map_or_else(|| "/".to_owned(), |k| k.back_url(&a.target)),
    }
}

/// `templates/portal/action_result.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/action_result.html")]
pub struct ActionResultPage {
    pub ctx: PageContext,
    pub attempts: Vec<AttemptView>,
    /// A notice above the results (e.g. "another request is in progress").
    pub notice: Option<String>,
    pub any_unknown: bool,
}

/// The user's time zone offset.
pub fn tz_of(who: &Customer) -> time::UtcOffset {
    format::parse_offset(&who.user.user.time_zone).unwrap_or(time::UtcOffset::UTC)
}

/// Renders the result page for the group of `a`.
pub async fn render_result(
    state: &AppState,
    who: &Customer,
    a: &Attempt,
    notice: Option<String>,
    code: StatusCode,
) -> AppResult<Response> {
    let group = a
        .request
        .get("group")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut rows = match group {
        Some(g) => attempts::group(&state.db, a.user_id, &g).await?,
        None => Vec::new(),
    };
    if rows.is_empty() {
        rows.push(a.clone());
    }
    let tz = tz_of(who);
    let attempts: Vec<AttemptView> = rows.iter().map(|r| view(r, tz)).collect();
    let any_unknown = attempts.iter().any(|v| v.is_unknown);
    let page = ActionResultPage {
        ctx: PageContext::new(state, &who.user.session, Some(&who.user), nav_of(a)).await?,
        attempts,
        notice,
        any_unknown,
    };
    Ok((code, page).into_response())
}

fn nav_of(a: &Attempt) -> &'static str {
    match ActionKind::parse(&a.action) {
        Some(ActionKind::PayOrder | ActionKind::CancelOrder) => "orders",
        Some(ActionKind::EnterpriseAuth) => "enterprise",
        _ => "renewals",
    }
}

/// `GET /actions/{id}`: only users of the attempt's cloud account see it.
pub async fn show(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let a = attempts::by_id(&state.db, id)
        .await?
        .filter(|a| a.cloud_account_id == who.cloud_account_id)
        .ok_or(AppError::NotFound)?;
    render_result(&state, &who, &a, None, StatusCode::OK).await
}

/// The response to a submit: the result page of its first attempt, or (busy) the live
/// attempt on the target with a 409 and the refusal message.
pub async fn after_submit(
    state: &AppState,
    who: &Customer,
    outcome: Submitted,
    busy_target: Option<(ActionKind, String)>,
    back: &str,
) -> AppResult<Response> {
    match outcome {
        Submitted::Ran(done) => match done.first() {
            Some(a) => Ok(Redirect::to(&actions::result_url(a)).into_response()),
            None => Ok(Redirect::to(back).into_response()),
        },
        Submitted::Repeat(a) => Ok(Redirect::to(&actions::result_url(&a)).into_response()),
        Submitted::Busy => {
            let live = match busy_target {
                Some((kind, target)) => {
                    attempts::live_for_target(
                        &state.db,
                        who.cloud_account_id,
                        kind.as_str(),
                        &target,
                    )
                    .await?
                }
                None => None,
            };
            match live {
                Some(a) => {
                    render_result(
                        state,
                        who,
                        &a,
                        Some(actions::BUSY_MESSAGE.to_owned()),
                        StatusCode::CONFLICT,
                    )
                    .await
                }
                None => {
                    crate::web::page::flash(&who.user.session, "error", actions::BUSY_MESSAGE)
                        .await?;
                    Ok((StatusCode::SEE_OTHER, [("location", back.to_owned())]).into_response())
                }
            }
        }
    }
}

/// Redirects to the earlier result when the key was used already.
pub async fn repeat_of(state: &AppState, who: &Customer, key: Uuid) -> AppResult<Option<Response>> {
    Ok(actions::existing(state, who.user.id(), key)
        .await?
        .map(|a| Redirect::to(&actions::result_url(&a)).into_response()))
}
