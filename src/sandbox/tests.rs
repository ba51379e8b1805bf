//! In-process tests of the sandbox router with requests signed by the shared signer.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::world::{World, order_status, policy, res_status};
use super::{Credential, SandboxState, SeedConfig, router, token_for};
use crate::cbc::signer;

const AK: &str = "TESTAK";
const SK: &str = "TESTSK";
const DOMAIN: &str = "0123456789abcdef0123456789abcdef";

fn cred() -> Credential {
    format!("{AK}:{SK}:{DOMAIN}").parse().expect("credential")
}

fn state() -> Arc<SandboxState> {
    SandboxState::new(
        vec![cred()],
        SeedConfig {
            bill_records: 1300,
            ..SeedConfig::default()
        },
    )
}

struct Call {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    sk: &'static str,
    ak: &'static str,
    date: Option<String>,
}

fn call(method: &'static str, path: &str) -> Call {
    Call {
        method,
        path: path.to_owned(),
        query: Vec::new(),
        body: None,
        sk: SK,
        ak: AK,
        date: None,
    }
}

impl Call {
    fn q(mut self, k: &str, v: &str) -> Self {
        self.query.push((k.to_owned(), v.to_owned()));
        self
    }
    fn json(mut self, v: Value) -> Self {
        self.body = Some(v);
        self
    }
    fn request(&self) -> Request<Body> {
        let body = self
            .body
            .as_ref()
            .map(|b| b.to_string())
            .unwrap_or_default();
        let date = self
            .date
            .clone()
            .unwrap_or_else(|| signer::format_date(time::OffsetDateTime::now_utc()));
        let headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Domain-Id".to_owned(), DOMAIN.to_owned()),
        ];
        let signed = signer::sign(
            self.method,
            "sandbox.test",
            &self.path,
            &self.query,
            &headers,
            body.as_bytes(),
            self.ak,
            self.sk.as_bytes(),
            &date,
        );
        let mut req = Request::builder()
            .method(self.method)
            .uri(&signed.request_uri);
        for (k, v) in &signed.headers {
            req = req.header(k, v);
        }
        req.body(Body::from(body)).expect("request")
    }
}

async fn send(st: &Arc<SandboxState>, c: Call) -> (StatusCode, Value, axum::http::HeaderMap) {
    let resp = router(st.clone())
        .oneshot(c.request())
        .await
        .expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("json body")
    };
    (status, v, headers)
}

fn dec(v: &Value) -> Decimal {
    v.to_string().trim_matches('"').parse().expect("decimal")
}

async fn world(st: &Arc<SandboxState>) -> tokio::sync::MutexGuard<'_, World> {
    st.worlds.get(AK).expect("world").lock().await
}

