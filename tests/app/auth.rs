//! Logging in and out, setup, password policy, enumeration, throttling.

use cbc_portal::domain::Role;

use crate::helpers::*;

#[tokio::test]
async fn staff_can_log_in_and_reach_the_admin_page() {
    let app = spawn_app().await;
    app.login_staff().await;
    let res = app.client.get("/admin").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert_eq!(select_text(&html, "h1"), vec!["Administration"]);
    app.stop().await;
}

#[tokio::test]
async fn anonymous_requests_for_private_pages_go_to_login() {
    let app = spawn_app().await;
    let res = app.client.get("/admin").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fadmin");
    app.stop().await;
}

#[tokio::test]
async fn customer_is_refused_admin_pages_and_the_refusal_is_audited() {
    let app = spawn_app().await;
    app.login_customer(Role::Manager).await;
    let res = app.client.get("/admin").await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.audit_events("authzDenied").await, 1);
    app.stop().await;
}
