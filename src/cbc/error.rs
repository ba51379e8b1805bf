//! `CbcError`: everything that can go wrong calling CBC, classified for the callers.
//!
//! Two questions matter to callers: what to tell the person ([`CbcError::user_message`], plain
//! words, no internals) and, for actions, whether the request may have taken effect upstream
//! although we saw no answer ([`CbcError::outcome_is_ambiguous`]); ambiguous actions are never
//! retried blindly but settled by reading state back.

use std::time::Duration;

/// The error of a CBC call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CbcError {
    /// CBC answered with an error (HTTP >= 400, or an error code inside a 2xx body).
    #[error("CBC error {error_code} (HTTP {http_status}): {error_msg}")]
    Upstream {
        /// HTTP status of the answer.
        http_status: u16,
        /// CBC's code, e.g. `CBC.0100`; the HTTP status as text when the body has none.
        error_code: String,
        /// CBC's message (for logs; see `user_message` for people).
        error_msg: String,
        /// `X-Request-Id` of the answer, for support tickets.
        request_id: Option<String>,
        /// Business checks that failed (`fail_check_items`, enterprise project activation).
        fail_check_items: Vec<String>,
    },
    /// CBC's flow control refused the call (HTTP 429 / `CBC.0250`); nothing happened upstream.
    #[error("CBC throttled the call ({error_code})")]
    Throttled {
        /// `CBC.0250`, `APIG.0308` or the status.
        error_code: String,
        /// `Retry-After`, when CBC sent one.
        retry_after: Option<Duration>,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// No complete answer within the time limit.
    #[error("CBC did not answer in time{}", if *.after_send { "" } else { " (while connecting)" })]
    Timeout {
        /// Whether the request may have been sent (false: the connection never opened).
        after_send: bool,
    },
    /// The connection failed.
    #[error("connection to CBC failed: {message}")]
    Transport {
        /// What failed, for logs.
        message: String,
        /// Whether the request may have been sent (false: the connection never opened).
        after_send: bool,
    },
    /// CBC answered, but the body is not what the operation promises.
    #[error("unreadable CBC answer (HTTP {http_status}): {message}")]
    Decode {
        /// HTTP status of the answer.
        http_status: u16,
        /// What did not parse, for logs.
        message: String,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// HTTP 401: the credentials or the signature were rejected.
    #[error("CBC rejected the credentials ({error_code}): {error_msg}")]
    SignatureRejected {
        /// CBC's or the gateway's code.
        error_code: String,
        /// CBC's message, for logs.
        error_msg: String,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// The circuit breaker for this endpoint is open; the call was not sent.
    #[error("CBC endpoint marked unavailable; retry in {retry_in:?}")]
    CircuitOpen {
        /// Time until the breaker lets a probe call through.
        retry_in: Duration,
    },
    /// Local limits (rate or concurrency) would have made the call wait too long; not sent.
    #[error("too many CBC calls in flight; waited {waited:?}")]
    Busy {
        /// How long the call was prepared to wait.
        waited: Duration,
    },
    /// The request could not be built (bad endpoint URL, unencodable body); not sent.
    #[error("invalid CBC request: {0}")]
    InvalidRequest(String),
    /// The endpoint is, or resolved to, an internal address the portal does not connect to;
    /// not sent.
    #[error("endpoint refused: {0}")]
    EndpointRefused(super::egress::EgressRefused),
    /// The endpoint answered with a redirect, which is never followed (and its body never read).
    #[error("the endpoint answered with a redirect (HTTP {http_status}), which is not followed")]
    Redirected {
        /// The 3xx status.
        http_status: u16,
    },
}

impl CbcError {
    /// A short code for logs, audit rows and support: CBC's code for upstream errors, a local
    /// name (`TIMEOUT`, `TRANSPORT`, `DECODE`, `CIRCUIT_OPEN`, `BUSY`, `INVALID_REQUEST`,
    /// `ENDPOINT_REFUSED`, `REDIRECT`) otherwise.
    pub fn error_code(&self) -> &str {
        match self {
            Self::Upstream { error_code, .. }
            | Self::Throttled { error_code, .. }
            | Self::SignatureRejected { error_code, .. } => error_code,
            Self::Timeout { .. } => "TIMEOUT",
            Self::Transport { .. } => "TRANSPORT",
            Self::Decode { .. } => "DECODE",
            Self::CircuitOpen { .. } => "CIRCUIT_OPEN",
            Self::Busy { .. } => "BUSY",
            Self::InvalidRequest(_) => "INVALID_REQUEST",
            Self::EndpointRefused(_) => "ENDPOINT_REFUSED",
            Self::Redirected { .. } => "REDIRECT",
        }
    }

    /// The HTTP status CBC answered with, if it answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Upstream { http_status, .. }
            | Self::Decode { http_status, .. }
            | Self::Redirected { http_status } => Some(*http_status),
            Self::Throttled { .. } => Some(429),
            Self::SignatureRejected { .. } => Some(401),
            _ => None,
        }
    }

    /// CBC's `X-Request-Id`, if it answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Upstream { request_id, .. }
            | Self::Throttled { request_id, .. }
            | Self::Decode { request_id, .. }
            | Self::SignatureRejected { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// True when the request may have reached Huawei and its result is unknown: a timeout or
    /// broken connection after sending, a 5xx answer, or an unreadable answer. For an action
    /// this means "do not retry blindly; read the state back".
    pub fn outcome_is_ambiguous(&self) -> bool {
        match self {
            Self::Timeout { after_send } | Self::Transport { after_send, .. } => *after_send,
            Self::Upstream { http_status, .. } => *http_status >= 500,
            // Something answered, but not CBC's answer: treat it like an unreadable one.
            Self::Decode { .. } | Self::Redirected { .. } => true,
            Self::EndpointRefused(_)
            | Self::Throttled { .. }
            | Self::SignatureRejected { .. }
            | Self::CircuitOpen { .. }
            | Self::Busy { .. }
            | Self::InvalidRequest(_) => false,
        }
    }

    /// True when the failure says CBC (or the way to it) is unhealthy: 5xx, timeouts,
    /// transport errors. These count towards opening the circuit breaker.
    pub fn is_upstream_failure(&self) -> bool {
        match self {
            Self::Upstream { http_status, .. } => *http_status >= 500,
            Self::Timeout { .. } | Self::Transport { .. } => true,
            _ => false,
        }
    }

    /// True when a read may be retried: throttling, 5xx, timeouts, transport errors.
    pub fn is_transient(&self) -> bool {
        self.is_upstream_failure() || matches!(self, Self::Throttled { .. })
    }

    /// True when the data could not be fetched for reasons unrelated to the request itself, so
    /// a page may show the last good value instead (breaker open, busy, throttled, upstream down).
    pub fn is_unavailable(&self) -> bool {
        self.is_transient() || matches!(self, Self::CircuitOpen { .. } | Self::Busy { .. })
    }

    /// A message for the person using the portal: plain words, no internals.
    pub fn user_message(&self) -> String {
        match self {
            Self::Upstream {
                http_status,
                error_code,
                ..
            } => match known_code_message(error_code) {
                Some(m) => format!("{m} (reference {error_code})"),
                None if *http_status >= 500 => format!(
                    "Huawei Cloud had a problem handling the request. If this was a payment or \
                     change, check its status before trying again (reference {error_code})."
                ),
                None if *http_status == 403 => format!(
                    "Huawei Cloud refused this request: the account's access keys are not \
                     allowed to do this (reference {error_code})."
                ),
                None => format!("Huawei Cloud declined the request (reference {error_code})."),
            },
            Self::Throttled { .. } => {
                "Huawei Cloud is receiving too many requests right now. Please try again in a \
                 moment."
                    .to_owned()
            }
            Self::Timeout { after_send: true } => {
                "Huawei Cloud did not answer in time. If this was a payment or change, it may \
                 still have gone through: check its status before trying again."
                    .to_owned()
            }
            Self::Timeout { after_send: false }
            | Self::Transport {
                after_send: false, ..
            } => "Huawei Cloud could not be reached. Nothing was changed; please try again later."
                .to_owned(),
            Self::Transport {
                after_send: true, ..
            } => "The connection to Huawei Cloud broke off. If this was a payment or change, it \
                 may still have gone through: check its status before trying again."
                .to_owned(),
            Self::Decode { .. } => {
                "Huawei Cloud sent an answer the portal could not read. If this was a payment or \
                 change, check its status before trying again."
                    .to_owned()
            }
            Self::SignatureRejected { .. } => {
                "Huawei Cloud did not accept this account's access keys. An administrator needs \
                 to check the keys stored for this cloud account."
                    .to_owned()
            }
            Self::CircuitOpen { .. } => {
                "Huawei Cloud is currently unavailable. Nothing was sent; please try again in a \
                 few minutes."
                    .to_owned()
            }
            Self::Busy { .. } => {
                "The portal is handling many requests to Huawei Cloud right now. Nothing was \
                 sent; please try again in a moment."
                    .to_owned()
            }
            Self::InvalidRequest(_) => {
                "The request could not be prepared. Nothing was sent; please contact support."
                    .to_owned()
            }
            Self::EndpointRefused(_) => {
                "This cloud account's endpoint points into a private or local network, which the \
                 portal does not connect to. Nothing was sent; an administrator needs to check \
                 the endpoint."
                    .to_owned()
            }
            Self::Redirected { .. } => {
                "Huawei Cloud's endpoint answered with a redirect, which the portal does not \
                 follow. If this was a payment or change, check its status before trying again; \
                 an administrator needs to check the endpoint."
                    .to_owned()
            }
        }
    }
}

/// Plain-language text for CBC codes a customer can act on.
fn known_code_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "CBC.0100" | "CBC.0101" => "Huawei Cloud did not accept the values sent.",
        "CBC.0150" | "CBC.0151" | "CBC.0155" => {
            "Huawei Cloud refused this request: the account's access keys are not allowed to do \
             this."
        }
        "CBC.0154" => "The sign-in to Huawei Cloud has expired or is invalid.",
        "CBC.6055" => "The price is above the maximum Huawei Cloud can quote.",
        "CBC.30050012" => "The same resource was listed twice.",
        "CBC.99000049" => {
            "This account has no balance of its own (it is billed through a partner)."
        }
        "CBC.99005010" => "This order can no longer be cancelled in its current status.",
        "CBC.99000089" => "This order must be paid or cancelled through its combined transaction.",
        "CBC.99000088" => "A payment for this order is already being processed.",
        "CBC.99006093" => "Tax information for this order is not available yet; try again later.",
        "CBC.99008040" => "Too many payment attempts in a short time; wait a moment.",
        "CBC.99008056" => "The daily limit for payments has been reached; try again tomorrow.",
        "CBC.99005026" => "This order is not a cancellation or downgrade order.",
        "CBC.99003012" => "The resource does not exist.",
        "CBC.99003602" => {
            "The resource has expired or is frozen; auto-renewal cannot be turned on."
        }
        "CBC.99003605" => "Auto-renewal is already off for this resource.",
        "CBC.99003625" | "CBC.99003626" | "CBC.99003656" => {
            "The resource or account is frozen; this change is not allowed."
        }
        "CBC.99003651" => "A transaction for this resource is in progress; try again later.",
        "CBC.99006066" => "The refund amount could not be determined; try again later.",
        "CBC.99003647" | "CBC.99003649" | "CBC.99003650" | "CBC.99003652" | "CBC.99003654"
        | "CBC.3185" | "CBC.30000053" => "This resource cannot be unsubscribed on its own.",
        "CBC.99007004" => "The account does not meet the conditions for enterprise projects yet.",
        _ => return None,
    })
}

