//! `/pricing`: price inquiries for pay-per-use (ListOnDemandResourceRatings) and yearly/monthly
//! (ListRateOnPeriodDetail) purchases, and `/pricing/compare`, which quotes both billing modes
//! for one configuration over N months and shows the month from which yearly/monthly is
//! cheaper.
//!
//! The form is a GET (a price inquiry changes nothing), so a quote is a shareable URL. Every
//! input is checked against allowlists before any upstream call (422 with messages otherwise),
//! then a per-user rate limit applies (429). The `project_id` sent is the IAM project of the
//! chosen region, stored on the cloud account by staff; a region without one is explained and
//! not asked. Products, regions and codes come from the catalog
//! reference in `tests/fixtures/cbc-api/catalog/` (the sandbox prices the same codes).

use std::sync::OnceLock;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::view::{self, FieldErrors, Filter, Opt, Staleness, Tab, Viewer};
use crate::auth::Customer;
use crate::cbc::ops::pricing::{OnDemandProductInfo, PeriodProductInfo};
use crate::cbc::ops::{
    ListOnDemandResourceRatingsRequest, ListOnDemandResourceRatingsResponse,
    ListRateOnPeriodDetailRequest, ListRateOnPeriodDetailResponse,
};
use crate::db;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;

pub const PRICING: &str = "/pricing";
pub const COMPARE: &str = "/pricing/compare";
/// Hours in a billing month, as Huawei Cloud counts pay-per-use months.
pub const HOURS_PER_MONTH: i64 = 730;

/// Routes of the pricing pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PRICING, get(pricing))
        .route(COMPARE, get(compare))
}

/// A priceable product of the reference catalog.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    pub id: String,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    #[serde(default)]
    pub resource_size: Option<i64>,
    #[serde(default)]
    pub size_measure_id: Option<i64>,
    #[serde(default)]
    pub usage_factor: Option<String>,
    #[serde(default)]
    pub usage_measure_id: Option<i64>,
    #[serde(default)]
    pub charge_modes: Vec<String>,
}

impl Spec {
    fn pay_per_use(&self) -> bool {
        self.charge_modes.iter().any(|m| m == "pay_per_use") && self.usage_factor.is_some()
    }
    fn yearly_monthly(&self) -> bool {
        self.charge_modes.iter().any(|m| m == "yearly_monthly")
    }
    fn label(&self) -> String {
        format!(
            "{} — {}",
            self.resource_spec,
            self.resource_type.trim_start_matches("hws.resource.type.")
        )
    }
}

/// A region of the reference catalog.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub region_code: String,
    #[serde(default)]
    pub region_name: Option<String>,
}

impl Region {
    /// `Name (code)`, or the code alone.
    pub fn label(&self) -> String {
        match &self.region_name {
            Some(n) if !n.is_empty() => format!("{n} ({})", self.region_code),
            _ => self.region_code.clone(),
        }
    }
}

#[derive(Deserialize)]
struct SpecsFile {
    specs: Vec<Spec>,
}

#[derive(Deserialize)]
struct RegionsFile {
    regions: Vec<Region>,
}

fn specs() -> &'static [Spec] {
    static S: OnceLock<Vec<Spec>> = OnceLock::new();
    S.get_or_init(|| {
        serde_json::from_str::<SpecsFile>(include_str!(
            "../../../tests/fixtures/cbc-api/catalog/specs.json"
        ))
        .map(|f| f.specs)
        .unwrap_or_default()
    })
}

/// The regions of the reference catalog, the same the sandbox prices (and the admin page lists
/// for per-region projects).
pub fn regions() -> &'static [Region] {
    static R: OnceLock<Vec<Region>> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str::<RegionsFile>(include_str!(
            "../../../tests/fixtures/cbc-api/catalog/regions.json"
        ))
        .map(|f| f.regions)
        .unwrap_or_default()
    })
}

/// The form, as sent in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct PriceQuery {
    mode: Option<String>,
    region: Option<String>,
    service_type: Option<String>,
    resource_type: Option<String>,
    spec: Option<String>,
    size: Option<String>,
    quantity: Option<String>,
    hours: Option<String>,
    period_type: Option<String>,
    period_count: Option<String>,
    months: Option<String>,
}

