//! `/admin/accounts`: create, edit (keeping or replacing the SK), disable/enable, and the SK
//! never leaving the database in clear.

use cbc_portal::domain::Role;
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::admin_users::{audit_rows, location, snapshot};
use crate::helpers::*;

const SK: &str = "Zq8SecretAccessKeyThatMustNeverShow0042";
const SK2: &str = "Second-Secret-Access-Key-Never-Shown-77";

fn account_form<'a>(name: &'a str, ak: &'a str, sk: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", name),
        ("endpoint", "https://bss.myhuaweicloud.eu"),
        ("domain_id", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
        ("ak", ak),
        ("sk", sk),
    ]
}

async fn create_via_form(app: &TestApp, name: &str, sk: &str) -> Uuid {
    let res = app
        .client
        .post_form(
            "/admin/accounts",
            &account_form(name, "HPUAEXAMPLEAK0000009", sk),
        )
        .await;
    assert_eq!(res.status(), 303, "create account");
    let loc = location(&res);
    loc.rsplit('/')
        .next()
        .and_then(|id| Uuid::parse_str(id).ok())
        .unwrap_or_else(|| panic!("redirect to the account, got {loc}"))
}

async fn stored_sk(app: &TestApp, id: Uuid) -> String {
    cbc_portal::db::accounts::secret_key(&app.db, &app.state.keys, id)
        .await
        .expect("decrypt")
        .expect("account")
        .expose_secret()
        .to_owned()
}

#[tokio::test]
async fn staff_creates_an_account_and_sees_only_the_sk_hint() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let html = app.client.get_html("/admin/accounts/new").await;
    assert!(
        html.contains(r#"value="https://bss.myhuaweicloud.eu""#),
        "default endpoint"
    );

    let id = create_via_form(&app, "Acme EU", SK).await;
    assert_eq!(stored_sk(&app, id).await, SK);
    let html = app.client.get_html(&format!("/admin/accounts/{id}")).await;
    assert!(select_text(&html, ".flash-success")[0].contains("Acme EU"));
    assert_eq!(
        select_text(&html, "#account-details .sk-hint"),
        vec!["****0042"]
    );
    let html = app.client.get_html("/admin/accounts").await;
    assert_eq!(select_text(&html, "#accounts td.name a"), vec!["Acme EU"]);
    assert_eq!(
        select_text(&html, "#accounts td.ak"),
        vec!["HPUAEXAMPLEAK0000009"]
    );
    assert_eq!(select_text(&html, "#accounts td.sk-hint"), vec!["****0042"]);
    assert_eq!(select_text(&html, "#accounts td.status"), vec!["Active"]);

    let rows = audit_rows(&app, "createCloudAccount").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, Some(staff));
    assert_eq!(rows[0].3["ak"], "HPUAEXAMPLEAK0000009");
    assert_eq!(rows[0].3["endpoint"], "https://bss.myhuaweicloud.eu");
    assert!(!rows[0].3.to_string().contains(SK));
    app.stop().await;
}

