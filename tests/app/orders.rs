//! `/orders`: list, filters, export, details, and the pay and cancel actions.

use std::time::Duration;

use cbc_portal::domain::Role;
use scraper::{Html, Selector};
use serde_json::json;

use crate::helpers::{
    CUSTOMER_PW, TestApp, TestClient, has, same_origin, select_text, spawn_sandboxed_app,
    spawn_sandboxed_app_with,
};

/// Values of `attr` on every element matching `selector`.
pub fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// The value of the input `name` inside the element matching `form`.
pub fn field(html: &str, form: &str, name: &str) -> String {
    attrs(html, &format!("{form} input[name=\"{name}\"]"), "value")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {name} in {form}"))
}

/// The redirect target of a response.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Pending-payment orders on the client's account: (id, amount text), in list order.
pub async fn pending_orders(client: &TestClient) -> Vec<(String, f64)> {
    let html = client.get_html("/orders?status=6&limit=100").await;
    let ids = attrs(&html, "tr[data-order-id]", "data-order-id");
    let amounts: Vec<f64> = select_text(&html, "tr[data-order-id] td:nth-child(7)")
        .iter()
        .map(|t| {
            t.chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
                .parse()
                .unwrap_or(0.0)
        })
        .collect();
    ids.into_iter().zip(amounts).collect()
}

/// A pending order the account can afford (not the deliberately huge one).
pub async fn affordable_order(client: &TestClient) -> String {
    let mut orders = pending_orders(client).await;
    assert!(orders.len() >= 3, "the sandbox seeds pending orders");
    orders.sort_by(|a, b| a.1.total_cmp(&b.1));
    orders[0].0.clone()
}

/// Polls the attempt behind `/actions/{id}` until it is settled; returns its status.
pub async fn settled_status(app: &TestApp, result_url: &str) -> String {
    let id = result_url.trim_start_matches("/actions/");
    let id = uuid::Uuid::parse_str(id).expect("attempt id");
    for _ in 0..100 {
        let st: String = sqlx::query_scalar("SELECT status FROM action_attempts WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("attempt");
        if st == "succeeded" || st == "failed" {
            return st;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("attempt {id} never settled");
}

/// Audit outcomes of an event, oldest first: (outcome, error_code, actor_email).
pub async fn audit_rows(
    app: &TestApp,
    event: &str,
) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT outcome, error_code, actor_email FROM audit_events WHERE event = $1 ORDER BY id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .expect("audit")
}

async fn email_of(app: &TestApp, user: uuid::Uuid) -> String {
    cbc_portal::db::users::by_id(&app.db, user)
        .await
        .expect("db")
        .expect("user")
        .email
}

async fn pay(client: &TestClient, order: &str, key: &str, benefit: &str) -> reqwest::Response {
    client
        .post_form(
            &format!("/orders/{order}/pay"),
            &[("idempotency_key", key), ("benefit", benefit)],
        )
        .await
}

#[tokio::test]
async fn paying_a_pending_order_calls_once_audits_and_a_repeat_shows_the_first_result() {
    let app = spawn_sandboxed_app().await;
    let user = app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    assert!(
        has(&html, "#pay-form"),
        "a pending order offers the pay form"
    );
    let key = field(&html, "#pay-form", "idempotency_key");

    let res = pay(&app.client, &order, &key, "none").await;
    assert_eq!(res.status(), 303);
    let result = location(&res);
    assert!(result.starts_with("/actions/"), "{result}");
    let page = app.client.get_html(&result).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    assert_eq!(app.sandbox_count("PayOrders").await, 1);

    // The same key again: the first result, no second call.
    let again = pay(&app.client, &order, &key, "none").await;
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), result);
    assert_eq!(app.sandbox_count("PayOrders").await, 1);

    let detail = app.client.get_html(&format!("/orders/{order}")).await;
    assert_eq!(select_text(&detail, "#order-status"), vec!["Completed"]);
    let rows = audit_rows(&app, "payCustomerOrderV3").await;
    let email = email_of(&app, user).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "pending");
    assert_eq!(rows[1].0, "success");
    assert!(rows.iter().all(|r| r.2.as_deref() == Some(email.as_str())));
    let request_ids: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT request_id FROM audit_events WHERE event = 'payCustomerOrderV3' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("request ids");
    assert!(
        request_ids[0].as_deref().is_some_and(|r| r.len() >= 16),
        "{request_ids:?}"
    );
    assert_eq!(
        request_ids[0], request_ids[1],
        "both rows name the request that paid"
    );
    app.stop().await;
}