/// A realistic, valid call for every operation.
async fn valid_calls(st: &Arc<SandboxState>) -> Vec<(&'static str, Call)> {
    let (pending, unsub_order, main_id, auto_id, free_id) = {
        let w = world(st).await;
        let pending = w
            .orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT && o.after_discount < w.cash)
            .map(|o| o.id.clone())
            .expect("pending order");
        let unsub = w
            .orders
            .iter()
            .find(|o| o.order_type == 4)
            .map(|o| o.id.clone())
            .expect("unsubscribe order");
        let mains: Vec<_> = w
            .resources
            .iter()
            .filter(|r| r.is_main() && r.status == res_status::IN_USE)
            .collect();
        let auto = mains
            .iter()
            .find(|r| r.expire_policy == policy::AUTO_RENEW)
            .map(|r| r.id.clone())
            .expect("auto-renew resource");
        (
            pending,
            unsub,
            mains[0].id.clone(),
            auto,
            w.packages[1].items[0].free_resource_id.clone(),
        )
    };
    let other_main = {
        let w = world(st).await;
        w.resources
            .iter()
            .filter(|r| {
                r.is_main() && r.status == res_status::IN_USE && r.id != main_id && r.id != auto_id
            })
            .map(|r| r.id.clone())
            .next()
            .expect("second main")
    };
    let cycle = {
        let n = time::OffsetDateTime::now_utc();
        format!("{:04}-{:02}", n.year(), u8::from(n.month()))
    };
    let today = time::OffsetDateTime::now_utc().date();
    let project = st
        .projects_of(AK)
        .iter()
        .find(|(r, _)| r == "eu-west-101")
        .map(|(_, p)| p.clone())
        .expect("a eu-west-101 project");
    let ppu = json!({"project_id": project, "product_infos": [{"id": "1", "cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm", "resource_spec": "c6.large.2.linux", "region": "eu-west-101", "usage_factor": "Duration", "usage_value": 1, "usage_measure_id": 4, "subscription_num": 1}]});
    let per = json!({"project_id": project, "product_infos": [{"id": "1", "cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm", "resource_spec": "c6.large.2.linux", "region": "eu-west-101", "period_type": 2, "period_num": 1, "subscription_num": 1}]});
    vec![
        (
            "ListServiceTypes",
            call("GET", "/v2/products/service-types"),
        ),
        (
            "ListResourceTypes",
            call("GET", "/v2/products/resource-types"),
        ),
        (
            "ListServiceResources",
            call("GET", "/v2/products/service-resources")
                .q("service_type_code", "hws.service.type.ec2"),
        ),
        ("ListUsageTypes", call("GET", "/v2/products/usage-types")),
        ("ListMeasureUnits", call("GET", "/v2/bases/measurements")),
        ("ListConversions", call("GET", "/v2/bases/conversions")),
        (
            "ListOnDemandResourceRatings",
            call("POST", "/v2/bills/ratings/on-demand-resources").json(ppu),
        ),
        (
            "ListRateOnPeriodDetail",
            call("POST", "/v2/bills/ratings/period-resources/subscribe-rate").json(per),
        ),
        (
            "ListRenewRateOnPeriod",
            call("POST", "/v2/bills/ratings/period-resources/renew-rate")
                .json(json!({"resource_ids": [main_id], "period_type": 2, "period_num": 1})),
        ),
        (
            "ShowCustomerAccountBalances",
            call("GET", "/v2/accounts/customer-accounts/balances"),
        ),
        (
            "ShowCustomerExpenditureQuota",
            call("GET", "/v2/accounts/customer-accounts/expenditure-quota"),
        ),
        (
            "ListSubCustomerCoupons",
            call("GET", "/v2/promotions/benefits/coupons"),
        ),
        (
            "ListCustomerOrders",
            call("GET", "/v2/orders/customer-orders"),
        ),
        (
            "ShowCustomerOrderDetails",
            call(
                "GET",
                &format!("/v2/orders/customer-orders/details/{pending}"),
            ),
        ),
        (
            "ListOrderDiscounts",
            call("GET", "/v2/orders/customer-orders/order-discounts").q("order_id", &pending),
        ),
        (
            "ShowRefundOrderDetails",
            call("GET", "/v2/orders/customer-orders/refund-orders").q("order_id", &unsub_order),
        ),
        (
            "ListPayPerUseCustomerResources",
            call("POST", "/v2/orders/suscriptions/resources/query").json(json!({})),
        ),
        (
            "RenewalResources",
            call("POST", "/v2/orders/subscriptions/resources/renew")
                .json(json!({"resource_ids": [main_id], "period_type": 2, "period_num": 1})),
        ),
        (
            "AutoRenewalResources",
            call(
                "POST",
                &format!("/v2/orders/subscriptions/resources/autorenew/{main_id}"),
            )
            .json(json!({})),
        ),
        (
            "CancelAutoRenewalResources",
            call(
                "DELETE",
                &format!("/v2/orders/subscriptions/resources/autorenew/{auto_id}"),
            ),
        ),
        (
            "UpdatePeriodToOnDemand",
            call("POST", "/v2/orders/subscriptions/resources/to-on-demand")
                .json(json!({"operation": "SET_UP", "resource_ids": [other_main]})),
        ),
        (
            "SetResourcesRenewConfig",
            call("POST", "/v2/orders/subscriptions/resources/renew/config")
                .json(json!({"config_name": "EXPIRE_DATE", "config_value": "15"})),
        ),
        (
            "ListFreeResourceInfos",
            call("POST", "/v3/payments/free-resources/query").json(json!({})),
        ),
        (
            "ListFreeResourceUsages",
            call("POST", "/v2/payments/free-resources/usages/details/query")
                .json(json!({"free_resource_ids": [free_id]})),
        ),
        (
            "ListFreeResourcesUsageRecords",
            call(
                "GET",
                "/v2/bills/customer-bills/free-resources-usage-records",
            )
            .q(
                "deduct_time_begin",
                &super::money::date(today - time::Duration::days(80)),
            )
            .q("deduct_time_end", &super::money::date(today)),
        ),
        (
            "ShowCustomerMonthlySum",
            call("GET", "/v2/bills/customer-bills/monthly-sum").q("bill_cycle", &cycle),
        ),
        (
            "ListCustomerselfResourceRecordDetails",
            call("POST", "/v2/bills/customer-bills/res-records/query")
                .json(json!({"cycle": cycle})),
        ),
        (
            "ListCustomerselfResourceRecords",
            call("GET", "/v2/bills/customer-bills/res-fee-records").q("cycle", &cycle),
        ),
        (
            "CreateEnterpriseProjectAuth",
            call("POST", "/v2/enterprises/enterprise-projects/authority"),
        ),
        (
            "PayOrders",
            call("POST", "/v3/orders/customer-orders/pay")
                .json(json!({"order_id": pending, "use_coupon": "NO", "use_discount": "NO"})),
        ),
        (
            "CancelCustomerOrder",
            call("PUT", "/v2/orders/customer-orders/cancel")
                .json(json!({"order_id": "PLACEHOLDER"})),
        ),
        (
            "CancelResourcesSubscription",
            call("POST", "/v2/orders/subscriptions/resources/unsubscribe")
                .json(json!({"resource_ids": [other_main], "unsubscribe_type": 1})),
        ),
    ]
}

