//! `/admin/users`: list, create, edit, disable/enable, password reset, ending sessions; and the
//! guards every admin route shares (staff only, CSRF).

use cbc_portal::domain::Role;
use uuid::Uuid;

use crate::helpers::*;

/// The `Location` of a redirect.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// An account customers can be attached to.
pub async fn an_account(app: &TestApp, name: &str) -> Uuid {
    app.create_account(
        name,
        "https://bss.myhuaweicloud.eu",
        "HPUAOTHERAK000000001",
        "AnotherSecretKey000000000000000000000000",
    )
    .await
}

/// Audit rows of `event` as (actor_user_id, actor_email, resource_id, summary).
pub async fn audit_rows(
    app: &TestApp,
    event: &str,
) -> Vec<(
    Option<Uuid>,
    Option<String>,
    Option<String>,
    serde_json::Value,
)> {
    sqlx::query_as(
        "SELECT actor_user_id, actor_email, resource_id, summary FROM audit_events \
         WHERE event = $1 ORDER BY id",
    )
    .bind(event)
    .fetch_all(&app.db)
    .await
    .expect("audit rows")
}

/// The whole `users` and `cloud_accounts` tables and the audit row count, as text, to prove
/// that a refused request changed nothing.
pub async fn snapshot(app: &TestApp) -> (String, String, i64) {
    let users: Option<String> =
        sqlx::query_scalar("SELECT string_agg(u::text, '|' ORDER BY id) FROM users u")
            .fetch_one(&app.db)
            .await
            .expect("users");
    let accounts: Option<String> =
        sqlx::query_scalar("SELECT string_agg(a::text, '|' ORDER BY id) FROM cloud_accounts a")
            .fetch_one(&app.db)
            .await
            .expect("accounts");
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    (
        users.unwrap_or_default(),
        accounts.unwrap_or_default(),
        audit,
    )
}

