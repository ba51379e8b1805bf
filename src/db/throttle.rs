//! Per-IP login attempt counting in fixed windows, shared by all replicas.

use sqlx::PgExecutor;

/// Counts one attempt from `ip` and returns the attempts in the current window.
pub async fn hit_ip(db: impl PgExecutor<'_>, ip: &str, window_secs: i64) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "INSERT INTO login_ip_windows (ip, window_start, attempts) \
         VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1) \
         ON CONFLICT (ip, window_start) DO UPDATE SET attempts = login_ip_windows.attempts + 1 \
         RETURNING attempts",
    )
    .bind(ip)
    .bind(window_secs as f64)
    .fetch_one(db)
    .await
}

/// Drops windows older than a day.
pub async fn prune(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_ip_windows WHERE window_start < now() - interval '1 day'")
        .execute(db)
        .await?;
    Ok(())
}
