//! `AppState`: what every handler can reach. Cheap to clone (everything inside is shared).

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::password::Hasher;
use crate::auth::session::SessionStore;
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
    /// The session store (Postgres, short read cache in front).
    pub sessions: SessionStore,
    /// The CBC client (signing, throttling, retries, breaker, read cache).
    pub cbc: crate::cbc::Client,
    /// Decrypted credentials per cloud account, briefly cached (AES-GCM per call is cheap, the
    /// database read is not).
    pub credentials: moka::future::Cache<Uuid, Arc<crate::cbc::AccountCredentials>>,
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
    /// The CBC credentials of a cloud account. Fails (404) for unknown or disabled accounts, and
    /// (503, [`AppError::CloudAccountUnusable`]) for one whose SK the current key cannot decrypt,
    /// so no upstream call is made for them.
    pub async fn cbc_credentials(
        &self,
        account_id: Uuid,
    ) -> Result<Arc<crate::cbc::AccountCredentials>, crate::error::AppError> {
        if let Some(c) = self.credentials.get(&account_id).await {
            return Ok(c);
        }
        let account = self
            .account(account_id)
            .await?
            .filter(|a| a.disabled_at.is_none())
            .ok_or(crate::error::AppError::NotFound)?;
        let sk = match crate::db::accounts::secret_key(&self.db, &self.keys, account_id).await {
            Ok(Some(sk)) => sk,
            Ok(None) => return Err(crate::error::AppError::NotFound),
            Err(crate::db::accounts::SecretKeyError::Undecryptable(id)) => {
                return Err(crate::error::AppError::CloudAccountUnusable(id));
            }
            Err(crate::db::accounts::SecretKeyError::Db(e)) => return Err(e.into()),
        };
        let creds = Arc::new(crate::cbc::AccountCredentials {
            account_id,
            endpoint: account.endpoint.clone(),
            domain_id: account.domain_id.clone(),
            auth: crate::cbc::Auth::AkSk {
                ak: account.ak.clone(),
                sk,
            },
        });
        self.credentials.insert(account_id, creds.clone()).await;
        Ok(creds)
    }

    /// Forgets cached data of a cloud account after staff change it.
    pub async fn forget_account(&self, id: Uuid) {
        self.accounts.invalidate(&id).await;
        self.credentials.invalidate(&id).await;
    }

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
