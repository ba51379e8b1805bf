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
    let r = cbc_portal::db::keys::rotate(&app.db, &app.state.keys, &new, false)
        .await
        .expect("rotate");
    assert_eq!(r.sks, 1);
    assert!(r.is_complete());
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

/// A key other than the one the test app was started with ("a new `PORTAL_SECRET_KEY`").
const OTHER_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

/// Runs the `cbc-portal` binary against the app's database with `key` as `PORTAL_SECRET_KEY`,
/// `stdin` on standard input. Returns (exit ok, stdout + stderr).
async fn portal_cli(app: &TestApp, key: &str, args: &[&str], stdin: &str) -> (bool, String) {
    use tokio::io::AsyncWriteExt as _;
    let dir = std::env::temp_dir().join(format!("cbc-portal-cli-{}", app.db_name));
    std::fs::create_dir_all(&dir).expect("cli dir");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cbc-portal"))
        .args(args)
        .current_dir(&dir)
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("PORTAL_SECRET_KEY", key)
        .env("PORTAL_SANDBOX", "off")
        .env("PORTAL_DATA_DIR", &dir)
        .env_remove("PORTAL_SECRET_KEY_FILE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cbc-portal");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("cbc-portal output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Counts TCP connections made to a local port that stands in for an upstream endpoint.
async fn counting_endpoint() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(conn);
        }
    });
    (url, hits)
}

