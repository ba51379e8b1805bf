//! `/catalog`: sections with filters, paging, caching and exports.

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::pages_support::{calls, count, get_ok, rows};

#[tokio::test]
async fn catalog_sections_render_filter_and_page() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let all = get_ok(&app, "/catalog", 200).await;
    let total = count(&all);
    assert!(total > 10, "service types: {total}");
    assert_eq!(rows(&all, "table") as u64, total.min(25));
    let ecs = get_ok(&app, "/catalog?q=Elastic", 200).await;
    assert!(count(&ecs) < total && count(&ecs) > 0);
    assert!(
        select_text(&ecs, "table tbody td:first-child")
            .iter()
            .all(|n| n.to_lowercase().contains("elastic"))
    );
    let page2 = get_ok(&app, "/catalog?size=10&page=2", 200).await;
    assert_eq!(rows(&page2, "table"), 10);
    assert!(has(&page2, "a[rel=prev]"));

    let rt = get_ok(
        &app,
        "/catalog/resource-types?service_type=hws.service.type.ec2",
        200,
    )
    .await;
    assert!(count(&rt) > 0);
    assert!(
        select_text(&rt, "table tbody td:nth-child(3)")
            .iter()
            .all(|s| s == "hws.service.type.ec2")
    );

    let svc = get_ok(&app, "/catalog/services/hws.service.type.ec2", 200).await;
    assert!(rows(&svc, "table") > 0);
    let usage = get_ok(
        &app,
        "/catalog/usage-types?resource_type=hws.resource.type.vm",
        200,
    )
    .await;
    assert!(rows(&usage, "table") > 0);
    let units = get_ok(&app, "/catalog/units", 200).await;
    assert!(rows(&units, "table") > 0);
    assert!(select_text(&units, "h2").iter().any(|h| h == "Conversions"));
    app.stop().await;
}

#[tokio::test]
async fn catalog_pages_are_cached_and_bad_filters_cost_nothing() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    get_ok(&app, "/catalog", 200).await;
    let after_first = calls(&app).await;
    get_ok(&app, "/catalog", 200).await;
    get_ok(&app, "/catalog?sort=code&dir=desc", 200).await;
    assert_eq!(calls(&app).await, after_first, "served from the cache");
    for bad in [
        "/catalog?size=1000",
        "/catalog?page=0",
        "/catalog?sort=secret",
        "/catalog?q=%3Cscript%3E",
        "/catalog/units?measure_type=x",
    ] {
        let html = get_ok(&app, bad, 422).await;
        assert!(
            has(&html, ".field-error") || has(&html, ".form-error"),
            "{bad}"
        );
    }
    assert_eq!(
        calls(&app).await,
        after_first,
        "refused filters make no upstream call"
    );
    app.stop().await;
}

#[tokio::test]
async fn catalog_export_streams_every_row() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let total = count(&get_ok(&app, "/catalog", 200).await);
    let res = app.client.get("/catalog/export").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    let body = res.text().await.expect("csv");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(r.records().count() as u64, total);
    app.stop().await;
}

#[tokio::test]
async fn catalog_exports_follow_the_pages_filters() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    for (page, export, needle) in [
        ("/catalog/units?q=GB", "/catalog/units/export?q=GB", "gb"),
        (
            "/catalog/units?measure_type=3",
            "/catalog/units/export?measure_type=3",
            "",
        ),
        (
            "/catalog/usage-types?q=duration",
            "/catalog/usage-types/export?q=duration",
            "duration",
        ),
    ] {
        let html = get_ok(&app, page, 200).await;
        let shown = count(&html);
        assert!(shown > 0, "{page} shows rows");
        let csv = app.client.get(export).await.text().await.expect("csv");
        let lines: Vec<&str> = csv.lines().skip(1).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines.len() as u64,
            shown,
            "{export} has the page's {shown} rows:\n{csv}"
        );
        assert!(
            lines.iter().all(|l| l.to_lowercase().contains(needle)),
            "{export}"
        );
    }
    app.stop().await;
}
