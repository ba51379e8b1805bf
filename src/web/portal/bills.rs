//! Bills: the monthly summary of a cycle (by service type and by billing mode) with a 12-month
//! spend chart, resource expenditures (`/bills/resources`) and resource usage details
//! (`/bills/details`), each with CBC's filters in the URL, pagination and an audited, streamed
//! CSV export.
//!
//! Every filter is checked before any upstream call: a bad cycle, page size or enum value
//! re-renders the form with a message and status 422. Id filters (resource, enterprise project)
//! are sent with the customer's own credentials, so they can only narrow the account's own
//! records.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use super::chart::{self, StackedChart};
use super::view::{self, Col, Cycle, FieldErrors, Filter, ListPage, Staleness, Tab, Td, Viewer};
use crate::audit::{self, Event, Outcome};
use crate::auth::Customer;
use crate::cbc::ops::bills::MonthlyBillSum;
use crate::cbc::ops::{
    ListCustomerselfResourceRecordDetailsRequest, ListCustomerselfResourceRecordsRequest,
    ShowCustomerMonthlySumRequest, ShowCustomerMonthlySumResponse,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::format;
use crate::web::page::PageContext;
use crate::web::paging::Pager;

pub const BILLS: &str = "/bills";
pub const RESOURCES: &str = "/bills/resources";
pub const DETAILS: &str = "/bills/details";
/// Rows per upstream call of an export (CBC's maximum).
const EXPORT_LIMIT: i64 = 1000;
/// Summary rows per call (CBC's maximum).
const SUM_LIMIT: i64 = 1000;

/// Routes of the bills area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(BILLS, get(summary))
        .route(RESOURCES, get(resources))
        .route("/bills/resources/export", get(resources_export))
        .route(DETAILS, get(details))
        .route("/bills/details/export", get(details_export))
}

fn tabs(current: &str) -> Vec<Tab> {
    [
        ("Monthly summary", BILLS),
        ("Resource expenditures", RESOURCES),
        ("Usage details", DETAILS),
    ]
    .into_iter()
    .map(|(label, href)| Tab {
        label,
        href: href.to_owned(),
        current: href == current,
    })
    .collect()
}

/// The monthly summary of one cycle (first 1000 rows; also what the dashboard reads).
pub fn monthly_sum_req(
    cycle: Cycle,
    service_type: Option<String>,
) -> ShowCustomerMonthlySumRequest {
    ShowCustomerMonthlySumRequest {
        bill_cycle: cycle.to_string(),
        service_type_code: service_type,
        offset: Some(0),
        limit: Some(SUM_LIMIT),
        ..Default::default()
    }
}

/// Every filter of the bill pages, as sent in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct BillQuery {
    cycle: Option<String>,
    service_type: Option<String>,
    resource_id: Option<String>,
    enterprise_project: Option<String>,
    charge_mode: Option<String>,
    bill_type: Option<String>,
    method: Option<String>,
    statistic_type: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

/// Checked filters.
#[derive(Debug, Clone)]
struct Checked {
    cycle: Cycle,
    service_type: Option<String>,
    resource_id: Option<String>,
    enterprise_project: Option<String>,
    charge_mode: Option<i64>,
    bill_type: Option<i64>,
    method: Option<String>,
    statistic_type: Option<i64>,
    page: u64,
    size: u64,
}

const CHARGE_MODES: &[(&str, &str)] = &[
    ("1", "Yearly/monthly"),
    ("3", "Pay-per-use"),
    ("10", "Reserved instance"),
    ("11", "Savings plan"),
];
const BILL_TYPES: &[i64] = &[1, 2, 3, 4, 5, 8, 9, 12, 13, 14, 16, 18, 20, 23, 24, 25, 103];
const METHODS: &[(&str, &str)] = &[("oneself", "My own"), ("all", "Mine and members'")];
const STAT_TYPES: &[(&str, &str)] = &[
    ("1", "By billing cycle"),
    ("2", "By day"),
    ("3", "By record"),
];

