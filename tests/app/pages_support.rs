//! Small helpers shared by the customer read page tests.
#![allow(dead_code)]

use crate::helpers::{TestApp, select_text};

/// Total upstream calls the sandbox has seen so far.
pub async fn calls(app: &TestApp) -> u64 {
    app.sandbox_calls().await["total"].as_u64().unwrap_or(0)
}

/// GETs `path`, asserts the status and returns the body.
pub async fn get_ok(app: &TestApp, path: &str, status: u16) -> String {
    let res = app.client.get(path).await;
    let got = res.status().as_u16();
    let body = res.text().await.expect("body");
    assert_eq!(got, status, "GET {path}: {}", &body[..body.len().min(600)]);
    body
}

/// Number of body rows of the first table matching `table`.
pub fn rows(html: &str, table: &str) -> usize {
    select_text(html, &format!("{table} tbody tr")).len()
}

/// The number in the list page's count line ("42 service types").
pub fn count(html: &str) -> u64 {
    select_text(html, "p.count")
        .first()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count line"))
}

/// Whether a money string looks like `USD 1,234.50`.
pub fn is_money(s: &str) -> bool {
    let mut parts = s.split(' ');
    let (Some(cur), Some(amount), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    cur.len() == 3
        && cur.chars().all(|c| c.is_ascii_uppercase())
        && amount.rsplit_once('.').is_some_and(|(i, f)| {
            f.len() == 2
                && !i.is_empty()
                && i.trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',')
        })
}

/// The current billing cycle (UTC+8), `YYYY-MM`.
pub fn current_cycle() -> String {
    let t = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"));
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// `n` cycles before the current one.
pub fn cycle_minus(n: i32) -> String {
    let t = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"));
    let idx = t.year() * 12 + i32::from(u8::from(t.month())) - 1 - n;
    format!("{:04}-{:02}", idx.div_euclid(12), idx.rem_euclid(12) + 1)
}
