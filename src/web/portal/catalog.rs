//! The product catalog: service types, resource types, the resources of one service type, usage
//! types, measurement units and their conversions. Each section has its own URL, filters in the
//! query string, sortable columns, pagination and a streamed CSV export.
//!
//! Catalog answers change rarely and are small (tens to hundreds of rows), so a page reads one
//! cached upstream list (up to 1000 rows) and filters, sorts and pages it here; exports page
//! through CBC with offset/limit.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::view::{
    self, Col, Dir, FieldErrors, Filter, ListPage, Section, Staleness, Tab, Td, Viewer,
};
use crate::auth::Customer;
use crate::cbc::ops::catalog::{MeasureUnit, ResourceType, ServiceType, UsageType};
use crate::cbc::ops::{
    ListConversionsRequest, ListMeasureUnitsRequest, ListResourceTypesRequest,
    ListServiceResourcesRequest, ListServiceTypesRequest, ListUsageTypesRequest,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::export::{self, Cell};
use crate::web::paging::Pager;

pub const SERVICE_TYPES: &str = "/catalog";
pub const RESOURCE_TYPES: &str = "/catalog/resource-types";
pub const USAGE_TYPES: &str = "/catalog/usage-types";
pub const UNITS: &str = "/catalog/units";
const LANG: &str = "en_US";
/// Rows fetched per upstream call (CBC allows up to 1000 for catalog lists).
const UPSTREAM_LIMIT: i64 = 1000;

/// `/catalog/services/{code}`.
pub fn service_url(code: &str) -> String {
    format!("/catalog/services/{}", crate::cbc::signer::encode(code))
}

/// Routes of the catalog.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(SERVICE_TYPES, get(service_types))
        .route("/catalog/export", get(service_types_export))
        .route(RESOURCE_TYPES, get(resource_types))
        .route("/catalog/resource-types/export", get(resource_types_export))
        .route("/catalog/services/{code}", get(service_resources))
        .route(
            "/catalog/services/{code}/export",
            get(service_resources_export),
        )
        .route(USAGE_TYPES, get(usage_types))
        .route("/catalog/usage-types/export", get(usage_types_export))
        .route(UNITS, get(units))
        .route("/catalog/units/export", get(units_export))
}

fn tabs(current: &str) -> Vec<Tab> {
    [
        ("Service types", SERVICE_TYPES),
        ("Resource types", RESOURCE_TYPES),
        ("Usage types", USAGE_TYPES),
        ("Units", UNITS),
    ]
    .into_iter()
    .map(|(label, href)| Tab {
        label,
        href: href.to_owned(),
        current: href == current,
    })
    .collect()
}

/// Query of every catalog section.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    q: Option<String>,
    service_type: Option<String>,
    resource_type: Option<String>,
    measure_type: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

struct Checked {
    q: Option<String>,
    service_type: Option<String>,
    resource_type: Option<String>,
    measure_type: Option<i64>,
    sort: String,
    dir: Dir,
    page: u64,
    size: u64,
    errors: FieldErrors,
}

fn check(q: &CatalogQuery, sorts: &[&str]) -> Checked {
    let mut errors = FieldErrors::default();
    let text = view::check_code(&mut errors, "q", "Search", &q.q, 64);
    let service_type = view::check_code(
        &mut errors,
        "service_type",
        "Service type",
        &q.service_type,
        64,
    );
    let resource_type = view::check_code(
        &mut errors,
        "resource_type",
        "Resource type",
        &q.resource_type,
        64,
    );
    let measure_type = view::opt(&q.measure_type).and_then(|v| match v.parse::<i64>() {
        Ok(n) if (1..=200).contains(&n) => Some(n),
        _ => {
            errors.add("measure_type", "Choose a measurement type from the list.");
            None
        }
    });
    let sort = match view::opt(&q.sort) {
        None => sorts.first().copied().unwrap_or("name").to_owned(),
        Some(s) if sorts.contains(&s) => s.to_owned(),
        Some(_) => {
            errors.add("sort", "That column cannot be sorted.");
            sorts.first().copied().unwrap_or("name").to_owned()
        }
    };
    let dir = view::check_dir(&mut errors, &q.dir, Dir::Asc);
    let (page, size) = view::check_paging(&mut errors, &q.page, &q.size, 25);
    Checked {
        q: text,
        service_type,
        resource_type,
        measure_type,
        sort,
        dir,
        page,
        size,
        errors,
    }
}

