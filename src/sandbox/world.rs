//! One account's world: balances, coupons, orders, yearly/monthly resources, resource packages,
//! and the price book, generated deterministically from (seed, AK, start time), and the state
//! changes the action operations make to it.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime};

use super::SeedConfig;
use super::catalog::{Spec, catalog};
use super::error::{ApiError, ApiResult};
use super::money::{add_months, cents};
use super::rng::Rng;

/// Order status codes (README, main enumerations).
pub mod order_status {
    pub const PENDING_APPROVAL: i64 = 1;
    pub const PROCESSING: i64 = 3;
    pub const CANCELLED: i64 = 4;
    pub const COMPLETED: i64 = 5;
    pub const PENDING_PAYMENT: i64 = 6;
    pub const PENDING_CONFIRMATION: i64 = 9;
}

/// Order type codes.
pub mod order_type {
    pub const NEW: i64 = 1;
    pub const RENEWAL: i64 = 2;
    pub const MODIFICATION: i64 = 3;
    pub const UNSUBSCRIPTION: i64 = 4;
    pub const TO_PAY_PER_USE: i64 = 10;
    pub const TO_PERIOD: i64 = 11;
    pub const TRIAL: i64 = 13;
    pub const TRIAL_TO_COMMERCIAL: i64 = 14;
    pub const FEE_ADJUSTMENT: i64 = 15;
}

/// Resource status codes.
pub mod res_status {
    pub const IN_USE: i64 = 2;
    pub const CLOSED: i64 = 3;
    pub const FROZEN: i64 = 4;
    pub const EXPIRED: i64 = 5;
}

/// Expire policies; only 3 means auto-renew.
pub mod policy {
    pub const GRACE: i64 = 0;
    pub const TO_PAY_PER_USE: i64 = 1;
    pub const AUTO_RENEW: i64 = 3;
}

/// An enterprise project (id, name).
pub type EnterpriseProject = (String, String);

#[derive(Debug, Clone)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub region: String,
    pub service_type_code: String,
    pub resource_type_code: String,
    pub spec_code: String,
    pub spec_desc: String,
    pub project_id: String,
    pub product_id: String,
    pub parent: Option<String>,
    pub status: i64,
    pub effective: OffsetDateTime,
    pub expire: OffsetDateTime,
    pub expire_policy: i64,
    /// Linear size (GB, Mbps) or 1.
    pub size: i64,
    pub size_measure_id: i64,
    pub update_time: OffsetDateTime,
    pub ep: EnterpriseProject,
    /// Index of the spec in the catalog (prices come from it).
    pub spec: usize,
    pub auto_renew_times: i64,
    pub auto_renew_period: Option<String>,
    /// The order that bought it.
    pub order_id: String,
}

impl Resource {
    pub fn is_main(&self) -> bool {
        self.parent.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub service_type_code: String,
    pub resource_type_code: String,
    pub product_id: String,
    pub spec_desc: String,
    pub period_type: i64,
    pub period_num: i64,
    pub effective: OffsetDateTime,
    pub expire: OffsetDateTime,
    pub subscription_num: i64,
    pub official: Decimal,
    pub after_discount: Decimal,
}

/// A discount the customer may apply when paying a pending order (ListOrderDiscounts).
#[derive(Debug, Clone)]
pub struct UsableDiscount {
    pub id: String,
    /// 0 promotional, 2 commercial, 3 partner.
    pub discount_type: i64,
    /// Fraction of the price that remains to pay, e.g. 0.90.
    pub ratio: Decimal,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    pub amount: Decimal,
    pub resource_type_code: String,
    pub service_type_code: String,
    pub region: String,
    pub base_order_id: String,
}

/// What paying the order does to resources.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Extend these (main) resources and their attached ones.
    Renew {
        resource_ids: Vec<String>,
        period_type: i64,
        period_num: i64,
    },
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub service_type_code: String,
    pub source_type: i64,
    pub status: i64,
    pub order_type: i64,
    pub official: Decimal,
    pub after_discount: Decimal,
    pub create_time: OffsetDateTime,
    pub payment_time: Option<OffsetDateTime>,
    /// (discount type code, amount) as reported in amount_info.discounts.
    pub discounts: Vec<(String, Decimal)>,
    pub coupon_amount: Decimal,
    pub flexi_coupon_amount: Decimal,
    pub lines: Vec<Line>,
    pub usable_discounts: Vec<UsableDiscount>,
    pub refunds: Vec<Refund>,
    pub effect: Option<Effect>,
    pub ep: EnterpriseProject,
}

#[derive(Debug, Clone)]
pub struct Coupon {
    pub id: String,
    pub code: String,
    pub status: i64,
    pub coupon_type: i64,
    pub face_value: Decimal,
    pub balance: Decimal,
    pub valid_time: OffsetDateTime,
    pub expire_time: OffsetDateTime,
    pub create_time: OffsetDateTime,
    pub order_id: String,
    pub plan_id: String,
    pub plan_name: String,
    pub coupon_version: i64,
    pub lock_order_id: String,
    pub limit_service: String,
    pub fetch_method: i64,
}

#[derive(Debug, Clone)]
pub struct PackageItem {
    pub free_resource_id: String,
    pub usage_type_code: String,
    pub usage_type_name: String,
    pub resource_type_code: String,
    pub remaining: Decimal,
    pub original: Decimal,
    pub measure_id: i64,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub instance_id: String,
    pub order_id: String,
    pub product_id: String,
    pub product_name: String,
    pub ep_id: String,
    pub effective: OffsetDateTime,
    pub expire: OffsetDateTime,
    pub status: i64,
    pub service_type_code: String,
    pub region: String,
    pub bundle_type: &'static str,
    pub quota_reuse_mode: i64,
    pub items: Vec<PackageItem>,
}

#[derive(Debug, Clone)]
pub struct Deduction {
    pub deduct_time: OffsetDateTime,
    pub free_resource_id: String,
    pub resource_id: String,
    pub resource_type_code: String,
    pub product_id: String,
    pub product_name: String,
    pub usage_type_code: String,
    pub available: Decimal,
    pub used: Decimal,
    pub remaining: Decimal,
    pub measure_id: i64,
    pub effective: OffsetDateTime,
    pub expire: OffsetDateTime,
}

