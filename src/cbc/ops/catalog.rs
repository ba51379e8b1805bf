//! Product catalog and base data: service types, resource types, usage types, measurement units and conversions.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields, query_pairs};
use serde::{Deserialize, Serialize};

/// Request of `ListServiceTypes`: GET `/v2/products/service-types`.
///
/// Lists cloud service types (KooGallery services excluded). service_type_name supports fuzzy
/// (prefix/suffix/infix) match. No IAM authorization needed.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256679455.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListServiceTypesRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: min 1, max 1000, default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: min 0, max 1000000000, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min length 1, max length 128. fuzzy match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
}

/// Response of `ListServiceTypes` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListServiceTypesResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `service_types`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub service_types: Vec<ServiceType>,
}

impl Operation for ListServiceTypesRequest {
    const ID: &'static str = "ListServiceTypes";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/products/service-types";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListServiceTypesResponse;

    fn path(&self) -> String {
        "/v2/products/service-types".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListResourceTypes`: GET `/v2/products/resource-types`.
///
/// Lists resource types (e.g. hws.resource.type.vm). No IAM authorization needed.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256519451.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListResourceTypesRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: min 1, default 10. max not confirmed in corpus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: min 0, max 1000000000, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
}

/// Response of `ListResourceTypes` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListResourceTypesResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `resource_types`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub resource_types: Vec<ResourceType>,
}

impl Operation for ListResourceTypesRequest {
    const ID: &'static str = "ListResourceTypes";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/products/resource-types";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListResourceTypesResponse;

    fn path(&self) -> String {
        "/v2/products/resource-types".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListServiceResources`: GET `/v2/products/service-resources`.
///
/// Resource types that belong to one cloud service type; service_type_code is mandatory. Used to
/// build pricing queries. KooGallery service types not supported.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00003.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListServiceResourcesRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: max length 64.
    pub service_type_code: String,
    /// Limits: min 1, default 10. max not confirmed; empty value not allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: min 0, max 10000000, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
}

/// Response of `ListServiceResources` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListServiceResourcesResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub infos: Vec<ServiceResourceInfo>,
}

impl Operation for ListServiceResourcesRequest {
    const ID: &'static str = "ListServiceResources";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/products/service-resources";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListServiceResourcesResponse;

    fn path(&self) -> String {
        "/v2/products/service-resources".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListUsageTypes`: GET `/v2/products/usage-types`.
///
/// Usage types (usage factors such as Duration, upflow) optionally filtered by resource type; the
/// code is the usage_factor for on-demand pricing.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00004.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListUsageTypesRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// Response of `ListUsageTypes` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListUsageTypesResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `usage_types`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub usage_types: Vec<UsageType>,
}

impl Operation for ListUsageTypesRequest {
    const ID: &'static str = "ListUsageTypes";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/products/usage-types";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListUsageTypesResponse;

    fn path(&self) -> String {
        "/v2/products/usage-types".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListMeasureUnits`: GET `/v2/bases/measurements`.
///
/// All measurement units (id, name, abbreviation, type). measure_id values are referenced by many
/// other APIs (e.g. 1 = main currency unit, 4 = hour, 10 = GB per doc example). No parameters
/// except X-Language.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00006.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListMeasureUnitsRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
}

/// Response of `ListMeasureUnits` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListMeasureUnitsResponse {
    /// `measure_units`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub measure_units: Vec<MeasureUnit>,
}

impl Operation for ListMeasureUnitsRequest {
    const ID: &'static str = "ListMeasureUnits";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/bases/measurements";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListMeasureUnitsResponse;