/// The fields of a CBC error body, wherever they sit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// The code, if the body had one.
    pub code: Option<String>,
    /// The message, if the body had one.
    pub message: Option<String>,
    /// `fail_check_items`, if present.
    pub fail_check_items: Vec<String>,
}

const KEY_PAIRS: [(&str, &str); 3] = [
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];

fn as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_pair(obj: &serde_json::Map<String, serde_json::Value>) -> Option<(String, Option<String>)> {
    KEY_PAIRS.iter().find_map(|(c, m)| {
        let code = obj.get(*c).and_then(as_text)?;
        Some((code, obj.get(*m).and_then(as_text)))
    })
}

/// Parses an error body the way the official SDK does: `error_code`/`error_msg`, else
/// `errorCode`/`errorMsg`, else `code`/`message`, at the top level or one level down.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    let Ok(serde_json::Value::Object(obj)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return ErrorBody::default();
    };
    let fail_check_items = obj
        .get("fail_check_items")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(as_text).collect())
        .unwrap_or_default();
    let found = find_pair(&obj).or_else(|| {
        obj.values()
            .filter_map(|v| v.as_object())
            .find_map(find_pair)
    });
    let (code, message) = match found {
        Some((c, m)) => (Some(c), m),
        None => (None, None),
    };
    ErrorBody {
        code,
        message,
        fail_check_items,
    }
}

