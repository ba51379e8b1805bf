//! Object ownership: which order, resource and package ids belong to which cloud account.
//!
//! Ids are learnt from the account's own list answers (which Huawei scopes to the signing
//! account) and checked before any upstream call that names an id. An id the portal has not
//! seen triggers one refresh of the account's unfiltered lists; if it is still unknown the
//! request ends in 404 and nothing naming it goes upstream.

use std::future::Future;

use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;

/// Kinds of upstream objects.
pub mod kind {
    pub const ORDER: &str = "order";
    pub const RESOURCE: &str = "resource";
    pub const PACKAGE: &str = "package";
}

/// Remembers ids seen in an account's own list answer.
pub async fn record(
    db: &PgPool,
    account: Uuid,
    kind: &str,
    ids: &[String],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO owned_objects (cloud_account_id, kind, object_id) \
         SELECT $1, $2, unnest($3::text[]) \
         ON CONFLICT (cloud_account_id, kind, object_id) DO UPDATE SET seen_at = now()",
    )
    .bind(account)
    .bind(kind)
    .bind(ids)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the id is known to belong to the account.
pub async fn is_owned(db: &PgPool, account: Uuid, kind: &str, id: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM owned_objects WHERE cloud_account_id = $1 AND kind = $2 AND object_id = $3",
    )
    .bind(account)
    .bind(kind)
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Fails with 404 unless `id` belongs to `account`. On a miss, `refresh` lists the account's
/// objects of that kind (without naming `id` upstream) and the answer is recorded first.
pub async fn ensure_owned<F, Fut>(
    db: &PgPool,
    account: Uuid,
    kind: &str,
    id: &str,
    refresh: F,
) -> Result<(), AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<String>, AppError>>,
{
    if id.is_empty()
        || id.len() > 128
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    {
        return Err(AppError::NotFound);
    }
    if is_owned(db, account, kind, id).await? {
        return Ok(());
    }
    let ids = refresh().await?;
    let found = ids.iter().any(|i| i == id);
    record(db, account, kind, &ids).await?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
