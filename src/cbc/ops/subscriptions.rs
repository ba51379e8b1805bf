//! Yearly/monthly resources: list, renew, unsubscribe, auto-renew, change to pay-per-use, renewal settings.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Method, Operation, encode, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ListPayPerUseCustomerResources`: POST `/v2/orders/suscriptions/resources/query`.
///
/// Path really is /v2/orders/suscriptions/resources/query (typo 'suscriptions', only here). Despite
/// the SDK name it lists YEARLY/MONTHLY resources. resource_ids: 0-50 items; status_list: 0-10
/// items; only successfully provisioned resources. An empty body '{}' returns the first `limit`
/// (default 10) resources. IAM action billing:subscription:view.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00021.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListPayPerUseCustomerResourcesRequest {
    /// Limits: max items 50, min items 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_ids: Option<Vec<String>>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Values: `0` main and attached resources (default); `1` main resources only. Limits: default
    /// 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_main_resource: Option<i64>,
    /// Values: `2` in use; `3` closed; `4` frozen; `5` expired. Limits: max items 10, min items 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_list: Option<Vec<i64>>,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed in corpus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time_begin: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time_end: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// Response of `ListPayPerUseCustomerResources` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListPayPerUseCustomerResourcesResponse {
    /// `data`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub data: Vec<CustomerResource>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

impl Operation for ListPayPerUseCustomerResourcesRequest {
    const ID: &'static str = "ListPayPerUseCustomerResources";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/orders/suscriptions/resources/query";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListPayPerUseCustomerResourcesResponse;

    fn path(&self) -> String {
        "/v2/orders/suscriptions/resources/query".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `RenewalResources`: POST `/v2/orders/subscriptions/resources/renew`.
///
/// Renews main resources (max 10; attached resources are renewed with them). period_num: 1-11
/// months or 1-3 years. Returns the created order_ids; with is_auto_pay=0 the order must then be
/// paid via PayOrders. Does not change an existing auto-renew policy. IAM action
/// billing:subscription:renew.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00018.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewalResourcesRequest {
    /// Limits: max items 10. main resources only.
    pub resource_ids: Vec<String>,
    /// Values: `2` month; `3` year.
    pub period_type: i64,
    /// 1-11 months or 1-3 years.
    pub period_num: i64,
    /// Values: `0` do not pay automatically (default); `1` pay automatically. Limits: default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_auto_pay: Option<i64>,
}

/// Response of `RenewalResources` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewalResourcesResponse {
    /// `order_ids`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_ids: Vec<String>,
    /// `fail_resource_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

impl Operation for RenewalResourcesRequest {
    const ID: &'static str = "RenewalResources";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/orders/subscriptions/resources/renew";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = Some("renewResources");
    type Response = RenewalResourcesResponse;

    fn path(&self) -> String {
        "/v2/orders/subscriptions/resources/renew".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `CancelResourcesSubscription`: POST `/v2/orders/subscriptions/resources/unsubscribe`.
///
/// Unsubscribes main resources (max 10). unsubscribe_type 1 = resource and renewed periods, 2 =
/// renewed periods only. Per-resource failures come back with HTTP 200 inside fail_resource_infos
/// (error_code/error_msg per resource). 5-day no-reason full refund rules apply.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00019.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelResourcesSubscriptionRequest {
    /// Limits: max items 10. main resources only.
    pub resource_ids: Vec<String>,
    /// Values: `1` unsubscribe resource and its renewed periods; `2` unsubscribe only the renewed
    /// periods.
    pub unsubscribe_type: i64,
    /// Values: `1` product hard to use; `2` features do not meet needs; `3` operation too complex;
    /// `4` unsatisfied with service; `5` other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_reason_type: Option<i64>,
    /// `unsubscribe_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_reason: Option<String>,
}

/// Response of `CancelResourcesSubscription` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelResourcesSubscriptionResponse {
    /// `order_ids`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_ids: Vec<String>,
    /// `fail_resource_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

impl Operation for CancelResourcesSubscriptionRequest {
    const ID: &'static str = "CancelResourcesSubscription";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/orders/subscriptions/resources/unsubscribe";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = Some("unsubscribeResources");
    type Response = CancelResourcesSubscriptionResponse;

    fn path(&self) -> String {
        "/v2/orders/subscriptions/resources/unsubscribe".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `AutoRenewalResources`: POST `/v2/orders/subscriptions/resources/autorenew/{resource_id}`.
///
/// Enables auto-renew for resource_id (ECS: attached disks follow). auto_renew_times 0-99 (0 =
/// unlimited; default unlimited on first enable). Charge happens at 03:00 seven days before expiry,
/// retried daily. Resource must be paid and not expired/frozen. IAM action
/// billing:subscription:renew.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00022.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoRenewalResourcesRequest {
    /// Path parameter. Limits: max length 64.
    #[serde(skip_serializing, default)]
    pub resource_id: String,
    /// Limits: min 0, max 99. 0 = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_renew_times: Option<i64>,
    /// Values: `MONTH` monthly; `YEAR` yearly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
}

/// Response of `AutoRenewalResources`: HTTP 204 with no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoRenewalResourcesResponse {}

impl Operation for AutoRenewalResourcesRequest {
    const ID: &'static str = "AutoRenewalResources";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str =
        "/v2/orders/subscriptions/resources/autorenew/{resource_id}";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 204;
    const CTS_EVENT: Option<&'static str> = Some("setResourcesAutorenew");
    type Response = AutoRenewalResourcesResponse;

