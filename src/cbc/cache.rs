//! The read cache: single-flight, per account, with a last-good fallback.
//!
//! Keys are (cloud account, operation, canonical request), so one account's data is never
//! served to another. Concurrent misses on one key make one upstream call (moka's
//! `try_get_with`). Lifetimes depend on the operation's [`CacheClass`]. Every successful fetch
//! is also remembered as "last good" for longer; when CBC is unavailable (breaker open,
//! throttled, down) that value is served marked `stale`, so pages can say how old it is.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use time::OffsetDateTime;
use uuid::Uuid;

use super::client::{AccountCredentials, Client};
use super::error::CbcError;
use super::ops::{CacheClass, Operation};
use super::signer;

/// Cache lifetimes and size.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// Catalog and base data (service types, measurement units ...).
    pub catalog_ttl: Duration,
    /// Price inquiries.
    pub pricing_ttl: Duration,
    /// Balances, orders, resources, bills of one account.
    pub account_ttl: Duration,
    /// How long a last good value may stand in while CBC is unavailable.
    pub stale_max_age: Duration,
    /// Entries per cache class.
    pub max_entries: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            catalog_ttl: Duration::from_secs(6 * 3600),
            pricing_ttl: Duration::from_secs(10 * 60),
            account_ttl: Duration::from_secs(30),
            stale_max_age: Duration::from_secs(24 * 3600),
            max_entries: 10_000,
        }
    }
}

/// A cached answer.
#[derive(Debug)]
pub struct Cached<T> {
    /// The response.
    pub value: Arc<T>,
    /// When it was fetched from CBC.
    pub fetched_at: OffsetDateTime,
    /// True when CBC is unavailable and this is the last good value, possibly old.
    pub stale: bool,
}

impl<T> Clone for Cached<T> {
    fn clone(&self) -> Self {
        Self {
            value: Arc::clone(&self.value),
            fetched_at: self.fetched_at,
            stale: self.stale,
        }
    }
}

impl<T> Cached<T> {
    /// Age of the value (zero if the clock went backwards).
    pub fn age(&self) -> Duration {
        let age = OffsetDateTime::now_utc() - self.fetched_at;
        age.try_into().unwrap_or(Duration::ZERO)
    }
}

impl<T> std::ops::Deref for Cached<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    account_id: Uuid,
    op: &'static str,
    request: String,
}

#[derive(Clone)]
pub(crate) struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    fetched_at: OffsetDateTime,
}

/// The caches of one [`Client`].
pub(crate) struct ReadCache {
    catalog: Cache<CacheKey, Entry>,
    pricing: Cache<CacheKey, Entry>,
    account: Cache<CacheKey, Entry>,
    last_good: Cache<CacheKey, Entry>,
}

fn build(ttl: Duration, max: u64) -> Cache<CacheKey, Entry> {
    Cache::builder()
        .max_capacity(max)
        .time_to_live(ttl.max(Duration::from_millis(1)))
        .support_invalidation_closures()
        .build()
}

impl ReadCache {
    pub(crate) fn new(s: &CacheSettings) -> Self {
        Self {
            catalog: build(s.catalog_ttl, s.max_entries),
            pricing: build(s.pricing_ttl, s.max_entries),
            account: build(s.account_ttl, s.max_entries),
            last_good: build(s.stale_max_age, s.max_entries.saturating_mul(2)),
        }
    }

    fn for_class(&self, class: CacheClass) -> Option<&Cache<CacheKey, Entry>> {
        match class {
            CacheClass::Catalog => Some(&self.catalog),
            CacheClass::Pricing => Some(&self.pricing),
            CacheClass::Account => Some(&self.account),
            CacheClass::None => None,
        }
    }

    pub(crate) fn invalidate_account(&self, account_id: Uuid) {
        for cache in [&self.account, &self.pricing] {
            if let Err(e) = cache.invalidate_entries_if(move |k, _| k.account_id == account_id) {
                // Only possible if closures were not enabled at build time.
                tracing::error!("cbc cache invalidation failed: {e}");
            }
        }
    }
}

/// The canonical form of a request: everything that decides its answer.
fn canonical_request<O: Operation>(req: &O) -> Result<String, CbcError> {
    let body = req
        .body()
        .map_err(|e| CbcError::InvalidRequest(format!("request body: {e}")))?;
    Ok(format!(
        "{} {}?{}\nlang={}\n{}",
        O::METHOD,
        req.path(),
        signer::canonical_query(&req.query()),
        req.language().unwrap_or(""),
        String::from_utf8_lossy(body.as_deref().unwrap_or_default()),
    ))
}

fn unpack<O: Operation>(entry: Entry, stale: bool) -> Result<Cached<O::Response>, CbcError> {
    let value = entry
        .value
        .downcast::<O::Response>()
        .map_err(|_| CbcError::Decode {
            http_status: 200,
            message: format!("{}: cached value of another type", O::ID),
            request_id: None,
        })?;
    Ok(Cached {
        value,
        fetched_at: entry.fetched_at,
        stale,
    })
}

pub(crate) async fn cached<O: Operation>(
    client: &Client,
    acct: &AccountCredentials,
    req: &O,
) -> Result<Cached<O::Response>, CbcError> {
    let caches = client.read_cache();
    let Some(cache) = caches.for_class(O::CACHE) else {
        let value = client.call(acct, req).await?;
        return Ok(Cached {
            value: Arc::new(value),
            fetched_at: OffsetDateTime::now_utc(),
            stale: false,
        });
    };
    let key = CacheKey {
        account_id: acct.account_id,
        op: O::ID,
        request: canonical_request(req)?,
    };
    // Whether this lookup ran the fetch (a miss) or was served by the cache or by another
    // caller's fetch in flight (a hit).
    let fetched_here = std::sync::atomic::AtomicBool::new(false);
    let fetched = cache
        .try_get_with(key.clone(), async {
            fetched_here.store(true, std::sync::atomic::Ordering::Relaxed);
            let value = client.call(acct, req).await?;
            let entry = Entry {
                value: Arc::new(value),
                fetched_at: OffsetDateTime::now_utc(),
            };
            caches.last_good.insert(key.clone(), entry.clone()).await;
            Ok::<_, CbcError>(entry)
        })
        .await;
    let missed = fetched_here.load(std::sync::atomic::Ordering::Relaxed);
    crate::metrics::cbc_cache(O::ID, if missed { "miss" } else { "hit" });
    match fetched {
        Ok(entry) => unpack::<O>(entry, false),
        Err(shared) => {
            let err = (*shared).clone();
            if err.is_unavailable()
                && let Some(entry) = caches.last_good.get(&key).await
            {
                tracing::info!(
                    op = O::ID,
                    error_code = err.error_code(),
                    "serving stale cbc data"
                );
                crate::metrics::cbc_cache(O::ID, "stale");
                return unpack::<O>(entry, true);
            }
            Err(err)
        }
    }
}
