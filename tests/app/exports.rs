//! Every CSV export, found by reading the router source, downloaded the way a browser does
//! (`Accept-Encoding: gzip`) and without compression: the same bytes, whole, with as many rows
//! as the list page says. Plus the edges: an export that matches nothing, an audit trail longer
//! than one database batch, and text that a spreadsheet would run as a formula.

use std::io::Read as _;

use cbc_portal::domain::Role;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HeaderMap, HeaderValue};
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::helpers::*;
use crate::router_source::{Route, routes};

/// Export routes: GET routes whose path ends in `/export` or `.csv`.
fn export_routes() -> Vec<Route> {
    let found: Vec<Route> = routes()
        .into_iter()
        .filter(|r| r.methods.contains(&"get"))
        .filter(|r| r.pattern.ends_with("/export") || r.pattern.ends_with(".csv"))
        .collect();
    for known in ["/orders/export.csv", "/admin/audit.csv", "/coupons/export"] {
        assert!(
            found.iter().any(|r| r.pattern == known),
            "{known} missing from {found:?}"
        );
    }
    found
}

/// The list page an export belongs to: its path without the export suffix.
fn list_page_of(export: &str) -> String {
    ["/export.csv", "/export", ".csv"]
        .iter()
        .find_map(|s| export.strip_suffix(s))
        .unwrap_or(export)
        .to_owned()
}

/// Filters applied to a list page before its export is taken. The audit trail records every
/// export it serves, so unfiltered it would grow by one row between the two downloads; this
/// filter selects the events the test seeds.
fn filters_for(list_page: &str) -> &'static str {
    match list_page {
        "/admin/audit" => "?range=week&resource_type=seeded",
        _ => "",
    }
}

fn links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("a[href]").expect("selector");
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_owned)
        .collect()
}

fn matches_pattern(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let q: Vec<&str> = path.split('/').collect();
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
}

/// Real paths for a page's route pattern: the links that fit it on the nearest page above it
/// that has any (`/catalog/services/{code}` is linked from `/catalog`).
async fn concrete(client: &TestClient, pattern: &str) -> Vec<String> {
    let Some(brace) = pattern.find('{') else {
        return vec![pattern.to_owned()];
    };
    let mut page = pattern[..brace].trim_end_matches('/').to_owned();
    while !page.is_empty() {
        let html = client.get_html(&page).await;
        let mut found: Vec<String> = links(&html)
            .into_iter()
            .map(|h| h.split('?').next().unwrap_or_default().to_owned())
            .filter(|h| matches_pattern(pattern, h))
            .collect();
        found.dedup();
        if !found.is_empty() {
            return found;
        }
        page.truncate(page.rfind('/').unwrap_or(0));
    }
    panic!("no page links to anything like {pattern}");
}

/// How many rows a list page says it has, and the words it says it with.
fn stated_count(html: &str) -> Option<(usize, String)> {
    let first_number = |s: &str| -> Option<usize> {
        s.split_whitespace()
            .find_map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok())
    };
    for css in ["p.count", "p.actions .muted"] {
        if let Some(label) = select_text(html, css).into_iter().next()
            && let Some(n) = first_number(&label)
        {
            return Some((n, label));
        }
    }
    // The staff pager: "Page 1 of 3 · 120 in all".
    let label = select_text(html, ".pager .muted").into_iter().next()?;
    let before = label.split(" in all").next()?;
    let n = before.rsplit(' ').next()?.parse().ok()?;
    Some((n, label))
}

/// A body downloaded twice: as sent without compression, and gunzipped.
struct Download {
    status: u16,
    content_type: String,
    bytes: Result<Vec<u8>, String>,
}

async fn download(client: &TestClient, href: &str, gzip: bool) -> Download {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT_ENCODING,
        HeaderValue::from_static(if gzip { "gzip" } else { "identity" }),
    );
    let res = client.get_with(href, headers).await;
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let encoding = res
        .headers()
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = match res.bytes().await {
        Err(e) => Err(format!("the body broke off: {e:?}")),
        Ok(body) if gzip => {
            if encoding != "gzip" {
                Err(format!("not compressed (content-encoding {encoding:?})"))
            } else {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .map(|_| out)
                    .map_err(|e| format!("not a whole gzip stream ({} bytes): {e}", body.len()))
            }
        }
        Ok(body) => Ok(body.to_vec()),
    };
    Download {
        status,
        content_type,
        bytes,
    }
}

/// The header and data rows of a CSV body.
fn parse_csv(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().expect("a header row").clone();
    let rows = r.records().map(|x| x.expect("a CSV row")).collect();
    (header, rows)
}

