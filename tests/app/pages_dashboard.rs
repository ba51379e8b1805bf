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

#[tokio::test]
async fn one_failing_read_degrades_only_its_tile() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    // Before the first load, so nothing is cached.
    app.sandbox_faults(
        serde_json::json!({"operations": {"ShowCustomerExpenditureQuota": {
        "http_status": 403, "error_code": "CBC.0151", "error_msg": "access denied"}}}),
    )
    .await;
    let html = get_ok(&app, "/", 200).await;
    // The other tiles render normally.
    let total = select_text(&html, ".balance-total");
    assert!(is_money(&total[0]), "balance with currency: {total:?}");
    assert!(is_money(&select_text(&html, ".spend-this")[0]));
    assert!(has(&html, ".pending-orders"));
    assert!(has(&html, ".expiring-30"));
    assert!(!has(&html, ".dashboard-unavailable"));
    // The quota tile says what failed, with CBC's code.
    assert!(!has(&html, ".quota-meter") && !has(&html, ".quota-empty"));
    let err = select_text(&html, "#tile-quota .status-err");
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].starts_with("Expenditure quota unavailable: "),
        "{err:?}"
    );
    assert_eq!(
        select_text(&html, "#tile-quota .tile-error-code code"),
        ["CBC.0151"]
    );
    // Only the quota tile failed.
    assert_eq!(select_text(&html, ".tile-error").len(), 1);
    assert!(
        !html.contains("access denied"),
        "CBC's raw message stays in the logs"
    );
    app.stop().await;
}

#[tokio::test]
async fn dashboard_of_an_unreachable_account_is_a_portal_error_page() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.cbc_timeout = Duration::from_millis(500);
    })
    .await;
    let account = app
        .create_account(
            "Deadend",
            "http://127.0.0.1:9",
            "HPUAEXAMPLEAK0000009",
            "ExampleSecretKey0000000000000000000000SK",
        )
        .await;
    app.login_as(Role::Viewer, account).await;
    let started = Instant::now();
    let res = app.client.get("/").await;
    let status = res.status().as_u16();
    let html = res.text().await.expect("body");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered promptly"
    );
    assert!(status == 502 || status == 503, "status {status}: {html}");
    // Still the portal: navigation, account name, request id, the dashboard's sections.
    assert!(has(&html, "nav.sidenav a[href='/orders']"));
    assert_eq!(select_text(&html, ".topbar .account"), ["Deadend"]);
    assert!(!select_text(&html, "footer code")[0].is_empty());
    assert!(has(&html, ".dashboard-unavailable"));
    assert_eq!(
        select_text(&html, ".tile-error").len(),
        6,
        "each section failed"
    );
    assert!(!has(&html, ".balance-total"));
    let msg = &select_text(&html, "#tile-balance .tile-error-message")[0];
    assert!(
        msg.starts_with("Balance unavailable: Huawei Cloud"),
        "{msg}"
    );
    // No internals.
    for leak in [
        "127.0.0.1",
        ":9",
        "TRANSPORT",
        "TIMEOUT",
        "reqwest",
        "error sending",
        "HPUAEXAMPLEAK",
    ] {
        assert!(!html.contains(leak), "page leaks {leak:?}");
    }
    app.stop().await;
}
