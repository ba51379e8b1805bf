//! The operation table, read from `tests/fixtures/cbc-api/operations.json`, and the generic
//! parameter validation it allows: required flags, types, enums, ranges, lengths and item counts
//! are checked exactly as the reference states them, so the rules live in one place.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use super::error::{ApiError, ApiResult};

const OPERATIONS_JSON: &str = include_str!("../../tests/fixtures/cbc-api/operations.json");

/// Where a page size has no confirmed maximum the sandbox caps it here (README, Pagination).
pub const UNCONFIRMED_MAX_LIMIT: i64 = 1000;

#[derive(Debug, Deserialize, Default, Clone)]
pub struct Constraints {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Items {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub fields: Vec<Field>,
}

/// One parameter or body field.
#[derive(Debug, Deserialize, Clone)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub constraints: Option<Constraints>,
    #[serde(default)]
    pub items: Option<Items>,
    #[serde(default)]
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Body {
    #[serde(default)]
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Throttle {
    pub requests_per_second: Option<u32>,
}

/// One CBC operation.
#[derive(Debug, Deserialize, Clone)]
pub struct OpSpec {
    pub id: String,
    pub method: String,
    pub path: String,
    pub success_status: u16,
    #[serde(default)]
    pub path_params: Vec<Field>,
    #[serde(default)]
    pub query_params: Vec<Field>,
    #[serde(default)]
    pub body: Option<Body>,
    pub throttle: Throttle,
}

impl OpSpec {
    /// Calls per second per AK (10 where the reference gives none).
    pub fn limit(&self) -> u32 {
        self.throttle.requests_per_second.unwrap_or(10)
    }
}

/// All 32 operations.
pub fn operations() -> &'static [OpSpec] {
    static OPS: OnceLock<Vec<OpSpec>> = OnceLock::new();
    OPS.get_or_init(|| serde_json::from_str(OPERATIONS_JSON).unwrap_or_default())
}

/// Finds the operation for a method and raw path; returns it with the path parameter, if any.
pub fn route(method: &str, path: &str) -> Option<(&'static OpSpec, Option<String>)> {
    let path = path.trim_end_matches('/');
    let segs: Vec<&str> = path.split('/').collect();
    for op in operations() {
        if !op.method.eq_ignore_ascii_case(method) {
            continue;
        }
        let pat: Vec<&str> = op.path.split('/').collect();
        if pat.len() != segs.len() {
            continue;
        }
        let mut param = None;
        let ok = pat.iter().zip(&segs).all(|(p, s)| {
            if p.starts_with('{') {
                param = Some(crate::cbc::signer::decode(s));
                !s.is_empty()
            } else {
                p == s
            }
        });
        if ok {
            return Some((op, param));
        }
    }
    None
}

fn enum_ok(f: &Field, raw: &str) -> bool {
    match &f.enumeration {
        Some(e) => e.contains_key(raw),
        None => true,
    }
}

fn enum_list(f: &Field) -> String {
    f.enumeration
        .as_ref()
        .map(|e| e.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn is_limit(name: &str) -> bool {
    name == "limit"
}

fn check_int(f: &Field, name: &str, v: i64) -> ApiResult<()> {
    let c = f.constraints.clone().unwrap_or_default();
    let max = c.max.or(if is_limit(&f.name) {
        Some(UNCONFIRMED_MAX_LIMIT)
    } else {
        None
    });
    let min = c.min.or(if is_limit(&f.name) { Some(1) } else { None });
    if let Some(min) = min
        && v < min
    {
        return Err(ApiError::param(name, format_args!("must be >= {min}")));
    }
    if let Some(max) = max
        && v > max
    {
        return Err(ApiError::param(name, format_args!("must be <= {max}")));
    }
    if !enum_ok(f, &v.to_string()) {
        return Err(ApiError::param(
            name,
            format_args!("must be one of [{}]", enum_list(f)),
        ));
    }
    Ok(())
}

fn check_str(f: &Field, name: &str, v: &str) -> ApiResult<()> {
    let c = f.constraints.clone().unwrap_or_default();
    let n = v.chars().count();
    if let Some(max) = c.max_length
        && n > max
    {
        return Err(ApiError::param(
            name,
            format_args!("must be at most {max} characters"),
        ));
    }
    if let Some(min) = c.min_length
        && n < min
    {
        return Err(ApiError::param(
            name,
            format_args!("must be at least {min} characters"),
        ));
    }
    if let Some(values) = &c.values
        && !values.iter().any(|x| x == v)
    {
        return Err(ApiError::param(
            name,
            format_args!("must be one of [{}]", values.join(", ")),
        ));
    }
    if !enum_ok(f, v) {
        return Err(ApiError::param(
            name,
            format_args!("must be one of [{}]", enum_list(f)),
        ));
    }
    Ok(())
}

/// Validates query parameters against the operation's list (unknown ones are ignored, as CBC
/// does). Repeated keys take the first value.
pub fn check_query(op: &OpSpec, query: &[(String, String)]) -> ApiResult<()> {
    for f in &op.query_params {
        let val = query.iter().find(|(k, _)| k == &f.name).map(|(_, v)| v);
        let Some(v) = val else {
            if f.required == Some(true) {
                return Err(ApiError::param(&f.name, "is required"));
            }
            continue;
        };
        if v.is_empty() {
            if f.required == Some(true) || f.ty == "integer" {
                return Err(ApiError::param(&f.name, "must not be empty"));
            }
            continue;
        }
        match f.ty.as_str() {
            "integer" => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| ApiError::param(&f.name, "must be an integer"))?;
                check_int(f, &f.name, n)?;
            }
            "boolean" => {
                if v != "true" && v != "false" {
                    return Err(ApiError::param(&f.name, "must be true or false"));
                }
            }
            _ => check_str(f, &f.name, v)?,
        }
    }
    Ok(())
}

/// Validates a JSON body against the operation's body schema, recursively.
pub fn check_body(op: &OpSpec, body: &Value) -> ApiResult<()> {
    let Some(spec) = &op.body else {
        return Ok(());
    };
    let Value::Object(_) = body else {
        return Err(ApiError::param("body", "must be a JSON object"));
    };
    check_fields(&spec.fields, body, "")
}

fn check_fields(fields: &[Field], obj: &Value, prefix: &str) -> ApiResult<()> {
    for f in fields {
        let name = format!("{prefix}{}", f.name);
        let v = obj.get(&f.name).unwrap_or(&Value::Null);
        if v.is_null() {
            if f.required == Some(true) {
                return Err(ApiError::param(&name, "is required"));
            }
            continue;
        }
        check_value(f, &f.ty, v, &name)?;
    }
    Ok(())
}

fn check_value(f: &Field, ty: &str, v: &Value, name: &str) -> ApiResult<()> {
    match ty {
        "string" => {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::param(name, "must be a string"))?;
            if f.required == Some(true) && s.is_empty() {
                return Err(ApiError::param(name, "must not be empty"));
            }
            check_str(f, name, s)
        }
        "integer" => {
            let n = v
                .as_i64()
                .ok_or_else(|| ApiError::param(name, "must be an integer"))?;
            check_int(f, name, n)
        }
        "number" => {
            if v.is_number() {
                Ok(())
            } else {
                Err(ApiError::param(name, "must be a number"))
            }
        }
        "boolean" => {
            if v.is_boolean() {
                Ok(())
            } else {
                Err(ApiError::param(name, "must be a boolean"))
            }
        }
        "object" => {
            if v.is_object() {
                check_fields(&f.fields, v, &format!("{name}."))
            } else {
                Err(ApiError::param(name, "must be an object"))
            }
        }
        "array" => {
            let arr = v
                .as_array()
                .ok_or_else(|| ApiError::param(name, "must be an array"))?;
            let c = f.constraints.clone().unwrap_or_default();
            if let Some(max) = c.max_items
                && arr.len() > max
            {
                return Err(ApiError::param(
                    name,
                    format_args!("must have at most {max} items"),
                ));
            }
            if let Some(min) = c.min_items
                && arr.len() < min
            {
                return Err(ApiError::param(
                    name,
                    format_args!("must have at least {min} items"),
                ));
            }
            if f.required == Some(true) && arr.is_empty() {
                return Err(ApiError::param(name, "must not be empty"));
            }
            for (i, item) in arr.iter().enumerate() {
                let iname = format!("{name}[{i}]");
                match &f.items {
                    Some(items) if items.ty == "object" => {
                        if !item.is_object() {
                            return Err(ApiError::param(&iname, "must be an object"));
                        }
                        check_fields(&items.fields, item, &format!("{iname}."))?;
                    }
                    Some(items) => {
                        // Item enums are stated on the array field itself (status_list).
                        let leaf = Field {
                            name: f.name.clone(),
                            ty: items.ty.clone(),
                            required: Some(true),
                            enumeration: f.enumeration.clone(),
                            constraints: None,
                            items: None,
                            fields: Vec::new(),
                        };
                        check_value(&leaf, &items.ty, item, &iname)?;
                    }
                    None => {}
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_32_operations_load_and_route() {
        let ops = operations();
        assert_eq!(ops.len(), 32);
        for o in ops {
            let path = o
                .path
                .replace("{order_id}", "CS1")
                .replace("{resource_id}", "r1");
            let (found, _) = route(&o.method, &path).expect("routes");
            assert_eq!(found.id, o.id);
        }
        assert!(route("GET", "/v2/orders/suscriptions/resources/query").is_none());
        assert_eq!(
            route("POST", "/v2/orders/suscriptions/resources/query").map(|(o, _)| o.id.as_str()),
            Some("ListPayPerUseCustomerResources")
        );
    }
}
