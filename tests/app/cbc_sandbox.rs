//! The typed CBC client against the embedded sandbox, for every operation: realistic requests
//! built from ids the lists return, responses with real content and exact money, one sandbox
//! call per client call, state changes read back; then paging, throttling, single-flight,
//! retries, the circuit breaker, rejected credentials, stale reads and ambiguous outcomes.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cbc_portal::cbc::ops::orders::DiscountSimpleInfo;
use cbc_portal::cbc::ops::pricing::{OnDemandProductInfo, PeriodProductInfo};
use cbc_portal::cbc::ops::*;
use cbc_portal::cbc::{
    AccountCredentials, Auth, CacheSettings, CbcError, Client, ClientSettings, EgressPolicy,
};
use futures_util::future::join_all;
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::helpers::*;

/// The operations each round-trip test covers; together exactly the 32 of the API.
const CATALOG: &[&str] = &[
    ListServiceTypesRequest::ID,
    ListResourceTypesRequest::ID,
    ListServiceResourcesRequest::ID,
    ListUsageTypesRequest::ID,
    ListMeasureUnitsRequest::ID,
    ListConversionsRequest::ID,
];
const PRICING: &[&str] = &[
    ListOnDemandResourceRatingsRequest::ID,
    ListRateOnPeriodDetailRequest::ID,
];
const ACCOUNT: &[&str] = &[
    ShowCustomerAccountBalancesRequest::ID,
    ShowCustomerExpenditureQuotaRequest::ID,
    ListSubCustomerCouponsRequest::ID,
    CreateEnterpriseProjectAuthRequest::ID,
];
const ORDERS: &[&str] = &[
    ListCustomerOrdersRequest::ID,
    ShowCustomerOrderDetailsRequest::ID,
    ListOrderDiscountsRequest::ID,
    PayOrdersRequest::ID,
    CancelCustomerOrderRequest::ID,
    ShowRefundOrderDetailsRequest::ID,
];
const SUBSCRIPTIONS: &[&str] = &[
    ListPayPerUseCustomerResourcesRequest::ID,
    ListRenewRateOnPeriodRequest::ID,
    RenewalResourcesRequest::ID,
    CancelResourcesSubscriptionRequest::ID,
    AutoRenewalResourcesRequest::ID,
    CancelAutoRenewalResourcesRequest::ID,
    UpdatePeriodToOnDemandRequest::ID,
    SetResourcesRenewConfigRequest::ID,
];
const PACKAGES: &[&str] = &[
    ListFreeResourceInfosRequest::ID,
    ListFreeResourceUsagesRequest::ID,
    ListFreeResourcesUsageRecordsRequest::ID,
];
const BILLS: &[&str] = &[
    ShowCustomerMonthlySumRequest::ID,
    ListCustomerselfResourceRecordDetailsRequest::ID,
    ListCustomerselfResourceRecordsRequest::ID,
];

const CURRENCY: &str = "USD";

/// A sandboxed app, account A's credentials, and the operations exercised so far.
struct Ctx {
    app: TestApp,
    creds: Arc<AccountCredentials>,
    ak: String,
    covered: Mutex<BTreeSet<&'static str>>,
}

impl Ctx {
    async fn new() -> Self {
        Self::with(spawn_sandboxed_app().await).await
    }

    async fn with(app: TestApp) -> Self {
        let creds = app
            .state
            .cbc_credentials(app.account_a())
            .await
            .expect("credentials of account A");
        let ak = app.ak_of(app.account_a()).await;
        Self {
            app,
            creds,
            ak,
            covered: Mutex::new(BTreeSet::new()),
        }
    }

    fn cbc(&self) -> &Client {
        &self.app.state.cbc
    }

    /// Runs one typed client call; asserts it succeeded and made exactly one sandbox call of
    /// `op`, signed with account A's AK.
    async fn once<T>(
        &self,
        op: &'static str,
        call: impl Future<Output = Result<T, CbcError>>,
    ) -> T {
        let before = self.app.sandbox_calls().await;
        let out = call
            .await
            .unwrap_or_else(|e| panic!("{op} through the client failed: {e:?}"));
        let after = self.app.sandbox_calls().await;
        assert_eq!(
            op_count(&after, op) - op_count(&before, op),
            1,
            "{op}: one client call makes exactly one sandbox call"
        );
        assert_eq!(
            ak_count(&after, &self.ak, op) - ak_count(&before, &self.ak, op),
            1,
            "{op}: the call was signed with account A's AK"
        );
        self.covered.lock().expect("covered").insert(op);
        out
    }

    /// A fresh read (no cache), for reading state back after an action.
    async fn fresh<O: Operation>(&self, req: &O) -> O::Response {
        self.cbc()
            .call(&self.creds, req)
            .await
            .unwrap_or_else(|e| panic!("read-back {} failed: {e:?}", O::ID))
    }

    async fn cash(&self) -> Decimal {
        let b = self
            .fresh(&ShowCustomerAccountBalancesRequest::default())
            .await;
        b.account_balances
            .iter()
            .find(|a| a.account_type == Some(1))
            .and_then(|a| a.amount)
            .expect("a cash account")
    }

    async fn resource(&self, id: &str, statuses: Vec<i64>) -> CustomerResourceView {
        let res = self
            .fresh(&ListPayPerUseCustomerResourcesRequest {
                resource_ids: Some(vec![id.to_owned()]),
                status_list: Some(statuses),
                ..Default::default()
            })
            .await;
        assert_eq!(res.data.len(), 1, "resource {id} read back");
        CustomerResourceView::of(&res.data[0])
    }

    /// Asserts every operation of `group` went through `once`, and returns the app to stop.
    fn finish(self, group: &[&str]) -> TestApp {
        let covered = self.covered.lock().expect("covered").clone();
        for op in group {
            assert!(covered.contains(op), "{op} was not exercised");
        }
        self.app
    }
}

fn op_count(calls: &Value, op: &str) -> i64 {
    calls["by_operation"][op].as_i64().unwrap_or(0)
}

fn ak_count(calls: &Value, ak: &str, op: &str) -> i64 {
    calls["by_ak"][ak][op].as_i64().unwrap_or(0)
}

/// The fields of a subscribed resource the tests compare.
#[derive(Debug, Clone)]
struct CustomerResourceView {
    id: String,
    parent: String,
    status: i64,
    expire: OffsetDateTime,
    policy: i64,
}

impl CustomerResourceView {
    fn of(r: &cbc_portal::cbc::ops::subscriptions::CustomerResource) -> Self {
        Self {
            id: r.resource_id.clone().expect("resource_id"),
            parent: r.parent_resource_id.clone().unwrap_or_default(),
            status: r.status.expect("status"),
            expire: parse_time(r.expire_time.as_deref().expect("expire_time")),
            policy: r.expire_policy.expect("expire_policy"),
        }
    }
}

fn parse_time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap_or_else(|e| panic!("time {s:?}: {e}"))
}

/// An amount as CBC sends it: present, exact, two decimals (a float would lose the scale).
fn money(d: Option<Decimal>, what: &str) -> Decimal {
    let d = d.unwrap_or_else(|| panic!("{what} is missing"));
    assert_eq!(d.scale(), 2, "{what} = {d} keeps its two decimals");
    d
}

fn positive(d: Option<Decimal>, what: &str) -> Decimal {
    let d = money(d, what);
    assert!(d > Decimal::ZERO, "{what} = {d} must be > 0");
    d
}

/// `YYYY-MM` of the month before this one (a full bill cycle of the sandbox's history).
fn last_cycle() -> String {
    let now = OffsetDateTime::now_utc();
    let (y, m) = match u8::from(now.month()) {
        1 => (now.year() - 1, 12),
        m => (now.year(), m - 1),
    };
    format!("{y:04}-{m:02}")
}

fn ecs_on_demand() -> OnDemandProductInfo {
    OnDemandProductInfo {
        id: "1".into(),
        cloud_service_type: "hws.service.type.ec2".into(),
        resource_type: "hws.resource.type.vm".into(),
        resource_spec: "c6.large.2.linux".into(),
        region: "eu-west-101".into(),
        usage_factor: "Duration".into(),
        usage_value: Decimal::from(730),
        usage_measure_id: 4,
        subscription_num: 2,
        ..Default::default()
    }
}

fn ecs_period() -> PeriodProductInfo {
    PeriodProductInfo {
        id: "1".into(),
        cloud_service_type: "hws.service.type.ec2".into(),
        resource_type: "hws.resource.type.vm".into(),
        resource_spec: "c6.large.2.linux".into(),
        region: "eu-west-101".into(),
        period_type: 2,
        period_num: 1,
        subscription_num: 1,
        ..Default::default()
    }
}

#[test]
fn the_round_trip_groups_cover_exactly_the_32_operations() {
    let groups = [
        CATALOG,
        PRICING,
        ACCOUNT,
        ORDERS,
        SUBSCRIPTIONS,
        PACKAGES,
        BILLS,
    ];
    let listed: Vec<&str> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(listed.len(), unique.len(), "no operation in two groups");
    let all: BTreeSet<&str> = ALL_OPERATIONS.iter().map(|(id, _)| *id).collect();
    assert_eq!(all.len(), 32);
    assert_eq!(unique, all);
}