    fn path(&self) -> String {
        format!(
            "/v2/orders/subscriptions/resources/autorenew/{}",
            encode(&self.resource_id)
        )
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `CancelAutoRenewalResources`: DELETE `/v2/orders/subscriptions/resources/autorenew/{resource_id}`.
///
/// Disables auto-renew for resource_id. No body.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00023.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelAutoRenewalResourcesRequest {
    /// Path parameter. Limits: max length 64.
    #[serde(skip_serializing, default)]
    pub resource_id: String,
}

/// Response of `CancelAutoRenewalResources`: HTTP 204 with no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelAutoRenewalResourcesResponse {}

impl Operation for CancelAutoRenewalResourcesRequest {
    const ID: &'static str = "CancelAutoRenewalResources";
    const METHOD: Method = Method::DELETE;
    const PATH_TEMPLATE: &'static str =
        "/v2/orders/subscriptions/resources/autorenew/{resource_id}";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 204;
    const CTS_EVENT: Option<&'static str> = Some("cancelResourcesAutoRenew");
    type Response = CancelAutoRenewalResourcesResponse;

    fn path(&self) -> String {
        format!(
            "/v2/orders/subscriptions/resources/autorenew/{}",
            encode(&self.resource_id)
        )
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `UpdatePeriodToOnDemand`: POST `/v2/orders/subscriptions/resources/to-on-demand`.
///
/// Sets (SET_UP) or cancels (CANCEL) 'change to pay-per-use at expiry' for up to 100 main
/// resources; attached resources follow. Partial failures are listed in error_details with
/// HTTP 200. Not supported for solution bundles and on-demand packages.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00024.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdatePeriodToOnDemandRequest {
    /// Values: `SET_UP` enable change to pay-per-use at expiry; `CANCEL` cancel that setting.
    /// Limits: max length 64.
    pub operation: String,
    /// Limits: max items 100, min items 1.
    pub resource_ids: Vec<String>,
}

/// Response of `UpdatePeriodToOnDemand` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdatePeriodToOnDemandResponse {
    /// `error_details`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub error_details: Vec<ErrorDetail>,
}

impl Operation for UpdatePeriodToOnDemandRequest {
    const ID: &'static str = "UpdatePeriodToOnDemand";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/orders/subscriptions/resources/to-on-demand";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = Some("updatePeriodToOnDemand");
    type Response = UpdatePeriodToOnDemandResponse;

    fn path(&self) -> String {
        "/v2/orders/subscriptions/resources/to-on-demand".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// Request of `SetResourcesRenewConfig`: POST `/v2/orders/subscriptions/resources/renew/config`.
///
/// config_name DEDUCTION_DATE: config_value '2'..'7' = charge auto-renewals that many days before
/// expiry (at 03:00). config_name EXPIRE_DATE: config_value '1'..'28' = renewals align expiry to
/// that day of month. Success returns HTTP 200 with body
/// {"error_code":"CBC.0000","error_msg":"success"}.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00031.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetResourcesRenewConfigRequest {
    /// Values: `DEDUCTION_DATE` days before expiry on which auto-renew is charged (value 2-7);
    /// `EXPIRE_DATE` unified expiry day of month after renewal (value 1-28).
    pub config_name: String,
    /// Limits: min length 1, max length 64. DEDUCTION_DATE: '2'..'7'; EXPIRE_DATE: '1'..'28'.
    pub config_value: String,
}

/// Response of `SetResourcesRenewConfig` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetResourcesRenewConfigResponse {
    /// `error_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `error_msg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

impl Operation for SetResourcesRenewConfigRequest {
    const ID: &'static str = "SetResourcesRenewConfig";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/orders/subscriptions/resources/renew/config";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = SetResourcesRenewConfigResponse;

    fn path(&self) -> String {
        "/v2/orders/subscriptions/resources/renew/config".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        None
    }
}

/// One entry of `data` (ListPayPerUseCustomerResources).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerResource {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `resource_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// `region_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// `resource_spec_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_spec_code: Option<String>,
    /// `project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `parent_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_resource_id: Option<String>,
    /// Values: `0` attached resource; `1` main resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_main_resource: Option<i64>,
    /// Values: `2` in use; `3` closed; `4` frozen; `5` expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Values: `0` enter grace period; `1` change to pay-per-use; `2` delete when expired (from
    /// active state); `3` auto-renew; `4` freeze; `5` delete (from retention period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_policy: Option<i64>,
    /// `product_spec_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_desc: Option<String>,
    /// `spec_size`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub spec_size: Option<Decimal>,
    /// `spec_size_measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub spec_size_measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    /// `enterprise_project`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project: Option<EnterpriseProject>,
}

/// The `enterprise_project` object (ListPayPerUseCustomerResources).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseProject {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One entry of `fail_resource_infos` (RenewalResources).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailResourceInfo {
    /// `error_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `error_msg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// `resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// One entry of `error_details` (UpdatePeriodToOnDemand).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// `error_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `error_msg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}
