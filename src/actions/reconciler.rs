//! The reconciler: settles attempts whose outcome is unknown by reading the state back.
//!
//! It never repeats an action. Every `reconcile_interval` it leases due attempts (`unknown`
//! ones, and `in_progress` ones older than twice the CBC timeout, which a crash left behind)
//! with `SELECT ... FOR UPDATE SKIP LOCKED`, so several replicas can run it at once without
//! touching the same attempt; then, without holding a connection, it reads the order status
//! or the resources' expiry and policy and settles each attempt as succeeded or failed, with an
//! outcome audit row. When the read itself fails, the attempt stays `unknown` and is looked at
//! again later, less and less often.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{ActionKind, settle_and_audit};
use crate::audit::Actor;
use crate::cbc::CbcError;
use crate::db::attempts::{self, Attempt, Settlement, status};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What reading the state back showed.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// The change is visible upstream.
    Applied(Value),
    /// The state shows the change did not happen.
    NotApplied(String),
    /// CBC offers no way to read this back; the person has to check.
    Unconfirmable(String),
}

/// Attempts leased per round.
const BATCH: i64 = 20;

/// Starts the background loop; it runs until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = state
            .settings
            .reconcile_interval
            .max(Duration::from_millis(50));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(settled = n, "reconciler round"),
                Err(e) => tracing::warn!(error = %e, "reconciler round failed"),
            }
        }
    })
}

/// How old an `in_progress` attempt must be before it counts as abandoned.
pub fn stale_after(state: &AppState) -> Duration {
    state.settings.cbc_timeout * 2
}

/// One round: leases due attempts and tries to settle each. Returns how many were settled.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = OffsetDateTime::now_utc();
    // Reads may be retried by the client, so the lease covers several timeouts.
    let lease = state.settings.cbc_timeout * 4 + Duration::from_secs(10);
    let due = attempts::lease_due(&state.db, now - stale_after(state), now + lease, BATCH).await?;
    let mut settled = 0;
    for a in due {
        match reconcile(state, &a).await {
            Ok(true) => settled += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(attempt = %a.id, error = %e, "could not reconcile"),
        }
    }
    Ok(settled)
}

fn backoff(state: &AppState, tries: i32) -> Duration {
    let base = state
        .settings
        .reconcile_interval
        .max(Duration::from_millis(50));
    let factor = 1u32 << tries.clamp(0, 6);
    (base * factor).min(Duration::from_secs(3600))
}

async fn reconcile(state: &AppState, a: &Attempt) -> AppResult<bool> {
    let Some(kind) = ActionKind::parse(&a.action) else {
        tracing::error!(attempt = %a.id, action = %a.action, "unknown action kind");
        return Ok(false);
    };
    let verdict = match state.cbc_credentials(a.cloud_account_id).await {
        Ok(creds) => match kind {
            ActionKind::PayOrder | ActionKind::CancelOrder => {
                super::orders::check(state, &creds, a, kind).await
            }
            ActionKind::EnterpriseAuth => Ok(super::enterprise::check()),
            _ => super::resources::check(state, &creds, a, kind).await,
        },
        // The account is there but its SK cannot be read right now: look again later.
        Err(AppError::CloudAccountUnusable(_)) => {
            let next = OffsetDateTime::now_utc() + backoff(state, a.reconcile_attempts);
            attempts::reschedule(&state.db, a.id, next).await?;
            return Ok(false);
        }
        Err(_) => Ok(Verdict::Unconfirmable(
            "The cloud account is disabled or gone, so the result cannot be checked.".to_owned(),
        )),
    };
    let verdict = match verdict {
        Ok(v) => v,
        Err(e) => {
            let next = OffsetDateTime::now_utc() + backoff(state, a.reconcile_attempts);
            tracing::info!(attempt = %a.id, error_code = e.error_code(), "state read failed; will look again");
            attempts::reschedule(&state.db, a.id, next).await?;
            return Ok(false);
        }
    };
    let settlement = settlement_of(a, verdict);
    let user = crate::db::users::by_id(&state.db, a.user_id).await?;
    let actor = Actor {
        user_id: Some(a.user_id),
        email: user.map(|u| u.email),
        cloud_account_id: Some(a.cloud_account_id),
        source_ip: None,
    };
    let done = settle_and_audit(state, a, kind, &actor, &[status::UNKNOWN], &settlement).await?;
    state.cbc.invalidate_account(a.cloud_account_id);
    Ok(done.is_some())
}

fn settlement_of(a: &Attempt, v: Verdict) -> Settlement {
    let previous = json!({ "previous_error_code": a.error_code, "reconciled": true });
    match v {
        Verdict::Applied(found) => Settlement {
            status: status::SUCCEEDED,
            error_code: None,
            error_message: None,
            result: Some(json!({ "reconciled": true, "found": found, "previous": previous })),
            upstream_request_id: None,
            next_reconcile_at: None,
        },
        Verdict::NotApplied(why) => Settlement {
            status: status::FAILED,
            error_code: Some("NOT_APPLIED".to_owned()),
            error_message: Some(why),
            result: Some(previous),
            upstream_request_id: None,
            next_reconcile_at: None,
        },
        Verdict::Unconfirmable(why) => Settlement {
            status: status::FAILED,
            error_code: Some("UNCONFIRMED".to_owned()),
            error_message: Some(why),
            result: Some(previous),
            upstream_request_id: None,
            next_reconcile_at: None,
        },
    }
}

/// Turns a read error into "look again later".
pub type CheckResult = Result<Verdict, CbcError>;
