//! Session management (security checklist A): rotation, cookie attributes, id quality,
//! timeouts, termination, and how fast a logout reaches another replica.

use std::collections::HashSet;
use std::time::Duration;

use cbc_portal::domain::Role;

use crate::helpers::*;

const COOKIE: &str = "cbc_session";

#[tokio::test]
async fn login_rotates_the_session_id_and_the_csrf_token() {
    let app = spawn_app().await;
    let account = app
        .create_account(
            "Acme",
            "https://bss.myhuaweicloud.eu",
            "HPUAEXAMPLEAK0000001",
            "ExampleSecretKey0000000000000000000000SK",
        )
        .await;
    app.create_user("v@acme.example", CUSTOMER_PW, Role::Viewer, Some(account))
        .await;
    let before_token = app.client.csrf_token("/login").await;
    let before = app.client.cookie(COOKIE).expect("anonymous session cookie");
    let res = app.client.login("v@acme.example", CUSTOMER_PW).await;
    assert_eq!(res.status(), 303);
    let after = app.client.cookie(COOKIE).expect("session cookie");
    assert_ne!(before, after, "session id must change at login");
    let after_token = app.client.csrf_token("/pricing").await;
    assert_ne!(before_token, after_token, "CSRF token must change at login");

    let old = app.new_client();
    old.set_cookie(COOKIE, &before);
    let res = old.get("/admin").await;
    assert_eq!(
        res.status(),
        303,
        "the pre-login id is not a session any more"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_httponly_lax_and_dies_with_the_browser() {
    let app = spawn_app_with(|s| s.cookie_secure = Some(true)).await;
    let res = app.client.get("/login").await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("__Host-cbc_session="), "{cookie}");
    let attrs: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for want in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(attrs.iter().any(|a| a == want), "missing {want}: {cookie}");
    }
    for banned in ["domain", "max-age", "expires"] {
        assert!(
            !attrs.iter().any(|a| a.starts_with(banned)),
            "unexpected {banned}: {cookie}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn session_ids_are_unique_long_and_never_taken_from_the_query_string() {
    let app = spawn_app().await;
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let c = app.new_client();
        c.get("/login").await;
        let id = c.cookie(COOKIE).expect("cookie");
        assert!(id.len() >= 22, "{id}");
        assert!(
            id.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        );
        assert!(seen.insert(id), "duplicate session id");
    }
    // A logged-in session id in the query string is not a session.
    app.login_staff().await;
    let id = app.client.cookie(COOKIE).expect("cookie");
    let stranger = app.new_client();
    for q in [
        format!("/admin?{COOKIE}={id}"),
        format!("/admin?session={id}"),
        format!("/admin?id={id}"),
    ] {
        assert_eq!(stranger.get(&q).await.status(), 303, "{q}");
    }
    // Nothing during login logged the session id or the password.
    let logs = captured_logs();
    assert!(!logs.contains(&id), "session id in logs");
    assert!(!logs.contains(STAFF_PW), "password in logs");
    app.stop().await;
}

#[tokio::test]
async fn an_idle_session_expires_and_its_row_is_removed() {
    let app = spawn_app_with(|s| {
        s.session_idle = Duration::from_secs(2);
        s.session_absolute = Duration::from_secs(60);
    })
    .await;
    app.login_staff().await;
    assert_eq!(app.client.get("/admin").await.status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.client.get("/admin").await.status(), 303);
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE expires_at > now()")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(live, 0, "no live session row may remain");
    app.stop().await;
}

#[tokio::test]
async fn an_active_session_still_ends_at_the_absolute_limit() {
    let app = spawn_app_with(|s| {
        s.session_idle = Duration::from_secs(2);
        s.session_absolute = Duration::from_secs(4);
    })
    .await;
    // Measured from before the login: the limit counts from the password step, in whole seconds.
    let started = std::time::Instant::now();
    app.login_staff().await;
    let mut ended_after = None;
    while started.elapsed() < Duration::from_secs(8) {
        if app.client.get("/admin").await.status() == 303 {
            ended_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let ended = ended_after.expect("the session must end despite activity");
    // Kept alive past the 2 s idle limit, ended by the 4 s absolute one (less the sub-second
    // part of the login time, which is stored in whole seconds).
    assert!(
        ended >= Duration::from_millis(2900),
        "ended too early: {ended:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session_server_side_and_clears_site_data() {
    let app = spawn_app().await;
    app.login_staff().await;
    let cookie = app.client.cookie(COOKIE).expect("cookie");
    let res = app.client.post_form("/logout", &[]).await;
    assert_eq!(res.status(), 303);
    let csd = res.headers()["clear-site-data"].to_str().expect("ascii");
    for part in ["\"cache\"", "\"cookies\"", "\"storage\""] {
        assert!(csd.contains(part), "{csd}");
    }
    let replay = app.new_client();
    replay.set_cookie(COOKIE, &cookie);
    assert_eq!(replay.get("/admin").await.status(), 303);
    assert_eq!(app.audit_events("logout").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_logout_on_one_replica_is_honoured_by_another_within_seconds() {
    let app = spawn_app().await;
    let other = spawn_replica(&app, |_| {}).await;
    app.login_staff().await;
    let cookie = app.client.cookie(COOKIE).expect("cookie");
    let on_other = other.new_client();
    on_other.set_cookie(COOKIE, &cookie);
    assert_eq!(
        on_other.get("/admin").await.status(),
        200,
        "replica serves the session"
    );
    app.client.post_form("/logout", &[]).await;
    let started = std::time::Instant::now();
    loop {
        if on_other.get("/admin").await.status() == 303 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "replica still serves a logged-out session"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    other.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_on_every_replica() {
    let app = spawn_app().await;
    let other = spawn_replica(&app, |_| {}).await;
    let (user, _) = app.login_customer(Role::Viewer).await;
    let cookie = app.client.cookie(COOKIE).expect("cookie");
    let on_other = other.new_client();
    on_other.set_cookie(COOKIE, &cookie);
    assert_eq!(on_other.get("/pricing").await.status(), 200);
    cbc_portal::db::users::set_disabled(&app.db, user, true)
        .await
        .expect("disable");
    let started = std::time::Instant::now();
    while on_other.get("/pricing").await.status() != 303
        || app.client.get("/pricing").await.status() != 303
    {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "disabled user still served"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    other.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn changing_the_password_can_end_every_other_session() {
    let app = spawn_app().await;
    app.login_customer(Role::Viewer).await;
    let other = app.new_client();
    assert_eq!(
        other
            .login("viewer@acme.example", CUSTOMER_PW)
            .await
            .status(),
        303
    );
    // Bad input changes nothing.
    let res = app
        .client
        .post_form(
            "/password",
            &[
                ("current", "wrong one!"),
                ("new", "short"),
                ("confirm", "short"),
                ("end_others", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert_eq!(
        select_text(&html, "#current-error"),
        vec!["That is not your current password."]
    );
    assert_eq!(
        select_text(&html, "#new-error"),
        vec!["Use at least 8 characters."]
    );
    assert_eq!(other.get("/pricing").await.status(), 200);
    let new_pw = "a brand new pass phrase";
    let res = app
        .client
        .post_form(
            "/password",
            &[
                ("current", CUSTOMER_PW),
                ("new", new_pw),
                ("confirm", new_pw),
                ("end_others", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.client.get("/pricing").await.status(),
        200,
        "this session carries on"
    );
    let started = std::time::Instant::now();
    while other.get("/pricing").await.status() != 303 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the other session still works"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        app.new_client()
            .login("viewer@acme.example", CUSTOMER_PW)
            .await
            .status(),
        422
    );
    assert_eq!(
        app.new_client()
            .login("viewer@acme.example", new_pw)
            .await
            .status(),
        303
    );
    assert_eq!(app.audit_events("changePassword").await, 1);
    app.stop().await;
}

/// Rows in every table whose name mentions sessions (whatever the store calls its table).
pub async fn session_rows(db: &sqlx::PgPool) -> i64 {
    let mut total = 0;
    for (schema, table) in session_tables(db).await {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{schema}\".\"{table}\""))
            .fetch_one(db)
            .await
            .expect("count session rows");
        total += n;
    }
    total
}

async fn session_tables(db: &sqlx::PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables \
         WHERE table_name ILIKE '%session%' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_all(db)
    .await
    .expect("list session tables")
}

/// Every value stored in the session tables, as text, with the cookie spellings a stored byte
/// string could stand for (hex as stored, raw hex, base64url).
async fn stored_session_values(db: &sqlx::PgPool) -> Vec<(String, String)> {
    use base64::Engine as _;
    let mut out = Vec::new();
    for (schema, table) in session_tables(db).await {
        let rows: Vec<serde_json::Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) FROM \"{schema}\".\"{table}\" t"
        ))
        .fetch_all(db)
        .await
        .expect("read session table");
        for row in rows {
            let Some(obj) = row.as_object() else { continue };
            for (column, value) in obj {
                let Some(text) = value.as_str() else { continue };
                let place = format!("{schema}.{table}.{column}");
                out.push((place.clone(), text.to_owned()));
                if let Some(bytes) = text.strip_prefix("\\x").and_then(|h| hex::decode(h).ok()) {
                    out.push((place.clone(), hex::encode(&bytes)));
                    out.push((
                        place,
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes),
                    ));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn a_logout_on_one_replica_is_never_undone_by_another() {
    // The cache lifetime is generous so every step below surely falls inside it.
    let cache = |s: &mut cbc_portal::config::Settings| {
        s.staff_mfa = false;
        s.session_cache_ttl = Duration::from_secs(10);
    };
    let a = spawn_app_with(cache).await;
    let b = spawn_replica(&a, cache).await;
    let id = a
        .create_user("staff@example.com", STAFF_PW, Role::Staff, None)
        .await;
    let page = format!("/admin/users/{id}");
    const ROUNDS: usize = 20;
    let mut undone = Vec::new();
    for round in 0..ROUNDS {
        let on_a = a.new_client();
        assert_eq!(
            on_a.login("staff@example.com", STAFF_PW).await.status(),
            303
        );
        let cookie = on_a.cookie(COOKIE).expect("cookie");
        // Replica B serves the session, so it holds it in its cache.
        let on_b = b.new_client();
        on_b.set_cookie(COOKIE, &cookie);
        let res = on_b.get(&page).await;
        assert_eq!(res.status(), 200, "replica B serves the session");
        let token = csrf_in(&res.text().await.expect("body")).expect("token");
        assert_eq!(on_a.post_form("/logout", &[]).await.status(), 303);
        // Within B's cache lifetime: a form post (one that writes the session) and a read.
        on_b.post_raw(
            &page,
            &[
                ("csrf_token", &token),
                ("display_name", "staff"),
                ("role", "staff"),
                ("cloud_account_id", ""),
            ],
            same_origin(),
        )
        .await;
        on_b.get("/admin").await;
        let mut served_by = Vec::new();
        for (name, app) in [("A", &a), ("B", &b)] {
            let replay = app.new_client();
            replay.set_cookie(COOKIE, &cookie);
            if replay.get("/admin").await.status() != 303 {
                served_by.push(name);
            }
        }
        if !served_by.is_empty() {
            undone.push(format!("round {round}: served by {served_by:?}"));
        }
    }
    assert!(
        undone.is_empty(),
        "logout undone {}/{ROUNDS} times: {undone:?}",
        undone.len()
    );
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn session_ids_are_stored_only_as_hashes_so_a_copy_of_the_table_opens_no_session() {
    let app = spawn_app().await;
    let (_, account) = app.login_customer(Role::Viewer).await;
    let viewer_cookie = app.client.cookie(COOKIE).expect("cookie");
    app.create_user("m@acme.example", CUSTOMER_PW, Role::Manager, Some(account))
        .await;
    let manager = app.new_client();
    assert_eq!(
        manager.login("m@acme.example", CUSTOMER_PW).await.status(),
        303
    );
    // The real cookies open their sessions.
    for cookie in [viewer_cookie, manager.cookie(COOKIE).expect("cookie")] {
        let c = app.new_client();
        c.set_cookie(COOKIE, &cookie);
        assert_eq!(c.get("/pricing").await.status(), 200);
    }
    let stored = stored_session_values(&app.db).await;
    assert!(session_rows(&app.db).await >= 2, "the sessions are stored");
    let mut opened = Vec::new();
    for (place, value) in &stored {
        let thief = app.new_client();
        thief.set_cookie(COOKIE, value);
        if thief.get("/pricing").await.status() == 200 {
            opened.push(place.clone());
        }
    }
    assert!(
        opened.is_empty(),
        "a copy of the session table opened {} session(s), from {opened:?}",
        opened.len()
    );
    app.stop().await;
}

#[tokio::test]
async fn the_session_cookie_is_secure_by_default_when_the_public_url_is_https() {
    let app = spawn_app_with(|s| s.public_url = "https://portal.example".to_owned()).await;
    let res = app.client.get("/login").await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("__Host-cbc_session="), "{cookie}");
    assert!(
        cookie
            .split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("secure")),
        "{cookie}"
    );
    app.stop().await;
    // Plain http (the local default) keeps a cookie the browser will send over http, and the
    // setting overrides the default either way.
    for configure in [
        (|_: &mut cbc_portal::config::Settings| {}) as fn(&mut cbc_portal::config::Settings),
        |s| {
            s.public_url = "https://portal.example".to_owned();
            s.cookie_secure = Some(false);
        },
    ] {
        let app = spawn_app_with(configure).await;
        let res = app.client.get("/login").await;
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(cookie.starts_with("cbc_session="), "{cookie}");
        assert!(
            !cookie
                .split(';')
                .any(|a| a.trim().eq_ignore_ascii_case("secure")),
            "{cookie}"
        );
        app.stop().await;
    }
}