#[tokio::test]
async fn bad_account_input_shows_field_messages_and_creates_nothing() {
    let app = spawn_app().await;
    app.login_staff().await;
    create_via_form(&app, "Acme", SK).await;
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(
            "/admin/accounts",
            &[
                ("name", ""),
                ("endpoint", "http://evil.example/path"),
                ("domain_id", "bad id!"),
                ("ak", "short"),
                ("sk", "tiny"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    for f in ["name", "endpoint", "domain_id", "ak", "sk"] {
        assert!(has(&html, &format!("#{f}-error")), "message next to {f}");
    }
    assert!(!html.contains("tiny"), "the SK is never echoed");
    // A missing SK on create, and a name that exists (any case).
    let res = app
        .client
        .post_form(
            "/admin/accounts",
            &account_form("Other", "HPUAEXAMPLEAK0000009", ""),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(has(&res.text().await.expect("body"), "#sk-error"));
    let res = app
        .client
        .post_form(
            "/admin/accounts",
            &account_form("ACME", "HPUAEXAMPLEAK0000009", SK2),
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(select_text(&html, "#name-error")[0].contains("already exists"));
    assert!(!html.contains(SK2));
    assert_eq!(snapshot(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn editing_with_an_empty_sk_keeps_the_stored_one_and_a_new_sk_replaces_it() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let id = create_via_form(&app, "Acme", SK).await;
    let path = format!("/admin/accounts/{id}");
    // The edit form never carries the SK.
    let html = app.client.get_html(&path).await;
    assert_eq!(
        select_text(&html, "#account-edit input#sk[value]").len(),
        0,
        "no value on the SK field"
    );

    let res = app
        .client
        .post_form(
            &path,
            &account_form("Acme Renamed", "HPUANEWAK00000000002", ""),
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(stored_sk(&app, id).await, SK, "SK kept");
    let html = app.client.get_html(&path).await;
    assert_eq!(select_text(&html, "h1"), vec!["Acme Renamed"]);
    assert_eq!(
        select_text(&html, "#account-details .sk-hint"),
        vec!["****0042"]
    );

    let res = app
        .client
        .post_form(
            &path,
            &account_form("Acme Renamed", "HPUANEWAK00000000002", SK2),
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(stored_sk(&app, id).await, SK2, "SK replaced");
    let html = app.client.get_html(&path).await;
    assert_eq!(
        select_text(&html, "#account-details .sk-hint"),
        vec!["****n-77"]
    );

    // Bad input on edit changes nothing.
    let before = snapshot(&app).await;
    let res = app
        .client
        .post_form(&path, &account_form("Acme Renamed", "bad ak", "x"))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(has(&html, "#ak-error") && has(&html, "#sk-error"));
    assert_eq!(snapshot(&app).await, before);

    let rows = audit_rows(&app, "updateCloudAccount").await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.0 == Some(staff)));
    assert_eq!(rows[0].3["ak"], "HPUANEWAK00000000002");
    assert_eq!(rows[0].3["sk_replaced"], false);
    assert_eq!(rows[1].3["sk_replaced"], true);
    assert_eq!(rows[1].3["endpoint"], "https://bss.myhuaweicloud.eu");
    app.stop().await;
}

#[tokio::test]
async fn disabling_and_enabling_an_account_is_audited_and_renames_show_at_once() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let id = create_via_form(&app, "Acme", SK).await;
    // A customer of the account sees its name on every page (from the cached account).
    app.create_user("ann@acme.example", CUSTOMER_PW, Role::Viewer, Some(id))
        .await;
    let customer = app.new_client();
    assert_eq!(
        customer
            .login("ann@acme.example", CUSTOMER_PW)
            .await
            .status(),
        303
    );
    assert_eq!(
        select_text(&customer.get_html("/pricing").await, ".topbar .account"),
        vec!["Acme"]
    );

    let path = format!("/admin/accounts/{id}");
    let res = app.client.post_form(&format!("{path}/disable"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html("/admin/accounts").await;
    assert_eq!(select_text(&html, "#accounts td.status"), vec!["Disabled"]);
    let res = app.client.post_form(&format!("{path}/enable"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html("/admin/accounts").await;
    assert_eq!(select_text(&html, "#accounts td.status"), vec!["Active"]);
    for event in ["disableCloudAccount", "enableCloudAccount"] {
        let rows = audit_rows(&app, event).await;
        assert_eq!(rows.len(), 1, "{event}");
        assert_eq!(rows[0].0, Some(staff));
        assert_eq!(rows[0].2.as_deref(), Some(id.to_string().as_str()));
    }

    let res = app
        .client
        .post_form(&path, &account_form("Acme Two", "HPUAEXAMPLEAK0000009", ""))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        select_text(&customer.get_html("/pricing").await, ".topbar .account"),
        vec!["Acme Two"],
        "the account cache was invalidated"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_sk_never_appears_in_any_page_or_log() {
    let app = spawn_app().await;
    app.login_staff().await;
    let id = create_via_form(&app, "Acme", SK).await;
    let path = format!("/admin/accounts/{id}");
    // An edit that fails validation with a new SK, and one that keeps it.
    let res = app
        .client
        .post_form(&path, &account_form("", "HPUAEXAMPLEAK0000009", SK2))
        .await;
    assert_eq!(res.status(), 422);
    let failed = res.text().await.expect("body");
    let res = app
        .client
        .post_form(&path, &account_form("Acme", "HPUANEWAK00000000002", SK2))
        .await;
    assert_eq!(res.status(), 303);
    let user = app
        .create_user("ann@acme.example", CUSTOMER_PW, Role::Manager, Some(id))
        .await;

    let events: Vec<i64> = sqlx::query_scalar("SELECT id FROM audit_events")
        .fetch_all(&app.db)
        .await
        .expect("events");
    let mut pages = vec![
        "/admin".to_owned(),
        "/admin/accounts".to_owned(),
        "/admin/accounts/new".to_owned(),
        path.clone(),
        "/admin/users".to_owned(),
        format!("/admin/users/{user}"),
        "/admin/users/new".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/audit.csv".to_owned(),
    ];
    pages.extend(events.iter().map(|e| format!("/admin/audit/{e}")));
    let mut bodies = vec![failed];
    for p in &pages {
        let res = app.client.get(p).await;
        assert_eq!(res.status(), 200, "{p}");
        bodies.push(res.text().await.expect("body"));
    }
    for (body, page) in bodies
        .iter()
        .zip(std::iter::once(&"failed edit".to_owned()).chain(&pages))
    {
        for sk in [SK, SK2] {
            assert!(!body.contains(sk), "SK on {page}");
        }
    }
    // The hint is there, so the pages did render the account.
    assert!(bodies.iter().any(|b| b.contains("****n-77")));
    // A refused post that carries the SK writes a log line; the line must not carry the SK.
    let res = app
        .client
        .post_raw(
            &path,
            &account_form("Acme", "HPUANEWAK00000000002", SK),
            same_origin(),
        )
        .await;
    assert_eq!(res.status(), 403);
    let logs = captured_logs();
    assert!(logs.contains("csrf_rejected"), "logs are captured");
    for sk in [SK, SK2] {
        assert!(!logs.contains(sk), "SK in logs");
    }
    app.stop().await;
}

#[tokio::test]
async fn test_connection_shows_the_balance_or_the_exact_cbc_error_and_is_audited() {
    let app = spawn_sandboxed_app().await;
    let staff = app.login_staff().await;
    let demo = cbc_portal::db::accounts::by_id(&app.db, app.account_a())
        .await
        .expect("query")
        .expect("the sandbox seeded account");
    let before = app.sandbox_count("ShowCustomerAccountBalances").await;
    let path = format!("/admin/accounts/{}", demo.id);
    let html = app.client.get_html(&path).await;
    assert!(has(&html, "#account-test button"));

    let res = app.client.post_form(&format!("{path}/test"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), path);
    let html = app.client.get_html(&path).await;
    let ok = select_text(&html, ".flash-success");
    assert_eq!(ok.len(), 1, "{html}");
    assert!(
        ok[0].contains("works") && ok[0].contains("cash"),
        "{}",
        ok[0]
    );
    assert_eq!(
        app.sandbox_count("ShowCustomerAccountBalances").await,
        before + 1,
        "one fresh upstream call"
    );

    // A wrong SK: CBC's gateway refuses the signature, and the page says so exactly.
    let res = app
        .client
        .post_form(
            &path,
            &[
                ("name", &demo.name),
                ("endpoint", &demo.endpoint),
                ("domain_id", &demo.domain_id),
                ("ak", &demo.ak),
                ("sk", "WrongSecretKey00000000000000000000000000"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = app.client.post_form(&format!("{path}/test"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html(&path).await;
    let err = select_text(&html, ".flash-error");
    assert_eq!(err.len(), 1, "{html}");
    assert!(err[0].contains("APIG.0301"), "{}", err[0]);

    let rows: Vec<(Option<Uuid>, String, Option<String>, serde_json::Value)> = sqlx::query_as(
        "SELECT actor_user_id, outcome, error_code, summary FROM audit_events \
         WHERE event = 'testCloudAccount' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.0 == Some(staff)));
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2.as_deref()),
        ("success", None)
    );
    assert_eq!(
        (rows[1].1.as_str(), rows[1].2.as_deref()),
        ("failure", Some("APIG.0301"))
    );
    assert_eq!(rows[1].3["ak"], demo.ak.as_str());
    assert!(!captured_logs().contains("WrongSecretKey0000"));
    app.stop().await;
}

/// The project id shown for each region on the account page, `(region, value)`.
fn shown_projects(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("form#account-projects input[name^='project[']")
        .expect("selector");
    doc.select(&sel)
        .map(|e| {
            let name = e.value().attr("name").unwrap_or_default();
            let region = name
                .trim_start_matches("project[")
                .trim_end_matches(']')
                .to_owned();
            (
                region,
                e.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn staff_store_each_regions_project_id_on_the_account_page() {
    let app = spawn_app().await;
    let staff = app.login_staff().await;
    let id = create_via_form(&app, "Acme", SK).await;
    let path = format!("/admin/accounts/{id}");
    let html = app.client.get_html(&path).await;
    let shown = shown_projects(&html);
    let regions: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/cbc-api/catalog/regions.json"))
            .expect("regions");
    let codes: Vec<String> = regions["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .map(|r| r["region_code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(
        shown.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
        codes,
        "one field per region of the catalog"
    );
    assert!(shown.iter().all(|(_, v)| v.is_empty()), "none set yet");

    let eu = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let ap = "aa00bb11cc22dd33ee44ff5566778899";
    let res = app
        .client
        .post_form(
            &format!("{path}/projects"),
            &[
                ("project[eu-west-101]", eu),
                ("project[ap-southeast-1]", ap),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html(&path).await;
    let shown = shown_projects(&html);
    let value = |r: &str| {
        shown
            .iter()
            .find(|(x, _)| x == r)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(value("eu-west-101"), eu);
    assert_eq!(value("ap-southeast-1"), ap);
    assert_eq!(value("eu-west-0"), "");
    let rows = audit_rows(&app, "updateCloudAccount").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, Some(staff));
    assert_eq!(rows[0].3["projects"]["eu-west-101"], eu);

    // Bad input: a message next to the field, nothing stored.
    let before = snapshot(&app).await;
    for (value, why) in [
        ("not a project!", "characters"),
        ("0a1b2c3d4e5f67890a1b2c3d4e5f6789", "account (domain) ID"),
    ] {
        let res = app
            .client
            .post_form(
                &format!("{path}/projects"),
                &[("project[eu-west-101]", ""), ("project[eu-west-0]", value)],
            )
            .await;
        assert_eq!(res.status(), 422, "{value}");
        let html = res.text().await.expect("body");
        let msg = select_text(&html, "#project-eu-west-0-error").join(" ");
        assert!(msg.contains(why), "{value}: {msg:?}");
        assert_eq!(
            shown_projects(&html)
                .into_iter()
                .find(|(r, _)| r == "eu-west-0")
                .map(|(_, v)| v),
            Some(value.to_owned()),
            "the typed value is kept"
        );
        assert_eq!(snapshot(&app).await, before);
    }
    let html = app.client.get_html(&path).await;
    assert_eq!(
        shown_projects(&html)
            .into_iter()
            .find(|(r, _)| r == "eu-west-101")
            .map(|(_, v)| v),
        Some(eu.to_owned())
    );
    let res = app
        .client
        .post_form(&format!("{path}/projects"), &[("project[mars-1]", eu)])
        .await;
    assert_eq!(res.status(), 422, "unknown regions are refused");

    // Clearing a field removes that region's project.
    let res = app
        .client
        .post_form(
            &format!("{path}/projects"),
            &[("project[ap-southeast-1]", "")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = app.client.get_html(&path).await;
    let shown = shown_projects(&html);
    assert_eq!(
        shown
            .iter()
            .find(|(r, _)| r == "ap-southeast-1")
            .map(|(_, v)| v.as_str()),
        Some("")
    );
    assert_eq!(
        shown
            .iter()
            .find(|(r, _)| r == "eu-west-101")
            .map(|(_, v)| v.as_str()),
        Some(eu),
        "regions not in the form keep theirs"
    );
    app.stop().await;
}
