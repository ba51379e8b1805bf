//! Checks every operation against `operations.json` and `examples/`.

use std::collections::BTreeSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::*;
use crate::cbc::error;

const OPERATIONS: &str = include_str!("../../../tests/fixtures/cbc-api/operations.json");

fn operations() -> Vec<Value> {
    serde_json::from_str::<Value>(OPERATIONS)
        .expect("operations.json parses")
        .as_array()
        .expect("a list")
        .clone()
}

fn example(id: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/cbc-api/examples/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&raw).expect("example parses")
}

fn fields(schema: &Value) -> Vec<Value> {
    schema["fields"].as_array().cloned().unwrap_or_default()
}

fn is_required(f: &Value) -> bool {
    f["required"].as_bool() == Some(true)
}

/// A sample JSON value for a declared field; `full` fills optional nested fields too.
fn sample(f: &Value, full: bool) -> Value {
    match f["type"].as_str().unwrap_or_default() {
        "string" => json!(format!("v-{}", f["name"].as_str().unwrap_or("x"))),
        "integer" => json!(7),
        "number" => serde_json::from_str("12.50").expect("number"),
        "boolean" => json!(true),
        "object" => object_sample(&fields(f), full),
        "array" => {
            let item = &f["items"];
            match item["type"].as_str().unwrap_or_default() {
                "object" => json!([object_sample(&fields(item), full)]),
                "integer" => json!([2, 3]),
                _ => json!(["a b/c", "d"]),
            }
        }
        other => panic!("unknown type {other}"),
    }
}

fn object_sample(fs: &[Value], full: bool) -> Value {
    let mut m = Map::new();
    for f in fs {
        if full || is_required(f) {
            m.insert(
                f["name"].as_str().expect("name").to_owned(),
                sample(f, full),
            );
        }
    }
    Value::Object(m)
}

/// What one operation's request produced.
struct Wire {
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    language: Option<String>,
    method: Method,
    kind: Kind,
}

struct BuildRequest(Value);

impl OperationVisitor for BuildRequest {
    type Output = Result<Wire, String>;
    fn visit<O: Operation + serde::Serialize + serde::de::DeserializeOwned>(self) -> Self::Output
    where
        O::Response: serde::Serialize,
    {
        let req: O = serde_json::from_value(self.0).map_err(|e| e.to_string())?;
        let body = req
            .body()
            .map_err(|e| e.to_string())?
            .map(|b| serde_json::from_slice(&b).expect("body is JSON"));
        Ok(Wire {
            path: req.path(),
            query: req.query(),
            body,
            language: req.language().map(str::to_owned),
            method: O::METHOD,
            kind: O::KIND,
        })
    }
}

struct RoundTrip(Value);

impl OperationVisitor for RoundTrip {
    type Output = Result<Value, String>;
    fn visit<O: Operation + serde::Serialize + serde::de::DeserializeOwned>(self) -> Self::Output
    where
        O::Response: serde::Serialize,
    {
        // From bytes, as the client reads answers: numbers arrive as their exact text.
        let bytes = serde_json::to_vec(&self.0).map_err(|e| e.to_string())?;
        let typed: O::Response = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        serde_json::to_value(&typed).map_err(|e| e.to_string())
    }
}

/// Checks that `value`'s keys are exactly the declared `fs` (all, or only the required ones).
fn assert_keys(ctx: &str, value: &Value, fs: &[Value], full: bool) {
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{ctx}: not an object: {value}"));
    let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = fs
        .iter()
        .filter(|f| full || is_required(f))
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(got, want, "{ctx}: body keys");
    for f in fs {
        let name = f["name"].as_str().unwrap_or_default();
        let Some(v) = obj.get(name) else { continue };
        match f["type"].as_str() {
            Some("object") => assert_keys(&format!("{ctx}.{name}"), v, &fields(f), full),
            Some("array") if f["items"]["type"] == "object" => {
                for item in v.as_array().into_iter().flatten() {
                    assert_keys(&format!("{ctx}.{name}[]"), item, &fields(&f["items"]), full);
                }
            }
            _ => {}
        }
    }
}

fn request_json(op: &Value, full: bool) -> Value {
    let mut m = Map::new();
    for p in op["path_params"].as_array().into_iter().flatten() {
        m.insert(
            p["name"].as_str().expect("name").to_owned(),
            json!("id/with space"),
        );
    }
    if !op["header_params"].as_array().is_none_or(Vec::is_empty) {
        m.insert("x_language".to_owned(), json!("en_US"));
    }
    for p in op["query_params"].as_array().into_iter().flatten() {
        if full || is_required(p) {
            m.insert(
                p["name"].as_str().expect("name").to_owned(),
                sample(p, full),
            );
        }
    }
    for f in fields(&op["body"]) {
        if full || is_required(&f) {
            m.insert(
                f["name"].as_str().expect("name").to_owned(),
                sample(&f, full),
            );
        }
    }
    Value::Object(m)
}

