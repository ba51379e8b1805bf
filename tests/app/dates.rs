//! Date filters. Every date, date-time and month field of every list page is found by loading
//! each page the router serves and reading its form; each field then gets far-off, impossible
//! and malformed values on the page and on the page's exports. The answer is always the page
//! again with a message next to that field (422), never a server error, never an upstream call.

use cbc_portal::domain::Role;
use scraper::{ElementRef, Html, Selector};

use crate::helpers::*;
use crate::router_source::routes;

/// A date-like field of a list page's filter form.
#[derive(Debug, Clone)]
struct DateField {
    page: String,
    name: String,
    kind: String,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// Date, date-time and month inputs of a page.
fn date_fields(page: &str, html: &str) -> Vec<DateField> {
    let doc = Html::parse_document(html);
    doc.select(&sel(
        "input[type=date], input[type=datetime-local], input[type=month]",
    ))
    .filter_map(|i| {
        Some(DateField {
            page: page.to_owned(),
            name: i.value().attr("name")?.to_owned(),
            kind: i.value().attr("type")?.to_owned(),
        })
    })
    .collect()
}

/// Values no date filter may take, shaped for the field's kind (browsers send what they send;
/// the URL can hold anything).
fn hostile_values(kind: &str) -> Vec<String> {
    let days = ["9999-12-31", "0000-01-01", "2026-02-30", "garbage"];
    let mut out: Vec<String> = days.iter().map(|d| (*d).to_owned()).collect();
    match kind {
        "datetime-local" => out.extend(days[..3].iter().map(|d| format!("{d}T00:00"))),
        "month" => out.extend(["9999-12", "0000-01", "2026-13"].map(str::to_owned)),
        _ => {}
    }
    out
}

/// Whether the `.field` block holding the input `name` shows a message.
fn message_next_to(html: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let input = sel(&format!("[name=\"{name}\"]"));
    let error = sel(".field-error");
    doc.select(&sel(".field"))
        .filter(|f| f.select(&input).next().is_some())
        .find_map(|f: ElementRef| {
            f.select(&error)
                .next()
                .map(|e| e.text().collect::<String>().trim().to_owned())
        })
}

#[tokio::test]
async fn far_future_and_impossible_dates_are_a_field_error_not_a_500() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    let staff = app.new_client();
    let staff_id = app
        .create_user("staff@example.com", STAFF_PW, Role::Staff, None)
        .await;
    app.login_staff_as(&staff, staff_id, "staff@example.com", STAFF_PW)
        .await;
    let client_for = |path: &str| {
        if path.starts_with("/admin") {
            &staff
        } else {
            &app.client
        }
    };

    let all = routes();
    let pages: Vec<String> = all
        .iter()
        .filter(|r| {
            r.methods.contains(&"get")
                && !["/login", "/setup", "/healthz", "/readyz", "/logout"]
                    .contains(&r.path.as_str())
                && !r.path.starts_with("/static/")
                && !r.path.contains("X0000000001")
                && !r.path.contains("00000000-0000")
        })
        .map(|r| r.path.clone())
        .collect();
    let mut fields = Vec::new();
    for page in &pages {
        let res = client_for(page).get(page).await;
        if res.status() != 200 {
            continue;
        }
        let html = res.text().await.expect("body");
        fields.extend(date_fields(page, &html));
    }
    let found: Vec<String> = fields
        .iter()
        .map(|f| format!("{}?{}", f.page, f.name))
        .collect();
    for expected in [
        "/orders?created_to",
        "/orders?paid_to",
        "/renewals?expire_to",
        "/admin/audit?to",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "the scan finds {expected}; it found {found:?}"
        );
    }

    let mut failures = Vec::new();
    let mut checked = 0;
    for f in &fields {
        // The page itself and every export the router serves under it.
        let mut targets = vec![f.page.clone()];
        targets.extend(
            all.iter()
                .filter(|r| {
                    r.methods.contains(&"get")
                        && r.path.starts_with(&f.page)
                        && (r.path.ends_with("/export") || r.path.ends_with(".csv"))
                })
                .map(|r| r.path.clone()),
        );
        for target in &targets {
            for value in hostile_values(&f.kind) {
                let url = format!(
                    "{target}?{}={}",
                    f.name,
                    cbc_portal::cbc::signer::encode(&value)
                );
                let before = app.sandbox_calls().await["total"].as_u64();
                let res = client_for(target).get(&url).await;
                let status = res.status().as_u16();
                let html = res.text().await.unwrap_or_default();
                let after = app.sandbox_calls().await["total"].as_u64();
                checked += 1;
                if status != 422 {
                    failures.push(format!("{status} on {target}?{}={value}", f.name));
                } else if message_next_to(&html, &f.name).is_none_or(|m| m.is_empty()) {
                    failures.push(format!(
                        "no message next to {} on {target}?{}={value}",
                        f.name, f.name
                    ));
                } else if before != after {
                    failures.push(format!("upstream called for {target}?{}={value}", f.name));
                }
            }
        }
    }
    let worst = failures
        .iter()
        .find(|f| f.starts_with('5'))
        .or(failures.first())
        .cloned()
        .unwrap_or_default();
    assert!(
        failures.is_empty(),
        "{} failures of {checked} requests incl. {worst}; all: {failures:#?}",
        failures.len()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_day_at_the_edge_of_the_range_is_accepted_and_filters() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Manager, app.account_a()).await;
    for url in [
        "/orders?created_from=2099-01-01&created_to=2099-12-31",
        "/orders?paid_from=2000-01-01&paid_to=2000-12-31",
        "/renewals?expire_from=2000-01-01&expire_to=2099-12-31",
    ] {
        let res = app.client.get(url).await;
        assert_eq!(res.status(), 200, "GET {url}");
    }
    app.stop().await;
}