fn check(q: &BillQuery, now: OffsetDateTime, errors: &mut FieldErrors) -> Checked {
    let cycle = view::check_cycle(errors, &q.cycle, now);
    let service_type =
        view::check_code(errors, "service_type", "Service type", &q.service_type, 64);
    let resource_id = view::check_code(errors, "resource_id", "Resource id", &q.resource_id, 64);
    let enterprise_project = view::check_code(
        errors,
        "enterprise_project",
        "Enterprise project id",
        &q.enterprise_project,
        64,
    );
    let charge_mode = view::check_enum(
        errors,
        "charge_mode",
        "billing mode",
        &q.charge_mode,
        &[1, 3, 10, 11],
    );
    let bill_type = view::check_enum(errors, "bill_type", "bill type", &q.bill_type, BILL_TYPES);
    let method = view::check_word(
        errors,
        "method",
        "whose records",
        &q.method,
        &["oneself", "all"],
    );
    let statistic_type = view::check_enum(
        errors,
        "statistic_type",
        "statistics method",
        &q.statistic_type,
        &[1, 2, 3],
    );
    let (page, size) = view::check_paging(errors, &q.page, &q.size, 50);
    Checked {
        cycle,
        service_type,
        resource_id,
        enterprise_project,
        charge_mode,
        bill_type,
        method,
        statistic_type,
        page,
        size,
    }
}

impl Checked {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let n = |o: Option<i64>| o.map(|v| v.to_string()).unwrap_or_default();
        vec![
            ("cycle", self.cycle.to_string()),
            ("service_type", s(&self.service_type)),
            ("resource_id", s(&self.resource_id)),
            ("enterprise_project", s(&self.enterprise_project)),
            ("charge_mode", n(self.charge_mode)),
            ("bill_type", n(self.bill_type)),
            ("method", s(&self.method)),
            ("statistic_type", n(self.statistic_type)),
            ("size", self.size.to_string()),
        ]
    }

    /// The filters for the audit summary.
    fn summary(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, v) in self.pairs() {
            if !v.is_empty() && k != "size" {
                m.insert(k.to_owned(), json!(v));
            }
        }
        serde_json::Value::Object(m)
    }

    fn records_req(&self, offset: i64, limit: i64) -> ListCustomerselfResourceRecordsRequest {
        ListCustomerselfResourceRecordsRequest {
            x_language: Some("en_US".into()),
            cycle: self.cycle.to_string(),
            cloud_service_type: self.service_type.clone(),
            charge_mode: self.charge_mode.map(|m| m.to_string()),
            bill_type: self.bill_type,
            offset: Some(offset),
            limit: Some(limit),
            resource_id: self.resource_id.clone(),
            enterprise_project_id: self.enterprise_project.clone(),
            method: self.method.clone(),
            statistic_type: self.statistic_type,
            ..Default::default()
        }
    }

    fn details_req(&self, offset: i64, limit: i64) -> ListCustomerselfResourceRecordDetailsRequest {
        ListCustomerselfResourceRecordDetailsRequest {
            x_language: Some("en_us".into()),
            cycle: self.cycle.to_string(),
            cloud_service_type: self.service_type.clone(),
            res_instance_id: self.resource_id.clone(),
            charge_mode: self.charge_mode,
            bill_type: self.bill_type,
            enterprise_project_id: self.enterprise_project.clone(),
            offset: Some(offset),
            limit: Some(limit),
            method: self.method.clone(),
            statistic_type: self.statistic_type,
            ..Default::default()
        }
    }
}

fn filter_fields(c: &Checked, errors: &FieldErrors, raw: &BillQuery, full: bool) -> Vec<Filter> {
    // On a refused form, show what was typed, not the fallback.
    let raw_or = |field: &str, raw: &Option<String>, ok: String| {
        if errors.get(field).is_some() {
            raw.clone().unwrap_or_default()
        } else {
            ok
        }
    };
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let n = |o: Option<i64>| o.map(|v| v.to_string()).unwrap_or_default();
    let mut out = vec![
        Filter::input(
            "cycle",
            "Billing cycle",
            "month",
            &raw_or("cycle", &raw.cycle, c.cycle.to_string()),
        )
        .hint("Year-month, e.g. 2026-03 (UTC+8)")
        .errors(errors),
        Filter::input(
            "service_type",
            "Service type code",
            "text",
            &raw_or("service_type", &raw.service_type, s(&c.service_type)),
        )
        .hint("e.g. hws.service.type.ec2")
        .errors(errors),
    ];
    if full {
        let bill_types: Vec<(String, String)> = BILL_TYPES
            .iter()
            .map(|t| (t.to_string(), view::names::bill_type(Some(*t))))
            .collect();
        let bill_types: Vec<(&str, &str)> = bill_types
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        out.extend([
            Filter::input(
                "resource_id",
                "Resource id",
                "text",
                &raw_or("resource_id", &raw.resource_id, s(&c.resource_id)),
            )
            .errors(errors),
            Filter::input(
                "enterprise_project",
                "Enterprise project id",
                "text",
                &raw_or(
                    "enterprise_project",
                    &raw.enterprise_project,
                    s(&c.enterprise_project),
                ),
            )
            .errors(errors),
            Filter::select(
                "charge_mode",
                "Billing mode",
                &n(c.charge_mode),
                CHARGE_MODES,
            )
            .errors(errors),
            Filter::select("bill_type", "Bill type", &n(c.bill_type), &bill_types).errors(errors),
            Filter::select("method", "Whose records", &s(&c.method), METHODS).errors(errors),
            Filter::select(
                "statistic_type",
                "Statistics",
                &n(c.statistic_type),
                STAT_TYPES,
            )
            .errors(errors),
            Filter::select(
                "size",
                "Rows per page",
                &c.size.to_string(),
                &[("10", "10"), ("25", "25"), ("50", "50"), ("100", "100")],
            )
            .errors(errors),
        ]);
    }
    out
}

