//! Resource packages: packages, usage of their items, deduction records.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ListFreeResourceInfos`: POST `/v3/payments/free-resources/query`.
///
/// v3 path. Lists resource packages and their resource items (free_resource_id per usage type).
/// Packages that expired more than 18 months ago are not returned.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00027.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourceInfosRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// `region_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// `enterprise_project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Values: `0` not yet effective; `1` effective; `2` used up; `3` expired; `4` unsubscribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// `service_type_code_list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code_list: Option<Vec<String>>,
}

/// Response of `ListFreeResourceInfos` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourceInfosResponse {
    /// `free_resource_packages`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub free_resource_packages: Vec<FreeResourcePackage>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

impl Operation for ListFreeResourceInfosRequest {
    const ID: &'static str = "ListFreeResourceInfos";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v3/payments/free-resources/query";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListFreeResourceInfosResponse;

    fn path(&self) -> String {
        "/v3/payments/free-resources/query".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListFreeResourceUsages`: POST `/v2/payments/free-resources/usages/details/query`.
///
/// Usage/remaining amount per resource item; free_resource_ids (each up to 64 chars) come from
/// ListFreeResourceInfos. Amounts here are usage quantities, not money.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00028.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourceUsagesRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// each id up to 64 chars.
    pub free_resource_ids: Vec<String>,
}

/// Response of `ListFreeResourceUsages` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourceUsagesResponse {
    /// `free_resources`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub free_resources: Vec<FreeResourceUsage>,
}

impl Operation for ListFreeResourceUsagesRequest {
    const ID: &'static str = "ListFreeResourceUsages";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/payments/free-resources/usages/details/query";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListFreeResourceUsagesResponse;

    fn path(&self) -> String {
        "/v2/payments/free-resources/usages/details/query".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(Some(serde_json::to_vec(self)?))
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListFreeResourcesUsageRecords`: GET `/v2/bills/customer-bills/free-resources-usage-records`.
///
/// Deduction records of resource packages. deduct_time_begin/end are mandatory dates YYYY-MM-DD
/// (UTC+8); window at most 90 days.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00029.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourcesUsageRecordsRequest {
    /// `free_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_resource_id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `deduct_time_begin`.
    pub deduct_time_begin: String,
    /// end - begin <= 90 days.
    pub deduct_time_end: String,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// Response of `ListFreeResourcesUsageRecords` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListFreeResourcesUsageRecordsResponse {
    /// `free_resource_records`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub free_resource_records: Vec<FreeResourceRecord>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

impl Operation for ListFreeResourcesUsageRecordsRequest {
    const ID: &'static str = "ListFreeResourcesUsageRecords";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/bills/customer-bills/free-resources-usage-records";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListFreeResourcesUsageRecordsResponse;

    fn path(&self) -> String {
        "/v2/bills/customer-bills/free-resources-usage-records".to_owned()
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

/// One entry of `free_resource_packages` (ListFreeResourceInfos).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeResourcePackage {
    /// `order_instance_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_instance_id: Option<String>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// `enterprise_project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Values: `0` all enterprise projects; `1` a specific enterprise project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_scope: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Values: `0` not yet effective; `1` effective; `2` used up; `3` expired; `4` unsubscribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// `region_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// Values: `0` order; `1` gift from DevCloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<i64>,
    /// Values: `ATOMIC_PKG` atomic package; `BUNDLE_PKG` bundle package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_type: Option<String>,
    /// Values: `1` resettable (quota restored every cycle); `2` not resettable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_reuse_mode: Option<i64>,
    /// `free_resources`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub free_resources: Vec<FreeResourceItem>,
}

/// One entry of `free_resources` (ListFreeResourceInfos).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeResourceItem {
    /// `free_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_resource_id: Option<String>,
    /// `usage_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_type_name: Option<String>,
    /// `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// `original_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_amount: Option<String>,
    /// `measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
}

impl Measured for FreeResourceItem {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `free_resources` (ListFreeResourceUsages).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeResourceUsage {
    /// `free_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_resource_id: Option<String>,
    /// `free_resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_resource_type_name: Option<String>,
    /// Values: `1` hour; `2` day; `3` week; `4` month; `5` year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_reuse_cycle: Option<i64>,
    /// Values: `1` natural calendar cycle; `2` subscription-date cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_reuse_cycle_type: Option<i64>,
    /// `usage_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_type_name: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `amount`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// `original_amount`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub original_amount: Option<Decimal>,
    /// `measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
}

impl Measured for FreeResourceUsage {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `free_resource_records` (ListFreeResourcesUsageRecords).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeResourceRecord {
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduct_time: Option<String>,
    /// `free_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_resource_id: Option<String>,
    /// `resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// `resource_tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_tag: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// `usage_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_type_code: Option<String>,
    /// `available_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_amount: Option<String>,
    /// `remaining_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_amount: Option<String>,
    /// `used_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_amount: Option<String>,
    /// `measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
}

impl Measured for FreeResourceRecord {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}
