//! Idempotent upstream actions: claim -> audit -> one CBC call -> settle.
//!
//! Every action a manager confirms (pay, cancel, renew, unsubscribe, auto-renew on/off,
//! pay-per-use at expiry, renewal settings, enterprise projects) goes through [`submit`]:
//!
//! 1. The form carries a fresh idempotency key. [`existing`] finds an earlier submit with the
//!    same key, whose result is shown instead of calling again.
//! 2. One transaction claims an `action_attempts` row per batch (CBC's per-call maxima decide
//!    the batches; batch `i` uses a key derived from the form's key) and writes a `pending`
//!    audit row with the CTS event name, then commits. A second live attempt on the same
//!    target is refused by a unique index, before anything goes upstream.
//! 3. Each batch makes exactly one call with `Client::call` (actions are never retried), in a
//!    task of its own so a closed browser cannot leave the attempt half-way.
//! 4. The attempt is settled `succeeded`, `failed` (with CBC's code and a specific message) or
//!    `unknown` (when [`CbcError::outcome_is_ambiguous`]); an outcome audit row is written in
//!    the same transaction and the account's read cache is dropped.
//!
//! `unknown` attempts (and `in_progress` ones a crash left behind) are settled later by the
//! [`reconciler`], which reads the order or resource state back and never repeats the action.

