//! Shared pieces of the customer read pages: the generic list page (filters, sortable table,
//! pager, export link), upstream reads with the stale notice, enum names, money and time
//! formatting, input checks and per-user rate limits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use time::{Date, Month, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::auth::Customer;
use crate::cbc::ops::Operation;
use crate::cbc::{AccountCredentials, Cached};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;
use crate::web::paging::Pager;

/// Who is looking and with which credentials: every upstream call of a customer page is signed
/// with the customer's own cloud account, never another.
pub struct Viewer {
    pub customer: Customer,
    pub creds: Arc<AccountCredentials>,
    pub tz: UtcOffset,
}

impl Viewer {
    /// Loads the credentials of the customer's own cloud account (404 if it is disabled).
    pub async fn load(state: &AppState, customer: Customer) -> AppResult<Self> {
        let creds = state.cbc_credentials(customer.cloud_account_id).await?;
        let tz = format::parse_offset(&customer.user.user.time_zone).unwrap_or(UtcOffset::UTC);
        Ok(Self {
            customer,
            creds,
            tz,
        })
    }

    /// The page context with the given navigation key.
    pub async fn ctx(&self, state: &AppState, nav: &'static str) -> AppResult<PageContext> {
        PageContext::new(
            state,
            &self.customer.user.session,
            Some(&self.customer.user),
            nav,
        )
        .await
    }

    /// The user's id (rate limits, audit).
    pub fn user_id(&self) -> Uuid {
        self.customer.user.id()
    }

    /// A cached read of the customer's account; failures become the upstream error page.
    pub async fn read<O: Operation>(
        &self,
        state: &AppState,
        what: &str,
        req: &O,
    ) -> AppResult<Cached<O::Response>> {
        state
            .cbc
            .cached(&self.creds, req)
            .await
            .map_err(|e| AppError::upstream_read(what, e))
    }
}

/// Collects how stale the reads of one page were.
#[derive(Debug, Default, Clone, Copy)]
pub struct Staleness(Option<Duration>);

impl Staleness {
    /// Notes one read.
    pub fn see<T>(&mut self, c: &Cached<T>) {
        if c.stale {
            let age = c.age();
            self.0 = Some(self.0.map_or(age, |a| a.max(age)));
        }
    }

    /// The notice shown above the data, when any of it is stale.
    pub fn notice(self) -> Option<String> {
        self.0.map(|age| {
            let minutes = age.as_secs().div_ceil(60).max(1);
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            format!(
                "Showing data from {minutes} {unit} ago; Huawei Cloud is not answering right now."
            )
        })
    }
}

/// `amount` (in `measure_id` units) as `USD 1,234.50`; unknown units show the raw value.
pub fn money(amount: Option<Decimal>, measure_id: Option<i64>, currency: &str) -> String {
    match amount {
        None => "—".to_owned(),
        Some(a) => match crate::cbc::to_major_units(a, measure_id) {
            Ok(m) => format::money(m, currency),
            Err(_) => format!("{a} (unit {})", measure_id.unwrap_or_default()),
        },
    }
}

/// `amount` in major units (zero when missing or in an unknown unit), for sums and CSV.
pub fn major(amount: Option<Decimal>, measure_id: Option<i64>) -> Decimal {
    amount
        .and_then(|a| crate::cbc::to_major_units(a, measure_id).ok())
        .unwrap_or_default()
}

/// A CBC `yyyy-MM-ddTHH:mm:ssZ` time in the user's zone.
pub fn time_in(s: Option<&str>, tz: UtcOffset) -> String {
    format::cbc_time(s, tz)
}

/// `—` for missing text.
pub fn text(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => "—".to_owned(),
    }
}

/// Names of CBC enumerations (tests/fixtures/cbc-api/README.md).
pub mod names {
    /// Account type of a balance.
    pub fn account_type(t: Option<i64>) -> String {
        match t {
            Some(1) => "Cash balance".into(),
            Some(2) => "Credit".into(),
            Some(5) => "Bonus".into(),
            Some(7) => "Deposit".into(),
            Some(n) => format!("Account type {n}"),
            None => "Unknown account".into(),
        }
    }

