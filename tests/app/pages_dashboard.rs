//! `/`: the dashboard shows real balances, counts and spend, and costs about one round trip.

use std::time::{Duration, Instant};

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::pages_support::{get_ok, is_money};

#[tokio::test]
async fn dashboard_shows_balance_counts_and_spend_of_the_users_account() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = get_ok(&app, "/", 200).await;
    let total = select_text(&html, ".balance-total");
    assert!(is_money(&total[0]), "balance with currency: {total:?}");
    assert!(is_money(&select_text(&html, ".spend-this")[0]));
    assert!(is_money(&select_text(&html, ".spend-last")[0]));
    let pending: i64 = select_text(&html, ".pending-orders")[0]
        .parse()
        .expect("count");
    assert!(pending >= 0);
    for d in ["7", "15", "30"] {
        assert!(
            has(&html, &format!(".expiring-{d}")),
            "expiring within {d} days"
        );
        assert!(has(&html, &format!("a[href='/renewals?expiring={d}']")));
    }
    assert!(has(&html, "a[href='/orders?status=6']"));
    assert!(has(&html, ".quota-meter") || has(&html, ".quota-empty"));
    // Every call was signed with account A's key.
    let ak_a = app.ak_of(app.account_a()).await;
    let log = app.sandbox_log().await;
    assert!(!log.is_empty());
    assert!(log.iter().all(|c| c["ak"] == ak_a.as_str()), "{log:?}");
    app.stop().await;
}

#[tokio::test]
async fn dashboard_reads_run_concurrently() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    app.sandbox_faults(serde_json::json!({"latency_ms": 300}))
        .await;
    let started = Instant::now();
    let html = get_ok(&app, "/", 200).await;
    let took = started.elapsed();
    assert!(has(&html, ".balance-total"));
    let calls = app.sandbox_calls().await["total"].as_u64().unwrap_or(0);
    assert!(
        calls >= 6,
        "a cold dashboard reads upstream ({calls} calls)"
    );
    // Seven reads of 300 ms each would take 2.1 s one after another.
    assert!(took < Duration::from_millis(600), "dashboard took {took:?}");
    app.stop().await;
}

#[tokio::test]
async fn staff_are_sent_to_the_admin_area() {
    let app = spawn_sandboxed_app().await;
    app.login_staff().await;
    let res = app.client.get("/").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin");
    app.stop().await;
}
