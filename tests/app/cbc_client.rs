//! The CBC client against a tiny stub server: rate limits, single-flight cache, retries only
//! for reads, circuit breaker, timeouts, signing, and secrets kept out of `Debug`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode};
use cbc_portal::cbc::ops::{
    ListCustomerOrdersRequest, ListServiceTypesRequest, PayOrdersRequest,
    ShowCustomerAccountBalancesRequest,
};
use cbc_portal::cbc::{
    AccountCredentials, Auth, CacheSettings, CbcError, Client, ClientSettings, EgressPolicy, signer,
};
use futures_util::future::join_all;
use secrecy::SecretString;
use tokio::time::Instant;
use uuid::Uuid;

const SK: &str = "stub-secret-key-never-shown";

/// What the stub answers: status, extra headers, body, delay before answering.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    fn ok(body: &str) -> Self {
        Self {
            status: 200,
            headers: vec![],
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }
    fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            ..Self::ok(body)
        }
    }
    fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// One received call.
#[derive(Clone, Debug)]
struct Seen {
    at: Instant,
    path: String,
    signature_ok: bool,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Responder = Arc<dyn Fn(usize) -> Reply + Send + Sync>;

struct Stub {
    endpoint: String,
    seen: Arc<std::sync::Mutex<Vec<Seen>>>,
}

impl Stub {
    async fn start(responder: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        let seen: Arc<std::sync::Mutex<Vec<Seen>>> = Arc::default();
        let counter = Arc::new(AtomicUsize::new(0));
        let responder: Responder = Arc::new(responder);
        let app = {
            let seen = seen.clone();
            axum::Router::new().fallback(move |req: Request<Body>| {
                let (seen, counter, responder) = (seen.clone(), counter.clone(), responder.clone());
                async move { handle(req, seen, counter, responder).await }
            })
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            endpoint: format!("http://{addr}"),
            seen,
        }
    }

    fn calls(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    fn count(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }
}

async fn handle(
    req: Request<Body>,
    seen: Arc<std::sync::Mutex<Vec<Seen>>>,
    counter: Arc<AtomicUsize>,
    responder: Responder,
) -> Response<Body> {
    let at = Instant::now();
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let query = signer::parse_query(parts.uri.query().unwrap_or(""));
    let signature_ok = headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .and_then(|(_, v)| signer::parse_authorization(v))
        .is_some_and(|auth| {
            signer::verify(
                parts.method.as_str(),
                parts.uri.path(),
                &query,
                &headers,
                &body,
                &auth,
                SK.as_bytes(),
            )
            .is_ok()
        });
    let n = counter.fetch_add(1, Ordering::SeqCst);
    seen.lock().expect("lock").push(Seen {
        at,
        path: parts.uri.to_string(),
        signature_ok,
        headers,
        body,
    });
    let reply = responder(n);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).expect("status"))
        .header("Content-Type", "application/json;charset=UTF-8")
        .header("X-Request-Id", format!("req-{n}"));
    for (k, v) in reply.headers {
        builder = builder.header(k, v);
    }
    builder.body(Body::from(reply.body)).expect("response")
}

fn account(endpoint: &str) -> AccountCredentials {
    AccountCredentials {
        account_id: Uuid::new_v4(),
        endpoint: endpoint.to_owned(),
        domain_id: "domain-0001".to_owned(),
        auth: Auth::AkSk {
            ak: "STUBAKID".to_owned(),
            sk: SecretString::from(SK),
        },
    }
}

/// Settings that keep tests fast: short backoff, timeouts and cool-downs.
fn fast_settings() -> ClientSettings {
    ClientSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(3),
        max_queue_wait: Duration::from_secs(10),
        read_retries: 2,
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(100),
        max_retry_after: Duration::from_millis(200),
        breaker_threshold: 3,
        breaker_cool_down: Duration::from_millis(500),
        cache: CacheSettings {
            account_ttl: Duration::from_millis(300),
            ..CacheSettings::default()
        },
        // The stub listens on loopback.
        egress: EgressPolicy::allow_private(),
        ..ClientSettings::default()
    }
}

