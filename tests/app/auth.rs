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

fn normalise(html: &str) -> String {
    // The CSRF token and request id differ per request by design.
    let token = csrf_in(html).unwrap_or_default();
    let ids = select_text(html, "footer code");
    let mut out = html.replace(&token, "TOKEN");
    for id in ids {
        out = out.replace(&id, "ID");
    }
    out
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_look_and_take_the_same() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 1000;
        s.login_ip_max = 1000;
    })
    .await;
    app.create_user("known@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    // Pairs are interleaved and only the POST is timed, so load from tests running in
    // parallel hits both sides alike. On a quiet machine the medians differ by a few percent;
    // the bound here leaves room for a busy CI machine.
    let mut ratios = Vec::new();
    let (mut unknown_body, mut wrong_body) = (String::new(), String::new());
    let timed = |email: &'static str| {
        let c = app.new_client();
        async move {
            let token = c.csrf_token("/login").await;
            let t = std::time::Instant::now();
            let res = c
                .post_raw(
                    "/login",
                    &[
                        ("csrf_token", &token),
                        ("email", email),
                        ("password", "some password 1"),
                    ],
                    same_origin(),
                )
                .await;
            let elapsed = t.elapsed();
            assert_eq!(res.status(), 422);
            let body = normalise(&res.text().await.expect("body")).replace(email, "EMAIL");
            (elapsed, body)
        }
    };
    for _ in 0..15 {
        let (u, ub) = timed("nobody@acme.example").await;
        let (w, wb) = timed("known@acme.example").await;
        ratios.push(u.as_secs_f64() / w.as_secs_f64());
        (unknown_body, wrong_body) = (ub, wb);
    }
    assert_eq!(unknown_body, wrong_body);
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    assert!(
        (0.7..1.43).contains(&ratio),
        "median unknown/wrong time ratio {ratio:.3} ({ratios:?})"
    );
    app.stop().await;
}

#[tokio::test]
async fn ten_failures_lock_the_account_whatever_the_source_address() {
    let app = spawn_app_with(|s| {
        s.trust_proxy_hops = 1;
        s.login_ip_max = 1000;
    })
    .await;
    app.create_user("target@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    for i in 0..10 {
        let c = app.new_client();
        let token = c.csrf_token("/login").await;
        let mut h = same_origin();
        h.insert(
            "x-forwarded-for",
            format!("198.51.100.{i}").parse().expect("ip"),
        );
        let res = c
            .post_raw(
                "/login",
                &[
                    ("csrf_token", &token),
                    ("email", "target@acme.example"),
                    ("password", "wrong password!"),
                ],
                h,
            )
            .await;
        assert_eq!(res.status(), 422, "attempt {i}");
    }
    let res = app
        .new_client()
        .login("target@acme.example", STAFF_PW)
        .await;
    assert_eq!(res.status(), 429, "locked even with the right password");
    app.stop().await;
}

