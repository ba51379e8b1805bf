//! Password hashing: argon2id (m=19456 KiB, t=2, p=1), on the blocking pool.
//!
//! Each hash works through 19 MiB of memory. Allocated per hash, those areas come from whichever
//! malloc arena the blocking thread uses and, once freed, mostly stay there: a login flood left
//! the process hundreds of MiB larger for good. So at most `max_concurrent` hashes run at once
//! (the permit is held until the computation ends, even when the request that asked for it
//! is gone), and each borrows a working area from a pool that keeps them for reuse: argon2
//! holds at most `max_concurrent` × 19 MiB, allocated once.

use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// Memory cost in KiB.
pub const M_COST: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;
/// Hash output length in bytes.
const OUTPUT_LEN: usize = 32;

fn policy() -> anyhow::Result<Params> {
    Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN))
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))
}

/// Result of checking a password.
#[derive(Debug)]
pub enum Verified {
    /// Wrong password, or no such user (the same work was done either way).
    No,
    /// Right password; `rehash` holds a stronger hash to store if the old one was weaker.
    Yes { rehash: Option<String> },
}

/// One argon2 working area of the policy's size (1 KiB blocks).
type Area = Box<[Block]>;

fn new_area() -> Area {
    vec![Block::new(); M_COST as usize].into_boxed_slice()
}

/// Working areas not in use.
type Pool = Arc<Mutex<Vec<Area>>>;

fn lock(pool: &Pool) -> std::sync::MutexGuard<'_, Vec<Area>> {
    pool.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    pool: Pool,
    /// A hash of a random password, verified against when the user does not exist so that
    /// unknown users cost the same time as wrong passwords.
    dummy: Arc<String>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

fn hash_with(area: &mut [Block], password: &[u8]) -> anyhow::Result<String> {
    let params = policy()?;
    let salt = crate::crypto::random_bytes::<16>();
    let mut out = [0u8; OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, area)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("hashing: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("hashing: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("hashing: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Recomputes `stored` for `password` with the parameters in `stored`, whatever they are;
/// compares in constant time.
fn verify_with(area: &mut [Block], password: &[u8], stored: &PasswordHash) -> anyhow::Result<bool> {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return Ok(false);
    };
    let bad = |e: argon2::Error| anyhow::anyhow!("stored hash: {e}");
    let algorithm = Algorithm::new(stored.algorithm.as_str())
        .map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let version = stored
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(bad)?
        .unwrap_or_default();
    let params = Params::try_from(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if params.block_count() <= area.len() {
        argon
            .hash_password_into_with_memory(password, salt.as_ref(), &mut out, area)
            .map_err(bad)?;
    } else {
        // Stronger than the policy (set by hand): a one-off area of its own.
        argon
            .hash_password_into(password, salt.as_ref(), &mut out)
            .map_err(bad)?;
    }
    let computed = Output::new(&out).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    Ok(computed == *expected)
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
        let mut area = new_area();
        let dummy = hash_with(&mut area, &crate::crypto::random_bytes::<16>())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            pool: Arc::new(Mutex::new(vec![area])),
            dummy: Arc::new(dummy),
        })
    }

    /// Runs `work` on the blocking pool with a working area, under a permit held until `work`
    /// returns (a cancelled caller does not free its permit early).
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .context("hasher closed")?;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut area = lock(&pool).pop().unwrap_or_else(new_area);
            let result = work(&mut area);
            lock(&pool).push(area);
            drop(permit);
            result
        })
        .await
        .context("hashing task")?
    }

    /// Working areas kept for reuse.
    #[cfg(test)]
    fn idle_areas(&self) -> usize {
        lock(&self.pool).len()
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &SecretString) -> anyhow::Result<String> {
        let pw = password.clone();
        self.run(move |area| hash_with(area, pw.expose_secret().as_bytes()))
            .await
    }

    /// Verifies `password` against `stored`, or against a dummy hash when `stored` is `None`.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<String>,
    ) -> anyhow::Result<Verified> {
        let pw = password.clone();
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.as_str().to_owned());
        self.run(move |area| -> anyhow::Result<Verified> {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let ok = verify_with(area, pw.expose_secret().as_bytes(), &parsed)?;
            if !(ok && known) {
                return Ok(Verified::No);
            }
            let rehash = if is_current(&parsed) {
                None
            } else {
                Some(hash_with(area, pw.expose_secret().as_bytes())?)
            };
            Ok(Verified::Yes { rehash })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHasher, PasswordVerifier};

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
    async fn hashes_interoperate_with_the_argon2_crate_both_ways() {
        let h = Hasher::new(1).expect("hasher");
        let pw = SecretString::from("interop pass phrase");
        let ours = h.hash(&pw).await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"interop pass phrase", &parsed)
                .is_ok()
        );
        let theirs = Argon2::default()
            .hash_password(b"interop pass phrase")
            .expect("hash")
            .to_string();
        assert!(matches!(
            h.verify(&pw, Some(theirs)).await,
            Ok(Verified::Yes { rehash: None })
        ));
    }

    #[tokio::test]
    async fn a_burst_of_hashes_reuses_at_most_one_working_area_per_permit() {
        let h = Hasher::new(2).expect("hasher");
        let pw = SecretString::from("burst pass phrase");
        let stored = h.hash(&pw).await.expect("hash");
        let runs = (0..8).map(|i| {
            let (h, pw, stored) = (h.clone(), pw.clone(), stored.clone());
            async move {
                let stored = (i % 2 == 0).then_some(stored);
                h.verify(&pw, stored).await.expect("verify")
            }
        });
        let results = futures_util::future::join_all(runs).await;
        assert_eq!(
            results
                .iter()
                .filter(|v| matches!(v, Verified::Yes { .. }))
                .count(),
            4
        );
        let areas = h.idle_areas();
        assert!(
            (1..=2).contains(&areas),
            "two permits, at most two areas: {areas}"
        );
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
