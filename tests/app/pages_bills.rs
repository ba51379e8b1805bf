//! `/bills`: summary and chart, expenditures and usage details with filters, validation
//! before any call, audited streamed exports, and no way to reach another account.

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app, spawn_sandboxed_app_with};
use crate::pages_support::{calls, count, current_cycle, cycle_minus, get_ok, is_money, rows};

#[tokio::test]
async fn summary_shows_totals_groups_and_a_chart() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let cycle = cycle_minus(1);
    let html = get_ok(&app, &format!("/bills?cycle={cycle}"), 200).await;
    assert!(is_money(&select_text(&html, ".bill-total")[0]));
    assert!(rows(&html, "table.by-service") > 0);
    assert!(rows(&html, "table.by-mode") > 0);
    assert!(
        has(&html, "svg.chart rect title"),
        "chart segments carry titles"
    );
    assert!(!html.contains("style="), "no inline styles (CSP)");
    assert_eq!(
        rows(&html, "table.months"),
        12,
        "table fallback of the chart"
    );
    // Chart and summary: 12 cycles, the chosen one among them.
    assert_eq!(app.sandbox_count("ShowCustomerMonthlySum").await, 12);
    app.stop().await;
}

#[tokio::test]
async fn expenditures_and_details_follow_their_filters() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let cycle = cycle_minus(1);
    let all = get_ok(&app, &format!("/bills/resources?cycle={cycle}"), 200).await;
    let total = count(&all);
    assert!(total > 0);
    assert_eq!(rows(&all, "table") as u64, total.min(50));
    for a in select_text(&all, "table tbody td:nth-child(8)") {
        assert!(is_money(&a), "{a}");
    }
    let ppu = get_ok(
        &app,
        &format!("/bills/resources?cycle={cycle}&charge_mode=3"),
        200,
    )
    .await;
    assert!(count(&ppu) < total, "billing mode filter narrows the list");
    assert!(
        select_text(&ppu, "table tbody td:nth-child(4)")
            .iter()
            .all(|m| m == "Pay-per-use")
    );
    let paged = get_ok(
        &app,
        &format!("/bills/resources?cycle={cycle}&size=10&page=2"),
        200,
    )
    .await;
    assert_eq!(rows(&paged, "table"), 10);
    let details = get_ok(&app, &format!("/bills/details?cycle={cycle}&size=25"), 200).await;
    assert!(rows(&details, "table") > 0);
    app.stop().await;
}

#[tokio::test]
async fn invalid_bill_filters_are_refused_without_upstream_calls() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    get_ok(&app, "/account", 200).await;
    let before = calls(&app).await;
    let future = {
        let c = current_cycle();
        let (y, m) = c.split_once('-').expect("cycle");
        let (y, m): (i32, u32) = (y.parse().expect("y"), m.parse().expect("m"));
        if m == 12 {
            format!("{}-01", y + 1)
        } else {
            format!("{y}-{:02}", m + 1)
        }
    };
    let old = cycle_minus(37);
    for (path, field) in [
        ("/bills?cycle=2026-13", "cycle"),
        ("/bills?cycle=last-month", "cycle"),
        (&*format!("/bills/resources?cycle={future}"), "cycle"),
        (&*format!("/bills/details?cycle={old}"), "cycle"),
        ("/bills/resources?size=101", "size"),
        ("/bills/resources?size=0", "size"),
        ("/bills/resources?charge_mode=2", "charge_mode"),
        ("/bills/details?statistic_type=9", "statistic_type"),
        ("/bills/details?method=sub_customer", "method"),
        ("/bills/resources?bill_type=7", "bill_type"),
        ("/bills/resources?resource_id=a%27%3B--", "resource_id"),
    ] {
        let html = get_ok(&app, path, 422).await;
        assert!(
            has(&html, &format!("#e-{field}")),
            "{path}: message next to {field}"
        );
        assert!(has(&html, "form.filters"), "{path}: the form comes back");
    }
    // An export with refused filters answers the page, with the message next to the field.
    let html = get_ok(&app, "/bills/resources/export?cycle=1999-01", 422).await;
    assert!(has(&html, "#e-cycle"), "export: message next to cycle");
    assert_eq!(
        calls(&app).await,
        before,
        "refused filters make no upstream call"
    );
    app.stop().await;
}

