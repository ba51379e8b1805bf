//! The audit trail: `/admin/audit` (filters, paging, detail, CSV) and a manager's `/audit`.

use cbc_portal::domain::Role;
use uuid::Uuid;

use crate::admin_users::an_account;
use crate::helpers::*;

/// One event to insert directly (the trail only appends, so tests may back-date rows).
struct Ev<'a> {
    event: &'a str,
    status: &'a str,
    outcome: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    operator: &'a str,
    account: Option<Uuid>,
    hours_ago: i64,
    summary: serde_json::Value,
}

impl Default for Ev<'_> {
    fn default() -> Self {
        Self {
            event: "renewResources",
            status: "normal",
            outcome: "success",
            resource_type: "resource",
            resource_id: "res-1",
            operator: "ann@acme.example",
            account: None,
            hours_ago: 0,
            summary: serde_json::json!({}),
        }
    }
}

async fn insert(app: &TestApp, e: Ev<'_>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO audit_events (occurred_at, event, resource_type, resource_id, trace_status, \
         outcome, actor_email, cloud_account_id, source_ip, request_id, summary) \
         VALUES (now() - make_interval(hours => $1), $2, $3, $4, $5, $6, $7, $8, '192.0.2.7', \
         'req-test-1', $9) RETURNING id",
    )
    .bind(e.hours_ago as i32)
    .bind(e.event)
    .bind(e.resource_type)
    .bind(e.resource_id)
    .bind(e.status)
    .bind(e.outcome)
    .bind(e.operator)
    .bind(e.account)
    .bind(e.summary)
    .fetch_one(&app.db)
    .await
    .expect("insert event")
}

fn href(html: &str, selector: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("href"))
        .map(str::to_owned)
}

fn column(html: &str, class: &str) -> Vec<String> {
    select_text(html, &format!("#trail tbody td.{class}"))
}

#[tokio::test]
async fn filters_narrow_the_trail_and_live_in_the_url() {
    let app = spawn_app().await;
    app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let beta = an_account(&app, "Beta").await;
    insert(
        &app,
        Ev {
            resource_id: "res-a",
            account: Some(acme),
            ..Ev::default()
        },
    )
    .await;
    insert(
        &app,
        Ev {
            event: "payCustomerOrderV3",
            status: "warning",
            outcome: "failure",
            resource_type: "order",
            resource_id: "CS2601011234ABCDE",
            operator: "bob@beta.example",
            account: Some(beta),
            ..Ev::default()
        },
    )
    .await;
    insert(
        &app,
        Ev {
            resource_id: "old",
            hours_ago: 50,
            ..Ev::default()
        },
    )
    .await;

    let ids = |html: &str| column(html, "resource-id");
    // Default: the last day, every event (the staff login included).
    let html = app.client.get_html("/admin/audit").await;
    let all = ids(&html);
    assert!(all.contains(&"res-a".to_owned()) && all.contains(&"CS2601011234ABCDE".to_owned()));
    assert!(!all.contains(&"old".to_owned()), "older than a day");
    assert!(column(&html, "event").contains(&"login".to_owned()));
    assert_eq!(
        select_text(&html, "#range option[selected]"),
        vec!["Last day"]
    );
    // Each filter.
    let html = app
        .client
        .get_html("/admin/audit?range=week&event=renewResources")
        .await;
    assert_eq!(ids(&html), vec!["res-a", "old"]);
    let html = app.client.get_html("/admin/audit?status=warning").await;
    assert_eq!(ids(&html), vec!["CS2601011234ABCDE"]);
    assert_eq!(column(&html, "outcome"), vec!["failure"]);
    assert_eq!(column(&html, "account"), vec!["Beta"]);
    assert_eq!(column(&html, "source-ip"), vec!["192.0.2.7"]);
    let html = app
        .client
        .get_html("/admin/audit?resource_type=order")
        .await;
    assert_eq!(ids(&html), vec!["CS2601011234ABCDE"]);
    let html = app.client.get_html("/admin/audit?resource_id=res-a").await;
    assert_eq!(column(&html, "account"), vec!["Acme"]);
    let html = app.client.get_html("/admin/audit?operator=BOB%40").await;
    assert_eq!(column(&html, "operator"), vec!["bob@beta.example"]);
    let html = app
        .client
        .get_html(&format!("/admin/audit?account={acme}"))
        .await;
    assert_eq!(ids(&html), vec!["res-a"]);
    let html = app
        .client
        .get_html("/admin/audit?range=hour&status=incident")
        .await;
    assert!(has(&html, "p.empty"));
    // A custom range (UTC) reaches the old event.
    let from = (time::OffsetDateTime::now_utc() - time::Duration::hours(60))
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]"
        ))
        .expect("format");
    let to = (time::OffsetDateTime::now_utc() - time::Duration::hours(40))
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]"
        ))
        .expect("format");
    let html = app
        .client
        .get_html(&format!("/admin/audit?range=custom&from={from}&to={to}"))
        .await;
    assert_eq!(ids(&html), vec!["old"]);
    // The export link carries the same filters.
    let html = app
        .client
        .get_html("/admin/audit?status=warning&event=x")
        .await;
    let export = select_text(&html, "#export");
    assert_eq!(export, vec!["Export CSV"]);
    assert_eq!(
        href(&html, "#export").as_deref(),
        Some("/admin/audit.csv?range=day&status=warning&event=x")
    );
    app.stop().await;
}

