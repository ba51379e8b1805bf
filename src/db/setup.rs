//! One-time setup tokens that create the first staff user.

use sqlx::PgExecutor;

pub async fn insert(db: impl PgExecutor<'_>, token_sha256: &[u8]) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_sha256) VALUES ($1)")
        .bind(token_sha256)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether the token exists and is unused.
pub async fn is_valid(db: impl PgExecutor<'_>, token_sha256: &[u8]) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM setup_tokens WHERE token_sha256 = $1 AND used_at IS NULL",
    )
    .bind(token_sha256)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Marks the token used; false if it was not valid (already used or unknown).
pub async fn consume(db: impl PgExecutor<'_>, token_sha256: &[u8]) -> sqlx::Result<bool> {
    let res = sqlx::query(
        "UPDATE setup_tokens SET used_at = now() WHERE token_sha256 = $1 AND used_at IS NULL",
    )
    .bind(token_sha256)
    .execute(db)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// Invalidates every outstanding token (a staff user now exists).
pub async fn consume_all(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("UPDATE setup_tokens SET used_at = now() WHERE used_at IS NULL")
        .execute(db)
        .await?;
    Ok(())
}
