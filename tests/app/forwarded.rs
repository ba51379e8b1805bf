//! Behind a reverse proxy: the client address and the request id come from what the portal's
//! own proxies wrote, never from what the client wrote. Each proxy appends the address it saw
//! to `X-Forwarded-For`, so a client controls the left end of the header and nothing else.

use reqwest::header::{HeaderMap, HeaderValue};

use crate::helpers::*;

/// A wrong-password login as it arrives from the proxy: `forwarded` is the whole
/// `X-Forwarded-For` the proxy passes on (the client's part, then what the proxy appended).
async fn login_through_proxy(
    app: &TestApp,
    forwarded: &str,
    extra: &[(&'static str, &str)],
) -> reqwest::Response {
    let c = app.new_client();
    let token = c.csrf_token("/login").await;
    let mut h = same_origin();
    h.insert(
        "x-forwarded-for",
        HeaderValue::from_str(forwarded).expect("header"),
    );
    for (k, v) in extra {
        h.insert(*k, HeaderValue::from_str(v).expect("header"));
    }
    c.post_raw(
        "/login",
        &[
            ("csrf_token", &token),
            ("email", "someone@acme.example"),
            ("password", "wrong password!"),
        ],
        h,
    )
    .await
}

async fn failed_login_rows(app: &TestApp) -> Vec<(Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT source_ip, request_id FROM audit_events WHERE event = 'loginFailed' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit rows")
}

#[tokio::test]
async fn a_rotated_forwarded_for_header_cannot_escape_the_per_ip_login_limit() {
    let app = spawn_app_with(|s| {
        s.trust_proxy_hops = 1;
        s.login_ip_max = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        // The client writes a fresh address each time; the one proxy appends the one it saw.
        let res = login_through_proxy(&app, &format!("10.9.{i}.{i}, 198.51.100.7"), &[]).await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(
        statuses,
        vec![422, 422, 422, 422, 422, 429, 429, 429],
        "one address behind the proxy, one budget"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_audit_trail_records_the_address_the_proxy_saw_not_the_one_the_client_wrote() {
    let app = spawn_app_with(|s| s.trust_proxy_hops = 1).await;
    let res = login_through_proxy(&app, "203.0.113.66, 198.51.100.7", &[]).await;
    assert_eq!(res.status(), 422);
    let rows = failed_login_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0.as_deref(), Some("198.51.100.7"));
    app.stop().await;
}

#[tokio::test]
async fn a_client_cannot_choose_its_request_id_through_a_proxy() {
    let app = spawn_app_with(|s| s.trust_proxy_hops = 1).await;
    let chosen = "chosen-by-the-client-0001";
    let mut h = HeaderMap::new();
    h.insert("x-request-id", HeaderValue::from_static(chosen));
    h.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
    let res = app.client.get_with("/no-such-page", h).await;
    assert_eq!(res.status(), 404);
    let id = res.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(id, chosen, "the response carries the portal's own id");
    let html = res.text().await.expect("body");
    assert_eq!(select_text(&html, "code.request-id"), vec![id]);
    // Nor can it plant one in the audit trail.
    let res = login_through_proxy(&app, "198.51.100.7", &[("x-request-id", chosen)]).await;
    assert_eq!(res.status(), 422);
    let rows = failed_login_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].1.as_deref(), Some(chosen));
    app.stop().await;
}

#[tokio::test]
async fn with_trusted_proxy_ranges_the_client_is_the_rightmost_address_outside_them() {
    let app = spawn_app_with(|s| {
        // The test client connects from loopback: it plays the outer proxy.
        s.trusted_proxies = vec![
            "127.0.0.1/32".parse().expect("net"),
            "10.0.0.0/8".parse().expect("net"),
        ];
    })
    .await;
    let res = login_through_proxy(&app, "203.0.113.66, 198.51.100.8, 10.0.0.5", &[]).await;
    assert_eq!(res.status(), 422);
    let rows = failed_login_rows(&app).await;
    assert_eq!(rows[0].0.as_deref(), Some("198.51.100.8"));
    app.stop().await;
}

#[tokio::test]
async fn without_proxy_settings_the_header_is_ignored() {
    let app = spawn_app().await;
    let res = login_through_proxy(&app, "198.51.100.9", &[]).await;
    assert_eq!(res.status(), 422);
    let rows = failed_login_rows(&app).await;
    assert_eq!(rows[0].0.as_deref(), Some("127.0.0.1"));
    app.stop().await;
}