#[tokio::test]
async fn a_signed_call_succeeds_for_every_operation() {
    let st = state();
    let calls = valid_calls(&st).await;
    assert_eq!(calls.len(), 32);
    let cancel_target = {
        let w = world(&st).await;
        w.orders
            .iter()
            .filter(|o| o.status == order_status::PENDING_PAYMENT)
            .nth(3)
            .map(|o| o.id.clone())
            .expect("pending")
    };
    for (name, mut c) in calls {
        if name == "CancelCustomerOrder" {
            c.body = Some(json!({"order_id": cancel_target}));
        }
        let (status, body, headers) = send(&st, c).await;
        let op = super::spec::operations()
            .iter()
            .find(|o| o.id == name)
            .expect("op");
        assert_eq!(status.as_u16(), op.success_status, "{name}: {body}");
        assert!(headers.contains_key("x-request-id"), "{name}");
        if status == StatusCode::NO_CONTENT {
            assert!(body.is_null(), "{name} must have an empty body");
        } else {
            assert!(body.is_object(), "{name}");
        }
    }
    let counts = st.control.decide("none");
    assert!(counts.error.is_none());
}

#[tokio::test]
async fn bad_signature_stale_date_unknown_ak_and_no_auth_are_401() {
    let st = state();
    let mut bad_sk = call("GET", "/v2/accounts/customer-accounts/balances");
    bad_sk.sk = "WRONG";
    let mut stale = call("GET", "/v2/accounts/customer-accounts/balances");
    stale.date = Some(signer::format_date(
        time::OffsetDateTime::now_utc() - time::Duration::minutes(16),
    ));
    let mut unknown = call("GET", "/v2/accounts/customer-accounts/balances");
    unknown.ak = "NOSUCHAK";
    for c in [bad_sk, stale, unknown] {
        let (status, body, headers) = send(&st, c).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error_code"], "APIG.0301");
        assert!(body["error_msg"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(headers.contains_key("x-request-id"));
    }
    // No credentials at all.
    let req = Request::builder()
        .uri("/v2/accounts/customer-accounts/balances")
        .body(Body::empty())
        .expect("req");
    let resp = router(st.clone()).oneshot(req).await.expect("resp");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // A date 14 minutes off is still fine.
    let mut ok = call("GET", "/v2/accounts/customer-accounts/balances");
    ok.date = Some(signer::format_date(
        time::OffsetDateTime::now_utc() + time::Duration::minutes(14),
    ));
    assert_eq!(send(&st, ok).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_derived_token_is_accepted_and_a_forged_one_is_not() {
    let st = state();
    let good = Request::builder()
        .uri("/v2/accounts/customer-accounts/balances")
        .header("X-Auth-Token", token_for(&cred()))
        .body(Body::empty())
        .expect("req");
    assert_eq!(
        router(st.clone()).oneshot(good).await.expect("r").status(),
        StatusCode::OK
    );
    let forged = Request::builder()
        .uri("/v2/accounts/customer-accounts/balances")
        .header("X-Auth-Token", format!("sandbox.{AK}.00"))
        .body(Body::empty())
        .expect("req");
    assert_eq!(
        router(st.clone())
            .oneshot(forged)
            .await
            .expect("r")
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn validation_errors_are_400_cbc0100_naming_the_parameter() {
    let st = state();
    let cases = vec![
        (
            call("GET", "/v2/orders/customer-orders").q("limit", "101"),
            "limit",
        ),
        (
            call("GET", "/v2/orders/customer-orders").q("limit", "0"),
            "limit",
        ),
        (
            call("GET", "/v2/orders/customer-orders").q("status", "7"),
            "status",
        ),
        (
            call("GET", "/v2/orders/customer-orders")
                .q("create_time_begin", "2023-01-01T00:00:00Z")
                .q("create_time_end", "2024-06-01T00:00:00Z"),
            "create_time_end",
        ),
        (
            call("GET", "/v2/products/service-resources"),
            "service_type_code",
        ),
        (
            call("GET", "/v2/products/resource-types").q("limit", "1001"),
            "limit",
        ),
        (
            call("GET", "/v2/bills/customer-bills/monthly-sum").q("bill_cycle", "2024-13"),
            "bill_cycle",
        ),
        (
            call("GET", "/v2/bills/customer-bills/monthly-sum").q("bill_cycle", "202401"),
            "bill_cycle",
        ),
        (
            call(
                "GET",
                "/v2/bills/customer-bills/free-resources-usage-records",
            )
            .q("deduct_time_begin", "2024-01-01")
            .q("deduct_time_end", "2024-04-15"),
            "deduct_time_end",
        ),
        (
            call("POST", "/v2/orders/subscriptions/resources/renew")
                .json(json!({"resource_ids": ["a"], "period_type": 2, "period_num": 12})),
            "period_num",
        ),
        (
            call("POST", "/v2/orders/subscriptions/resources/renew")
                .json(json!({"resource_ids": ["a"], "period_type": 3, "period_num": 4})),
            "period_num",
        ),
        (
            call("POST", "/v2/orders/subscriptions/resources/renew").json(json!({
                "resource_ids": (0..11).map(|i| i.to_string()).collect::<Vec<_>>(),
                "period_type": 2, "period_num": 1})),
            "resource_ids",
        ),
        (
            call("POST", "/v2/orders/suscriptions/resources/query")
                .json(json!({"resource_ids": (0..51).map(|i| i.to_string()).collect::<Vec<_>>()})),
            "resource_ids",
        ),
        (
            call("POST", "/v3/orders/customer-orders/pay")
                .json(json!({"order_id": "x", "use_coupon": "MAYBE", "use_discount": "NO"})),
            "use_coupon",
        ),
        (
            call("POST", "/v3/orders/customer-orders/pay")
                .json(json!({"use_coupon": "NO", "use_discount": "NO"})),
            "order_id",
        ),
    ];
    for (c, param) in cases {
        let path = c.path.clone();
        let (status, body, _) = send(&st, c).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {param}: {body}");
        assert_eq!(body["error_code"], "CBC.0100", "{path}");
        assert!(
            body["error_msg"]
                .as_str()
                .is_some_and(|m| m.contains(param)),
            "{path}: {body} should name {param}"
        );
    }
}

#[tokio::test]
async fn throttling_answers_429_after_the_limit_within_a_second() {
    let st = state();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (s, body, _) = send(&st, call("GET", "/v2/bases/measurements")).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error_code"], "CBC.0250");
        }
        statuses.push(s);
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::OK));
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
    );
    // Balances allow 20 per second, and limits are per operation.
    for i in 0..20 {
        let (s, _, _) = send(&st, call("GET", "/v2/accounts/customer-accounts/balances")).await;
        assert_eq!(s, StatusCode::OK, "call {i}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(1050)).await;
    assert_eq!(
        send(&st, call("GET", "/v2/bases/measurements")).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn paying_deducts_the_balance_and_completes_the_order() {
    let st = state();
    let (order_id, amount, cash) = {
        let w = world(&st).await;
        let o = w
            .orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT && o.after_discount < w.cash)
            .expect("pending");
        (o.id.clone(), o.after_discount, w.cash)
    };
    let (s, _, _) = send(
        &st,
        call("POST", "/v3/orders/customer-orders/pay")
            .json(json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "NO"})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, bal, _) = send(&st, call("GET", "/v2/accounts/customer-accounts/balances")).await;
    assert_eq!(dec(&bal["account_balances"][0]["amount"]), cash - amount);
    let (_, d, _) = send(
        &st,
        call(
            "GET",
            &format!("/v2/orders/customer-orders/details/{order_id}"),
        ),
    )
    .await;
    assert_eq!(d["order_info"]["status"], 5);
    // Paying again is an order-state error and takes nothing.
    let (s, body, _) = send(
        &st,
        call("POST", "/v3/orders/customer-orders/pay")
            .json(json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "NO"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], "CBC.99005010");
    assert_eq!(world(&st).await.cash, cash - amount);
}

#[tokio::test]
async fn a_discount_and_a_cash_coupon_lower_the_charge() {
    let st = state();
    let (order_id, did, dtype, ratio, official, coupon, coupon_value, cash) = {
        let w = world(&st).await;
        let o = w
            .orders
            .iter()
            .find(|o| {
                o.status == order_status::PENDING_PAYMENT
                    && !o.usable_discounts.is_empty()
                    && o.after_discount < w.cash
            })
            .expect("discounted order");
        let d = &o.usable_discounts[0];
        let c = w
            .coupons
            .iter()
            .find(|c| c.status == 2 && c.coupon_type == 1)
            .expect("cash coupon");
        (
            o.id.clone(),
            d.id.clone(),
            d.discount_type,
            d.ratio,
            o.official,
            c.id.clone(),
            c.balance,
            w.cash,
        )
    };
    let (s, body, _) = send(
        &st,
        call("POST", "/v3/orders/customer-orders/pay").json(json!({
            "order_id": order_id, "use_coupon": "YES", "use_discount": "YES",
            "coupon_infos": [{"id": coupon, "type": 301}],
            "discount_infos": [{"id": did, "type": dtype}]})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
    let w = world(&st).await;
    let expected = (super::money::cents(official * ratio) - coupon_value).max(Decimal::ZERO);
    assert_eq!(w.cash, cash - expected);
    assert_eq!(
        w.coupons.iter().find(|c| c.id == coupon).map(|c| c.status),
        Some(3)
    );
}

#[tokio::test]
async fn paying_more_than_balance_and_credit_fails_and_changes_nothing() {
    let st = state();
    let (order_id, cash) = {
        let w = world(&st).await;
        let o = w
            .orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT && o.after_discount > w.spendable())
            .expect("expensive pending order");
        (o.id.clone(), w.cash)
    };
    let (s, body, _) = send(
        &st,
        call("POST", "/v3/orders/customer-orders/pay")
            .json(json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "NO"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], "CBC.99005003");
    let w = world(&st).await;
    assert_eq!(w.cash, cash);
    assert_eq!(
        w.order(&order_id).map(|o| o.status),
        Some(order_status::PENDING_PAYMENT)
    );
}

#[tokio::test]
async fn cancelling_works_only_on_pending_orders() {
    let st = state();
    let (pending, done) = {
        let w = world(&st).await;
        (
            w.orders
                .iter()
                .find(|o| o.status == order_status::PENDING_PAYMENT)
                .map(|o| o.id.clone())
                .expect("p"),
            w.orders
                .iter()
                .find(|o| o.status == order_status::COMPLETED)
                .map(|o| o.id.clone())
                .expect("c"),
        )
    };
    let (s, _, _) = send(
        &st,
        call("PUT", "/v2/orders/customer-orders/cancel").json(json!({"order_id": pending})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, body, _) = send(
        &st,
        call("PUT", "/v2/orders/customer-orders/cancel").json(json!({"order_id": done})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], "CBC.99005010");
}

#[tokio::test]
async fn renewal_moves_expiry_of_the_main_and_attached_resources() {
    let st = state();
    let (main, kids, before) = {
        let w = world(&st).await;
        let main = w
            .resources
            .iter()
            .find(|r| r.is_main() && r.status == res_status::IN_USE && w.family(&r.id).len() > 1)
            .expect("main with attached");
        let fam = w.family(&main.id);
        (
            main.id.clone(),
            fam.len(),
            fam.iter()
                .map(|i| w.resources[*i].expire)
                .collect::<Vec<_>>(),
        )
    };
    // Without auto-pay the order waits for payment and nothing moves yet.
    let (s, body, _) = send(
        &st,
        call("POST", "/v2/orders/subscriptions/resources/renew")
            .json(json!({"resource_ids": [main], "period_type": 2, "period_num": 2})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let order_id = body["order_ids"][0].as_str().expect("order id").to_owned();
    {
        let w = world(&st).await;
        assert_eq!(
            w.order(&order_id).map(|o| o.status),
            Some(order_status::PENDING_PAYMENT)
        );
        let now: Vec<_> = w
            .family(&main)
            .iter()
            .map(|i| w.resources[*i].expire)
            .collect();
        assert_eq!(now, before);
    }
    let (s, _, _) = send(
        &st,
        call("POST", "/v3/orders/customer-orders/pay")
            .json(json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "NO"})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let w = world(&st).await;
    let after: Vec<_> = w
        .family(&main)
        .iter()
        .map(|i| w.resources[*i].expire)
        .collect();
    assert_eq!(after.len(), kids);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(*a, super::money::add_months(*b, 2));
    }
}

#[tokio::test]
async fn the_renew_quote_equals_the_renewal_charge() {
    let st = state();
    let main = {
        let w = world(&st).await;
        w.resources
            .iter()
            .find(|r| r.is_main() && r.status == res_status::IN_USE)
            .map(|r| r.id.clone())
            .expect("main")
    };
    let (_, quote, _) = send(
        &st,
        call("POST", "/v2/bills/ratings/period-resources/renew-rate")
            .json(json!({"resource_ids": [main], "period_type": 3, "period_num": 1})),
    )
    .await;
    let cash = world(&st).await.cash;
    let (_, body, _) = send(
        &st,
        call("POST", "/v2/orders/subscriptions/resources/renew").json(
            json!({"resource_ids": [main], "period_type": 3, "period_num": 1, "is_auto_pay": 1}),
        ),
    )
    .await;
    let w = world(&st).await;
    let oid = body["order_ids"][0].as_str().expect("id");
    assert_eq!(
        w.order(oid).map(|o| o.status),
        Some(order_status::COMPLETED)
    );
    assert_eq!(
        cash - w.cash,
        dec(&quote["renew_inquiry_results"][0]["amount"])
    );
}

#[tokio::test]
async fn unsubscribing_ends_the_attached_resources_and_refunds() {
    let st = state();
    let (main, cash) = {
        let w = world(&st).await;
        let m = w
            .resources
            .iter()
            .find(|r| r.is_main() && r.status == res_status::IN_USE && w.family(&r.id).len() > 1)
            .expect("main");
        (m.id.clone(), w.cash)
    };
    let (s, body, _) = send(
        &st,
        call("POST", "/v2/orders/subscriptions/resources/unsubscribe")
            .json(json!({"resource_ids": [main, "nosuchresource"], "unsubscribe_type": 1})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        body["fail_resource_infos"][0]["resource_id"],
        "nosuchresource"
    );
    let oid = body["order_ids"][0].as_str().expect("order").to_owned();
    {
        let w = world(&st).await;
        for i in w.family(&main) {
            assert_eq!(w.resources[i].status, res_status::CLOSED);
        }
        assert!(w.cash > cash, "refund credited");
    }
    let (s, refund, _) = send(
        &st,
        call("GET", "/v2/orders/customer-orders/refund-orders").q("order_id", &oid),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(refund["total_count"].as_u64().is_some_and(|n| n >= 2));
    assert!(dec(&refund["refund_infos"][0]["amount"]) < Decimal::ZERO);
}

#[tokio::test]
async fn auto_renew_switches_and_its_errors() {
    let st = state();
    let (on, expired) = {
        let w = world(&st).await;
        (
            w.resources
                .iter()
                .find(|r| r.is_main() && r.expire_policy == policy::AUTO_RENEW)
                .map(|r| r.id.clone())
                .expect("auto"),
            w.resources
                .iter()
                .find(|r| r.is_main() && r.status == res_status::EXPIRED)
                .map(|r| r.id.clone())
                .expect("expired"),
        )
    };
    let off = |id: &str| {
        call(
            "DELETE",
            &format!("/v2/orders/subscriptions/resources/autorenew/{id}"),
        )
    };
    assert_eq!(send(&st, off(&on)).await.0, StatusCode::NO_CONTENT);
    let (_, b, _) = send(&st, off(&on)).await;
    assert_eq!(b["error_code"], "CBC.99003605");
    let (_, b, _) = send(&st, off("nosuchresource")).await;
    assert_eq!(b["error_code"], "CBC.99003012");
    let enable = |id: &str| {
        call(
            "POST",
            &format!("/v2/orders/subscriptions/resources/autorenew/{id}"),
        )
        .json(json!({"auto_renew_times": 3, "period_type": "YEAR"}))
    };
    let (_, b, _) = send(&st, enable(&expired)).await;
    assert_eq!(b["error_code"], "CBC.99003602");
    assert_eq!(send(&st, enable(&on)).await.0, StatusCode::NO_CONTENT);
    let w = world(&st).await;
    for i in w.family(&on) {
        assert_eq!(w.resources[i].expire_policy, policy::AUTO_RENEW);
    }
}

#[tokio::test]
async fn faults_fail_delay_and_apply_then_misbehave() {
    let st = state();
    let app = router(st.clone());
    let faults = json!({"operations": {
        "ShowCustomerAccountBalances": {"http_status": 400, "error_code": "CBC.99000088", "error_msg": "busy", "times": 1},
        "CancelCustomerOrder": {"apply_then": "http500", "times": 1},
        "PayOrders": {"apply_then": "malformed"},
    }});
    let req = Request::builder()
        .method("POST")
        .uri("/__sandbox/faults")
        .body(Body::from(faults.to_string()))
        .expect("req");
    assert_eq!(
        app.clone().oneshot(req).await.expect("r").status(),
        StatusCode::NO_CONTENT
    );
    let (s, b, _) = send(&st, call("GET", "/v2/accounts/customer-accounts/balances")).await;
    assert_eq!(
        (s, b["error_code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CBC.99000088"))
    );
    // times: 1 -> the next call is normal again.
    assert_eq!(
        send(&st, call("GET", "/v2/accounts/customer-accounts/balances"))
            .await
            .0,
        StatusCode::OK
    );
    // apply_then: the cancel really happened although the answer is a 500.
    let pending = {
        let w = world(&st).await;
        w.orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT)
            .map(|o| o.id.clone())
            .expect("p")
    };
    let (s, _, _) = send(
        &st,
        call("PUT", "/v2/orders/customer-orders/cancel").json(json!({"order_id": pending})),
    )
    .await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        world(&st).await.order(&pending).map(|o| o.status),
        Some(order_status::CANCELLED)
    );
    // malformed: 200 with a body that is not JSON, state applied.
    let target = {
        let w = world(&st).await;
        w.orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT && o.after_discount < w.cash)
            .map(|o| o.id.clone())
            .expect("p")
    };
    let resp = router(st.clone())
        .oneshot(
            call("POST", "/v3/orders/customer-orders/pay")
                .json(json!({"order_id": target, "use_coupon": "NO", "use_discount": "NO"}))
                .request(),
        )
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("b");
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
    assert_eq!(
        world(&st).await.order(&target).map(|o| o.status),
        Some(order_status::COMPLETED)
    );
    // Counts include the faulted calls.
    let req = Request::builder()
        .uri("/__sandbox/calls")
        .body(Body::empty())
        .expect("req");
    let resp = app.clone().oneshot(req).await.expect("r");
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("b");
    let calls: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(calls["by_operation"]["ShowCustomerAccountBalances"], 2);
    assert_eq!(calls["by_ak"][AK]["CancelCustomerOrder"], 1);
    assert_eq!(calls["total"], 4);
    // Clearing faults and resetting counters.
    let del = Request::builder()
        .method("DELETE")
        .uri("/__sandbox/faults")
        .body(Body::empty())
        .expect("req");
    assert_eq!(
        app.clone().oneshot(del).await.expect("r").status(),
        StatusCode::NO_CONTENT
    );
    let reset = Request::builder()
        .method("POST")
        .uri("/__sandbox/reset")
        .body(Body::empty())
        .expect("req");
    assert_eq!(
        app.clone().oneshot(reset).await.expect("r").status(),
        StatusCode::NO_CONTENT
    );
    let req = Request::builder()
        .uri("/__sandbox/log")
        .body(Body::empty())
        .expect("req");
    let bytes = axum::body::to_bytes(app.oneshot(req).await.expect("r").into_body(), usize::MAX)
        .await
        .expect("b");
    assert_eq!(
        serde_json::from_slice::<Value>(&bytes).expect("json"),
        json!([])
    );
}

#[tokio::test]
async fn dropped_connection_fault_applies_then_fails_the_body() {
    let st = state();
    st.control_set(json!({"operations": {"PayOrders": {"apply_then": "drop"}}}));
    let target = {
        let w = world(&st).await;
        w.orders
            .iter()
            .find(|o| o.status == order_status::PENDING_PAYMENT && o.after_discount < w.cash)
            .map(|o| o.id.clone())
            .expect("p")
    };
    let resp = router(st.clone())
        .oneshot(
            call("POST", "/v3/orders/customer-orders/pay")
                .json(json!({"order_id": target, "use_coupon": "NO", "use_discount": "NO"}))
                .request(),
        )
        .await
        .expect("resp");
    assert!(
        axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .is_err()
    );
    assert_eq!(
        world(&st).await.order(&target).map(|o| o.status),
        Some(order_status::COMPLETED)
    );
}

#[test]
fn the_world_is_deterministic_for_a_seed_and_differs_across_seeds_and_aks() {
    let now = time::macros::datetime!(2025-06-15 12:00 UTC);
    let cfg = SeedConfig::default();
    let a = World::generate(&cfg, "AK1", "d", now);
    let b = World::generate(&cfg, "AK1", "d", now);
    let c = World::generate(&cfg, "AK2", "d", now);
    let d = World::generate(
        &SeedConfig {
            seed: 7,
            ..SeedConfig::default()
        },
        "AK1",
        "d",
        now,
    );
    let fp = |w: &World| {
        format!(
            "{}|{}|{:?}|{:?}|{}",
            w.cash,
            w.orders
                .iter()
                .map(|o| format!("{}:{}:{}", o.id, o.status, o.after_discount))
                .collect::<Vec<_>>()
                .join(","),
            w.resources
                .iter()
                .map(|r| (&r.id, r.expire, r.expire_policy))
                .collect::<Vec<_>>(),
            w.coupons
                .iter()
                .map(|c| (&c.id, c.status))
                .collect::<Vec<_>>(),
            super::records::record(w, 1234).trade_id,
        )
    };
    assert_eq!(fp(&a), fp(&b));
    assert_ne!(fp(&a), fp(&c));
    assert_ne!(fp(&a), fp(&d));
}

#[test]
fn the_world_has_what_the_portal_needs() {
    let now = time::macros::datetime!(2025-06-15 12:00 UTC);
    let w = World::generate(&SeedConfig::default(), "AK1", "d", now);
    let mains = w.resources.iter().filter(|r| r.is_main()).count();
    assert!(
        mains >= 50 && w.resources.len() > mains,
        "mains with attached"
    );
    for days in [7, 15, 30] {
        assert!(
            w.resources.iter().any(|r| r.status == res_status::IN_USE
                && r.expire > now
                && r.expire <= now + time::Duration::days(days)),
            "expiring within {days} days"
        );
    }
    assert!(
        w.resources
            .iter()
            .any(|r| r.expire_policy == policy::AUTO_RENEW)
    );
    for s in [1, 3, 4, 5, 6, 9] {
        assert!(w.orders.iter().any(|o| o.status == s), "order status {s}");
    }
    for t in [1, 2, 3, 4, 10, 11, 13, 14, 15] {
        assert!(w.orders.iter().any(|o| o.order_type == t), "order type {t}");
    }
    assert!(w.orders.len() >= 200);
    for s in 1..=5 {
        assert!(w.coupons.iter().any(|c| c.status == s), "coupon status {s}");
    }
    assert!(w.packages.iter().any(|p| p.status == 1) && !w.deductions.is_empty());
    let services: std::collections::HashSet<_> =
        w.subjects.iter().map(|s| &s.service_type_code).collect();
    assert!(services.len() >= 8, "{services:?}");
    // Yearly is cheaper per month than monthly; amounts carry exactly two decimals.
    let r = &w.resources[0];
    assert!(w.resource_price(r, 3, 1) < w.resource_price(r, 2, 12));
    assert_eq!(
        super::money::num(w.cash)
            .to_string()
            .split('.')
            .nth(1)
            .map(str::len),
        Some(2)
    );
}

#[test]
fn a_hundred_thousand_records_are_cheap() {
    let now = time::macros::datetime!(2025-06-15 12:00 UTC);
    let cfg = SeedConfig {
        bill_records: 100_000,
        ..SeedConfig::default()
    };
    let started = std::time::Instant::now();
    let w = World::generate(&cfg, "AK1", "d", now);
    let last = super::records::record(&w, 99_999);
    assert_eq!(last.cycle, "2025-06");
    assert_eq!(super::records::record(&w, 0).cycle, "2024-06");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// When the minute stamped into an order id (`CSyyMMddHHmm…`, UTC) was.
fn order_id_minute(id: &str) -> Option<time::OffsetDateTime> {
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

/// Every seeded date that records something that already happened: creation, payment, the
/// start of what was bought, updates, deductions, bill cycles, bill days and trade times, and
/// the dates stamped into order ids. Only expiry (effective-until) dates, the period a pending
/// renewal would start, and the start of what is explicitly not yet effective (a package of
/// status 0, a coupon of status 1 "not activated") may lie ahead.
fn history_dates(w: &World) -> Vec<(String, time::OffsetDateTime)> {
    let cbc = time::UtcOffset::from_hms(8, 0, 0).expect("UTC+8");
    let mut out = vec![("account created".to_owned(), w.created)];
    let id_stamp = |what: String, id: &str, out: &mut Vec<_>| {
        if let Some(t) = order_id_minute(id) {
            out.push((format!("{what} id {id}"), t));
        }
    };
    for o in &w.orders {
        out.push((format!("order {} created", o.id), o.create_time));
        if let Some(p) = o.payment_time {
            out.push((format!("order {} paid", o.id), p));
        }
        id_stamp(format!("order {}", o.id), &o.id, &mut out);
        if o.status != order_status::PENDING_PAYMENT {
            for l in &o.lines {
                out.push((format!("order {} line effective", o.id), l.effective));
            }
        }
    }
    for r in &w.resources {
        out.push((format!("resource {} effective", r.id), r.effective));
        out.push((format!("resource {} updated", r.id), r.update_time));
        id_stamp(format!("resource {} order", r.id), &r.order_id, &mut out);
    }
    for c in &w.coupons {
        out.push((format!("coupon {} created", c.id), c.create_time));
        if c.status != 1 {
            out.push((format!("coupon {} valid from", c.id), c.valid_time));
        }
    }
    for p in &w.packages {
        if p.status != 0 {
            out.push((format!("package {} effective", p.instance_id), p.effective));
        }
        id_stamp(
            format!("package {} order", p.instance_id),
            &p.order_id,
            &mut out,
        );
    }
    for d in &w.deductions {
        out.push((
            format!("deduction of {}", d.free_resource_id),
            d.deduct_time,
        ));
    }
    for i in 0..w.bill_records {
        let rec = super::records::record(w, i);
        let (y, m) = super::money::parse_cycle(&rec.cycle).expect("cycle");
        let first = time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), 1)
            .expect("first day");
        out.push((
            format!("bill record {i} cycle {}", rec.cycle),
            first.midnight().assume_offset(cbc),
        ));
        out.push((
            format!("bill record {i} bill date {}", rec.bill_date),
            rec.bill_date.midnight().assume_offset(cbc),
        ));
        out.push((format!("bill record {i} trade time"), rec.trade_time));
    }
    out
}

/// The history dates of `w` later than `now`, as `what (when)`.
fn future_history(w: &World, now: time::OffsetDateTime) -> Vec<String> {
    history_dates(w)
        .into_iter()
        .filter(|(_, t)| *t > now)
        .map(|(what, t)| format!("{what} ({})", super::money::ts(t)))
        .collect()
}

fn assert_history_in_the_past(w: &World, now: time::OffsetDateTime, clock: &str) {
    let bad = future_history(w, now);
    assert!(
        bad.is_empty(),
        "{} bad dates at {clock} (now {}), e.g. {}",
        bad.len(),
        super::money::ts(now),
        bad.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
    );
}

#[test]
fn seeded_history_never_lies_in_the_future_at_any_pinned_clock() {
    use time::macros::datetime;
    let clocks = [
        datetime!(2024-02-29 12:00 UTC),
        datetime!(2024-02-29 23:59:59 UTC),
        datetime!(2025-02-28 16:00 UTC),
        datetime!(2025-12-31 23:59:59 UTC),
        datetime!(2026-01-01 00:00 UTC),
        datetime!(2026-03-31 16:30 UTC),
        datetime!(2026-04-30 23:59 UTC),
        datetime!(2026-07-01 00:00:01 UTC),
    ];
    let cbc = time::UtcOffset::from_hms(8, 0, 0).expect("UTC+8");
    for now in clocks {
        for (seed, ak) in [(42, "AK1"), (7, "AK2")] {
            let cfg = SeedConfig {
                seed,
                bill_records: 1300,
                ..SeedConfig::default()
            };
            let w = World::generate(&cfg, ak, "d", now);
            assert_history_in_the_past(&w, now, &format!("{} seed {seed}", super::money::ts(now)));
            // Relative to the clock: recent orders, and the cycle CBC is in (UTC+8) has bills.
            assert!(
                w.orders
                    .iter()
                    .any(|o| o.create_time > now - time::Duration::days(5)),
                "recent orders at {now}"
            );
            let local = now.to_offset(cbc);
            let current = super::money::cycle(local.year(), u8::from(local.month()));
            assert!(
                (0..w.bill_records).any(|i| super::records::record(&w, i).cycle == current),
                "the current cycle {current} holds records at {now}"
            );
        }
    }
}

#[test]
fn seeded_history_never_lies_in_the_future_at_the_real_clock() {
    let now = time::OffsetDateTime::now_utc();
    let w = World::generate(&SeedConfig::default(), "AK1", "d", now);
    assert_history_in_the_past(&w, now, "the real clock");
}