/// Classifies a non-success HTTP answer.
pub fn from_response(
    http_status: u16,
    body: &[u8],
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> CbcError {
    let parsed = parse_error_body(body);
    let error_code = parsed.code.unwrap_or_else(|| http_status.to_string());
    let error_msg = parsed.message.unwrap_or_default();
    if http_status == 429 || error_code == "CBC.0250" || error_code == "APIG.0308" {
        return CbcError::Throttled {
            error_code,
            retry_after,
            request_id,
        };
    }
    if http_status == 401 {
        return CbcError::SignatureRejected {
            error_code,
            error_msg,
            request_id,
        };
    }
    CbcError::Upstream {
        http_status,
        error_code,
        error_msg,
        request_id,
        fail_check_items: parsed.fail_check_items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_parse_in_every_sdk_shape() {
        let cases: [(&str, Option<&str>, Option<&str>); 7] = [
            (
                r#"{"error_code":"CBC.0100","error_msg":"Invalid parameter."}"#,
                Some("CBC.0100"),
                Some("Invalid parameter."),
            ),
            (
                r#"{"errorCode":"CBC.0151","errorMsg":"Access denied."}"#,
                Some("CBC.0151"),
                Some("Access denied."),
            ),
            (
                r#"{"code":"APIG.0308","message":"throttled"}"#,
                Some("APIG.0308"),
                Some("throttled"),
            ),
            (
                r#"{"error":{"code":"APIG.0301","message":"bad token"}}"#,
                Some("APIG.0301"),
                Some("bad token"),
            ),
            (
                r#"{"error":{"error_code":"CBC.0999","error_msg":"x"}}"#,
                Some("CBC.0999"),
                Some("x"),
            ),
            (r#"{"unrelated":1}"#, None, None),
            ("<html>gateway</html>", None, None),
        ];
        for (body, code, msg) in cases {
            let p = parse_error_body(body.as_bytes());
            assert_eq!(p.code.as_deref(), code, "{body}");
            assert_eq!(p.message.as_deref(), msg, "{body}");
        }
    }

    #[test]
    fn statuses_classify_into_variants() {
        let e = from_response(
            400,
            br#"{"error_code":"CBC.99005010","error_msg":"no"}"#,
            Some("rid".into()),
            None,
        );
        assert!(
            matches!(&e, CbcError::Upstream { http_status: 400, error_code, .. } if error_code == "CBC.99005010")
        );
        assert_eq!(e.request_id(), Some("rid"));
        assert!(!e.outcome_is_ambiguous());
        assert!(e.user_message().contains("can no longer be cancelled"));

        let e = from_response(429, b"", None, Some(Duration::from_secs(2)));
        assert!(
            matches!(e, CbcError::Throttled { retry_after: Some(d), .. } if d == Duration::from_secs(2))
        );
        assert_eq!(e.error_code(), "429");
        let e = from_response(
            400,
            br#"{"error_code":"CBC.0250","error_msg":"flow"}"#,
            None,
            None,
        );
        assert!(matches!(e, CbcError::Throttled { .. }));
        assert!(e.is_transient() && !e.outcome_is_ambiguous());

        let e = from_response(
            401,
            br#"{"error_code":"CBC.0154","error_msg":"token"}"#,
            None,
            None,
        );
        assert!(matches!(e, CbcError::SignatureRejected { .. }));
        assert_eq!(e.error_code(), "CBC.0154");

        let e = from_response(503, b"Service Unavailable", None, None);
        assert_eq!(e.error_code(), "503");
        assert!(e.outcome_is_ambiguous() && e.is_upstream_failure());

        let e = from_response(
            400,
            br#"{"error_code":"CBC.99007004","error_msg":"m","fail_check_items":["NOT_OPEN_MULTI_PROJECT"]}"#,
            None,
            None,
        );
        assert!(
            matches!(&e, CbcError::Upstream { fail_check_items, .. } if fail_check_items == &["NOT_OPEN_MULTI_PROJECT"])
        );
    }

    #[test]
    fn ambiguity_follows_whether_the_request_may_have_landed() {
        assert!(CbcError::Timeout { after_send: true }.outcome_is_ambiguous());
        assert!(!CbcError::Timeout { after_send: false }.outcome_is_ambiguous());
        let reset = CbcError::Transport {
            message: "reset".into(),
            after_send: true,
        };
        assert!(reset.outcome_is_ambiguous());
        let refused = CbcError::Transport {
            message: "refused".into(),
            after_send: false,
        };
        assert!(!refused.outcome_is_ambiguous());
        let bad = CbcError::Decode {
            http_status: 200,
            message: "eof".into(),
            request_id: None,
        };
        assert!(bad.outcome_is_ambiguous());
        assert!(
            !CbcError::CircuitOpen {
                retry_in: Duration::ZERO
            }
            .outcome_is_ambiguous()
        );
        assert!(
            !CbcError::Busy {
                waited: Duration::ZERO
            }
            .outcome_is_ambiguous()
        );
    }

    #[test]
    fn user_messages_show_no_internals() {
        let errors = [
            from_response(
                500,
                br#"{"error_code":"CBC.0999","error_msg":"java.lang.NullPointerException at x"}"#,
                None,
                None,
            ),
            CbcError::Transport {
                message: "tcp connect error 10.0.0.1:443".into(),
                after_send: false,
            },
            CbcError::Decode {
                http_status: 200,
                message: "missing field at line 1".into(),
                request_id: None,
            },
            CbcError::SignatureRejected {
                error_code: "401".into(),
                error_msg: "sig mismatch".into(),
                request_id: None,
            },
        ];
        for e in errors {
            let m = e.user_message();
            assert!(
                !m.contains("java")
                    && !m.contains("10.0.0.1")
                    && !m.contains("line 1")
                    && !m.contains("mismatch"),
                "{m}"
            );
            assert!(!m.is_empty());
        }
    }
}
