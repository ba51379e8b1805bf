//! Typed requests and responses for every CBC operation, one file per API group.
//!
//! Each `<Id>Request` implements [`Operation`], which tells the client everything it needs to
//! send it: method, path, query, body, `X-Language`, what kind of call it is (read, price
//! inquiry or action, which decides retries and caching) and CBC's rate limit for it. The
//! matching `<Id>Response` is `Operation::Response`. Names of types and fields follow the
//! official SDK and `tests/fixtures/cbc-api/operations.json`; JSON keys are exactly CBC's.
//!
//! Responses tolerate unknown fields and missing ones (every response field is optional, lists
//! default to empty). Money is `rust_decimal::Decimal`, read exactly from numbers or decimal
//! strings; convert it with [`crate::cbc::money`]. Per-resource partial failures of actions are
//! in the response types (`fail_resource_infos`, `error_details`), see [`PartialFailures`].

pub mod account;
pub mod bills;
pub mod catalog;
pub mod coupons;
pub mod enterprise;
pub mod fields;
pub mod orders;
pub mod pricing;
pub mod resource_packages;
pub mod subscriptions;

pub use reqwest::Method;

pub use account::{
    ShowCustomerAccountBalancesRequest, ShowCustomerAccountBalancesResponse,
    ShowCustomerExpenditureQuotaRequest, ShowCustomerExpenditureQuotaResponse,
};
pub use bills::{
    ListCustomerselfResourceRecordDetailsRequest, ListCustomerselfResourceRecordDetailsResponse,
    ListCustomerselfResourceRecordsRequest, ListCustomerselfResourceRecordsResponse,
    ShowCustomerMonthlySumRequest, ShowCustomerMonthlySumResponse,
};
pub use catalog::{
    ListConversionsRequest, ListConversionsResponse, ListMeasureUnitsRequest,
    ListMeasureUnitsResponse, ListResourceTypesRequest, ListResourceTypesResponse,
    ListServiceResourcesRequest, ListServiceResourcesResponse, ListServiceTypesRequest,
    ListServiceTypesResponse, ListUsageTypesRequest, ListUsageTypesResponse,
};
pub use coupons::{ListSubCustomerCouponsRequest, ListSubCustomerCouponsResponse};
pub use enterprise::{CreateEnterpriseProjectAuthRequest, CreateEnterpriseProjectAuthResponse};
pub use orders::{
    CancelCustomerOrderRequest, CancelCustomerOrderResponse, ListCustomerOrdersRequest,
    ListCustomerOrdersResponse, ListOrderDiscountsRequest, ListOrderDiscountsResponse,
    PayOrdersRequest, PayOrdersResponse, ShowCustomerOrderDetailsRequest,
    ShowCustomerOrderDetailsResponse, ShowRefundOrderDetailsRequest,
    ShowRefundOrderDetailsResponse,
};
pub use pricing::{
    ListOnDemandResourceRatingsRequest, ListOnDemandResourceRatingsResponse,
    ListRateOnPeriodDetailRequest, ListRateOnPeriodDetailResponse, ListRenewRateOnPeriodRequest,
    ListRenewRateOnPeriodResponse,
};
pub use resource_packages::{
    ListFreeResourceInfosRequest, ListFreeResourceInfosResponse, ListFreeResourceUsagesRequest,
    ListFreeResourceUsagesResponse, ListFreeResourcesUsageRecordsRequest,
    ListFreeResourcesUsageRecordsResponse,
};
pub use subscriptions::{
    AutoRenewalResourcesRequest, AutoRenewalResourcesResponse, CancelAutoRenewalResourcesRequest,
    CancelAutoRenewalResourcesResponse, CancelResourcesSubscriptionRequest,
    CancelResourcesSubscriptionResponse, ListPayPerUseCustomerResourcesRequest,
    ListPayPerUseCustomerResourcesResponse, RenewalResourcesRequest, RenewalResourcesResponse,
    SetResourcesRenewConfigRequest, SetResourcesRenewConfigResponse, UpdatePeriodToOnDemandRequest,
    UpdatePeriodToOnDemandResponse,
};

pub use crate::cbc::money::Measured;
pub use crate::cbc::signer::encode;

/// What kind of call an operation is; decides retries and caching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Reads data; safe to retry and cache.
    Read,
    /// Asks for a price; safe to retry and cache (briefly).
    PriceInquiry,
    /// Changes money or resources upstream; never retried automatically, never cached.
    Action,
}

