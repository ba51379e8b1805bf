//! Building and running the application: database, migrations, keys, sandbox, listener.

use std::sync::Arc;

use anyhow::Context;
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::auth::password::Hasher;
use crate::auth::session::SessionStore;
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
    sandbox: Option<crate::sandbox::Sandbox>,
    setup_link: Option<String>,
    /// The metrics listener and exporter, when `PORTAL_METRICS_LISTEN` is set.
    metrics: Option<(TcpListener, metrics_exporter_prometheus::PrometheusHandle)>,
}

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn random_code(len: usize, alphabet: &[u8]) -> String {
    crate::crypto::random_bytes::<64>()
        .iter()
        .take(len)
        .map(|b| alphabet[usize::from(*b) % alphabet.len()] as char)
        .collect()
}

/// Makes sure each named sandbox account exists (generating its AK/SK the first time), points
/// every sandbox account at `endpoint`, and returns the credentials the sandbox must accept,
/// with each account's id.
async fn seed_sandbox_accounts(
    db: &sqlx::PgPool,
    keys: &SecretBox,
    names: &[String],
    endpoint: &str,
) -> anyhow::Result<Vec<(uuid::Uuid, crate::sandbox::Credential)>> {
    for name in names {
        if db::accounts::by_name(db, name).await?.is_none() {
            let sk = SecretString::from(random_code(40, MIXED));
            let input = db::accounts::AccountInput {
                name,
                endpoint,
                domain_id: &random_code(32, HEX),
                ak: &random_code(20, UPPER),
                sk: Some(&sk),
                is_sandbox: true,
            };
            if let Err(e) = db::accounts::insert(db, keys, &input).await? {
                // Another replica may have seeded it at the same moment.
                if !db::is_unique_violation(&e) {
                    return Err(e.into());
                }
            }
            tracing::info!(account = %name, "seeded a sandbox cloud account");
        }
    }
    db::accounts::point_sandbox_accounts_at(db, endpoint).await?;
    let mut creds = Vec::new();
    for a in db::accounts::list(db)
        .await?
        .into_iter()
        .filter(|a| a.is_sandbox)
    {
        let sk = match db::accounts::secret_key(db, keys, a.id).await {
            Ok(Some(sk)) => sk,
            Ok(None) => continue,
            // The sandbox's SKs are the portal's own invention (the sandbox accepts whatever it
            // is started with), so one sealed under an earlier key is simply replaced.
            Err(db::accounts::SecretKeyError::Undecryptable(id)) => {
                let sk = SecretString::from(random_code(40, MIXED));
                db::accounts::replace_sk(db, keys, id, &sk).await?;
                tracing::info!(
                    account = %a.name,
                    "the sandbox account's SK was sealed under another key; generated a new one"
                );
                sk
            }
            Err(db::accounts::SecretKeyError::Db(e)) => return Err(e.into()),
        };
        creds.push((
            a.id,
            crate::sandbox::Credential {
                ak: a.ak,
                sk,
                domain_id: a.domain_id,
            },
        ));
    }
    Ok(creds)
}

/// Stores the sandbox's IAM projects on its accounts (the sandbox is their truth), so price
/// inquiries work out of the box.
async fn store_sandbox_projects(
    db: &sqlx::PgPool,
    sandbox: &crate::sandbox::Sandbox,
    accounts: &[(uuid::Uuid, String)],
) -> anyhow::Result<()> {
    for (id, ak) in accounts {
        let changes: Vec<(String, Option<String>)> = sandbox
            .projects(ak)
            .into_iter()
            .map(|(region, project)| (region, Some(project)))
            .collect();
        let mut conn = db.acquire().await?;
        db::accounts::set_projects(&mut conn, *id, &changes).await?;
    }
    Ok(())
}

/// Says which setting moves a listener whose address cannot be bound (busy, not ours, ...).
fn cannot_listen(what: &str, addr: std::net::SocketAddr, setting: &str) -> String {
    let example = match addr.port() {
        0 => String::new(),
        port => {
            let mut other = addr;
            other.set_port(port.checked_add(1).unwrap_or(8080));
            format!(", e.g. {setting}={other}")
        }
    };
    format!("{what} cannot listen on {addr}: choose another address with {setting}{example}")
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
    // Of several replicas starting at once, one migrates; the others wait, then find it done.
    db::with_migration_lock(&pool, db::migrate(&pool)).await?;
    Ok((pool, cluster))
}

