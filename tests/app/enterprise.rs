//! `/enterprise`: what is known of enterprise projects, and enabling them.

use cbc_portal::domain::Role;
use serde_json::json;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::orders::{attrs, audit_rows, field, location};

#[tokio::test]
async fn a_manager_enables_enterprise_projects_once_and_the_page_remembers_who() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let html = app.client.get_html("/enterprise").await;
    assert!(select_text(&html, "#enterprise-state")[0].contains("Not known"));
    let key = field(&html, "#enterprise-form", "idempotency_key");
    let res = app
        .client
        .post_form("/enterprise/enable", &[("idempotency_key", &key)])
        .await;
    assert_eq!(res.status(), 303);
    let result = location(&res);
    let page = app.client.get_html(&result).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["succeeded"]
    );
    let again = app
        .client
        .post_form("/enterprise/enable", &[("idempotency_key", &key)])
        .await;
    assert_eq!(location(&again), result);
    assert_eq!(app.sandbox_count("CreateEnterpriseProjectAuth").await, 1);

    let html = app.client.get_html("/enterprise").await;
    let state = select_text(&html, "#enterprise-state")[0].clone();
    assert!(state.contains("Enabled"), "{state}");
    assert!(state.contains("manager-"), "names who enabled it: {state}");
    let outcomes: Vec<String> = audit_rows(&app, "openEnterpriseProjectAuth")
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(outcomes, vec!["pending", "success"]);
    app.stop().await;
}

#[tokio::test]
async fn a_failed_business_check_is_shown_and_nothing_is_recorded() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let html = app.client.get_html("/enterprise").await;
    let key = field(&html, "#enterprise-form", "idempotency_key");
    app.sandbox_faults(json!({"operations": {"CreateEnterpriseProjectAuth": {
        "http_status": 400, "error_code": "CBC.99007004", "error_msg": "check items", "times": 1}}}))
        .await;
    let res = app
        .client
        .post_form("/enterprise/enable", &[("idempotency_key", &key)])
        .await;
    let page = app.client.get_html(&location(&res)).await;
    assert_eq!(
        attrs(&page, ".action-result", "data-status"),
        vec!["failed"]
    );
    assert!(select_text(&page, ".action-message")[0].contains("enterprise projects"));
    let html = app.client.get_html("/enterprise").await;
    assert!(select_text(&html, "#enterprise-state")[0].contains("Not known"));
    app.stop().await;
}

#[tokio::test]
async fn viewers_cannot_enable_enterprise_projects() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = app.client.get_html("/enterprise").await;
    assert!(!has(&html, "#enterprise-form"));
    let res = app
        .client
        .post_form(
            "/enterprise/enable",
            &[("idempotency_key", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.sandbox_count("CreateEnterpriseProjectAuth").await, 0);
    app.stop().await;
}