#[tokio::test]
async fn invalid_filters_are_refused_next_to_the_field_and_run_no_query() {
    let app = spawn_app().await;
    app.login_staff().await;
    let cases = [
        ("from=yesterday", "from"),
        ("range=custom", "from"),
        ("from=2026-03-02T00:00&to=2026-03-01T00:00", "to"),
        ("from=2025-01-01T00:00&to=2025-06-01T00:00", "from"),
        ("to=tomorrow&from=2026-03-01T00:00", "to"),
        ("status=fatal", "status"),
        ("range=year", "range"),
        ("account=not-an-account", "account"),
    ];
    for (query, field) in cases {
        for path in ["/admin/audit", "/admin/audit.csv"] {
            let res = app.client.get(&format!("{path}?{query}")).await;
            assert_eq!(res.status(), 422, "{path}?{query}");
            let html = res.text().await.expect("body");
            assert!(
                has(&html, &format!("#{field}-error.field-error")),
                "{query}"
            );
            assert!(!has(&html, "#trail"), "no results for {query}");
        }
    }
    assert_eq!(app.audit_events("exportAuditTrail").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn the_trail_pages_50_at_a_time() {
    let app = spawn_app().await;
    app.login_staff().await;
    for i in 0..60 {
        insert(
            &app,
            Ev {
                resource_id: &format!("r{i}"),
                ..Ev::default()
            },
        )
        .await;
    }
    let html = app
        .client
        .get_html("/admin/audit?event=renewResources")
        .await;
    assert_eq!(column(&html, "resource-id").len(), 50);
    assert!(select_text(&html, ".pager")[0].contains("Page 1 of 2"));
    let html = app
        .client
        .get_html("/admin/audit?event=renewResources&page=2")
        .await;
    assert_eq!(column(&html, "resource-id").len(), 10);
    assert!(has(&html, "a[rel=prev]") && !has(&html, "a[rel=next]"));
    app.stop().await;
}

#[tokio::test]
async fn the_detail_view_shows_every_field_and_escapes_the_summary() {
    let app = spawn_app().await;
    app.login_staff().await;
    let acme = an_account(&app, "Acme").await;
    let id = insert(
        &app,
        Ev {
            account: Some(acme),
            summary: serde_json::json!({ "note": "<script>alert(1)</script>", "n": 1 }),
            ..Ev::default()
        },
    )
    .await;
    let res = app.client.get(&format!("/admin/audit/{id}")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(!html.contains("<script>alert"), "escaped");
    let summary = select_text(&html, "#summary")[0].clone();
    assert!(
        summary.contains("\"note\": \"<script>alert(1)</script>\""),
        "{summary}"
    );
    assert!(summary.contains('\n'), "pretty-printed");
    assert_eq!(select_text(&html, "#event-details .account"), vec!["Acme"]);
    assert_eq!(
        select_text(&html, "#event-details .request-id"),
        vec!["req-test-1"]
    );
    assert_eq!(
        select_text(&html, "#event-details .resource-id"),
        vec!["res-1"]
    );
    assert_eq!(app.client.get("/admin/audit/99999999").await.status(), 404);
    assert_eq!(app.client.get("/admin/audit/abc").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn the_csv_export_follows_the_filters_neutralises_formulas_and_is_audited() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let formulas = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tcmd",
        "\rcmd",
    ];
    for f in formulas {
        insert(
            &app,
            Ev {
                resource_id: f,
                operator: f,
                ..Ev::default()
            },
        )
        .await;
    }
    insert(
        &app,
        Ev {
            event: "cancelCustomerOrder",
            resource_id: "plain",
            ..Ev::default()
        },
    )
    .await;
    let res = app
        .client
        .get("/admin/audit.csv?event=renewResources")
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .contains("attachment")
    );
    let body = res.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), formulas.len(), "only the filtered event");
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r[col("resource_id")].to_owned())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = formulas.iter().map(|f| format!("'{f}")).collect();
    expected.sort();
    assert_eq!(ids, expected);
    for r in &rows {
        assert!(r[col("operator")].starts_with('\''));
        assert_eq!(&r[col("event")], "renewResources");
        for cell in r.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']),
                "unsafe cell {cell:?}"
            );
        }
    }
    let exported: Vec<(Option<Uuid>, serde_json::Value)> = sqlx::query_as(
        "SELECT actor_user_id, summary FROM audit_events WHERE event = 'exportAuditTrail'",
    )
    .fetch_all(&app.db)
    .await
    .expect("export rows");
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].0, Some(staff));
    assert_eq!(exported[0].1["filters"]["event"], "renewResources");
    app.stop().await;
}