/// A checked inquiry.
#[derive(Debug, Clone)]
struct Inquiry {
    mode: &'static str,
    region: String,
    spec: &'static Spec,
    size: Option<i64>,
    quantity: i64,
    hours: i64,
    period_type: i64,
    period_count: i64,
    months: i64,
}

fn int(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &Option<String>,
    range: std::ops::RangeInclusive<i64>,
    default: i64,
    msg: &str,
) -> i64 {
    match view::opt(raw) {
        None => default,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                errors.add(field, msg.to_owned());
                default
            }
        },
    }
}

/// Whether the form was submitted (a product chosen); otherwise the page shows the empty form.
fn submitted(q: &PriceQuery) -> bool {
    view::opt(&q.spec).is_some()
}

fn check(q: &PriceQuery, compare: bool) -> (Option<Inquiry>, FieldErrors) {
    let mut e = FieldErrors::default();
    let mode: &'static str = if compare {
        "compare"
    } else {
        match view::opt(&q.mode) {
            None | Some("period") => "period",
            Some("ppu") => "ppu",
            Some(_) => {
                e.add("mode", "Choose pay-per-use or yearly/monthly.");
                "period"
            }
        }
    };
    let region = match view::opt(&q.region) {
        None => {
            e.add("region", "Choose a region.");
            String::new()
        }
        Some(r) if regions().iter().any(|x| x.region_code == r) => r.to_owned(),
        Some(_) => {
            e.add("region", "Choose a region from the list.");
            String::new()
        }
    };
    let spec = view::opt(&q.spec).and_then(|id| specs().iter().find(|s| s.id == id));
    if spec.is_none() {
        e.add("spec", "Choose a product from the list.");
    }
    if let Some(s) = spec {
        let fits = match mode {
            "ppu" => s.pay_per_use(),
            "period" => s.yearly_monthly(),
            _ => s.pay_per_use() && s.yearly_monthly(),
        };
        if !fits {
            e.add(
                "spec",
                match mode {
                    "ppu" => "This product cannot be bought pay-per-use.",
                    "period" => "This product cannot be bought yearly/monthly.",
                    _ => "Comparing needs a product sold both pay-per-use and yearly/monthly.",
                },
            );
        }
    }
    let quantity = int(
        &mut e,
        "quantity",
        &q.quantity,
        1..=1000,
        1,
        "Quantity must be a whole number from 1 to 1000.",
    );
    let size = spec.and_then(|s| s.size_measure_id.map(|_| s.resource_size.unwrap_or(1)));
    let size = size.map(|d| {
        int(
            &mut e,
            "size",
            &q.size,
            1..=32_768,
            d,
            "Size must be a whole number from 1 to 32768.",
        )
    });
    let hours = int(
        &mut e,
        "hours",
        &q.hours,
        1..=8760,
        HOURS_PER_MONTH,
        "Hours must be a whole number from 1 to 8760.",
    );
    let period_type = int(
        &mut e,
        "period_type",
        &q.period_type,
        2..=3,
        2,
        "Choose months or years.",
    );
    let period_type = if period_type == 2 || period_type == 3 {
        period_type
    } else {
        2
    };
    let (max, unit) = if period_type == 3 {
        (3, "years")
    } else {
        (11, "months")
    };
    let period_count = int(
        &mut e,
        "period_count",
        &q.period_count,
        1..=max,
        1,
        &format!("Choose from 1 to {max} {unit}."),
    );
    let months = int(
        &mut e,
        "months",
        &q.months,
        1..=36,
        24,
        "Compare over 1 to 36 months.",
    );
    let inquiry = match (e.is_empty(), spec) {
        (true, Some(spec)) => Some(Inquiry {
            mode,
            region,
            spec,
            size,
            quantity,
            hours,
            period_type,
            period_count,
            months,
        }),
        _ => None,
    };
    (inquiry, e)
}

