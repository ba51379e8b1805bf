//! Properties of every route, found by reading the router source (so a new route is covered
//! without touching this file): deny by default, CSRF on every state change, no state change
//! through safe methods, staff routes closed to customers (security checklist 13, 15, 18, 20).

use std::path::Path;

use cbc_portal::domain::Role;

use crate::helpers::*;

/// A route as registered: its full path (params filled in) and methods.
#[derive(Debug, Clone)]
struct Route {
    path: String,
    methods: Vec<&'static str>,
}

fn url_constants() -> Vec<(String, String)> {
    let src =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/urls.rs"))
            .expect("urls.rs");
    src.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("pub const ")?;
            let (name, value) = rest.split_once(": &str = \"")?;
            Some((name.to_owned(), value.trim_end_matches("\";").to_owned()))
        })
        .collect()
}

fn fill_params(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let name = &rest[start + 1..end - 1];
        out.push_str(if name.starts_with('*') {
            "css/app.css"
        } else if name.contains("id") && !name.contains("resource") && !name.contains("order") {
            "00000000-0000-0000-0000-000000000000"
        } else {
            "X0000000001"
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every `.route(...)` in `src/web`, with `/admin` prefixed for the nested staff router.
fn routes() -> Vec<Route> {
    let consts = url_constants();
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("source");
            let in_admin = p.starts_with(root.join("admin"));
            // Path constants defined in this file (`pub const BILLS: &str = "/bills";`).
            let local: Vec<(String, String)> = text
                .lines()
                .filter_map(|l| {
                    let l = l.trim().trim_start_matches("pub ");
                    let rest = l.strip_prefix("const ")?;
                    let (name, value) = rest.split_once(": &str = \"")?;
                    Some((name.to_owned(), value.trim_end_matches("\";").to_owned()))
                })
                .collect();
            let mut from = 0;
            while let Some(i) = text[from..].find(".route(") {
                let start = from + i + ".route(".len();
                let mut depth = 1;
                let mut end = start;
                for (j, c) in text[start..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = start + j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let call = &text[start..end];
                from = end;
                let first = call.split(',').next().unwrap_or_default().trim();
                let path = if let Some(lit) = first.strip_prefix('"') {
                    lit.trim_end_matches('"').to_owned()
                } else {
                    let name = first.strip_prefix("urls::").unwrap_or(first);
                    match consts.iter().chain(&local).find(|(n, _)| n == name) {
                        Some((_, v)) => v.clone(),
                        // A route this scanner cannot read would silently escape every test.
                        None => panic!("{}: cannot resolve the route path {first:?}", p.display()),
                    }
                };
                let path = if in_admin && !path.starts_with("/admin") {
                    format!("/admin{}", if path == "/" { "" } else { &path })
                } else {
                    path
                };
                let methods = ["get", "post", "put", "delete", "patch"]
                    .into_iter()
                    .filter(|m| call.contains(&format!("{m}(")))
                    .collect();
                out.push(Route {
                    path: fill_params(&path),
                    methods,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

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
