//! `AppState`: what every handler can reach. Cheap to clone (everything inside is shared).

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::password::Hasher;
use crate::auth::session::CachedStore;
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::db::accounts::CloudAccount;
use crate::db::users::User;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The Postgres pool. Never hold a connection across an upstream call.
    pub db: PgPool,
    pub settings: Arc<Settings>,
    /// argon2 on the blocking pool, capped.
    pub hasher: Hasher,
    /// Encrypts cloud-account SKs.
    pub keys: SecretBox,
    /// Users by id, for the per-request session check; as short-lived as the session cache.
    pub users: moka::future::Cache<Uuid, Arc<User>>,
    /// Cloud accounts by id, briefly cached: read on every customer page.
    pub accounts: moka::future::Cache<Uuid, Arc<CloudAccount>>,
    /// The session store, for ending sessions.
    pub sessions: CachedStore,
    /// Base URL of the embedded sandbox, when it runs.
    pub sandbox_url: Option<String>,
}

impl FromRef<AppState> for PgPool {
    fn from_ref(s: &AppState) -> Self {
        s.db.clone()
    }
}

impl FromRef<AppState> for Arc<Settings> {
    fn from_ref(s: &AppState) -> Self {
        s.settings.clone()
    }
}

impl AppState {
    /// A cloud account, from the short cache or the database.
    pub async fn account(&self, id: Uuid) -> Result<Option<Arc<CloudAccount>>, sqlx::Error> {
        if let Some(a) = self.accounts.get(&id).await {
            return Ok(Some(a));
        }
        let Some(a) = crate::db::accounts::by_id(&self.db, id).await? else {
            return Ok(None);
        };
        let a = Arc::new(a);
        self.accounts.insert(id, a.clone()).await;
        Ok(Some(a))
    }

    /// Drops the cached copy of a user so the next request re-reads it.
    pub async fn forget_user(&self, id: Uuid) {
        self.users.invalidate(&id).await;
    }
}