#[tokio::test]
async fn catalog_operations_round_trip() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let st = ctx
        .once(
            ListServiceTypesRequest::ID,
            c.list_service_types(
                a,
                &ListServiceTypesRequest {
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(st.service_types.len() > 3, "{st:?}");
    assert_eq!(st.total_count, Some(st.service_types.len() as i64));
    assert!(st.service_types.iter().any(|s| {
        s.service_type_code.as_deref() == Some("hws.service.type.ec2")
            && s.service_type_name
                .as_deref()
                .is_some_and(|n| !n.is_empty())
    }));

    let rt = ctx
        .once(
            ListResourceTypesRequest::ID,
            c.list_resource_types(a, &ListResourceTypesRequest::default()),
        )
        .await;
    assert_eq!(rt.resource_types.len(), 10, "default page of 10");
    assert!(rt.total_count.unwrap_or(0) > 10);
    assert!(rt.resource_types.iter().all(|r| {
        r.resource_type_code
            .as_deref()
            .is_some_and(|c| c.starts_with("hws.resource.type."))
    }));

    let sr = ctx
        .once(
            ListServiceResourcesRequest::ID,
            c.list_service_resources(
                a,
                &ListServiceResourcesRequest {
                    service_type_code: "hws.service.type.ec2".into(),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!sr.infos.is_empty());
    for i in &sr.infos {
        let b = i.basic_info.as_ref().expect("basic_info");
        assert_eq!(
            b.product_owner_service.as_deref(),
            Some("hws.service.type.ec2")
        );
    }
    assert!(sr.infos.iter().any(|i| {
        i.basic_info
            .as_ref()
            .and_then(|b| b.resource_type_code.as_deref())
            == Some("hws.resource.type.vm")
    }));

    let ut = ctx
        .once(
            ListUsageTypesRequest::ID,
            c.list_usage_types(
                a,
                &ListUsageTypesRequest {
                    resource_type_code: Some("hws.resource.type.vm".into()),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!ut.usage_types.is_empty());
    assert!(
        ut.usage_types
            .iter()
            .all(
                |u| u.resource_type_code.as_deref() == Some("hws.resource.type.vm")
                    && u.code.as_deref().is_some_and(|c| !c.is_empty())
            )
    );

    let mu = ctx
        .once(
            ListMeasureUnitsRequest::ID,
            c.list_measure_units(a, &ListMeasureUnitsRequest::default()),
        )
        .await;
    assert!(mu.measure_units.len() > 10);
    // measure_id 4 is the hour, the unit of the on-demand "Duration" usage.
    assert!(mu.measure_units.iter().any(|m| m.measure_id == Some(4)));

    let conv = ctx
        .once(
            ListConversionsRequest::ID,
            c.list_conversions(
                a,
                &ListConversionsRequest {
                    measure_type: Some(4),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!conv.conversions.is_empty(), "time conversions exist");
    assert!(
        conv.conversions
            .iter()
            .all(|v| v.measure_type == Some(4) && v.conversion_ratio.unwrap_or(0) > 0)
    );

    ctx.finish(CATALOG).stop().await;
}

#[tokio::test]
async fn price_inquiries_round_trip_with_exact_amounts() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);
    let project = ctx
        .app
        .sandbox_project(ctx.app.account_a(), "eu-west-101")
        .await;

    let od = ctx
        .once(
            ListOnDemandResourceRatingsRequest::ID,
            c.list_on_demand_resource_ratings(
                a,
                &ListOnDemandResourceRatingsRequest {
                    project_id: project.clone(),
                    product_infos: vec![ecs_on_demand()],
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(od.currency.as_deref(), Some(CURRENCY));
    assert_eq!(od.measure_id, Some(1));
    let amount = positive(od.amount, "on-demand amount");
    let official = positive(od.official_website_amount, "on-demand list price");
    let discount = money(od.discount_amount, "on-demand discount");
    assert_eq!(
        amount + discount,
        official,
        "amount + discount = list price"
    );
    assert_eq!(od.product_rating_results.len(), 1);
    let row = &od.product_rating_results[0];
    assert_eq!(row.id.as_deref(), Some("1"));
    assert_eq!(
        row.amount,
        Some(amount),
        "one product: its amount is the total"
    );

    let pd = ctx
        .once(
            ListRateOnPeriodDetailRequest::ID,
            c.list_rate_on_period_detail(
                a,
                &ListRateOnPeriodDetailRequest {
                    project_id: project.clone(),
                    product_infos: vec![ecs_period()],
                },
            ),
        )
        .await;
    assert_eq!(pd.currency.as_deref(), Some(CURRENCY));
    let list = positive(
        pd.official_website_rating_result
            .as_ref()
            .and_then(|r| r.official_website_amount),
        "monthly list price",
    );
    let best = pd
        .optional_discount_rating_results
        .first()
        .expect("a discount option");
    let pay = positive(best.amount, "monthly price after discount");
    assert!(pay <= list);
    assert_eq!(pay + money(best.discount_amount, "discount"), list);
    // A month of a VM costs less than 730 hours of two on demand.
    assert!(list < official, "month {list} vs 2x730 h {official}");

    ctx.finish(PRICING).stop().await;
}

#[tokio::test]
async fn account_operations_round_trip() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let bal = ctx
        .once(
            ShowCustomerAccountBalancesRequest::ID,
            c.show_customer_account_balances(a, &ShowCustomerAccountBalancesRequest::default()),
        )
        .await;
    assert_eq!(bal.currency.as_deref(), Some(CURRENCY));
    assert_eq!(bal.account_balances.len(), 3);
    for b in &bal.account_balances {
        assert_eq!(b.currency.as_deref(), Some(CURRENCY));
        assert_eq!(b.measure_id, Some(1));
        money(b.amount, "balance");
    }
    let cash = bal
        .account_balances
        .iter()
        .find(|b| b.account_type == Some(1))
        .expect("cash account");
    positive(cash.amount, "cash balance");
    money(bal.debt_amount, "debt");

    let quota = ctx
        .once(
            ShowCustomerExpenditureQuotaRequest::ID,
            c.show_customer_expenditure_quota(a, &ShowCustomerExpenditureQuotaRequest::default()),
        )
        .await;
    assert_eq!(quota.currency.as_deref(), Some(CURRENCY));
    let granted = positive(quota.granting_amount, "granted quota");
    let used = positive(quota.granting_amount_used, "used quota");
    assert!(used <= granted);
    let pct = quota.percentage_granting_amount_used.expect("percentage");
    assert_eq!(
        pct,
        (used / granted).round_dp(4),
        "percentage used is exact"
    );

    let coupons = ctx
        .once(
            ListSubCustomerCouponsRequest::ID,
            c.list_sub_customer_coupons(
                a,
                &ListSubCustomerCouponsRequest {
                    limit: Some(100),
                    offset: Some(0),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!coupons.user_coupons.is_empty());
    assert_eq!(coupons.count, Some(coupons.user_coupons.len() as i64));
    for cp in &coupons.user_coupons {
        assert!(cp.coupon_id.as_deref().is_some_and(|i| !i.is_empty()));
        positive(cp.face_value, "coupon face value");
        let balance = money(cp.balance, "coupon balance");
        assert!(balance <= cp.face_value.unwrap_or_default());
    }
    // Each status 1..=5 is represented.
    let statuses: BTreeSet<i64> = coupons
        .user_coupons
        .iter()
        .filter_map(|c| c.status)
        .collect();
    assert_eq!(statuses, (1..=5).collect());

    // Enabling enterprise projects answers 204: an empty typed response.
    let ep = ctx
        .once(
            CreateEnterpriseProjectAuthRequest::ID,
            c.create_enterprise_project_auth(a, &CreateEnterpriseProjectAuthRequest::default()),
        )
        .await;
    assert_eq!(ep, CreateEnterpriseProjectAuthResponse::default());

    ctx.finish(ACCOUNT).stop().await;
}

#[tokio::test]
async fn order_operations_round_trip_and_paying_deducts_the_balance() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let pending = ctx
        .once(
            ListCustomerOrdersRequest::ID,
            c.list_customer_orders(
                a,
                &ListCustomerOrdersRequest {
                    status: Some(6),
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(
        pending.order_infos.len() >= 3,
        "pending-payment orders exist"
    );
    assert_eq!(pending.total_count, Some(pending.order_infos.len() as i64));
    let mut orders: Vec<(String, Decimal)> = pending
        .order_infos
        .iter()
        .map(|o| {
            assert_eq!(o.status, Some(6));
            assert_eq!(o.currency.as_deref(), Some(CURRENCY));
            (
                o.order_id.clone().expect("order_id"),
                positive(o.amount_after_discount, "order amount"),
            )
        })
        .collect();
    orders.sort_by_key(|(_, amount)| *amount);
    let official: HashMap<String, Decimal> = pending
        .order_infos
        .iter()
        .map(|o| {
            (
                o.order_id.clone().expect("order_id"),
                positive(o.official_amount, "order list price"),
            )
        })
        .collect();

    // Usable discounts: the first pending order that has any.
    let mut with_discounts = None;
    for (id, _) in &orders {
        let d = ctx
            .once(
                ListOrderDiscountsRequest::ID,
                c.list_order_discounts(
                    a,
                    &ListOrderDiscountsRequest {
                        order_id: id.clone(),
                    },
                ),
            )
            .await;
        if !d.discounts.is_empty() {
            with_discounts = Some((id.clone(), d));
            break;
        }
    }
    let (discount_order, d) = with_discounts.expect("some pending order has usable discounts");
    for disc in &d.discounts {
        assert!(disc.discount_id.as_deref().is_some_and(|i| !i.is_empty()));
        let o = &disc.orders[0];
        assert_eq!(o.order_id.as_deref(), Some(discount_order.as_str()));
        let line = &o.order_line_items[0];
        assert!(!line.order_line_item_ids.is_empty());
        positive(line.discount_amount, "discount amount");
        let ratio = line.discount_ratio.expect("discount ratio");
        assert!(ratio > Decimal::ZERO && ratio < Decimal::ONE);
    }

    let (pay_id, pay_amount) = orders
        .iter()
        .find(|(id, _)| *id != discount_order)
        .expect("a second pending order")
        .clone();
    let details = ctx
        .once(
            ShowCustomerOrderDetailsRequest::ID,
            c.show_customer_order_details(
                a,
                &ShowCustomerOrderDetailsRequest {
                    order_id: pay_id.clone(),
                    ..Default::default()
                },
            ),
        )
        .await;
    let info = details.order_info.as_ref().expect("order_info");
    assert_eq!(info.order_id.as_deref(), Some(pay_id.as_str()));
    assert_eq!(info.amount_after_discount, Some(pay_amount));
    assert!(
        info.pending_payment_end_time
            .as_deref()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(!details.order_line_items.is_empty());
    assert_eq!(
        details.total_count,
        Some(details.order_line_items.len() as i64)
    );
    let lines: Decimal = details
        .order_line_items
        .iter()
        .map(|l| money(l.amount_after_discount, "line amount"))
        .sum();
    assert_eq!(lines, pay_amount, "the lines add up to the order, exactly");

    // Paying deducts exactly the order's amount from the cash balance.
    let before = ctx.cash().await;
    assert!(before >= pay_amount, "cash {before} covers {pay_amount}");
    ctx.once(
        PayOrdersRequest::ID,
        c.pay_orders(
            a,
            &PayOrdersRequest {
                order_id: pay_id.clone(),
                use_coupon: "NO".into(),
                use_discount: "NO".into(),
                ..Default::default()
            },
        ),
    )
    .await;
    assert_eq!(ctx.cash().await, before - pay_amount);
    let paid = ctx
        .fresh(&ShowCustomerOrderDetailsRequest {
            order_id: pay_id.clone(),
            ..Default::default()
        })
        .await;
    let paid = paid.order_info.expect("order_info");
    assert_eq!(paid.status, Some(5), "completed");
    assert!(paid.payment_time.as_deref().is_some_and(|t| !t.is_empty()));

    // Paying with a usable discount: the price drops by exactly the quoted discount.
    let disc = &d.discounts[0];
    let quoted = disc.orders[0].order_line_items[0]
        .discount_amount
        .expect("discount amount");
    let listed = orders
        .iter()
        .find(|(id, _)| *id == discount_order)
        .map(|(_, a)| *a)
        .expect("listed");
    let expected = (official[&discount_order] - quoted).min(listed);
    let before = ctx.cash().await;
    ctx.once(
        PayOrdersRequest::ID,
        c.pay_orders(
            a,
            &PayOrdersRequest {
                order_id: discount_order.clone(),
                use_coupon: "NO".into(),
                use_discount: "YES".into(),
                discount_infos: Some(vec![DiscountSimpleInfo {
                    id: disc.discount_id.clone().expect("discount id"),
                    type_: disc.discount_type.expect("discount type"),
                }]),
                ..Default::default()
            },
        ),
    )
    .await;
    assert_eq!(
        ctx.cash().await,
        before - expected,
        "paid the discounted price"
    );
    let paid = ctx
        .fresh(&ShowCustomerOrderDetailsRequest {
            order_id: discount_order.clone(),
            ..Default::default()
        })
        .await
        .order_info
        .expect("order_info");
    assert_eq!(paid.status, Some(5));
    assert_eq!(paid.amount_after_discount, Some(expected));

    // Cancelling another pending order; it can then no longer be paid.
    let cancel_id = orders
        .iter()
        .map(|(id, _)| id)
        .find(|id| **id != pay_id && **id != discount_order)
        .expect("a third pending order")
        .clone();
    ctx.once(
        CancelCustomerOrderRequest::ID,
        c.cancel_customer_order(
            a,
            &CancelCustomerOrderRequest {
                order_id: cancel_id.clone(),
            },
        ),
    )
    .await;
    let cancelled = ctx
        .fresh(&ShowCustomerOrderDetailsRequest {
            order_id: cancel_id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(cancelled.order_info.and_then(|o| o.status), Some(4));
    let err = c
        .pay_orders(
            a,
            &PayOrdersRequest {
                order_id: cancel_id,
                use_coupon: "NO".into(),
                use_discount: "NO".into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("a cancelled order cannot be paid");
    assert_eq!(err.error_code(), "CBC.99005010");
    assert!(!err.outcome_is_ambiguous());

    // Refund details of an unsubscription order.
    let unsub = ctx
        .once(
            ListCustomerOrdersRequest::ID,
            c.list_customer_orders(
                a,
                &ListCustomerOrdersRequest {
                    order_type: Some("4".into()),
                    limit: Some(10),
                    ..Default::default()
                },
            ),
        )
        .await;
    let unsub_order = unsub
        .order_infos
        .first()
        .expect("unsubscription orders exist");
    assert_eq!(unsub_order.order_type, Some(4));
    let refund_total = money(unsub_order.amount_after_discount, "refund order amount");
    let unsub_id = unsub_order.order_id.clone().expect("order_id");
    let refunds = ctx
        .once(
            ShowRefundOrderDetailsRequest::ID,
            c.show_refund_order_details(
                a,
                &ShowRefundOrderDetailsRequest {
                    order_id: unsub_id,
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!refunds.refund_infos.is_empty());
    assert_eq!(refunds.total_count, Some(refunds.refund_infos.len() as i64));
    let sum: Decimal = refunds
        .refund_infos
        .iter()
        .map(|r| {
            assert!(r.base_order_id.as_deref().is_some_and(|b| !b.is_empty()));
            money(r.amount, "refund")
        })
        .sum();
    assert!(sum < Decimal::ZERO, "refunds are negative amounts");
    assert_eq!(sum, refund_total, "refund lines add up to the order");

    ctx.finish(ORDERS).stop().await;
}

#[tokio::test]
async fn subscription_operations_round_trip_and_change_the_resources() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let mains = ctx
        .once(
            ListPayPerUseCustomerResourcesRequest::ID,
            c.list_pay_per_use_customer_resources(
                a,
                &ListPayPerUseCustomerResourcesRequest {
                    only_main_resource: Some(1),
                    status_list: Some(vec![2]),
                    limit: Some(500),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(mains.data.len() >= 10, "in-use main resources exist");
    assert_eq!(mains.total_count, Some(mains.data.len() as i64));
    let mains: Vec<CustomerResourceView> =
        mains.data.iter().map(CustomerResourceView::of).collect();
    assert!(mains.iter().all(|r| r.status == 2 && r.parent.is_empty()));
    let all = ctx
        .fresh(&ListPayPerUseCustomerResourcesRequest {
            status_list: Some(vec![2]),
            limit: Some(1000),
            ..Default::default()
        })
        .await;
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    for r in all.data.iter().map(CustomerResourceView::of) {
        if !r.parent.is_empty() {
            children.entry(r.parent.clone()).or_default().push(r.id);
        }
    }
    let now = OffsetDateTime::now_utc();
    let mut pick = {
        let mut used = HashSet::new();
        move |f: &dyn Fn(&CustomerResourceView) -> bool| -> CustomerResourceView {
            let r = mains
                .iter()
                .find(|r| !used.contains(&r.id) && f(r))
                .expect("a suitable resource")
                .clone();
            used.insert(r.id.clone());
            r
        }
    };
    let unsub =
        pick(&|r| children.contains_key(&r.id) && r.expire > now + time::Duration::days(40));
    let renew = pick(&|_| true);
    let auto = pick(&|r| r.policy != 3);
    let to_ppu = pick(&|r| r.policy == 0);

    // Renewal price, then the renewal itself, paid at once: expiry moves by a month and the
    // cash balance drops by exactly the quoted price.
    let rate = ctx
        .once(
            ListRenewRateOnPeriodRequest::ID,
            c.list_renew_rate_on_period(
                a,
                &ListRenewRateOnPeriodRequest {
                    resource_ids: vec![renew.id.clone()],
                    period_type: 2,
                    period_num: 1,
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(rate.currency.as_deref(), Some(CURRENCY));
    assert!(rate.fail_resource_infos.is_empty(), "{rate:?}");
    assert_eq!(rate.renew_inquiry_results.len(), 1);
    let quoted = positive(rate.renew_inquiry_results[0].amount, "renewal price");
    assert_eq!(
        rate.renew_inquiry_results[0].resource_id.as_deref(),
        Some(renew.id.as_str())
    );
    let list = positive(
        rate.official_website_rating_result
            .as_ref()
            .and_then(|r| r.official_website_amount),
        "renewal list price",
    );
    assert!(quoted <= list);

    let cash_before = ctx.cash().await;
    let renewed = ctx
        .once(
            RenewalResourcesRequest::ID,
            c.renewal_resources(
                a,
                &RenewalResourcesRequest {
                    resource_ids: vec![renew.id.clone()],
                    period_type: 2,
                    period_num: 1,
                    is_auto_pay: Some(1),
                },
            ),
        )
        .await;
    assert!(renewed.fail_resource_infos.is_empty(), "{renewed:?}");
    assert_eq!(renewed.order_ids.len(), 1);
    let after = ctx.resource(&renew.id, vec![2]).await;
    let moved = after.expire - renew.expire;
    assert!(
        (28..=31).contains(&moved.whole_days()),
        "expiry moved by one month: {} -> {}",
        renew.expire,
        after.expire
    );
    assert_eq!(
        ctx.cash().await,
        cash_before - quoted,
        "paid the quoted price"
    );
    let order = ctx
        .fresh(&ShowCustomerOrderDetailsRequest {
            order_id: renewed.order_ids[0].clone(),
            ..Default::default()
        })
        .await
        .order_info
        .expect("renewal order");
    assert_eq!(order.status, Some(5));
    assert_eq!(order.order_type, Some(2));
    assert_eq!(order.amount_after_discount, Some(quoted));

    // Unsubscribing a main resource ends its attached resources too.
    let family: Vec<String> = std::iter::once(unsub.id.clone())
        .chain(children[&unsub.id].iter().cloned())
        .collect();
    let cancelled = ctx
        .once(
            CancelResourcesSubscriptionRequest::ID,
            c.cancel_resources_subscription(
                a,
                &CancelResourcesSubscriptionRequest {
                    resource_ids: vec![unsub.id.clone()],
                    unsubscribe_type: 1,
                    unsubscribe_reason_type: Some(5),
                    unsubscribe_reason: Some("no longer needed".into()),
                },
            ),
        )
        .await;
    assert!(cancelled.fail_resource_infos.is_empty(), "{cancelled:?}");
    assert_eq!(cancelled.order_ids.len(), 1);
    let ended = ctx
        .fresh(&ListPayPerUseCustomerResourcesRequest {
            resource_ids: Some(family.clone()),
            status_list: Some(vec![3]),
            ..Default::default()
        })
        .await;
    let ended: BTreeSet<String> = ended
        .data
        .iter()
        .map(|r| r.resource_id.clone().expect("id"))
        .collect();
    assert_eq!(
        ended,
        family.iter().cloned().collect(),
        "whole family closed"
    );
    let refund = ctx
        .fresh(&ShowRefundOrderDetailsRequest {
            order_id: cancelled.order_ids[0].clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(refund.refund_infos.len(), family.len(), "one refund each");

    // Auto-renewal on, then off: the list shows expire_policy 3, then 0.
    ctx.once(
        AutoRenewalResourcesRequest::ID,
        c.auto_renewal_resources(
            a,
            &AutoRenewalResourcesRequest {
                resource_id: auto.id.clone(),
                auto_renew_times: Some(2),
                period_type: None,
            },
        ),
    )
    .await;
    assert_eq!(ctx.resource(&auto.id, vec![2]).await.policy, 3);
    ctx.once(
        CancelAutoRenewalResourcesRequest::ID,
        c.cancel_auto_renewal_resources(
            a,
            &CancelAutoRenewalResourcesRequest {
                resource_id: auto.id.clone(),
            },
        ),
    )
    .await;
    assert_eq!(ctx.resource(&auto.id, vec![2]).await.policy, 0);

    // Change to pay-per-use at expiry.
    let ppu = ctx
        .once(
            UpdatePeriodToOnDemandRequest::ID,
            c.update_period_to_on_demand(
                a,
                &UpdatePeriodToOnDemandRequest {
                    operation: "SET_UP".into(),
                    resource_ids: vec![to_ppu.id.clone()],
                },
            ),
        )
        .await;
    assert!(ppu.error_details.is_empty(), "{ppu:?}");
    assert_eq!(ctx.resource(&to_ppu.id, vec![2]).await.policy, 1);

    let config = ctx
        .once(
            SetResourcesRenewConfigRequest::ID,
            c.set_resources_renew_config(
                a,
                &SetResourcesRenewConfigRequest {
                    config_name: "EXPIRE_DATE".into(),
                    config_value: "15".into(),
                },
            ),
        )
        .await;
    assert_eq!(config.error_code.as_deref(), Some("CBC.0000"));

    ctx.finish(SUBSCRIPTIONS).stop().await;
}

#[tokio::test]
async fn resource_package_operations_round_trip() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let pkgs = ctx
        .once(
            ListFreeResourceInfosRequest::ID,
            c.list_free_resource_infos(
                a,
                &ListFreeResourceInfosRequest {
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(pkgs.free_resource_packages.len() >= 5);
    assert_eq!(
        pkgs.total_count,
        Some(pkgs.free_resource_packages.len() as i64)
    );
    let pkg = pkgs
        .free_resource_packages
        .iter()
        .find(|p| p.status == Some(1) && !p.free_resources.is_empty())
        .expect("an effective package with items");
    let item = &pkg.free_resources[0];
    let item_id = item.free_resource_id.clone().expect("free_resource_id");
    let remaining: Decimal = item
        .amount
        .as_deref()
        .expect("amount")
        .parse()
        .expect("dec");
    let original: Decimal = item
        .original_amount
        .as_deref()
        .expect("original")
        .parse()
        .expect("dec");
    assert!(original > Decimal::ZERO && remaining <= original);

    let usages = ctx
        .once(
            ListFreeResourceUsagesRequest::ID,
            c.list_free_resource_usages(
                a,
                &ListFreeResourceUsagesRequest {
                    free_resource_ids: vec![item_id.clone()],
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(usages.free_resources.len(), 1);
    let u = &usages.free_resources[0];
    assert_eq!(u.free_resource_id.as_deref(), Some(item_id.as_str()));
    assert_eq!(
        u.amount,
        Some(remaining),
        "same remaining amount as the package list"
    );
    assert_eq!(u.original_amount, Some(original));
    assert!(u.usage_type_name.as_deref().is_some_and(|n| !n.is_empty()));

    // Deduction records of the last 90 days (CBC days are UTC+8).
    let today = (OffsetDateTime::now_utc() + time::Duration::hours(8)).date();
    let day = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let recs = ctx
        .once(
            ListFreeResourcesUsageRecordsRequest::ID,
            c.list_free_resources_usage_records(
                a,
                &ListFreeResourcesUsageRecordsRequest {
                    free_resource_id: Some(item_id.clone()),
                    deduct_time_begin: day(today - time::Duration::days(89)),
                    deduct_time_end: day(today),
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(!recs.free_resource_records.is_empty(), "daily deductions");
    assert_eq!(
        recs.total_count,
        Some(recs.free_resource_records.len() as i64)
    );
    for r in &recs.free_resource_records {
        assert_eq!(r.free_resource_id.as_deref(), Some(item_id.as_str()));
        let num = |s: &Option<String>| -> Decimal {
            s.as_deref().expect("amount").parse().expect("decimal")
        };
        let (avail, used, left) = (
            num(&r.available_amount),
            num(&r.used_amount),
            num(&r.remaining_amount),
        );
        assert!(used > Decimal::ZERO);
        assert_eq!(avail - used, left, "available - used = remaining, exactly");
    }

    ctx.finish(PACKAGES).stop().await;
}

#[tokio::test]
async fn bill_operations_round_trip_with_totals_that_add_up() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);
    let cycle = last_cycle();

    let sums = ctx
        .once(
            ShowCustomerMonthlySumRequest::ID,
            c.show_customer_monthly_sum(
                a,
                &ShowCustomerMonthlySumRequest {
                    bill_cycle: cycle.clone(),
                    limit: Some(1000),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(sums.currency.as_deref(), Some(CURRENCY));
    assert!(!sums.bill_sums.is_empty());
    assert_eq!(sums.total_count, Some(sums.bill_sums.len() as i64));
    let consume = positive(sums.consume_amount, "monthly consumption");
    let rows: Decimal = sums
        .bill_sums
        .iter()
        .map(|s| {
            assert_eq!(s.bill_cycle.as_deref(), Some(cycle.as_str()));
            money(s.consume_amount, "row consumption")
        })
        .sum();
    assert_eq!(rows, consume, "rows add up to the month's total, exactly");

    let details = ctx
        .once(
            ListCustomerselfResourceRecordDetailsRequest::ID,
            c.list_customerself_resource_record_details(
                a,
                &ListCustomerselfResourceRecordDetailsRequest {
                    cycle: cycle.clone(),
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(details.currency.as_deref(), Some(CURRENCY));
    assert!(!details.monthly_records.is_empty());
    assert!(details.total_count.unwrap_or(0) >= details.monthly_records.len() as i64);
    for r in &details.monthly_records {
        assert_eq!(r.cycle.as_deref(), Some(cycle.as_str()));
        assert!(r.res_instance_id.as_deref().is_some_and(|i| !i.is_empty()));
        let official = money(r.official_amount, "official");
        let discount = money(r.discount_amount, "discount");
        assert_eq!(money(r.consume_amount, "consumption"), official - discount);
    }

    let fees = ctx
        .once(
            ListCustomerselfResourceRecordsRequest::ID,
            c.list_customerself_resource_records(
                a,
                &ListCustomerselfResourceRecordsRequest {
                    cycle: cycle.clone(),
                    limit: Some(100),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert_eq!(fees.currency.as_deref(), Some(CURRENCY));
    assert!(!fees.fee_records.is_empty());
    assert_eq!(
        fees.total_count, details.total_count,
        "both views hold the same records"
    );
    for r in &fees.fee_records {
        assert!(
            r.bill_date
                .as_deref()
                .is_some_and(|d| d.starts_with(&cycle))
        );
        assert!(r.id.as_deref().is_some_and(|i| !i.is_empty()));
        money(r.amount, "fee");
    }

    ctx.finish(BILLS).stop().await;
}

#[tokio::test]
async fn paging_orders_and_fee_records_returns_every_id_once() {
    // Enough records that a cycle spans several pages of 1000.
    let app = spawn_sandboxed_app_with(|s| s.sandbox_records = 30_000).await;
    let ctx = Ctx::with(app).await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    let mut ids = Vec::new();
    let mut total = None;
    let mut pages = 0;
    while total.is_none_or(|t| (ids.len() as i64) < t) {
        let page = c
            .list_customer_orders(
                a,
                &ListCustomerOrdersRequest {
                    limit: Some(100),
                    offset: Some(ids.len() as i64),
                    ..Default::default()
                },
            )
            .await
            .expect("orders page");
        let t = page.total_count.expect("total_count");
        assert!(total.is_none_or(|old| old == t), "total stays put");
        total = Some(t);
        assert!(!page.order_infos.is_empty(), "no empty page before the end");
        assert!(page.order_infos.len() <= 100);
        ids.extend(
            page.order_infos
                .iter()
                .map(|o| o.order_id.clone().expect("id")),
        );
        pages += 1;
    }
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no order twice");
    assert_eq!(Some(ids.len() as i64), total);
    assert!(pages >= 3, "{pages} pages of orders");

    let cycle = last_cycle();
    let mut ids = Vec::new();
    let mut total = None;
    let mut sum = Decimal::ZERO;
    let mut pages = 0;
    while total.is_none_or(|t| (ids.len() as i64) < t) {
        let page = c
            .list_customerself_resource_records(
                a,
                &ListCustomerselfResourceRecordsRequest {
                    cycle: cycle.clone(),
                    limit: Some(1000),
                    offset: Some(ids.len() as i64),
                    ..Default::default()
                },
            )
            .await
            .expect("fee records page");
        total = Some(page.total_count.expect("total_count"));
        assert!(!page.fee_records.is_empty());
        for r in &page.fee_records {
            ids.push(r.id.clone().expect("id"));
            sum += money(r.amount, "fee");
        }
        pages += 1;
    }
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no record twice");
    assert_eq!(Some(ids.len() as i64), total);
    assert!(pages >= 2, "{pages} pages of fee records");
    let month = c
        .show_customer_monthly_sum(
            a,
            &ShowCustomerMonthlySumRequest {
                bill_cycle: cycle,
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await
        .expect("monthly sum");
    assert_eq!(
        Some(sum),
        month.consume_amount,
        "every record of the month, summed exactly, is the month's consumption"
    );
    ctx.app.stop().await;
}

/// The most calls of `op` by `ak` the sandbox logged within any one second.
fn busiest_second(log: &[Value], op: &str, ak: &str) -> (usize, Vec<u64>) {
    let mut at: Vec<u64> = log
        .iter()
        .filter(|e| e["op"] == op && e["ak"] == ak)
        .map(|e| e["at_ms"].as_u64().expect("at_ms"))
        .collect();
    at.sort_unstable();
    let most = (0..at.len())
        .map(|i| at[i..].iter().take_while(|t| **t < at[i] + 1000).count())
        .max()
        .unwrap_or(0);
    (most, at)
}

/// 50 different orders queries at once (no cache hit among them).
fn fifty_queries() -> Vec<ListCustomerOrdersRequest> {
    (0..50)
        .map(|i| ListCustomerOrdersRequest {
            limit: Some(1),
            offset: Some(i),
            ..Default::default()
        })
        .collect()
}

#[tokio::test]
async fn fifty_concurrent_reads_stay_within_the_rate_limit_and_all_succeed() {
    let ctx = Ctx::new().await;
    // 50 calls at 8/s take about 6 s; the default 5 s queue limit would refuse the last ones
    // locally (see the next test), so this client may queue longer.
    let client = Client::new(ClientSettings {
        max_queue_wait: Duration::from_secs(10),
        egress: EgressPolicy::allow_private(),
        ..ClientSettings::default()
    })
    .expect("client");
    let queries = fifty_queries();
    let results = join_all(
        queries
            .iter()
            .map(|q| client.list_customer_orders(&ctx.creds, q)),
    )
    .await;
    for (i, r) in results.iter().enumerate() {
        let page = r.as_ref().unwrap_or_else(|e| panic!("read {i}: {e:?}"));
        assert_eq!(page.order_infos.len(), 1);
    }
    let distinct: HashSet<String> = results
        .iter()
        .flatten()
        .map(|p| p.order_infos[0].order_id.clone().expect("id"))
        .collect();
    assert_eq!(distinct.len(), 50, "50 different pages");

    let log = ctx.app.sandbox_log().await;
    let op = ListCustomerOrdersRequest::ID;
    assert!(
        log.iter().all(|e| e["status"] != 429),
        "the sandbox never throttled"
    );
    let (most, at) = busiest_second(&log, op, &ctx.ak);
    assert_eq!(at.len(), 50, "one sandbox call per read, no retries");
    assert!(most <= 10, "{most} calls in one second: {at:?}");
    assert!(most >= 5, "the client did use its budget: {most}");
    ctx.app.stop().await;
}

#[tokio::test]
async fn with_default_settings_a_burst_beyond_the_queue_limit_is_refused_locally_not_throttled() {
    let ctx = Ctx::new().await;
    let queries = fifty_queries();
    let results = join_all(
        queries
            .iter()
            .map(|q| ctx.cbc().list_customer_orders(&ctx.creds, q)),
    )
    .await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(r, CbcError::Busy { .. }),
            "only local refusals: {r:?}"
        );
    }
    // At 8/s after a burst of 1, call n waits (n - 1) / 8 s: about 41 fit in 5 s.
    assert!((40..50).contains(&ok), "{ok} of 50 fit the 5 s queue");
    let log = ctx.app.sandbox_log().await;
    assert!(log.iter().all(|e| e["status"] != 429));
    let (most, at) = busiest_second(&log, ListCustomerOrdersRequest::ID, &ctx.ak);
    assert_eq!(at.len(), ok, "refused calls never reached the sandbox");
    assert!(most <= 10, "{most} calls in one second");
    ctx.app.stop().await;
}

#[tokio::test]
async fn a_hundred_identical_concurrent_reads_make_one_sandbox_call() {
    let ctx = Ctx::new().await;
    let req = ListCustomerOrdersRequest {
        limit: Some(20),
        status: Some(5),
        ..Default::default()
    };
    let results = join_all((0..100).map(|_| ctx.cbc().cached(&ctx.creds, &req))).await;
    let first = results[0].as_ref().expect("read");
    assert_eq!(first.order_infos.len(), 20);
    for r in &results {
        let r = r.as_ref().expect("every read succeeds");
        assert!(!r.stale);
        assert_eq!(r.order_infos, first.order_infos);
    }
    assert_eq!(
        ctx.app.sandbox_count(ListCustomerOrdersRequest::ID).await,
        1
    );
    ctx.app.stop().await;
}

/// The cheapest pending order: the sandbox also seeds one the balance cannot pay, and a test
/// that picked it would see a business error instead of what it tests.
async fn one_pending_order(ctx: &Ctx) -> String {
    let mut orders = ctx
        .fresh(&ListCustomerOrdersRequest {
            status: Some(6),
            limit: Some(100),
            ..Default::default()
        })
        .await
        .order_infos;
    orders.sort_by_key(|o| o.amount_after_discount);
    orders
        .first()
        .and_then(|o| o.order_id.clone())
        .expect("a pending order")
}

async fn order_status(ctx: &Ctx, id: &str) -> Option<i64> {
    ctx.fresh(&ShowCustomerOrderDetailsRequest {
        order_id: id.to_owned(),
        ..Default::default()
    })
    .await
    .order_info
    .and_then(|o| o.status)
}

fn pay(order_id: &str) -> PayOrdersRequest {
    PayOrdersRequest {
        order_id: order_id.to_owned(),
        use_coupon: "NO".into(),
        use_discount: "NO".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn reads_are_retried_after_a_500_and_actions_never_are() {
    let ctx = Ctx::new().await;
    let order = one_pending_order(&ctx).await;
    ctx.app.sandbox_reset().await;

    ctx.app
        .sandbox_faults(json!({"operations": {"ListCustomerOrders":
            {"http_status": 500, "error_code": "CBC.0999", "times": 1}}}))
        .await;
    let page = ctx
        .cbc()
        .list_customer_orders(
            &ctx.creds,
            &ListCustomerOrdersRequest {
                limit: Some(5),
                ..Default::default()
            },
        )
        .await
        .expect("the read succeeds on its retry");
    assert_eq!(page.order_infos.len(), 5);
    assert_eq!(ctx.app.sandbox_count("ListCustomerOrders").await, 2);

    ctx.app
        .sandbox_faults(json!({"operations": {"PayOrders":
            {"http_status": 500, "error_code": "CBC.0999", "times": 1}}}))
        .await;
    let err = ctx
        .cbc()
        .pay_orders(&ctx.creds, &pay(&order))
        .await
        .expect_err("the injected 500 reaches the caller");
    assert_eq!(err.error_code(), "CBC.0999");
    assert_eq!(err.http_status(), Some(500));
    assert!(
        err.request_id().is_some(),
        "the sandbox's X-Request-Id is kept"
    );
    assert!(
        err.outcome_is_ambiguous(),
        "a 5xx on a payment is ambiguous"
    );
    assert_eq!(ctx.app.sandbox_count("PayOrders").await, 1, "never retried");
    assert_eq!(order_status(&ctx, &order).await, Some(6), "still pending");

    ctx.app
        .sandbox_faults(json!({"operations": {"PayOrders":
            {"http_status": 400, "error_code": "CBC.99000088", "times": 1}}}))
        .await;
    let err = ctx
        .cbc()
        .pay_orders(&ctx.creds, &pay(&order))
        .await
        .expect_err("the injected 400 reaches the caller");
    assert!(
        matches!(
            err,
            CbcError::Upstream {
                http_status: 400,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.error_code(), "CBC.99000088");
    assert!(
        !err.outcome_is_ambiguous(),
        "a business refusal is not ambiguous"
    );
    assert!(err.user_message().contains("already being processed"));
    assert_eq!(ctx.app.sandbox_count("PayOrders").await, 2);

    // CBC's flow control (another replica used the budget): reads wait and retry, actions
    // report it as a plain refusal, since nothing happened upstream.
    ctx.app
        .sandbox_faults(json!({"operations": {
            "ListCustomerOrders": {"http_status": 429, "error_code": "CBC.0250", "times": 1},
            "PayOrders": {"http_status": 429, "error_code": "CBC.0250", "times": 1}}}))
        .await;
    ctx.cbc()
        .list_customer_orders(
            &ctx.creds,
            &ListCustomerOrdersRequest {
                limit: Some(6),
                ..Default::default()
            },
        )
        .await
        .expect("the throttled read succeeds on its retry");
    assert_eq!(ctx.app.sandbox_count("ListCustomerOrders").await, 4);
    let err = ctx
        .cbc()
        .pay_orders(&ctx.creds, &pay(&order))
        .await
        .expect_err("throttled payment");
    assert!(matches!(err, CbcError::Throttled { .. }), "{err:?}");
    assert!(!err.outcome_is_ambiguous());
    assert_eq!(ctx.app.sandbox_count("PayOrders").await, 3, "never retried");

    // With the faults used up, the same payment goes through once.
    ctx.cbc()
        .pay_orders(&ctx.creds, &pay(&order))
        .await
        .expect("payment");
    assert_eq!(ctx.app.sandbox_count("PayOrders").await, 4);
    assert_eq!(order_status(&ctx, &order).await, Some(5));
    ctx.app.stop().await;
}

fn sandbox_url(app: &TestApp) -> String {
    app.state.sandbox_url.clone().expect("sandboxed app")
}

async fn clear_faults(app: &TestApp) {
    let res = reqwest::Client::new()
        .delete(format!("{}/__sandbox/faults", sandbox_url(app)))
        .send()
        .await
        .expect("DELETE faults");
    assert!(res.status().is_success());
}

#[tokio::test]
async fn the_breaker_opens_on_repeated_500s_and_recovers_after_the_cool_down() {
    let ctx = Ctx::new().await;
    assert_eq!(ctx.creds.endpoint, sandbox_url(&ctx.app));
    let client = Client::new(ClientSettings {
        breaker_threshold: 3,
        breaker_cool_down: Duration::from_secs(1),
        read_retries: 0,
        egress: EgressPolicy::allow_private(),
        ..ClientSettings::default()
    })
    .expect("client");
    let req = ListCustomerOrdersRequest {
        limit: Some(3),
        ..Default::default()
    };
    ctx.app
        .sandbox_faults(json!({"operations": {"ListCustomerOrders": {"http_status": 500}}}))
        .await;
    for i in 0..3 {
        let err = client
            .call(&ctx.creds, &req)
            .await
            .expect_err("the fault answers 500");
        assert_eq!(err.http_status(), Some(500), "call {i}: {err:?}");
    }
    assert!(client.endpoint_unavailable(&ctx.creds.endpoint));
    for _ in 0..5 {
        let err = client.call(&ctx.creds, &req).await.expect_err("open");
        assert!(matches!(err, CbcError::CircuitOpen { .. }), "{err:?}");
        assert!(!err.outcome_is_ambiguous(), "nothing was sent");
    }
    // The breaker guards the endpoint, so other operations fail fast as well.
    let err = client
        .call(&ctx.creds, &ShowCustomerAccountBalancesRequest::default())
        .await
        .expect_err("open for every operation");
    assert!(matches!(err, CbcError::CircuitOpen { .. }), "{err:?}");
    let calls = ctx.app.sandbox_calls().await;
    assert_eq!(
        op_count(&calls, "ListCustomerOrders"),
        3,
        "no calls while open"
    );
    assert_eq!(op_count(&calls, "ShowCustomerAccountBalances"), 0);

    clear_faults(&ctx.app).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = client
        .call(&ctx.creds, &req)
        .await
        .expect("the probe after the cool-down succeeds");
    assert_eq!(page.order_infos.len(), 3);
    assert!(!client.endpoint_unavailable(&ctx.creds.endpoint));
    client
        .call(&ctx.creds, &ShowCustomerAccountBalancesRequest::default())
        .await
        .expect("closed again");
    assert_eq!(ctx.app.sandbox_count("ListCustomerOrders").await, 4);
    ctx.app.stop().await;
}

#[tokio::test]
async fn a_wrong_secret_key_is_rejected_with_the_gateway_code() {
    let ctx = Ctx::new().await;
    let wrong = AccountCredentials {
        account_id: Uuid::new_v4(),
        endpoint: ctx.creds.endpoint.clone(),
        domain_id: ctx.creds.domain_id.clone(),
        auth: Auth::AkSk {
            ak: ctx.ak.clone(),
            sk: SecretString::from("not-the-secret-key-of-this-ak-000000000"),
        },
    };
    let err = ctx
        .cbc()
        .list_customer_orders(&wrong, &ListCustomerOrdersRequest::default())
        .await
        .expect_err("signature rejected");
    match &err {
        CbcError::SignatureRejected {
            error_code,
            request_id,
            ..
        } => {
            assert_eq!(error_code, "APIG.0301");
            assert!(request_id.is_some());
        }
        other => panic!("expected SignatureRejected, got {other:?}"),
    }
    assert!(!err.outcome_is_ambiguous());
    assert!(err.user_message().contains("access keys"));
    let log = ctx.app.sandbox_log().await;
    let seen: Vec<&Value> = log
        .iter()
        .filter(|e| e["op"] == "ListCustomerOrders")
        .collect();
    assert_eq!(seen.len(), 1, "not retried");
    assert_eq!(seen[0]["status"], 401);
    assert_eq!(seen[0]["ak"], ctx.ak.as_str());
    // The right key still works: a rejected signature does not trip the breaker.
    assert!(!ctx.cbc().endpoint_unavailable(&ctx.creds.endpoint));
    ctx.cbc()
        .list_customer_orders(&ctx.creds, &ListCustomerOrdersRequest::default())
        .await
        .expect("the account's own key is accepted");
    ctx.app.stop().await;
}

#[tokio::test]
async fn the_last_good_value_is_served_stale_while_the_breaker_is_open() {
    let ctx = Ctx::new().await;
    let client = Client::new(ClientSettings {
        breaker_threshold: 3,
        breaker_cool_down: Duration::from_secs(60),
        read_retries: 0,
        cache: CacheSettings {
            account_ttl: Duration::from_millis(300),
            ..CacheSettings::default()
        },
        egress: EgressPolicy::allow_private(),
        ..ClientSettings::default()
    })
    .expect("client");
    let req = ListCustomerOrdersRequest {
        limit: Some(7),
        ..Default::default()
    };
    let good = client.cached(&ctx.creds, &req).await.expect("first read");
    assert!(!good.stale);
    assert_eq!(good.order_infos.len(), 7);

    ctx.app
        .sandbox_faults(json!({"operations": {"ListCustomerOrders": {"http_status": 503}}}))
        .await;
    for _ in 0..3 {
        let err = client.call(&ctx.creds, &req).await.expect_err("503");
        assert_eq!(err.http_status(), Some(503));
    }
    assert!(client.endpoint_unavailable(&ctx.creds.endpoint));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = ctx.app.sandbox_count("ListCustomerOrders").await;

    let stale = client
        .cached(&ctx.creds, &req)
        .await
        .expect("stale value instead of an error");
    assert!(stale.stale, "marked stale");
    assert_eq!(stale.order_infos, good.order_infos);
    assert_eq!(stale.fetched_at, good.fetched_at);
    assert!(stale.age() >= Duration::from_millis(400));
    // A read never made before has nothing to fall back on.
    let err = client
        .cached(
            &ctx.creds,
            &ListCustomerOrdersRequest {
                limit: Some(8),
                ..Default::default()
            },
        )
        .await
        .expect_err("no last good value");
    assert!(matches!(err, CbcError::CircuitOpen { .. }), "{err:?}");
    assert_eq!(
        ctx.app.sandbox_count("ListCustomerOrders").await,
        before,
        "nothing sent while open"
    );
    ctx.app.stop().await;
}

#[tokio::test]
async fn a_stalled_payment_times_out_as_ambiguous_and_has_gone_through() {
    let ctx = Ctx::new().await;
    let order = one_pending_order(&ctx).await;
    let client = Client::new(ClientSettings {
        total_timeout: Duration::from_millis(500),
        egress: EgressPolicy::allow_private(),
        ..ClientSettings::default()
    })
    .expect("client");
    ctx.app
        .sandbox_faults(json!({"operations": {"PayOrders": {"apply_then": "stall", "times": 1}}}))
        .await;
    let started = std::time::Instant::now();
    let err = client
        .pay_orders(&ctx.creds, &pay(&order))
        .await
        .expect_err("no answer in time");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded by the timeout"
    );
    assert!(
        matches!(err, CbcError::Timeout { after_send: true }),
        "{err:?}"
    );
    assert!(err.outcome_is_ambiguous());
    assert!(err.user_message().contains("may still have gone through"));
    assert_eq!(ctx.app.sandbox_count("PayOrders").await, 1);
    // Reading the state back settles it: the payment happened.
    assert_eq!(order_status(&ctx, &order).await, Some(5));
    ctx.app.stop().await;
}

#[tokio::test]
async fn a_dropped_renewal_is_ambiguous_to_the_client_but_applied_upstream() {
    let ctx = Ctx::new().await;
    let res = ctx
        .fresh(&ListPayPerUseCustomerResourcesRequest {
            only_main_resource: Some(1),
            status_list: Some(vec![2]),
            limit: Some(1),
            ..Default::default()
        })
        .await;
    let before = CustomerResourceView::of(res.data.first().expect("a resource"));
    ctx.app
        .sandbox_faults(
            json!({"operations": {"RenewalResources": {"apply_then": "drop", "times": 1}}}),
        )
        .await;
    let err = ctx
        .cbc()
        .renewal_resources(
            &ctx.creds,
            &RenewalResourcesRequest {
                resource_ids: vec![before.id.clone()],
                period_type: 2,
                period_num: 1,
                is_auto_pay: Some(1),
            },
        )
        .await
        .expect_err("the connection was dropped");
    assert!(err.outcome_is_ambiguous(), "{err:?}");
    assert!(
        matches!(
            err,
            CbcError::Transport {
                after_send: true,
                ..
            } | CbcError::Decode { .. }
        ),
        "{err:?}"
    );
    assert_eq!(
        ctx.app.sandbox_count("RenewalResources").await,
        1,
        "an action is never resent"
    );
    let after = ctx.resource(&before.id, vec![2]).await;
    let moved = (after.expire - before.expire).whole_days();
    assert!(
        (28..=31).contains(&moved),
        "renewed upstream: moved {moved} days"
    );
    ctx.app.stop().await;
}

#[tokio::test]
async fn reserved_characters_language_headers_and_tokens_pass_the_sandbox_checks() {
    let ctx = Ctx::new().await;
    let (c, a) = (ctx.cbc(), &*ctx.creds);

    // Spaces and parentheses in a query value: signed and matched like the real API.
    let found = c
        .list_service_types(
            a,
            &ListServiceTypesRequest {
                service_type_name: Some("Offline service (general".into()),
                x_language: Some("en_US".into()),
                ..Default::default()
            },
        )
        .await
        .expect("query with spaces and parentheses");
    assert!(!found.service_types.is_empty());
    assert!(found.service_types.iter().all(|s| {
        s.service_type_name
            .as_deref()
            .is_some_and(|n| n.contains("Offline service (general"))
    }));

    // Every reserved character and non-ASCII text: the signature must still hold.
    let none = c
        .list_service_types(
            a,
            &ListServiceTypesRequest {
                service_type_name: Some("a&b=c+d/e~f*g%h?i#j 云".into()),
                ..Default::default()
            },
        )
        .await
        .expect("query with reserved characters is signed correctly");
    assert!(none.service_types.is_empty());
    assert_eq!(none.total_count, Some(0));

    // A path parameter with a slash and a space stays one parameter: CBC's parameter
    // error, not a routing or signature error.
    let err = c
        .show_customer_order_details(
            a,
            &ShowCustomerOrderDetailsRequest {
                order_id: "CS no/such+order".into(),
                x_language: Some("en_US".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("unknown order");
    assert_eq!(err.http_status(), Some(400), "{err:?}");
    assert_eq!(err.error_code(), "CBC.0100", "{err:?}");
    assert!(!err.outcome_is_ambiguous());

    // A body with non-ASCII text and reserved characters is signed over its exact bytes.
    let pkgs = c
        .list_free_resource_infos(
            a,
            &ListFreeResourceInfosRequest {
                product_name: Some("päckage & \"quotes\" 云".into()),
                ..Default::default()
            },
        )
        .await
        .expect("body with non-ASCII text");
    assert!(pkgs.free_resource_packages.is_empty());

    // An IAM-style token instead of AK/SK.
    let Auth::AkSk { ak, sk } = &ctx.creds.auth else {
        panic!("sandbox accounts use AK/SK");
    };
    let token = cbc_portal::sandbox::token_for(&cbc_portal::sandbox::Credential {
        ak: ak.clone(),
        sk: sk.clone(),
        domain_id: ctx.creds.domain_id.clone(),
    });
    let with_token = AccountCredentials {
        account_id: Uuid::new_v4(),
        endpoint: ctx.creds.endpoint.clone(),
        domain_id: ctx.creds.domain_id.clone(),
        auth: Auth::Token(SecretString::from(token)),
    };
    let bal = c
        .call(&with_token, &ShowCustomerAccountBalancesRequest::default())
        .await
        .expect("token accepted");
    let by_key = c
        .call(a, &ShowCustomerAccountBalancesRequest::default())
        .await
        .expect("AK/SK accepted");
    assert_eq!(bal, by_key, "the token reaches the same account");

    let log = ctx.app.sandbox_log().await;
    assert!(
        log.iter().all(|e| e["status"] != 401),
        "no call was rejected: {log:?}"
    );
    ctx.app.stop().await;
}

#[tokio::test]
async fn each_account_reads_its_own_world_and_its_own_cache_entries() {
    let ctx = Ctx::new().await;
    let b = ctx
        .app
        .state
        .cbc_credentials(ctx.app.account_b())
        .await
        .expect("credentials of account B");
    let ak_b = ctx.app.ak_of(ctx.app.account_b()).await;
    assert_ne!(ak_b, ctx.ak);
    let req = ListCustomerOrdersRequest {
        limit: Some(5),
        ..Default::default()
    };
    let ids = |r: &ListCustomerOrdersResponse| -> Vec<String> {
        r.order_infos
            .iter()
            .map(|o| o.order_id.clone().expect("id"))
            .collect()
    };
    let from_a = ctx.cbc().cached(&ctx.creds, &req).await.expect("A");
    let from_b = ctx.cbc().cached(&b, &req).await.expect("B");
    assert_ne!(
        ids(&from_a),
        ids(&from_b),
        "the same request, another account's data"
    );
    // Cached per account: repeating both reads sends nothing.
    let again_a = ctx.cbc().cached(&ctx.creds, &req).await.expect("A again");
    let again_b = ctx.cbc().cached(&b, &req).await.expect("B again");
    assert_eq!(ids(&again_a), ids(&from_a));
    assert_eq!(ids(&again_b), ids(&from_b));
    let calls = ctx.app.sandbox_calls().await;
    assert_eq!(ak_count(&calls, &ctx.ak, ListCustomerOrdersRequest::ID), 1);
    assert_eq!(ak_count(&calls, &ak_b, ListCustomerOrdersRequest::ID), 1);
    // Invalidating A after an action refetches A only.
    ctx.cbc().invalidate_account(ctx.app.account_a());
    ctx.cbc()
        .cached(&ctx.creds, &req)
        .await
        .expect("A refetched");
    ctx.cbc().cached(&b, &req).await.expect("B still cached");
    let calls = ctx.app.sandbox_calls().await;
    assert_eq!(ak_count(&calls, &ctx.ak, ListCustomerOrdersRequest::ID), 2);
    assert_eq!(ak_count(&calls, &ak_b, ListCustomerOrdersRequest::ID), 1);
    ctx.app.stop().await;
}

/// When the minute stamped into an order id (`CSyyMMddHHmm…`, UTC) was.
fn order_id_minute(id: &str) -> Option<OffsetDateTime> {
    let d = id.get(2..12)?;
    let n = |r: std::ops::Range<usize>| d.get(r)?.parse::<u8>().ok();
    let date = time::Date::from_calendar_date(
        2000 + i32::from(n(0..2)?),
        time::Month::try_from(n(2..4)?).ok()?,
        n(4..6)?,
    )
    .ok()?;
    Some(date.with_hms(n(6..8)?, n(8..10)?, 0).ok()?.assume_utc())
}

/// CBC's offset: bill cycles and bill dates are UTC+8 days.
fn utc8() -> time::UtcOffset {
    time::UtcOffset::from_hms(8, 0, 0).expect("UTC+8")
}

/// `YYYY-MM` of the UTC+8 cycle `back` months before the one `now` is in.
fn cbc_cycle(now: OffsetDateTime, back: i32) -> String {
    let t = now.to_offset(utc8());
    let i = t.year() * 12 + i32::from(u8::from(t.month())) - 1 - back;
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// Every date the API reports that records something that already happened, read through the
/// portal's own client: order creation and payment (and the minute in the order id), the start
/// and last update of resources, coupon creation and (once activated) validity start, the start
/// of packages that are in effect, and the bill day and trade time of every fee record of the
/// current and the previous cycle. Expiry dates, and the start of what is explicitly not yet
/// effective, may lie ahead.
async fn history_read_through_the_api(ctx: &Ctx, now: OffsetDateTime) -> Vec<(String, String)> {
    let (c, a) = (ctx.cbc(), &*ctx.creds);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen = 0;
    loop {
        let page = c
            .list_customer_orders(
                a,
                &ListCustomerOrdersRequest {
                    limit: Some(100),
                    offset: Some(seen),
                    ..Default::default()
                },
            )
            .await
            .expect("orders page");
        for o in &page.order_infos {
            let id = o.order_id.clone().unwrap_or_default();
            out.push((
                format!("order {id} created"),
                o.create_time.clone().unwrap_or_default(),
            ));
            if let Some(p) = o.payment_time.clone().filter(|p| !p.is_empty()) {
                out.push((format!("order {id} paid"), p));
            }
            if let Some(t) = order_id_minute(&id) {
                out.push((
                    format!("order id {id}"),
                    t.format(&Rfc3339).expect("format"),
                ));
            }
        }
        seen += page.order_infos.len() as i64;
        if page.order_infos.is_empty() || seen >= page.total_count.unwrap_or(0) {
            break;
        }
    }
    assert!(seen >= 200, "{seen} orders read");
    let resources = ctx
        .fresh(&ListPayPerUseCustomerResourcesRequest {
            status_list: Some(vec![2, 3, 4, 5]),
            limit: Some(1000),
            ..Default::default()
        })
        .await;
    assert!(resources.data.len() >= 50);
    for r in &resources.data {
        let id = r.resource_id.clone().unwrap_or_default();
        out.push((
            format!("resource {id} effective"),
            r.effective_time.clone().unwrap_or_default(),
        ));
        if let Some(u) = r.update_time.clone() {
            out.push((format!("resource {id} updated"), u));
        }
    }
    let coupons = ctx
        .fresh(&ListSubCustomerCouponsRequest {
            limit: Some(100),
            offset: Some(0),
            ..Default::default()
        })
        .await;
    assert!(!coupons.user_coupons.is_empty());
    for k in &coupons.user_coupons {
        let id = k.coupon_id.clone().unwrap_or_default();
        out.push((
            format!("coupon {id} created"),
            k.create_time.clone().unwrap_or_default(),
        ));
        if k.status != Some(1) {
            out.push((
                format!("coupon {id} valid from"),
                k.valid_time.clone().unwrap_or_default(),
            ));
        }
    }
    let packages = ctx
        .fresh(&ListFreeResourceInfosRequest {
            limit: Some(100),
            ..Default::default()
        })
        .await;
    assert!(!packages.free_resource_packages.is_empty());
    for p in &packages.free_resource_packages {
        if p.status != Some(0) {
            out.push((
                format!("package {:?} effective", p.order_id),
                p.effective_time.clone().unwrap_or_default(),
            ));
        }
    }
    for back in [0, 1] {
        let cycle = cbc_cycle(now, back);
        let mut seen = 0;
        loop {
            let page = c
                .list_customerself_resource_records(
                    a,
                    &ListCustomerselfResourceRecordsRequest {
                        cycle: cycle.clone(),
                        limit: Some(1000),
                        offset: Some(seen),
                        ..Default::default()
                    },
                )
                .await
                .expect("fee records page");
            for r in &page.fee_records {
                let id = r.id.clone().unwrap_or_default();
                // A bill day is a UTC+8 day: it has begun once its midnight there has passed.
                let day = r.bill_date.clone().unwrap_or_default();
                out.push((
                    format!("fee record {id} bill date"),
                    format!("{day}T00:00:00+08:00"),
                ));
                out.push((
                    format!("fee record {id} traded"),
                    r.trade_time.clone().unwrap_or_default(),
                ));
            }
            seen += page.fee_records.len() as i64;
            if page.fee_records.is_empty() || seen >= page.total_count.unwrap_or(0) {
                break;
            }
        }
        if back == 1 {
            assert!(seen > 0, "the previous cycle {cycle} holds fee records");
        }
    }
    out
}

/// The entries of `history` later than `now` (or not a time at all), as `what: when`.
fn later_than(history: &[(String, String)], now: OffsetDateTime) -> Vec<String> {
    history
        .iter()
        .filter(|(_, t)| {
            OffsetDateTime::parse(t, &Rfc3339).is_ok_and(|t| t > now)
                || OffsetDateTime::parse(t, &Rfc3339).is_err()
        })
        .map(|(what, t)| format!("{what}: {t}"))
        .collect()
}

#[tokio::test]
async fn seeded_history_read_through_the_api_is_never_dated_in_the_future() {
    let ctx = Ctx::new().await;
    let history = history_read_through_the_api(&ctx, OffsetDateTime::now_utc()).await;
    let now = OffsetDateTime::now_utc();
    let bad = later_than(&history, now);
    assert!(
        bad.is_empty(),
        "{} of {} history dates lie after now ({now}), e.g. {:#?}",
        bad.len(),
        history.len(),
        &bad[..bad.len().min(5)]
    );
    ctx.app.stop().await;
}

#[tokio::test]
async fn a_pinned_sandbox_clock_seeds_the_world_relative_to_it() {
    // The last evening of a leap day in UTC is already March in UTC+8, where CBC counts cycles.
    let pin = time::macros::datetime!(2024-02-29 20:00 UTC);
    let app = spawn_sandboxed_app_with(|s| s.sandbox_now = Some(pin)).await;
    let clock: Value = reqwest::get(format!("{}/__sandbox/clock", sandbox_url(&app)))
        .await
        .expect("clock")
        .json()
        .await
        .expect("json");
    assert_eq!(clock["pinned"], json!(true), "{clock}");
    let now = parse_time(clock["now"].as_str().expect("now"));
    assert!(
        now >= pin && now - pin < time::Duration::minutes(5),
        "{clock}"
    );

    let ctx = Ctx::with(app).await;
    let history = history_read_through_the_api(&ctx, pin).await;
    let bad = later_than(&history, pin + time::Duration::minutes(5));
    assert!(
        bad.is_empty(),
        "{} dated after the pinned clock: {:#?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    let newest = history
        .iter()
        .filter(|(what, _)| what.ends_with(" created") && what.starts_with("order "))
        .filter_map(|(_, t)| OffsetDateTime::parse(t, &Rfc3339).ok())
        .max()
        .expect("orders");
    assert!(
        pin - newest < time::Duration::days(5),
        "the newest order ({newest}) is recent to the pin"
    );

    // The pin's UTC+8 cycle is the newest that holds bills; the next one holds none yet.
    let (c, a) = (ctx.cbc(), &*ctx.creds);
    let records = |cycle: &str| {
        let req = ListCustomerselfResourceRecordsRequest {
            cycle: cycle.to_owned(),
            limit: Some(10),
            ..Default::default()
        };
        async move { c.list_customerself_resource_records(a, &req).await }
    };
    let current = records("2024-03").await.expect("current cycle");
    assert!(
        !current.fee_records.is_empty(),
        "the pin's cycle (2024-03, UTC+8) holds records"
    );
    for r in &current.fee_records {
        assert_eq!(
            r.bill_date.as_deref(),
            Some("2024-03-01"),
            "only its first day has begun"
        );
    }
    let next = records("2024-04").await.expect("next cycle");
    assert_eq!(next.total_count, Some(0), "nothing is billed in the future");

    // Resources expire relative to the pin: some within its next week.
    let soon = ctx
        .fresh(&ListPayPerUseCustomerResourcesRequest {
            status_list: Some(vec![2]),
            expire_time_begin: Some("2024-02-29T20:00:00Z".into()),
            expire_time_end: Some("2024-03-07T20:00:00Z".into()),
            limit: Some(100),
            ..Default::default()
        })
        .await;
    assert!(
        !soon.data.is_empty(),
        "resources expire within a week of the pin"
    );

    // Re-pinning seeds the world afresh from the new time.
    let res = reqwest::Client::new()
        .post(format!("{}/__sandbox/clock", sandbox_url(&ctx.app)))
        .json(&json!({"now": "2025-12-31T23:59:00Z"}))
        .send()
        .await
        .expect("re-pin");
    assert!(res.status().is_success());
    let refused = reqwest::Client::new()
        .post(format!("{}/__sandbox/clock", sandbox_url(&ctx.app)))
        .json(&json!({"now": "9999-12-31T00:00:00Z"}))
        .send()
        .await
        .expect("bad pin");
    assert_eq!(refused.status(), 400);
    let repinned = time::macros::datetime!(2025-12-31 23:59 UTC);
    let fresh = ctx
        .fresh(&ListCustomerselfResourceRecordsRequest {
            cycle: "2026-01".into(),
            limit: Some(10),
            ..Default::default()
        })
        .await;
    assert!(
        !fresh.fee_records.is_empty(),
        "the re-pinned cycle holds records"
    );
    let orders = ctx
        .fresh(&ListCustomerOrdersRequest {
            limit: Some(100),
            ..Default::default()
        })
        .await;
    for o in &orders.order_infos {
        let t = parse_time(o.create_time.as_deref().expect("created"));
        assert!(
            t <= repinned + time::Duration::minutes(5),
            "order created {t} after the new pin"
        );
    }
    ctx.app.stop().await;
}

#[tokio::test]
async fn the_sandbox_prices_only_with_a_project_id_of_the_calling_account() {
    let app = spawn_sandboxed_app().await;
    let a = app
        .state
        .cbc_credentials(app.account_a())
        .await
        .expect("credentials of account A");
    let cbc = &app.state.cbc;
    let ppu = |project_id: &str| ListOnDemandResourceRatingsRequest {
        project_id: project_id.to_owned(),
        product_infos: vec![ecs_on_demand()],
        ..Default::default()
    };
    let period = |project_id: &str| ListRateOnPeriodDetailRequest {
        project_id: project_id.to_owned(),
        product_infos: vec![ecs_period()],
    };
    let refused = |what: &str, r: Result<(), CbcError>| match r {
        Err(CbcError::Upstream {
            http_status,
            error_code,
            ..
        }) => {
            assert_eq!(
                (http_status, error_code.as_str()),
                (400, "CBC.0100"),
                "{what}"
            );
        }
        other => panic!("{what}: expected CBC.0100, got {other:?}"),
    };
    // The account (domain) id is not a project.
    refused(
        "on-demand priced with the domain id",
        cbc.call(&a, &ppu(&a.domain_id)).await.map(|_| ()),
    );
    refused(
        "yearly/monthly priced with the domain id",
        cbc.call(&a, &period(&a.domain_id)).await.map(|_| ()),
    );
    // Another account's project is not one either.
    let b_project = app.sandbox_project(app.account_b(), "eu-west-101").await;
    refused(
        "priced with account B's project",
        cbc.call(&a, &ppu(&b_project)).await.map(|_| ()),
    );
    // Account A's own project of the region is accepted, in every region of the catalog.
    let projects = app.sandbox_projects().await;
    let ak = app.ak_of(app.account_a()).await;
    let mine = projects[&ak].as_object().expect("A's projects");
    let regions: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/cbc-api/catalog/regions.json"))
            .expect("regions");
    for r in regions["regions"].as_array().expect("regions") {
        let code = r["region_code"].as_str().expect("code");
        assert!(mine.contains_key(code), "one project per region: {code}");
    }
    let own = mine["eu-west-101"].as_str().expect("project");
    assert_ne!(own, b_project, "accounts have their own projects");
    cbc.call(&a, &ppu(own))
        .await
        .expect("priced with A's project");
    cbc.call(&a, &period(own))
        .await
        .expect("priced with A's project");
    app.stop().await;
}
