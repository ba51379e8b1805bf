//! Queries on `users`.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::Role;

/// A user as the rest of the portal sees it (no password hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub cloud_account_id: Option<Uuid>,
    pub time_zone: String,
    pub session_epoch: i32,
    pub disabled_at: Option<OffsetDateTime>,
    pub last_login_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl User {
    pub fn role(&self) -> Role {
        // The CHECK constraint keeps this total; viewer is the least privilege otherwise.
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

macro_rules! user_columns {
    () => {
        "id, email, display_name, role, cloud_account_id, time_zone, session_epoch, \
         disabled_at, last_login_at, created_at"
    };
}

/// What login needs: the hash and the throttling counters.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: String,
    pub failed_logins: i32,
    pub first_failure_at: Option<OffsetDateTime>,
    pub locked_until: Option<OffsetDateTime>,
    pub disabled_at: Option<OffsetDateTime>,
}

pub async fn by_id(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn credentials_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as(
        "SELECT id, password_hash, failed_logins, first_failure_at, locked_until, disabled_at \
         FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn password_hash(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Fields of a new user.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub cloud_account_id: Option<Uuid>,
}

pub async fn insert(db: impl PgExecutor<'_>, u: &NewUser<'_>) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, role, cloud_account_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(u.email)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role.as_str())
    .bind(u.cloud_account_id)
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn count_staff(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'staff' AND disabled_at IS NULL")
        .fetch_one(db)
        .await
}

/// Records a successful login: clears the failure counters.
pub async fn record_login_success(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET failed_logins = 0, first_failure_at = NULL, locked_until = NULL, \
         last_login_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Counts a failed login inside the window; locks the account for one window at `max`.
pub async fn record_login_failure(
    db: impl PgExecutor<'_>,
    id: Uuid,
    window_secs: i64,
    max: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH counted AS ( \
           SELECT CASE WHEN first_failure_at IS NULL \
                         OR first_failure_at < now() - make_interval(secs => $2) \
                       THEN 1 ELSE failed_logins + 1 END AS n, \
                  CASE WHEN first_failure_at IS NULL \
                         OR first_failure_at < now() - make_interval(secs => $2) \
                       THEN now() ELSE first_failure_at END AS first \
           FROM users WHERE id = $1) \
         UPDATE users SET failed_logins = counted.n, first_failure_at = counted.first, \
           locked_until = CASE WHEN counted.n >= $3 THEN now() + make_interval(secs => $2) \
                          ELSE locked_until END \
         FROM counted WHERE users.id = $1",
    )
    .bind(id)
    .bind(window_secs as f64)
    .bind(max)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, failed_logins = 0, first_failure_at = NULL, \
         locked_until = NULL, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends every session of the user and returns the new epoch.
pub async fn bump_session_epoch_returning(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "UPDATE users SET session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1 \
         RETURNING session_epoch",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Ends every session of the user (sessions carry the epoch they were issued under).
pub async fn bump_session_epoch(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_disabled(db: impl PgExecutor<'_>, id: Uuid, disabled: bool) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET disabled_at = CASE WHEN $2 THEN now() ELSE NULL END, \
         session_epoch = session_epoch + CASE WHEN $2 THEN 1 ELSE 0 END, updated_at = now() \
         WHERE id = $1",
    )
    .bind(id)
    .bind(disabled)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn update_profile(
    db: impl PgExecutor<'_>,
    id: Uuid,
    display_name: &str,
    role: Role,
    cloud_account_id: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = $2, role = $3, cloud_account_id = $4, \
         session_epoch = session_epoch + CASE WHEN role <> $3 OR cloud_account_id IS DISTINCT FROM $4 THEN 1 ELSE 0 END, \
         updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(role.as_str())
    .bind(cloud_account_id)
    .execute(db)
    .await?;
    Ok(())
}

/// One page of users matching `q` (e-mail or name), newest first.
pub async fn search(
    db: &PgPool,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<User>, i64)> {
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE email ILIKE $1 OR display_name ILIKE $1 \
         ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
    ))
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE email ILIKE $1 OR display_name ILIKE $1",
    )
    .bind(&pattern)
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}

/// A user's second-factor state.
#[derive(sqlx::FromRow)]
pub struct Totp {
    pub totp_nonce: Option<Vec<u8>>,
    pub totp_ciphertext: Option<Vec<u8>>,
    pub totp_enabled_at: Option<OffsetDateTime>,
    pub totp_last_step: i64,
    pub totp_failures: i32,
    pub totp_window_start: Option<OffsetDateTime>,
}

pub async fn totp(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Totp>> {
    sqlx::query_as(
        "SELECT totp_nonce, totp_ciphertext, totp_enabled_at, totp_last_step, totp_failures, \
         totp_window_start FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// How many users exist (disabled ones included).
pub async fn count_all(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await
}

/// Locks the user's row for the rest of the transaction and returns it, so two staff editing
/// the same user do not interleave (read, check, write).
pub async fn by_id_for_update(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Stores a new, not yet confirmed, TOTP secret.
pub async fn set_pending_totp(
    db: impl PgExecutor<'_>,
    id: Uuid,
    nonce: &[u8],
    ciphertext: &[u8],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET totp_nonce = $2, totp_ciphertext = $3, totp_enabled_at = NULL \
         WHERE id = $1 AND totp_enabled_at IS NULL",
    )
    .bind(id)
    .bind(nonce)
    .bind(ciphertext)
    .execute(db)
    .await?;
    Ok(())
}

/// Accepts a code's step once: false if that step (or a later one) was already used.
pub async fn accept_totp_step(db: impl PgExecutor<'_>, id: Uuid, step: i64) -> sqlx::Result<bool> {
    let res = sqlx::query(
        "UPDATE users SET totp_last_step = $2, totp_failures = 0, totp_window_start = NULL, \
         totp_enabled_at = coalesce(totp_enabled_at, now()) WHERE id = $1 AND totp_last_step < $2",
    )
    .bind(id)
    .bind(step)
    .execute(db)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// Counts a wrong code inside the failure window; returns the failures in the window.
pub async fn totp_failure(
    db: impl PgExecutor<'_>,
    id: Uuid,
    window_secs: i64,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "UPDATE users SET \
           totp_failures = CASE WHEN totp_window_start IS NULL \
               OR totp_window_start < now() - make_interval(secs => $2) THEN 1 ELSE totp_failures + 1 END, \
           totp_window_start = CASE WHEN totp_window_start IS NULL \
               OR totp_window_start < now() - make_interval(secs => $2) THEN now() ELSE totp_window_start END \
         WHERE id = $1 RETURNING totp_failures",
    )
    .bind(id)
    .bind(window_secs as f64)
    .fetch_one(db)
    .await
}

/// Clears a user's second factor (an operator's reset after a key change): the next login
/// enrols a new authenticator. False if there was nothing to clear.
pub async fn reset_totp(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let res = sqlx::query(
        "UPDATE users SET totp_nonce = NULL, totp_ciphertext = NULL, totp_enabled_at = NULL, \
         totp_last_step = 0, totp_failures = 0, totp_window_start = NULL \
         WHERE id = $1 AND totp_ciphertext IS NOT NULL",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// A stored TOTP secret, sealed (key rotation and the start-up check).
#[derive(Debug, sqlx::FromRow)]
pub struct SealedTotp {
    pub id: Uuid,
    pub email: String,
    pub totp_nonce: Vec<u8>,
    pub totp_ciphertext: Vec<u8>,
    /// Whether the authenticator was confirmed (a pending secret can simply be replaced).
    pub enrolled: bool,
}

/// Every stored TOTP secret; `lock` takes the rows for the rest of the transaction.
pub async fn sealed_totps(db: impl PgExecutor<'_>, lock: bool) -> sqlx::Result<Vec<SealedTotp>> {
    let sql = if lock {
        "SELECT id, email, totp_nonce, totp_ciphertext, totp_enabled_at IS NOT NULL AS enrolled \
         FROM users WHERE totp_nonce IS NOT NULL AND totp_ciphertext IS NOT NULL \
         ORDER BY email FOR UPDATE"
    } else {
        "SELECT id, email, totp_nonce, totp_ciphertext, totp_enabled_at IS NOT NULL AS enrolled \
         FROM users WHERE totp_nonce IS NOT NULL AND totp_ciphertext IS NOT NULL ORDER BY email"
    };
    sqlx::query_as(sql).fetch_all(db).await
}

/// Stores a TOTP secret sealed under a new key, keeping its enrolment (key rotation).
pub async fn reseal_totp(
    db: impl PgExecutor<'_>,
    id: Uuid,
    nonce: &[u8],
    ciphertext: &[u8],
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET totp_nonce = $2, totp_ciphertext = $3 WHERE id = $1")
        .bind(id)
        .bind(nonce)
        .bind(ciphertext)
        .execute(db)
        .await?;
    Ok(())
}

/// A user by e-mail (case-insensitive).
pub async fn by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE lower(email) = lower($1)"
    ))
    .bind(email)
    .fetch_optional(db)
    .await
}
