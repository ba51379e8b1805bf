//! `/account` and `/coupons`: each user sees their own account's data, and cache entries are
//! never shared between accounts.

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::pages_support::{calls, count, get_ok, is_money, rows};

#[tokio::test]
async fn account_page_shows_balances_by_type_and_the_quota() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = get_ok(&app, "/account", 200).await;
    let names = select_text(&html, "table.balances tbody td:first-child");
    assert!(names.iter().any(|n| n == "Cash balance"), "{names:?}");
    let amounts = select_text(&html, "table.balances td.amount");
    assert!(!amounts.is_empty());
    for a in amounts {
        assert!(is_money(&a), "{a}");
    }
    assert!(is_money(&select_text(&html, ".debt")[0]));
    assert!(has(&html, ".quota-percent") || has(&html, ".quota-empty"));
    app.stop().await;
}

#[tokio::test]
async fn balances_are_per_account_and_never_cross() {
    let app = spawn_sandboxed_app().await;
    let (a, b) = (app.account_a(), app.account_b());
    let (ak_a, ak_b) = (app.ak_of(a).await, app.ak_of(b).await);

    app.login_as(Role::Viewer, a).await;
    let html_a = get_ok(&app, "/account", 200).await;
    let bal_a = select_text(&html_a, ".balance-total")[0].clone();
    let log = app.sandbox_log().await;
    assert!(
        log.iter().all(|c| c["ak"] == ak_a.as_str()),
        "only A's key: {log:?}"
    );

    // B's user right after: same request, other account, so no cache hit from A.
    let client_b = app.new_client();
    let email = "viewer-b@example.com";
    app.create_user(email, crate::helpers::CUSTOMER_PW, Role::Viewer, Some(b))
        .await;
    assert_eq!(
        client_b
            .login(email, crate::helpers::CUSTOMER_PW)
            .await
            .status(),
        303
    );
    let before_b = app.sandbox_calls().await["by_ak"][&ak_b]["ShowCustomerAccountBalances"]
        .as_u64()
        .unwrap_or(0);
    let html_b = client_b.get_html("/account").await;
    let bal_b = select_text(&html_b, ".balance-total")[0].clone();
    let after_b = app.sandbox_calls().await["by_ak"][&ak_b]["ShowCustomerAccountBalances"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(
        after_b,
        before_b + 1,
        "B's balance came from B's own upstream call"
    );
    assert_ne!(bal_a, bal_b, "the seeded accounts hold different balances");

    // A again: served from A's cache entry, still A's figure.
    let html_a2 = get_ok(&app, "/account", 200).await;
    assert_eq!(select_text(&html_a2, ".balance-total")[0], bal_a);
    app.stop().await;
}

#[tokio::test]
async fn coupons_filter_by_status_and_sort_by_expiry() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let all = get_ok(&app, "/coupons", 200).await;
    let n_all = count(&all);
    assert!(n_all > 0, "the sandbox seeds coupons");
    assert!(rows(&all, "table") > 0);
    let avail = get_ok(&app, "/coupons?status=2", 200).await;
    let statuses = select_text(&avail, "table tbody .status-pill");
    assert!(!statuses.is_empty(), "the sandbox seeds available coupons");
    assert!(statuses.iter().all(|s| s == "Available"), "{statuses:?}");
    assert!(count(&avail) <= n_all);
    let asc = get_ok(&app, "/coupons?sort=expiry&dir=asc&size=100", 200).await;
    let desc = get_ok(&app, "/coupons?sort=expiry&dir=desc&size=100", 200).await;
    let col = |h: &str| select_text(h, "table tbody tr td:nth-child(7)");
    let (a, mut d) = (col(&asc), col(&desc));
    assert!(a.len() > 1, "enough coupons to see an order: {a:?}");
    d.reverse();
    assert_eq!(a, d, "desc is asc reversed");
    let mut sorted = a.clone();
    sorted.sort();
    assert_eq!(a, sorted, "ascending expiry");
    // Bad filters: 422 and nothing upstream.
    let before = calls(&app).await;
    let bad = get_ok(&app, "/coupons?status=9", 422).await;
    assert!(has(&bad, "#e-status"));
    get_ok(&app, "/coupons?dir=sideways", 422).await;
    assert_eq!(calls(&app).await, before);
    app.stop().await;
}
