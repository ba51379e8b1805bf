//! The audit trail: who did what, when, from where, with what outcome.
//!
//! Rows are written inside the caller's transaction (no audit row, no commit) and are
//! append-only: a trigger refuses UPDATE, DELETE and TRUNCATE whoever connects. Actions carry
//! their Cloud Trace Service (CTS) event name, so the trail reads like Huawei's own.

use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// Event names. CTS names are used verbatim for upstream actions and bill queries.
pub mod event {
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "loginFailed";
    pub const LOGOUT: &str = "logout";
    pub const MFA_VERIFIED: &str = "verifySecondFactor";
    pub const MFA_FAILED: &str = "verifySecondFactorFailed";
    pub const SETUP: &str = "createFirstStaffUser";
    pub const PASSWORD_CHANGED: &str = "changePassword";
    pub const SESSIONS_ENDED: &str = "endSessions";
    pub const AUTHZ_DENIED: &str = "authzDenied";
    pub const CSRF_REJECTED: &str = "csrfRejected";
    pub const USER_CREATED: &str = "createUser";
    pub const USER_UPDATED: &str = "updateUser";
    pub const USER_DISABLED: &str = "disableUser";
    pub const USER_ENABLED: &str = "enableUser";
    pub const USER_PASSWORD_RESET: &str = "resetUserPassword";
    pub const SECOND_FACTOR_RESET: &str = "resetSecondFactor";
    pub const ACCOUNT_CREATED: &str = "createCloudAccount";
    pub const ACCOUNT_UPDATED: &str = "updateCloudAccount";
    pub const ACCOUNT_DISABLED: &str = "disableCloudAccount";
    pub const ACCOUNT_ENABLED: &str = "enableCloudAccount";
    pub const ACCOUNT_TESTED: &str = "testCloudAccount";
    pub const AUDIT_EXPORTED: &str = "exportAuditTrail";
    // Cloud Trace Service names of CBC operations.
    pub const PAY_ORDER: &str = "payCustomerOrderV3";
    pub const CANCEL_ORDER: &str = "cancelCustomerOrder";
    pub const RENEW: &str = "renewResources";
    pub const UNSUBSCRIBE: &str = "unsubscribeResources";
    pub const AUTORENEW_ON: &str = "setResourcesAutorenew";
    pub const AUTORENEW_OFF: &str = "cancelResourcesAutoRenew";
    pub const TO_ON_DEMAND: &str = "updatePeriodToOnDemand";
    pub const RENEW_CONFIG: &str = "setResourcesRenewConfig";
    pub const ENTERPRISE_AUTH: &str = "openEnterpriseProjectAuth";
    pub const EXPORT_FEE_RECORDS: &str = "queryResFeeRecords";
    pub const EXPORT_RECORD_DETAILS: &str = "queryResRecordsDetail";
}

/// Outcome of the audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Pending,
    Unknown,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Pending => "pending",
            Outcome::Unknown => "unknown",
            Outcome::Denied => "denied",
        }
    }

    /// CTS trace status: failures and unknowns are warnings; nothing here is an incident.
    pub fn trace_status(self) -> &'static str {
        match self {
            Outcome::Success | Outcome::Pending => "normal",
            Outcome::Failure | Outcome::Unknown | Outcome::Denied => "warning",
        }
    }
}

/// Who did it and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub cloud_account_id: Option<Uuid>,
    pub source_ip: Option<String>,
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub event: &'a str,
    pub resource_type: Option<&'a str>,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub error_code: Option<String>,
    pub upstream_request_id: Option<String>,
    /// A request summary; never secrets.
    pub summary: Value,
    pub attempt_id: Option<Uuid>,
}

impl<'a> Event<'a> {
    pub fn new(event: &'a str, outcome: Outcome) -> Self {
        Self {
            event,
            resource_type: None,
            resource_id: None,
            outcome,
            error_code: None,
            upstream_request_id: None,
            summary: Value::Object(Default::default()),
            attempt_id: None,
        }
    }

    pub fn resource(mut self, kind: &'a str, id: impl Into<String>) -> Self {
        self.resource_type = Some(kind);
        self.resource_id = Some(id.into());
        self
    }

    pub fn summary(mut self, summary: Value) -> Self {
        self.summary = summary;
        self
    }
}

/// Appends one event. Pass the transaction that makes the change it records.
pub async fn record(db: impl PgExecutor<'_>, actor: &Actor, e: Event<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO audit_events (event, resource_type, resource_id, trace_status, outcome, \
         actor_user_id, actor_email, cloud_account_id, source_ip, request_id, error_code, \
         upstream_request_id, summary, attempt_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(e.event)
    .bind(e.resource_type)
    .bind(e.resource_id)
    .bind(e.outcome.trace_status())
    .bind(e.outcome.as_str())
    .bind(actor.user_id)
    .bind(actor.email.as_deref())
    .bind(actor.cloud_account_id)
    .bind(actor.source_ip.as_deref())
    .bind(crate::telemetry::request_id())
    .bind(e.error_code)
    .bind(e.upstream_request_id)
    .bind(e.summary)
    .bind(e.attempt_id)
    .fetch_one(db)
    .await
}