const ORDERS: &str = r#"{"total_count":1,"order_infos":[{"order_id":"CS1","amount_after_discount":12.50,"measure_id":1,"currency":"EUR"}]}"#;
const BALANCES: &str = r#"{"account_balances":[{"account_id":"a","amount":"1523.45","measure_id":1}],"debt_amount":0,"measure_id":1,"currency":"EUR"}"#;

#[tokio::test]
async fn fifty_concurrent_misses_never_exceed_ten_calls_in_any_second() {
    let stub = Stub::start(|_| Reply::ok(ORDERS)).await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    let calls = (0..50).map(|i| {
        let (client, acct) = (client.clone(), acct.clone());
        async move {
            let req = ListCustomerOrdersRequest {
                offset: Some(i),
                ..Default::default()
            };
            client.list_customer_orders(&acct, &req).await
        }
    });
    let results = join_all(calls).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    let times: Vec<Instant> = stub.calls().iter().map(|c| c.at).collect();
    assert_eq!(times.len(), 50);
    let worst = times
        .iter()
        .map(|start| {
            times
                .iter()
                .filter(|t| **t >= *start && **t < *start + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(worst <= 10, "{worst} calls within one second");
    // The bucket paces rather than fails: 50 calls at 8/s take about six seconds.
    let span = *times.iter().max().expect("some") - *times.iter().min().expect("some");
    assert!(
        span >= Duration::from_secs(5),
        "calls spread over only {span:?}"
    );
}

#[tokio::test]
async fn a_hundred_identical_cached_reads_make_one_upstream_call() {
    let stub = Stub::start(|_| Reply::ok(BALANCES).delayed(Duration::from_millis(200))).await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    let req = ShowCustomerAccountBalancesRequest::default();
    let results =
        join_all((0..100).map(|_| client.show_customer_account_balances(&acct, &req))).await;
    assert_eq!(stub.count(), 1);
    for r in results {
        let cached = r.expect("ok");
        assert!(!cached.stale);
        assert_eq!(
            cached.account_balances[0].amount,
            Some("1523.45".parse().expect("dec"))
        );
    }
}

#[tokio::test]
async fn cache_is_per_account_and_invalidated_after_actions() {
    let stub = Stub::start(|_| Reply::ok(BALANCES)).await;
    let client = Client::new(fast_settings()).expect("client");
    let (a, b) = (account(&stub.endpoint), account(&stub.endpoint));
    let req = ShowCustomerAccountBalancesRequest::default();
    client.cached(&a, &req).await.expect("a");
    client.cached(&a, &req).await.expect("a again");
    assert_eq!(
        stub.count(),
        1,
        "second read of account a comes from the cache"
    );
    client.cached(&b, &req).await.expect("b");
    assert_eq!(stub.count(), 2, "account b never sees account a's data");
    client.invalidate_account(a.account_id);
    client.cached(&a, &req).await.expect("a after invalidation");
    client.cached(&b, &req).await.expect("b still cached");
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn reads_retry_on_503_and_429_then_succeed() {
    let stub = Stub::start(|n| match n {
        0 => Reply::status(503, "Service Unavailable"),
        1 => Reply {
            headers: vec![("Retry-After", "0".to_owned())],
            ..Reply::status(
                429,
                r#"{"error_code":"CBC.0250","error_msg":"flow control"}"#,
            )
        },
        _ => Reply::ok(ORDERS),
    })
    .await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    let r = client
        .call(&acct, &ListCustomerOrdersRequest::default())
        .await
        .expect("third try works");
    assert_eq!(r.order_infos[0].order_id.as_deref(), Some("CS1"));
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn an_action_is_sent_once_on_503_and_the_outcome_is_ambiguous() {
    let stub = Stub::start(|_| Reply::status(503, "")).await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    let req = PayOrdersRequest {
        order_id: "CS1".into(),
        use_coupon: "NO".into(),
        use_discount: "NO".into(),
        ..Default::default()
    };
    let err = client.pay_orders(&acct, &req).await.expect_err("503");
    assert_eq!(stub.count(), 1);
    assert!(
        matches!(
            err,
            CbcError::Upstream {
                http_status: 503,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_is_ambiguous());
    // A definite refusal is not ambiguous.
    let stub =
        Stub::start(|_| Reply::status(400, r#"{"error_code":"CBC.99000088","error_msg":"x"}"#))
            .await;
    let err = client
        .pay_orders(&account(&stub.endpoint), &req)
        .await
        .expect_err("400");
    assert_eq!(err.error_code(), "CBC.99000088");
    assert!(!err.outcome_is_ambiguous());
}

#[tokio::test]
async fn breaker_opens_fails_fast_and_recovers_after_cool_down() {
    let healthy = Arc::new(AtomicBool::new(false));
    let h = healthy.clone();
    let stub = Stub::start(move |_| {
        if h.load(Ordering::SeqCst) {
            Reply::ok(ORDERS)
        } else {
            Reply::status(500, r#"{"error_code":"CBC.0999","error_msg":"x"}"#)
        }
    })
    .await;
    let client = Client::new(ClientSettings {
        read_retries: 0,
        ..fast_settings()
    })
    .expect("client");
    let acct = account(&stub.endpoint);
    let req = ListCustomerOrdersRequest::default();
    for _ in 0..3 {
        let e = client.call(&acct, &req).await.expect_err("500");
        assert_eq!(e.error_code(), "CBC.0999");
    }
    assert_eq!(stub.count(), 3);
    let started = Instant::now();
    let e = client.call(&acct, &req).await.expect_err("open");
    assert!(matches!(e, CbcError::CircuitOpen { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(100), "fails fast");
    assert!(!e.outcome_is_ambiguous());
    assert_eq!(stub.count(), 3, "nothing sent while open");
    assert!(client.endpoint_unavailable(&stub.endpoint));

    healthy.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await;
    client
        .call(&acct, &req)
        .await
        .expect("probe succeeds and closes the breaker");
    client.call(&acct, &req).await.expect("closed");
    assert_eq!(stub.count(), 5);
    assert!(!client.endpoint_unavailable(&stub.endpoint));
}

#[tokio::test]
async fn last_good_value_is_served_stale_while_the_breaker_is_open() {
    let healthy = Arc::new(AtomicBool::new(true));
    let h = healthy.clone();
    let stub = Stub::start(move |_| {
        if h.load(Ordering::SeqCst) {
            Reply::ok(BALANCES)
        } else {
            Reply::status(502, "")
        }
    })
    .await;
    let client = Client::new(ClientSettings {
        read_retries: 0,
        ..fast_settings()
    })
    .expect("client");
    let acct = account(&stub.endpoint);
    let req = ShowCustomerAccountBalancesRequest::default();
    let fresh = client.cached(&acct, &req).await.expect("fresh");
    assert!(!fresh.stale);
    healthy.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(350)).await; // past the account TTL
    for _ in 0..3 {
        let _ = client.call(&acct, &req).await; // trips the breaker
    }
    let stale = client.cached(&acct, &req).await.expect("served stale");
    assert!(stale.stale);
    assert!(stale.age() >= Duration::from_millis(300));
    assert_eq!(stale.value, fresh.value);
    // With nothing cached there is nothing to fall back on.
    let other = client
        .cached(
            &account(&stub.endpoint),
            &ListServiceTypesRequest::default(),
        )
        .await;
    assert!(
        matches!(other, Err(CbcError::CircuitOpen { .. })),
        "{other:?}"
    );
}

#[tokio::test]
async fn timeouts_map_to_timeout_and_are_ambiguous_for_actions() {
    let stub = Stub::start(|_| Reply::status(204, "").delayed(Duration::from_secs(2))).await;
    let client = Client::new(ClientSettings {
        total_timeout: Duration::from_millis(300),
        read_retries: 0,
        ..fast_settings()
    })
    .expect("client");
    let acct = account(&stub.endpoint);
    let req = PayOrdersRequest {
        order_id: "CS1".into(),
        use_coupon: "NO".into(),
        use_discount: "NO".into(),
        ..Default::default()
    };
    let started = Instant::now();
    let err = client.call(&acct, &req).await.expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(err, CbcError::Timeout { after_send: true }),
        "{err:?}"
    );
    assert!(err.outcome_is_ambiguous());
    assert_eq!(stub.count(), 1);
    assert!(!err.user_message().contains("127.0.0.1"));
}

#[tokio::test]
async fn unreachable_endpoint_is_a_transport_error_that_is_not_ambiguous() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = Client::new(ClientSettings {
        read_retries: 0,
        ..fast_settings()
    })
    .expect("client");
    let req = PayOrdersRequest {
        order_id: "CS1".into(),
        use_coupon: "NO".into(),
        use_discount: "NO".into(),
        ..Default::default()
    };
    let err = client
        .call(&account(&endpoint), &req)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            CbcError::Transport {
                after_send: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_is_ambiguous());
}

#[tokio::test]
async fn requests_are_signed_the_way_the_sandbox_verifies_them() {
    let stub = Stub::start(|n| {
        if n == 0 {
            Reply::ok(ORDERS)
        } else {
            Reply::status(204, "")
        }
    })
    .await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    let req = ListCustomerOrdersRequest {
        status: Some(6),
        order_id: Some("CS 1/+x".into()),
        limit: Some(10),
        ..Default::default()
    };
    client.call(&acct, &req).await.expect("list");
    let pay = PayOrdersRequest {
        order_id: "CS1".into(),
        use_coupon: "NO".into(),
        use_discount: "NO".into(),
        ..Default::default()
    };
    client.call(&acct, &pay).await.expect("pay answers 204");
    let calls = stub.calls();
    assert_eq!(calls.len(), 2);
    for c in &calls {
        assert!(c.signature_ok, "signature of {} does not verify", c.path);
        let h = |name: &str| {
            c.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(h("content-type"), Some("application/json"));
        assert_eq!(h("x-domain-id"), Some("domain-0001"));
        assert!(h("host").is_some_and(|v| v.starts_with("127.0.0.1:")));
        assert!(h("x-sdk-date").is_some());
    }
    assert_eq!(
        calls[0].path,
        "/v2/orders/customer-orders?limit=10&order_id=CS%201%2F%2Bx&status=6"
    );
    let body: serde_json::Value = serde_json::from_slice(&calls[1].body).expect("json");
    assert_eq!(
        body,
        serde_json::json!({"order_id": "CS1", "use_coupon": "NO", "use_discount": "NO"})
    );
}

#[tokio::test]
async fn the_secret_key_never_appears_in_debug_output() {
    let stub = Stub::start(|_| Reply::ok(BALANCES)).await;
    let client = Client::new(fast_settings()).expect("client");
    let acct = account(&stub.endpoint);
    client
        .call(&acct, &ShowCustomerAccountBalancesRequest::default())
        .await
        .expect("ok");
    let token = AccountCredentials {
        auth: Auth::Token(SecretString::from("tok-secret-123")),
        ..acct.clone()
    };
    let shown = format!("{acct:?} {client:?} {token:?} {:#?}", acct.auth);
    assert!(
        shown.contains("STUBAKID"),
        "the AK is fine to show: {shown}"
    );
    assert!(
        !shown.contains(SK) && !shown.contains("tok-secret-123"),
        "{shown}"
    );
}