// --- monthly summary -------------------------------------------------------------------------

/// One summary line (a service type or a billing mode).
#[derive(Debug, Clone)]
pub struct SumLine {
    pub name: String,
    pub code: String,
    pub official: String,
    pub discount: String,
    pub consumed: String,
    pub share: String,
}

/// One month of the chart's table fallback.
#[derive(Debug, Clone)]
pub struct MonthLine {
    pub cycle: String,
    pub href: String,
    pub total: String,
}

/// `templates/portal/bills.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/bills.html")]
pub struct BillsPage {
    pub ctx: PageContext,
    pub tabs: Vec<Tab>,
    pub filters: Vec<Filter>,
    pub form_action: String,
    pub form_error: Option<String>,
    pub cycle: String,
    pub total: String,
    pub cash: String,
    pub coupon: String,
    pub credit: String,
    pub debt: String,
    pub by_service: Vec<SumLine>,
    pub by_mode: Vec<SumLine>,
    pub chart: Option<StackedChart>,
    pub months: Vec<MonthLine>,
    pub stale: Option<String>,
}

fn group(
    sums: &[MonthlyBillSum],
    key: impl Fn(&MonthlyBillSum) -> (String, String),
    currency: &str,
) -> Vec<SumLine> {
    let mut m: BTreeMap<String, (String, Decimal, Decimal, Decimal)> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for s in sums {
        let (code, name) = key(s);
        let e = m
            .entry(code)
            .or_insert((name, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO));
        let consumed = view::major(s.consume_amount, s.measure_id);
        e.1 += view::major(s.official_amount, s.measure_id);
        e.2 += view::major(s.official_discount_amount, s.measure_id);
        e.3 += consumed;
        total += consumed;
    }
    let mut lines: Vec<(String, (String, Decimal, Decimal, Decimal))> = m.into_iter().collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.1.3));
    lines
        .into_iter()
        .map(|(code, (name, official, discount, consumed))| SumLine {
            name,
            code,
            official: format::money(official, currency),
            discount: format::money(discount, currency),
            consumed: format::money(consumed, currency),
            share: if total.is_zero() {
                "—".into()
            } else {
                format!(
                    "{} %",
                    (consumed * Decimal::ONE_HUNDRED / total).round_dp(1)
                )
            },
        })
        .collect()
}

fn service_key(s: &MonthlyBillSum) -> (String, String) {
    let code = s.service_type_code.clone().unwrap_or_default();
    let name = s
        .service_type_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| code.clone());
    (code, name)
}

