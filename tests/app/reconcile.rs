//! The reconciler: unknown and abandoned attempts are settled by reading state back, once,
//! whichever replica gets there, and never by repeating the action.

use std::time::Duration;

use cbc_portal::domain::Role;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_replica, spawn_sandboxed_app_with};
use crate::orders::affordable_order;

/// Inserts an attempt as a crashed process would have left it: claimed, audited as pending,
/// created an hour ago, never called.
async fn abandoned(
    app: &TestApp,
    user: Uuid,
    action: &str,
    target: &str,
    request: serde_json::Value,
) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO action_attempts (id, user_id, cloud_account_id, idempotency_key, action, \
         target, request, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'in_progress', now() - interval '1 hour')",
    )
    .bind(id)
    .bind(user)
    .bind(app.account_a())
    .bind(Uuid::new_v4())
    .bind(action)
    .bind(target)
    .bind(request)
    .execute(&app.db)
    .await
    .expect("insert attempt");
    id
}

async fn status_of(app: &TestApp, id: Uuid) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, error_code FROM action_attempts WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("attempt")
}

async fn wait_settled(app: &TestApp, id: Uuid) -> (String, Option<String>) {
    for _ in 0..100 {
        let s = status_of(app, id).await;
        if s.0 == "succeeded" || s.0 == "failed" {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("attempt {id} was not settled");
}

#[tokio::test]
async fn a_freshly_started_replica_settles_attempts_a_crash_left_in_progress() {
    // The first app never reconciles (its interval is an hour, after the first round).
    let app = spawn_sandboxed_app_with(|s| {
        s.reconcile_interval = Duration::from_secs(3600);
        s.cbc_timeout = Duration::from_secs(2);
    })
    .await;
    let user = app.login_as(Role::Manager, app.account_a()).await;
    let order = affordable_order(&app.client).await;
    let pay = abandoned(&app, user, "pay_order", &order, json!({"order_id": order})).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        status_of(&app, pay).await.0,
        "in_progress",
        "nobody touched it yet"
    );

    let replica = spawn_replica(&app, |s| {
        s.reconcile_interval = Duration::from_millis(200);
        s.cbc_timeout = Duration::from_secs(2);
    })
    .await;
    let (status, code) = wait_settled(&app, pay).await;
    // The call never went out, so the order is still pending: not applied.
    assert_eq!(status, "failed");
    assert_eq!(code.as_deref(), Some("NOT_APPLIED"));
    assert_eq!(app.sandbox_count("PayOrders").await, 0, "never repeated");
    let outcomes: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT outcome, actor_email FROM audit_events WHERE attempt_id = $1 ORDER BY id",
    )
    .bind(pay)
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0].0, "failure");
    assert!(outcomes[0].1.as_deref().is_some_and(|e| e.contains('@')));
    replica.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn two_replicas_settle_each_abandoned_attempt_exactly_once() {
    let app = spawn_sandboxed_app_with(|s| {
        s.reconcile_interval = Duration::from_secs(3600);
    })
    .await;
    let user = app.login_as(Role::Manager, app.account_a()).await;
    // Resources whose state answers the question: a paid order and resources read back.
    let html = app.client.get_html("/renewals?status=2&limit=100").await;
    let ids = crate::orders::attrs(&html, "tr.main", "data-resource-id");
    assert!(ids.len() >= 6);
    let mut attempts = Vec::new();
    for id in ids.iter().take(6) {
        attempts.push(
            abandoned(
                &app,
                user,
                "autorenew_off",
                id,
                json!({"resource_ids": [id]}),
            )
            .await,
        );
    }
    let r1 = spawn_replica(&app, |s| s.reconcile_interval = Duration::from_millis(100)).await;
    let r2 = spawn_replica(&app, |s| s.reconcile_interval = Duration::from_millis(100)).await;
    for id in &attempts {
        let (status, _) = wait_settled(&app, *id).await;
        // Auto-renew is off unless the seed turned it on: either way a verdict from state.
        assert!(status == "succeeded" || status == "failed");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for id in &attempts {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_events WHERE attempt_id = $1 AND outcome <> 'pending'",
        )
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("audit");
        assert_eq!(n, 1, "attempt {id} settled once");
    }
    assert_eq!(app.sandbox_count("CancelAutoRenewalResources").await, 0);
    r1.stop().await;
    r2.stop().await;
    app.stop().await;
}