/// What the page's count counts, in the export: renewals count primary resources (the export
/// also lists the attached ones under them), packages count packages (the export has a row per
/// usage item); other pages count rows.
fn counted_rows(label: &str, header: &csv::StringRecord, rows: &[csv::StringRecord]) -> usize {
    let col = |name: &str| header.iter().position(|h| h == name);
    if label.ends_with("primary resources")
        && let Some(role) = col("Role")
    {
        return rows.iter().filter(|r| &r[role] == "main").count();
    }
    if label.ends_with(" packages")
        && let Some(id) = col("package_id")
    {
        let mut ids: Vec<&str> = rows.iter().map(|r| &r[id]).collect();
        ids.sort_unstable();
        ids.dedup();
        return ids.len();
    }
    rows.len()
}

/// A new client logged in as a manager of account A (exports are rate limited per user).
async fn manager(app: &TestApp) -> TestClient {
    let c = app.new_client();
    let email = format!("m-{}@acme.example", Uuid::new_v4().simple());
    app.create_user(&email, CUSTOMER_PW, Role::Manager, Some(app.account_a()))
        .await;
    assert_eq!(c.login(&email, CUSTOMER_PW).await.status(), 303);
    c
}

async fn staff(app: &TestApp) -> TestClient {
    let c = app.new_client();
    let email = format!("s-{}@example.com", Uuid::new_v4().simple());
    let id = app.create_user(&email, STAFF_PW, Role::Staff, None).await;
    app.login_staff_as(&c, id, &email, STAFF_PW).await;
    c
}

#[tokio::test]
async fn every_export_is_complete_with_and_without_gzip_and_has_the_rows_its_page_states() {
    let app = spawn_sandboxed_app().await;
    // An audit trail longer than one export batch.
    insert_events(&app, 1_234, "seeded").await;
    let mut problems = Vec::new();
    let mut report = Vec::new();
    let mut total_rows = 0;
    for route in export_routes() {
        let client = if route.pattern.starts_with("/admin") {
            staff(&app).await
        } else {
            manager(&app).await
        };
        // Parameters are filled from links to the list page (`/catalog/services/{code}`); the
        // first such page that lists anything is taken.
        let list_pattern = list_page_of(&route.pattern);
        let mut taken = None;
        for list in concrete(&client, &list_pattern).await.into_iter().take(20) {
            let page = format!("{list}{}", filters_for(&list));
            let html = client.get_html(&page).await;
            let (stated, label) =
                stated_count(&html).unwrap_or_else(|| panic!("{page} states no count"));
            taken = Some((list, page, html, stated, label));
            if stated > 0 {
                break;
            }
        }
        let (list, page, html, stated, label) = taken.expect("a list page");
        let export = format!("{list}{}", &route.pattern[list_pattern.len()..]);
        let href = links(&html)
            .into_iter()
            .find(|h| h.starts_with(&format!("{export}?")) || *h == export)
            .unwrap_or_else(|| panic!("{page} has no link to {export}"));
        let plain = download(&client, &href, false).await;
        let gzip = download(&client, &href, true).await;
        let mut line = format!("{href}: page {label:?}");
        for d in [&plain, &gzip] {
            if d.status != 200 || !d.content_type.starts_with("text/csv") {
                problems.push(format!("{href}: {} {}", d.status, d.content_type));
            }
        }
        if let Ok(p) = &plain.bytes {
            let (header, rows) = parse_csv(p);
            let counted = counted_rows(&label, &header, &rows);
            line.push_str(&format!(", {} rows", rows.len()));
            total_rows += rows.len();
            if header.is_empty() {
                problems.push(format!("{href}: no header row"));
            }
            if counted != stated {
                problems.push(format!("{href}: {counted} rows, the page states {label:?}"));
            }
        }
        match (&plain.bytes, &gzip.bytes) {
            (Ok(p), Ok(g)) if p != g => problems.push(format!(
                "{href}: gzip gives other bytes ({} rows vs {} plain)",
                parse_csv(g).1.len(),
                parse_csv(p).1.len()
            )),
            (Ok(_), Ok(_)) => {}
            (p, g) => problems.push(format!(
                "{href}: plain {}, gzip {}",
                p.as_ref()
                    .map_or_else(|e| e.clone(), |b| format!("{} rows", parse_csv(b).1.len())),
                g.as_ref()
                    .map_or_else(|e| e.clone(), |b| format!("{} rows", parse_csv(b).1.len())),
            )),
        }
        report.push(line);
    }
    assert!(
        problems.is_empty(),
        "{} export problems:\n{}\n(all: {})",
        problems.len(),
        problems.join("\n"),
        report.join("; ")
    );
    assert!(total_rows > 1000, "the sandbox exports rows: {report:?}");
    app.stop().await;
}

