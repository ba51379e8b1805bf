//! Queries on `cloud_accounts`. The SK leaves this module only sealed or as a `SecretString`.

use secrecy::SecretString;
use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::crypto::{Sealed, SecretBox};

/// A cloud account as shown to staff (never the SK).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CloudAccount {
    pub id: Uuid,
    pub name: String,
    pub endpoint: String,
    pub domain_id: String,
    pub ak: String,
    pub sk_hint: String,
    pub is_sandbox: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

macro_rules! account_columns {
    () => {
        "id, name, endpoint, domain_id, ak, sk_hint, is_sandbox, disabled_at, created_at, updated_at"
    };
}

pub async fn by_id(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<CloudAccount>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM cloud_accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn by_name(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Option<CloudAccount>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM cloud_accounts WHERE lower(name) = lower($1)"
    ))
    .bind(name)
    .fetch_optional(db)
    .await
}

pub async fn list(db: &PgPool) -> sqlx::Result<Vec<CloudAccount>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM cloud_accounts ORDER BY lower(name)"
    ))
    .fetch_all(db)
    .await
}

/// Fields of a new or edited account. `sk` is `None` on an edit that keeps the stored SK.
pub struct AccountInput<'a> {
    pub name: &'a str,
    pub endpoint: &'a str,
    pub domain_id: &'a str,
    pub ak: &'a str,
    pub sk: Option<&'a SecretString>,
    pub is_sandbox: bool,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    a: &AccountInput<'_>,
) -> anyhow::Result<Result<Uuid, sqlx::Error>> {
    let id = Uuid::new_v4();
    let sk =
        a.sk.ok_or_else(|| anyhow::anyhow!("a new account needs its SK"))?;
    let sealed = keys.seal(sk, id.as_bytes())?;
    let res = sqlx::query(
        "INSERT INTO cloud_accounts (id, name, endpoint, domain_id, ak, sk_nonce, sk_ciphertext, \
         sk_hint, key_id, is_sandbox) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(a.name)
    .bind(a.endpoint)
    .bind(a.domain_id)
    .bind(a.ak)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(crate::domain::mask_hint(sk))
    .bind(&sealed.key_id)
    .bind(a.is_sandbox)
    .execute(db)
    .await;
    Ok(res.map(|_| id))
}

pub async fn update(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    id: Uuid,
    a: &AccountInput<'_>,
) -> anyhow::Result<Result<(), sqlx::Error>> {
    let res = match a.sk {
        Some(sk) => {
            let sealed = keys.seal(sk, id.as_bytes())?;
            sqlx::query(
                "UPDATE cloud_accounts SET name = $2, endpoint = $3, domain_id = $4, ak = $5, \
                 sk_nonce = $6, sk_ciphertext = $7, sk_hint = $8, key_id = $9, updated_at = now() \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(a.name)
            .bind(a.endpoint)
            .bind(a.domain_id)
            .bind(a.ak)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .bind(crate::domain::mask_hint(sk))
            .bind(&sealed.key_id)
            .execute(db)
            .await
        }
        None => {
            sqlx::query(
                "UPDATE cloud_accounts SET name = $2, endpoint = $3, domain_id = $4, ak = $5, \
                 updated_at = now() WHERE id = $1",
            )
            .bind(id)
            .bind(a.name)
            .bind(a.endpoint)
            .bind(a.domain_id)
            .bind(a.ak)
            .execute(db)
            .await
        }
    };
    Ok(res.map(|_| ()))
}

pub async fn set_disabled(db: impl PgExecutor<'_>, id: Uuid, disabled: bool) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE cloud_accounts SET disabled_at = CASE WHEN $2 THEN now() ELSE NULL END, \
         updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(disabled)
    .execute(db)
    .await?;
    Ok(())
}

/// Why an account's SK could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// The stored SK does not open under the current key: staff must enter it again (or the
    /// previous key be restored). A state of this one account, not of the portal.
    #[error("the SK of cloud account {0} cannot be decrypted with the current key")]
    Undecryptable(Uuid),
}

/// Decrypts the SK of an account for one upstream call.
pub async fn secret_key(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    id: Uuid,
) -> Result<Option<SecretString>, SecretKeyError> {
    let row: Option<(Vec<u8>, Vec<u8>, String)> =
        sqlx::query_as("SELECT sk_nonce, sk_ciphertext, key_id FROM cloud_accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some((nonce, ciphertext, key_id)) = row else {
        return Ok(None);
    };
    let sealed = Sealed {
        nonce,
        ciphertext,
        key_id,
    };
    keys.open(&sealed, id.as_bytes())
        .map(Some)
        .map_err(|_| SecretKeyError::Undecryptable(id))
}

/// Replaces only the SK of an account (staff entering it again after a key change).
pub async fn replace_sk(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    id: Uuid,
    sk: &SecretString,
) -> anyhow::Result<bool> {
    let sealed = keys.seal(sk, id.as_bytes())?;
    let done = sqlx::query(
        "UPDATE cloud_accounts SET sk_nonce = $2, sk_ciphertext = $3, sk_hint = $4, key_id = $5, \
         updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(crate::domain::mask_hint(sk))
    .bind(&sealed.key_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Seals an SK under `keys` without touching its hint or `updated_at` (key rotation).
pub async fn reseal_sk(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    id: Uuid,
    sk: &SecretString,
) -> anyhow::Result<()> {
    let sealed = keys.seal(sk, id.as_bytes())?;
    sqlx::query(
        "UPDATE cloud_accounts SET sk_nonce = $2, sk_ciphertext = $3, key_id = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(&sealed.key_id)
    .execute(db)
    .await?;
    Ok(())
}

/// An account whose SK the current key cannot open (never the SK itself).
#[derive(Debug, Clone)]
pub struct UnreadableSk {
    pub id: Uuid,
    pub name: String,
    /// Fingerprint of the key the SK was sealed under.
    pub key_id: String,
}

/// A stored SK as read for checking: id, name, nonce, ciphertext, key fingerprint.
type StoredSk = (Uuid, String, Vec<u8>, Vec<u8>, String);

/// Every account whose stored SK does not open under `keys` (AES-GCM per row is cheap).
pub async fn unreadable_sks(db: &PgPool, keys: &SecretBox) -> sqlx::Result<Vec<UnreadableSk>> {
    let rows: Vec<StoredSk> = sqlx::query_as(
        "SELECT id, name, sk_nonce, sk_ciphertext, key_id FROM cloud_accounts ORDER BY lower(name)",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, nonce, ciphertext, key_id)| {
            let sealed = Sealed {
                nonce,
                ciphertext,
                key_id: key_id.clone(),
            };
            keys.open(&sealed, id.as_bytes())
                .is_err()
                .then_some(UnreadableSk { id, name, key_id })
        })
        .collect())
}

/// The IAM project id of each region for an account (`region -> project id`).
pub async fn projects(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<std::collections::BTreeMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT region, project_id FROM cloud_account_projects WHERE cloud_account_id = $1",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The project id an account prices `region` with, if staff have set one.
pub async fn project_of_region(
    db: impl PgExecutor<'_>,
    id: Uuid,
    region: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT project_id FROM cloud_account_projects WHERE cloud_account_id = $1 AND region = $2",
    )
    .bind(id)
    .bind(region)
    .fetch_optional(db)
    .await
}

/// Sets (`Some`) or removes (`None`) the project id of each listed region; other regions keep
/// theirs.
pub async fn set_projects(
    db: &mut sqlx::PgConnection,
    id: Uuid,
    changes: &[(String, Option<String>)],
) -> sqlx::Result<()> {
    let (set, unset): (Vec<_>, Vec<_>) = changes.iter().partition(|(_, p)| p.is_some());
    let regions: Vec<&str> = set.iter().map(|(r, _)| r.as_str()).collect();
    let ids: Vec<&str> = set.iter().filter_map(|(_, p)| p.as_deref()).collect();
    sqlx::query(
        "INSERT INTO cloud_account_projects (cloud_account_id, region, project_id) \
         SELECT $1, r, p FROM UNNEST($2::text[], $3::text[]) AS t(r, p) \
         ON CONFLICT (cloud_account_id, region) \
         DO UPDATE SET project_id = EXCLUDED.project_id, updated_at = now() \
         WHERE cloud_account_projects.project_id <> EXCLUDED.project_id",
    )
    .bind(id)
    .bind(&regions)
    .bind(&ids)
    .execute(&mut *db)
    .await?;
    let gone: Vec<&str> = unset.iter().map(|(r, _)| r.as_str()).collect();
    sqlx::query(
        "DELETE FROM cloud_account_projects WHERE cloud_account_id = $1 AND region = ANY($2)",
    )
    .bind(id)
    .bind(&gone)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Marks the account as changed now (its projects changed).
pub async fn touch(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE cloud_accounts SET updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Points every sandbox account at the embedded sandbox's current address.
pub async fn point_sandbox_accounts_at(
    db: impl PgExecutor<'_>,
    endpoint: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE cloud_accounts SET endpoint = $1 WHERE is_sandbox AND endpoint <> $1")
        .bind(endpoint)
        .execute(db)
        .await?;
    Ok(())
}

/// How many cloud accounts exist (disabled ones included).
pub async fn count_all(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM cloud_accounts")
        .fetch_one(db)
        .await
}

/// Locks the account's row for the rest of the transaction and returns it.
pub async fn by_id_for_update(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<CloudAccount>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM cloud_accounts WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Marks whether the account is served by the built-in sandbox (follows its endpoint).
pub async fn set_sandbox(db: impl PgExecutor<'_>, id: Uuid, is_sandbox: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE cloud_accounts SET is_sandbox = $2 WHERE id = $1")
        .bind(id)
        .bind(is_sandbox)
        .execute(db)
        .await?;
    Ok(())
}

/// How many users belong to the account.
pub async fn count_users(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE cloud_account_id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}
