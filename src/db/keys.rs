//! Everything sealed under `PORTAL_SECRET_KEY` at once: cloud-account SKs and staff TOTP
//! secrets. Key rotation re-seals both in one transaction; the start-up check names the rows
//! the current key cannot open, so a changed key is a visible state, not a failure later.

use sqlx::PgPool;
use uuid::Uuid;

use crate::crypto::{Sealed, SecretBox};
use crate::db::{accounts, users};

/// What a key rotation did.
#[derive(Debug, Default)]
pub struct Rotation {
    /// Cloud-account SKs re-sealed under the new key.
    pub sks: usize,
    /// Staff TOTP secrets re-sealed under the new key.
    pub second_factors: usize,
    /// Accounts (by name) whose SK the old key could not open; left as they were.
    pub unreadable_sks: Vec<String>,
    /// Users (by e-mail) whose TOTP secret the old key could not open; left as they were.
    pub unreadable_second_factors: Vec<String>,
}

impl Rotation {
    pub fn is_complete(&self) -> bool {
        self.unreadable_sks.is_empty() && self.unreadable_second_factors.is_empty()
    }
}

/// Re-seals every SK and TOTP secret from `old` to `new`, in one transaction. A secret `old`
/// cannot open stops the rotation (nothing is changed) unless `skip_unreadable`, when it is left
/// as it is and named in the result (staff enter it again; the user resets the second factor).
pub async fn rotate(
    db: &PgPool,
    old: &SecretBox,
    new: &SecretBox,
    skip_unreadable: bool,
) -> anyhow::Result<Rotation> {
    let mut out = Rotation::default();
    let mut tx = db.begin().await?;
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, name FROM cloud_accounts ORDER BY lower(name) FOR UPDATE")
            .fetch_all(&mut *tx)
            .await?;
    for (id, name) in rows {
        match accounts::secret_key(&mut *tx, old, id).await {
            Ok(Some(sk)) => {
                accounts::reseal_sk(&mut *tx, new, id, &sk).await?;
                out.sks += 1;
            }
            Ok(None) => {}
            Err(accounts::SecretKeyError::Undecryptable(_)) => out.unreadable_sks.push(name),
            Err(accounts::SecretKeyError::Db(e)) => return Err(e.into()),
        }
    }
    for t in users::sealed_totps(&mut *tx, true).await? {
        let sealed = Sealed {
            nonce: t.totp_nonce,
            ciphertext: t.totp_ciphertext,
            key_id: old.key_id().to_owned(),
        };
        match old.open(&sealed, t.id.as_bytes()) {
            Ok(secret) => {
                let resealed = new.seal(&secret, t.id.as_bytes())?;
                users::reseal_totp(&mut *tx, t.id, &resealed.nonce, &resealed.ciphertext).await?;
                out.second_factors += 1;
            }
            // A pending enrolment is simply started again at the next login.
            Err(_) if !t.enrolled => {
                users::reset_totp(&mut *tx, t.id).await?;
            }
            Err(_) => out.unreadable_second_factors.push(t.email),
        }
    }
    if !out.is_complete() && !skip_unreadable {
        tx.rollback().await?;
        return Ok(out);
    }
    tx.commit().await?;
    Ok(out)
}

/// A staff second factor the current key cannot open (never the secret).
#[derive(Debug, Clone)]
pub struct UnreadableSecondFactor {
    pub user_id: Uuid,
    pub email: String,
}

/// Enrolled second factors that do not open under `keys`.
pub async fn unreadable_second_factors(
    db: &PgPool,
    keys: &SecretBox,
) -> sqlx::Result<Vec<UnreadableSecondFactor>> {
    Ok(users::sealed_totps(db, false)
        .await?
        .into_iter()
        .filter(|t| t.enrolled)
        .filter(|t| {
            let sealed = Sealed {
                nonce: t.totp_nonce.clone(),
                ciphertext: t.totp_ciphertext.clone(),
                key_id: keys.key_id().to_owned(),
            };
            keys.open(&sealed, t.id.as_bytes()).is_err()
        })
        .map(|t| UnreadableSecondFactor {
            user_id: t.id,
            email: t.email,
        })
        .collect())
}

/// Logs (warn, never a secret) each cloud account and staff user whose secret the current key
/// cannot open, and what to do about it. The portal runs on: these are states of those rows.
pub async fn warn_about_unreadable_secrets(db: &PgPool, keys: &SecretBox) -> sqlx::Result<()> {
    for a in accounts::unreadable_sks(db, keys).await? {
        tracing::warn!(
            account = %a.id,
            name = %a.name,
            sealed_under_key = %a.key_id,
            current_key = %keys.key_id(),
            "the SK of this cloud account cannot be decrypted with the current key \
             (PORTAL_SECRET_KEY): its customers cannot use the portal until staff enter the SK \
             again on the account page, or the previous key is restored"
        );
    }
    for u in unreadable_second_factors(db, keys).await? {
        tracing::warn!(
            user = %u.user_id,
            email = %u.email,
            current_key = %keys.key_id(),
            "the second factor of this user cannot be decrypted with the current key \
             (PORTAL_SECRET_KEY): run `cbc-portal user reset-second-factor --email {}` so the \
             next login enrols a new authenticator, or restore the previous key",
            u.email
        );
    }
    Ok(())
}