#[tokio::test]
async fn an_export_that_matches_nothing_is_its_header_row_alone_with_and_without_gzip() {
    let app = spawn_sandboxed_app().await;
    let m = manager(&app).await;
    let s = staff(&app).await;
    for (client, href, first_column) in [
        (
            &m,
            "/orders/export.csv?created_from=2001-01-01&created_to=2001-01-02",
            "Order ID",
        ),
        (&m, "/catalog/export?q=no-such-service", "name"),
        (&s, "/admin/audit.csv?event=cancelCustomerOrder", "time_utc"),
    ] {
        for gzip in [false, true] {
            let d = download(client, href, gzip).await;
            assert_eq!(d.status, 200, "{href} gzip={gzip}");
            let body = d
                .bytes
                .unwrap_or_else(|e| panic!("{href} gzip={gzip}: {e}"));
            let text = String::from_utf8(body).expect("utf-8");
            assert_eq!(
                text.lines().count(),
                1,
                "{href} gzip={gzip}: the header row alone, got {text:?}"
            );
            assert!(
                text.starts_with(first_column) && text.ends_with('\n'),
                "{href} gzip={gzip}: {text:?}"
            );
        }
    }
    app.stop().await;
}

/// Inserts `n` audit events of one kind, one second apart, the newest first.
async fn insert_events(app: &TestApp, n: i64, resource_type: &str) {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, event, resource_type, resource_id, trace_status, \
         outcome, actor_email, source_ip, request_id, summary) \
         SELECT now() - make_interval(secs => i), 'renewResources', $2, 'res-' || i, 'normal', \
         'success', 'ann@acme.example', '192.0.2.7', 'req-' || i, '{}'::jsonb \
         FROM generate_series(1, $1) AS i",
    )
    .bind(n)
    .bind(resource_type)
    .execute(&app.db)
    .await
    .expect("insert events");
}

#[tokio::test]
async fn a_long_audit_trail_export_crosses_its_batches_whole() {
    let app = spawn_app().await;
    let s = staff(&app).await;
    // More than two database batches (1,000 rows each), and not a multiple of one.
    let n = 2_345;
    insert_events(&app, n, "bulkResource").await;
    let href = "/admin/audit.csv?range=day&resource_type=bulkResource";
    let html = s
        .get_html("/admin/audit?range=day&resource_type=bulkResource")
        .await;
    let (stated, label) = stated_count(&html).expect("the trail states a count");
    assert_eq!(stated, n as usize, "{label}");
    let plain = download(&s, href, false).await;
    let gzip = download(&s, href, true).await;
    let plain = plain.bytes.unwrap_or_else(|e| panic!("plain: {e}"));
    let gzip = gzip.bytes.unwrap_or_else(|e| panic!("gzip: {e}"));
    let (header, rows) = parse_csv(&plain);
    assert_eq!(rows.len(), n as usize, "every event, once");
    assert_eq!(plain, gzip, "the same bytes with gzip");
    let id = header
        .iter()
        .position(|h| h == "resource_id")
        .expect("resource_id column");
    let mut seen: Vec<i64> = rows
        .iter()
        .map(|r| r[id].trim_start_matches("res-").parse().expect("res-N"))
        .collect();
    assert_eq!(seen.first(), Some(&1), "the newest first");
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), n as usize, "no row twice across batches");
    app.stop().await;
}

#[tokio::test]
async fn formulas_behind_leading_spaces_tabs_or_line_breaks_are_neutralised() {
    let app = spawn_app().await;
    let s = staff(&app).await;
    let hostile = [
        " =HYPERLINK(\"http://evil.example\")",
        "  +1+1",
        "\t-2+3",
        "\n@SUM(A1:A9)",
        "\r\n=cmd|' /C calc'!A0",
        " \t\r\n =1+1",
        "\u{a0}=1+1",
    ];
    for (i, text) in hostile.iter().enumerate() {
        sqlx::query(
            "INSERT INTO audit_events (occurred_at, event, resource_type, resource_id, \
             trace_status, outcome, actor_email, source_ip, request_id, summary) \
             VALUES (now() - make_interval(secs => $1), 'renewResources', 'formula', $2, \
             'normal', 'success', $2, '192.0.2.7', 'req-f', '{}'::jsonb)",
        )
        .bind(i as i32 + 1)
        .bind(*text)
        .execute(&app.db)
        .await
        .expect("insert event");
    }
    let plain = download(
        &s,
        "/admin/audit.csv?range=day&resource_type=formula",
        false,
    )
    .await;
    let body = plain.bytes.unwrap_or_else(|e| panic!("export: {e}"));
    let (header, rows) = parse_csv(&body);
    assert_eq!(rows.len(), hostile.len());
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let mut cells: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                r[col("resource_id")].to_owned(),
                r[col("operator")].to_owned(),
            ]
        })
        .collect();
    cells.sort();
    let mut expected: Vec<String> = hostile
        .iter()
        .flat_map(|h| [format!("'{h}"), format!("'{h}")])
        .collect();
    expected.sort();
    assert_eq!(
        cells, expected,
        "every cell whose first visible character starts a formula begins with an apostrophe"
    );
    app.stop().await;
}
