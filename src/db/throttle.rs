//! Login throttling shared by all replicas: failed attempts per client IP in fixed windows, and
//! failures per e-mail address that has no user (known users count theirs in `users`).

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Takes one attempt from `ip`'s budget in the current window; returns the attempts counted in
/// that window (this one included) and the window's start, to give the attempt back with
/// [`refund_ip`] when it turns out to be a successful login.
pub async fn reserve_ip(
    db: impl PgExecutor<'_>,
    ip: &str,
    window_secs: i64,
) -> sqlx::Result<(i32, OffsetDateTime)> {
    sqlx::query_as(
        "INSERT INTO login_ip_windows (ip, window_start, attempts) \
         VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1) \
         ON CONFLICT (ip, window_start) DO UPDATE SET attempts = login_ip_windows.attempts + 1 \
         RETURNING attempts, window_start",
    )
    .bind(ip)
    .bind(window_secs as f64)
    .fetch_one(db)
    .await
}

/// Gives back an attempt taken by [`reserve_ip`]: successful logins do not use up an address's
/// budget (many people behind one NAT log in all day).
pub async fn refund_ip(
    db: impl PgExecutor<'_>,
    ip: &str,
    window_start: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE login_ip_windows SET attempts = greatest(attempts - 1, 0) \
         WHERE ip = $1 AND window_start = $2",
    )
    .bind(ip)
    .bind(window_start)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether an e-mail address without a user is locked out now.
pub async fn email_locked(db: impl PgExecutor<'_>, email_sha256: &[u8]) -> sqlx::Result<bool> {
    let locked: Option<bool> = sqlx::query_scalar(
        "SELECT coalesce(locked_until > now(), false) FROM login_email_failures \
         WHERE email_sha256 = $1",
    )
    .bind(email_sha256)
    .fetch_optional(db)
    .await?;
    Ok(locked.unwrap_or(false))
}

/// Counts a failed login for an e-mail address without a user, exactly as
/// `users::record_login_failure` does for a user: failures inside the window from the first
/// one, and a lock for one window at `max`.
pub async fn record_email_failure(
    db: impl PgExecutor<'_>,
    email_sha256: &[u8],
    window_secs: i64,
    max: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO login_email_failures AS f (email_sha256, failures, first_failure_at, locked_until) \
         VALUES ($1, 1, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $2) END) \
         ON CONFLICT (email_sha256) DO UPDATE SET \
           failures = CASE WHEN f.first_failure_at < now() - make_interval(secs => $2) \
                           THEN 1 ELSE f.failures + 1 END, \
           first_failure_at = CASE WHEN f.first_failure_at < now() - make_interval(secs => $2) \
                                   THEN now() ELSE f.first_failure_at END, \
           locked_until = CASE WHEN (CASE WHEN f.first_failure_at < now() - make_interval(secs => $2) \
                                          THEN 1 ELSE f.failures + 1 END) >= $3 \
                               THEN now() + make_interval(secs => $2) ELSE f.locked_until END",
    )
    .bind(email_sha256)
    .bind(window_secs as f64)
    .bind(max)
    .execute(db)
    .await?;
    Ok(())
}

/// Drops IP windows older than a day and e-mail counts whose window and lock are over.
pub async fn prune(db: &sqlx::PgPool, window_secs: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_ip_windows WHERE window_start < now() - interval '1 day'")
        .execute(db)
        .await?;
    sqlx::query(
        "DELETE FROM login_email_failures \
         WHERE first_failure_at < now() - make_interval(secs => $1) \
           AND (locked_until IS NULL OR locked_until < now())",
    )
    .bind(window_secs as f64)
    .execute(db)
    .await?;
    Ok(())
}