/// A thing bills are about (yearly/monthly resources and pay-per-use ones).
#[derive(Debug, Clone)]
pub struct Subject {
    pub resource_id: String,
    pub name: String,
    pub service_type_code: String,
    pub resource_type_code: String,
    pub region: String,
    pub spec_desc: String,
    pub product_id: String,
    /// 1 yearly/monthly, 3 pay-per-use.
    pub charge_mode: i64,
    pub monthly: Decimal,
    pub ep: EnterpriseProject,
    pub usage_type: String,
    pub parent: Option<String>,
    pub spec: usize,
}

/// One account.
#[derive(Debug)]
pub struct World {
    pub seed: u64,
    pub ak: String,
    pub customer_id: String,
    pub currency: String,
    pub created: OffsetDateTime,
    pub cash: Decimal,
    pub credit_limit: Decimal,
    pub credit_used: Decimal,
    pub bonus: Decimal,
    pub debt: Decimal,
    pub quota_granted: Decimal,
    pub quota_used: Decimal,
    /// Fraction of the list price this account pays (its commercial discount).
    pub discount_ratio: Decimal,
    pub discount_id: String,
    pub coupons: Vec<Coupon>,
    pub orders: Vec<Order>,
    pub order_index: HashMap<String, usize>,
    pub resources: Vec<Resource>,
    pub packages: Vec<Package>,
    pub deductions: Vec<Deduction>,
    pub subjects: Vec<Subject>,
    pub projects: Vec<EnterpriseProject>,
    /// The account's IAM project per region of the catalog, `(region, project id)`: the only
    /// `project_id`s its price inquiries accept.
    pub region_projects: Vec<(String, String)>,
    pub renew_config: HashMap<String, String>,
    pub ep_auth_enabled: bool,
    pub bill_records: usize,
    /// Cached monthly sums per cycle (bill records never change once generated).
    pub monthly_cache: std::sync::Mutex<HashMap<String, std::sync::Arc<Vec<super::records::Sum>>>>,
    rng: Rng,
}

/// Regions the world places resources in (Europe first: the portal's home site).
const WORLD_REGIONS: &[&str] = &[
    "eu-west-101",
    "eu-west-0",
    "ap-southeast-1",
    "ap-southeast-3",
    "la-north-2",
];

/// The price book: list price per hour for one size unit of a spec. Reference prices from the
/// catalog are used where one is quoted per hour; the rest is derived from the seed.
pub fn unit_hourly(seed: u64, spec: &Spec) -> Decimal {
    for p in &spec.reference_prices {
        if p.per == "1 hour"
            && let Ok(d) = format!("{}", p.amount).parse::<Decimal>()
        {
            return d;
        }
    }
    let mut r = Rng::new(seed, "price-book", &spec.id);
    match spec.size_measure_id {
        // Per GB-hour of disk.
        Some(17) => Decimal::new(r.range(8, 30), 5),
        // Per Mbps-hour of bandwidth.
        Some(15) => Decimal::new(r.range(10, 35), 3),
        Some(_) => Decimal::new(r.range(50, 400), 3),
        None => Decimal::new(r.range(20, 150), 2),
    }
}

/// Hours in the monthly list price.
const HOURS_PER_MONTH: i64 = 730;

/// Yearly/monthly list price for `size` units: monthly = 730 h at 80 %, yearly = 10 months,
/// day = 1/30 month plus 20 %, hour = hourly price. Always at least one cent.
pub fn period_price(seed: u64, spec: &Spec, size: i64, period_type: i64, n: i64) -> Decimal {
    let hourly = unit_hourly(seed, spec) * Decimal::from(size.max(1));
    let monthly = cents(hourly * Decimal::from(HOURS_PER_MONTH) * Decimal::new(8, 1));
    let one = match period_type {
        0 => cents(monthly / Decimal::from(30) * Decimal::new(12, 1)),
        3 => monthly * Decimal::from(10),
        4 => cents(hourly),
        _ => monthly,
    };
    one.max(Decimal::new(1, 2)) * Decimal::from(n.max(1))
}

/// Pay-per-use list price: hourly price x size x usage x count.
pub fn on_demand_price(seed: u64, spec: &Spec, size: i64, usage: Decimal, count: i64) -> Decimal {
    cents(unit_hourly(seed, spec) * Decimal::from(size.max(1)) * usage * Decimal::from(count))
}

fn product_id(seed: u64, spec: &Spec) -> String {
    let mut r = Rng::new(seed, "product", &spec.id);
    format!("OFFI{}", r.upper(20))
}

fn spec_desc(spec: &Spec, size: i64) -> String {
    match spec.size_measure_id {
        Some(17) => format!("{} | {} GB", spec.resource_spec, size),
        Some(15) => format!("{} | {} Mbit/s", spec.resource_spec, size),
        _ => spec
            .description
            .clone()
            .map(|d| format!("{} | {}", spec.resource_spec, d))
            .unwrap_or_else(|| spec.resource_spec.clone()),
    }
}

fn spec_index(id: &str) -> Option<usize> {
    catalog().specs.iter().position(|s| s.id == id)
}