impl Checked {
    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone().unwrap_or_default()),
            (
                "service_type",
                self.service_type.clone().unwrap_or_default(),
            ),
            (
                "resource_type",
                self.resource_type.clone().unwrap_or_default(),
            ),
            (
                "measure_type",
                self.measure_type.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("sort", self.sort.clone()),
            ("dir", self.dir.as_str().to_owned()),
            ("size", self.size.to_string()),
        ]
    }
}

fn contains(hay: &Option<String>, needle: &str) -> bool {
    hay.as_deref()
        .is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase()))
}

/// Sorts `items` by a string key and returns the page's slice and the pager.
fn sort_page<T: Clone>(
    mut items: Vec<T>,
    key: impl Fn(&T) -> String,
    c: &Checked,
    path: &str,
) -> (Vec<T>, Pager) {
    items.sort_by_cached_key(|i| key(i).to_lowercase());
    if c.dir == Dir::Desc {
        items.reverse();
    }
    let pager = Pager::new(path, c.page, c.size, items.len() as u64, &c.filters());
    let start = (pager.offset() as usize).min(items.len());
    let end = (start + pager.per_page as usize).min(items.len());
    (items[start..end].to_vec(), pager)
}

fn page_with(ctx: crate::web::page::PageContext, title: &str, path: &str, c: &Checked) -> ListPage {
    let mut p = ListPage::new(ctx, title, path);
    p.tabs = tabs(path);
    p.form_error = c.errors.summary();
    p
}

// --- service types ---------------------------------------------------------------------------

/// `ListServiceTypes` with the name filter, all rows in one call.
fn service_types_req(q: &Option<String>, offset: i64, limit: i64) -> ListServiceTypesRequest {
    ListServiceTypesRequest {
        x_language: Some(LANG.into()),
        limit: Some(limit),
        offset: Some(offset),
        service_type_name: q.clone(),
    }
}

