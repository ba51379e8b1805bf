//! Action attempts (`action_attempts`) and the enterprise-project switch
//! (`enterprise_project_auth`).
//!
//! An attempt is claimed (inserted, committed) before its one upstream call and settled after
//! it; the reconciler leases unsettled ones with `FOR UPDATE SKIP LOCKED`, so replicas never
//! work on the same attempt at once.

use serde_json::Value;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

/// Status values of `action_attempts.status`.
pub mod status {
    pub const IN_PROGRESS: &str = "in_progress";
    pub const SUCCEEDED: &str = "succeeded";
    pub const FAILED: &str = "failed";
    pub const UNKNOWN: &str = "unknown";
}

/// The unique index that allows one live attempt per (account, action, target).
pub const LIVE_INDEX: &str = "action_attempts_one_live";

/// One stored attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub id: Uuid,
    pub user_id: Uuid,
    pub cloud_account_id: Uuid,
    pub idempotency_key: Uuid,
    pub action: String,
    pub target: String,
    /// Request summary (never secrets); `group` ties the batches of one submit together.
    pub request: Value,
    pub status: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub result: Option<Value>,
    pub upstream_request_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub settled_at: Option<OffsetDateTime>,
    pub reconcile_attempts: i32,
    pub next_reconcile_at: Option<OffsetDateTime>,
}

impl Attempt {
    /// Whether the attempt still waits for its outcome.
    pub fn is_live(&self) -> bool {
        self.status == status::IN_PROGRESS || self.status == status::UNKNOWN
    }
}

/// A new attempt to claim.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub cloud_account_id: Uuid,
    pub idempotency_key: Uuid,
    pub action: &'a str,
    pub target: &'a str,
    pub request: &'a Value,
}

/// What a claim insert found.
#[derive(Debug)]
pub enum Inserted {
    /// The row is ours.
    New(Box<Attempt>),
    /// The user already used this idempotency key.
    KeyUsed,
    /// Another live attempt exists for the same (account, action, target); the transaction is
    /// aborted and must be rolled back.
    TargetBusy,
}

/// Inserts a claimed attempt (`in_progress`) unless the key was used already.
pub async fn insert_claim(
    tx: &mut Transaction<'_, Postgres>,
    a: &NewAttempt<'_>,
) -> sqlx::Result<Inserted> {
    let res = sqlx::query_as::<_, Attempt>(
        "INSERT INTO action_attempts (id, user_id, cloud_account_id, idempotency_key, action, \
         target, request, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'in_progress') \
         ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING *",
    )
    .bind(a.id)
    .bind(a.user_id)
    .bind(a.cloud_account_id)
    .bind(a.idempotency_key)
    .bind(a.action)
    .bind(a.target)
    .bind(a.request)
    .fetch_optional(&mut **tx)
    .await;
    match res {
        Ok(Some(row)) => Ok(Inserted::New(Box::new(row))),
        Ok(None) => Ok(Inserted::KeyUsed),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some(LIVE_INDEX) => {
            Ok(Inserted::TargetBusy)
        }
        Err(e) => Err(e),
    }
}