#[test]
fn every_operation_is_typed_with_its_method_and_path() {
    let ops = operations();
    assert_eq!(ops.len(), 32);
    assert_eq!(ALL_OPERATIONS.len(), 32);
    for op in &ops {
        let id = op["id"].as_str().expect("id");
        let wire = with_operation(id, BuildRequest(request_json(op, true)))
            .unwrap_or_else(|| panic!("{id}: no typed operation"))
            .unwrap_or_else(|e| panic!("{id}: full request does not deserialize: {e}"));
        assert_eq!(wire.method.as_str(), op["method"], "{id}: method");
        let mut want_path = op["path"].as_str().expect("path").to_owned();
        for p in op["path_params"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().expect("name");
            want_path = want_path.replace(&format!("{{{name}}}"), "id%2Fwith%20space");
        }
        assert_eq!(wire.path, want_path, "{id}: path");
        let is_action = op["cts_event"].is_string()
            && id != "ListCustomerselfResourceRecordDetails"
            && id != "ListCustomerselfResourceRecords";
        assert_eq!(
            wire.kind == Kind::Action,
            is_action || id == "SetResourcesRenewConfig",
            "{id}: kind"
        );
    }
}

#[test]
fn every_request_serialises_to_exactly_the_declared_names() {
    for op in operations() {
        let id = op["id"].as_str().expect("id");
        for full in [true, false] {
            let wire = with_operation(id, BuildRequest(request_json(&op, full)))
                .expect("typed")
                .unwrap_or_else(|e| panic!("{id} (full={full}): {e}"));
            let params: Vec<&Value> = op["query_params"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            let got: BTreeSet<&str> = wire.query.iter().map(|(k, _)| k.as_str()).collect();
            let want: BTreeSet<&str> = params
                .iter()
                .filter(|p| full || is_required(p))
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(got, want, "{id} (full={full}): query names");
            for (k, v) in &wire.query {
                let p = params
                    .iter()
                    .find(|p| p["name"] == k.as_str())
                    .expect("declared");
                let ok = match p["type"].as_str() {
                    Some("integer") => v == "7",
                    Some("boolean") => v == "true",
                    _ => v == &format!("v-{k}"),
                };
                assert!(ok, "{id}: query {k}={v}");
            }
            match (&op["body"], &wire.body) {
                (Value::Null, None) => {}
                (Value::Null, Some(b)) => panic!("{id}: unexpected body {b}"),
                (schema, Some(b)) => assert_keys(id, b, &fields(schema), full),
                (_, None) => panic!("{id}: body missing"),
            }
            let has_lang = !op["header_params"].as_array().is_none_or(Vec::is_empty);
            assert_eq!(wire.language.is_some(), has_lang, "{id}: X-Language");
        }
    }
}

#[test]
fn requests_without_a_required_field_are_rejected() {
    for op in operations() {
        let id = op["id"].as_str().expect("id");
        let minimal = request_json(&op, false);
        let required: Vec<String> = op["query_params"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(fields(&op["body"]).iter())
            .filter(|f| is_required(f))
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect();
        for name in required {
            let mut v = minimal.clone();
            v.as_object_mut().expect("object").remove(&name);
            let r = with_operation(id, BuildRequest(v)).expect("typed");
            assert!(
                r.is_err(),
                "{id}: accepted a request without required `{name}`"
            );
        }
    }
}

#[test]
fn post_with_nothing_set_sends_an_empty_object() {
    let req = ListPayPerUseCustomerResourcesRequest::default();
    assert_eq!(req.body().expect("body"), Some(b"{}".to_vec()));
    let req = AutoRenewalResourcesRequest {
        resource_id: "r1".into(),
        ..Default::default()
    };
    assert_eq!(req.body().expect("body"), Some(b"{}".to_vec()));
    assert_eq!(
        req.path(),
        "/v2/orders/subscriptions/resources/autorenew/r1"
    );
    assert_eq!(
        CreateEnterpriseProjectAuthRequest::default()
            .body()
            .expect("body"),
        None
    );
}

/// Removes what the typed side does not write back: nulls and empty lists.
fn prune(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), prune(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(prune).collect()),
        other => other.clone(),
    }
}

