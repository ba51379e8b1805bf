//! Running it in production: replicas starting together, metrics on their own listener.

use std::time::Duration;

use cbc_portal::startup::Application;
use tokio::sync::oneshot;

use crate::helpers::*;

/// Migration files shipped in `migrations/`.
fn migration_files() -> i64 {
    let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .count();
    i64::try_from(n).expect("count")
}

/// Builds `n` replicas on database `db_name` at the same moment, serves each until the returned
/// senders fire, and returns their addresses (or the first build error).
async fn start_replicas_at_once(
    db_name: &str,
    n: usize,
) -> anyhow::Result<Vec<(String, oneshot::Sender<()>)>> {
    let builds = (0..n).map(|_| Application::build(test_settings(db_name)));
    let mut out = Vec::new();
    for app in futures_util::future::join_all(builds).await {
        let app = app?;
        let address = format!("http://127.0.0.1:{}", app.port());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        out.push((address, tx));
    }
    Ok(out)
}

async fn migrations_applied(db_name: &str) -> i64 {
    let pool = sqlx::PgPool::connect(&database_url(db_name))
        .await
        .expect("connect");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .expect("count migrations");
    pool.close().await;
    n
}

async fn assert_all_serve(replicas: &[(String, oneshot::Sender<()>)]) {
    let http = reqwest::Client::new();
    for (address, _) in replicas {
        for path in ["/healthz", "/readyz", "/login"] {
            let res = http
                .get(format!("{address}{path}"))
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .expect("replica answers");
            assert_eq!(res.status(), 200, "{address}{path}");
        }
    }
}

#[tokio::test]
async fn two_replicas_started_at_once_on_an_empty_database_migrate_it_exactly_once() {
    for _ in 0..3 {
        let db_name = create_database().await;
        let replicas = start_replicas_at_once(&db_name, 2).await;
        let replicas = match replicas {
            Ok(r) => r,
            Err(e) => {
                drop_database(&db_name).await;
                panic!("a replica failed to start: {e:#}");
            }
        };
        assert_eq!(migrations_applied(&db_name).await, migration_files());
        assert_all_serve(&replicas).await;
        for (_, stop) in replicas {
            let _ = stop.send(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop_database(&db_name).await;
    }
}

#[tokio::test]
async fn two_replicas_started_at_once_without_a_database_create_it_once_and_both_serve() {
    for _ in 0..3 {
        let prefix = std::env::var("TEST_DB_PREFIX").unwrap_or_else(|_| "t_".to_owned());
        let db_name = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        let replicas = match start_replicas_at_once(&db_name, 2).await {
            Ok(r) => r,
            Err(e) => {
                drop_database(&db_name).await;
                panic!("a replica failed to start: {e:#}");
            }
        };
        assert_eq!(migrations_applied(&db_name).await, migration_files());
        assert_all_serve(&replicas).await;
        for (_, stop) in replicas {
            let _ = stop.send(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop_database(&db_name).await;
    }
}