impl Kind {
    /// Whether a failed call of this kind may be repeated automatically.
    pub fn is_retryable(self) -> bool {
        !matches!(self, Kind::Action)
    }
}

/// Which cache lifetime applies to an operation's responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheClass {
    /// Product catalog and base data: changes rarely (hours).
    Catalog,
    /// Price inquiries (minutes).
    Pricing,
    /// Balances, lists, bills of one account (seconds).
    Account,
    /// Actions: never cached.
    None,
}

/// One CBC operation, implemented by its request type.
pub trait Operation: Send + Sync {
    /// Operation id as in the official SDK, e.g. `ListCustomerOrders`.
    const ID: &'static str;
    /// HTTP method.
    const METHOD: Method;
    /// Path with `{placeholders}` for path parameters.
    const PATH_TEMPLATE: &'static str;
    /// Read, price inquiry or action.
    const KIND: Kind;
    /// Cache lifetime class.
    const CACHE: CacheClass;
    /// CBC's documented limit for this API, calls per second per account.
    const UPSTREAM_LIMIT_PER_SEC: u32;
    /// The HTTP status CBC answers on success (200, or 204 without a body).
    const SUCCESS_STATUS: u16;
    /// Cloud Trace Service event name recorded upstream for actions.
    const CTS_EVENT: Option<&'static str>;
    /// The typed response.
    type Response: serde::de::DeserializeOwned + Send + Sync + 'static;

    /// The request path with path parameters substituted and percent-encoded.
    fn path(&self) -> String;
    /// Query pairs, unsorted; the client sends them in the signer's canonical order.
    fn query(&self) -> Vec<(String, String)>;
    /// JSON body, if the operation has one (`{}` when every field is unset).
    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error>;
    /// The `X-Language` header value, for operations that take one.
    fn language(&self) -> Option<&str>;
}

/// Turns a request's serialized fields into query pairs: lists become repeated keys, booleans
/// `true`/`false`, numbers their exact text. Unset fields are skipped by serialization already.
pub fn query_pairs<T: serde::Serialize>(req: &T) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(req) else {
        return out;
    };
    for (key, value) in map {
        let mut push = |v: &serde_json::Value| match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push((key.clone(), s.clone())),
            other => out.push((key.clone(), other.to_string())),
        };
        match &value {
            serde_json::Value::Array(items) => items.iter().for_each(&mut push),
            other => push(other),
        }
    }
    out
}

/// One resource that an action could not handle, from a 200 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFailure {
    /// The resource id (`resource_id`, or `id` in `error_details`).
    pub resource_id: String,
    /// CBC's error code for this resource.
    pub error_code: String,
    /// CBC's message for this resource (for logs; not shown to users as is).
    pub error_msg: String,
}

/// Responses that can report per-resource failures inside a successful (HTTP 200) answer.
pub trait PartialFailures {
    /// Resources that failed; entries carrying `CBC.0000` (success) are left out.
    fn failures(&self) -> Vec<ResourceFailure>;
}

fn failure(
    id: &Option<String>,
    code: &Option<String>,
    msg: &Option<String>,
) -> Option<ResourceFailure> {
    let code = code.clone().unwrap_or_default();
    if code.is_empty() || code == "CBC.0000" {
        return None;
    }
    Some(ResourceFailure {
        resource_id: id.clone().unwrap_or_default(),
        error_code: code,
        error_msg: msg.clone().unwrap_or_default(),
    })
}

impl PartialFailures for RenewalResourcesResponse {
    fn failures(&self) -> Vec<ResourceFailure> {
        self.fail_resource_infos
            .iter()
            .filter_map(|f| failure(&f.resource_id, &f.error_code, &f.error_msg))
            .collect()
    }
}

impl PartialFailures for CancelResourcesSubscriptionResponse {
    fn failures(&self) -> Vec<ResourceFailure> {
        self.fail_resource_infos
            .iter()
            .filter_map(|f| failure(&f.resource_id, &f.error_code, &f.error_msg))
            .collect()
    }
}

impl PartialFailures for ListRenewRateOnPeriodResponse {
    fn failures(&self) -> Vec<ResourceFailure> {
        self.fail_resource_infos
            .iter()
            .filter_map(|f| failure(&f.resource_id, &f.error_code, &f.error_msg))
            .collect()
    }
}