async fn summary(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<BillQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let now = OffsetDateTime::now_utc();
    let mut errors = FieldErrors::default();
    let c = check(&q, now, &mut errors);
    let mut page = BillsPage {
        ctx: v.ctx(&state, "bills").await?,
        tabs: tabs(BILLS),
        filters: filter_fields(&c, &errors, &q, false),
        form_action: BILLS.into(),
        form_error: errors.summary(),
        cycle: c.cycle.to_string(),
        total: String::new(),
        cash: String::new(),
        coupon: String::new(),
        credit: String::new(),
        debt: String::new(),
        by_service: Vec::new(),
        by_mode: Vec::new(),
        chart: None,
        months: Vec::new(),
        stale: None,
    };
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    // The chosen cycle and the 12 months up to the current one, concurrently; the cycle is
    // usually one of them, so its request is shared.
    let current = Cycle::current(now);
    let chart_cycles: Vec<Cycle> = (0..12).rev().map(|k| current.minus(k)).collect();
    let reads = chart_cycles.iter().map(|cy| {
        let req = monthly_sum_req(*cy, c.service_type.clone());
        let v = &v;
        let state = &state;
        async move { v.read(state, "Loading your monthly bills", &req).await }
    });
    let chosen_req = monthly_sum_req(c.cycle, c.service_type.clone());
    let (chosen, months) = tokio::try_join!(
        v.read(&state, "Loading the monthly summary", &chosen_req),
        futures_util::future::try_join_all(reads),
    )?;
    let mut st = Staleness::default();
    st.see(&chosen);
    months.iter().for_each(|m| st.see(m));
    let currency = chosen.currency.clone().unwrap_or_default();
    let amt = |d: Option<Decimal>, r: &ShowCustomerMonthlySumResponse| {
        format::money(view::major(d, r.measure_id), &currency)
    };
    page.total = amt(chosen.consume_amount, &chosen);
    page.cash = amt(chosen.cash_amount, &chosen);
    page.coupon = amt(chosen.coupon_amount, &chosen);
    page.credit = amt(chosen.credit_amount, &chosen);
    page.debt = amt(chosen.debt_amount, &chosen);
    page.by_service = group(&chosen.bill_sums, service_key, &currency);
    page.by_mode = group(
        &chosen.bill_sums,
        |s| {
            (
                s.charging_mode.map(|m| m.to_string()).unwrap_or_default(),
                view::names::charge_mode(s.charging_mode).to_owned(),
            )
        },
        &currency,
    );
    let columns: Vec<(String, Vec<(String, Decimal)>)> = chart_cycles
        .iter()
        .zip(&months)
        .map(|(cy, m)| {
            let parts = m
                .bill_sums
                .iter()
                .map(|s| {
                    (
                        service_key(s).1,
                        view::major(s.consume_amount, s.measure_id),
                    )
                })
                .collect();
            (cy.label(), parts)
        })
        .collect();
    page.months = chart_cycles
        .iter()
        .zip(&months)
        .rev()
        .map(|(cy, m)| MonthLine {
            cycle: cy.to_string(),
            href: format!("{BILLS}?cycle={cy}"),
            total: format::money(view::major(m.consume_amount, m.measure_id), &currency),
        })
        .collect();
    let cur = currency.clone();
    let ch = chart::stacked(
        "Spend per month by service type, last 12 months",
        &columns,
        move |d| format::money(d, &cur),
    );
    page.chart = (!ch.empty).then_some(ch);
    page.stale = st.notice();
    Ok(page.into_response())
}

// --- resource expenditures -------------------------------------------------------------------