pub mod enterprise;
pub mod orders;
pub mod reconciler;
pub mod resources;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Value, json};
use sha2::Digest as _;
use uuid::Uuid;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::extract::Customer;
use crate::cbc::ops::ResourceFailure;
use crate::cbc::{AccountCredentials, CbcError, Client};
use crate::db::attempts::{self, Attempt, Inserted, NewAttempt, Settlement, status};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The kinds of action, as stored in `action_attempts.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    PayOrder,
    CancelOrder,
    Renew,
    Unsubscribe,
    AutoRenewOn,
    AutoRenewOff,
    ToOnDemandSet,
    ToOnDemandCancel,
    RenewConfig,
    EnterpriseAuth,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 10] = [
        ActionKind::PayOrder,
        ActionKind::CancelOrder,
        ActionKind::Renew,
        ActionKind::Unsubscribe,
        ActionKind::AutoRenewOn,
        ActionKind::AutoRenewOff,
        ActionKind::ToOnDemandSet,
        ActionKind::ToOnDemandCancel,
        ActionKind::RenewConfig,
        ActionKind::EnterpriseAuth,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::PayOrder => "pay_order",
            ActionKind::CancelOrder => "cancel_order",
            ActionKind::Renew => "renew",
            ActionKind::Unsubscribe => "unsubscribe",
            ActionKind::AutoRenewOn => "autorenew_on",
            ActionKind::AutoRenewOff => "autorenew_off",
            ActionKind::ToOnDemandSet => "to_on_demand",
            ActionKind::ToOnDemandCancel => "to_on_demand_cancel",
            ActionKind::RenewConfig => "renew_config",
            ActionKind::EnterpriseAuth => "enterprise_auth",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Cloud Trace Service event name the audit row carries.
    pub fn cts_event(self) -> &'static str {
        use audit::event as e;
        match self {
            ActionKind::PayOrder => e::PAY_ORDER,
            ActionKind::CancelOrder => e::CANCEL_ORDER,
            ActionKind::Renew => e::RENEW,
            ActionKind::Unsubscribe => e::UNSUBSCRIBE,
            ActionKind::AutoRenewOn => e::AUTORENEW_ON,
            ActionKind::AutoRenewOff => e::AUTORENEW_OFF,
            ActionKind::ToOnDemandSet | ActionKind::ToOnDemandCancel => e::TO_ON_DEMAND,
            ActionKind::RenewConfig => e::RENEW_CONFIG,
            ActionKind::EnterpriseAuth => e::ENTERPRISE_AUTH,
        }
    }

    /// The audit resource type of the target.
    pub fn resource_type(self) -> &'static str {
        match self {
            ActionKind::PayOrder | ActionKind::CancelOrder => crate::ownership::kind::ORDER,
            ActionKind::RenewConfig | ActionKind::EnterpriseAuth => "account",
            _ => crate::ownership::kind::RESOURCE,
        }
    }

    /// What the action does, in words ("Paying the order").
    pub fn label(self) -> &'static str {
        match self {
            ActionKind::PayOrder => "Paying the order",
            ActionKind::CancelOrder => "Cancelling the order",
            ActionKind::Renew => "Renewing resources",
            ActionKind::Unsubscribe => "Unsubscribing resources",
            ActionKind::AutoRenewOn => "Turning auto-renewal on",
            ActionKind::AutoRenewOff => "Turning auto-renewal off",
            ActionKind::ToOnDemandSet => "Changing to pay-per-use at expiry",
            ActionKind::ToOnDemandCancel => "Cancelling the change to pay-per-use",
            ActionKind::RenewConfig => "Changing renewal settings",
            ActionKind::EnterpriseAuth => "Enabling enterprise projects",
        }
    }

    /// Where to go back to after the action.
    pub fn back_url(self, target: &str) -> String {
        match self {
            ActionKind::PayOrder | ActionKind::CancelOrder => format!("/orders/{target}"),
            ActionKind::EnterpriseAuth => "/enterprise".to_owned(),
            _ => "/renewals".to_owned(),
        }
    }
}

/// What one upstream call answered, for settling.
#[derive(Debug, Clone, Default)]
pub struct CallOutput {
    /// What to keep as the attempt's result (order ids, ...).
    pub result: Value,
    /// Per-resource failures inside a successful answer.
    pub failures: Vec<ResourceFailure>,
    /// How many targets the call named (all failed = the attempt failed).
    pub targets: usize,
}

/// The one upstream call of a batch.
pub type CallFn = Box<
    dyn FnOnce(Client, Arc<AccountCredentials>) -> BoxFuture<'static, Result<CallOutput, CbcError>>
        + Send,
>;

/// One batch: one attempt, one call.
pub struct Job {
    pub kind: ActionKind,
    /// The target key: an order id, a resource id, sorted resource ids joined by `,`, or
    /// `account`.
    pub target: String,
    /// Request summary stored with the attempt and in the audit trail; never secrets.
    pub summary: Value,
    pub call: CallFn,
}

impl Job {
    /// A job whose call is `f`.
    pub fn new<F, Fut>(kind: ActionKind, target: String, summary: Value, f: F) -> Self
    where
        F: FnOnce(Client, Arc<AccountCredentials>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<CallOutput, CbcError>> + Send + 'static,
    {
        Job {
            kind,
            target,
            summary,
            call: Box::new(move |c, a| Box::pin(f(c, a))),
        }
    }
}

/// What a submit led to.
#[derive(Debug)]
pub enum Submitted {
    /// The batches ran; each attempt is settled or `unknown`.
    Ran(Vec<Attempt>),
    /// The key was used before: this is the first attempt of that submit; nothing was sent.
    Repeat(Box<Attempt>),
    /// Another request for this target is in progress; nothing was claimed or sent.
    Busy,
}

/// The message for [`Submitted::Busy`].
pub const BUSY_MESSAGE: &str = "Another request for this target is already in progress. Wait \
     for its result (see below or on the action's page) before trying again.";

/// The key of batch `i` of a submit made with `key` (batch 0 uses the key itself).
pub fn batch_key(key: Uuid, i: usize) -> Uuid {
    if i == 0 {
        return key;
    }
    let mut h = sha2::Sha256::new();
    h.update(key.as_bytes());
    h.update((i as u64).to_be_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Parses the idempotency key of a form; a fresh one is made when the form is rendered.
pub fn parse_key(raw: Option<&str>) -> Result<Uuid, &'static str> {
    raw.map(str::trim)
        .and_then(|s| Uuid::parse_str(s).ok())
        .filter(|u| !u.is_nil())
        .ok_or("This form has expired. Reload the page and try again.")
}

/// A fresh idempotency key for a form.
pub fn new_key() -> String {
    Uuid::new_v4().to_string()
}

/// The attempt this user already made with `key`, if any.
pub async fn existing(state: &AppState, user_id: Uuid, key: Uuid) -> AppResult<Option<Attempt>> {
    Ok(attempts::by_user_key(&state.db, user_id, key).await?)
}

/// Claims, audits and runs `jobs` (one upstream call each) for the customer's account.
pub async fn submit(
    state: &AppState,
    who: &Customer,
    key: Uuid,
    jobs: Vec<Job>,
) -> AppResult<Submitted> {
    let account = who.cloud_account_id;
    let creds = state.cbc_credentials(account).await?;
    let actor = who.user.actor();
    let user_id = who.user.id();
    let n = jobs.len();
    let mut tx = state.db.begin().await?;
    let mut claimed = Vec::with_capacity(n);
    for (i, job) in jobs.into_iter().enumerate() {
        let mut summary = job.summary;
        if let Value::Object(m) = &mut summary {
            m.insert("group".into(), json!(key.to_string()));
            m.insert("batch".into(), json!(i));
            m.insert("batches".into(), json!(n));
        }
        let new = NewAttempt {
            id: Uuid::new_v4(),
            user_id,
            cloud_account_id: account,
            idempotency_key: batch_key(key, i),
            action: job.kind.as_str(),
            target: &job.target,
            request: &summary,
        };
        match attempts::insert_claim(&mut tx, &new).await? {
            Inserted::New(a) => {
                let mut ev = Event::new(job.kind.cts_event(), Outcome::Pending)
                    .resource(job.kind.resource_type(), job.target.clone())
                    .summary(summary.clone());
                ev.attempt_id = Some(a.id);
                audit::record(&mut *tx, &actor, ev).await?;
                claimed.push((*a, job.kind, job.call));
            }
            Inserted::KeyUsed | Inserted::TargetBusy => {
                tx.rollback().await?;
                // A concurrent submit with the same key may have won the race on either index.
                return Ok(
                    match attempts::by_user_key(&state.db, user_id, key).await? {
                        Some(first) => Submitted::Repeat(Box::new(first)),
                        None => Submitted::Busy,
                    },
                );
            }
        }
    }
    tx.commit().await?;
    let mut done = Vec::with_capacity(n);
    for (attempt, kind, call) in claimed {
        done.push(perform(state, attempt, kind, actor.clone(), creds.clone(), call).await?);
    }
    state.cbc.invalidate_account(account);
    Ok(Submitted::Ran(done))
}

/// Makes the one call of a claimed attempt and settles it. Runs in its own task, so the
/// attempt is settled even when the browser goes away mid-call.
async fn perform(
    state: &AppState,
    attempt: Attempt,
    kind: ActionKind,
    actor: Actor,
    creds: Arc<AccountCredentials>,
    call: CallFn,
) -> AppResult<Attempt> {
    let st = state.clone();
    // The spawned task keeps the request id, so the outcome row names the same request.
    let task = tokio::spawn(crate::telemetry::with_request_id(async move {
        let answer = call(st.cbc.clone(), creds).await;
        let settlement = settlement_of(&st, answer);
        let settled = settle_and_audit(
            &st,
            &attempt,
            kind,
            &actor,
            &[status::IN_PROGRESS, status::UNKNOWN],
            &settlement,
        )
        .await?;
        st.cbc.invalidate_account(attempt.cloud_account_id);
        Ok::<_, AppError>(match settled {
            Some(a) => a,
            // Settled by the reconciler meanwhile: show what it found.
            None => attempts::by_id(&st.db, attempt.id)
                .await?
                .unwrap_or(attempt),
        })
    }));
    task.await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("action task")))?
}

/// A plain message for a CBC code seen inside a 200 answer.
pub fn code_message(code: &str, msg: &str) -> String {
    CbcError::Upstream {
        http_status: 400,
        error_code: code.to_owned(),
        error_msg: msg.to_owned(),
        request_id: None,
        fail_check_items: Vec::new(),
    }
    .user_message()
}

fn settlement_of(state: &AppState, answer: Result<CallOutput, CbcError>) -> Settlement {
    match answer {
        Ok(out) => {
            let failures: Vec<Value> = out
                .failures
                .iter()
                .map(|f| {
                    json!({
                        "resource_id": f.resource_id,
                        "error_code": f.error_code,
                        "message": code_message(&f.error_code, &f.error_msg),
                    })
                })
                .collect();
            let mut result = out.result;
            if !failures.is_empty()
                && let Value::Object(m) = &mut result
            {
                m.insert("failures".into(), Value::Array(failures));
            }
            match out.failures.first() {
                Some(first) if out.failures.len() >= out.targets.max(1) => Settlement {
                    status: status::FAILED,
                    error_code: Some(first.error_code.clone()),
                    error_message: Some(code_message(&first.error_code, &first.error_msg)),
                    result: Some(result),
                    upstream_request_id: None,
                    next_reconcile_at: None,
                },
                Some(_) => Settlement {
                    status: status::SUCCEEDED,
                    error_code: None,
                    error_message: Some(format!(
                        "{} of {} resources could not be handled; see the list below.",
                        out.failures.len(),
                        out.targets
                    )),
                    result: Some(result),
                    upstream_request_id: None,
                    next_reconcile_at: None,
                },
                None => Settlement {
                    status: status::SUCCEEDED,
                    error_code: None,
                    error_message: None,
                    result: Some(result),
                    upstream_request_id: None,
                    next_reconcile_at: None,
                },
            }
        }
        Err(e) if e.outcome_is_ambiguous() => Settlement {
            status: status::UNKNOWN,
            error_code: Some(e.error_code().to_owned()),
            error_message: Some(e.user_message()),
            result: None,
            upstream_request_id: e.request_id().map(str::to_owned),
            next_reconcile_at: Some(
                time::OffsetDateTime::now_utc() + state.settings.reconcile_interval,
            ),
        },
        Err(e) => Settlement {
            status: status::FAILED,
            error_code: Some(e.error_code().to_owned()),
            error_message: Some(e.user_message()),
            result: None,
            upstream_request_id: e.request_id().map(str::to_owned),
            next_reconcile_at: None,
        },
    }
}

/// Settles `attempt` (if it is still in one of `from`) and writes the outcome audit row in the
/// same transaction. `None` when it was settled by someone else first.
pub async fn settle_and_audit(
    state: &AppState,
    attempt: &Attempt,
    kind: ActionKind,
    actor: &Actor,
    from: &[&str],
    s: &Settlement,
) -> AppResult<Option<Attempt>> {
    let mut tx = state.db.begin().await?;
    let Some(row) = attempts::settle(&mut tx, attempt.id, from, s).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let outcome = match s.status {
        status::SUCCEEDED => Outcome::Success,
        status::FAILED => Outcome::Failure,
        _ => Outcome::Unknown,
    };
    let mut ev = Event::new(kind.cts_event(), outcome)
        .resource(kind.resource_type(), attempt.target.clone())
        .summary(json!({
            "status": s.status,
            "message": s.error_message,
            "result": s.result,
            "group": attempt.request.get("group"),
        }));
    ev.attempt_id = Some(attempt.id);
    ev.error_code = s.error_code.clone();
    ev.upstream_request_id = s.upstream_request_id.clone();
    audit::record(&mut *tx, actor, ev).await?;
    if kind == ActionKind::EnterpriseAuth && s.status == status::SUCCEEDED {
        attempts::record_enterprise_auth(
            &mut *tx,
            attempt.cloud_account_id,
            Some(attempt.user_id),
            "Huawei Cloud accepted the request (204 No Content).",
        )
        .await?;
    }
    tx.commit().await?;
    crate::metrics::action_settled(kind.as_str(), s.status);
    Ok(Some(row))
}

/// Where to send the browser after a submit: the result page of its first attempt, or back
/// with the busy message.
pub fn result_url(a: &Attempt) -> String {
    format!("/actions/{}", a.id)
}

/// Sorted, de-duplicated ids joined by `,`: the target key of a batch.
pub fn target_of(ids: &[String]) -> String {
    let mut v: Vec<&str> = ids.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_keys_are_stable_distinct_and_start_with_the_form_key() {
        let k = Uuid::new_v4();
        assert_eq!(batch_key(k, 0), k);
        assert_eq!(batch_key(k, 1), batch_key(k, 1));
        assert_ne!(batch_key(k, 1), batch_key(k, 2));
        assert_ne!(batch_key(k, 1), k);
        assert_ne!(batch_key(Uuid::new_v4(), 1), batch_key(k, 1));
    }

    #[test]
    fn keys_must_be_real_uuids_and_targets_are_canonical() {
        assert!(parse_key(None).is_err());
        assert!(parse_key(Some("nope")).is_err());
        assert!(parse_key(Some(&Uuid::nil().to_string())).is_err());
        let k = Uuid::new_v4();
        assert_eq!(parse_key(Some(&format!(" {k} "))), Ok(k));
        let ids = ["b".to_owned(), "a".to_owned(), "b".to_owned()];
        assert_eq!(target_of(&ids), "a,b");
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(k));
        }
    }
}
