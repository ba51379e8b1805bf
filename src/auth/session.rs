//! Sessions: the portal's own store in Postgres (any replica serves any user), keyed by the
//! SHA-256 of the session id, so a copy of the table opens no session.
//!
//! The rules that make a logout final everywhere:
//! - A row is inserted only when a session starts under a fresh id (login, and the privilege
//!   changes that cycle the id). Every later write is an `UPDATE` of a live row, so a session that
//!   was ended (logout on another replica, the sweeper) is never written back into existence.
//! - Anonymous visitors get a cookie (a form token is bound to it, see [`crate::auth::csrf`]) but
//!   no row: their pages write nothing.
//! - Safe requests (GET, HEAD) may read a session from a short in-process cache
//!   (`PORTAL_SESSION_CACHE_MS`); every other request reads Postgres and refreshes the cache, so a
//!   replica drops a session ended elsewhere at the latest when the cache entry ages out, or at
//!   once on a state-changing request.
//! - The cookie carries no `Max-Age` (it dies with the browser); the row's expiry follows the idle
//!   timeout, capped by the absolute one, and expired rows are swept.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;

/// Session key of [`AuthData`].
pub const AUTH_KEY: &str = "auth";
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

/// Session contents, stored as `jsonb`.
type Data = serde_json::Map<String, serde_json::Value>;

/// SHA-256 of a session id: the only form in which the server keeps it.
type IdHash = [u8; 32];

/// A session id: 256 random bits, base64url. Only the browser holds it; `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl std::fmt::Debug for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionId(..)")
    }
}

impl SessionId {
    fn generate() -> Self {
        Self(crate::crypto::random_token())
    }

    /// Accepts only what [`SessionId::generate`] makes (43 base64url characters).
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 43
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Self(s.to_owned()))
    }

    /// The id as the cookie carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> IdHash {
        let digest = Sha256::digest(self.0.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(&digest);
        out
    }
}

/// A failure of the session store.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session store: {0}")]
    Store(#[from] sqlx::Error),
    #[error("session value: {0}")]
    Value(#[from] serde_json::Error),
}

/// The Postgres session table with a short in-process read cache in front.
#[derive(Clone)]
pub struct SessionStore {
    db: PgPool,
    /// Recent reads by id hash; `None` remembers that no live row exists (an id never becomes
    /// live again once it is not: new sessions always get new ids).
    cache: moka::future::Cache<IdHash, Option<Arc<Data>>>,
    idle: Duration,
    absolute: Duration,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("idle", &self.idle)
            .field("absolute", &self.absolute)
            .finish_non_exhaustive()
    }
}

impl SessionStore {
    pub fn new(db: PgPool, cache_ttl: Duration, idle: Duration, absolute: Duration) -> Self {
        Self {
            db,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(cache_ttl)
                .build(),
            idle,
            absolute,
        }
    }

    /// Expiry for the row: idle timeout from now, never past the absolute limit.
    fn expiry_for(&self, data: &Data) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        let idle_end = now + self.idle;
        let auth = data
            .get(AUTH_KEY)
            .and_then(|v| serde_json::from_value::<AuthData>(v.clone()).ok());
        match auth {
            Some(a) => {
                let abs_end =
                    OffsetDateTime::from_unix_timestamp(a.auth_at).unwrap_or(now) + self.absolute;
                idle_end.min(abs_end)
            }
            None => idle_end,
        }
    }

    /// The live session under `hash`; `fresh` skips the cache (and refreshes it).
    async fn load(&self, hash: &IdHash, fresh: bool) -> Result<Option<Arc<Data>>, SessionError> {
        if !fresh && let Some(hit) = self.cache.get(hash).await {
            return Ok(hit);
        }
        let row: Option<Json<Data>> = sqlx::query_scalar(
            "SELECT data FROM sessions WHERE id_hash = $1 AND expires_at > now()",
        )
        .bind(&hash[..])
        .fetch_optional(&self.db)
        .await?;
        let data = row.map(|Json(d)| Arc::new(d));
        self.cache.insert(*hash, data.clone()).await;
        Ok(data)
    }

    /// Starts a session: the only place a row is created.
    async fn insert(&self, hash: &IdHash, data: &Data) -> Result<(), SessionError> {
        sqlx::query("INSERT INTO sessions (id_hash, data, expires_at) VALUES ($1, $2, $3)")
            .bind(&hash[..])
            .bind(Json(data))
            .bind(self.expiry_for(data))
            .execute(&self.db)
            .await?;
        self.cache.insert(*hash, Some(Arc::new(data.clone()))).await;
        Ok(())
    }

    /// Writes a live session; a session that is gone stays gone. Returns whether it was live.
    async fn update(&self, hash: &IdHash, data: &Data) -> Result<bool, SessionError> {
        let done = sqlx::query(
            "UPDATE sessions SET data = $2, expires_at = $3 \
             WHERE id_hash = $1 AND expires_at > now()",
        )
        .bind(&hash[..])
        .bind(Json(data))
        .bind(self.expiry_for(data))
        .execute(&self.db)
        .await?;
        let live = done.rows_affected() == 1;
        let cached = live.then(|| Arc::new(data.clone()));
        self.cache.insert(*hash, cached).await;
        Ok(live)
    }

    async fn delete(&self, hash: &IdHash) -> Result<(), SessionError> {
        self.cache.insert(*hash, None).await;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&hash[..])
            .execute(&self.db)
            .await?;
        Ok(())
    }

    /// Removes expired rows; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= now()")
            .execute(&self.db)
            .await?;
        Ok(done.rows_affected())
    }

    /// Sweeps expired rows every `every` until aborted.
    pub fn spawn_sweeper(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "could not sweep expired sessions");
                }
            }
        })
    }
}

