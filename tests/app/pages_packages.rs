//! `/packages`: packages with remaining/total per item, usage records with a checked window.

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::pages_support::{calls, get_ok, rows};

#[tokio::test]
async fn packages_show_remaining_and_total_per_item() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = get_ok(&app, "/packages", 200).await;
    assert!(rows(&html, "table") > 0, "the sandbox seeds packages");
    let remaining = select_text(&html, "table tbody td:nth-child(5)");
    assert!(
        remaining
            .iter()
            .all(|r| r.chars().next().is_some_and(|c| c.is_ascii_digit())),
        "{remaining:?}"
    );
    let effective = get_ok(&app, "/packages?status=1", 200).await;
    let pills = select_text(&effective, "table tbody .status-pill");
    assert!(!pills.is_empty(), "the sandbox seeds effective packages");
    assert!(pills.iter().all(|s| s == "Effective"), "{pills:?}");
    let recs = get_ok(&app, "/packages/records", 200).await;
    assert!(has(&recs, "input[name=from]"));
    let export = app.client.get("/packages/export").await;
    assert_eq!(export.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn record_windows_over_90_days_are_refused_before_any_call() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    get_ok(&app, "/account", 200).await;
    let before = calls(&app).await;
    let html = get_ok(&app, "/packages/records?from=2026-01-01&to=2026-05-01", 422).await;
    assert!(select_text(&html, "#e-to")[0].contains("90 days"));
    get_ok(&app, "/packages/records?from=2026-02-30", 422).await;
    get_ok(&app, "/packages/records?from=2026-03-10&to=2026-03-01", 422).await;
    get_ok(&app, "/packages?status=7", 422).await;
    assert_eq!(calls(&app).await, before);
    app.stop().await;
}
