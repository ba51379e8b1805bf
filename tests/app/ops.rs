//! Running it in production: replicas starting together, metrics on their own listener.

use std::time::Duration;

use std::collections::HashMap;

use cbc_portal::domain::Role;
use cbc_portal::startup::Application;
use tokio::sync::oneshot;

use crate::helpers::*;
use crate::orders::{affordable_order, field, location, settled_status};

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

/// A sandboxed app with its metrics listener on a free port.
async fn spawn_app_with_metrics() -> (TestApp, String) {
    let app = spawn_sandboxed_app_with(|s| {
        s.metrics_listen = Some("127.0.0.1:0".parse().expect("addr"));
    })
    .await;
    let addr = app
        .state
        .settings
        .metrics_listen
        .expect("the metrics listener is bound");
    assert_ne!(addr.port(), 0);
    (app, format!("http://{addr}"))
}

/// One scrape: every sample line as `name{labels}` -> value.
async fn scrape(metrics: &str) -> HashMap<String, f64> {
    let res = reqwest::get(format!("{metrics}/metrics"))
        .await
        .expect("metrics answer");
    assert_eq!(res.status(), 200);
    let body = res.text().await.expect("body");
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// Sum of the samples of `name` whose labels include every `label="value"` pair given.
fn total(samples: &HashMap<String, f64>, name: &str, labels: &[&str]) -> f64 {
    samples
        .iter()
        .filter(|(k, _)| {
            let (n, rest) = k.split_once('{').unwrap_or((k.as_str(), ""));
            n == name && labels.iter().all(|l| rest.contains(l))
        })
        .map(|(_, v)| v)
        .sum()
}

#[tokio::test]
async fn metrics_move_with_traffic_logins_cbc_calls_cache_and_actions() {
    let (app, metrics) = spawn_app_with_metrics().await;
    let before = scrape(&metrics).await;

    app.login_as(Role::Manager, app.account_a()).await;
    for _ in 0..2 {
        assert_eq!(app.client.get("/").await.status(), 200);
    }
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    let res = app
        .client
        .post_form(
            &format!("/orders/{order}/pay"),
            &[("idempotency_key", key.as_str()), ("benefit", "none")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(settled_status(&app, &location(&res)).await, "succeeded");

    let after = scrape(&metrics).await;
    let moved =
        |name: &str, labels: &[&str]| total(&after, name, labels) - total(&before, name, labels);
    assert!(
        moved(
            "portal_http_requests_total",
            &[r#"route="/login""#, r#"method="POST""#, r#"status="303""#]
        ) >= 1.0,
        "the login POST is counted by its route"
    );
    assert!(
        moved(
            "portal_http_requests_total",
            &[r#"route="/orders/{id}""#, r#"status="200""#]
        ) >= 1.0,
        "the order page is counted under its template"
    );
    assert!(
        moved(
            "portal_http_request_duration_seconds_count",
            &[r#"route="/orders/{id}""#]
        ) >= 1.0,
        "and timed"
    );
    assert!(
        moved("portal_sessions_created_total", &[]) >= 1.0,
        "the login made a session"
    );
    assert!(
        moved(
            "portal_cbc_calls_total",
            &[r#"operation="PayOrders""#, r#"outcome="ok""#]
        ) >= 1.0,
        "the payment is a CBC call"
    );
    assert!(
        moved(
            "portal_cbc_call_duration_seconds_count",
            &[r#"operation="PayOrders""#]
        ) >= 1.0,
        "with its latency"
    );
    assert!(moved("portal_cbc_cache_requests_total", &[r#"result="miss""#]) >= 1.0);
    assert!(
        moved("portal_cbc_cache_requests_total", &[r#"result="hit""#]) >= 1.0,
        "the second dashboard comes from the cache"
    );
    assert!(
        moved(
            "portal_action_attempts_total",
            &[r#"action="pay_order""#, r#"outcome="succeeded""#]
        ) >= 1.0,
        "the settled payment is counted"
    );
    for gauge in [
        "portal_db_pool_connections",
        "portal_db_pool_max_connections",
        "portal_action_attempts_unsettled",
        "portal_action_attempt_oldest_unsettled_seconds",
        "portal_cbc_breaker_state",
        "portal_build_info",
    ] {
        assert!(
            after.keys().any(|k| k.starts_with(gauge)),
            "{gauge} is exported"
        );
    }
    assert_eq!(total(&after, "portal_ready", &[]), 1.0);
    assert!(
        after
            .keys()
            .any(|k| k.starts_with("portal_http_request_duration_seconds_bucket{")),
        "latencies are histograms with buckets, so replicas can be aggregated"
    );
    app.stop().await;
}

#[tokio::test]
async fn route_labels_are_templates_so_a_thousand_ids_add_no_series() {
    let (app, metrics) = spawn_app_with_metrics().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    // Warm up: one request of each kind creates its series.
    let probe = |i: usize| format!("CS{i:06}X{}", uuid::Uuid::new_v4().simple());
    let _ = app.client.get(&format!("/orders/{}", probe(0))).await;
    let _ = app.client.get(&format!("/no-such-page/{}", probe(0))).await;
    let before = scrape(&metrics).await;

    let ids: Vec<String> = (1..=1000).map(probe).collect();
    let client = &app.client;
    let statuses = futures_util::future::join_all(ids.chunks(50).map(|chunk| async move {
        let mut seen = Vec::new();
        for id in chunk {
            seen.push(client.get(&format!("/orders/{id}")).await.status().as_u16());
            seen.push(
                client
                    .get(&format!("/no-such-page/{id}"))
                    .await
                    .status()
                    .as_u16(),
            );
        }
        seen
    }))
    .await;
    assert!(
        statuses.iter().flatten().all(|s| *s == 404),
        "unknown ids are 404"
    );

    let after = scrape(&metrics).await;
    // Other tests in this process record into the same registry (concurrently, with their own
    // routes and statuses), so only the series of the routes hit here must stay put; that no
    // label anywhere carries a requested id is checked below.
    let ours = |m: &HashMap<String, f64>| {
        m.keys()
            .filter(|k| k.contains(r#"route="/orders/{id}""#) || k.contains(r#"route="unmatched""#))
            .count()
    };
    assert_eq!(
        ours(&after),
        ours(&before),
        "2,000 requests for 1,000 distinct ids added series: {:?}",
        after
            .keys()
            .filter(|k| !before.contains_key(*k))
            .collect::<Vec<_>>()
    );
    let text: String = after.keys().cloned().collect::<Vec<_>>().join("\n");
    assert!(
        !ids.iter().any(|id| text.contains(id.as_str())),
        "no label carries a requested id"
    );
    assert!(
        total(
            &after,
            "portal_http_requests_total",
            &[r#"route="/orders/{id}""#, r#"status="404""#]
        ) - total(
            &before,
            "portal_http_requests_total",
            &[r#"route="/orders/{id}""#, r#"status="404""#]
        ) >= 1000.0,
        "all of them are counted under the template"
    );
    assert!(
        total(
            &after,
            "portal_http_requests_total",
            &[r#"route="unmatched""#]
        ) - total(
            &before,
            "portal_http_requests_total",
            &[r#"route="unmatched""#]
        ) >= 1000.0,
        "paths no route matches share one label"
    );
    app.stop().await;
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_listener() {
    let (app, metrics) = spawn_app_with_metrics().await;
    let public = reqwest::get(format!("{}/metrics", app.address))
        .await
        .expect("public answers");
    assert_eq!(
        public.status(),
        404,
        "the public port does not serve metrics"
    );
    let body = public.text().await.expect("body");
    assert!(!body.contains("portal_http_requests_total"));
    let own = reqwest::get(format!("{metrics}/metrics"))
        .await
        .expect("metrics answer");
    assert_eq!(own.status(), 200);
    assert!(
        own.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain")),
        "Prometheus text format"
    );
    let pages = reqwest::get(format!("{metrics}/login"))
        .await
        .expect("answers");
    assert_eq!(pages.status(), 404, "the metrics listener serves no pages");
    app.stop().await;

    let plain = spawn_app().await;
    assert_eq!(plain.state.settings.metrics_listen, None, "off by default");
    assert_eq!(plain.client.get("/metrics").await.status(), 404);
    plain.stop().await;
}