async fn resources(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<BillQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let mut errors = FieldErrors::default();
    let c = check(&q, OffsetDateTime::now_utc(), &mut errors);
    let mut page = ListPage::new(v.ctx(&state, "bills").await?, "Bills", RESOURCES);
    page.tabs = tabs(RESOURCES);
    page.intro =
        "Resource expenditures: what each resource cost in the cycle, after discounts.".into();
    page.filters = filter_fields(&c, &errors, &q, true);
    page.form_error = errors.summary();
    if !errors.is_empty() {
        return Ok(page.respond());
    }
    let pager0 = Pager::new(RESOURCES, c.page, c.size, 0, &c.pairs());
    let res = v
        .read(
            &state,
            "Loading resource expenditures",
            &c.records_req(pager0.offset() as i64, c.size as i64),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let currency = res.currency.clone().unwrap_or_default();
    page.cols = vec![
        Col::text("Date"),
        Col::text("Service"),
        Col::text("Resource"),
        Col::text("Billing mode"),
        Col::text("Bill type"),
        Col::num("List price"),
        Col::num("Discount"),
        Col::num("Amount"),
    ];
    page.rows = res
        .fee_records
        .iter()
        .map(|r| {
            let mode = r.charge_mode.as_deref().and_then(|m| m.parse().ok());
            vec![
                Td::t(view::text(r.bill_date.as_deref())),
                Td::t(view::text(
                    r.cloud_service_type_name
                        .as_deref()
                        .or(r.cloud_service_type.as_deref()),
                )),
                Td::t(format!(
                    "{} ({})",
                    view::text(r.resource_name.as_deref()),
                    view::text(r.resource_id.as_deref())
                )),
                Td::t(view::names::charge_mode(mode)),
                Td::t(view::names::bill_type(r.bill_type)),
                Td::n(view::money(r.official_amount, r.measure_id, &currency)),
                Td::n(view::money(r.discount_amount, r.measure_id, &currency)),
                Td::n(view::money(r.amount, r.measure_id, &currency)),
            ]
        })
        .collect();
    let total = res.total_count.unwrap_or(page.rows.len() as i64).max(0) as u64;
    let pager = Pager::new(RESOURCES, c.page, c.size, total, &c.pairs());
    page.count_label = format!("{total} records in {}", c.cycle);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/bills/resources/export", &c.pairs()));
    page.empty = format!(
        "No resource expenditures in {} with these filters. Choose another billing cycle or reset the filters.",
        c.cycle
    );
    page.stale = st.notice();
    Ok(page.respond())
}

async fn audit_export(
    state: &AppState,
    v: &Viewer,
    event: &'static str,
    c: &Checked,
) -> AppResult<()> {
    let e = Event::new(event, Outcome::Success)
        .resource("billCycle", c.cycle.to_string())
        .summary(c.summary());
    audit::record(&state.db, &v.customer.user.actor(), e).await?;
    Ok(())
}

async fn resources_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<BillQuery>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let c = check(&q, OffsetDateTime::now_utc(), &mut errors);
    if !errors.is_empty() {
        // The page again, with the messages next to the fields.
        return resources(State(state), customer, Query(q)).await;
    }
    let v = Viewer::load(&state, customer).await?;
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    audit_export(&state, &v, audit::event::EXPORT_FEE_RECORDS, &c).await?;
    let (cbc, creds) = (state.cbc.clone(), v.creds.clone());
    let name = format!("resource-expenditures-{}.csv", c.cycle);
    export::paged_csv(
        &name,
        &[
            "bill_date",
            "service_type",
            "resource_type",
            "region",
            "resource_id",
            "resource_name",
            "charge_mode",
            "bill_type",
            "enterprise_project_id",
            "trade_id",
            "official_amount",
            "discount_amount",
            "amount",
            "cash_amount",
            "credit_amount",
            "coupon_amount",
            "currency",
        ],
        EXPORT_LIMIT,
        move |offset, limit| {
            let (cbc, creds, req) = (cbc.clone(), creds.clone(), c.records_req(offset, limit));
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting resource expenditures", e))?;
                let currency = r.currency.clone().unwrap_or_default();
                let n = r.fee_records.len();
                let rows = r
                    .fee_records
                    .iter()
                    .map(|x| {
                        let m = |d| Cell::Money(view::major(d, x.measure_id));
                        vec![
                            Cell::from(x.bill_date.clone()),
                            Cell::from(x.cloud_service_type.clone()),
                            Cell::from(x.resource_type.clone()),
                            Cell::from(x.region.clone()),
                            Cell::from(x.resource_id.clone()),
                            Cell::from(x.resource_name.clone()),
                            Cell::from(x.charge_mode.clone()),
                            Cell::Int(x.bill_type.unwrap_or_default()),
                            Cell::from(x.enterprise_project_id.clone()),
                            Cell::from(x.trade_id.clone()),
                            m(x.official_amount),
                            m(x.discount_amount),
                            m(x.amount),
                            m(x.cash_amount),
                            m(x.credit_amount),
                            m(x.coupon_amount),
                            Cell::from(currency.clone()),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- resource usage details ------------------------------------------------------------------

async fn details(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<BillQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let mut errors = FieldErrors::default();
    let c = check(&q, OffsetDateTime::now_utc(), &mut errors);
    let mut page = ListPage::new(v.ctx(&state, "bills").await?, "Bills", DETAILS);
    page.tabs = tabs(DETAILS);
    page.intro =
        "Resource usage details: each resource's consumption in the cycle, by payment source."
            .into();
    page.filters = filter_fields(&c, &errors, &q, true);
    page.form_error = errors.summary();
    if !errors.is_empty() {
        return Ok(page.respond());
    }
    let offset = (c.page - 1) * c.size;
    let res = v
        .read(
            &state,
            "Loading resource usage details",
            &c.details_req(offset as i64, c.size as i64),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let currency = res.currency.clone().unwrap_or_default();
    page.cols = vec![
        Col::text("Cycle / date"),
        Col::text("Service"),
        Col::text("Resource"),
        Col::text("Enterprise project"),
        Col::text("Billing mode"),
        Col::num("List price"),
        Col::num("Discount"),
        Col::num("Consumed"),
        Col::num("Cash"),
        Col::num("Coupons"),
    ];
    page.rows = res
        .monthly_records
        .iter()
        .map(|r| {
            let m = |d| view::money(d, r.measure_id, &currency);
            vec![
                Td::t(view::text(r.bill_date.as_deref().or(r.cycle.as_deref()))),
                Td::t(view::text(
                    r.cloud_service_type_name
                        .as_deref()
                        .or(r.cloud_service_type.as_deref()),
                )),
                Td::t(format!(
                    "{} ({})",
                    view::text(r.resource_name.as_deref()),
                    view::text(r.res_instance_id.as_deref())
                )),
                Td::t(view::text(
                    r.enterprise_project_name
                        .as_deref()
                        .or(r.enterprise_project_id.as_deref()),
                )),
                Td::t(view::names::charge_mode(r.charge_mode)),
                Td::n(m(r.official_amount)),
                Td::n(m(r.discount_amount)),
                Td::n(m(r.consume_amount)),
                Td::n(m(r.cash_amount)),
                Td::n(m(r.coupon_amount)),
            ]
        })
        .collect();
    let total = res.total_count.unwrap_or(page.rows.len() as i64).max(0) as u64;
    page.count_label = format!("{total} records in {}", c.cycle);
    page.pager = Some(Pager::new(DETAILS, c.page, c.size, total, &c.pairs()));
    page.export_url = Some(view::export_url("/bills/details/export", &c.pairs()));
    page.empty = format!(
        "No usage details in {} with these filters. Choose another billing cycle or reset the filters.",
        c.cycle
    );
    page.stale = st.notice();
    Ok(page.respond())
}

async fn details_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<BillQuery>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let c = check(&q, OffsetDateTime::now_utc(), &mut errors);
    if !errors.is_empty() {
        // The page again, with the messages next to the fields.
        return details(State(state), customer, Query(q)).await;
    }
    let v = Viewer::load(&state, customer).await?;
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    audit_export(&state, &v, audit::event::EXPORT_RECORD_DETAILS, &c).await?;
    let (cbc, creds) = (state.cbc.clone(), v.creds.clone());
    let name = format!("usage-details-{}.csv", c.cycle);
    export::paged_csv(
        &name,
        &[
            "cycle",
            "bill_date",
            "service_type",
            "resource_type",
            "region",
            "resource_id",
            "resource_name",
            "enterprise_project_id",
            "charge_mode",
            "bill_type",
            "official_amount",
            "discount_amount",
            "consume_amount",
            "cash_amount",
            "credit_amount",
            "coupon_amount",
            "bonus_amount",
            "currency",
        ],
        EXPORT_LIMIT,
        move |offset, limit| {
            let (cbc, creds, req) = (cbc.clone(), creds.clone(), c.details_req(offset, limit));
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting usage details", e))?;
                let currency = r.currency.clone().unwrap_or_default();
                let n = r.monthly_records.len();
                let rows = r
                    .monthly_records
                    .iter()
                    .map(|x| {
                        let m = |d| Cell::Money(view::major(d, x.measure_id));
                        vec![
                            Cell::from(x.cycle.clone()),
                            Cell::from(x.bill_date.clone()),
                            Cell::from(x.cloud_service_type.clone()),
                            Cell::from(x.resource_type_code.clone()),
                            Cell::from(x.region.clone()),
                            Cell::from(x.res_instance_id.clone()),
                            Cell::from(x.resource_name.clone()),
                            Cell::from(x.enterprise_project_id.clone()),
                            Cell::Int(x.charge_mode.unwrap_or_default()),
                            Cell::Int(x.bill_type.unwrap_or_default()),
                            m(x.official_amount),
                            m(x.discount_amount),
                            m(x.consume_amount),
                            m(x.cash_amount),
                            m(x.credit_amount),
                            m(x.coupon_amount),
                            m(x.bonus_amount),
                            Cell::from(currency.clone()),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}