/// A stored event, for the audit trail pages.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub occurred_at: OffsetDateTime,
    pub event: String,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub trace_status: String,
    pub outcome: String,
    pub actor_user_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub cloud_account_id: Option<Uuid>,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
    pub error_code: Option<String>,
    pub upstream_request_id: Option<String>,
    pub summary: Value,
    pub attempt_id: Option<Uuid>,
}

/// Filters of the trail; every field optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub trace_status: Option<String>,
    pub event: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub actor: Option<String>,
    pub cloud_account_id: Option<Uuid>,
}

/// One page of events matching `f`, newest first, with the total count.
pub async fn search(
    db: &PgPool,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<StoredEvent>, i64)> {
    const WHERE: &str = " WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) \
        AND ($2::timestamptz IS NULL OR occurred_at <= $2) \
        AND ($3::text IS NULL OR trace_status = $3) \
        AND ($4::text IS NULL OR event = $4) \
        AND ($5::text IS NULL OR resource_type = $5) \
        AND ($6::text IS NULL OR resource_id = $6) \
        AND ($7::text IS NULL OR actor_email ILIKE '%' || $7 || '%') \
        AND ($8::uuid IS NULL OR cloud_account_id = $8)";
    let rows = sqlx::query_as(
        &[
            "SELECT * FROM audit_events",
            WHERE,
            " ORDER BY occurred_at DESC, id DESC LIMIT $9 OFFSET $10",
        ]
        .concat(),
    )
    .bind(f.from)
    .bind(f.to)
    .bind(f.trace_status.as_deref())
    .bind(f.event.as_deref())
    .bind(f.resource_type.as_deref())
    .bind(f.resource_id.as_deref())
    .bind(f.actor.as_deref())
    .bind(f.cloud_account_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar(&["SELECT count(*) FROM audit_events", WHERE].concat())
        .bind(f.from)
        .bind(f.to)
        .bind(f.trace_status.as_deref())
        .bind(f.event.as_deref())
        .bind(f.resource_type.as_deref())
        .bind(f.resource_id.as_deref())
        .bind(f.actor.as_deref())
        .bind(f.cloud_account_id)
        .fetch_one(db)
        .await?;
    Ok((rows, total))
}

pub async fn by_id(db: &PgPool, id: i64) -> sqlx::Result<Option<StoredEvent>> {
    sqlx::query_as("SELECT * FROM audit_events WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every event name the portal writes, for the trail's event filter.
pub const EVENT_NAMES: &[&str] = &[
    event::LOGIN,
    event::LOGIN_FAILED,
    event::LOGOUT,
    event::SETUP,
    event::PASSWORD_CHANGED,
    event::SESSIONS_ENDED,
    event::AUTHZ_DENIED,
    event::CSRF_REJECTED,
    event::USER_CREATED,
    event::USER_UPDATED,
    event::USER_DISABLED,
    event::USER_ENABLED,
    event::USER_PASSWORD_RESET,
    event::SECOND_FACTOR_RESET,
    event::ACCOUNT_CREATED,
    event::ACCOUNT_UPDATED,
    event::ACCOUNT_DISABLED,
    event::ACCOUNT_ENABLED,
    event::ACCOUNT_TESTED,
    event::AUDIT_EXPORTED,
    event::PAY_ORDER,
    event::CANCEL_ORDER,
    event::RENEW,
    event::UNSUBSCRIBE,
    event::AUTORENEW_ON,
    event::AUTORENEW_OFF,
    event::TO_ON_DEMAND,
    event::RENEW_CONFIG,
    event::ENTERPRISE_AUTH,
    event::EXPORT_FEE_RECORDS,
    event::EXPORT_RECORD_DETAILS,
];

/// Trace statuses, as Cloud Trace Service names them.
pub const TRACE_STATUSES: &[&str] = &["normal", "warning", "incident"];

/// Up to `limit` events matching `f`, newest first, strictly older than `before`
/// (`(occurred_at, id)` of the last row of the previous batch). Keyset paging keeps a long
/// export cheap and holds no connection between batches.
pub async fn search_batch(
    db: &PgPool,
    f: &Filter,
    before: Option<(OffsetDateTime, i64)>,
    limit: i64,
) -> sqlx::Result<Vec<StoredEvent>> {
    sqlx::query_as(
        "SELECT * FROM audit_events \
         WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) \
         AND ($2::timestamptz IS NULL OR occurred_at <= $2) \
         AND ($3::text IS NULL OR trace_status = $3) \
         AND ($4::text IS NULL OR event = $4) \
         AND ($5::text IS NULL OR resource_type = $5) \
         AND ($6::text IS NULL OR resource_id = $6) \
         AND ($7::text IS NULL OR actor_email ILIKE '%' || $7 || '%') \
         AND ($8::uuid IS NULL OR cloud_account_id = $8) \
         AND ($9::timestamptz IS NULL OR (occurred_at, id) < ($9, $10)) \
         ORDER BY occurred_at DESC, id DESC LIMIT $11",
    )
    .bind(f.from)
    .bind(f.to)
    .bind(f.trace_status.as_deref())
    .bind(f.event.as_deref())
    .bind(f.resource_type.as_deref())
    .bind(f.resource_id.as_deref())
    .bind(f.actor.as_deref())
    .bind(f.cloud_account_id)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(db)
    .await
}
