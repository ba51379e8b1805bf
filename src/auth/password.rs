//! Password hashing: argon2id (m=19456 KiB, t=2, p=1), on the blocking pool, with a cap on
//! concurrent hashes so a login burst cannot exhaust memory or starve the runtime.

use std::sync::Arc;

use anyhow::Context;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// Memory cost in KiB.
pub const M_COST: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(M_COST, T_COST, P_COST, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Result of checking a password.
#[derive(Debug)]
pub enum Verified {
    /// Wrong password, or no such user (the same work was done either way).
    No,
    /// Right password; `rehash` holds a stronger hash to store if the old one was weaker.
    Yes { rehash: Option<String> },
}

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when the user does not exist so that
    /// unknown users cost the same time as wrong passwords.
    dummy: Arc<String>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

fn hash_blocking(password: &[u8]) -> anyhow::Result<String> {
    let hash = argon2()?
        .hash_password(password)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

fn is_current(hash: &PasswordHash) -> bool {
    let num = |k: &str| hash.params.get_decimal(k).unwrap_or(0);
    hash.algorithm.as_str() == "argon2id"
        && num("m") >= M_COST
        && num("t") >= T_COST
        && hash.version == Some(19)
}

impl Hasher {
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        let dummy = hash_blocking(&crate::crypto::random_bytes::<16>())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy: Arc::new(dummy),
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &SecretString) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        let pw = password.clone();
        tokio::task::spawn_blocking(move || hash_blocking(pw.expose_secret().as_bytes()))
            .await
            .context("hashing task")?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when `stored` is `None`.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<String>,
    ) -> anyhow::Result<Verified> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        let pw = password.clone();
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.as_str().to_owned());
        tokio::task::spawn_blocking(move || -> anyhow::Result<Verified> {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            // Verify with the parameters in the stored hash, whatever they are.
            let ok = Argon2::default()
                .verify_password(pw.expose_secret().as_bytes(), &parsed)
                .is_ok();
            if !(ok && known) {
                return Ok(Verified::No);
            }
            let rehash = if is_current(&parsed) {
                None
            } else {
                Some(hash_blocking(pw.expose_secret().as_bytes())?)
            };
            Ok(Verified::Yes { rehash })
        })
        .await
        .context("verification task")?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_phc_argon2id_with_the_policy_parameters() {
        let h = Hasher::new(2).expect("hasher");
        let pw = SecretString::from("correct horse battery");
        let hash = h.hash(&pw).await.expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(matches!(
            h.verify(&pw, Some(hash.clone())).await,
            Ok(Verified::Yes { rehash: None })
        ));
        let wrong = SecretString::from("correct horse battery ");
        assert!(matches!(
            h.verify(&wrong, Some(hash)).await,
            Ok(Verified::No)
        ));
        assert!(matches!(h.verify(&pw, None).await, Ok(Verified::No)));
    }

    #[tokio::test]
    async fn weaker_hashes_are_upgraded_on_login() {
        let weak = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(4096, 1, 1, None).expect("params"),
        )
        .hash_password(b"old password here")
        .expect("hash")
        .to_string();
        let h = Hasher::new(1).expect("hasher");
        match h
            .verify(&SecretString::from("old password here"), Some(weak))
            .await
        {
            Ok(Verified::Yes { rehash: Some(new) }) => {
                assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
            }
            other => panic!("expected a rehash, got {other:?}"),
        }
    }
}