impl PartialFailures for UpdatePeriodToOnDemandResponse {
    fn failures(&self) -> Vec<ResourceFailure> {
        self.error_details
            .iter()
            .filter_map(|f| failure(&f.id, &f.error_code, &f.error_msg))
            .collect()
    }
}

/// Every operation: (id, kind), in the order of `operations.json`.
pub const ALL_OPERATIONS: &[(&str, Kind)] = &[
    (ListServiceTypesRequest::ID, ListServiceTypesRequest::KIND),
    (ListResourceTypesRequest::ID, ListResourceTypesRequest::KIND),
    (
        ListServiceResourcesRequest::ID,
        ListServiceResourcesRequest::KIND,
    ),
    (ListUsageTypesRequest::ID, ListUsageTypesRequest::KIND),
    (ListMeasureUnitsRequest::ID, ListMeasureUnitsRequest::KIND),
    (ListConversionsRequest::ID, ListConversionsRequest::KIND),
    (
        ListOnDemandResourceRatingsRequest::ID,
        ListOnDemandResourceRatingsRequest::KIND,
    ),
    (
        ListRateOnPeriodDetailRequest::ID,
        ListRateOnPeriodDetailRequest::KIND,
    ),
    (
        ListRenewRateOnPeriodRequest::ID,
        ListRenewRateOnPeriodRequest::KIND,
    ),
    (
        ShowCustomerAccountBalancesRequest::ID,
        ShowCustomerAccountBalancesRequest::KIND,
    ),
    (
        ShowCustomerExpenditureQuotaRequest::ID,
        ShowCustomerExpenditureQuotaRequest::KIND,
    ),
    (
        ListSubCustomerCouponsRequest::ID,
        ListSubCustomerCouponsRequest::KIND,
    ),
    (
        ListCustomerOrdersRequest::ID,
        ListCustomerOrdersRequest::KIND,
    ),
    (
        ShowCustomerOrderDetailsRequest::ID,
        ShowCustomerOrderDetailsRequest::KIND,
    ),
    (
        ListOrderDiscountsRequest::ID,
        ListOrderDiscountsRequest::KIND,
    ),
    (PayOrdersRequest::ID, PayOrdersRequest::KIND),
    (
        CancelCustomerOrderRequest::ID,
        CancelCustomerOrderRequest::KIND,
    ),
    (
        ShowRefundOrderDetailsRequest::ID,
        ShowRefundOrderDetailsRequest::KIND,
    ),
    (
        ListPayPerUseCustomerResourcesRequest::ID,
        ListPayPerUseCustomerResourcesRequest::KIND,
    ),
    (RenewalResourcesRequest::ID, RenewalResourcesRequest::KIND),
    (
        CancelResourcesSubscriptionRequest::ID,
        CancelResourcesSubscriptionRequest::KIND,
    ),
    (
        AutoRenewalResourcesRequest::ID,
        AutoRenewalResourcesRequest::KIND,
    ),
    (
        CancelAutoRenewalResourcesRequest::ID,
        CancelAutoRenewalResourcesRequest::KIND,
    ),
    (
        UpdatePeriodToOnDemandRequest::ID,
        UpdatePeriodToOnDemandRequest::KIND,
    ),
    (
        SetResourcesRenewConfigRequest::ID,
        SetResourcesRenewConfigRequest::KIND,
    ),
    (
        ListFreeResourceInfosRequest::ID,
        ListFreeResourceInfosRequest::KIND,
    ),
    (
        ListFreeResourceUsagesRequest::ID,
        ListFreeResourceUsagesRequest::KIND,
    ),
    (
        ListFreeResourcesUsageRecordsRequest::ID,
        ListFreeResourcesUsageRecordsRequest::KIND,
    ),
    (
        ShowCustomerMonthlySumRequest::ID,
        ShowCustomerMonthlySumRequest::KIND,
    ),
    (
        ListCustomerselfResourceRecordDetailsRequest::ID,
        ListCustomerselfResourceRecordDetailsRequest::KIND,
    ),
    (
        ListCustomerselfResourceRecordsRequest::ID,
        ListCustomerselfResourceRecordsRequest::KIND,
    ),
    (
        CreateEnterpriseProjectAuthRequest::ID,
        CreateEnterpriseProjectAuthRequest::KIND,
    ),
];

