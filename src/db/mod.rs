//! All SQL lives here, as free functions over a pool or a transaction, one file per table group.
//! Queries always bind their parameters; nothing is formatted into SQL text.

pub mod accounts;
pub mod attempts;
pub mod keys;
pub mod setup;
pub mod throttle;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, PgPool};

/// The embedded migrations (`migrations/`).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Parses a database URL.
pub fn options(url: &secrecy::SecretString) -> anyhow::Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url.expose_secret())
        .context("DATABASE_URL is not a valid postgres:// URL")?
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500)))
}

/// Creates the database named in `opts` if it does not exist yet.
pub async fn create_database_if_missing(opts: &PgConnectOptions) -> anyhow::Result<()> {
    let name = opts.get_database().unwrap_or("postgres").to_owned();
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        anyhow::bail!("database name {name:?} must be letters, digits, '_' or '-'");
    }
    let mut conn = opts
        .clone()
        .database("postgres")
        .connect()
        .await
        .context("connecting to the Postgres server")?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut conn)
        .await
        .context("looking up the database")?;
    if exists.is_none() {
        // CREATE DATABASE takes no bind parameters; the name was checked above.
        let stmt = format!("CREATE DATABASE \"{name}\"");
        match conn.execute(stmt.as_str()).await {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another replica may have created it in the meantime: Postgres says so with
            // "already exists" or, when both ran at once, a unique violation on the catalog.
            Err(sqlx::Error::Database(e))
                if matches!(e.code().as_deref(), Some("42P04" | "23505")) =>
            {
                tracing::info!(database = %name, "another process created the database");
            }
            Err(e) => return Err(e).context("creating the database"),
        }
    }
    Ok(())
}

/// Opens the pool. Connections are made lazily so the process starts (and reports not ready)
/// while the database is down.
pub fn pool(opts: PgConnectOptions, max_connections: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy_with(opts)
}

/// Key of the advisory lock held while the schema changes; any constant unique to the portal.
const MIGRATION_LOCK: i64 = 0x0063_6263_706d_6967; // "cbcpmig"

/// Runs `work` while holding the portal's migration lock, so that of several replicas starting
/// at once exactly one changes the schema and the others wait, then find nothing left to do.
/// The lock lives on a connection of its own, closed at the end: a crash releases it too.
pub async fn with_migration_lock<T>(
    pool: &PgPool,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect_with(&pool.connect_options())
        .await
        .context("connecting to take the migration lock")?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .fetch_one(&mut conn)
        .await
        .context("taking the migration lock")?;
    if !got {
        tracing::info!("another replica is migrating the database; waiting for it");
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut conn)
            .await
            .context("waiting for the migration lock")?;
    }
    let result = work.await;
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

/// Runs pending migrations.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("running migrations")?;
    Ok(())
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23505"))
}