#[tokio::test]
async fn the_audit_table_refuses_update_and_delete() {
    let app = spawn_app().await;
    let id = insert(&app, Ev::default()).await;
    let update = sqlx::query("UPDATE audit_events SET outcome = 'failure' WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await;
    assert!(update.is_err(), "UPDATE must fail");
    let delete = sqlx::query("DELETE FROM audit_events WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await;
    assert!(delete.is_err(), "DELETE must fail");
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM audit_events WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("row still there");
    assert_eq!(outcome, "success");
    app.stop().await;
}

#[tokio::test]
async fn a_manager_sees_only_their_own_accounts_events() {
    let app = spawn_app().await;
    let (_, acme) = app.login_customer(Role::Manager).await;
    let beta = an_account(&app, "Beta").await;
    let own = insert(
        &app,
        Ev {
            resource_id: "own-res",
            account: Some(acme),
            ..Ev::default()
        },
    )
    .await;
    let other = insert(
        &app,
        Ev {
            resource_id: "beta-res",
            account: Some(beta),
            ..Ev::default()
        },
    )
    .await;
    insert(
        &app,
        Ev {
            resource_id: "no-account",
            ..Ev::default()
        },
    )
    .await;

    let res = app.client.get("/audit").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    let ids = column(&html, "resource-id");
    assert!(ids.contains(&"own-res".to_owned()));
    assert!(!ids.contains(&"beta-res".to_owned()) && !ids.contains(&"no-account".to_owned()));
    assert!(column(&html, "account").iter().all(|a| a == "Acme"));
    assert!(!has(&html, "#account"), "no account filter for managers");
    assert!(!has(&html, "#export"));
    // An account filter in the URL cannot widen the view.
    let html = app.client.get_html(&format!("/audit?account={beta}")).await;
    assert!(!column(&html, "resource-id").contains(&"beta-res".to_owned()));
    // Filters work; bad ones are refused.
    let html = app.client.get_html("/audit?resource_id=own-res").await;
    assert_eq!(column(&html, "resource-id"), vec!["own-res"]);
    assert_eq!(app.client.get("/audit?status=bad").await.status(), 422);

    assert_eq!(app.client.get(&format!("/audit/{own}")).await.status(), 200);
    assert_eq!(
        app.client.get(&format!("/audit/{other}")).await.status(),
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn viewers_are_refused_the_trail() {
    let app = spawn_app().await;
    let (_, acme) = app.login_customer(Role::Viewer).await;
    let own = insert(
        &app,
        Ev {
            account: Some(acme),
            ..Ev::default()
        },
    )
    .await;
    let before = app.audit_events("authzDenied").await;
    assert_eq!(app.client.get("/audit").await.status(), 403);
    assert_eq!(app.client.get(&format!("/audit/{own}")).await.status(), 403);
    assert_eq!(app.audit_events("authzDenied").await, before + 2);
    app.stop().await;
}
