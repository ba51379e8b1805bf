//! Resource packages: `/packages` lists the packages with remaining/total per usage item
//! (ListFreeResourceInfos + ListFreeResourceUsages); `/packages/records` lists the deduction
//! records (ListFreeResourcesUsageRecords) of a date window of at most 90 days. Both export CSV.
//!
//! The usage lookup names only package items from the account's own package list, read in the
//! same request, so it cannot name another account's ids.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::view::{self, Col, FieldErrors, Filter, ListPage, Staleness, Tab, Td, Viewer};
use crate::auth::Customer;
use crate::cbc::ops::resource_packages::FreeResourceUsage;
use crate::cbc::ops::{
    ListFreeResourceInfosRequest, ListFreeResourceUsagesRequest,
    ListFreeResourcesUsageRecordsRequest,
};
use crate::domain::Day;
use crate::error::{AppError, AppResult};
use crate::ownership;
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::paging::Pager;

pub const PACKAGES: &str = "/packages";
pub const RECORDS: &str = "/packages/records";
const EXPORT_LIMIT: i64 = 1000;
/// Longest deduction-record window CBC accepts.
pub const MAX_WINDOW_DAYS: i64 = 90;
const STATUSES: &[(&str, &str)] = &[
    ("0", "Not effective"),
    ("1", "Effective"),
    ("2", "Used up"),
    ("3", "Expired"),
    ("4", "Unsubscribed"),
];

/// Routes of the packages pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PACKAGES, get(packages))
        .route("/packages/export", get(packages_export))
        .route(RECORDS, get(records))
        .route("/packages/records/export", get(records_export))
}

fn tabs(current: &str) -> Vec<Tab> {
    [("Packages", PACKAGES), ("Usage records", RECORDS)]
        .into_iter()
        .map(|(label, href)| Tab {
            label,
            href: href.to_owned(),
            current: href == current,
        })
        .collect()
}

/// Unit names of usage quantities (measure ids of ListMeasureUnits).
fn unit(measure_id: Option<i64>) -> &'static str {
    match measure_id {
        Some(4) => "hours",
        Some(5) => "days",
        Some(10) | Some(17) => "GB",
        Some(11) => "MB",
        Some(12) => "TB",
        Some(14) => "times",
        Some(15) => "Mbit/s",
        _ => "",
    }
}

fn qty(amount: Option<Decimal>, measure_id: Option<i64>) -> String {
    match amount {
        None => "—".into(),
        Some(a) => format!("{} {}", a.normalize(), unit(measure_id))
            .trim()
            .to_owned(),
    }
}

fn qty_str(amount: Option<&str>, measure_id: Option<i64>) -> String {
    qty(amount.and_then(|a| a.parse().ok()), measure_id)
}