#[tokio::test]
async fn bills_of_another_account_cannot_be_reached() {
    let app = spawn_sandboxed_app().await;
    let (a, b) = (app.account_a(), app.account_b());
    let ak_a = app.ak_of(a).await;
    let ak_b = app.ak_of(b).await;
    // A resource id of B, learnt through B's own user.
    let cycle = cycle_minus(1);
    let client_b = app.new_client();
    app.create_user(
        "b@example.com",
        crate::helpers::CUSTOMER_PW,
        Role::Viewer,
        Some(b),
    )
    .await;
    client_b
        .login("b@example.com", crate::helpers::CUSTOMER_PW)
        .await;
    let html_b = client_b
        .get_html(&format!("/bills/resources?cycle={cycle}"))
        .await;
    let cell = select_text(&html_b, "table tbody td:nth-child(3)")[0].clone();
    let b_resource = cell
        .rsplit_once('(')
        .map(|(_, r)| r.trim_end_matches(')').to_owned())
        .expect("id");
    app.sandbox_reset().await;

    app.login_as(Role::Viewer, a).await;
    let html = get_ok(
        &app,
        &format!("/bills/resources?cycle={cycle}&resource_id={b_resource}"),
        200,
    )
    .await;
    assert_eq!(rows(&html, "table"), 0, "B's resource is not in A's bills");
    assert!(has(&html, "p.empty"));
    get_ok(
        &app,
        &format!("/bills/details?cycle={cycle}&resource_id={b_resource}"),
        200,
    )
    .await;
    get_ok(&app, "/", 200).await;
    let by_ak = &app.sandbox_calls().await["by_ak"];
    assert!(by_ak.get(&ak_b).is_none(), "no call with B's key: {by_ak}");
    assert!(by_ak.get(&ak_a).is_some());
    app.stop().await;
}

#[tokio::test]
async fn large_export_streams_every_record_and_is_audited() {
    let app = spawn_sandboxed_app_with(|s| s.sandbox_records = 20_000).await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let cycle = cycle_minus(1);
    let total = count(&get_ok(&app, &format!("/bills/resources?cycle={cycle}"), 200).await);
    assert!(total > 1000, "more than one upstream page: {total}");
    let before = app.sandbox_count("ListCustomerselfResourceRecords").await;
    let mut res = app
        .client
        .get(&format!("/bills/resources/export?cycle={cycle}"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("content-length").is_none(),
        "streamed, not buffered"
    );
    let mut lines = 0usize;
    let mut chunks = 0usize;
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.expect("chunk") {
        chunks += 1;
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        body.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "arrives in pieces");
    let mut r = csv::Reader::from_reader(body.as_slice());
    let headers = r.headers().expect("header").clone();
    let amount = headers
        .iter()
        .position(|h| h == "amount")
        .expect("amount column");
    let recs: Vec<_> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(recs.len() as u64, total, "every record, once");
    assert!(lines as u64 > total);
    for rec in recs.iter().take(50) {
        let a = &rec[amount];
        assert!(
            a.parse::<rust_decimal::Decimal>().is_ok() && !a.contains(','),
            "plain decimal: {a}"
        );
    }
    let pages = app.sandbox_count("ListCustomerselfResourceRecords").await - before;
    assert_eq!(
        pages,
        total.div_ceil(1000),
        "paged through upstream 1000 at a time"
    );
    assert_eq!(app.audit_events("queryResFeeRecords").await, 1);
    let summary: serde_json::Value =
        sqlx::query_scalar("SELECT summary FROM audit_events WHERE event = 'queryResFeeRecords'")
            .fetch_one(&app.db)
            .await
            .expect("audit row");
    assert_eq!(summary["cycle"], cycle.as_str());

    let res = app
        .client
        .get(&format!(
            "/bills/details/export?cycle={cycle}&charge_mode=3"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.expect("csv");
    assert!(csv::Reader::from_reader(body.as_bytes()).records().count() > 0);
    assert_eq!(app.audit_events("queryResRecordsDetail").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn exports_are_rate_limited_per_user() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    for _ in 0..6 {
        let res = app.client.get("/coupons/export").await;
        assert_eq!(res.status(), 200);
        res.text().await.expect("body");
    }
    let res = app.client.get("/coupons/export").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    app.stop().await;
}

#[tokio::test]
async fn stale_data_is_labelled_when_huawei_is_down() {
    let app =
        spawn_sandboxed_app_with(|s| s.cbc_timeout = std::time::Duration::from_millis(500)).await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let cycle = cycle_minus(1);
    let path = format!("/bills/details?cycle={cycle}");
    get_ok(&app, &path, 200).await;
    // Let the account cache entry expire, then make CBC fail.
    tokio::time::sleep(std::time::Duration::from_secs(31)).await;
    app.sandbox_faults(serde_json::json!({"operations": {"ListCustomerselfResourceRecordDetails": {"http_status": 500, "error_code": "CBC.0999", "error_msg": "down"}}})).await;
    let res = app.client.get(&path).await;
    assert_eq!(res.status(), 200, "the last good answer stands in");
    let html = res.text().await.expect("body");
    let notice = select_text(&html, ".stale");
    assert!(
        notice
            .first()
            .is_some_and(|n| n.contains("minute") && n.contains("Huawei Cloud is not answering")),
        "{notice:?}"
    );
    assert!(rows(&html, "table") > 0, "with the old rows");
    app.stop().await;
}