/// Runs `f` with the request/response types of operation `id` (tests only).
#[cfg(test)]
pub(crate) fn with_operation<V: OperationVisitor>(id: &str, v: V) -> Option<V::Output> {
    Some(match id {
        ListServiceTypesRequest::ID => v.visit::<ListServiceTypesRequest>(),
        ListResourceTypesRequest::ID => v.visit::<ListResourceTypesRequest>(),
        ListServiceResourcesRequest::ID => v.visit::<ListServiceResourcesRequest>(),
        ListUsageTypesRequest::ID => v.visit::<ListUsageTypesRequest>(),
        ListMeasureUnitsRequest::ID => v.visit::<ListMeasureUnitsRequest>(),
        ListConversionsRequest::ID => v.visit::<ListConversionsRequest>(),
        ListOnDemandResourceRatingsRequest::ID => v.visit::<ListOnDemandResourceRatingsRequest>(),
        ListRateOnPeriodDetailRequest::ID => v.visit::<ListRateOnPeriodDetailRequest>(),
        ListRenewRateOnPeriodRequest::ID => v.visit::<ListRenewRateOnPeriodRequest>(),
        ShowCustomerAccountBalancesRequest::ID => v.visit::<ShowCustomerAccountBalancesRequest>(),
        ShowCustomerExpenditureQuotaRequest::ID => v.visit::<ShowCustomerExpenditureQuotaRequest>(),
        ListSubCustomerCouponsRequest::ID => v.visit::<ListSubCustomerCouponsRequest>(),
        ListCustomerOrdersRequest::ID => v.visit::<ListCustomerOrdersRequest>(),
        ShowCustomerOrderDetailsRequest::ID => v.visit::<ShowCustomerOrderDetailsRequest>(),
        ListOrderDiscountsRequest::ID => v.visit::<ListOrderDiscountsRequest>(),
        PayOrdersRequest::ID => v.visit::<PayOrdersRequest>(),
        CancelCustomerOrderRequest::ID => v.visit::<CancelCustomerOrderRequest>(),
        ShowRefundOrderDetailsRequest::ID => v.visit::<ShowRefundOrderDetailsRequest>(),
        ListPayPerUseCustomerResourcesRequest::ID => {
            v.visit::<ListPayPerUseCustomerResourcesRequest>()
        }
        RenewalResourcesRequest::ID => v.visit::<RenewalResourcesRequest>(),
        CancelResourcesSubscriptionRequest::ID => v.visit::<CancelResourcesSubscriptionRequest>(),
        AutoRenewalResourcesRequest::ID => v.visit::<AutoRenewalResourcesRequest>(),
        CancelAutoRenewalResourcesRequest::ID => v.visit::<CancelAutoRenewalResourcesRequest>(),
        UpdatePeriodToOnDemandRequest::ID => v.visit::<UpdatePeriodToOnDemandRequest>(),
        SetResourcesRenewConfigRequest::ID => v.visit::<SetResourcesRenewConfigRequest>(),
        ListFreeResourceInfosRequest::ID => v.visit::<ListFreeResourceInfosRequest>(),
        ListFreeResourceUsagesRequest::ID => v.visit::<ListFreeResourceUsagesRequest>(),
        ListFreeResourcesUsageRecordsRequest::ID => {
            v.visit::<ListFreeResourcesUsageRecordsRequest>()
        }
        ShowCustomerMonthlySumRequest::ID => v.visit::<ShowCustomerMonthlySumRequest>(),
        ListCustomerselfResourceRecordDetailsRequest::ID => {
            v.visit::<ListCustomerselfResourceRecordDetailsRequest>()
        }
        ListCustomerselfResourceRecordsRequest::ID => {
            v.visit::<ListCustomerselfResourceRecordsRequest>()
        }
        CreateEnterpriseProjectAuthRequest::ID => v.visit::<CreateEnterpriseProjectAuthRequest>(),
        _ => return None,
    })
}

/// A generic callback over operation types (tests only).
#[cfg(test)]
pub(crate) trait OperationVisitor {
    type Output;
    fn visit<O: Operation + serde::Serialize + serde::de::DeserializeOwned>(self) -> Self::Output
    where
        O::Response: serde::Serialize;
}

#[cfg(test)]
mod tests;