#[derive(Debug, Default, Deserialize)]
pub struct PackageQuery {
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    resource_type: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

fn list_req(status: Option<i64>, offset: i64, limit: i64) -> ListFreeResourceInfosRequest {
    ListFreeResourceInfosRequest {
        x_language: Some("en_US".into()),
        status,
        offset: Some(offset),
        limit: Some(limit),
        ..Default::default()
    }
}

async fn packages(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PackageQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let mut errors = FieldErrors::default();
    let status = view::check_enum(&mut errors, "status", "status", &q.status, &[0, 1, 2, 3, 4]);
    let (page_no, size) = view::check_paging(&mut errors, &q.page, &q.size, 10);
    let mut page = ListPage::new(
        v.ctx(&state, "packages").await?,
        "Resource packages",
        PACKAGES,
    );
    page.tabs = tabs(PACKAGES);
    page.intro = "Prepaid resource packages and how much of each usage item is left.".into();
    let status_s = status.map(|s| s.to_string()).unwrap_or_default();
    page.filters = vec![Filter::select("status", "Status", &status_s, STATUSES).errors(&errors)];
    page.form_error = errors.summary();
    if !errors.is_empty() {
        return Ok(page.respond());
    }
    let filters = vec![("status", status_s.clone()), ("size", size.to_string())];
    let offset = ((page_no - 1) * size) as i64;
    let list = v
        .read(
            &state,
            "Loading your resource packages",
            &list_req(status, offset, size as i64),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&list);
    let ids: Vec<String> = list
        .free_resource_packages
        .iter()
        .flat_map(|p| {
            p.free_resources
                .iter()
                .filter_map(|i| i.free_resource_id.clone())
        })
        .collect();
    let instances: Vec<String> = list
        .free_resource_packages
        .iter()
        .filter_map(|p| p.order_instance_id.clone())
        .collect();
    ownership::record(
        &state.db,
        v.customer.cloud_account_id,
        ownership::kind::PACKAGE,
        &instances,
    )
    .await?;
    let usages: Vec<FreeResourceUsage> = if ids.is_empty() {
        Vec::new()
    } else {
        let u = v
            .read(
                &state,
                "Loading package usage",
                &ListFreeResourceUsagesRequest {
                    x_language: Some("en_US".into()),
                    free_resource_ids: ids,
                },
            )
            .await?;
        st.see(&u);
        u.free_resources.clone()
    };
    page.cols = vec![
        Col::text("Package"),
        Col::text("Status"),
        Col::text("Valid"),
        Col::text("Usage item"),
        Col::num("Remaining"),
        Col::num("Total"),
        Col::num("Used"),
    ];
    for p in &list.free_resource_packages {
        let pill = match p.status {
            Some(1) => "ok",
            Some(0) => "warn",
            _ => "err",
        };
        let valid = format!(
            "{} – {}",
            view::time_in(p.effective_time.as_deref(), v.tz),
            view::time_in(p.expire_time.as_deref(), v.tz)
        );
        for item in &p.free_resources {
            let usage = usages.iter().find(|u| {
                u.free_resource_id.is_some() && u.free_resource_id == item.free_resource_id
            });
            let (remaining, total, mid) = match usage {
                Some(u) => (u.amount, u.original_amount, u.measure_id),
                None => (
                    item.amount.as_deref().and_then(|a| a.parse().ok()),
                    item.original_amount.as_deref().and_then(|a| a.parse().ok()),
                    item.measure_id,
                ),
            };
            let used = match (remaining, total) {
                (Some(r), Some(t)) if !t.is_zero() => {
                    format!("{} %", ((t - r) * Decimal::ONE_HUNDRED / t).round_dp(1))
                }
                _ => "—".into(),
            };
            page.rows.push(vec![
                Td::t(view::text(p.product_name.as_deref())),
                Td::pill(view::names::package_status(p.status), pill),
                Td::t(valid.clone()),
                Td::t(view::text(item.usage_type_name.as_deref())),
                Td::n(qty(remaining, mid)),
                Td::n(qty(total, mid)),
                Td::n(used),
            ]);
        }
    }
    let total = list
        .total_count
        .unwrap_or(list.free_resource_packages.len() as i64)
        .max(0) as u64;
    page.count_label = format!("{total} packages");
    page.pager = Some(Pager::new(PACKAGES, page_no, size, total, &filters));
    page.export_url = Some(view::export_url("/packages/export", &filters));
    page.empty = if status.is_some() {
        "No package has this status. Reset the filter to see all packages.".into()
    } else {
        "Your account has no resource packages. Packages bought on Huawei Cloud appear here with their usage.".into()
    };
    page.stale = st.notice();
    Ok(page.respond())
}

async fn packages_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PackageQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let mut errors = FieldErrors::default();
    let status = view::check_enum(&mut errors, "status", "status", &q.status, &[0, 1, 2, 3, 4]);
    if !errors.is_empty() {
        return Err(AppError::BadRequest(errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds) = (state.cbc.clone(), v.creds.clone());
    export::paged_csv(
        "resource-packages.csv",
        &[
            "package_id",
            "package",
            "status",
            "effective_utc",
            "expires_utc",
            "item_id",
            "usage_item",
            "remaining",
            "total",
            "unit",
        ],
        EXPORT_LIMIT,
        move |offset, limit| {
            let (cbc, creds) = (cbc.clone(), creds.clone());
            async move {
                let r = cbc
                    .call(&creds, &list_req(status, offset, limit))
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting resource packages", e))?;
                let n = r.free_resource_packages.len();
                let rows = r
                    .free_resource_packages
                    .iter()
                    .flat_map(|p| {
                        p.free_resources.iter().map(move |i| {
                            vec![
                                Cell::from(p.order_instance_id.clone()),
                                Cell::from(p.product_name.clone()),
                                Cell::from(view::names::package_status(p.status)),
                                Cell::from(p.effective_time.clone()),
                                Cell::from(p.expire_time.clone()),
                                Cell::from(i.free_resource_id.clone()),
                                Cell::from(i.usage_type_name.clone()),
                                Cell::from(i.amount.clone()),
                                Cell::from(i.original_amount.clone()),
                                Cell::from(unit(i.measure_id)),
                            ]
                        })
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- deduction records -----------------------------------------------------------------------

/// The checked record filters.
struct Window {
    from: time::Date,
    to: time::Date,
    resource_type: Option<String>,
    page: u64,
    size: u64,
}

impl Window {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("from", view::date_str(self.from)),
            ("to", view::date_str(self.to)),
            (
                "resource_type",
                self.resource_type.clone().unwrap_or_default(),
            ),
            ("size", self.size.to_string()),
        ]
    }

    fn req(&self, offset: i64, limit: i64) -> ListFreeResourcesUsageRecordsRequest {
        ListFreeResourcesUsageRecordsRequest {
            resource_type_code: self.resource_type.clone(),
            deduct_time_begin: view::date_str(self.from),
            deduct_time_end: view::date_str(self.to),
            offset: Some(offset),
            limit: Some(limit),
            ..Default::default()
        }
    }
}

/// Dates are days in UTC+8 (as CBC counts them); default: the last 30 days.
fn check_window(q: &PackageQuery, now: OffsetDateTime, errors: &mut FieldErrors) -> Window {
    let today = now.to_offset(view::cbc_offset()).date();
    let mut date = |field: &'static str, raw: &Option<String>, default| match view::opt(raw) {
        None => default,
        Some(s) => Day::parse(s).map(Day::date).unwrap_or_else(|e| {
            errors.add(field, e.message());
            default
        }),
    };
    let from = date("from", &q.from, today - Duration::days(30));
    let to = date("to", &q.to, today);
    if errors.is_empty() {
        if to < from {
            errors.add("to", "The end date must not be before the start date.");
        } else if (to - from).whole_days() > MAX_WINDOW_DAYS {
            errors.add(
                "to",
                format!("Choose at most {MAX_WINDOW_DAYS} days between the start and end dates."),
            );
        } else if to > today + Duration::days(1) {
            errors.add("to", "The end date cannot be in the future.");
        }
    }
    let resource_type = view::check_code(
        errors,
        "resource_type",
        "Resource type",
        &q.resource_type,
        64,
    );
    let (page, size) = view::check_paging(errors, &q.page, &q.size, 50);
    Window {
        from,
        to,
        resource_type,
        page,
        size,
    }
}

async fn records(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PackageQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let mut errors = FieldErrors::default();
    let w = check_window(&q, OffsetDateTime::now_utc(), &mut errors);
    let mut page = ListPage::new(
        v.ctx(&state, "packages").await?,
        "Resource packages",
        RECORDS,
    );
    page.tabs = tabs(RECORDS);
    page.intro = "Deductions from your packages, day by day (dates in UTC+8).".into();
    let shown = |field: &str, raw: &Option<String>, ok: String| {
        if errors.get(field).is_some() {
            raw.clone().unwrap_or_default()
        } else {
            ok
        }
    };
    page.filters = vec![
        Filter::input(
            "from",
            "From",
            "date",
            &shown("from", &q.from, view::date_str(w.from)),
        )
        .errors(&errors),
        Filter::input(
            "to",
            "To",
            "date",
            &shown("to", &q.to, view::date_str(w.to)),
        )
        .hint("At most 90 days after From")
        .errors(&errors),
        Filter::input(
            "resource_type",
            "Resource type code",
            "text",
            &shown(
                "resource_type",
                &q.resource_type,
                w.resource_type.clone().unwrap_or_default(),
            ),
        )
        .errors(&errors),
    ];
    page.form_error = errors.summary();
    if !errors.is_empty() {
        return Ok(page.respond());
    }
    let offset = ((w.page - 1) * w.size) as i64;
    let res = v
        .read(
            &state,
            "Loading package usage records",
            &w.req(offset, w.size as i64),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    page.cols = vec![
        Col::text("Deducted"),
        Col::text("Package"),
        Col::text("Resource"),
        Col::text("Usage type"),
        Col::num("Used"),
        Col::num("Remaining"),
    ];
    page.rows = res
        .free_resource_records
        .iter()
        .map(|r| {
            vec![
                Td::t(view::time_in(r.deduct_time.as_deref(), v.tz)),
                Td::t(view::text(r.product_name.as_deref())),
                Td::t(format!(
                    "{} ({})",
                    view::text(r.resource_type_name.as_deref()),
                    view::text(r.resource_id.as_deref())
                )),
                Td::t(view::text(r.usage_type_code.as_deref())),
                Td::n(qty_str(r.used_amount.as_deref(), r.measure_id)),
                Td::n(qty_str(r.remaining_amount.as_deref(), r.measure_id)),
            ]
        })
        .collect();
    let total = res.total_count.unwrap_or(page.rows.len() as i64).max(0) as u64;
    page.count_label = format!(
        "{total} records from {} to {}",
        view::date_str(w.from),
        view::date_str(w.to)
    );
    page.pager = Some(Pager::new(RECORDS, w.page, w.size, total, &w.pairs()));
    page.export_url = Some(view::export_url("/packages/records/export", &w.pairs()));
    page.empty =
        "No package deductions in these dates. Choose a wider window (up to 90 days).".into();
    page.stale = st.notice();
    Ok(page.respond())
}

async fn records_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PackageQuery>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let w = check_window(&q, OffsetDateTime::now_utc(), &mut errors);
    if !errors.is_empty() {
        // The records page again, with the messages next to the fields.
        return records(State(state), customer, Query(q)).await;
    }
    let v = Viewer::load(&state, customer).await?;
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds) = (state.cbc.clone(), v.creds.clone());
    export::paged_csv(
        "package-usage-records.csv",
        &[
            "deducted_utc",
            "item_id",
            "package",
            "resource_id",
            "resource_type",
            "usage_type",
            "used",
            "remaining",
            "unit",
        ],
        EXPORT_LIMIT,
        move |offset, limit| {
            let (cbc, creds, req) = (cbc.clone(), creds.clone(), w.req(offset, limit));
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting package usage records", e))?;
                let n = r.free_resource_records.len();
                let rows = r
                    .free_resource_records
                    .iter()
                    .map(|x| {
                        vec![
                            Cell::from(x.deduct_time.clone()),
                            Cell::from(x.free_resource_id.clone()),
                            Cell::from(x.product_name.clone()),
                            Cell::from(x.resource_id.clone()),
                            Cell::from(x.resource_type_code.clone()),
                            Cell::from(x.usage_type_code.clone()),
                            Cell::from(x.used_amount.clone()),
                            Cell::from(x.remaining_amount.clone()),
                            Cell::from(unit(x.measure_id)),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_windows_are_checked_before_the_call() {
        let now = OffsetDateTime::parse(
            "2026-06-15T00:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .expect("now");
        let q = |from: &str, to: &str| PackageQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            ..Default::default()
        };
        let mut e = FieldErrors::default();
        check_window(&q("2026-03-17", "2026-06-15"), now, &mut e);
        assert!(e.is_empty(), "90 days is allowed: {e:?}");
        let mut e = FieldErrors::default();
        check_window(&q("2026-03-16", "2026-06-15"), now, &mut e);
        assert!(e.get("to").is_some(), "91 days is not");
        let mut e = FieldErrors::default();
        check_window(&q("2026-06-10", "2026-06-01"), now, &mut e);
        assert!(e.get("to").is_some());
        let mut e = FieldErrors::default();
        check_window(&q("yesterday", "2026-06-01"), now, &mut e);
        assert!(e.get("from").is_some());
    }
}