impl World {
    /// Builds the world for one AK. Everything is drawn from streams seeded with (seed, AK), and
    /// all times are offsets from `now`, so equal inputs give equal worlds.
    pub fn generate(cfg: &SeedConfig, ak: &str, customer_id: &str, now: OffsetDateTime) -> World {
        let now = now.replace_nanosecond(0).unwrap_or(now);
        let seed = cfg.seed;
        let mut r = Rng::new(seed, ak, "world");
        let cat = catalog();
        let projects: Vec<EnterpriseProject> = vec![
            ("0".to_owned(), "default".to_owned()),
            (uuid_like(&mut r), "production".to_owned()),
            (uuid_like(&mut r), "staging".to_owned()),
        ];
        let ratio = Decimal::new(r.range(80, 95), 2);
        let mut w = World {
            seed,
            ak: ak.to_owned(),
            customer_id: customer_id.to_owned(),
            currency: cfg.currency.clone(),
            created: now,
            cash: r.money(8_000, 20_000),
            credit_limit: Decimal::from(r.range(2, 5) * 1000),
            credit_used: r.money(100, 900),
            bonus: r.money(20, 300),
            debt: Decimal::ZERO,
            quota_granted: Decimal::from(r.range(10, 50) * 1000),
            quota_used: Decimal::ZERO,
            discount_ratio: ratio,
            discount_id: format!("DS{}", r.upper(14)),
            coupons: Vec::new(),
            orders: Vec::new(),
            order_index: HashMap::new(),
            resources: Vec::new(),
            packages: Vec::new(),
            deductions: Vec::new(),
            subjects: Vec::new(),
            projects,
            region_projects: Vec::new(),
            renew_config: HashMap::new(),
            ep_auth_enabled: false,
            bill_records: cfg.bill_records,
            monthly_cache: std::sync::Mutex::new(HashMap::new()),
            rng: Rng::new(seed, ak, "runtime"),
        };
        w.quota_used = cents(w.quota_granted * Decimal::new(r.range(5, 60), 2));
        let regions: Vec<&str> = WORLD_REGIONS
            .iter()
            .copied()
            .filter(|c| cat.regions.iter().any(|r| r.region_code == *c))
            .collect();
        let project_ids: HashMap<&str, String> = regions.iter().map(|c| (*c, r.hex(32))).collect();
        // One project in every region of the catalog; the regions without resources draw theirs
        // from a stream of their own, so the rest of the world does not change with the catalog.
        let mut more = Rng::new(seed, ak, "region-projects");
        w.region_projects = cat
            .regions
            .iter()
            .map(|reg| {
                let code = reg.region_code.as_str();
                let id = project_ids
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| more.hex(32));
                (code.to_owned(), id)
            })
            .collect();