#[tokio::test]
async fn two_concurrent_submits_with_one_key_make_one_call() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"PayOrders": {"latency_ms": 400}}}))
        .await;
    let (a, b) = tokio::join!(
        pay(&app.client, &order, &key, "none"),
        pay(&app.client, &order, &key, "none")
    );
    assert_eq!(a.status(), 303);
    assert_eq!(b.status(), 303);
    assert_eq!(location(&a), location(&b), "both show the same attempt");
    assert_eq!(app.sandbox_count("PayOrders").await, 1);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM action_attempts")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(n, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_second_key_for_an_order_being_paid_is_refused() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let first = app.client.get_html(&format!("/orders/{order}")).await;
    let second = app.client.get_html(&format!("/orders/{order}")).await;
    let k1 = field(&first, "#pay-form", "idempotency_key");
    let k2 = field(&second, "#pay-form", "idempotency_key");
    assert_ne!(k1, k2, "every render has a fresh key");
    app.sandbox_faults(json!({"operations": {"PayOrders": {"latency_ms": 1500}}}))
        .await;
    let client = app.client.clone();
    let (o, k) = (order.clone(), k1.clone());
    let slow = tokio::spawn(async move { pay(&client, &o, &k, "none").await.status() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let res = pay(&app.client, &order, &k2, "none").await;
    assert_eq!(res.status(), 409);
    let body = res.text().await.expect("body");
    assert!(
        select_text(&body, "#busy-notice")[0].contains("already in progress"),
        "{body}"
    );
    assert_eq!(slow.await.expect("first submit"), 303);
    assert_eq!(app.sandbox_count("PayOrders").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn paying_beyond_balance_and_credit_fails_with_the_code() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let mut orders = pending_orders(&app.client).await;
    orders.sort_by(|a, b| b.1.total_cmp(&a.1));
    let order = orders[0].0.clone();
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    let res = pay(&app.client, &order, &key, "none").await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["failed"]
    );
    assert_eq!(select_text(&page, ".error-code"), vec!["CBC.99005003"]);
    let rows = audit_rows(&app, "payCustomerOrderV3").await;
    assert_eq!(rows.last().map(|r| r.0.as_str()), Some("failure"));
    assert_eq!(
        rows.last().and_then(|r| r.1.clone()).as_deref(),
        Some("CBC.99005003")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_payment_already_in_progress_upstream_is_reported_in_words() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"PayOrders": {
        "http_status": 400, "error_code": "CBC.99000088", "error_msg": "in progress", "times": 1}}}))
        .await;
    let res = pay(&app.client, &order, &key, "none").await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["failed"]
    );
    assert!(
        select_text(&page, ".action-message")[0].contains("already being processed"),
        "{page}"
    );
    assert_eq!(app.sandbox_count("PayOrders").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_discount_not_offered_is_refused_with_422_and_no_call() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    let token = crate::helpers::csrf_in(&html).expect("token");
    let res = app
        .client
        .post_raw(
            &format!("/orders/{order}/pay"),
            &[
                ("csrf_token", &token),
                ("idempotency_key", &key),
                ("benefit", "discount:DSFORGED0000001"),
                ("amount", "0.01"),
                ("customer_id", "someone-else"),
            ],
            same_origin(),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(has(&body, "#benefit-error"), "{body}");
    assert_eq!(app.sandbox_count("PayOrders").await, 0);
    // A bad key is 422 too.
    let res = app
        .client
        .post_raw(
            &format!("/orders/{order}/pay"),
            &[
                ("csrf_token", &token),
                ("idempotency_key", "not-a-key"),
                ("benefit", "none"),
            ],
            same_origin(),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.sandbox_count("PayOrders").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn paying_with_an_offered_discount_sends_the_servers_discount_type() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let mut chosen = None;
    for (order, _) in pending_orders(&app.client).await {
        let html = app.client.get_html(&format!("/orders/{order}")).await;
        let options = attrs(&html, "#pay-form input[name=benefit]", "value");
        if let Some(d) = options.iter().find(|v| v.starts_with("discount:")) {
            chosen = Some((
                order,
                d.clone(),
                field(&html, "#pay-form", "idempotency_key"),
            ));
            break;
        }
    }
    let (order, benefit, key) = chosen.expect("the sandbox offers discounts on some orders");
    let res = pay(&app.client, &order, &key, &benefit).await;
    let page = app.client.get_html(&location(&res)).await;
    // Balance may not cover the largest orders; either way the one call went out with a
    // discount the server itself offered.
    let st = attrs(&page, ".action-result", "data-status");
    assert!(st == vec!["succeeded"] || st == vec!["failed"], "{st:?}");
    assert_eq!(app.sandbox_count("PayOrders").await, 1);
    let summary: serde_json::Value =
        sqlx::query_scalar("SELECT request FROM action_attempts LIMIT 1")
            .fetch_one(&app.db)
            .await
            .expect("attempt");
    assert_eq!(summary["benefit"]["kind"], "discount");
    app.stop().await;
}

#[tokio::test]
async fn viewers_get_403_and_nothing_is_sent() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    assert!(!has(&html, "#pay-form"), "viewers see no pay form");
    let res = pay(
        &app.client,
        &order,
        &uuid::Uuid::new_v4().to_string(),
        "none",
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.sandbox_count("PayOrders").await, 0);
    let denied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE event = 'authzDenied' AND summary->>'path' = $1",
    )
    .bind(format!("/orders/{order}/pay"))
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(denied, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_pay_without_csrf_token_is_403_and_nothing_is_sent() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    let res = app
        .client
        .post_raw(
            &format!("/orders/{order}/pay"),
            &[("idempotency_key", &key), ("benefit", "none")],
            same_origin(),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.sandbox_count("PayOrders").await, 0);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM action_attempts")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(n, 0);
    app.stop().await;
}

#[tokio::test]
async fn another_accounts_order_is_404_and_never_named_upstream() {
    let app = spawn_sandboxed_app().await;
    // B's manager finds one of B's pending orders.
    let b_client = app.new_client();
    app.create_user(
        "b-manager@example.com",
        CUSTOMER_PW,
        Role::Manager,
        Some(app.account_b()),
    )
    .await;
    assert_eq!(
        b_client
            .login("b-manager@example.com", CUSTOMER_PW)
            .await
            .status(),
        303
    );
    let b_order = affordable_order(&b_client).await;

    app.login_as(Role::Manager, app.account_a()).await;
    app.sandbox_reset().await;
    assert_eq!(
        app.client.get(&format!("/orders/{b_order}")).await.status(),
        404
    );
    let res = pay(
        &app.client,
        &b_order,
        &uuid::Uuid::new_v4().to_string(),
        "none",
    )
    .await;
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .post_form(
            &format!("/orders/{b_order}/cancel"),
            &[("idempotency_key", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(res.status(), 404);

    let a_ak = app.ak_of(app.account_a()).await;
    let b_ak = app.ak_of(app.account_b()).await;
    let calls = app.sandbox_calls().await;
    assert!(calls["by_ak"].get(&b_ak).is_none(), "{calls}");
    for op in [
        "PayOrders",
        "CancelCustomerOrder",
        "ShowCustomerOrderDetails",
        "ListOrderDiscounts",
    ] {
        assert_eq!(app.sandbox_count(op).await, 0, "{op}: {calls}");
    }
    assert!(
        app.sandbox_log()
            .await
            .iter()
            .all(|e| e["ak"] == a_ak.as_str())
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM action_attempts")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(n, 0);
    app.stop().await;
}

#[tokio::test]
async fn cancelling_works_once_and_a_paid_order_cannot_be_cancelled() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#cancel-form", "idempotency_key");
    let res = app
        .client
        .post_form(
            &format!("/orders/{order}/cancel"),
            &[("idempotency_key", &key)],
        )
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    assert_eq!(app.sandbox_count("CancelCustomerOrder").await, 1);
    let rows = audit_rows(&app, "cancelCustomerOrder").await;
    assert_eq!(
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        vec!["pending", "success"]
    );
    // Now cancelled: a new key is refused before any call.
    let res = app
        .client
        .post_form(
            &format!("/orders/{order}/cancel"),
            &[("idempotency_key", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/orders/{order}"));
    let detail = app.client.get_html(&format!("/orders/{order}")).await;
    assert!(
        select_text(&detail, ".flash-error")[0].contains("no longer"),
        "{detail}"
    );
    assert_eq!(app.sandbox_count("CancelCustomerOrder").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn an_order_state_change_upstream_fails_the_cancel_with_its_code() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#cancel-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"CancelCustomerOrder": {
        "http_status": 400, "error_code": "CBC.99005010", "error_msg": "status", "times": 1}}}))
        .await;
    let res = app
        .client
        .post_form(
            &format!("/orders/{order}/cancel"),
            &[("idempotency_key", &key)],
        )
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["failed"]
    );
    assert_eq!(select_text(&page, ".error-code"), vec!["CBC.99005010"]);
    assert!(select_text(&page, ".action-message")[0].contains("can no longer be cancelled"));
    app.stop().await;
}

#[tokio::test]
async fn a_dropped_payment_is_unknown_then_reconciled_as_paid() {
    let app = spawn_sandboxed_app_with(|s| {
        s.cbc_timeout = Duration::from_millis(1500);
        s.reconcile_interval = Duration::from_millis(200);
    })
    .await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"PayOrders": {"apply_then": "drop", "times": 1}}}))
        .await;
    let res = pay(&app.client, &order, &key, "none").await;
    let result = location(&res);
    assert_eq!(settled_status(&app, &result).await, "succeeded");
    assert_eq!(app.sandbox_count("PayOrders").await, 1, "never retried");
    let outcomes: Vec<String> = audit_rows(&app, "payCustomerOrderV3")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(outcomes, vec!["pending", "unknown", "success"]);
    let page = app.client.get_html(&result).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stalled_payment_shows_being_confirmed_and_blocks_a_second_key() {
    let app = spawn_sandboxed_app_with(|s| {
        s.cbc_timeout = Duration::from_millis(800);
        // The reconciler waits long enough for the page to be seen while unknown.
        s.reconcile_interval = Duration::from_secs(3600);
    })
    .await;
    app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let key = field(&html, "#pay-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"PayOrders": {"apply_then": "stall", "times": 1}}}))
        .await;
    let res = pay(&app.client, &order, &key, "none").await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["unknown"]
    );
    assert!(select_text(&page, ".action-unknown")[0].contains("do not repeat this action"));
    let res = pay(
        &app.client,
        &order,
        &uuid::Uuid::new_v4().to_string(),
        "none",
    )
    .await;
    // The order is no longer pending (the stalled call was applied) or the live attempt
    // blocks: either way no second payment call.
    assert!(
        res.status() == 409 || res.status() == 303,
        "{}",
        res.status()
    );
    assert_eq!(app.sandbox_count("PayOrders").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_list_filters_validates_ranges_and_exports() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = app.client.get_html("/orders?status=6").await;
    let statuses = select_text(&html, "tr[data-order-id] .status-pill");
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|s| s == "Pending payment"),
        "{statuses:?}"
    );

    let res = app
        .client
        .get("/orders?created_from=2024-01-01&created_to=2025-06-01")
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(select_text(&body, "#created_to-error")[0].contains("one year"));
    assert_eq!(app.client.get("/orders?status=2").await.status(), 422);
    assert_eq!(app.client.get("/orders?limit=500").await.status(), 422);

    let res = app.client.get("/orders/export.csv?status=6").await;
    assert_eq!(res.status(), 200);
    let csv = res.text().await.expect("csv");
    let mut lines = csv.lines();
    assert!(lines.next().expect("header").starts_with("Order ID,"));
    assert_eq!(lines.count(), statuses.len());
    app.stop().await;
}