    fn path(&self) -> String {
        "/v2/bases/measurements".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// Request of `ListConversions`: GET `/v2/bases/conversions`.
///
/// Conversion ratios between measurement units, optionally filtered by measure_type.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00007.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListConversionsRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Values: `1` currency; `2` duration; `3` traffic; `4` quantity; `5` weight; `6` length; `7`
    /// capacity; `8` volume; `9` rows; `10` period; `11` frequency; `12` count; `13` stock; `14`
    /// traffic x duration; `15` capacity x duration; `16` bandwidth rate; `17` capacity-duration;
    /// `18` query rate; `19` bandwidth rate (base 1000); `20` performance-test usage; `21` area;
    /// `22` video; `23` throughput; `24` resolution; `26` generic package deduction unit; `27`
    /// cores x duration; `28` memory x duration; `29` IOPS x duration; `30` throughput x duration;
    /// `31` count per duration; `40` traffic (base 1000); `41` 1K tokens; `82` frames; `98` cache
    /// bandwidth x duration; `103` HKD; `104` tokens; `108` quantity x duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_type: Option<i64>,
}

/// Response of `ListConversions` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListConversionsResponse {
    /// `conversions`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conversions: Vec<Conversion>,
}

impl Operation for ListConversionsRequest {
    const ID: &'static str = "ListConversions";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/bases/conversions";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Catalog;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListConversionsResponse;

    fn path(&self) -> String {
        "/v2/bases/conversions".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        query_pairs(self)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        self.x_language.as_deref()
    }
}

/// One entry of `service_types` (ListServiceTypes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceType {
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `abbreviation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<String>,
}

/// One entry of `resource_types` (ListResourceTypes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceType {
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// `resource_type_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_desc: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
}

/// One entry of `infos` (ListServiceResources).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceResourceInfo {
    /// `basic_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_info: Option<BasicInfo>,
}

/// The `basic_info` object (ListServiceResources).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BasicInfo {
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `product_owner_service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_owner_service: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One entry of `usage_types` (ListUsageTypes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageType {
    /// `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
}

/// One entry of `measure_units` (ListMeasureUnits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeasureUnit {
    /// `measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `measure_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_name: Option<String>,
    /// `abbreviation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<String>,
    /// Values: `1` currency; `2` duration; `3` traffic; `4` quantity; `5` weight; `6` length; `7`
    /// capacity; `8` volume; `9` rows; `10` period; `11` frequency; `12` count; `13` stock; `14`
    /// traffic x duration; `15` capacity x duration; `16` bandwidth rate; `17` capacity-duration;
    /// `18` query rate; `19` bandwidth rate (base 1000); `20` performance-test usage; `21` area;
    /// `22` video; `23` throughput; `24` resolution; `26` generic package deduction unit; `27`
    /// cores x duration; `28` memory x duration; `29` IOPS x duration; `30` throughput x duration;
    /// `31` count per duration; `40` traffic (base 1000); `41` 1K tokens; `82` frames; `98` cache
    /// bandwidth x duration; `103` HKD; `104` tokens; `108` quantity x duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_type: Option<i64>,
}

impl Measured for MeasureUnit {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `conversions` (ListConversions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversion {
    /// `measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `ref_measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ref_measure_id: Option<i64>,
    /// `conversion_ratio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_ratio: Option<i64>,
    /// Values: `1` currency; `2` duration; `3` traffic; `4` quantity; `5` weight; `6` length; `7`
    /// capacity; `8` volume; `9` rows; `10` period; `11` frequency; `12` count; `13` stock; `14`
    /// traffic x duration; `15` capacity x duration; `16` bandwidth rate; `17` capacity-duration;
    /// `18` query rate; `19` bandwidth rate (base 1000); `20` performance-test usage; `21` area;
    /// `22` video; `23` throughput; `24` resolution; `26` generic package deduction unit; `27`
    /// cores x duration; `28` memory x duration; `29` IOPS x duration; `30` throughput x duration;
    /// `31` count per duration; `40` traffic (base 1000); `41` 1K tokens; `82` frames; `98` cache
    /// bandwidth x duration; `103` HKD; `104` tokens; `108` quantity x duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_type: Option<i64>,
}

impl Measured for Conversion {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}