#[tokio::test]
async fn a_secret_that_no_longer_decrypts_is_a_state_of_its_account_not_a_500() {
    // The portal ran with one key; it restarts with another (going live after the quick start).
    let app = spawn_app().await;
    let (endpoint, upstream) = counting_endpoint().await;
    let account = app
        .create_account(
            "Acme",
            &endpoint,
            "HPUAEXAMPLEAK0000001",
            "OldSecretKey00000000000000000000000000SK",
        )
        .await;
    let email = "viewer@acme.example";
    app.create_user(email, CUSTOMER_PW, Role::Viewer, Some(account))
        .await;
    let live = spawn_replica(&app, |s| s.secret_key = Some(OTHER_KEY.to_owned().into())).await;

    // Its customers get a clear page, not a 500, and nothing is asked upstream.
    let customer = live.new_client();
    assert_eq!(customer.login(email, CUSTOMER_PW).await.status(), 303);
    for path in ["/", "/pricing", "/orders"] {
        let res = customer.get(path).await;
        let status = res.status().as_u16();
        let html = res.text().await.expect("body");
        assert_eq!(status, 503, "GET {path}: {}", &html[..html.len().min(400)]);
        let text = select_text(&html, "main").join(" ");
        assert!(
            text.contains("cloud account") && text.contains("administrator"),
            "GET {path} explains what is wrong and whom to ask: {text}"
        );
        assert!(
            !text.to_lowercase().contains("decrypt with this key"),
            "no internals"
        );
    }
    assert_eq!(upstream.load(std::sync::atomic::Ordering::SeqCst), 0);

    let logs = captured_logs();
    let warned = logs.lines().any(|l| {
        l.contains(&account.to_string())
            && l.contains("WARN")
            && l.to_lowercase().contains("cannot be decrypted")
    });
    assert!(
        warned,
        "startup names the account whose SK cannot be decrypted"
    );
    assert!(!logs.contains("OldSecretKey0000"), "no secret in the logs");

    // Staff pages work and say what to do; the SK can be entered again.
    let staff = live.login_staff().await;
    let page = live.client.get(&format!("/admin/accounts/{account}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        select_text(&html, "#sk-state").join(" ").contains(
            "SK cannot be decrypted with the current key: enter it again or restore the key"
        ),
        "the account page names the state"
    );
    assert!(has(&html, "form#account-sk input[name=sk][type=password]"));
    let list = live.client.get_html("/admin/accounts").await;
    assert!(
        list.contains("SK cannot be decrypted"),
        "the list shows it too"
    );

    // Bad input changes nothing.
    let res = live
        .client
        .post_form(&format!("/admin/accounts/{account}/sk"), &[("sk", "")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#sk-error"));

    let new_sk = "NewSecretKey00000000000000000000000000SK";
    let res = live
        .client
        .post_form(&format!("/admin/accounts/{account}/sk"), &[("sk", new_sk)])
        .await;
    assert_eq!(res.status(), 303, "SK entered again");
    let opened = cbc_portal::db::accounts::secret_key(&live.db, &live.state.keys, account)
        .await
        .expect("opens now")
        .expect("account");
    assert_eq!(opened.expose_secret(), new_sk);
    let html = live
        .client
        .get_html(&format!("/admin/accounts/{account}"))
        .await;
    assert!(!html.contains("SK cannot be decrypted"));
    assert!(!html.contains(new_sk), "the SK is never shown");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE event = 'updateCloudAccount' \
         AND actor_user_id = $1 AND resource_id = $2 AND summary->'changed' = '[\"sk\"]'",
    )
    .bind(staff)
    .bind(account.to_string())
    .fetch_one(&live.db)
    .await
    .expect("audit");
    assert_eq!(audited, 1, "the re-entry is audited");

    // Its customers can use the portal again.
    assert_eq!(customer.get("/pricing").await.status(), 200);
    assert_eq!(upstream.load(std::sync::atomic::Ordering::SeqCst), 0);
    live.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_second_factor_that_no_longer_decrypts_neither_locks_staff_out_nor_is_skipped() {
    let app = spawn_app().await;
    let staff = app.login_staff().await; // enrols a TOTP secret under the first key
    let live = spawn_replica(&app, |s| s.secret_key = Some(OTHER_KEY.to_owned().into())).await;
    let client = live.new_client();
    let res = client.login("staff@example.com", STAFF_PW).await;
    assert_eq!(res.status(), 303);

    let res = client.get("/mfa").await;
    let status = res.status().as_u16();
    let html = res.text().await.expect("body");
    assert_eq!(status, 409, "{}", &html[..html.len().min(400)]);
    let text = select_text(&html, "main").join(" ");
    assert!(
        text.contains("cbc-portal user reset-second-factor --email staff@example.com"),
        "the page says how to get back in: {text}"
    );
    // Not skipped: staff pages still ask for the second factor.
    let res = client.get("/admin").await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap_or("")
            .starts_with("/mfa")
    );

    let (ok, out) = portal_cli(
        &live,
        OTHER_KEY,
        &[
            "user",
            "reset-second-factor",
            "--email",
            "staff@example.com",
        ],
        "",
    )
    .await;
    assert!(ok, "{out}");
    assert!(
        app.audit_events("resetSecondFactor").await == 1,
        "the reset is audited"
    );
    // The next login enrols a new authenticator.
    let again = live.new_client();
    live.login_staff_as(&again, staff, "staff@example.com", STAFF_PW)
        .await;
    assert_eq!(again.get("/admin").await.status(), 200);
    live.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn rotating_the_key_also_re_encrypts_staff_second_factors() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let sk = "RotateMeSk000000000000000000000000000002";
    let account = app
        .create_account(
            "Rot",
            "https://bss.myhuaweicloud.eu",
            "HPUAEXAMPLEAK0000011",
            sk,
        )
        .await;
    let old = key_for(&app.db_name);
    let (ok, out) = portal_cli(&app, &old, &["rotate-key"], &format!("{OTHER_KEY}\n")).await;
    assert!(ok, "{out}");

    let live = spawn_replica(&app, |s| s.secret_key = Some(OTHER_KEY.to_owned().into())).await;
    let opened = cbc_portal::db::accounts::secret_key(&live.db, &live.state.keys, account)
        .await
        .expect("opens under the new key")
        .expect("account");
    assert_eq!(opened.expose_secret(), sk);
    let client = live.new_client();
    let res = client.login("staff@example.com", STAFF_PW).await;
    assert_eq!(res.status(), 303);
    let res = client.get("/mfa").await;
    assert_eq!(
        res.status(),
        200,
        "the second factor opens under the new key"
    );
    let html = res.text().await.expect("body");
    assert!(
        !has(&html, "#mfa-enrol"),
        "the same authenticator stays enrolled (no new key shown)"
    );
    let code = live.totp_code(staff).await;
    let res = client.post_form("/mfa", &[("code", &code)]).await;
    assert_eq!(
        res.status(),
        303,
        "the old authenticator's code is accepted"
    );
    live.stop().await;
    app.stop().await;
}
