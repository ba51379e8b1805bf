//! CBC error answers: `{"error_code": "...", "error_msg": "..."}` with the HTTP status CBC uses.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A failed call as the sandbox answers it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub msg: String,
    /// Extra top-level fields some operations add (e.g. `fail_check_items`).
    pub extra: Option<serde_json::Map<String, Value>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, msg: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            msg: msg.into(),
            extra: None,
        }
    }

    /// 400 `CBC.0100`: a parameter failed validation; the message names it.
    pub fn param(name: &str, why: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "CBC.0100",
            format!("Invalid parameter: {name} {why}."),
        )
    }

    /// A 400 business error with its own code.
    pub fn biz(code: &str, msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, msg)
    }

    /// 401 from the gateway. Signature, unknown AK, stale `X-Sdk-Date` and bad tokens all use
    /// `APIG.0301`, which is what Huawei's API Gateway answers before BSS ever sees the call
    /// (CBC.0154 is BSS's own token error and is not produced by the gateway's AK/SK check).
    pub fn unauthorized(detail: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "APIG.0301",
            format!("Incorrect IAM authentication information: {detail}"),
        )
    }

    /// 429 `CBC.0250`: flow control.
    pub fn throttled() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "CBC.0250",
            "Too many requests. Flow control triggered, please try again later.",
        )
    }

    /// 500 `CBC.0999`.
    pub fn internal(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "CBC.0999", msg)
    }

    pub fn body(&self, request_id: &str) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("error_code".into(), json!(self.code));
        m.insert("error_msg".into(), json!(self.msg));
        if self.code.starts_with("APIG.") {
            m.insert("request_id".into(), json!(request_id));
        }
        if let Some(extra) = &self.extra {
            for (k, v) in extra {
                m.insert(k.clone(), v.clone());
            }
        }
        Value::Object(m)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