/// The attempt a user made with an idempotency key.
pub async fn by_user_key(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    key: Uuid,
) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as("SELECT * FROM action_attempts WHERE user_id = $1 AND idempotency_key = $2")
        .bind(user_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

/// One attempt by id.
pub async fn by_id(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as("SELECT * FROM action_attempts WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every batch of one submit (same user and `request.group`), in batch order.
pub async fn group(db: &PgPool, user_id: Uuid, group: &str) -> sqlx::Result<Vec<Attempt>> {
    sqlx::query_as(
        "SELECT * FROM action_attempts WHERE user_id = $1 AND request->>'group' = $2 \
         ORDER BY (request->>'batch')::int NULLS FIRST, created_at",
    )
    .bind(user_id)
    .bind(group)
    .fetch_all(db)
    .await
}

/// The live attempt on a target, if any.
pub async fn live_for_target(
    db: impl PgExecutor<'_>,
    account: Uuid,
    action: &str,
    target: &str,
) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as(
        "SELECT * FROM action_attempts WHERE cloud_account_id = $1 AND action = $2 AND target = $3 \
         AND status IN ('in_progress', 'unknown')",
    )
    .bind(account)
    .bind(action)
    .bind(target)
    .fetch_optional(db)
    .await
}

/// Live attempts of an account (shown as warnings), of the given actions and, when given, on
/// one target. Filtered here, before the limit, so a busy account cannot hide the one that matters.
pub async fn live_for_account(
    db: &PgPool,
    account: Uuid,
    actions: &[&str],
    target: Option<&str>,
) -> sqlx::Result<Vec<Attempt>> {
    sqlx::query_as(
        "SELECT * FROM action_attempts WHERE cloud_account_id = $1 \
         AND status IN ('in_progress', 'unknown') AND action = ANY($2) \
         AND ($3::text IS NULL OR target = $3) ORDER BY created_at LIMIT 50",
    )
    .bind(account)
    .bind(actions)
    .bind(target)
    .fetch_all(db)
    .await
}

/// How an attempt ends (or is parked as unknown).
#[derive(Debug, Clone)]
pub struct Settlement {
    pub status: &'static str,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub result: Option<Value>,
    pub upstream_request_id: Option<String>,
    /// For `unknown`: when the reconciler should look first.
    pub next_reconcile_at: Option<OffsetDateTime>,
}

/// Settles a live attempt; `from` lists the statuses it may leave. Returns the updated row,
/// or `None` when someone else settled it first.
pub async fn settle(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
    from: &[&str],
    s: &Settlement,
) -> sqlx::Result<Option<Attempt>> {
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    sqlx::query_as(
        "UPDATE action_attempts SET status = $2, error_code = $3, error_message = $4, \
         result = COALESCE($5, result), upstream_request_id = COALESCE($6, upstream_request_id), \
         settled_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN now() ELSE NULL END, \
         next_reconcile_at = $7 \
         WHERE id = $1 AND status = ANY($8) RETURNING *",
    )
    .bind(id)
    .bind(s.status)
    .bind(s.error_code.as_deref())
    .bind(s.error_message.as_deref())
    .bind(s.result.as_ref())
    .bind(s.upstream_request_id.as_deref())
    .bind(s.next_reconcile_at)
    .bind(&from)
    .fetch_optional(&mut **tx)
    .await
}

/// Leases up to `limit` attempts that are due for reconciliation: `unknown` ones whose time
/// has come, and `in_progress` ones created before `stale_before` (left by a crash), which
/// become `unknown`. The lease (`next_reconcile_at = lease_until`) keeps other replicas away
/// while this one reads the state back without holding a connection.
pub async fn lease_due(
    db: &PgPool,
    stale_before: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Attempt>> {
    let mut tx = db.begin().await?;
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM action_attempts \
         WHERE (status = 'unknown' AND (next_reconcile_at IS NULL OR next_reconcile_at <= now())) \
            OR (status = 'in_progress' AND created_at < $1) \
         ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED",
    )
    .bind(stale_before)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let rows: Vec<Attempt> = sqlx::query_as(
        "UPDATE action_attempts SET status = 'unknown', next_reconcile_at = $2, \
         reconcile_attempts = reconcile_attempts + 1 WHERE id = ANY($1) RETURNING *",
    )
    .bind(&ids)
    .bind(lease_until)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// What the portal knows of an account's enterprise-project switch.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnterpriseAuth {
    pub cloud_account_id: Uuid,
    pub enabled_at: OffsetDateTime,
    pub enabled_by: Option<Uuid>,
    /// E-mail of `enabled_by`, when that user still exists.
    pub enabled_by_email: Option<String>,
    pub upstream_answer: String,
}

/// The stored switch of an account.
pub async fn enterprise_auth(db: &PgPool, account: Uuid) -> sqlx::Result<Option<EnterpriseAuth>> {
    sqlx::query_as(
        "SELECT e.cloud_account_id, e.enabled_at, e.enabled_by, u.email AS enabled_by_email, \
         e.upstream_answer FROM enterprise_project_auth e LEFT JOIN users u ON u.id = e.enabled_by \
         WHERE e.cloud_account_id = $1",
    )
    .bind(account)
    .fetch_optional(db)
    .await
}

/// Records that enterprise projects are on; the first record wins.
pub async fn record_enterprise_auth(
    db: impl PgExecutor<'_>,
    account: Uuid,
    user: Option<Uuid>,
    answer: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO enterprise_project_auth (cloud_account_id, enabled_at, enabled_by, \
         upstream_answer) VALUES ($1, now(), $2, $3) ON CONFLICT (cloud_account_id) DO NOTHING",
    )
    .bind(account)
    .bind(user)
    .bind(answer)
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps an attempt `unknown` and sets when the reconciler looks again.
pub async fn reschedule(db: &PgPool, id: Uuid, at: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE action_attempts SET next_reconcile_at = $2 WHERE id = $1 AND status = 'unknown'",
    )
    .bind(id)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Unsettled attempts per status (`in_progress`, `unknown`): how many, and the age in seconds
/// of the oldest. Replicas share these rows, so every replica reports the same figures.
pub async fn unsettled_summary(db: &PgPool) -> sqlx::Result<Vec<(String, i64, f64)>> {
    sqlx::query_as(
        "SELECT status, count(*), \
                COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 \
         FROM action_attempts WHERE status IN ('in_progress', 'unknown') GROUP BY status",
    )
    .fetch_all(db)
    .await
}