/// What the response does with the session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CookieChange {
    Keep,
    Set,
    Remove,
}

#[derive(Debug)]
struct SessionState {
    loaded: bool,
    /// The id from now on: the one presented, a new one (cycled, or issued to an anonymous
    /// visitor for a form token), or none (ended).
    id: Option<SessionId>,
    /// Whether a live row exists for `id`.
    live: bool,
    data: Data,
    changed: bool,
    /// `id` gets its row at the end of the request (a session starts).
    start: bool,
    /// A row to delete at the end of the request (ended, or cycled away from).
    delete: Option<IdHash>,
    cookie: CookieChange,
}

struct Handle {
    store: SessionStore,
    /// The well-formed id the browser sent, if any.
    presented: Option<SessionId>,
    /// Read Postgres, not the cache (state-changing requests).
    fresh: bool,
    state: tokio::sync::Mutex<SessionState>,
}

/// The session of one request. Loaded on first use; written once, after the handler.
#[derive(Clone)]
pub struct Session(Arc<Handle>);

impl Session {
    fn new(store: SessionStore, presented: Option<SessionId>, fresh: bool) -> Self {
        Self(Arc::new(Handle {
            store,
            presented,
            fresh,
            state: tokio::sync::Mutex::new(SessionState {
                loaded: false,
                id: None,
                live: false,
                data: Data::new(),
                changed: false,
                start: false,
                delete: None,
                cookie: CookieChange::Keep,
            }),
        }))
    }

