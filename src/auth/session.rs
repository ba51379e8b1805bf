//! Sessions: Postgres-backed (any replica can serve any user) with a short in-process cache.
//!
//! The cache lifetime (`PORTAL_SESSION_CACHE_MS`, 2 s by default) bounds how late a logout on
//! another replica is seen; ending sessions for a user also bumps the user's epoch, which every
//! replica checks. The stored expiry follows the idle timeout (capped by the absolute one), while
//! the cookie itself carries no `Max-Age`: it dies with the browser.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

/// Session key of [`AuthData`].
pub const AUTH_KEY: &str = "auth";
/// Session key of the CSRF token.
pub const CSRF_KEY: &str = "csrf";
/// Session key of pending flash messages.
pub const FLASH_KEY: &str = "flash";

/// What a logged-in session holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthData {
    pub user_id: Uuid,
    /// The user's `session_epoch` at login; a bump ends the session.
    pub epoch: i32,
    /// Unix seconds of the login (absolute timeout).
    pub auth_at: i64,
    /// Unix seconds of the last request that refreshed the session (idle timeout).
    pub last_seen: i64,
    /// Whether the second factor was given in this session (required for staff).
    #[serde(default)]
    pub mfa: bool,
}

/// The session store: Postgres with an in-process cache in front.
#[derive(Debug, Clone)]
pub struct CachedStore {
    inner: PostgresStore,
    cache: moka::future::Cache<Id, Record>,
    idle: Duration,
    absolute: Duration,
}

impl CachedStore {
    pub fn new(
        inner: PostgresStore,
        cache_ttl: Duration,
        idle: Duration,
        absolute: Duration,
    ) -> Self {
        Self {
            inner,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(cache_ttl)
                .build(),
            idle,
            absolute,
        }
    }

    /// The backing Postgres store (for the expired-row sweeper).
    pub fn postgres(&self) -> &PostgresStore {
        &self.inner
    }

    /// Expiry for the row: idle timeout from now, never past the absolute limit.
    fn expiry_for(&self, record: &Record) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        let idle_end = now + self.idle;
        let auth = record
            .data
            .get(AUTH_KEY)
            .and_then(|v| v.as_str())
            .and_then(|s| serde_json::from_str::<AuthData>(s).ok());
        match auth {
            Some(a) => {
                let abs_end =
                    OffsetDateTime::from_unix_timestamp(a.auth_at).unwrap_or(now) + self.absolute;
                idle_end.min(abs_end)
            }
            None => idle_end,
        }
    }
}

#[async_trait]
impl SessionStore for CachedStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        record.expiry_date = self.expiry_for(record);
        self.inner.create(record).await?;
        self.cache.insert(record.id, record.clone()).await;
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut record = record.clone();
        record.expiry_date = self.expiry_for(&record);
        self.inner.save(&record).await?;
        self.cache.insert(record.id, record).await;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc();
        if let Some(r) = self.cache.get(id).await {
            if r.expiry_date > now {
                return Ok(Some(r));
            }
            self.cache.invalidate(id).await;
            return Ok(None);
        }
        let loaded = self.inner.load(id).await?;
        if let Some(r) = &loaded {
            self.cache.insert(*id, r.clone()).await;
        }
        Ok(loaded)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.cache.invalidate(id).await;
        self.inner.delete(id).await
    }
}

/// Reads the login data of a session.
///
/// Stored as a JSON string: the Postgres store encodes session data as MessagePack, where
/// `serde_json`'s arbitrary-precision numbers would not round-trip.
pub async fn get_auth(
    session: &tower_sessions::Session,
) -> Result<Option<AuthData>, tower_sessions::session::Error> {
    let Some(raw) = session.get::<String>(AUTH_KEY).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str(&raw).ok())
}

/// Stores the login data of a session (see [`get_auth`]).
pub async fn set_auth(
    session: &tower_sessions::Session,
    auth: &AuthData,
) -> Result<(), tower_sessions::session::Error> {
    let raw = serde_json::to_string(auth).map_err(tower_sessions::session::Error::SerdeJson)?;
    session.insert(AUTH_KEY, raw).await
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}
