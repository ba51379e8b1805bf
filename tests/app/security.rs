//! Headers, CSRF, safe methods, error pages, escaping (security checklist D, E, F).

use cbc_portal::domain::Role;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::helpers::*;

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().expect("ascii");
    for d in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "script-src 'self'",
    ] {
        assert!(csp.contains(d), "{what}: CSP lacks {d}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: unsafe-inline");
    let hsts = h["strict-transport-security"].to_str().expect("ascii");
    assert!(
        hsts.contains("max-age=31536000") && hsts.contains("includeSubDomains"),
        "{what}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        h["referrer-policy"], "strict-origin-when-cross-origin",
        "{what}"
    );
    assert!(h.contains_key("x-request-id"), "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for (path, status) in [
        ("/login", 200),
        ("/nowhere", 404),
        ("/static/css/app.css", 200),
        ("/static/nope.css", 404),
        ("/healthz", 200),
        ("/admin", 303),
    ] {
        let res = app.client.get(path).await;
        assert_eq!(res.status(), status, "{path}");
        assert_security_headers(&res, path);
    }
    let res = app.client.get("/login").await;
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    app.login_staff().await;
    let res = app.client.get("/admin").await;
    assert_security_headers(&res, "/admin");
    assert_eq!(res.headers()["cache-control"], "no-store");
    app.stop().await;
}

#[tokio::test]
async fn error_pages_show_a_request_id_and_no_internals() {
    let app = spawn_app().await;
    let res = app.client.get("/nowhere/<script>").await;
    assert_eq!(res.status(), 404);
    let id = res.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = res.text().await.expect("body");
    assert_eq!(select_text(&html, "code.request-id"), vec![id]);
    assert!(
        !html.contains("<script>") && !html.contains("nowhere"),
        "the path is not reflected"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.login_staff().await;
    let res = app.client.post_raw("/logout", &[], same_origin()).await;
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post_raw("/logout", &[("csrf_token", "forged")], same_origin())
        .await;
    assert_eq!(res.status(), 403);
    let request_id = res.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        app.client.get("/admin").await.status(),
        200,
        "still logged in"
    );
    assert_eq!(app.audit_events("logout").await, 0);
    assert!(
        captured_logs()
            .lines()
            .any(|l| l.contains("csrf_rejected") && l.contains(&request_id)),
        "this refusal is logged under its request id"
    );
    app.stop().await;
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    app.login_staff().await;
    let token = app.client.csrf_token("/admin").await;
    let mut cross = HeaderMap::new();
    cross.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
    let res = app
        .client
        .post_raw("/logout", &[("csrf_token", &token)], cross)
        .await;
    assert_eq!(res.status(), 403);
    let mut foreign = HeaderMap::new();
    foreign.insert("origin", HeaderValue::from_static("https://evil.example"));
    let res = app
        .client
        .post_raw("/logout", &[("csrf_token", &token)], foreign)
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.client.get("/admin").await.status(),
        200,
        "still logged in"
    );
    app.stop().await;
}

#[tokio::test]
async fn safe_methods_never_reach_mutating_handlers() {
    let app = spawn_app().await;
    app.login_staff().await;
    let res = app.client.get("/logout").await;
    assert_eq!(res.status(), 405);
    assert_eq!(
        app.client.get("/admin").await.status(),
        200,
        "still logged in"
    );
    app.stop().await;
}

#[tokio::test]
async fn user_supplied_text_is_escaped_on_every_page() {
    let app = spawn_app().await;
    let id = app
        .create_user("x@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1")
        .bind(id)
        .bind("<script>alert(1)</script>\"><img src=x onerror=alert(2)>")
        .execute(&app.db)
        .await
        .expect("update");
    app.login_staff_as(&app.client, id, "x@acme.example", STAFF_PW)
        .await;
    let html = app.client.get_html("/admin").await;
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<img src=x"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "escaped text is shown"
    );
    app.stop().await;
}