        w.generate_resources(&mut r, &regions, &project_ids, now);
        w.generate_orders(&mut r, now);
        w.generate_coupons(&mut r, now);
        w.generate_packages(&mut r, &regions, now);
        w.generate_subjects(&mut r, &regions);
        w
    }

    fn generate_resources(
        &mut self,
        r: &mut Rng,
        regions: &[&str],
        project_ids: &HashMap<&str, String>,
        now: OffsetDateTime,
    ) {
        let cat = catalog();
        let ym: Vec<usize> = cat
            .specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.yearly_monthly())
            .map(|(i, _)| i)
            .collect();
        let ecs: Vec<usize> = ym
            .iter()
            .copied()
            .filter(|i| cat.specs[*i].resource_type == "hws.resource.type.vm")
            .collect();
        let disks: Vec<usize> = ym
            .iter()
            .copied()
            .filter(|i| cat.specs[*i].resource_type == "hws.resource.type.volume")
            .collect();
        let others: Vec<usize> = ym
            .iter()
            .copied()
            .filter(|i| {
                let s = &cat.specs[*i];
                !matches!(
                    s.resource_type.as_str(),
                    "hws.resource.type.vm"
                        | "hws.resource.type.volume"
                        | "hws.resource.type.ip"
                        | "hws.resource.type.bandwidth"
                )
            })
            .collect();
        let eip = spec_index("eip-5_bgp");
        let bw = spec_index("bw-19_bgp");
        const MAINS: usize = 64;
        for i in 0..MAINS {
            let region = *r.pick(regions);
            let ep = r.pick(&self.projects).clone();
            // Expiry buckets relative to now: the first rows guarantee the 7/15/30-day views
            // and the expired/frozen cases are populated.
            let (days, status) = match i % 10 {
                0 => (r.range(1, 6), res_status::IN_USE),
                1 => (r.range(8, 14), res_status::IN_USE),
                2 => (r.range(16, 29), res_status::IN_USE),
                3 if i % 20 == 3 => (-r.range(1, 14), res_status::EXPIRED),
                4 if i % 20 == 4 => (r.range(20, 200), res_status::FROZEN),
                _ => (r.range(31, 700), res_status::IN_USE),
            };
            let expire = (now + Duration::days(days))
                .replace_time(time::Time::from_hms(16, 0, 0).unwrap_or(time::Time::MIDNIGHT));
            let yearly = r.chance(35);
            let mut months = if yearly {
                12 * r.range(1, 3) as i32
            } else {
                r.range(1, 11) as i32
            };
            // What is in use was bought in the past: a resource that expires in 20 months was
            // bought for two years, not for one month starting next year.
            while add_months(expire, -months) > now {
                months = if months < 11 {
                    months + 1
                } else {
                    (months / 12 + 1) * 12
                };
            }
            let effective = add_months(expire, -months);
            let policy = if status != res_status::IN_USE {
                policy::GRACE
            } else if r.chance(28) {
                policy::AUTO_RENEW
            } else if r.chance(10) {
                policy::TO_PAY_PER_USE
            } else {
                policy::GRACE
            };
            let kind = r.range(0, 99);
            let (main_spec, attached): (usize, Vec<(usize, i64)>) = if kind < 45 && !ecs.is_empty()
            {
                let n = r.range(1, 2);
                let att = (0..n)
                    .filter(|_| !disks.is_empty())
                    .map(|_| (*r.pick(&disks), r.range(1, 10) * 20))
                    .collect();
                (*r.pick(&ecs), att)
            } else if kind < 60
                && let (Some(e), Some(b)) = (eip, bw)
            {
                (e, vec![(b, r.range(1, 10) * 5)])
            } else if !others.is_empty() {
                (*r.pick(&others), Vec::new())
            } else {
                (*r.pick(&ym), Vec::new())
            };
            let order_id = self.new_order_id(r, effective);
            let main_size = cat.specs[main_spec].resource_size.unwrap_or(1);
            let main = self.make_resource(
                r,
                main_spec,
                main_size,
                region,
                project_ids.get(region).cloned().unwrap_or_default(),
                None,
                (effective, expire, status, policy),
                &ep,
                &order_id,
            );
            let main_id = main.id.clone();
            self.resources.push(main);
            for (spec, size) in attached {
                let a = self.make_resource(
                    r,
                    spec,
                    size,
                    region,
                    project_ids.get(region).cloned().unwrap_or_default(),
                    Some(main_id.clone()),
                    (effective, expire, status, policy),
                    &ep,
                    &order_id,
                );
                self.resources.push(a);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_resource(
        &self,
        r: &mut Rng,
        spec_i: usize,
        size: i64,
        region: &str,
        project_id: String,
        parent: Option<String>,
        (effective, expire, status, policy): (OffsetDateTime, OffsetDateTime, i64, i64),
        ep: &EnterpriseProject,
        order_id: &str,
    ) -> Resource {
        let spec = &catalog().specs[spec_i];
        let prefix = match spec.resource_type.as_str() {
            "hws.resource.type.vm" => "ecs",
            "hws.resource.type.volume" => "volume",
            "hws.resource.type.ip" => "eip",
            "hws.resource.type.bandwidth" => "bandwidth",
            _ => spec.id.split('-').next().unwrap_or("res"),
        };
        Resource {
            id: r.hex(32),
            name: format!("{prefix}-{}", r.hex(4)),
            region: region.to_owned(),
            service_type_code: spec.cloud_service_type.clone(),
            resource_type_code: spec.resource_type.clone(),
            spec_code: spec.resource_spec.clone(),
            spec_desc: spec_desc(spec, size),
            project_id,
            product_id: product_id(self.seed, spec),
            parent,
            status,
            effective,
            expire,
            expire_policy: policy,
            size: if spec.linear() { size } else { 1 },
            size_measure_id: spec.size_measure_id.unwrap_or(0),
            update_time: effective,
            ep: ep.clone(),
            spec: spec_i,
            auto_renew_times: 0,
            auto_renew_period: None,
            order_id: order_id.to_owned(),
        }
    }

    fn new_order_id(&self, r: &mut Rng, t: OffsetDateTime) -> String {
        format!(
            "CS{:02}{:02}{:02}{:02}{:02}{}",
            t.year() % 100,
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            r.upper(5)
        )
    }

    /// The list price of a resource for a period.
    pub fn resource_price(&self, res: &Resource, period_type: i64, n: i64) -> Decimal {
        period_price(
            self.seed,
            &catalog().specs[res.spec],
            res.size,
            period_type,
            n,
        )
    }

    /// The resource and every resource attached to it.
    pub fn family(&self, main_id: &str) -> Vec<usize> {
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, x)| x.id == main_id || x.parent.as_deref() == Some(main_id))
            .map(|(i, _)| i)
            .collect()
    }

    fn line_for(
        &self,
        r: &mut Rng,
        res: &Resource,
        period_type: i64,
        n: i64,
        start: OffsetDateTime,
    ) -> Line {
        let official = self.resource_price(res, period_type, n);
        let end = match period_type {
            3 => add_months(start, 12 * n as i32),
            _ => add_months(start, n as i32),
        };
        Line {
            id: r.hex(32),
            service_type_code: res.service_type_code.clone(),
            resource_type_code: res.resource_type_code.clone(),
            product_id: res.product_id.clone(),
            spec_desc: res.spec_desc.clone(),
            period_type,
            period_num: n,
            effective: start,
            expire: end,
            subscription_num: 1,
            official,
            after_discount: cents(official * self.discount_ratio),
        }
    }

    fn push_order(&mut self, o: Order) {
        self.order_index.insert(o.id.clone(), self.orders.len());
        self.orders.push(o);
    }

    #[allow(clippy::too_many_arguments)]
    fn build_order(
        &self,
        id: String,
        lines: Vec<Line>,
        status: i64,
        order_type: i64,
        create: OffsetDateTime,
        ep: EnterpriseProject,
        source_type: i64,
    ) -> Order {
        let official: Decimal = lines.iter().map(|l| l.official).sum();
        let after: Decimal = lines.iter().map(|l| l.after_discount).sum();
        let paid = matches!(status, order_status::COMPLETED | order_status::PROCESSING);
        Order {
            id,
            service_type_code: lines
                .first()
                .map(|l| l.service_type_code.clone())
                .unwrap_or_default(),
            source_type,
            status,
            order_type,
            official,
            after_discount: after,
            create_time: create,
            payment_time: paid.then_some(create + Duration::minutes(3)),
            discounts: if official > after {
                vec![("605".to_owned(), official - after)]
            } else {
                Vec::new()
            },
            coupon_amount: Decimal::ZERO,
            flexi_coupon_amount: Decimal::ZERO,
            lines,
            usable_discounts: Vec::new(),
            refunds: Vec::new(),
            effect: None,
            ep,
        }
    }

    fn generate_orders(&mut self, r: &mut Rng, now: OffsetDateTime) {
        // Purchase orders of every main resource (and renewals for long-lived ones).
        let mains: Vec<usize> = (0..self.resources.len())
            .filter(|i| self.resources[*i].is_main())
            .collect();
        for &mi in &mains {
            let main = self.resources[mi].clone();
            let months = months_between(main.effective, main.expire).max(1);
            let (pt, n) = if months % 12 == 0 {
                (3, months / 12)
            } else {
                (2, months)
            };
            let fam = self.family(&main.id);
            let lines: Vec<Line> = fam
                .iter()
                .map(|i| {
                    let res = self.resources[*i].clone();
                    self.line_for(r, &res, pt, n, main.effective)
                })
                .collect();
            let o = self.build_order(
                main.order_id.clone(),
                lines,
                order_status::COMPLETED,
                order_type::NEW,
                main.effective - Duration::minutes(5),
                main.ep.clone(),
                1,
            );
            self.push_order(o);
        }
        // A history of other orders in every status and type.
        let types = [
            order_type::NEW,
            order_type::RENEWAL,
            order_type::MODIFICATION,
            order_type::TO_PAY_PER_USE,
            order_type::TO_PERIOD,
            order_type::TRIAL,
            order_type::TRIAL_TO_COMMERCIAL,
            order_type::FEE_ADJUSTMENT,
        ];
        let statuses = [
            order_status::COMPLETED,
            order_status::COMPLETED,
            order_status::COMPLETED,
            order_status::COMPLETED,
            order_status::CANCELLED,
            order_status::PROCESSING,
            order_status::PENDING_APPROVAL,
            order_status::PENDING_CONFIRMATION,
        ];
        for k in 0..180 {
            let res = self.resources[*r.pick(&mains)].clone();
            let status = statuses[k % statuses.len()];
            let otype = types[(k / 2) % types.len()];
            let create = now - Duration::minutes(r.range(60, 330 * 24 * 60));
            let n = r.range(1, 3);
            let line = self.line_for(r, &res, 2, n, create);
            let id = self.new_order_id(r, create);
            let source = if k % 17 == 0 { 8 } else { 1 };
            let o = self.build_order(
                id,
                vec![line],
                status,
                otype,
                create,
                res.ep.clone(),
                source,
            );
            self.push_order(o);
        }
        // Pending-payment orders: renewals of real resources (paying them extends expiry) and
        // new purchases; one is deliberately larger than balance + credit.
        let pending: Vec<usize> = mains.iter().copied().step_by(5).take(14).collect();
        for (k, &mi) in pending.iter().enumerate() {
            let main = self.resources[mi].clone();
            let create = now - Duration::minutes(r.range(5, 5 * 24 * 60));
            let id = self.new_order_id(r, create);
            let fam = self.family(&main.id);
            let mut lines: Vec<Line> = fam
                .iter()
                .map(|i| {
                    let res = self.resources[*i].clone();
                    self.line_for(r, &res, 2, 1, main.expire)
                })
                .collect();
            if k == pending.len() - 1 {
                // Too expensive to pay from balance + credit.
                let big = self.cash + self.credit_limit + Decimal::from(5_000);
                if let Some(l) = lines.first_mut() {
                    l.official = big;
                    l.after_discount = big;
                }
            }
            let mut o = self.build_order(
                id,
                lines,
                order_status::PENDING_PAYMENT,
                order_type::RENEWAL,
                create,
                main.ep.clone(),
                1,
            );
            o.effect = Some(Effect::Renew {
                resource_ids: vec![main.id.clone()],
                period_type: 2,
                period_num: 1,
            });
            if k % 2 == 0 {
                o.usable_discounts.push(UsableDiscount {
                    id: format!("DS{}", r.upper(14)),
                    discount_type: 2,
                    ratio: Decimal::new(r.range(85, 95), 2),
                });
            }
            if k % 3 == 0 {
                o.usable_discounts.push(UsableDiscount {
                    id: format!("DS{}", r.upper(14)),
                    discount_type: 0,
                    ratio: Decimal::new(r.range(90, 98), 2),
                });
            }
            self.push_order(o);
        }
        // Unsubscription orders with their refund details, for resources closed earlier.
        for _ in 0..14 {
            let res = self.resources[*r.pick(&mains)].clone();
            let create = now - Duration::minutes(r.range(60, 300 * 24 * 60));
            let id = self.new_order_id(r, create);
            let refund = -cents(self.resource_price(&res, 2, 1) * Decimal::new(r.range(20, 90), 2));
            let mut o = self.build_order(
                id,
                Vec::new(),
                order_status::COMPLETED,
                order_type::UNSUBSCRIPTION,
                create,
                res.ep.clone(),
                1,
            );
            o.service_type_code = res.service_type_code.clone();
            o.official = refund;
            o.after_discount = refund;
            o.discounts.clear();
            o.refunds.push(Refund {
                id: r.hex(32),
                amount: refund,
                resource_type_code: res.resource_type_code.clone(),
                service_type_code: res.service_type_code.clone(),
                region: res.region.clone(),
                base_order_id: res.order_id.clone(),
            });
            self.push_order(o);
        }
    }

    fn generate_coupons(&mut self, r: &mut Rng, now: OffsetDateTime) {
        let services = [
            "hws.service.type.ec2",
            "hws.service.type.ebs",
            "hws.service.type.vpc",
            "",
        ];
        for k in 0..30 {
            let status = (k % 5) as i64 + 1;
            let ctype = ((k / 5) % 4) as i64 + 1;
            let create = now - Duration::days(r.range(10, 300));
            let face = Decimal::from(r.range(1, 20) * 10);
            let (valid, expire) = match status {
                4 => (create, now - Duration::days(r.range(1, 9))),
                1 => (
                    now + Duration::days(r.range(1, 10)),
                    now + Duration::days(r.range(40, 200)),
                ),
                _ => (create, now + Duration::days(r.range(20, 300))),
            };
            let balance = match status {
                3 => Decimal::ZERO,
                2 if k % 2 == 0 => cents(face * Decimal::new(r.range(30, 90), 2)),
                _ => face,
            };
            let used = status == 3;
            self.coupons.push(Coupon {
                id: format!("CP{}", r.upper(14)),
                code: r.upper(12),
                status,
                coupon_type: ctype,
                face_value: face,
                balance,
                valid_time: valid,
                expire_time: expire,
                create_time: create,
                order_id: if used {
                    self.orders
                        .get(r.index(self.orders.len()))
                        .map(|o| o.id.clone())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                plan_id: format!("PP{}", r.upper(10)),
                plan_name: format!("Promotion {}", r.upper(4)),
                coupon_version: if k % 3 == 0 { 2 } else { 1 },
                lock_order_id: String::new(),
                limit_service: services[k % services.len()].to_owned(),
                fetch_method: (k % 5) as i64 + 1,
            });
        }
    }

    fn generate_packages(&mut self, r: &mut Rng, regions: &[&str], now: OffsetDateTime) {
        let cat = catalog();
        let usage: Vec<_> = cat
            .usage_types
            .iter()
            .filter(|u| !u.resource_type_codes.is_empty())
            .collect();
        for k in 0..12 {
            let status = (k % 5) as i64;
            let (effective, expire) = match status {
                0 => (now + Duration::days(3), now + Duration::days(368)),
                3 => (now - Duration::days(400), now - Duration::days(35)),
                _ => (
                    now - Duration::days(r.range(40, 200)),
                    now + Duration::days(r.range(30, 300)),
                ),
            };
            let n_items = r.range(1, 3) as usize;
            let mut items = Vec::new();
            for _ in 0..n_items {
                let u = *r.pick(&usage);
                let original = Decimal::from(r.range(1, 50) * 100);
                let remaining = match status {
                    2 => Decimal::ZERO,
                    0 => original,
                    _ => cents(original * Decimal::new(r.range(5, 95), 2)),
                };
                items.push(PackageItem {
                    free_resource_id: r.hex(32),
                    usage_type_code: u.code.clone(),
                    usage_type_name: u.name.clone(),
                    resource_type_code: u.resource_type_codes[0].clone(),
                    remaining,
                    original,
                    measure_id: u.usage_measure_id.unwrap_or(4),
                });
            }
            let rt = items
                .first()
                .map(|i| i.resource_type_code.clone())
                .unwrap_or_default();
            let service = cat
                .resource(&rt)
                .map(|x| x.service_type_code.clone())
                .unwrap_or_else(|| "hws.service.type.ec2".to_owned());
            // Bought before it starts, and never later than now.
            let bought = effective.min(now - Duration::days(2));
            let pkg = Package {
                instance_id: r.hex(32),
                order_id: self.new_order_id(r, bought),
                product_id: format!("OFFI{}", r.upper(20)),
                product_name: format!("{} package {}", cat.service_name(&service), k + 1),
                ep_id: "0".to_owned(),
                effective,
                expire,
                status,
                service_type_code: service,
                region: (*r.pick(regions)).to_owned(),
                bundle_type: if n_items > 1 {
                    "BUNDLE_PKG"
                } else {
                    "ATOMIC_PKG"
                },
                quota_reuse_mode: if k % 4 == 0 { 1 } else { 2 },
                items,
            };
            // Daily deduction records while the package was effective (<= 120 days back).
            if matches!(status, 1..=3) {
                for item in &pkg.items {
                    let used_total = item.original - item.remaining;
                    let start = pkg.effective.max(now - Duration::days(120));
                    let end = pkg.expire.min(now);
                    let days = (end - start).whole_days().max(1);
                    let per_day = cents(used_total / Decimal::from(days));
                    let mut avail = item.original;
                    let res_id = self
                        .resources
                        .get(r.index(self.resources.len()))
                        .map(|x| x.id.clone())
                        .unwrap_or_default();
                    for d in 0..days {
                        if per_day <= Decimal::ZERO {
                            break;
                        }
                        let used = per_day.min(avail);
                        let remaining = avail - used;
                        self.deductions.push(Deduction {
                            deduct_time: start + Duration::days(d) + Duration::hours(2),
                            free_resource_id: item.free_resource_id.clone(),
                            resource_id: res_id.clone(),
                            resource_type_code: item.resource_type_code.clone(),
                            product_id: pkg.product_id.clone(),
                            product_name: pkg.product_name.clone(),
                            usage_type_code: item.usage_type_code.clone(),
                            available: avail,
                            used,
                            remaining,
                            measure_id: item.measure_id,
                            effective: pkg.effective,
                            expire: pkg.expire,
                        });
                        avail = remaining;
                    }
                }
            }
            self.packages.push(pkg);
        }
        self.deductions.sort_by_key(|d| d.deduct_time);
    }

    fn generate_subjects(&mut self, r: &mut Rng, regions: &[&str]) {
        let cat = catalog();
        for res in &self.resources {
            self.subjects.push(Subject {
                resource_id: res.id.clone(),
                name: res.name.clone(),
                service_type_code: res.service_type_code.clone(),
                resource_type_code: res.resource_type_code.clone(),
                region: res.region.clone(),
                spec_desc: res.spec_desc.clone(),
                product_id: res.product_id.clone(),
                charge_mode: 1,
                monthly: period_price(self.seed, &cat.specs[res.spec], res.size, 2, 1),
                ep: res.ep.clone(),
                usage_type: String::new(),
                parent: res.parent.clone(),
                spec: res.spec,
            });
        }
        let ppu: Vec<usize> = cat
            .specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.pay_per_use())
            .map(|(i, _)| i)
            .collect();
        for _ in 0..48 {
            let si = *r.pick(&ppu);
            let spec = &cat.specs[si];
            let size = spec.resource_size.unwrap_or(1);
            let ep = r.pick(&self.projects).clone();
            self.subjects.push(Subject {
                resource_id: r.hex(32),
                name: format!(
                    "{}-{}",
                    spec.id.split('-').next().unwrap_or("res"),
                    r.hex(4)
                ),
                service_type_code: spec.cloud_service_type.clone(),
                resource_type_code: spec.resource_type.clone(),
                region: (*r.pick(regions)).to_owned(),
                spec_desc: spec_desc(spec, size),
                product_id: product_id(self.seed, spec),
                charge_mode: 3,
                monthly: on_demand_price(self.seed, spec, size, Decimal::from(HOURS_PER_MONTH), 1),
                ep,
                usage_type: spec
                    .usage_factor
                    .clone()
                    .unwrap_or_else(|| "Duration".to_owned()),
                parent: None,
                spec: si,
            });
        }
    }

    // ---- state changes -------------------------------------------------------------------

    fn fresh_order_id(&mut self, now: OffsetDateTime) -> String {
        let mut r = self.rng.clone();
        let id = self.new_order_id(&mut r, now);
        self.rng = r;
        id
    }

    fn fresh_hex(&mut self) -> String {
        self.rng.hex(32)
    }

    pub fn order(&self, id: &str) -> Option<&Order> {
        // Order ids are case-insensitive in CBC.
        self.order_index
            .get(id)
            .or_else(|| {
                self.order_index
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id))
                    .map(|(_, v)| v)
            })
            .and_then(|i| self.orders.get(*i))
    }

    fn order_pos(&self, id: &str) -> Option<usize> {
        self.order(id)
            .and_then(|o| self.order_index.get(&o.id).copied())
    }

    /// Money the account can pay with now: cash plus unused credit.
    pub fn spendable(&self) -> Decimal {
        self.cash.max(Decimal::ZERO) + (self.credit_limit - self.credit_used).max(Decimal::ZERO)
    }

    /// PayOrders: applies the chosen discount and coupons, deducts cash first, then credit.
    pub fn pay(
        &mut self,
        order_id: &str,
        coupons: &[(String, i64)],
        discount: Option<(String, i64)>,
        now: OffsetDateTime,
    ) -> ApiResult<()> {
        let pos = self
            .order_pos(order_id)
            .ok_or_else(|| ApiError::param("order_id", "does not exist"))?;
        let order = self.orders[pos].clone();
        if order.status != order_status::PENDING_PAYMENT {
            return Err(ApiError::biz(
                "CBC.99005010",
                "The order status does not allow this operation.",
            ));
        }
        let mut amount = order.after_discount;
        let mut discounts = order.discounts.clone();
        if let Some((id, ty)) = &discount {
            let d = order
                .usable_discounts
                .iter()
                .find(|d| &d.id == id && d.discount_type == *ty)
                .ok_or_else(|| {
                    ApiError::param("discount_infos[0].id", "is not usable for this order")
                })?;
            let new_amount = cents(order.official * d.ratio).min(amount);
            discounts.push((
                match d.discount_type {
                    0 => "700",
                    3 => "607",
                    _ => "605",
                }
                .to_owned(),
                amount - new_amount,
            ));
            amount = new_amount;
        }
        let mut coupon_use: Vec<(usize, Decimal)> = Vec::new();
        let mut coupon_total = Decimal::ZERO;
        let mut flexi_total = Decimal::ZERO;
        for (k, (cid, ty)) in coupons.iter().enumerate() {
            let ci = self
                .coupons
                .iter()
                .position(|c| &c.id == cid)
                .ok_or_else(|| {
                    ApiError::param(&format!("coupon_infos[{k}].id"), "does not exist")
                })?;
            let c = &self.coupons[ci];
            let expected = match c.coupon_type {
                1 => 301,
                2 => 300,
                4 => 302,
                _ => 303,
            };
            if c.status != 2 || c.expire_time < now || *ty != expected {
                return Err(ApiError::param(
                    &format!("coupon_infos[{k}].id"),
                    "is not usable for this order",
                ));
            }
            let use_amt = if c.coupon_type == 2 {
                // Discount coupon: 10 % off, capped by its value.
                cents(amount * Decimal::new(1, 1)).min(c.balance)
            } else {
                c.balance.min(amount)
            };
            amount -= use_amt;
            if c.coupon_type == 4 {
                flexi_total += use_amt;
            } else {
                coupon_total += use_amt;
            }
            coupon_use.push((ci, use_amt));
        }
        if amount > self.spendable() {
            return Err(ApiError::biz("CBC.99005003", "Insufficient balance."));
        }
        // Commit.
        let from_cash = amount.min(self.cash.max(Decimal::ZERO));
        self.cash -= from_cash;
        self.credit_used += amount - from_cash;
        for (ci, used) in coupon_use {
            let c = &mut self.coupons[ci];
            c.balance -= used;
            if c.coupon_version == 1 || c.balance <= Decimal::ZERO {
                c.status = 3;
            }
            c.order_id = order.id.clone();
        }
        let effect = {
            let o = &mut self.orders[pos];
            o.status = order_status::COMPLETED;
            o.payment_time = Some(now);
            o.after_discount = amount + coupon_total + flexi_total;
            o.coupon_amount = coupon_total;
            o.flexi_coupon_amount = flexi_total;
            o.discounts = discounts;
            o.effect.take()
        };
        if let Some(Effect::Renew {
            resource_ids,
            period_type,
            period_num,
        }) = effect
        {
            for id in resource_ids {
                self.extend(&id, period_type, period_num, now);
            }
        }
        Ok(())
    }

    fn extend(&mut self, main_id: &str, period_type: i64, n: i64, now: OffsetDateTime) {
        let months = if period_type == 3 { 12 * n } else { n } as i32;
        for i in self.family(main_id) {
            let res = &mut self.resources[i];
            res.expire = add_months(res.expire, months);
            if res.status == res_status::EXPIRED && res.expire > now {
                res.status = res_status::IN_USE;
            }
            res.update_time = now;
        }
    }

    /// CancelCustomerOrder: only pending-payment orders.
    pub fn cancel_order(&mut self, order_id: &str) -> ApiResult<()> {
        let pos = self
            .order_pos(order_id)
            .ok_or_else(|| ApiError::param("order_id", "does not exist"))?;
        let o = &mut self.orders[pos];
        if o.status != order_status::PENDING_PAYMENT {
            return Err(ApiError::biz(
                "CBC.99005010",
                "The order status does not allow cancellation.",
            ));
        }
        o.status = order_status::CANCELLED;
        o.effect = None;
        Ok(())
    }

    fn main_index(&self, id: &str) -> Option<usize> {
        self.resources.iter().position(|r| r.id == id)
    }

    /// RenewalResources: one order per call covering every renewable main resource.
    pub fn renew(
        &mut self,
        ids: &[String],
        period_type: i64,
        n: i64,
        auto_pay: bool,
        now: OffsetDateTime,
    ) -> (Vec<String>, Vec<(String, String, String)>) {
        let mut fails = Vec::new();
        let mut ok_ids = Vec::new();
        let mut lines = Vec::new();
        let mut r = self.rng.clone();
        for id in ids {
            match self.main_index(id) {
                None => fails.push((
                    id.clone(),
                    "CBC.99003012".into(),
                    "The resource ID does not exist.".into(),
                )),
                Some(i) if !self.resources[i].is_main() => fails.push((
                    id.clone(),
                    "CBC.0100".into(),
                    "Invalid parameter: resource_ids must name main resources.".into(),
                )),
                Some(i)
                    if self.resources[i].status == res_status::CLOSED
                        || self.resources[i].status == res_status::FROZEN =>
                {
                    fails.push((
                        id.clone(),
                        "CBC.99003656".into(),
                        "The resource is frozen or closed; the operation is not allowed.".into(),
                    ))
                }
                Some(i) => {
                    ok_ids.push(id.clone());
                    let main_expire = self.resources[i].expire;
                    for fi in self.family(id) {
                        let res = self.resources[fi].clone();
                        lines.push(self.line_for(&mut r, &res, period_type, n, main_expire));
                    }
                }
            }
        }
        self.rng = r;
        if ok_ids.is_empty() {
            return (Vec::new(), fails);
        }
        let id = self.fresh_order_id(now);
        let ep = self
            .main_index(&ok_ids[0])
            .map(|i| self.resources[i].ep.clone())
            .unwrap_or_else(|| self.projects[0].clone());
        let mut o = self.build_order(
            id.clone(),
            lines,
            order_status::PENDING_PAYMENT,
            order_type::RENEWAL,
            now,
            ep,
            1,
        );
        o.effect = Some(Effect::Renew {
            resource_ids: ok_ids,
            period_type,
            period_num: n,
        });
        self.push_order(o);
        if auto_pay {
            // Like CBC: the order exists either way; without money it stays pending.
            let _ = self.pay(&id, &[], None, now);
        }
        (vec![id], fails)
    }

    /// CancelResourcesSubscription: ends the resources (and attached ones) and refunds the
    /// unused part of the paid period as a completed unsubscription order.
    pub fn unsubscribe(
        &mut self,
        ids: &[String],
        unsubscribe_type: i64,
        now: OffsetDateTime,
    ) -> (Vec<String>, Vec<(String, String, String)>) {
        let mut fails = Vec::new();
        let mut order_ids = Vec::new();
        for id in ids {
            let Some(i) = self.main_index(id) else {
                fails.push((
                    id.clone(),
                    "CBC.99003012".into(),
                    "The resource ID does not exist.".into(),
                ));
                continue;
            };
            let main = self.resources[i].clone();
            if !main.is_main() {
                fails.push((
                    id.clone(),
                    "CBC.3185".into(),
                    "The service must be unsubscribed as a whole.".into(),
                ));
                continue;
            }
            if main.status == res_status::CLOSED {
                fails.push((
                    id.clone(),
                    "CBC.99003656".into(),
                    "The resource is already unsubscribed.".into(),
                ));
                continue;
            }
            if main.status == res_status::FROZEN {
                fails.push((
                    id.clone(),
                    "CBC.99003656".into(),
                    "Frozen resources cannot be unsubscribed.".into(),
                ));
                continue;
            }
            let mut refunds = Vec::new();
            let mut total = Decimal::ZERO;
            for fi in self.family(id) {
                let res = self.resources[fi].clone();
                let remaining_days = (res.expire - now).whole_days().max(0);
                let refund = if unsubscribe_type == 2 {
                    // Only renewed periods: refund what lies beyond one month from now.
                    let beyond = (remaining_days - 30).max(0);
                    cents(
                        self.resource_price(&res, 2, 1) * Decimal::from(beyond) / Decimal::from(30)
                            * self.discount_ratio,
                    )
                } else {
                    cents(
                        self.resource_price(&res, 2, 1) * Decimal::from(remaining_days)
                            / Decimal::from(30)
                            * self.discount_ratio,
                    )
                };
                total += refund;
                refunds.push(Refund {
                    id: self.fresh_hex(),
                    amount: -refund,
                    resource_type_code: res.resource_type_code.clone(),
                    service_type_code: res.service_type_code.clone(),
                    region: res.region.clone(),
                    base_order_id: res.order_id.clone(),
                });
                let r = &mut self.resources[fi];
                if unsubscribe_type == 2 {
                    let cut = now + Duration::days(remaining_days.min(30));
                    r.expire = r.expire.min(cut);
                } else {
                    r.status = res_status::CLOSED;
                    r.expire = now;
                    r.expire_policy = policy::GRACE;
                }
                r.update_time = now;
            }
            let oid = self.fresh_order_id(now);
            let mut o = self.build_order(
                oid.clone(),
                Vec::new(),
                order_status::COMPLETED,
                order_type::UNSUBSCRIPTION,
                now,
                main.ep.clone(),
                1,
            );
            o.service_type_code = main.service_type_code.clone();
            o.official = -total;
            o.after_discount = -total;
            o.payment_time = Some(now);
            o.refunds = refunds;
            self.push_order(o);
            self.cash += total;
            order_ids.push(oid);
        }
        (order_ids, fails)
    }

    /// AutoRenewalResources.
    pub fn auto_renew_on(
        &mut self,
        id: &str,
        times: Option<i64>,
        period: Option<String>,
        now: OffsetDateTime,
    ) -> ApiResult<()> {
        let i = self
            .main_index(id)
            .ok_or_else(|| ApiError::biz("CBC.99003012", "The resource ID does not exist."))?;
        let st = self.resources[i].status;
        if st != res_status::IN_USE || self.resources[i].expire < now {
            return Err(ApiError::biz(
                "CBC.99003602",
                "The resource has expired or is frozen; auto-renewal cannot be enabled.",
            ));
        }
        for fi in self.family(id) {
            let r = &mut self.resources[fi];
            r.expire_policy = policy::AUTO_RENEW;
            r.auto_renew_times = times.unwrap_or(0);
            r.auto_renew_period = period.clone();
            r.update_time = now;
        }
        Ok(())
    }

    /// CancelAutoRenewalResources.
    pub fn auto_renew_off(&mut self, id: &str, now: OffsetDateTime) -> ApiResult<()> {
        let i = self
            .main_index(id)
            .ok_or_else(|| ApiError::biz("CBC.99003012", "The resource ID does not exist."))?;
        if self.resources[i].expire_policy != policy::AUTO_RENEW {
            return Err(ApiError::biz(
                "CBC.99003605",
                "Auto-renewal has already been cancelled.",
            ));
        }
        for fi in self.family(id) {
            let r = &mut self.resources[fi];
            r.expire_policy = policy::GRACE;
            r.update_time = now;
        }
        Ok(())
    }

    /// UpdatePeriodToOnDemand: per-resource outcome, failures listed rather than fatal.
    pub fn set_to_on_demand(
        &mut self,
        op: &str,
        ids: &[String],
        now: OffsetDateTime,
    ) -> Vec<(String, String, String)> {
        let mut errs = Vec::new();
        for id in ids {
            let Some(i) = self.main_index(id) else {
                errs.push((
                    id.clone(),
                    "CBC.99003012".into(),
                    "The resource ID does not exist.".into(),
                ));
                continue;
            };
            let st = self.resources[i].status;
            if st == res_status::FROZEN {
                errs.push((
                    id.clone(),
                    "CBC.99003625".into(),
                    "The resource is frozen and cannot be changed to pay-per-use.".into(),
                ));
                continue;
            }
            if st != res_status::IN_USE {
                errs.push((
                    id.clone(),
                    "CBC.99003602".into(),
                    "The resource has expired or been closed.".into(),
                ));
                continue;
            }
            let set_up = op == "SET_UP";
            if !set_up && self.resources[i].expire_policy != policy::TO_PAY_PER_USE {
                errs.push((
                    id.clone(),
                    "CBC.0100".into(),
                    "The resource is not set to change to pay-per-use.".into(),
                ));
                continue;
            }
            for fi in self.family(id) {
                let r = &mut self.resources[fi];
                r.expire_policy = if set_up {
                    policy::TO_PAY_PER_USE
                } else {
                    policy::GRACE
                };
                r.update_time = now;
            }
        }
        errs
    }

    /// Total money of the account's commercial discount for an amount.
    pub fn discounted(&self, d: Decimal) -> Decimal {
        cents(d * self.discount_ratio)
    }
}

fn months_between(a: OffsetDateTime, b: OffsetDateTime) -> i64 {
    let m = (b.year() - a.year()) as i64 * 12 + i64::from(u8::from(b.month()))
        - i64::from(u8::from(a.month()));
    m.max(0)
}

fn uuid_like(r: &mut Rng) -> String {
    let h = r.hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
