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

/// Decrypts the SK of an account for one upstream call.
pub async fn secret_key(
    db: impl PgExecutor<'_>,
    keys: &SecretBox,
    id: Uuid,
) -> anyhow::Result<Option<SecretString>> {
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
    keys.open(&sealed, id.as_bytes()).map(Some)
}

/// Re-encrypts every SK from `old` to `new` in one transaction (key rotation).
pub async fn rotate_key(db: &PgPool, old: &SecretBox, new: &SecretBox) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM cloud_accounts FOR UPDATE")
        .fetch_all(&mut *tx)
        .await?;
    for id in &ids {
        let sk = secret_key(&mut *tx, old, *id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("account vanished during rotation"))?;
        let sealed = new.seal(&sk, id.as_bytes())?;
        sqlx::query(
            "UPDATE cloud_accounts SET sk_nonce = $2, sk_ciphertext = $3, key_id = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(&sealed.key_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ids.len())
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