/// Renames one of account A's in-use primary resources in the sandbox; returns its id.
async fn rename_a_resource(app: &TestApp, nth: usize, name: &str) -> String {
    use cbc_portal::cbc::ops::ListPayPerUseCustomerResourcesRequest;
    let creds = app
        .state
        .cbc_credentials(app.account_a())
        .await
        .expect("creds");
    let list = app
        .state
        .cbc
        .call(
            &creds,
            &ListPayPerUseCustomerResourcesRequest {
                only_main_resource: Some(1),
                status_list: Some(vec![2]),
                offset: Some(0),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    let id = list.data[nth].resource_id.clone().expect("id");
    let res = reqwest::Client::new()
        .post(format!("{}/__sandbox/rename", app.state.sandbox_url.clone().expect("sandbox")))
        .json(&serde_json::json!({ "ak": app.ak_of(app.account_a()).await, "resource_id": id, "name": name }))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 204);
    id
}

#[tokio::test]
async fn hostile_text_from_huawei_is_inert_in_pages_and_exports() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    // Both names are set before the first page load: the list answer is then cached.
    let script = rename_a_resource(
        &app,
        0,
        "<script>alert(1)</script>\"><img src=x onerror=alert(2)>",
    )
    .await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let cell = rename_a_resource(&app, 1, formula).await;
    let html = app.client.get_html(&format!("/renewals?q={script}")).await;
    assert!(
        html.contains("&#60;script&#62;alert(1)"),
        "the name is shown, escaped"
    );
    assert!(!html.contains("<script>alert(1)") && !html.contains("<img src=x"));
    let csv = app
        .client
        .get(&format!("/renewals/export.csv?q={cell}"))
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        csv.contains("'=HYPERLINK"),
        "the formula is neutralised: {csv}"
    );
    assert!(!csv.lines().any(|l| {
        l.split(',')
            .any(|c| c.trim_matches('"').starts_with("=HYPERLINK"))
    }));
    app.stop().await;
}

#[tokio::test]
async fn anonymous_login_page_loads_write_nothing_and_the_form_token_still_guards_the_login() {
    let app = spawn_app().await;
    app.create_user("staff@example.com", STAFF_PW, Role::Staff, None)
        .await;
    let link = app.setup_link.clone();
    let before = crate::sessions::session_rows(&app.db).await;
    for _ in 0..1000 {
        let res = app.new_client().get("/login").await;
        assert_eq!(res.status(), 200);
    }
    // A visitor who comes back with the cookie of their first visit writes nothing either.
    let visitor = app.new_client();
    for _ in 0..10 {
        assert_eq!(visitor.get("/login").await.status(), 200);
    }
    if let Some(link) = link {
        let path = link.trim_start_matches(&app.address);
        visitor.get(path).await;
    }
    let after = crate::sessions::session_rows(&app.db).await;
    eprintln!("session rows after 1000 anonymous GET /login: before {before} -> after {after}");
    assert_eq!(
        after, before,
        "anonymous login-page loads wrote session rows: before {before} -> after {after}"
    );

    // The form token still guards the login, without a stored session.
    let c = app.new_client();
    let token = c.csrf_token("/login").await;
    let other_token = app.new_client().csrf_token("/login").await;
    let form = |t: &str| {
        vec![
            ("csrf_token".to_owned(), t.to_owned()),
            ("email".to_owned(), "staff@example.com".to_owned()),
            ("password".to_owned(), STAFF_PW.to_owned()),
        ]
    };
    let post = |client: &TestClient, form: Vec<(String, String)>| {
        let client = client.clone();
        async move {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            client.post_raw("/login", &f, same_origin()).await.status()
        }
    };
    let mut no_token = form("");
    no_token.remove(0);
    assert_eq!(post(&c, no_token).await, 403, "no token");
    assert_eq!(post(&c, form("forged")).await, 403, "a made-up token");
    assert_eq!(
        post(&c, form(&other_token)).await,
        403,
        "another visitor's token"
    );
    assert_eq!(
        post(&app.new_client(), form(&token)).await,
        403,
        "the token without its cookie"
    );
    assert_eq!(
        app.audit_events("login").await,
        0,
        "no refused post logged in"
    );
    assert_eq!(post(&c, form(&token)).await, 303, "the right token logs in");
    assert_eq!(c.get("/admin").await.status(), 303, "second factor next");
    assert_eq!(app.audit_events("login").await, 1);
    app.stop().await;
}