/// Collects (path, raw text) of every money value in `body` per the schema.
fn money_values(schema: &[Value], body: &Value, path: &str, out: &mut Vec<(String, String)>) {
    for f in schema {
        let name = f["name"].as_str().unwrap_or_default();
        let Some(v) = body.get(name) else { continue };
        let p = format!("{path}/{name}");
        if f["money"] == true {
            let text = match v {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => continue,
            };
            out.push((p.clone(), text));
        }
        match f["type"].as_str() {
            Some("object") => money_values(&fields(f), v, &p, out),
            Some("array") if f["items"]["type"] == "object" => {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    money_values(&fields(&f["items"]), item, &format!("{p}/{i}"), out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_example_response_deserialises_without_loss_and_money_is_exact() {
    let mut money_checked = 0;
    for op in operations() {
        let id = op["id"].as_str().expect("id");
        let ex = example(id);
        let body = if ex["body"].is_null() {
            json!({})
        } else {
            ex["body"].clone()
        };
        let back = with_operation(id, RoundTrip(body.clone()))
            .expect("typed")
            .unwrap_or_else(|e| panic!("{id}: example does not deserialise: {e}"));
        // Exact text comparison: numbers keep their digits, decimal strings stay strings.
        assert_eq!(prune(&back), prune(&body), "{id}: round trip");
        let mut money = Vec::new();
        money_values(&fields(&op["response"]), &body, "", &mut money);
        for (path, raw) in money {
            let typed = back
                .pointer(&path)
                .unwrap_or_else(|| panic!("{id}{path} lost"));
            let typed_text = match typed {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                other => panic!("{id}{path}: {other}"),
            };
            let want = Decimal::from_str(&raw).expect("example money is decimal");
            let got = Decimal::from_str(&typed_text).expect("typed money is decimal");
            assert_eq!(got, want, "{id}{path}");
            assert_eq!(got.scale(), want.scale(), "{id}{path}: scale");
            money_checked += 1;
        }
        // Unknown fields are tolerated.
        if let Value::Object(mut m) = body {
            m.insert("some_future_field".into(), json!({"x": [1, 2]}));
            assert!(
                with_operation(id, RoundTrip(Value::Object(m)))
                    .expect("typed")
                    .is_ok(),
                "{id}"
            );
        }
    }
    assert!(
        money_checked > 50,
        "only {money_checked} money values checked"
    );
}

#[test]
fn money_in_typed_responses_is_the_exact_decimal() {
    let ex = example("ShowCustomerAccountBalances");
    let r: ShowCustomerAccountBalancesResponse =
        serde_json::from_value(ex["body"].clone()).expect("parses");
    assert_eq!(r.account_balances[0].amount, Some(Decimal::new(152345, 2)));
    assert_eq!(
        r.account_balances[0].major(r.account_balances[0].amount),
        Some(Decimal::new(152345, 2))
    );
    let ex = example("ListRenewRateOnPeriod");
    let r: ListRenewRateOnPeriodResponse =
        serde_json::from_value(ex["body"].clone()).expect("parses");
    assert_eq!(
        r.renew_inquiry_results[0].amount,
        Some(Decimal::new(1250, 2))
    );
    // A string amount in one place and a number in another parse alike.
    let r: ShowCustomerAccountBalancesResponse = serde_json::from_str(
        r#"{"debt_amount":"0.10","account_balances":[{"amount":0.1}],"measure_id":"3"}"#,
    )
    .expect("parses");
    assert_eq!(r.debt_amount, r.account_balances[0].amount);
    assert_eq!(r.major(r.debt_amount), Some(Decimal::new(1, 3)));
}

#[test]
fn missing_fields_and_nulls_are_tolerated() {
    for op in operations() {
        let id = op["id"].as_str().expect("id");
        let mut m = Map::new();
        for f in fields(&op["response"]) {
            m.insert(f["name"].as_str().expect("name").to_owned(), Value::Null);
        }
        for body in [json!({}), Value::Object(m)] {
            let r = with_operation(id, RoundTrip(body.clone())).expect("typed");
            assert!(r.is_ok(), "{id}: {body}: {r:?}");
        }
    }
}

#[test]
fn partial_failures_are_visible_in_200_answers() {
    let r: CancelResourcesSubscriptionResponse = serde_json::from_value(json!({
        "order_ids": ["CS1"],
        "fail_resource_infos": [
            {"resource_id": "r1", "error_code": "CBC.3185", "error_msg": "whole service"},
            {"resource_id": "r2", "error_code": "CBC.0000", "error_msg": "success"}
        ]
    }))
    .expect("parses");
    let f = r.failures();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].resource_id.as_str(), f[0].error_code.as_str()),
        ("r1", "CBC.3185")
    );
    let r: UpdatePeriodToOnDemandResponse = serde_json::from_value(json!({
        "error_details": [{"id": "r9", "error_code": "CBC.99003625", "error_msg": "frozen"}]
    }))
    .expect("parses");
    assert_eq!(r.failures()[0].resource_id, "r9");
    let ok: RenewalResourcesResponse =
        serde_json::from_value(example("RenewalResources")["body"].clone()).expect("parses");
    assert!(ok.failures().is_empty());
}

#[test]
fn every_example_error_body_classifies() {
    for op in operations() {
        let id = op["id"].as_str().expect("id");
        let ex = example(id);
        let err = &ex["error_example"];
        let status = err["http_status"].as_u64().expect("status") as u16;
        let body = serde_json::to_vec(&err["body"]).expect("body");
        let e = error::from_response(status, &body, Some("rid".into()), None);
        assert_eq!(e.error_code(), err["body"]["error_code"], "{id}");
        assert_eq!(e.request_id(), Some("rid"));
        assert!(!e.user_message().is_empty());
    }
}