#[tokio::test]
async fn the_being_confirmed_notice_survives_many_other_live_attempts() {
    let app = spawn_sandboxed_app().await;
    let user = app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    // Sixty unsettled attempts on other targets, older than the one that matters.
    for i in 0..60 {
        sqlx::query(
            "INSERT INTO action_attempts (id, user_id, cloud_account_id, idempotency_key, action, target, request, status, created_at, next_reconcile_at) \
             VALUES ($1, $2, $3, $4, 'renew', $5, '{}', 'unknown', now() - interval '1 hour', now() + interval '1 day')",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(user)
        .bind(app.account_a())
        .bind(uuid::Uuid::new_v4())
        .bind(format!("other-resource-{i}"))
        .execute(&app.db)
        .await
        .expect("insert");
    }
    sqlx::query(
        "INSERT INTO action_attempts (id, user_id, cloud_account_id, idempotency_key, action, target, request, status, next_reconcile_at) \
         VALUES ($1, $2, $3, $4, 'pay_order', $5, '{}', 'unknown', now() + interval '1 day')",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(user)
    .bind(app.account_a())
    .bind(uuid::Uuid::new_v4())
    .bind(&order)
    .execute(&app.db)
    .await
    .expect("insert");
    let html = app.client.get_html(&format!("/orders/{order}")).await;
    let notices = select_text(&html, ".flash-warning");
    assert!(
        notices.iter().any(|n| n.contains("is being confirmed")),
        "{notices:?}"
    );
    app.stop().await;
}
