//! Properties of every route, found by reading the router source (so a new route is covered
//! without touching this file): deny by default, CSRF on every state change, no state change
//! through safe methods, staff routes closed to customers (security checklist 13, 15, 18, 20).

use cbc_portal::domain::Role;

use crate::helpers::*;
use crate::router_source::routes;

const PUBLIC: &[&str] = &["/login", "/setup", "/healthz", "/readyz", "/static/"];

fn is_public(path: &str) -> bool {
    PUBLIC
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
}

#[test]
fn the_route_scanner_finds_the_routes() {
    let r = routes();
    for known in [
        "/login",
        "/logout",
        "/admin",
        "/mfa",
        "/",
        "/bills",
        "/pricing",
        "/catalog/units",
        "/admin/users",
        "/orders",
    ] {
        assert!(
            r.iter().any(|x| x.path == known),
            "{known} missing from {r:?}"
        );
    }
}

#[tokio::test]
async fn every_private_route_refuses_anonymous_requests() {
    let app = spawn_app().await;
    for r in routes().into_iter().filter(|r| !is_public(&r.path)) {
        let res = app.client.get(&r.path).await;
        let s = res.status().as_u16();
        assert!(
            matches!(s, 303 | 401 | 403 | 405),
            "GET {} answered {s}",
            r.path
        );
        if s == 303 {
            let loc = res.headers()["location"]
                .to_str()
                .unwrap_or_default()
                .to_owned();
            assert!(loc.starts_with("/login"), "GET {} -> {loc}", r.path);
        }
        let res = app.client.post_form(&r.path, &[]).await;
        let s = res.status().as_u16();
        assert!(
            matches!(s, 303 | 401 | 403 | 405),
            "POST {} answered {s}",
            r.path
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn every_state_changing_route_needs_the_csrf_token() {
    let app = spawn_sandboxed_app().await;
    let staff = app.new_client();
    let id = app
        .create_user("s@example.com", STAFF_PW, Role::Staff, None)
        .await;
    app.login_staff_as(&staff, id, "s@example.com", STAFF_PW)
        .await;
    app.login_as(Role::Manager, app.account_a()).await;
    let before = app.sandbox_calls().await["total"].as_u64().unwrap_or(0);
    let audit_before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.db)
        .await
        .expect("count");
    for r in routes().into_iter().filter(|r| r.methods.contains(&"post")) {
        let who = if r.path.starts_with("/admin") {
            &staff
        } else {
            &app.client
        };
        let res = who
            .post_raw(&r.path, &[("confirm", "yes")], same_origin())
            .await;
        assert_eq!(res.status(), 403, "POST {} without a token", r.path);
    }
    assert_eq!(
        app.sandbox_calls().await["total"].as_u64().unwrap_or(0),
        before,
        "no upstream call"
    );
    let audit_after: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(
        audit_after, audit_before,
        "nothing recorded, nothing changed"
    );
    app.stop().await;
}

#[tokio::test]
async fn safe_methods_never_change_state() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    for r in routes()
        .into_iter()
        .filter(|r| r.methods.contains(&"post") && !r.methods.contains(&"get"))
    {
        let res = app.client.get(&r.path).await;
        assert_eq!(res.status(), 405, "GET {} of a POST-only route", r.path);
    }
    app.stop().await;
}

#[tokio::test]
async fn customers_are_refused_every_staff_route() {
    let app = spawn_sandboxed_app().await;
    for role in [Role::Viewer, Role::Manager] {
        let c = app.new_client();
        let email = format!("{}@acme.example", role.as_str());
        app.create_user(&email, CUSTOMER_PW, role, Some(app.account_a()))
            .await;
        c.login(&email, CUSTOMER_PW).await;
        for r in routes()
            .into_iter()
            .filter(|r| r.path.starts_with("/admin"))
        {
            if r.methods.contains(&"get") {
                assert_eq!(c.get(&r.path).await.status(), 403, "{role} GET {}", r.path);
            }
            if r.methods.contains(&"post") {
                assert_eq!(
                    c.post_form(&r.path, &[]).await.status(),
                    403,
                    "{role} POST {}",
                    r.path
                );
            }
        }
    }
    let denied = app.audit_events("authzDenied").await;
    assert!(denied >= 2, "refusals are audited ({denied})");
    app.stop().await;
}

#[tokio::test]
async fn injection_payloads_in_filters_get_a_normal_answer() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let payload = "' OR '1'='1' --";
    let q: String = [
        "q",
        "status",
        "cycle",
        "service_type",
        "order_id",
        "resource_id",
        "page",
        "limit",
        "sort",
        "from",
        "to",
    ]
    .iter()
    .map(|k| format!("{k}={}", cbc_portal::cbc::signer::encode(payload)))
    .collect::<Vec<_>>()
    .join("&");
    for r in routes().into_iter().filter(|r| {
        r.methods.contains(&"get")
            && !r.path.starts_with("/admin")
            && !is_public(&r.path)
            && !r.path.contains("X0000000001")
            && !r.path.contains("00000000-0000")
    }) {
        let res = app.client.get(&format!("{}?{q}", r.path)).await;
        let s = res.status().as_u16();
        assert!(
            matches!(s, 200 | 303 | 400 | 404 | 422 | 429),
            "GET {} with injection payloads answered {s}",
            r.path
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.db)
        .await
        .expect("users intact");
    assert_eq!(users, 1);
    app.stop().await;
}
