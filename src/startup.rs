//! Building and running the application: database, migrations, keys, sandbox, listener.

use std::sync::Arc;

use anyhow::Context;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

use crate::auth::password::Hasher;
use crate::auth::session::CachedStore;
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::pgserver::PrivateCluster;
use crate::state::AppState;
use crate::{db, web};

/// A built application, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    private_pg: Option<PrivateCluster>,
    setup_link: Option<String>,
}

/// Connects to Postgres (creating the database, or a private cluster, as needed).
async fn connect(
    settings: &mut Settings,
) -> anyhow::Result<(sqlx::PgPool, Option<PrivateCluster>)> {
    let opts = db::options(&settings.database_url)?;
    match db::create_database_if_missing(&opts).await {
        Ok(()) => Ok((db::pool(opts, settings.db_max_connections), None)),
        Err(e) if !settings.database_url_explicit => {
            if crate::pgserver::find_bin_dir().is_none() {
                return Err(e.context(
                    "no Postgres answers at localhost:5432 and no server binaries are installed: \
                     start Postgres or set DATABASE_URL=postgres://user@host:port/dbname",
                ));
            }
            tracing::info!("no Postgres at localhost:5432; starting a private cluster");
            let cluster = PrivateCluster::start(&settings.data_dir)?;
            settings.database_url = SecretString::from(cluster.url.clone());
            let opts = db::options(&settings.database_url)?;
            db::create_database_if_missing(&opts).await?;
            Ok((db::pool(opts, settings.db_max_connections), Some(cluster)))
        }
        Err(e) => Err(e.context("DATABASE_URL does not answer")),
    }
}

/// The key that encrypts SKs: from the environment, a file, or (sandbox mode) generated.
pub fn secret_box(settings: &Settings) -> anyhow::Result<SecretBox> {
    if let Some(k) = &settings.secret_key {
        return SecretBox::from_base64(k).context("PORTAL_SECRET_KEY");
    }
    if let Some(f) = &settings.secret_key_file {
        return SecretBox::from_file(f).context("PORTAL_SECRET_KEY_FILE");
    }
    SecretBox::load_or_create(&settings.data_dir.join("secret.key"))
}

/// Opens the database and runs migrations (for `cbc-portal migrate` and the server).
pub async fn prepare_database(
    settings: &mut Settings,
) -> anyhow::Result<(sqlx::PgPool, Option<PrivateCluster>)> {
    let (pool, cluster) = connect(settings).await?;
    db::migrate(&pool).await?;
    PostgresStore::new(pool.clone())
        .migrate()
        .await
        .context("creating the session table")?;
    Ok((pool, cluster))
}

impl Application {
    /// Builds everything and binds the listener (port 0 picks a free port).
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        settings.validate()?;
        let (db, private_pg) = prepare_database(&mut settings).await?;
        let keys = secret_box(&settings)?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("binding {}", settings.listen))?;
        let local = listener.local_addr()?;
        if settings.listen.port() == 0 {
            settings.public_url = format!("http://{local}");
        }
        let store = CachedStore::new(
            PostgresStore::new(db.clone()),
            settings.session_cache_ttl,
            settings.session_idle,
            settings.session_absolute,
        );
        let hasher = Hasher::new(settings.max_concurrent_hashes)?;
        let cache_ttl = settings.session_cache_ttl;
        let cbc = crate::cbc::Client::new(crate::cbc::ClientSettings {
            total_timeout: settings.cbc_timeout,
            ..crate::cbc::ClientSettings::default()
        })
        .context("building the CBC client")?;
        let state = AppState {
            db,
            settings: Arc::new(settings),
            hasher,
            keys,
            users: moka::future::Cache::builder()
                .max_capacity(50_000)
                .time_to_live(cache_ttl)
                .build(),
            accounts: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(std::time::Duration::from_secs(10))
                .build(),
            sessions: store,
            cbc,
            credentials: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(std::time::Duration::from_secs(10))
                .build(),
            sandbox_url: None,
        };
        let setup_link = crate::auth::login::ensure_setup_link(&state).await?;
        Ok(Self {
            listener,
            state,
            private_pg,
            setup_link,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The one-time link that creates the first staff user, if none exists yet.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// Serves until `shutdown` completes, then drains in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Application {
            listener,
            state,
            private_pg,
            setup_link: _,
        } = self;
        let sweeper = tokio::spawn(
            state
                .sessions
                .postgres()
                .clone()
                .continuously_delete_expired(std::time::Duration::from_secs(60)),
        );
        let reconciler = crate::actions::reconciler::spawn(state.clone());
        let app = web::router(state.clone());
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        sweeper.abort();
        reconciler.abort();
        state.db.close().await;
        if let Some(pg) = private_pg {
            pg.stop();
        }
        served
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down; draining in-flight requests");
}
