//! `/pricing`: quotes, comparison, input checks before any call, and the per-user rate limit.

use cbc_portal::domain::Role;

use crate::helpers::{has, select_text, spawn_sandboxed_app};
use crate::pages_support::{calls, get_ok, is_money};

const ECS: &str = "region=eu-west-101&spec=ecs-c6.large.2&quantity=2";

#[tokio::test]
async fn quotes_show_list_discount_and_final_price() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let form = get_ok(&app, "/pricing", 200).await;
    assert!(has(&form, "select[name=spec] option"));
    let period = get_ok(
        &app,
        &format!("/pricing?{ECS}&mode=period&period_type=2&period_count=3"),
        200,
    )
    .await;
    let final_price = select_text(&period, "td.final-price");
    assert!(is_money(&final_price[0]), "{final_price:?}");
    assert!(is_money(&select_text(&period, "td.list-price")[0]));
    assert!(is_money(&select_text(&period, "td.discount")[0]));
    let ppu = get_ok(&app, &format!("/pricing?{ECS}&mode=ppu&hours=730"), 200).await;
    assert!(is_money(&select_text(&ppu, "td.final-price")[0]));
    assert_eq!(app.sandbox_count("ListRateOnPeriodDetail").await, 1);
    assert_eq!(app.sandbox_count("ListOnDemandResourceRatings").await, 1);

    let cmp = get_ok(&app, &format!("/pricing/compare?{ECS}&months=24"), 200).await;
    assert_eq!(select_text(&cmp, "table.compare tbody tr").len(), 24);
    let verdict = select_text(&cmp, ".break-even")[0].clone();
    assert!(
        verdict.contains("month") || verdict.contains("Pay-per-use"),
        "{verdict}"
    );
    // The sandbox prices a month as 730 hours at 80 %: monthly wins from month 1.
    assert!(has(&cmp, "tr.break-even-row"));
    app.stop().await;
}

#[tokio::test]
async fn invalid_inquiries_are_refused_before_any_call() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    get_ok(&app, "/pricing", 200).await;
    let before = calls(&app).await;
    for (query, field) in [
        (
            "region=eu-west-101&spec=ecs-c6.large.2&quantity=0",
            "quantity",
        ),
        (
            "region=eu-west-101&spec=ecs-c6.large.2&quantity=1001",
            "quantity",
        ),
        (
            "region=eu-west-101&spec=ecs-c6.large.2&period_type=4",
            "period_type",
        ),
        (
            "region=eu-west-101&spec=ecs-c6.large.2&period_type=3&period_count=5",
            "period_count",
        ),
        (
            "region=eu-west-101&spec=ecs-c6.large.2&period_count=12",
            "period_count",
        ),
        ("region=moon-1&spec=ecs-c6.large.2", "region"),
        ("region=eu-west-101&spec=not-a-spec", "spec"),
        ("region=eu-west-101&spec=bw-12_bgp&mode=period", "spec"),
    ] {
        let html = get_ok(&app, &format!("/pricing?{query}"), 422).await;
        assert!(
            has(&html, &format!("#e-{field}")),
            "{query}: message next to {field}"
        );
    }
    get_ok(
        &app,
        "/pricing/compare?region=eu-west-101&spec=ecs-c6.large.2&months=99",
        422,
    )
    .await;
    assert_eq!(
        calls(&app).await,
        before,
        "no upstream call for refused input"
    );
    app.stop().await;
}

#[tokio::test]
async fn price_inquiries_are_rate_limited_per_user() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let mut limited = None;
    for i in 0..40 {
        let res = app
            .client
            .get(&format!("/pricing?{ECS}&mode=ppu&hours={}", i + 1))
            .await;
        if res.status() == 429 {
            limited = Some(i);
            break;
        }
        assert_eq!(res.status(), 200);
    }
    assert_eq!(
        limited,
        Some(30),
        "the 31st inquiry within a minute is refused"
    );
    let n = app.sandbox_count("ListOnDemandResourceRatings").await;
    assert_eq!(n, 30);
    // Another user is not affected.
    let other = app.new_client();
    app.create_user(
        "other@example.com",
        crate::helpers::CUSTOMER_PW,
        Role::Viewer,
        Some(app.account_a()),
    )
    .await;
    assert_eq!(
        other
            .login("other@example.com", crate::helpers::CUSTOMER_PW)
            .await
            .status(),
        303
    );
    let res = other.get(&format!("/pricing?{ECS}&mode=ppu&hours=5")).await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}