impl Inquiry {
    fn ppu_req(&self, project_id: &str, hours: i64) -> ListOnDemandResourceRatingsRequest {
        ListOnDemandResourceRatingsRequest {
            project_id: project_id.to_owned(),
            inquiry_precision: None,
            product_infos: vec![OnDemandProductInfo {
                id: "1".into(),
                cloud_service_type: self.spec.cloud_service_type.clone(),
                resource_type: self.spec.resource_type.clone(),
                resource_spec: self.spec.resource_spec.clone(),
                region: self.region.clone(),
                available_zone: None,
                resource_size: self.size,
                size_measure_id: self.size.and(self.spec.size_measure_id),
                usage_factor: self
                    .spec
                    .usage_factor
                    .clone()
                    .unwrap_or_else(|| "Duration".into()),
                usage_value: Decimal::from(hours),
                usage_measure_id: self.spec.usage_measure_id.unwrap_or(4),
                subscription_num: self.quantity,
            }],
        }
    }

    fn period_req(
        &self,
        project_id: &str,
        period_type: i64,
        n: i64,
    ) -> ListRateOnPeriodDetailRequest {
        ListRateOnPeriodDetailRequest {
            project_id: project_id.to_owned(),
            product_infos: vec![PeriodProductInfo {
                id: "1".into(),
                cloud_service_type: self.spec.cloud_service_type.clone(),
                resource_type: self.spec.resource_type.clone(),
                resource_spec: self.spec.resource_spec.clone(),
                region: self.region.clone(),
                available_zone: None,
                resource_size: self.size,
                size_measure_id: self.size.and(self.spec.size_measure_id),
                period_type,
                period_num: n,
                subscription_num: self.quantity,
                fee_installment_mode: None,
            }],
        }
    }
}

/// A quote: list price, discount, final price (major units) and currency.
#[derive(Debug, Clone)]
pub struct Quote {
    pub what: String,
    pub list: String,
    pub discount: String,
    pub price: String,
    pub discount_name: String,
    final_amount: Decimal,
}