async fn user_row(app: &TestApp, id: Uuid) -> (String, String, Option<Uuid>, bool, i32) {
    sqlx::query_as(
        "SELECT display_name, role, cloud_account_id, disabled_at IS NOT NULL, session_epoch \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("user row")
}

/// A customer user logged in on a client of its own.
async fn logged_in_customer(app: &TestApp, account: Uuid, email: &str) -> (Uuid, TestClient) {
    let id = app
        .create_user(email, CUSTOMER_PW, Role::Viewer, Some(account))
        .await;
    let client = app.new_client();
    assert_eq!(client.login(email, CUSTOMER_PW).await.status(), 303);
    assert_eq!(client.get("/pricing").await.status(), 200, "customer is in");
    (id, client)
}

/// The customer's next request finds the session over: back to the login page.
async fn assert_logged_out(client: &TestClient) {
    let res = client.get("/pricing").await;
    assert_eq!(res.status(), 303, "session should have ended");
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
}

#[tokio::test]
async fn staff_creates_a_user_and_the_creation_is_audited_with_the_actor() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let account = an_account(&app, "Acme").await;
    let res = app
        .client
        .post_form(
            "/admin/users",
            &[
                ("email", "Ann@Acme.example"),
                ("display_name", "Ann Example"),
                ("role", "manager"),
                ("cloud_account_id", &account.to_string()),
                ("password", "a fine pass phrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ann@acme.example'")
        .fetch_one(&app.db)
        .await
        .expect("created");
    assert_eq!(location(&res), format!("/admin/users/{id}"));
    let html = app.client.get_html(&location(&res)).await;
    assert!(select_text(&html, ".flash-success")[0].contains("ann@acme.example"));
    assert_eq!(
        user_row(&app, id).await,
        (
            "Ann Example".into(),
            "manager".into(),
            Some(account),
            false,
            0
        )
    );
    let rows = audit_rows(&app, "createUser").await;
    assert_eq!(rows.len(), 1);
    let (actor, email, resource, summary) = &rows[0];
    assert_eq!(*actor, Some(staff));
    assert_eq!(email.as_deref(), Some("staff@example.com"));
    assert_eq!(resource.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(summary["role"], "manager");
    assert!(!summary.to_string().contains("fine pass phrase"));
    // The new user can log in with the initial password.
    let c = app.new_client();
    assert_eq!(
        c.login("ann@acme.example", "a fine pass phrase")
            .await
            .status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_input_on_create_shows_field_messages_and_creates_nothing() {
    let app = spawn_app().await;
    app.login_staff().await;
    let account = an_account(&app, "Acme").await;
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(
            "/admin/users",
            &[
                ("email", "not-an-email"),
                ("display_name", ""),
                ("role", "viewer"),
                ("cloud_account_id", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    for field in ["email", "display_name", "cloud_account_id", "password"] {
        assert!(
            has(&html, &format!("#{field}-error.field-error")),
            "no message next to {field}"
        );
    }
    // What was typed is kept, the password is not.
    assert!(html.contains(r#"value="not-an-email""#));
    assert!(!html.contains("short"));
    // Staff cannot belong to an account; the role must be known.
    let res = app
        .client
        .post_form(
            "/admin/users",
            &[
                ("email", "bob@example.com"),
                ("display_name", "Bob"),
                ("role", "staff"),
                ("cloud_account_id", &account.to_string()),
                ("password", "a fine pass phrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(
        &res.text().await.expect("body"),
        "#cloud_account_id-error"
    ));
    let res = app
        .client
        .post_form(
            "/admin/users",
            &[
                ("email", "bob@example.com"),
                ("display_name", "Bob"),
                ("role", "owner"),
                ("password", "a fine pass phrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#role-error"));
    assert_eq!(snapshot(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn a_duplicate_email_is_a_field_error() {
    let app = spawn_app().await;
    app.login_staff().await;
    let account = an_account(&app, "Acme").await;
    app.create_user("ann@acme.example", CUSTOMER_PW, Role::Viewer, Some(account))
        .await;
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(
            "/admin/users",
            &[
                ("email", "ANN@acme.example"),
                ("display_name", "Another Ann"),
                ("role", "viewer"),
                ("cloud_account_id", &account.to_string()),
                ("password", "a fine pass phrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(select_text(&html, "#email-error")[0].contains("already exists"));
    assert_eq!(snapshot(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn the_list_searches_and_pages_25_at_a_time() {
    let app = spawn_app().await;
    app.login_staff().await;
    let account = an_account(&app, "Acme").await;
    for i in 0..30 {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, cloud_account_id) \
             VALUES ($1, $2, $3, 'x', 'viewer', $4)",
        )
        .bind(Uuid::new_v4())
        .bind(format!("user{i:02}@acme.example"))
        .bind(format!("Person {i:02}"))
        .bind(account)
        .execute(&app.db)
        .await
        .expect("insert");
    }
    let html = app.client.get_html("/admin/users").await;
    assert_eq!(select_text(&html, "#users tbody tr").len(), 25);
    assert_eq!(select_text(&html, "a[rel=next]"), vec!["Next →"]);
    let html = app.client.get_html("/admin/users?page=2").await;
    assert_eq!(select_text(&html, "#users tbody tr").len(), 6);
    assert!(select_text(&html, "#users td.account").contains(&"Acme".to_owned()));

    let html = app.client.get_html("/admin/users?q=person+0").await;
    let emails = select_text(&html, "#users td.email");
    assert_eq!(emails.len(), 10, "{emails:?}");
    assert!(emails.iter().all(|e| e.starts_with("user0")));
    let html = app.client.get_html("/admin/users?q=STAFF%40").await;
    assert_eq!(
        select_text(&html, "#users td.email"),
        vec!["staff@example.com"]
    );
    assert_eq!(select_text(&html, "#users td.role"), vec!["staff"]);
    // LIKE wildcards are literal.
    let html = app.client.get_html("/admin/users?q=%25").await;
    assert!(has(&html, "p.empty"));
    app.stop().await;
}

#[tokio::test]
async fn editing_a_profile_saves_name_role_and_account_and_is_audited() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let beta = an_account(&app, "Beta").await;
    let (id, client) = logged_in_customer(&app, acme, "ann@acme.example").await;
    let path = format!("/admin/users/{id}");

    // Bad input: nothing changes.
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("display_name", " "),
                ("role", "manager"),
                ("cloud_account_id", "not-a-uuid"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(has(&html, "#display_name-error"));
    assert!(has(&html, "#cloud_account_id-error"));
    assert_eq!(snapshot(&app).await, before);

    // A name change alone keeps the session.
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("display_name", "Ann Renamed"),
                ("role", "viewer"),
                ("cloud_account_id", &acme.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(client.get("/pricing").await.status(), 200);

    // A new role and account end it.
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("display_name", "Ann Renamed"),
                ("role", "manager"),
                ("cloud_account_id", &beta.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (name, role, account, _, _) = user_row(&app, id).await;
    assert_eq!(
        (name.as_str(), role.as_str(), account),
        ("Ann Renamed", "manager", Some(beta))
    );
    assert_logged_out(&client).await;

    let rows = audit_rows(&app, "updateUser").await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.0 == Some(staff)));
    assert_eq!(rows[0].3["changes"]["display_name"]["to"], "Ann Renamed");
    assert_eq!(rows[1].3["changes"]["role"]["from"], "viewer");
    assert_eq!(rows[1].3["changes"]["role"]["to"], "manager");
    assert_eq!(rows[1].3["sessions_ended"], true);

    // Saving without a change writes nothing.
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("display_name", "Ann Renamed"),
                ("role", "manager"),
                ("cloud_account_id", &beta.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(audit_rows(&app, "updateUser").await.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_live_session_and_enabling_lets_them_back() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let (id, client) = logged_in_customer(&app, acme, "ann@acme.example").await;

    let res = app
        .client
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(user_row(&app, id).await.3, "disabled");
    assert_logged_out(&client).await;
    assert_eq!(
        client.login("ann@acme.example", CUSTOMER_PW).await.status(),
        422,
        "a disabled user cannot log in"
    );
    let html = app.client.get_html(&format!("/admin/users/{id}")).await;
    assert!(select_text(&html, "#user-details .status")[0].starts_with("Disabled"));
    let rows = audit_rows(&app, "disableUser").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, Some(staff));
    assert_eq!(rows[0].2.as_deref(), Some(id.to_string().as_str()));

    let res = app
        .client
        .post_form(&format!("/admin/users/{id}/enable"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(!user_row(&app, id).await.3, "enabled");
    assert_eq!(audit_rows(&app, "enableUser").await[0].0, Some(staff));
    assert_eq!(
        client.login("ann@acme.example", CUSTOMER_PW).await.status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn resetting_a_password_ends_sessions_and_only_the_new_password_works() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let (id, client) = logged_in_customer(&app, acme, "ann@acme.example").await;
    let path = format!("/admin/users/{id}/password");

    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(&path, &[("password", "password")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#password-error"));
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(
        client.get("/pricing").await.status(),
        200,
        "still logged in"
    );

    let res = app
        .client
        .post_form(&path, &[("password", "brand new pass phrase")])
        .await;
    assert_eq!(res.status(), 303);
    assert_logged_out(&client).await;
    assert_eq!(
        client.login("ann@acme.example", CUSTOMER_PW).await.status(),
        422
    );
    assert_eq!(
        client
            .login("ann@acme.example", "brand new pass phrase")
            .await
            .status(),
        303
    );
    let rows = audit_rows(&app, "resetUserPassword").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, Some(staff));
    assert!(!rows[0].3.to_string().contains("brand new"));
    app.stop().await;
}

#[tokio::test]
async fn ending_sessions_logs_the_user_out_everywhere() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let (id, client) = logged_in_customer(&app, acme, "ann@acme.example").await;
    let second = app.new_client();
    assert_eq!(
        second.login("ann@acme.example", CUSTOMER_PW).await.status(),
        303
    );
    let res = app
        .client
        .post_form(&format!("/admin/users/{id}/sessions"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_logged_out(&client).await;
    assert_logged_out(&second).await;
    let rows = audit_rows(&app, "endSessions").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, Some(staff));
    // Not disabled: a fresh login works.
    assert_eq!(
        client.login("ann@acme.example", CUSTOMER_PW).await.status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn staff_cannot_disable_themselves_or_drop_their_own_staff_role() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(&format!("/admin/users/{staff}/disable"), &[])
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#status-error"));
    let res = app
        .client
        .post_form(
            &format!("/admin/users/{staff}"),
            &[
                ("display_name", "Staff"),
                ("role", "manager"),
                ("cloud_account_id", &acme.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(select_text(&res.text().await.expect("body"), "#role-error")[0].contains("own"));
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(app.client.get("/admin").await.status(), 200, "still staff");
    // Their own page offers no disable button.
    let html = app.client.get_html(&format!("/admin/users/{staff}")).await;
    assert!(!has(&html, r#"form[action$="/disable"]"#));
    app.stop().await;
}

#[tokio::test]
async fn unknown_users_are_not_found() {
    let app = spawn_app().await;
    app.login_staff().await;
    let before = snapshot(&app).await;
    for path in [
        format!("/admin/users/{}", Uuid::new_v4()),
        "/admin/users/not-a-uuid".to_owned(),
    ] {
        assert_eq!(app.client.get(&path).await.status(), 404);
        assert_eq!(
            app.client
                .post_form(&format!("{path}/sessions"), &[])
                .await
                .status(),
            404
        );
    }
    assert_eq!(snapshot(&app).await, before);
    app.stop().await;
}

/// Every admin route as (method, path), with real ids so handlers would act if let through.
pub fn admin_routes(user: Uuid, account: Uuid, event: i64) -> Vec<(&'static str, String)> {
    let mut routes: Vec<(&'static str, String)> = [
        "/admin",
        "/admin/users",
        "/admin/users/new",
        "/admin/accounts",
        "/admin/accounts/new",
        "/admin/audit",
        "/admin/audit.csv",
    ]
    .into_iter()
    .map(|p| ("GET", p.to_owned()))
    .collect();
    routes.extend([
        ("GET", format!("/admin/users/{user}")),
        ("GET", format!("/admin/accounts/{account}")),
        ("GET", format!("/admin/audit/{event}")),
    ]);
    routes.extend(admin_post_routes(user, account));
    routes
}

/// Every admin POST route.
pub fn admin_post_routes(user: Uuid, account: Uuid) -> Vec<(&'static str, String)> {
    vec![
        ("POST", "/admin/users".to_owned()),
        ("POST", format!("/admin/users/{user}")),
        ("POST", format!("/admin/users/{user}/disable")),
        ("POST", format!("/admin/users/{user}/enable")),
        ("POST", format!("/admin/users/{user}/password")),
        ("POST", format!("/admin/users/{user}/sessions")),
        ("POST", "/admin/accounts".to_owned()),
        ("POST", format!("/admin/accounts/{account}")),
        ("POST", format!("/admin/accounts/{account}/disable")),
        ("POST", format!("/admin/accounts/{account}/enable")),
        ("POST", format!("/admin/accounts/{account}/test")),
    ]
}

/// A form that would be valid for any of the POST routes.
fn full_form(_account: Uuid) -> Vec<(&'static str, String)> {
    vec![
        ("email", "mallory@example.com".to_owned()),
        ("display_name", "Mallory".to_owned()),
        ("role", "staff".to_owned()),
        ("cloud_account_id", String::new()),
        ("password", "mallory pass phrase".to_owned()),
        ("name", "Mallory Cloud".to_owned()),
        ("endpoint", "https://bss.myhuaweicloud.eu".to_owned()),
        ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789".to_owned()),
        ("ak", "HPUAMALLORYAK0000001".to_owned()),
        ("sk", "MallorySecretKey000000000000000000000000".to_owned()),
    ]
}

#[tokio::test]
async fn customers_get_403_on_every_admin_route_and_each_refusal_is_audited() {
    for role in [Role::Viewer, Role::Manager] {
        let app = spawn_app().await;
        let (me, account) = app.login_customer(role).await;
        let event: i64 = sqlx::query_scalar("SELECT max(id) FROM audit_events")
            .fetch_one(&app.db)
            .await
            .expect("an event (the login)");
        let token = app.client.csrf_token("/pricing").await;
        let form = full_form(account);
        let before = snapshot(&app).await;
        let routes = admin_routes(me, account, event);
        for (method, path) in &routes {
            let res = if *method == "GET" {
                app.client.get(path).await
            } else {
                let mut f: Vec<(&str, &str)> = vec![("csrf_token", &token)];
                f.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
                app.client.post_raw(path, &f, same_origin()).await
            };
            assert_eq!(res.status(), 403, "{role} {method} {path}");
        }
        let (users, accounts, audit) = snapshot(&app).await;
        assert_eq!((&users, &accounts), (&before.0, &before.1), "{role}");
        assert_eq!(audit - before.2, routes.len() as i64, "{role}");
        let denied: Vec<(Option<Uuid>, serde_json::Value)> = sqlx::query_as(
            "SELECT actor_user_id, summary FROM audit_events WHERE event = 'authzDenied' ORDER BY id",
        )
        .fetch_all(&app.db)
        .await
        .expect("denials");
        assert_eq!(denied.len(), routes.len());
        for ((actor, summary), (method, path)) in denied.iter().zip(&routes) {
            assert_eq!(*actor, Some(me));
            assert_eq!(summary["method"], *method);
            // Inside the nested admin router the path may be logged without its `/admin`.
            let logged = summary["path"].as_str().unwrap_or_default();
            let nested = match path.strip_prefix("/admin") {
                Some("") => "/",
                Some(p) => p,
                None => path.as_str(),
            };
            assert!(logged == path || logged == nested, "{logged} for {path}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn every_admin_post_without_a_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.login_staff().await;
    let account = an_account(&app, "Acme").await;
    let user = app
        .create_user("ann@acme.example", CUSTOMER_PW, Role::Viewer, Some(account))
        .await;
    let form = full_form(account);
    let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = snapshot(&app).await;
    for (_, path) in admin_post_routes(user, account) {
        let res = app.client.post_raw(&path, &f, same_origin()).await;
        assert_eq!(res.status(), 403, "POST {path}");
        // A wrong token is no better.
        let mut wrong = vec![("csrf_token", "forged")];
        wrong.extend(f.iter().copied());
        let res = app.client.post_raw(&path, &wrong, same_origin()).await;
        assert_eq!(res.status(), 403, "POST {path} with a forged token");
    }
    assert_eq!(snapshot(&app).await, before);
    app.stop().await;
}