    async fn loaded(&self) -> Result<tokio::sync::MutexGuard<'_, SessionState>, SessionError> {
        let mut st = self.0.state.lock().await;
        if !st.loaded {
            if let Some(id) = &self.0.presented {
                if let Some(data) = self.0.store.load(&id.hash(), self.0.fresh).await? {
                    st.data = (*data).clone();
                    st.live = true;
                }
                st.id = Some(id.clone());
            }
            st.loaded = true;
        }
        Ok(st)
    }

    /// A value of the session.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        let st = self.loaded().await?;
        match st.data.get(key) {
            Some(v) => Ok(Some(serde_json::from_value(v.clone())?)),
            None => Ok(None),
        }
    }

    /// Sets a value. Kept only in a live (or starting) session: anonymous data is not stored.
    pub async fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), SessionError> {
        let value = serde_json::to_value(value)?;
        let mut st = self.loaded().await?;
        if st.data.get(key) != Some(&value) {
            st.data.insert(key.to_owned(), value);
            st.changed = true;
        }
        Ok(())
    }

    /// Removes a value, returning it.
    pub async fn remove_value(&self, key: &str) -> Result<Option<serde_json::Value>, SessionError> {
        let mut st = self.loaded().await?;
        let old = st.data.remove(key);
        if old.is_some() {
            st.changed = true;
        }
        Ok(old)
    }

    /// Ends the session: its row is deleted and the cookie removed.
    pub async fn flush(&self) -> Result<(), SessionError> {
        let mut st = self.loaded().await?;
        if st.live
            && let Some(id) = &st.id
        {
            st.delete = Some(id.hash());
        }
        st.id = None;
        st.live = false;
        st.start = false;
        st.data.clear();
        st.changed = false;
        st.cookie = CookieChange::Remove;
        Ok(())
    }

    /// Moves the session to a new id (login, privilege change): the old row goes, the new one
    /// is inserted with the data at the end of the request.
    pub async fn cycle_id(&self) -> Result<(), SessionError> {
        let mut st = self.loaded().await?;
        if st.live
            && let Some(id) = &st.id
        {
            st.delete = Some(id.hash());
        }
        st.id = Some(SessionId::generate());
        st.live = false;
        st.start = true;
        st.cookie = CookieChange::Set;
        Ok(())
    }

    /// The id a form token is bound to: the session's, or a new one for a visitor without a
    /// cookie (set on the response, stored nowhere).
    pub async fn token_binding(&self) -> Result<SessionId, SessionError> {
        let mut st = self.loaded().await?;
        if let Some(id) = &st.id {
            return Ok(id.clone());
        }
        let id = SessionId::generate();
        st.id = Some(id.clone());
        st.cookie = CookieChange::Set;
        Ok(id)
    }

    /// The well-formed id this request's cookie carried (what a posted form token must match).
    pub fn presented(&self) -> Option<&SessionId> {
        self.0.presented.as_ref()
    }

    /// Writes what the request changed; returns the cookie change.
    async fn commit(&self) -> Result<(CookieChange, Option<SessionId>), SessionError> {
        let mut st = self.0.state.lock().await;
        if !st.loaded {
            return Ok((CookieChange::Keep, None));
        }
        let store = &self.0.store;
        if let Some(old) = st.delete.take() {
            store.delete(&old).await?;
        }
        if let (true, Some(id)) = (st.start, st.id.clone()) {
            store.insert(&id.hash(), &st.data).await?;
            st.start = false;
            st.live = true;
        } else if st.changed
            && st.live
            && let Some(id) = st.id.clone()
            && !store.update(&id.hash(), &st.data).await?
        {
            // Ended meanwhile (elsewhere): it stays ended.
            tracing::info!("a write to an ended session was dropped");
            st.live = false;
        }
        st.changed = false;
        Ok((st.cookie, st.id.clone()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session layer missing")))
    }
}

/// The value of cookie `name` in the request.
fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value: host-only, HttpOnly, SameSite=Lax, no `Max-Age` (dies with the
/// browser) unless removing.
fn set_cookie(name: &str, value: Option<&SessionId>, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let text = match value {
        Some(id) => format!(
            "{name}={}; HttpOnly; SameSite=Lax; Path=/{secure}",
            id.expose()
        ),
        None => format!("{name}=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/{secure}"),
    };
    HeaderValue::from_str(&text).ok()
}

/// Middleware: gives the request its [`Session`] and writes it back after the handler.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let s = &state.settings;
    let name = s.cookie_name();
    let presented = cookie_value(req.headers(), name).and_then(SessionId::parse);
    let fresh = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let session = Session::new(state.sessions.clone(), presented, fresh);
    req.extensions_mut().insert(session.clone());
    let mut res = next.run(req).await;
    let (change, id) = match session.commit().await {
        Ok(done) => done,
        Err(e) => return AppError::from(e).into_response(),
    };
    let cookie = match change {
        CookieChange::Keep => None,
        CookieChange::Set => set_cookie(name, id.as_ref(), s.cookie_secure()),
        CookieChange::Remove if session.presented().is_some() => {
            set_cookie(name, None, s.cookie_secure())
        }
        CookieChange::Remove => None,
    };
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Reads the login data of a session.
pub async fn get_auth(session: &Session) -> Result<Option<AuthData>, SessionError> {
    match session.get::<AuthData>(AUTH_KEY).await {
        // Unreadable login data is no login.
        Err(SessionError::Value(_)) => Ok(None),
        other => other,
    }
}

/// Stores the login data of a session.
pub async fn set_auth(session: &Session, auth: &AuthData) -> Result<(), SessionError> {
    session.insert(AUTH_KEY, auth).await
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_long_random_and_parse_back() {
        let a = SessionId::generate();
        let b = SessionId::generate();
        assert_ne!(a, b);
        assert_eq!(SessionId::parse(a.expose()), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "SessionId(..)");
        assert_ne!(&a.hash()[..], a.expose().as_bytes());
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", &a.expose()[..42]),
        ] {
            assert!(SessionId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_cookie_is_read_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; cbc_session=xyz"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie_value(&h, "cbc_session"), Some("xyz"));
        assert_eq!(cookie_value(&h, "b"), Some("2"));
        assert_eq!(cookie_value(&h, "c"), None);
    }
}
