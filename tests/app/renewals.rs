//! `/renewals`: the resource list and its actions (renew with preview, unsubscribe, auto-renew,
//! pay-per-use at expiry, renewal settings).

use std::time::Duration;

use cbc_portal::domain::Role;
use scraper::{Html, Selector};
use serde_json::json;

use crate::helpers::{
    CUSTOMER_PW, TestClient, has, select_text, spawn_sandboxed_app, spawn_sandboxed_app_with,
};
use crate::orders::{attrs, audit_rows, field, location, settled_status};

/// Main resources on the list: (id, status text, policy text).
async fn mains(client: &TestClient, query: &str) -> Vec<(String, String, String)> {
    let html = client
        .get_html(&format!("/renewals?limit=100{query}"))
        .await;
    let doc = Html::parse_document(&html);
    let row = Selector::parse("tr.main").expect("sel");
    let pill = Selector::parse(".status-pill").expect("sel");
    let policy = Selector::parse("td.policy").expect("sel");
    doc.select(&row)
        .map(|r| {
            let text = |s: &Selector| {
                r.select(s)
                    .next()
                    .map(|e| e.text().collect::<String>().trim().to_owned())
                    .unwrap_or_default()
            };
            (
                r.value()
                    .attr("data-resource-id")
                    .unwrap_or_default()
                    .to_owned(),
                text(&pill),
                text(&policy),
            )
        })
        .collect()
}

/// An in-use main resource whose expiry policy is not `policy`.
async fn in_use_without(client: &TestClient, policy: &str) -> String {
    mains(client, "&status=2")
        .await
        .into_iter()
        .find(|(_, st, p)| st == "In use" && p != policy)
        .map(|r| r.0)
        .expect("an in-use resource")
}

async fn list_key(client: &TestClient) -> String {
    let html = client.get_html("/renewals").await;
    field(&html, "#resources-form", "idempotency_key")
}

async fn preview(client: &TestClient, ids: &[&str], unit: &str, n: &str) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = ids.iter().map(|i| ("resource_id", *i)).collect();
    form.push(("period_unit", unit));
    form.push(("period_num", n));
    client.post_form("/renewals/renew/preview", &form).await
}

#[tokio::test]
async fn renewing_needs_the_price_preview_then_calls_once() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "").await;
    let res = preview(&app.client, &[&id], "month", "3").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(
        select_text(&html, "#quote-total")[0].contains("USD"),
        "{html}"
    );
    assert_eq!(
        attrs(
            &html,
            "table.quote tr[data-resource-id]",
            "data-resource-id"
        ),
        vec![id.clone()]
    );
    assert!(app.sandbox_count("ListRenewRateOnPeriod").await >= 1);
    assert_eq!(app.sandbox_count("RenewalResources").await, 0);
    let key = field(&html, "#renew-confirm", "idempotency_key");

    let res = app
        .client
        .post_form("/renewals/renew", &[("idempotency_key", &key)])
        .await;
    assert_eq!(res.status(), 303);
    let result = location(&res);
    let page = app.client.get_html(&result).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    assert!(has(&page, "a.order-link"), "the renewal order is linked");
    assert_eq!(app.sandbox_count("RenewalResources").await, 1);
    // Double submit: same result, no call.
    let again = app
        .client
        .post_form("/renewals/renew", &[("idempotency_key", &key)])
        .await;
    assert_eq!(location(&again), result);
    assert_eq!(app.sandbox_count("RenewalResources").await, 1);
    let outcomes: Vec<String> = audit_rows(&app, "renewResources")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(outcomes, vec!["pending", "success"]);
    app.stop().await;
}