impl Application {
    /// Builds everything and binds the listener (port 0 picks a free port).
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        settings.validate()?;
        let (db, private_pg) = prepare_database(&mut settings).await?;
        let keys = secret_box(&settings)?;
        let mut sandbox = None;
        let mut sandbox_addr = None;
        if settings.sandbox {
            let listener = TcpListener::bind(settings.sandbox_listen)
                .await
                .with_context(|| {
                    cannot_listen(
                        "the sandbox",
                        settings.sandbox_listen,
                        "PORTAL_SANDBOX_LISTEN",
                    )
                })?;
            let addr = listener.local_addr()?;
            sandbox_addr = Some(addr);
            let url = format!("http://{addr}");
            let seeded =
                seed_sandbox_accounts(&db, &keys, &settings.sandbox_accounts, &url).await?;
            let aks: Vec<(uuid::Uuid, String)> =
                seeded.iter().map(|(id, c)| (*id, c.ak.clone())).collect();
            let creds = seeded.into_iter().map(|(_, c)| c).collect();
            let cfg = crate::sandbox::SeedConfig {
                seed: settings.sandbox_seed,
                bill_records: settings.sandbox_records,
                currency: settings.sandbox_currency.clone(),
                now: settings.sandbox_now,
            };
            let started = crate::sandbox::Sandbox::start(listener, creds, cfg).await?;
            store_sandbox_projects(&db, &started, &aks).await?;
            sandbox = Some(started);
            match settings.sandbox_now {
                Some(pin) => {
                    tracing::info!(%url, clock = %pin, "embedded sandbox started, clock pinned")
                }
                None => tracing::info!(%url, "embedded sandbox started"),
            }
        }
        // A changed key is a state of the rows it cannot open, not a reason to stop: say which.
        db::keys::warn_about_unreadable_secrets(&db, &keys).await?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| cannot_listen("the portal", settings.listen, "PORTAL_LISTEN"))?;
        let local = listener.local_addr()?;
        // Port 0 (tests, throwaway runs): links name the port actually bound, unless an https
        // public URL says where users come in from.
        if settings.listen.port() == 0 && !settings.public_url.starts_with("https://") {
            settings.public_url = format!("http://{local}");
        }
        let metrics = match settings.metrics_listen {
            Some(addr) => {
                let l = TcpListener::bind(addr).await.with_context(|| {
                    cannot_listen("the metrics listener", addr, "PORTAL_METRICS_LISTEN")
                })?;
                // Port 0 (tests) becomes the port actually bound.
                settings.metrics_listen = Some(l.local_addr()?);
                crate::metrics::install().map(|h| (l, h))
            }
            None => None,
        };
        let store = SessionStore::new(
            db.clone(),
            settings.session_cache_ttl,
            settings.session_idle,
            settings.session_absolute,
        );
        let hasher = Hasher::new(settings.max_concurrent_hashes)?;
        let cache_ttl = settings.session_cache_ttl;
        let defaults = crate::cbc::ClientSettings::default();
        let cbc = crate::cbc::Client::new(crate::cbc::ClientSettings {
            total_timeout: settings.cbc_timeout,
            rate_percent: settings.cbc_rate_percent.clamp(1, 100),
            cache: crate::cbc::CacheSettings {
                catalog_ttl: settings.cbc_catalog_ttl,
                pricing_ttl: settings.cbc_price_ttl,
                account_ttl: settings.cbc_account_ttl,
                ..defaults.cache.clone()
            },
            egress: crate::cbc::EgressPolicy {
                allow_private: settings.allow_private_endpoints,
                // The embedded sandbox listens on loopback; exactly its address is allowed.
                exempt: sandbox_addr.into_iter().collect(),
            },
            ..defaults
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
            sandbox_url: sandbox.as_ref().map(|s| s.base_url()),
        };
        let setup_link = crate::auth::login::ensure_setup_link(&state).await?;
        Ok(Self {
            listener,
            state,
            private_pg,
            sandbox,
            setup_link,
            metrics,
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
            sandbox,
            setup_link: _,
            metrics,
        } = self;
        let exporter = metrics.map(|(listener, handle)| {
            let upkeep = crate::metrics::spawn_upkeep(handle.clone());
            let app = crate::metrics::router(state.clone(), handle);
            let server = tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            });
            [upkeep, server]
        });
        let sweeper = state
            .sessions
            .spawn_sweeper(std::time::Duration::from_secs(60));
        let reconciler = crate::actions::reconciler::spawn(state.clone());
        let pruner = tokio::spawn(prune_login_counts(
            state.db.clone(),
            state.settings.login_window,
        ));
        let app =
            web::router(state.clone()).layer(axum::middleware::from_fn(crate::metrics::track_http));
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        sweeper.abort();
        reconciler.abort();
        pruner.abort();
        exporter.into_iter().flatten().for_each(|t| t.abort());
        if let Some(s) = sandbox {
            s.shutdown().await;
        }
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

/// Drops login-throttling rows whose window is over, every ten minutes.
async fn prune_login_counts(db: sqlx::PgPool, window: std::time::Duration) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = crate::db::throttle::prune(&db, window.as_secs() as i64).await {
            tracing::warn!("pruning login counts failed: {e}");
        }
    }
}
