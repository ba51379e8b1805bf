//! Database outages, secrets at rest and in logs, log injection (checklist G, H).

use std::time::Duration;

use cbc_portal::domain::Role;
use secrecy::ExposeSecret;

use crate::helpers::*;

async fn set_connections(app: &TestApp, allowed: bool) {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_database_url())
        .await
        .expect("admin connection");
    sqlx::query(&format!(
        "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS {allowed}",
        app.db_name
    ))
    .execute(&mut conn)
    .await
    .expect("alter database");
    if !allowed {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&app.db_name)
            .execute(&mut conn)
            .await
            .expect("terminate");
    }
}

#[tokio::test]
async fn a_database_outage_gives_503_pages_and_the_portal_recovers() {
    let app = spawn_app().await;
    app.login_customer(Role::Viewer).await;
    assert_eq!(app.client.get("/pricing").await.status(), 200);
    set_connections(&app, false).await;
    tokio::time::sleep(Duration::from_millis(2500)).await; // past the session cache
    let res = app.client.get("/pricing").await;
    assert_eq!(
        res.status(),
        503,
        "pages say the portal is temporarily unavailable"
    );
    let html = res.text().await.expect("body");
    assert_eq!(select_text(&html, "h1"), vec!["Temporarily unavailable"]);
    assert!(
        !html.to_lowercase().contains("sqlx") && !html.contains("pg_"),
        "no internals"
    );
    assert_eq!(app.client.get("/readyz").await.status(), 503);
    assert_eq!(
        app.client.get("/healthz").await.status(),
        200,
        "the process stays up"
    );
    set_connections(&app, true).await;
    let started = std::time::Instant::now();
    while app.client.get("/readyz").await.status() != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "did not recover"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(
        app.client.get("/pricing").await.status(),
        200,
        "the session survived the outage"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_dump_of_the_database_holds_no_plaintext_sk_and_tampering_is_detected() {
    let app = spawn_app().await;
    let sk = "TopSecretSk0000000000000000000000000zz42";
    let id = app
        .create_account(
            "Dumped",
            "https://bss.myhuaweicloud.eu",
            "HPUAEXAMPLEAK0000009",
            sk,
        )
        .await;
    let pg_dump = ["pg_dump", "/usr/lib/postgresql/15/bin/pg_dump"]
        .into_iter()
        .find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok()
        })
        .expect("pg_dump (postgresql-client) is installed");
    let (prefix, _) = admin_database_url()
        .rsplit_once('/')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .expect("url");
    let out = std::process::Command::new(pg_dump)
        .arg(format!("{prefix}/{}", app.db_name))
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(dump.contains("HPUAEXAMPLEAK0000009"), "the dump is real");
    assert!(!dump.contains(sk), "plaintext SK in the dump");
    // The stored secret opens with the key, and fails once a byte changes.
    let opened = cbc_portal::db::accounts::secret_key(&app.db, &app.state.keys, id)
        .await
        .expect("open")
        .expect("row");
    assert_eq!(opened.expose_secret(), sk);
    sqlx::query("UPDATE cloud_accounts SET sk_ciphertext = set_byte(sk_ciphertext, 0, get_byte(sk_ciphertext, 0) # 1) WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .expect("tamper");
    assert!(
        cbc_portal::db::accounts::secret_key(&app.db, &app.state.keys, id)
            .await
            .is_err()
    );
    app.stop().await;
}

#[tokio::test]
async fn rotating_the_key_re_encrypts_every_secret() {
    let app = spawn_app().await;
    let sk = "RotateMeSk000000000000000000000000000001";
    let id = app
        .create_account(
            "Rot",
            "https://bss.myhuaweicloud.eu",
            "HPUAEXAMPLEAK0000010",
            sk,
        )
        .await;
    let new = cbc_portal::crypto::SecretBox::from_base64(&secrecy::SecretString::from(
        "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=".to_owned(),
    ))
    .expect("key");
    let n = cbc_portal::db::accounts::rotate_key(&app.db, &app.state.keys, &new)
        .await
        .expect("rotate");
    assert_eq!(n, 1);
    assert!(
        cbc_portal::db::accounts::secret_key(&app.db, &app.state.keys, id)
            .await
            .is_err(),
        "old key no longer opens it"
    );
    let opened = cbc_portal::db::accounts::secret_key(&app.db, &new, id)
        .await
        .expect("open")
        .expect("row");
    assert_eq!(opened.expose_secret(), sk);
    app.stop().await;
}

#[tokio::test]
async fn a_secret_key_file_readable_by_others_is_refused_at_start() {
    let dir = std::env::temp_dir().join(format!(
        "cbc-portal-keyfile-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("key");
    std::fs::write(&path, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut s = test_settings("unused");
    s.secret_key = None;
    s.secret_key_file = Some(path.clone());
    let err = cbc_portal::startup::secret_box(&s).expect_err("a 0644 key file must be refused");
    assert!(format!("{err:#}").contains("chmod 600"), "{err:#}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(cbc_portal::startup::secret_box(&s).is_ok());
    let dbg = format!("{s:?}");
    assert!(
        !dbg.contains("AQIDBAUG"),
        "settings Debug must not show keys"
    );
}

#[tokio::test]
async fn a_login_name_cannot_forge_log_records() {
    let app = spawn_app().await;
    let evil = "x\r\n{\"level\":\"INFO\",\"fake\":1}@acme.example";
    app.client.login(evil, "some password 1").await;
    for line in captured_logs().lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON record: {line:?} ({e})"));
        assert!(v.get("fake").is_none(), "a forged record: {line}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_sandbox_accounts_sk_never_reaches_pages_or_logs() {
    let app = spawn_sandboxed_app().await;
    let a = app.account_a();
    let sk = cbc_portal::db::accounts::secret_key(&app.db, &app.state.keys, a)
        .await
        .expect("open")
        .expect("row");
    app.login_as(Role::Manager, a).await;
    let html = app.client.get_html("/").await;
    app.state
        .cbc
        .call(
            &app.state.cbc_credentials(a).await.expect("creds"),
            &cbc_portal::cbc::ops::account::ShowCustomerAccountBalancesRequest::default(),
        )
        .await
        .expect("call");
    assert!(!html.contains(sk.expose_secret()));
    assert!(
        !captured_logs().contains(sk.expose_secret()),
        "SK in the logs"
    );
    let creds = app.state.cbc_credentials(a).await.expect("creds");
    assert!(
        !format!("{creds:?}").contains(sk.expose_secret()),
        "SK in Debug"
    );
    app.stop().await;
}