fn ppu_quote(r: &ListOnDemandResourceRatingsResponse, what: String) -> Quote {
    let cur = r.currency.clone().unwrap_or_default();
    let m = |d| view::major(d, r.measure_id);
    let name = r
        .product_rating_results
        .iter()
        .flat_map(|p| p.discount_rating_results.iter())
        .filter_map(|d| d.discount_name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    Quote {
        what,
        list: format::money(m(r.official_website_amount), &cur),
        discount: format::money(m(r.discount_amount), &cur),
        price: format::money(m(r.amount), &cur),
        discount_name: name,
        final_amount: m(r.amount),
    }
}

fn period_quote(r: &ListRateOnPeriodDetailResponse, what: String) -> Quote {
    let cur = r.currency.clone().unwrap_or_default();
    let official = r
        .official_website_rating_result
        .as_ref()
        .map(|o| view::major(o.official_website_amount, o.measure_id))
        .unwrap_or_default();
    // The best offer, else the cheapest discount, else the list price.
    let best = r
        .optional_discount_rating_results
        .iter()
        .find(|d| d.best_offer == Some(1))
        .or_else(|| {
            r.optional_discount_rating_results
                .iter()
                .min_by_key(|d| view::major(d.amount, d.measure_id))
        });
    let (price, discount, name) = match best {
        Some(d) => (
            view::major(d.amount, d.measure_id),
            view::major(d.discount_amount, d.measure_id),
            d.discount_name.clone().unwrap_or_default(),
        ),
        None => (official, Decimal::ZERO, String::new()),
    };
    Quote {
        what,
        list: format::money(official, &cur),
        discount: format::money(discount, &cur),
        price: format::money(price, &cur),
        discount_name: name,
        final_amount: price,
    }
}

/// One month of the comparison.
#[derive(Debug, Clone)]
pub struct CompareRow {
    pub month: i64,
    pub ppu: String,
    pub monthly: String,
    pub yearly: String,
    pub cheapest: &'static str,
    pub break_even: bool,
}

/// `templates/portal/pricing.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/pricing.html")]
pub struct PricingPage {
    pub ctx: PageContext,
    pub tabs: Vec<Tab>,
    pub compare: bool,
    pub form_action: String,
    pub filters: Vec<Filter>,
    pub form_error: Option<String>,
    pub config: String,
    pub quotes: Vec<Quote>,
    pub rows: Vec<CompareRow>,
    pub break_even: String,
    pub stale: Option<String>,
}

fn tabs(current: &str) -> Vec<Tab> {
    [
        ("Price inquiry", PRICING),
        ("Compare billing modes", COMPARE),
    ]
    .into_iter()
    .map(|(label, href)| Tab {
        label,
        href: href.to_owned(),
        current: href == current,
    })
    .collect()
}

fn form(q: &PriceQuery, e: &FieldErrors, compare: bool, projects: &Projects) -> Vec<Filter> {
    let raw = |v: &Option<String>| v.clone().unwrap_or_default();
    let region = view::opt(&q.region).unwrap_or("eu-west-101").to_owned();
    let region_opts: Vec<Opt> = regions()
        .iter()
        .map(|r| Opt {
            value: r.region_code.clone(),
            label: if projects.contains_key(&r.region_code) {
                r.label()
            } else {
                format!("{} — no project, cannot be priced", r.label())
            },
            selected: r.region_code == region,
        })
        .collect();
    let chosen = raw(&q.spec);
    let (svc, rt) = (view::opt(&q.service_type), view::opt(&q.resource_type));
    let spec_opts: Vec<Opt> = specs()
        .iter()
        .filter(|s| !compare || (s.pay_per_use() && s.yearly_monthly()))
        .filter(|s| svc.is_none_or(|v| v == s.cloud_service_type) || s.id == chosen)
        .filter(|s| rt.is_none_or(|v| v == s.resource_type) || s.id == chosen)
        .map(|s| Opt {
            value: s.id.clone(),
            label: s.label(),
            selected: s.id == chosen,
        })
        .collect();
    let select = |name, label, options: Vec<Opt>| Filter {
        kind: "select",
        options,
        ..Filter::input(name, label, "select", "")
    };
    let mut out = vec![
        select("region", "Region", region_opts).errors(e),
        select("spec", "Product (resource spec)", spec_opts)
            .hint("Service and resource type follow from the spec")
            .errors(e),
        Filter::input(
            "quantity",
            "Quantity",
            "number",
            view::opt(&q.quantity).unwrap_or("1"),
        )
        .hint("1 to 1000")
        .errors(e),
        Filter::input("size", "Size (disks, bandwidth)", "number", &raw(&q.size))
            .hint("GB or Mbit/s; only for sized products")
            .errors(e),
    ];
    if compare {
        out.push(
            Filter::input(
                "months",
                "Months to compare",
                "number",
                view::opt(&q.months).unwrap_or("24"),
            )
            .hint("1 to 36")
            .errors(e),
        );
    } else {
        let mode = view::opt(&q.mode).unwrap_or("period").to_owned();
        out.push(
            Filter::select(
                "mode",
                "Billing mode",
                &mode,
                &[("period", "Yearly/monthly"), ("ppu", "Pay-per-use")],
            )
            .errors(e),
        );
        if let Some(o) = out.last_mut() {
            o.options.retain(|o| !o.value.is_empty());
        }
        let pt = view::opt(&q.period_type).unwrap_or("2").to_owned();
        let mut period = Filter::select(
            "period_type",
            "Period",
            &pt,
            &[("2", "Months"), ("3", "Years")],
        )
        .errors(e);
        period.options.retain(|o| !o.value.is_empty());
        out.push(period);
        out.push(
            Filter::input(
                "period_count",
                "Number of periods",
                "number",
                view::opt(&q.period_count).unwrap_or("1"),
            )
            .hint("1–11 months or 1–3 years")
            .errors(e),
        );
        out.push(
            Filter::input(
                "hours",
                "Pay-per-use hours",
                "number",
                view::opt(&q.hours).unwrap_or("730"),
            )
            .hint("730 hours is one month")
            .errors(e),
        );
    }
    out
}

fn config_label(i: &Inquiry) -> String {
    let size = i.size.map(|s| format!(", size {s}")).unwrap_or_default();
    format!(
        "{} × {} ({} / {}) in {}{size}",
        i.quantity, i.spec.resource_spec, i.spec.cloud_service_type, i.spec.resource_type, i.region
    )
}

fn page(
    ctx: PageContext,
    q: &PriceQuery,
    e: &FieldErrors,
    compare: bool,
    projects: &Projects,
) -> PricingPage {
    PricingPage {
        ctx,
        tabs: tabs(if compare { COMPARE } else { PRICING }),
        compare,
        form_action: (if compare { COMPARE } else { PRICING }).to_owned(),
        filters: form(q, e, compare, projects),
        form_error: e.summary(),
        config: String::new(),
        quotes: Vec::new(),
        rows: Vec::new(),
        break_even: String::new(),
        stale: None,
    }
}

fn refused(p: PricingPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
}

/// The customer's cloud account's IAM project per region (`region -> project id`).
type Projects = std::collections::BTreeMap<String, String>;

/// What the page says for a region whose project staff have not set.
const NO_PROJECT: &str = "Prices cannot be asked in this region yet: your cloud account has no project there. Ask a portal administrator to add the region's project ID.";

/// Checks the inquiry, then that the chosen region has a project: price inquiries name the
/// region's IAM project, so a region without one is explained and never asked upstream.
async fn checked(
    state: &AppState,
    v: &Viewer,
    q: &PriceQuery,
    compare: bool,
) -> AppResult<(Option<(Inquiry, String)>, FieldErrors, Projects)> {
    let projects = db::accounts::projects(&state.db, v.customer.cloud_account_id).await?;
    let (inq, mut e) = check(q, compare);
    let inq = inq.and_then(|i| match projects.get(&i.region) {
        Some(p) => Some((i, p.clone())),
        None => {
            e.add("region", NO_PROJECT);
            None
        }
    });
    Ok((inq, e, projects))
}

async fn pricing(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PriceQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let ctx = v.ctx(&state, "pricing").await?;
    if !submitted(&q) {
        let projects = db::accounts::projects(&state.db, v.customer.cloud_account_id).await?;
        return Ok(page(ctx, &q, &FieldErrors::default(), false, &projects).into_response());
    }
    let (inq, e, projects) = checked(&state, &v, &q, false).await?;
    let mut p = page(ctx, &q, &e, false, &projects);
    let Some((i, project)) = inq else {
        return Ok(refused(p));
    };
    view::rate_limit(v.user_id(), "price", view::PRICE_INQUIRIES_PER_MIN)?;
    let mut st = Staleness::default();
    p.config = config_label(&i);
    if i.mode == "ppu" {
        let r = v
            .read(
                &state,
                "Asking for a pay-per-use price",
                &i.ppu_req(&project, i.hours),
            )
            .await?;
        st.see(&r);
        p.quotes
            .push(ppu_quote(&r, format!("Pay-per-use, {} hours", i.hours)));
    } else {
        let r = v
            .read(
                &state,
                "Asking for a yearly/monthly price",
                &i.period_req(&project, i.period_type, i.period_count),
            )
            .await?;
        st.see(&r);
        let unit = if i.period_type == 3 { "year" } else { "month" };
        let plural = if i.period_count == 1 { "" } else { "s" };
        p.quotes.push(period_quote(
            &r,
            format!("Yearly/monthly, {} {unit}{plural}", i.period_count),
        ));
    }
    p.stale = st.notice();
    Ok(p.into_response())
}

/// Cumulative costs per month and the first month where yearly/monthly beats pay-per-use.
fn comparison(
    months: i64,
    ppu_month: Decimal,
    month: Decimal,
    year: Decimal,
    cur: &str,
) -> (Vec<CompareRow>, Option<i64>) {
    let mut rows = Vec::new();
    let mut even = None;
    for m in 1..=months {
        let ppu = ppu_month * Decimal::from(m);
        let monthly = month * Decimal::from(m);
        let yearly = year * Decimal::from((m + 11) / 12);
        let sub = monthly.min(yearly);
        let cheapest = if sub < ppu {
            if yearly < monthly {
                "Yearly"
            } else {
                "Monthly"
            }
        } else {
            "Pay-per-use"
        };
        let first = even.is_none() && sub < ppu;
        if first {
            even = Some(m);
        }
        rows.push(CompareRow {
            month: m,
            ppu: format::money(ppu, cur),
            monthly: format::money(monthly, cur),
            yearly: format::money(yearly, cur),
            cheapest,
            break_even: first,
        });
    }
    (rows, even)
}

async fn compare(
    State(state): State<AppState>,
    customer: Customer,
    Query(q): Query<PriceQuery>,
) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let ctx = v.ctx(&state, "pricing").await?;
    if !submitted(&q) {
        let projects = db::accounts::projects(&state.db, v.customer.cloud_account_id).await?;
        return Ok(page(ctx, &q, &FieldErrors::default(), true, &projects).into_response());
    }
    let (inq, e, projects) = checked(&state, &v, &q, true).await?;
    let mut p = page(ctx, &q, &e, true, &projects);
    let Some((i, project)) = inq else {
        return Ok(refused(p));
    };
    view::rate_limit(v.user_id(), "price", view::PRICE_INQUIRIES_PER_MIN)?;
    let (ppu_req, month_req, year_req) = (
        i.ppu_req(&project, HOURS_PER_MONTH),
        i.period_req(&project, 2, 1),
        i.period_req(&project, 3, 1),
    );
    let (ppu, month, year) = tokio::try_join!(
        v.read(&state, "Asking for a pay-per-use price", &ppu_req),
        v.read(&state, "Asking for a monthly price", &month_req),
        v.read(&state, "Asking for a yearly price", &year_req),
    )?;
    let mut st = Staleness::default();
    st.see(&ppu);
    st.see(&month);
    st.see(&year);
    let qp = ppu_quote(
        &ppu,
        format!("Pay-per-use, one month ({HOURS_PER_MONTH} hours)"),
    );
    let qm = period_quote(&month, "Monthly, one month".into());
    let qy = period_quote(&year, "Yearly, one year".into());
    let cur = ppu
        .currency
        .clone()
        .or_else(|| month.currency.clone())
        .unwrap_or_default();
    let (rows, even) = comparison(
        i.months,
        qp.final_amount,
        qm.final_amount,
        qy.final_amount,
        &cur,
    );
    p.break_even = match even {
        Some(1) => "Yearly/monthly is cheaper from the first month.".into(),
        Some(m) => format!("Yearly/monthly becomes cheaper from month {m}."),
        None => format!("Pay-per-use stays cheaper for all {} months.", i.months),
    };
    p.config = config_label(&i);
    p.quotes = vec![qp, qm, qy];
    p.rows = rows;
    p.stale = st.notice();
    Ok(p.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_catalog_loads() {
        assert!(specs().len() > 10);
        assert!(regions().iter().any(|r| r.region_code == "eu-west-101"));
    }

    #[test]
    fn inputs_are_allowlisted() {
        let q = |pairs: &[(&str, &str)]| -> PriceQuery {
            serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).expect("q"))
                .expect("parse")
        };
        let good = q(&[
            ("region", "eu-west-101"),
            ("spec", "ecs-c6.large.2"),
            ("quantity", "2"),
        ]);
        assert!(check(&good, false).0.is_some());
        let (i, e) = check(
            &q(&[
                ("region", "mars-1"),
                ("spec", "ecs-c6.large.2"),
                ("quantity", "0"),
                ("period_type", "5"),
            ]),
            false,
        );
        assert!(i.is_none());
        assert!(e.get("region").is_some());
        assert!(e.get("quantity").is_some());
        assert!(e.get("period_type").is_some());
        let (_, e) = check(
            &q(&[
                ("region", "eu-west-101"),
                ("spec", "ecs-c6.large.2"),
                ("period_type", "3"),
                ("period_count", "4"),
            ]),
            false,
        );
        assert!(e.get("period_count").is_some(), "at most 3 years");
        let (_, e) = check(
            &q(&[("region", "eu-west-101"), ("spec", "bw-12_bgp")]),
            false,
        );
        assert!(
            e.get("spec").is_some(),
            "traffic bandwidth is pay-per-use only"
        );
    }

    #[test]
    fn break_even_is_the_first_cheaper_month() {
        // Pay-per-use 100/month; monthly 80; yearly 800.
        let (rows, even) = comparison(
            14,
            Decimal::from(100),
            Decimal::from(80),
            Decimal::from(800),
            "USD",
        );
        assert_eq!(even, Some(1));
        assert_eq!(rows[0].cheapest, "Monthly");
        assert_eq!(
            rows[9].cheapest, "Monthly",
            "10 months: a year costs the same"
        );
        assert_eq!(rows[10].cheapest, "Yearly");
        // Monthly dearer than pay-per-use, yearly pays off from month 9.
        let (_, even) = comparison(
            12,
            Decimal::from(100),
            Decimal::from(120),
            Decimal::from(850),
            "USD",
        );
        assert_eq!(even, Some(9));
    }
}