    /// Coupon status.
    pub fn coupon_status(s: Option<i64>) -> &'static str {
        match s {
            Some(1) => "Not activated",
            Some(2) => "Available",
            Some(3) => "Used",
            Some(4) => "Expired",
            Some(5) => "Reclaimed",
            _ => "Unknown",
        }
    }

    /// Coupon type.
    pub fn coupon_type(s: Option<i64>) -> &'static str {
        match s {
            Some(1) => "Cash coupon",
            Some(2) => "Discount coupon",
            Some(3) => "Product coupon",
            Some(4) => "Flexi-purchase coupon",
            _ => "Coupon",
        }
    }

    /// Resource package status.
    pub fn package_status(s: Option<i64>) -> &'static str {
        match s {
            Some(0) => "Not effective",
            Some(1) => "Effective",
            Some(2) => "Used up",
            Some(3) => "Expired",
            Some(4) => "Unsubscribed",
            _ => "Unknown",
        }
    }

    /// Charge (billing) mode.
    pub fn charge_mode(m: Option<i64>) -> &'static str {
        match m {
            Some(1) => "Yearly/monthly",
            Some(3) => "Pay-per-use",
            Some(10) => "Reserved instance",
            Some(11) => "Savings plan",
            _ => "Other",
        }
    }

    /// Bill type of resource records.
    pub fn bill_type(t: Option<i64>) -> String {
        let s = match t {
            Some(1) => "New purchase",
            Some(2) => "Renewal",
            Some(3) => "Modification",
            Some(4) => "Refund (unsubscription)",
            Some(5) => "Usage",
            Some(8) => "Auto-renewal",
            Some(9) => "Compensation",
            Some(12) => "Hourly billing",
            Some(13) => "Unsubscription fee",
            Some(14) => "Support plan",
            Some(16) => "Deduction",
            Some(18) => "Monthly payment",
            Some(20) => "Refund (modification)",
            Some(23) => "Savings plan deduction",
            Some(24) => "Refund to pay-per-use",
            Some(25) => "Rounding",
            Some(103) => "Yearly payment",
            Some(n) => return format!("Bill type {n}"),
            None => "—",
        };
        s.to_owned()
    }

    /// Summary bill type.
    pub fn summary_bill_type(t: Option<i64>) -> &'static str {
        match t {
            Some(1) => "Consumption",
            Some(2) => "Refund",
            Some(3) => "Adjustment",
            _ => "Other",
        }
    }

    /// Period type of bill records.
    pub fn bill_period(t: Option<i64>) -> &'static str {
        match t {
            Some(19) => "Year",
            Some(20) => "Month",
            Some(24) => "Day",
            Some(25) => "Hour",
            Some(5) => "One-off",
            _ => "—",
        }
    }

    /// Measurement type of units.
    pub fn measure_type(t: Option<i64>) -> String {
        let s = match t {
            Some(1) => "Currency",
            Some(2) => "Duration",
            Some(3) => "Traffic",
            Some(4) => "Quantity",
            Some(7) => "Capacity",
            Some(12) => "Count",
            Some(16) => "Bandwidth rate",
            Some(n) => return format!("Type {n}"),
            None => "—",
        };
        s.to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// Input checks (all run before any upstream call).

/// Messages next to form fields; empty means the input is good.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, msg: impl Into<String>) {
        self.0.push((field, msg.into()));
    }
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// All messages in one line, for the form's error summary.
    pub fn summary(&self) -> Option<String> {
        (!self.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// A trimmed, non-empty query value.
pub fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A free-text filter: at most `max` characters of letters, digits and `._-: ` .
pub fn check_code(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    raw: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = opt(raw)?;
    if v.chars().count() > max
        || !v
            .chars()
            .all(|c| c.is_alphanumeric() || "._-: /".contains(c))
    {
        errors.add(
            field,
            format!("{label} may hold up to {max} letters, digits, dots, dashes and spaces."),
        );
        return None;
    }
    Some(v.to_owned())
}

/// An integer filter that must be one of `allowed`.
pub fn check_enum(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    raw: &Option<String>,
    allowed: &[i64],
) -> Option<i64> {
    let v = opt(raw)?;
    match v.parse::<i64>() {
        Ok(n) if allowed.contains(&n) => Some(n),
        _ => {
            errors.add(field, format!("Choose a {label} from the list."));
            None
        }
    }
}

/// A string filter that must be one of `allowed`.
pub fn check_word(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    raw: &Option<String>,
    allowed: &[&str],
) -> Option<String> {
    let v = opt(raw)?;
    if allowed.contains(&v) {
        Some(v.to_owned())
    } else {
        errors.add(field, format!("Choose a {label} from the list."));
        None
    }
}

/// Page number (`page`) and page size (`size`, 10..=100, default `default_size`).
pub fn check_paging(
    errors: &mut FieldErrors,
    page: &Option<String>,
    size: &Option<String>,
    default_size: u64,
) -> (u64, u64) {
    let page = match crate::web::paging::parse_page(page.as_deref()) {
        Ok(p) => p,
        Err(m) => {
            errors.add("page", m);
            1
        }
    };
    let size = match opt(size) {
        None => default_size,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (10..=100).contains(&n) => n,
            _ => {
                errors.add("size", "Page size must be a whole number from 10 to 100.");
                default_size
            }
        },
    };
    (page, size)
}

/// `asc` or `desc`; anything else is an error.
pub fn check_dir(errors: &mut FieldErrors, raw: &Option<String>, default: Dir) -> Dir {
    match opt(raw) {
        None => default,
        Some("asc") => Dir::Asc,
        Some("desc") => Dir::Desc,
        Some(_) => {
            errors.add("dir", "Sort direction must be asc or desc.");
            default
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }
    pub fn flip(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }
}

/// A billing cycle `YYYY-MM` (UTC+8, as CBC counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cycle {
    pub year: i32,
    pub month: u8,
}

impl Cycle {
    /// The cycle CBC is in now (UTC+8).
    pub fn current(now: OffsetDateTime) -> Cycle {
        let t = now.to_offset(cbc_offset());
        Cycle {
            year: t.year(),
            month: u8::from(t.month()),
        }
    }

    fn index(self) -> i32 {
        self.year * 12 + i32::from(self.month) - 1
    }

    fn from_index(i: i32) -> Cycle {
        Cycle {
            year: i.div_euclid(12),
            month: (i.rem_euclid(12) + 1) as u8,
        }
    }

    /// `n` cycles earlier (negative: later).
    pub fn minus(self, n: i32) -> Cycle {
        Cycle::from_index(self.index() - n)
    }

    /// Cycles between `self` and a later `other`.
    pub fn months_until(self, other: Cycle) -> i32 {
        other.index() - self.index()
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Cycle> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(Cycle { year, month })
    }

    /// First day of the cycle.
    pub fn first_day(self) -> Option<Date> {
        Date::from_calendar_date(self.year, Month::try_from(self.month).ok()?, 1).ok()
    }

    /// `Nov 2026`.
    pub fn label(self) -> String {
        let m = Month::try_from(self.month).map_or_else(|_| "?".to_owned(), |m| m.to_string());
        format!("{} {}", &m[..m.len().min(3)], self.year)
    }
}

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// CBC counts bill cycles and dates in UTC+8.
pub fn cbc_offset() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// A bill cycle filter: `YYYY-MM`, not in the future, at most 3 years back (and not before
/// `floor`, e.g. 2019-01 for usage details). Empty means the current cycle.
pub fn check_cycle(errors: &mut FieldErrors, raw: &Option<String>, now: OffsetDateTime) -> Cycle {
    let current = Cycle::current(now);
    let Some(v) = opt(raw) else {
        return current;
    };
    let Some(c) = Cycle::parse(v) else {
        errors.add(
            "cycle",
            "Billing cycle must look like 2026-03 (year-month).",
        );
        return current;
    };
    if c > current {
        errors.add("cycle", "Billing cycle cannot be in the future.");
        return current;
    }
    if c.months_until(current) > 36
        || c < (Cycle {
            year: 2019,
            month: 1,
        })
    {
        errors.add(
            "cycle",
            "Huawei Cloud keeps bills for 3 years: choose a more recent billing cycle.",
        );
        return current;
    }
    c
}

/// `YYYY-MM-DD`.
pub fn date_str(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

// ---------------------------------------------------------------------------------------------
// Per-user rate limits, in process.

struct Window {
    start: Instant,
    count: u32,
}

fn windows() -> &'static Mutex<HashMap<(Uuid, &'static str), Window>> {
    static W: OnceLock<Mutex<HashMap<(Uuid, &'static str), Window>>> = OnceLock::new();
    W.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Allows `per_minute` requests of `kind` per user in each one-minute window; beyond that the
/// 429 page, before any upstream call.
pub fn rate_limit(user: Uuid, kind: &'static str, per_minute: u32) -> AppResult<()> {
    let now = Instant::now();
    let minute = Duration::from_secs(60);
    let mut map = windows().lock().unwrap_or_else(|p| p.into_inner());
    if map.len() > 10_000 {
        map.retain(|_, w| now.duration_since(w.start) < minute);
    }
    let w = map.entry((user, kind)).or_insert(Window {
        start: now,
        count: 0,
    });
    if now.duration_since(w.start) >= minute {
        w.start = now;
        w.count = 0;
    }
    if w.count >= per_minute {
        let left = minute.saturating_sub(now.duration_since(w.start));
        return Err(AppError::TooManyRequests {
            retry_after_secs: left.as_secs().max(1),
        });
    }
    w.count += 1;
    Ok(())
}

/// Price inquiries per user per minute.
pub const PRICE_INQUIRIES_PER_MIN: u32 = 30;
/// CSV exports per user per minute.
pub const EXPORTS_PER_MIN: u32 = 6;

// ---------------------------------------------------------------------------------------------
// The generic list page.

/// A navigation tab of an area.
#[derive(Debug, Clone)]
pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// One option of a select filter.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A filter field of a list page's form (GET, so every filter is in the URL).
#[derive(Debug, Clone)]
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `search`, `month`, `date`, `number` or `select`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub hint: &'static str,
}

impl Filter {
    pub fn input(name: &'static str, label: &'static str, kind: &'static str, value: &str) -> Self {
        Filter {
            name,
            label,
            kind,
            value: value.to_owned(),
            options: Vec::new(),
            error: None,
            hint: "",
        }
    }

    /// A select with an "Any" first option.
    pub fn select(
        name: &'static str,
        label: &'static str,
        value: &str,
        options: &[(&str, &str)],
    ) -> Self {
        let mut opts = vec![Opt {
            value: String::new(),
            label: "Any".to_owned(),
            selected: value.is_empty(),
        }];
        opts.extend(options.iter().map(|(v, l)| Opt {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: *v == value,
        }));
        Filter {
            kind: "select",
            options: opts,
            ..Filter::input(name, label, "select", value)
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// Attaches the field's message, if any.
    pub fn errors(mut self, errors: &FieldErrors) -> Self {
        self.error = errors.get(self.name);
        self
    }
}

/// A table column; sortable columns link to the same page sorted by them.
#[derive(Debug, Clone)]
pub struct Col {
    pub label: &'static str,
    pub num: bool,
    pub sort_url: Option<String>,
    /// `ascending`, `descending` or empty (for `aria-sort`).
    pub sorted: &'static str,
}

impl Col {
    pub fn text(label: &'static str) -> Self {
        Col {
            label,
            num: false,
            sort_url: None,
            sorted: "",
        }
    }
    pub fn num(label: &'static str) -> Self {
        Col {
            num: true,
            ..Col::text(label)
        }
    }
    /// Makes the column sortable by `key` given the current sort and the page's filters.
    pub fn sortable(
        mut self,
        path: &str,
        filters: &[(&str, String)],
        key: &str,
        cur: (&str, Dir),
    ) -> Self {
        let (cur_key, cur_dir) = cur;
        let dir = if cur_key == key {
            cur_dir.flip()
        } else {
            Dir::Asc
        };
        let mut q: Vec<(&str, String)> = filters
            .iter()
            .filter(|(k, v)| !matches!(*k, "sort" | "dir" | "page") && !v.is_empty())
            .cloned()
            .collect();
        q.push(("sort", key.to_owned()));
        q.push(("dir", dir.as_str().to_owned()));
        self.sort_url = Some(format!(
            "{path}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        ));
        if cur_key == key {
            self.sorted = match cur_dir {
                Dir::Asc => "ascending",
                Dir::Desc => "descending",
            };
        }
        self
    }
}

/// A table cell: text, optionally a link, optionally a status pill.
#[derive(Debug, Clone, Default)]
pub struct Td {
    pub text: String,
    pub num: bool,
    pub href: Option<String>,
    /// `ok`, `warn`, `err` or empty: shown as a status pill.
    pub pill: &'static str,
    pub mono: bool,
}

impl Td {
    pub fn t(text: impl Into<String>) -> Self {
        Td {
            text: text.into(),
            ..Td::default()
        }
    }
    pub fn n(text: impl Into<String>) -> Self {
        Td {
            text: text.into(),
            num: true,
            ..Td::default()
        }
    }
    pub fn code(text: impl Into<String>) -> Self {
        Td {
            text: text.into(),
            mono: true,
            ..Td::default()
        }
    }
    pub fn link(text: impl Into<String>, href: String) -> Self {
        Td {
            text: text.into(),
            href: Some(href),
            ..Td::default()
        }
    }
    pub fn pill(text: impl Into<String>, pill: &'static str) -> Self {
        Td {
            text: text.into(),
            pill,
            ..Td::default()
        }
    }
}

/// `templates/portal/list.html`: every list page of the customer area.
#[derive(Template, WebTemplate)]
#[template(path = "portal/list.html")]
pub struct ListPage {
    pub ctx: PageContext,
    pub title: String,
    pub intro: String,
    pub tabs: Vec<Tab>,
    pub form_action: String,
    pub filters: Vec<Filter>,
    pub form_error: Option<String>,
    pub cols: Vec<Col>,
    pub rows: Vec<Vec<Td>>,
    pub pager: Option<Pager>,
    pub export_url: Option<String>,
    /// Shown when there are no rows: what to do next.
    pub empty: String,
    pub stale: Option<String>,
    /// `42 service types`.
    pub count_label: String,
    /// Extra sections below the table (e.g. the conversion table).
    pub extra: Vec<Section>,
}

/// An extra titled table on a list page.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub cols: Vec<Col>,
    pub rows: Vec<Vec<Td>>,
    pub empty: String,
}

impl ListPage {
    /// A list page without data yet.
    pub fn new(ctx: PageContext, title: impl Into<String>, action: impl Into<String>) -> Self {
        ListPage {
            ctx,
            title: title.into(),
            intro: String::new(),
            tabs: Vec::new(),
            form_action: action.into(),
            filters: Vec::new(),
            form_error: None,
            cols: Vec::new(),
            rows: Vec::new(),
            pager: None,
            export_url: None,
            empty: String::new(),
            stale: None,
            count_label: String::new(),
            extra: Vec::new(),
        }
    }

    /// The page with status 422 when the filters were refused, else 200.
    pub fn respond(self) -> Response {
        let status = if self.form_error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        (status, self).into_response()
    }
}

/// `path?query` of an export link with the page's filters.
pub fn export_url(path: &str, filters: &[(&str, String)]) -> String {
    let q: Vec<&(&str, String)> = filters
        .iter()
        .filter(|(k, v)| !matches!(*k, "page" | "size") && !v.is_empty())
        .collect();
    if q.is_empty() {
        path.to_owned()
    } else {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_checked_before_any_call() {
        let now = OffsetDateTime::parse(
            "2026-03-31T20:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .expect("now");
        // 20:00 UTC on the 31st is already April in UTC+8.
        assert_eq!(Cycle::current(now).to_string(), "2026-04");
        let check = |s: &str| {
            let mut e = FieldErrors::default();
            let c = check_cycle(&mut e, &Some(s.to_owned()), now);
            (c.to_string(), e.is_empty())
        };
        assert_eq!(check("2026-02"), ("2026-02".into(), true));
        assert!(!check("2026-5").1);
        assert!(!check("2026-05").1, "future");
        assert!(!check("2023-03").1, "older than 3 years");
        assert!(check("2023-04").1, "exactly 3 years");
        assert!(!check("2026-13").1);
        assert!(!check("x").1);
        assert_eq!(
            Cycle::parse("2026-01").map(|c| c.minus(1).to_string()),
            Some("2025-12".into())
        );
    }

    #[test]
    fn rate_limit_refuses_beyond_the_budget() {
        let u = Uuid::new_v4();
        for _ in 0..3 {
            assert!(rate_limit(u, "test", 3).is_ok());
        }
        assert!(matches!(
            rate_limit(u, "test", 3),
            Err(AppError::TooManyRequests { .. })
        ));
        assert!(rate_limit(Uuid::new_v4(), "test", 3).is_ok(), "per user");
    }

    #[test]
    fn enums_and_paging_are_allowlisted() {
        let mut e = FieldErrors::default();
        assert_eq!(
            check_enum(&mut e, "status", "status", &Some("2".into()), &[1, 2]),
            Some(2)
        );
        assert!(e.is_empty());
        assert_eq!(
            check_enum(&mut e, "status", "status", &Some("9".into()), &[1, 2]),
            None
        );
        assert!(e.get("status").is_some());
        let mut e = FieldErrors::default();
        assert_eq!(
            check_paging(&mut e, &Some("2".into()), &Some("100".into()), 20),
            (2, 100)
        );
        check_paging(&mut e, &None, &Some("101".into()), 20);
        assert!(e.get("size").is_some());
        let mut e = FieldErrors::default();
        assert!(check_code(&mut e, "q", "Name", &Some("<script>".into()), 64).is_none());
        assert!(!e.is_empty());
    }
}
