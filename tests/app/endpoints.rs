//! Where the portal's CBC client may go: never where a redirect points, never into a private or
//! local network (by literal address or by a name resolving there), unless settings allow it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use uuid::Uuid;

use crate::admin_users::snapshot;
use crate::helpers::*;

const AK: &str = "HPUAEXAMPLEAK0000007";
const SK: &str = "Zq8SecretAccessKeyThatMustNeverShow0077";
const BALANCES: &str = r#"{"account_balances":[{"account_id":"a","account_type":1,"amount":"10.00","measure_id":1}],"debt_amount":0,"measure_id":1,"currency":"EUR"}"#;

/// A local HTTP server answering every request with `reply`; counts requests.
async fn stub(
    reply: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let (reply, counted) = (reply.clone(), counted.clone());
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            reply()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind stub");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, hits)
}

/// Staff's "Test connection" on `account`; returns the flash messages shown afterwards.
async fn test_connection(app: &TestApp, account: Uuid) -> String {
    let path = format!("/admin/accounts/{account}");
    let res = app.client.post_form(&format!("{path}/test"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html(&path).await;
    select_text(&html, ".flash-success, .flash-error, .flash-info").join(" | ")
}

#[tokio::test]
async fn a_redirecting_endpoint_is_not_followed_and_its_body_never_shown() {
    // Both stubs are local, so this app allows private endpoints: only redirects are at stake.
    let app = spawn_app().await;
    app.login_staff().await;
    let (internal, internal_hits) = stub(|| {
        (
            StatusCode::BAD_REQUEST,
            r#"{"error_code":"CBC.0100","error_msg":"INTERNAL-ONLY-4242"}"#,
        )
            .into_response()
    })
    .await;
    let target = format!("http://{internal}/latest/meta-data");
    let (redirector, redirector_hits) = stub(move || {
        (
            StatusCode::FOUND,
            [(header::LOCATION, target.clone())],
            r#"{"error_code":"CBC.0999","error_msg":"REDIRECT-BODY-7731"}"#,
        )
            .into_response()
    })
    .await;
    let account = app
        .create_account("Redirecting", &format!("http://{redirector}"), AK, SK)
        .await;
    let shown = test_connection(&app, account).await;
    assert_eq!(
        internal_hits.load(Ordering::SeqCst),
        0,
        "followed the redirect to the internal address; page said: {shown}"
    );
    assert_eq!(redirector_hits.load(Ordering::SeqCst), 1, "sent once");
    assert!(
        !shown.contains("INTERNAL-ONLY-4242") && !shown.contains("REDIRECT-BODY-7731"),
        "{shown}"
    );
    assert!(shown.contains("redirect"), "{shown}");
    app.stop().await;
}

#[tokio::test]
async fn a_private_endpoint_is_refused_on_save_with_a_field_message() {
    let app = spawn_app_with(|s| s.allow_private_endpoints = false).await;
    app.login_staff().await;
    let before = snapshot(&app).await;
    for endpoint in [
        "https://10.0.0.7",
        "https://172.20.1.1:8443",
        "https://192.168.1.10",
        "https://169.254.169.254",
        "https://100.64.1.1",
        "https://0.0.0.0",
        "http://127.0.0.1:8081",
        "https://[::1]:8443",
        "https://[fd00::1]",
        "https://[fe80::1]",
        "https://[::ffff:a9fe:a9fe]",
        "https://localhost:8443",
    ] {
        let res = app
            .client
            .post_form(
                "/admin/accounts",
                &[
                    ("name", "Inward"),
                    ("endpoint", endpoint),
                    ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
                    ("ak", AK),
                    ("sk", SK),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "{endpoint} was saved");
        let html = res.text().await.expect("body");
        let msg = select_text(&html, "#endpoint-error");
        assert_eq!(msg.len(), 1, "{endpoint}: a message next to the field");
        assert!(
            msg[0].contains("private or local"),
            "{endpoint}: {}",
            msg[0]
        );
        assert!(!html.contains(SK), "the SK is never echoed");
    }
    assert_eq!(snapshot(&app).await, before, "nothing was created");

    // Editing a public endpoint into a private one is refused the same way.
    let res = app
        .client
        .post_form(
            "/admin/accounts",
            &[
                ("name", "Public"),
                ("endpoint", "https://159.138.1.1"),
                ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
                ("ak", AK),
                ("sk", SK),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "a public address is fine");
    let path = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("name", "Public"),
                ("endpoint", "https://192.168.7.7"),
                ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
                ("ak", AK),
                ("sk", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        select_text(&res.text().await.expect("body"), "#endpoint-error").len(),
        1
    );
    let stored: String =
        sqlx::query_scalar("SELECT endpoint FROM cloud_accounts WHERE name = 'Public'")
            .fetch_one(&app.db)
            .await
            .expect("endpoint");
    assert_eq!(stored, "https://159.138.1.1");
    app.stop().await;
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_is_refused_at_connect_time() {
    let app = spawn_app_with(|s| s.allow_private_endpoints = false).await;
    app.login_staff().await;
    let (addr, hits) = stub(|| BALANCES.into_response()).await;
    // Stored as if the name had resolved to a public address when it was saved.
    let account = app
        .create_account(
            "Resolves inward",
            &format!("http://localhost:{}", addr.port()),
            AK,
            SK,
        )
        .await;
    let shown = test_connection(&app, account).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "connected to loopback; page said: {shown}"
    );
    assert!(shown.contains("private or local"), "{shown}");
    let code: Option<String> =
        sqlx::query_scalar("SELECT error_code FROM audit_events WHERE event = 'testCloudAccount'")
            .fetch_one(&app.db)
            .await
            .expect("audit row");
    assert_eq!(code.as_deref(), Some("ENDPOINT_REFUSED"));
    app.stop().await;
}

#[tokio::test]
async fn the_embedded_sandbox_stays_reachable_without_allowing_private_endpoints() {
    let app = spawn_sandboxed_app_with(|s| s.allow_private_endpoints = false).await;
    app.login_staff().await;
    let shown = test_connection(&app, app.account_a()).await;
    assert!(shown.contains("works"), "{shown}");
    // Its exact address can be saved; another port on the same host cannot.
    let sandbox = app.state.sandbox_url.clone().expect("sandbox url");
    let other = {
        let (host, port) = sandbox.rsplit_once(':').expect("port");
        let port: u16 = port.parse().expect("port");
        format!("{host}:{}", port.wrapping_add(1))
    };
    for (endpoint, status) in [(sandbox.as_str(), 303), (other.as_str(), 422)] {
        let res = app
            .client
            .post_form(
                "/admin/accounts",
                &[
                    ("name", &format!("Copy {status}")),
                    ("endpoint", endpoint),
                    ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
                    ("ak", AK),
                    ("sk", SK),
                ],
            )
            .await;
        assert_eq!(res.status(), status, "{endpoint}");
    }
    app.stop().await;
}