#[tokio::test]
async fn confirming_without_a_preview_fails_and_sends_nothing() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "").await;
    let res = app
        .client
        .post_form(
            "/renewals/renew",
            &[
                ("idempotency_key", &uuid::Uuid::new_v4().to_string()),
                ("resource_id", &id),
                ("period_unit", "month"),
                ("period_num", "1"),
                ("is_auto_pay", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(select_text(&body, "#form-error")[0].contains("Review the renewal price first"));
    assert_eq!(app.sandbox_count("RenewalResources").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn renewal_periods_outside_cbcs_limits_are_422_without_a_quote() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "").await;
    for (unit, n) in [
        ("month", "12"),
        ("month", "0"),
        ("year", "4"),
        ("week", "1"),
    ] {
        let res = preview(&app.client, &[&id], unit, n).await;
        assert_eq!(res.status(), 422, "{unit} {n}");
    }
    let res = app
        .client
        .post_form("/renewals/renew/preview", &[("period_num", "1")])
        .await;
    assert_eq!(res.status(), 422, "nothing selected");
    assert_eq!(app.sandbox_count("ListRenewRateOnPeriod").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn unsubscribing_needs_i_understand_and_lists_what_goes() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "").await;
    let res = app
        .client
        .post_form("/renewals/unsubscribe/review", &[("resource_id", &id)])
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(has(&html, "#refund-total"));
    let key = field(&html, "#unsubscribe-confirm", "idempotency_key");
    let res = app
        .client
        .post_form(
            "/renewals/unsubscribe",
            &[("idempotency_key", &key), ("resource_id", &id)],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#understand-error"));
    assert_eq!(app.sandbox_count("CancelResourcesSubscription").await, 0);

    let res = app
        .client
        .post_form(
            "/renewals/unsubscribe",
            &[
                ("idempotency_key", &key),
                ("resource_id", &id),
                ("understand", "yes"),
            ],
        )
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    assert_eq!(app.sandbox_count("CancelResourcesSubscription").await, 1);
    let closed = mains(&app.client, "&status=3").await;
    assert!(
        closed.iter().any(|r| r.0 == id),
        "the resource is closed now"
    );
    app.stop().await;
}

#[tokio::test]
async fn auto_renew_goes_on_and_off_and_off_twice_fails_with_the_code() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "Auto-renew").await;
    let key = list_key(&app.client).await;
    let res = app
        .client
        .post_form(
            "/renewals/autorenew",
            &[
                ("idempotency_key", &key),
                ("resource_id", &id),
                ("op", "on"),
                ("autorenew_period", "year"),
            ],
        )
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    let now = mains(&app.client, "&autorenew=on").await;
    assert!(now.iter().any(|r| r.0 == id), "listed as auto-renew");

    for expected in ["succeeded", "failed"] {
        let key = list_key(&app.client).await;
        let res = app
            .client
            .post_form(
                "/renewals/autorenew",
                &[
                    ("idempotency_key", &key),
                    ("resource_id", &id),
                    ("op", "off"),
                ],
            )
            .await;
        let page = app.client.get_html(&location(&res)).await;
        assert_eq!(
            attrs(&page, ".action-result", "data-status"),
            vec![expected]
        );
        if expected == "failed" {
            assert_eq!(select_text(&page, ".error-code"), vec!["CBC.99003605"]);
        }
    }
    assert_eq!(app.sandbox_count("AutoRenewalResources").await, 1);
    assert_eq!(app.sandbox_count("CancelAutoRenewalResources").await, 2);
    let on: Vec<String> = audit_rows(&app, "setResourcesAutorenew")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(on, vec!["pending", "success"]);
    let off: Vec<String> = audit_rows(&app, "cancelResourcesAutoRenew")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(off, vec!["pending", "success", "pending", "failure"]);
    app.stop().await;
}

#[tokio::test]
async fn pay_per_use_at_expiry_can_be_set_and_cancelled() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "Pay-per-use at expiry").await;
    for op in ["set", "cancel"] {
        let key = list_key(&app.client).await;
        let res = app
            .client
            .post_form(
                "/renewals/to-on-demand",
                &[("idempotency_key", &key), ("resource_id", &id), ("op", op)],
            )
            .await;
        let page = app.client.get_html(&location(&res)).await;
        assert_eq!(
            attrs(&page, ".action-result", "data-status"),
            vec!["succeeded"],
            "{op}"
        );
        let listed = mains(&app.client, "&policy=1")
            .await
            .iter()
            .any(|r| r.0 == id);
        assert_eq!(listed, op == "set");
    }
    assert_eq!(app.sandbox_count("UpdatePeriodToOnDemand").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn renewal_settings_are_validated_and_sent_once() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let html = app.client.get_html("/renewals").await;
    let key = field(&html, "#deduction-form", "idempotency_key");
    let res = app
        .client
        .post_form(
            "/renewals/settings",
            &[
                ("idempotency_key", &key),
                ("setting", "deduction"),
                ("value", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.sandbox_count("SetResourcesRenewConfig").await, 0);
    let res = app
        .client
        .post_form(
            "/renewals/settings",
            &[
                ("idempotency_key", &key),
                ("setting", "deduction"),
                ("value", "5"),
            ],
        )
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    assert_eq!(app.sandbox_count("SetResourcesRenewConfig").await, 1);
    let outcomes: Vec<String> = audit_rows(&app, "setResourcesRenewConfig")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(outcomes, vec!["pending", "success"]);
    app.stop().await;
}

#[tokio::test]
async fn a_stalled_renewal_is_unknown_then_reconciled_from_the_new_order() {
    let app = spawn_sandboxed_app_with(|s| {
        s.cbc_timeout = Duration::from_millis(1200);
        s.reconcile_interval = Duration::from_millis(200);
    })
    .await;
    app.login_as(Role::Manager, app.account_a()).await;
    let id = in_use_without(&app.client, "").await;
    let html = preview(&app.client, &[&id], "month", "1")
        .await
        .text()
        .await
        .expect("body");
    let key = field(&html, "#renew-confirm", "idempotency_key");
    app.sandbox_faults(
        json!({"operations": {"RenewalResources": {"apply_then": "stall", "times": 1}}}),
    )
    .await;
    let res = app
        .client
        .post_form("/renewals/renew", &[("idempotency_key", &key)])
        .await;
    let result = location(&res);
    assert_eq!(settled_status(&app, &result).await, "succeeded");
    assert_eq!(
        app.sandbox_count("RenewalResources").await,
        1,
        "never retried"
    );
    let outcomes: Vec<String> = audit_rows(&app, "renewResources")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(outcomes, vec!["pending", "unknown", "success"]);
    app.stop().await;
}

#[tokio::test]
async fn another_accounts_resource_is_404_and_never_named_upstream() {
    let app = spawn_sandboxed_app().await;
    let b_client = app.new_client();
    app.create_user(
        "b-ops@example.com",
        CUSTOMER_PW,
        Role::Manager,
        Some(app.account_b()),
    )
    .await;
    assert_eq!(
        b_client
            .login("b-ops@example.com", CUSTOMER_PW)
            .await
            .status(),
        303
    );
    let b_id = in_use_without(&b_client, "").await;

    app.login_as(Role::Manager, app.account_a()).await;
    app.sandbox_reset().await;
    let key = uuid::Uuid::new_v4().to_string();
    for (path, extra) in [
        ("/renewals/renew/preview", ("period_num", "1")),
        ("/renewals/unsubscribe/review", ("x", "y")),
        ("/renewals/autorenew", ("op", "off")),
        ("/renewals/to-on-demand", ("op", "set")),
    ] {
        let res = app
            .client
            .post_form(
                path,
                &[("idempotency_key", &key), ("resource_id", &b_id), extra],
            )
            .await;
        assert_eq!(res.status(), 404, "{path}");
    }
    let b_ak = app.ak_of(app.account_b()).await;
    let calls = app.sandbox_calls().await;
    assert!(calls["by_ak"].get(&b_ak).is_none(), "{calls}");
    for op in [
        "ListRenewRateOnPeriod",
        "RenewalResources",
        "CancelResourcesSubscription",
        "CancelAutoRenewalResources",
        "UpdatePeriodToOnDemand",
    ] {
        assert_eq!(app.sandbox_count(op).await, 0, "{op}");
    }
    app.stop().await;
}

#[tokio::test]
async fn viewers_see_the_list_without_actions_and_get_403() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = app.client.get_html("/renewals").await;
    assert!(has(&html, "tr.main"));
    assert!(!has(&html, "input[name=resource_id]"));
    let id = attrs(&html, "tr.main", "data-resource-id")[0].clone();
    let res = app
        .client
        .post_form(
            "/renewals/autorenew",
            &[
                ("idempotency_key", &uuid::Uuid::new_v4().to_string()),
                ("resource_id", &id),
                ("op", "off"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.sandbox_count("CancelAutoRenewalResources").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn the_list_filters_by_expiry_and_exports() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let soon = mains(&app.client, "&expiring=7").await;
    let all = mains(&app.client, "").await;
    assert!(
        !soon.is_empty() && soon.len() < all.len(),
        "{} of {}",
        soon.len(),
        all.len()
    );
    assert_eq!(app.client.get("/renewals?expiring=9").await.status(), 422);
    let res = app.client.get("/renewals/export.csv?expiring=7").await;
    assert_eq!(res.status(), 200);
    let csv = res.text().await.expect("csv");
    assert!(csv.starts_with("Resource ID,"));
    let main_lines = csv.lines().filter(|l| l.contains(",main,")).count();
    assert_eq!(main_lines, soon.len());
    app.stop().await;
}