async fn service_types(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "abbreviation"]);
    let mut page = page_with(
        v.ctx(&state, "catalog").await?,
        "Catalog",
        SERVICE_TYPES,
        &c,
    );
    page.intro =
        "Cloud service types offered to your account. Choose one to see its resource types.".into();
    page.filters = vec![
        Filter::input("q", "Service name", "search", c.q.as_deref().unwrap_or(""))
            .hint("Part of the name, e.g. Elastic")
            .errors(&c.errors),
    ];
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let res = v
        .read(
            &state,
            "Loading service types",
            &service_types_req(&c.q, 0, UPSTREAM_LIMIT),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let (rows, pager) = sort_page(
        res.service_types.clone(),
        |s: &ServiceType| match c.sort.as_str() {
            "code" => s.service_type_code.clone().unwrap_or_default(),
            "abbreviation" => s.abbreviation.clone().unwrap_or_default(),
            _ => s.service_type_name.clone().unwrap_or_default(),
        },
        &c,
        SERVICE_TYPES,
    );
    let f = c.filters();
    let cur = (c.sort.as_str(), c.dir);
    page.cols = vec![
        Col::text("Name").sortable(SERVICE_TYPES, &f, "name", cur),
        Col::text("Abbreviation").sortable(SERVICE_TYPES, &f, "abbreviation", cur),
        Col::text("Code").sortable(SERVICE_TYPES, &f, "code", cur),
    ];
    page.rows = rows
        .iter()
        .map(|s| {
            let code = s.service_type_code.clone().unwrap_or_default();
            vec![
                Td::link(
                    view::text(s.service_type_name.as_deref()),
                    service_url(&code),
                ),
                Td::t(view::text(s.abbreviation.as_deref())),
                Td::code(code),
            ]
        })
        .collect();
    page.count_label = format!("{} service types", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/catalog/export", &f));
    page.empty = if c.q.is_some() {
        "No service type matches this name. Try a shorter part of it, or reset the search.".into()
    } else {
        "Huawei Cloud listed no service types for this account. Try again later.".into()
    };
    page.stale = st.notice();
    Ok(page.respond())
}

async fn service_types_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "abbreviation"]);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds, name) = (state.cbc.clone(), v.creds.clone(), c.q.clone());
    export::paged_csv(
        "service-types.csv",
        &["name", "abbreviation", "code"],
        UPSTREAM_LIMIT,
        move |offset, limit| {
            let (cbc, creds, req) = (
                cbc.clone(),
                creds.clone(),
                service_types_req(&name, offset, limit),
            );
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting service types", e))?;
                let n = r.service_types.len();
                let rows = r
                    .service_types
                    .iter()
                    .map(|s| {
                        vec![
                            Cell::from(s.service_type_name.clone()),
                            Cell::from(s.abbreviation.clone()),
                            Cell::from(s.service_type_code.clone()),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- resource types --------------------------------------------------------------------------

fn resource_types_req(offset: i64, limit: i64) -> ListResourceTypesRequest {
    ListResourceTypesRequest {
        x_language: Some(LANG.into()),
        limit: Some(limit),
        offset: Some(offset),
    }
}

fn resource_type_matches(r: &ResourceType, c: &Checked) -> bool {
    c.q.as_deref()
        .is_none_or(|q| contains(&r.resource_type_name, q) || contains(&r.resource_type_code, q))
        && c.service_type
            .as_deref()
            .is_none_or(|s| r.service_type_code.as_deref() == Some(s))
}

async fn resource_types(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "service"]);
    let mut page = page_with(
        v.ctx(&state, "catalog").await?,
        "Catalog",
        RESOURCE_TYPES,
        &c,
    );
    page.intro = "Resource types (what you are billed for) and the service each belongs to.".into();
    page.filters = vec![
        Filter::input("q", "Name or code", "search", c.q.as_deref().unwrap_or(""))
            .errors(&c.errors),
        Filter::input(
            "service_type",
            "Service type code",
            "text",
            c.service_type.as_deref().unwrap_or(""),
        )
        .hint("e.g. hws.service.type.ec2")
        .errors(&c.errors),
    ];
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let res = v
        .read(
            &state,
            "Loading resource types",
            &resource_types_req(0, UPSTREAM_LIMIT),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let items: Vec<ResourceType> = res
        .resource_types
        .iter()
        .filter(|r| resource_type_matches(r, &c))
        .cloned()
        .collect();
    let (rows, pager) = sort_page(
        items,
        |r: &ResourceType| match c.sort.as_str() {
            "code" => r.resource_type_code.clone().unwrap_or_default(),
            "service" => r.service_type_code.clone().unwrap_or_default(),
            _ => r.resource_type_name.clone().unwrap_or_default(),
        },
        &c,
        RESOURCE_TYPES,
    );
    let f = c.filters();
    let cur = (c.sort.as_str(), c.dir);
    page.cols = vec![
        Col::text("Name").sortable(RESOURCE_TYPES, &f, "name", cur),
        Col::text("Code").sortable(RESOURCE_TYPES, &f, "code", cur),
        Col::text("Service type").sortable(RESOURCE_TYPES, &f, "service", cur),
        Col::text("Description"),
        Col::text("Usage types"),
    ];
    page.rows = rows
        .iter()
        .map(|r| {
            let code = r.resource_type_code.clone().unwrap_or_default();
            let svc = r.service_type_code.clone().unwrap_or_default();
            vec![
                Td::t(view::text(r.resource_type_name.as_deref())),
                Td::code(code.clone()),
                Td::link(svc.clone(), service_url(&svc)),
                Td::t(view::text(r.resource_type_desc.as_deref())),
                Td::link(
                    "Usage types",
                    format!(
                        "{USAGE_TYPES}?resource_type={}",
                        crate::cbc::signer::encode(&code)
                    ),
                ),
            ]
        })
        .collect();
    page.count_label = format!("{} resource types", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/catalog/resource-types/export", &f));
    page.empty =
        "No resource type matches these filters. Reset the filters to see all of them.".into();
    page.stale = st.notice();
    Ok(page.respond())
}

async fn resource_types_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "service"]);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds) = (state.cbc.clone(), v.creds.clone());
    let c = std::sync::Arc::new(c);
    export::paged_csv(
        "resource-types.csv",
        &["name", "code", "service_type", "description"],
        UPSTREAM_LIMIT,
        move |offset, limit| {
            let (cbc, creds, c) = (cbc.clone(), creds.clone(), c.clone());
            async move {
                let r = cbc
                    .call(&creds, &resource_types_req(offset, limit))
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting resource types", e))?;
                let n = r.resource_types.len();
                let rows: Vec<Vec<Cell>> = r
                    .resource_types
                    .iter()
                    .filter(|r| resource_type_matches(r, &c))
                    .map(|r| {
                        vec![
                            Cell::from(r.resource_type_name.clone()),
                            Cell::from(r.resource_type_code.clone()),
                            Cell::from(r.service_type_code.clone()),
                            Cell::from(r.resource_type_desc.clone()),
                        ]
                    })
                    .collect();
                // Paging follows the upstream rows, not the filtered ones.
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- resources of one service type -----------------------------------------------------------

fn service_resources_req(code: &str, offset: i64, limit: i64) -> ListServiceResourcesRequest {
    ListServiceResourcesRequest {
        x_language: Some(LANG.into()),
        service_type_code: code.to_owned(),
        limit: Some(limit),
        offset: Some(offset),
    }
}

fn check_service_code(code: &str) -> AppResult<String> {
    let mut e = FieldErrors::default();
    view::check_code(&mut e, "code", "Service type", &Some(code.to_owned()), 64)
        .filter(|_| e.is_empty())
        .ok_or(AppError::NotFound)
}

async fn service_resources(
    State(state): State<AppState>,
    customer: Customer,
    Path(code): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let code = check_service_code(&code)?;
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code"]);
    let path = service_url(&code);
    let mut page = page_with(
        v.ctx(&state, "catalog").await?,
        &format!("Resources of {code}"),
        &path,
        &c,
    );
    page.tabs = tabs("");
    page.intro = "Resource types of this service, as used in price inquiries.".into();
    page.filters = vec![
        Filter::input("q", "Name or code", "search", c.q.as_deref().unwrap_or(""))
            .errors(&c.errors),
    ];
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let res = v
        .read(
            &state,
            "Loading the service's resource types",
            &service_resources_req(&code, 0, UPSTREAM_LIMIT),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let items: Vec<_> = res
        .infos
        .iter()
        .filter_map(|i| i.basic_info.clone())
        .filter(|b| {
            c.q.as_deref()
                .is_none_or(|q| contains(&b.name, q) || contains(&b.resource_type_code, q))
        })
        .collect();
    let (rows, pager) = sort_page(
        items,
        |b| match c.sort.as_str() {
            "code" => b.resource_type_code.clone().unwrap_or_default(),
            _ => b.name.clone().unwrap_or_default(),
        },
        &c,
        &path,
    );
    let f = c.filters();
    let cur = (c.sort.as_str(), c.dir);
    page.cols = vec![
        Col::text("Name").sortable(&path, &f, "name", cur),
        Col::text("Resource type").sortable(&path, &f, "code", cur),
        Col::text("Description"),
        Col::text("Pricing"),
    ];
    page.rows = rows
        .iter()
        .map(|b| {
            let rt = b.resource_type_code.clone().unwrap_or_default();
            vec![
                Td::t(view::text(b.name.as_deref())),
                Td::code(rt.clone()),
                Td::t(view::text(b.description.as_deref())),
                Td::link(
                    "Get a price",
                    format!(
                        "/pricing?service_type={}&resource_type={}",
                        crate::cbc::signer::encode(&code),
                        crate::cbc::signer::encode(&rt)
                    ),
                ),
            ]
        })
        .collect();
    page.count_label = format!("{} resource types", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url(&format!("{path}/export"), &f));
    page.empty =
        "This service lists no resource types. Go back to the service types and choose another."
            .into();
    page.stale = st.notice();
    Ok(page.respond())
}

async fn service_resources_export(
    State(state): State<AppState>,
    customer: Customer,
    Path(code): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let code = check_service_code(&code)?;
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code"]);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds, search) = (state.cbc.clone(), v.creds.clone(), c.q.clone());
    export::paged_csv(
        "service-resources.csv",
        &["name", "resource_type", "service", "description"],
        UPSTREAM_LIMIT,
        move |offset, limit| {
            let search = search.clone();
            let (cbc, creds, req) = (
                cbc.clone(),
                creds.clone(),
                service_resources_req(&code, offset, limit),
            );
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting resource types", e))?;
                let n = r.infos.len();
                let rows = r
                    .infos
                    .iter()
                    .filter_map(|i| i.basic_info.as_ref())
                    .filter(|b| {
                        search.as_deref().is_none_or(|q| {
                            contains(&b.name, q) || contains(&b.resource_type_code, q)
                        })
                    })
                    .map(|b| {
                        vec![
                            Cell::from(b.name.clone()),
                            Cell::from(b.resource_type_code.clone()),
                            Cell::from(b.product_owner_service.clone()),
                            Cell::from(b.description.clone()),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- usage types -----------------------------------------------------------------------------

fn usage_types_req(rt: &Option<String>, offset: i64, limit: i64) -> ListUsageTypesRequest {
    ListUsageTypesRequest {
        x_language: Some(LANG.into()),
        resource_type_code: rt.clone(),
        offset: Some(offset),
        limit: Some(limit),
    }
}

async fn usage_types(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "resource"]);
    let mut page = page_with(v.ctx(&state, "catalog").await?, "Catalog", USAGE_TYPES, &c);
    page.intro =
        "Usage types: what pay-per-use resources are measured by (duration, traffic ...).".into();
    page.filters = vec![
        Filter::input(
            "resource_type",
            "Resource type code",
            "text",
            c.resource_type.as_deref().unwrap_or(""),
        )
        .hint("e.g. hws.resource.type.vm")
        .errors(&c.errors),
        Filter::input("q", "Name or code", "search", c.q.as_deref().unwrap_or(""))
            .errors(&c.errors),
    ];
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let res = v
        .read(
            &state,
            "Loading usage types",
            &usage_types_req(&c.resource_type, 0, UPSTREAM_LIMIT),
        )
        .await?;
    let mut st = Staleness::default();
    st.see(&res);
    let items: Vec<UsageType> = res
        .usage_types
        .iter()
        .filter(|u| {
            c.q.as_deref()
                .is_none_or(|q| contains(&u.name, q) || contains(&u.code, q))
        })
        .cloned()
        .collect();
    let (rows, pager) = sort_page(
        items,
        |u: &UsageType| match c.sort.as_str() {
            "code" => u.code.clone().unwrap_or_default(),
            "resource" => u.resource_type_code.clone().unwrap_or_default(),
            _ => u.name.clone().unwrap_or_default(),
        },
        &c,
        USAGE_TYPES,
    );
    let f = c.filters();
    let cur = (c.sort.as_str(), c.dir);
    page.cols = vec![
        Col::text("Name").sortable(USAGE_TYPES, &f, "name", cur),
        Col::text("Code").sortable(USAGE_TYPES, &f, "code", cur),
        Col::text("Resource type").sortable(USAGE_TYPES, &f, "resource", cur),
        Col::text("Service type"),
    ];
    page.rows = rows
        .iter()
        .map(|u| {
            vec![
                Td::t(view::text(u.name.as_deref())),
                Td::code(view::text(u.code.as_deref())),
                Td::t(view::text(
                    u.resource_type_name
                        .as_deref()
                        .or(u.resource_type_code.as_deref()),
                )),
                Td::t(view::text(
                    u.service_type_name
                        .as_deref()
                        .or(u.service_type_code.as_deref()),
                )),
            ]
        })
        .collect();
    page.count_label = format!("{} usage types", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/catalog/usage-types/export", &f));
    page.empty = if c.resource_type.is_some() {
        "No usage types for this resource type. Check the code on the Resource types tab.".into()
    } else {
        "No usage types found. Reset the filters to see all of them.".into()
    };
    page.stale = st.notice();
    Ok(page.respond())
}

async fn usage_types_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["name", "code", "resource"]);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds, rt) = (state.cbc.clone(), v.creds.clone(), c.resource_type.clone());
    let search = c.q.clone();
    export::paged_csv(
        "usage-types.csv",
        &["name", "code", "resource_type", "service_type"],
        UPSTREAM_LIMIT,
        move |offset, limit| {
            let search = search.clone();
            let (cbc, creds, req) = (
                cbc.clone(),
                creds.clone(),
                usage_types_req(&rt, offset, limit),
            );
            async move {
                let r = cbc
                    .call(&creds, &req)
                    .await
                    .map_err(|e| AppError::upstream_read("Exporting usage types", e))?;
                let n = r.usage_types.len();
                let rows = r
                    .usage_types
                    .iter()
                    .filter(|u| {
                        search
                            .as_deref()
                            .is_none_or(|q| contains(&u.name, q) || contains(&u.code, q))
                    })
                    .map(|u| {
                        vec![
                            Cell::from(u.name.clone()),
                            Cell::from(u.code.clone()),
                            Cell::from(u.resource_type_code.clone()),
                            Cell::from(u.service_type_code.clone()),
                        ]
                    })
                    .collect();
                Ok((rows, n, r.total_count))
            }
        },
    )
    .await
}

// --- measurement units and conversions -------------------------------------------------------

const MEASURE_TYPES: &[(&str, &str)] = &[
    ("1", "Currency"),
    ("2", "Duration"),
    ("3", "Traffic"),
    ("4", "Quantity"),
    ("7", "Capacity"),
    ("12", "Count"),
    ("16", "Bandwidth rate"),
];

async fn units(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["id", "name"]);
    let mut page = page_with(v.ctx(&state, "catalog").await?, "Catalog", UNITS, &c);
    page.intro =
        "Measurement units (the measure_id values in prices and bills) and how they convert."
            .into();
    let mt = c.measure_type.map(|n| n.to_string()).unwrap_or_default();
    page.filters = vec![
        Filter::select("measure_type", "Measurement type", &mt, MEASURE_TYPES).errors(&c.errors),
        Filter::input("q", "Name", "search", c.q.as_deref().unwrap_or("")).errors(&c.errors),
    ];
    if !c.errors.is_empty() {
        return Ok(page.respond());
    }
    let units_req = ListMeasureUnitsRequest {
        x_language: Some(LANG.into()),
    };
    let conv_req = ListConversionsRequest {
        x_language: Some(LANG.into()),
        measure_type: c.measure_type,
    };
    let (units, conv) = tokio::join!(
        v.read(&state, "Loading measurement units", &units_req),
        v.read(&state, "Loading unit conversions", &conv_req),
    );
    let (units, conv) = (units?, conv?);
    let mut st = Staleness::default();
    st.see(&units);
    st.see(&conv);
    let names: std::collections::HashMap<i64, String> = units
        .measure_units
        .iter()
        .filter_map(|u| {
            Some((
                u.measure_id?,
                u.abbreviation.clone().or(u.measure_name.clone())?,
            ))
        })
        .collect();
    let items: Vec<MeasureUnit> = units
        .measure_units
        .iter()
        .filter(|u| c.measure_type.is_none_or(|t| u.measure_type == Some(t)))
        .filter(|u| {
            c.q.as_deref()
                .is_none_or(|q| contains(&u.measure_name, q) || contains(&u.abbreviation, q))
        })
        .cloned()
        .collect();
    let (rows, pager) = sort_page(
        items,
        |u: &MeasureUnit| match c.sort.as_str() {
            "name" => u.measure_name.clone().unwrap_or_default(),
            _ => format!("{:010}", u.measure_id.unwrap_or_default()),
        },
        &c,
        UNITS,
    );
    let f = c.filters();
    let cur = (c.sort.as_str(), c.dir);
    page.cols = vec![
        Col::num("Measure id").sortable(UNITS, &f, "id", cur),
        Col::text("Name").sortable(UNITS, &f, "name", cur),
        Col::text("Abbreviation"),
        Col::text("Type"),
    ];
    page.rows = rows
        .iter()
        .map(|u| {
            vec![
                Td::n(u.measure_id.map(|i| i.to_string()).unwrap_or_default()),
                Td::t(view::text(u.measure_name.as_deref())),
                Td::t(view::text(u.abbreviation.as_deref())),
                Td::t(view::names::measure_type(u.measure_type)),
            ]
        })
        .collect();
    page.count_label = format!("{} units", pager.total);
    page.pager = Some(pager);
    page.export_url = Some(view::export_url("/catalog/units/export", &f));
    page.empty = "No unit matches these filters. Reset the filters to see all units.".into();
    let unit = |id: Option<i64>| {
        id.map(|i| {
            names
                .get(&i)
                .cloned()
                .unwrap_or_else(|| format!("unit {i}"))
        })
        .unwrap_or_else(|| "—".into())
    };
    page.extra.push(Section {
        title: "Conversions".into(),
        cols: vec![
            Col::text("From"),
            Col::num("Ratio"),
            Col::text("To"),
            Col::text("Type"),
        ],
        rows: conv
            .conversions
            .iter()
            .map(|x| {
                vec![
                    Td::t(format!("1 {}", unit(x.measure_id))),
                    Td::n(
                        x.conversion_ratio
                            .map(|r| r.to_string())
                            .unwrap_or_default(),
                    ),
                    Td::t(unit(x.ref_measure_id)),
                    Td::t(view::names::measure_type(x.measure_type)),
                ]
            })
            .collect(),
        empty: "No conversions for this measurement type.".into(),
    });
    page.stale = st.notice();
    Ok(page.respond())
}

async fn units_export(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<CatalogQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let c = check(&q, &["id", "name"]);
    if !c.errors.is_empty() {
        return Err(AppError::BadRequest(c.errors.summary().unwrap_or_default()));
    }
    view::rate_limit(v.user_id(), "export", view::EXPORTS_PER_MIN)?;
    let (cbc, creds, search, measure_type) = (
        state.cbc.clone(),
        v.creds.clone(),
        c.q.clone(),
        c.measure_type,
    );
    // One upstream call: ListMeasureUnits has no paging.
    let r = cbc
        .call(
            &creds,
            &ListMeasureUnitsRequest {
                x_language: Some(LANG.into()),
            },
        )
        .await
        .map_err(|e| AppError::upstream_read("Exporting measurement units", e))?;
    let rows = r
        .measure_units
        .iter()
        .filter(|u| measure_type.is_none_or(|t| u.measure_type == Some(t)))
        .filter(|u| {
            search
                .as_deref()
                .is_none_or(|q| contains(&u.measure_name, q) || contains(&u.abbreviation, q))
        })
        .map(|u| {
            vec![
                Cell::Int(u.measure_id.unwrap_or_default()),
                Cell::from(u.measure_name.clone()),
                Cell::from(u.abbreviation.clone()),
                Cell::Int(u.measure_type.unwrap_or_default()),
            ]
        })
        .collect();
    export::rows_csv(
        "measure-units.csv",
        &["measure_id", "name", "abbreviation", "measure_type"],
        rows,
    )
    .await
}
