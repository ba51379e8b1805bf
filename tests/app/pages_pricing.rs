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

/// Logs a staff user in on a client of its own (the app's client is the customer's).
async fn staff_client(app: &crate::helpers::TestApp) -> crate::helpers::TestClient {
    let staff = app.new_client();
    let id = app
        .create_user(
            "staff@example.com",
            crate::helpers::STAFF_PW,
            Role::Staff,
            None,
        )
        .await;
    app.login_staff_as(&staff, id, "staff@example.com", crate::helpers::STAFF_PW)
        .await;
    staff
}

/// Sets the project ids of `account` on its admin page: `(region, project id)`.
async fn set_projects(
    staff: &crate::helpers::TestClient,
    account: uuid::Uuid,
    projects: &[(&str, &str)],
) {
    let fields: Vec<(String, String)> = projects
        .iter()
        .map(|(r, p)| (format!("project[{r}]"), (*p).to_owned()))
        .collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = staff
        .post_form(&format!("/admin/accounts/{account}/projects"), &form)
        .await;
    assert_eq!(res.status(), 303, "projects saved");
}

#[tokio::test]
async fn prices_are_asked_with_the_regions_project_id_not_the_domain_id() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    // The seeded account works out of the box: its projects were stored at start.
    let ppu = "spec=ecs-c6.large.2&quantity=2&mode=ppu&hours=730";
    let html = get_ok(&app, &format!("/pricing?region=eu-west-101&{ppu}"), 200).await;
    assert!(is_money(&select_text(&html, "td.final-price")[0]));
    let html = get_ok(
        &app,
        "/pricing/compare?region=eu-west-0&spec=ecs-c6.large.2",
        200,
    )
    .await;
    assert!(has(&html, "table.compare"));

    // What is sent is the stored project of the priced region: a wrong one for one region is
    // refused upstream there, and the other regions still price.
    let staff = staff_client(&app).await;
    let real = app.sandbox_project(app.account_a(), "ap-southeast-1").await;
    let domain_id = cbc_portal::db::accounts::by_id(&app.db, app.account_a())
        .await
        .expect("db")
        .expect("account")
        .domain_id;
    assert_ne!(real, domain_id);
    set_projects(
        &staff,
        app.account_a(),
        &[("ap-southeast-1", "0123456789abcdef0123456789abcdef")],
    )
    .await;
    let res = app
        .client
        .get(&format!("/pricing?region=ap-southeast-1&{ppu}"))
        .await;
    assert_eq!(
        res.status(),
        422,
        "the sandbox refuses a project that is not the account's"
    );
    assert!(res.text().await.expect("body").contains("CBC.0100"));
    set_projects(&staff, app.account_a(), &[("ap-southeast-1", &real)]).await;
    get_ok(&app, &format!("/pricing?region=ap-southeast-1&{ppu}"), 200).await;
    get_ok(
        &app,
        "/pricing?region=eu-west-101&spec=ecs-c6.large.2&quantity=3&mode=ppu&hours=731",
        200,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_region_without_a_project_is_explained_and_never_asked_upstream() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let staff = staff_client(&app).await;
    set_projects(&staff, app.account_a(), &[("eu-west-0", "")]).await;
    let form = get_ok(&app, "/pricing", 200).await;
    let label = select_text(&form, "select[name=region] option[value=eu-west-0]");
    assert!(
        label[0].contains("no project"),
        "the region list says which regions cannot be priced: {label:?}"
    );
    let before = calls(&app).await;
    for path in [
        "/pricing?region=eu-west-0&spec=ecs-c6.large.2&mode=ppu",
        "/pricing?region=eu-west-0&spec=ecs-c6.large.2&mode=period",
        "/pricing/compare?region=eu-west-0&spec=ecs-c6.large.2",
    ] {
        let html = get_ok(&app, path, 422).await;
        let msg = select_text(&html, "#e-region").join(" ");
        assert!(
            msg.contains("no project") && msg.contains("administrator"),
            "{path}: the page explains it next to the region: {msg:?}"
        );
    }
    assert_eq!(calls(&app).await, before, "nothing was asked upstream");
    // Other regions still price.
    get_ok(&app, &format!("/pricing?{ECS}&mode=ppu"), 200).await;
    app.stop().await;
}
