//! Price inquiries: pay-per-use, yearly/monthly purchase and renewal prices.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ListOnDemandResourceRatings`: POST `/v2/bills/ratings/on-demand-resources`.
///
/// Prices pay-per-use products. Product is located by cloud_service_type + resource_type + region +
/// resource_spec; each product_infos[].id must be unique in the call and is echoed back in
/// product_rating_results[].id. Linear products (disk, bandwidth) need resource_size +
/// size_measure_id. Returns official price, discount and final amount; when several discounts apply
/// the commercial discount is preferred.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/bcloud_01001.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListOnDemandResourceRatingsRequest {
    /// `project_id`: the IAM project of the region being priced (one per region), never the
    /// account (domain) id, which Huawei refuses here.
    pub project_id: String,
    /// Values: `0` default precision, at most 6 decimals; `1` high precision, at most 10 decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiry_precision: Option<i64>,
    /// `product_infos`.
    pub product_infos: Vec<OnDemandProductInfo>,
}

/// Response of `ListOnDemandResourceRatings` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListOnDemandResourceRatingsResponse {
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `product_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub product_rating_results: Vec<OnDemandProductRatingResult>,
}

impl Measured for ListOnDemandResourceRatingsResponse {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

impl Operation for ListOnDemandResourceRatingsRequest {
    const ID: &'static str = "ListOnDemandResourceRatings";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/bills/ratings/on-demand-resources";
    const KIND: Kind = Kind::PriceInquiry;
    const CACHE: CacheClass = CacheClass::Pricing;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 20;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListOnDemandResourceRatingsResponse;

    fn path(&self) -> String {
        "/v2/bills/ratings/on-demand-resources".to_owned()
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

/// Request of `ListRateOnPeriodDetail`: POST `/v2/bills/ratings/period-resources/subscribe-rate`.
///
/// Prices yearly/monthly products at purchase time. product_infos: at most 100 items. Returns the
/// official-website price plus one result per optional discount (best_offer marks the best). IAM
/// action billing:contract:viewDiscount controls discount visibility.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/bcloud_01002.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListRateOnPeriodDetailRequest {
    /// The IAM project of the region being priced (one per region), never the account (domain)
    /// id. Limits: max length 64.
    pub project_id: String,
    /// Limits: max items 100.
    pub product_infos: Vec<PeriodProductInfo>,
}

/// Response of `ListRateOnPeriodDetail` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListRateOnPeriodDetailResponse {
    /// `official_website_rating_result`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_website_rating_result: Option<PeriodOfficialWebsiteRatingResult>,
    /// `optional_discount_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub optional_discount_rating_results: Vec<PeriodDiscountRatingResult>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Operation for ListRateOnPeriodDetailRequest {
    const ID: &'static str = "ListRateOnPeriodDetail";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/bills/ratings/period-resources/subscribe-rate";
    const KIND: Kind = Kind::PriceInquiry;
    const CACHE: CacheClass = CacheClass::Pricing;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 30;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListRateOnPeriodDetailResponse;

    fn path(&self) -> String {
        "/v2/bills/ratings/period-resources/subscribe-rate".to_owned()
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

/// Request of `ListRenewRateOnPeriod`: POST `/v2/bills/ratings/period-resources/renew-rate`.
///
/// Extra op: quotes the renewal price of existing yearly/monthly resources. resource_ids: main
/// resources only, at most 10. period_num: 1-11 for months, 1-3 for years. Resources that cannot be
/// priced are listed in fail_resource_infos. Doc page id not confirmed in the stored corpus.
///
/// API reference: not published for the EU site; see the CBC API reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListRenewRateOnPeriodRequest {
    /// Limits: max items 10. main resources only.
    pub resource_ids: Vec<String>,
    /// Values: `2` month; `3` year.
    pub period_type: i64,
    /// 1-11 when period_type=2 (month), 1-3 when period_type=3 (year).
    pub period_num: i64,
    /// `include_relative_resources`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_relative_resources: Option<bool>,
}

/// Response of `ListRenewRateOnPeriod` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListRenewRateOnPeriodResponse {
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `renew_inquiry_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub renew_inquiry_results: Vec<RenewInquiryResult>,
    /// `official_website_rating_result`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_website_rating_result: Option<RenewOfficialWebsiteRatingResult>,
    /// `optional_discount_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub optional_discount_rating_results: Vec<RenewDiscountRatingResult>,
    /// `fail_resource_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

impl Operation for ListRenewRateOnPeriodRequest {
    const ID: &'static str = "ListRenewRateOnPeriod";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/bills/ratings/period-resources/renew-rate";
    const KIND: Kind = Kind::PriceInquiry;
    const CACHE: CacheClass = CacheClass::Pricing;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListRenewRateOnPeriodResponse;

    fn path(&self) -> String {
        "/v2/bills/ratings/period-resources/renew-rate".to_owned()
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

/// One entry of `product_infos` (ListOnDemandResourceRatings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OnDemandProductInfo {
    /// unique within the request.
    pub id: String,
    /// `cloud_service_type`.
    pub cloud_service_type: String,
    /// `resource_type`.
    pub resource_type: String,
    /// `resource_spec`.
    pub resource_spec: String,
    /// `region`.
    pub region: String,
    /// `available_zone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_zone: Option<String>,
    /// `resource_size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_size: Option<i64>,
    /// Values: `15` Mbps (bandwidth); `17` GB (disk); `14` count/times.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_measure_id: Option<i64>,
    /// `usage_factor`.
    pub usage_factor: String,
    /// `usage_value`.
    #[serde(with = "fields::decimal_num")]
    pub usage_value: Decimal,
    /// `usage_measure_id`.
    #[serde(with = "fields::int_num")]
    pub usage_measure_id: i64,
    /// `subscription_num`.
    pub subscription_num: i64,
}

/// One entry of `product_rating_results` (ListOnDemandResourceRatings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OnDemandProductRatingResult {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `discount_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub discount_rating_results: Vec<DiscountRatingResult>,
}

impl Measured for OnDemandProductRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `discount_rating_results` (ListOnDemandResourceRatings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscountRatingResult {
    /// `discount_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_id: Option<String>,
    /// `discount_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `discount_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_name: Option<String>,
}

impl Measured for DiscountRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `product_infos` (ListRateOnPeriodDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodProductInfo {
    /// Limits: max length 64. unique within the request.
    pub id: String,
    /// Limits: max length 400.
    pub cloud_service_type: String,
    /// Limits: max length 400.
    pub resource_type: String,
    /// Limits: max length 400.
    pub resource_spec: String,
    /// `region`.
    pub region: String,
    /// `available_zone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_zone: Option<String>,
    /// `resource_size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_size: Option<i64>,
    /// Values: `15` Mbps (bandwidth); `17` GB (disk); `14` count/times.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_measure_id: Option<i64>,
    /// Values: `0` day; `2` month; `3` year; `4` hour.
    pub period_type: i64,
    /// `period_num`.
    pub period_num: i64,
    /// `subscription_num`.
    pub subscription_num: i64,
    /// Values: `HALF_PAY` half paid up front; `ZERO_PAY` nothing up front; `NA` no installments
    /// (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_installment_mode: Option<String>,
}

/// The `official_website_rating_result` object (ListRateOnPeriodDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodOfficialWebsiteRatingResult {
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Values: `2` month; `3` year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `product_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub product_rating_results: Vec<PeriodOfficialProductRatingResult>,
}

impl Measured for PeriodOfficialWebsiteRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `product_rating_results` (ListRateOnPeriodDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodOfficialProductRatingResult {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Values: `2` month; `3` year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
}

impl Measured for PeriodOfficialProductRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `optional_discount_rating_results` (ListRateOnPeriodDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodDiscountRatingResult {
    /// `discount_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `discount_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<i64>,
    /// `discount_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_name: Option<String>,
    /// Values: `0` not the best offer (default); `1` best offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_offer: Option<i64>,
    /// `product_rating_results`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub product_rating_results: Vec<PeriodDiscountProductRatingResult>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_amount: Option<Decimal>,
    /// Values: `2` month; `3` year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
}

impl Measured for PeriodDiscountRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `product_rating_results` (ListRateOnPeriodDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodDiscountProductRatingResult {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_amount: Option<Decimal>,
    /// Values: `2` month; `3` year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
}

impl Measured for PeriodDiscountProductRatingResult {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `renew_inquiry_results` (ListRenewRateOnPeriod).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewInquiryResult {
    /// `resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
}

/// The `official_website_rating_result` object (ListRenewRateOnPeriod).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewOfficialWebsiteRatingResult {
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Values: `2` month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
}

/// One entry of `optional_discount_rating_results` (ListRenewRateOnPeriod).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewDiscountRatingResult {
    /// `discount_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_id: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// `discount_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<i64>,
    /// `discount_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_name: Option<String>,
    /// Values: `0` not the best offer (default); `1` best offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_offer: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_website_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_official_discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_amount: Option<Decimal>,
    /// Values: `2` month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_period_type: Option<i64>,
}

/// One entry of `fail_resource_infos` (ListRenewRateOnPeriod).
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