#[tokio::test]
async fn a_successful_login_resets_the_failure_count() {
    let app = spawn_app().await;
    app.create_user("u@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    for _ in 0..2 {
        for _ in 0..9 {
            assert_eq!(
                app.new_client()
                    .login("u@acme.example", "wrong password!")
                    .await
                    .status(),
                422
            );
        }
        assert_eq!(
            app.new_client()
                .login("u@acme.example", STAFF_PW)
                .await
                .status(),
            303
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn one_address_is_throttled_after_its_login_budget() {
    let app = spawn_app_with(|s| s.login_ip_max = 5).await;
    for _ in 0..5 {
        assert_eq!(
            app.new_client()
                .login("a@acme.example", "wrong password!")
                .await
                .status(),
            422
        );
    }
    let res = app
        .new_client()
        .login("a@acme.example", "wrong password!")
        .await;
    assert_eq!(res.status(), 429);
    app.stop().await;
}

#[tokio::test]
async fn a_fresh_install_has_no_default_credentials_and_a_single_use_setup_link() {
    let app = spawn_app().await;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(users, 0);
    for (e, p) in [
        ("admin", "admin"),
        ("admin@example.com", "admin"),
        ("admin@localhost", "password"),
    ] {
        assert_eq!(app.new_client().login(e, p).await.status(), 422);
    }
    let link = app.setup_link.clone().expect("setup link printed");
    let path = link.trim_start_matches(&app.address).to_owned();
    let token = path.split("token=").nth(1).expect("token").to_owned();
    assert_eq!(app.client.get(&path).await.status(), 200);
    // Bad input: form back with messages, nothing created.
    let res = app
        .client
        .post_form(
            "/setup",
            &[
                ("token", &token),
                ("email", "boss"),
                ("display_name", "Boss"),
                ("password", "short7!"),
                ("password_confirm", "short7!"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert_eq!(select_text(&html, "#email-error").len(), 1);
    assert_eq!(
        select_text(&html, "#password-error"),
        vec!["Use at least 8 characters."]
    );
    let res = app
        .client
        .post_form(
            "/setup",
            &[
                ("token", &token),
                ("email", "boss@acme.example"),
                ("display_name", "Boss"),
                ("password", "password"),
                ("password_confirm", "password"),
            ],
        )
        .await;
    assert_eq!(
        select_text(&res.text().await.expect("body"), "#password-error"),
        vec!["This password is too common; choose another."]
    );
    let pw = "a".repeat(60) + "Zq9";
    let res = app
        .client
        .post_form(
            "/setup",
            &[
                ("token", &token),
                ("email", "boss@acme.example"),
                ("display_name", "Boss"),
                ("password", &pw),
                ("password_confirm", &pw),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // The welcome travels in the URL: the visitor has no stored session to carry a flash.
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = app.client.get_html(&location).await;
    assert_eq!(
        select_text(&html, ".flash"),
        vec!["Your staff account is ready. Log in to continue."]
    );
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'boss@acme.example'")
            .fetch_one(&app.db)
            .await
            .expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert_eq!(
        app.new_client().get(&path).await.status(),
        404,
        "the link works once"
    );
    assert_eq!(
        app.new_client()
            .login("boss@acme.example", &pw)
            .await
            .status(),
        303
    );
    assert_eq!(app.audit_events("createFirstStaffUser").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn passwords_are_compared_exactly_as_typed() {
    let app = spawn_app().await;
    let pw = "  spaces around  ";
    app.create_user("s@acme.example", pw, Role::Staff, None)
        .await;
    assert_eq!(
        app.new_client()
            .login("s@acme.example", pw.trim())
            .await
            .status(),
        422
    );
    assert_eq!(
        app.new_client().login("s@acme.example", pw).await.status(),
        303
    );
    let long = "x".repeat(128);
    app.create_user("l@acme.example", &long, Role::Staff, None)
        .await;
    assert_eq!(
        app.new_client()
            .login("l@acme.example", &long[..127])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.new_client()
            .login("l@acme.example", &long)
            .await
            .status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn login_returns_only_to_same_origin_paths() {
    let app = spawn_app_with(|s| s.staff_mfa = false).await;
    app.create_user("n@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    for (next, expect) in [
        ("/admin/users", "/admin/users"),
        ("//evil.example/x", "/admin"),
        ("https://evil.example", "/admin"),
    ] {
        let c = app.new_client();
        let token = c.csrf_token("/login").await;
        let res = c
            .post_raw(
                "/login",
                &[
                    ("csrf_token", &token),
                    ("email", "n@acme.example"),
                    ("password", STAFF_PW),
                    ("next", next),
                ],
                same_origin(),
            )
            .await;
        assert_eq!(res.headers()["location"], expect, "{next}");
    }
    app.stop().await;
}

#[tokio::test]
async fn staff_pages_need_a_single_use_second_factor() {
    let app = spawn_app().await;
    let id = app
        .create_user("mfa@example.com", STAFF_PW, Role::Staff, None)
        .await;
    let res = app.client.login("mfa@example.com", STAFF_PW).await;
    assert_eq!(res.headers()["location"], "/mfa");
    // Password only: pages redirect to the second factor, state changes are refused.
    let res = app.client.get("/admin?tab=1").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/mfa?next=%2Fadmin%3Ftab%3D1");
    let html = app.client.get_html("/mfa").await;
    assert_eq!(
        select_text(&html, ".totp-secret").len(),
        1,
        "first use shows the enrolment key"
    );
    // A wrong code is refused and counted.
    let res = app.client.post_form("/mfa", &[("code", "000000")]).await;
    assert_eq!(res.status(), 422);
    let code = app.totp_code(id).await;
    let res = app.client.post_form("/mfa", &[("code", &code)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.client.get("/admin").await.status(), 200);
    // The same code cannot be used again, in another session.
    let other = app.new_client();
    other.login("mfa@example.com", STAFF_PW).await;
    let html = other.get_html("/mfa").await;
    assert!(
        select_text(&html, ".totp-secret").is_empty(),
        "the key is shown only while enrolling"
    );
    assert_eq!(
        other.post_form("/mfa", &[("code", &code)]).await.status(),
        422
    );
    assert_eq!(other.get("/admin").await.status(), 303);
    assert_eq!(app.audit_events("verifySecondFactor").await, 1);
    assert_eq!(app.audit_events("verifySecondFactorFailed").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn guessing_second_factor_codes_is_rate_limited() {
    let app = spawn_app().await;
    let id = app
        .create_user("g@example.com", STAFF_PW, Role::Staff, None)
        .await;
    app.client.login("g@example.com", STAFF_PW).await;
    app.client.get("/mfa").await;
    for _ in 0..5 {
        assert_eq!(
            app.client
                .post_form("/mfa", &[("code", "000000")])
                .await
                .status(),
            422
        );
    }
    let code = app.totp_code(id).await;
    assert_eq!(
        app.client
            .post_form("/mfa", &[("code", &code)])
            .await
            .status(),
        429
    );
    app.stop().await;
}

#[tokio::test]
async fn a_locked_account_recovers_through_a_staff_password_reset() {
    let app = spawn_app().await;
    app.login_staff().await;
    let account = app
        .create_account(
            "Acme",
            "https://bss.myhuaweicloud.eu",
            "HPUAEXAMPLEAK0000001",
            "ExampleSecretKey0000000000000000000000SK",
        )
        .await;
    let id = app
        .create_user(
            "locked@acme.example",
            CUSTOMER_PW,
            Role::Viewer,
            Some(account),
        )
        .await;
    for _ in 0..10 {
        app.new_client()
            .login("locked@acme.example", "wrong password!")
            .await;
    }
    assert_eq!(
        app.new_client()
            .login("locked@acme.example", CUSTOMER_PW)
            .await
            .status(),
        429
    );
    let res = app
        .client
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", "a fresh start phrase")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.new_client()
            .login("locked@acme.example", "a fresh start phrase")
            .await
            .status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn a_password_alone_cannot_change_a_staff_password() {
    let app = spawn_app().await;
    let id = app
        .create_user("p@example.com", STAFF_PW, Role::Staff, None)
        .await;
    app.client.login("p@example.com", STAFF_PW).await;
    let res = app.client.get("/password").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/mfa?next=%2Fpassword");
    let pw = "another staff pass phrase";
    let res = app
        .client
        .post_form(
            "/password",
            &[
                ("current", STAFF_PW),
                ("new", pw),
                ("confirm", pw),
                ("end_others", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.new_client()
            .login("p@example.com", STAFF_PW)
            .await
            .status(),
        303,
        "password unchanged"
    );
    // With the second factor, the same change goes through.
    let c = app.new_client();
    app.login_staff_as(&c, id, "p@example.com", STAFF_PW).await;
    let res = c
        .post_form(
            "/password",
            &[
                ("current", STAFF_PW),
                ("new", pw),
                ("confirm", pw),
                ("end_others", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        c.get("/admin").await.status(),
        200,
        "this session carries on"
    );
    app.stop().await;
}

#[tokio::test]
async fn successful_logins_do_not_use_up_the_address_login_budget() {
    let app = spawn_app_with(|s| s.login_ip_max = 5).await;
    app.create_user("busy@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    // Many people behind one NAT address log in all day.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let res = app.new_client().login("busy@acme.example", STAFF_PW).await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, vec![303; 8]);
    // Failures still use it up: five, then the address is refused.
    for i in 0..5 {
        assert_eq!(
            app.new_client()
                .login("busy@acme.example", "wrong password!")
                .await
                .status(),
            422,
            "failure {i}"
        );
    }
    assert_eq!(
        app.new_client()
            .login("busy@acme.example", STAFF_PW)
            .await
            .status(),
        429
    );
    app.stop().await;
}

#[tokio::test]
async fn after_the_lockout_threshold_known_unknown_and_disabled_emails_answer_alike() {
    let app = spawn_app_with(|s| s.login_ip_max = 1000).await;
    app.create_user("known@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    let gone = app
        .create_user("gone@acme.example", STAFF_PW, Role::Staff, None)
        .await;
    cbc_portal::db::users::set_disabled(&app.db, gone, true)
        .await
        .expect("disable");
    let emails = [
        "known@acme.example",
        "nobody@acme.example",
        "gone@acme.example",
    ];
    let mut sequences = Vec::new();
    let mut last_pages = Vec::new();
    for email in emails {
        let mut statuses = Vec::new();
        let mut page = String::new();
        for _ in 0..12 {
            let res = app.new_client().login(email, "wrong password!").await;
            statuses.push(res.status().as_u16());
            page = normalise(&res.text().await.expect("body")).replace(email, "EMAIL");
        }
        sequences.push(statuses);
        last_pages.push(page);
    }
    let last: Vec<u16> = sequences.iter().map(|s| s[11]).collect();
    assert_eq!(last, vec![429, 429, 429], "known, unknown, disabled");
    let expected = [vec![422; 10], vec![429; 2]].concat();
    for (email, statuses) in emails.iter().zip(&sequences) {
        assert_eq!(statuses, &expected, "{email}");
    }
    assert_eq!(last_pages[0], last_pages[1], "known vs unknown page");
    assert_eq!(last_pages[0], last_pages[2], "known vs disabled page");
    // Typed differently, the same unknown address is the same address.
    assert_eq!(
        app.new_client()
            .login(" NOBODY@acme.example", "wrong password!")
            .await
            .status(),
        429
    );
    app.stop().await;
}
