//! Bills: monthly summary, resource usage details, resource expenditures.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ShowCustomerMonthlySum`: GET `/v2/bills/customer-bills/monthly-sum`.
///
/// Monthly expenditure summary for bill_cycle (YYYY-MM, UTC+8). Data covers up to 24:00 of the
/// previous day; last 3 years. method=sub_customer requires sub_customer_id. Enterprise project id
/// '0' = default, '-1' = not grouped.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00008.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerMonthlySumRequest {
    /// Limits: max length 8.
    pub bill_cycle: String,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Limits: min 0, max 2147483647, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, max 1000, default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Values: `oneself` own data; `sub_customer` enterprise member accounts; `all` own and members
    /// (default). Limits: max length 64, default all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Limits: max length 64. required when method=sub_customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_customer_id: Option<String>,
}

/// Response of `ShowCustomerMonthlySum` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerMonthlySumResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `bill_sums`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub bill_sums: Vec<MonthlyBillSum>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub consume_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub debt_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub flexipurchase_coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub stored_value_card_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cash_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub writeoff_amount: Option<Decimal>,
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
}

impl Measured for ShowCustomerMonthlySumResponse {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

impl Operation for ShowCustomerMonthlySumRequest {
    const ID: &'static str = "ShowCustomerMonthlySum";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/bills/customer-bills/monthly-sum";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ShowCustomerMonthlySumResponse;

    fn path(&self) -> String {
        "/v2/bills/customer-bills/monthly-sum".to_owned()
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

/// Request of `ListCustomerselfResourceRecordDetails`: POST `/v2/bills/customer-bills/res-records/query`.
///
/// 'Resource usage details' (resource bill detail). POST with JSON body; cycle (YYYY-MM, UTC+8)
/// mandatory; not before 2019-01; last 3 years. query_type DAILY needs statistic_type 2 or 3 and
/// bill_cycle_begin/end (YYYY-MM-DD). Data may lag up to 24h. EU docs say X-Language defaults to
/// en_US.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00003.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerselfResourceRecordDetailsRequest {
    /// Header `X-Language`. Values: `zh_cn` Chinese; `en_us` English. Limits: max length 10.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Format: billing cycle (YYYY-MM), UTC+8. Limits: max length 8. not earlier than 2019-01.
    pub cycle: String,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type: Option<String>,
    /// `resource_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// `region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `res_instance_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub res_instance_id: Option<String>,
    /// Values: `1` yearly/monthly; `3` pay-per-use; `10` reserved instance; `11` savings plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_mode: Option<i64>,
    /// Values: `1` consumption - new purchase; `2` consumption - renewal; `3` consumption -
    /// modification; `4` refund - unsubscription; `5` consumption - usage; `8` consumption - auto-
    /// renewal; `9` adjustment - compensation; `12` consumption - hourly billing; `13` consumption -
    /// unsubscription fee; `14` consumption - support plan month-end charge; `16` adjustment -
    /// deduction; `18` consumption - monthly payment; `20` refund - modification; `23` consumption -
    /// savings plan deduction; `24` refund - yearly/monthly to pay-per-use; `25` consumption -
    /// rounding make-up charge; `103` consumption - yearly payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<i64>,
    /// `enterprise_project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// `include_zero_record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_zero_record: Option<bool>,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Values: `oneself` own data; `sub_customer` enterprise member accounts; `all` own and members
    /// (default). Limits: default all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// required when method=sub_customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_customer_id: Option<String>,
    /// Values: `1` by billing cycle; `2` by day; `3` by detail. Limits: default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic_type: Option<i64>,
    /// Values: `BILLCYCLE` by month (default); `DAILY` by day (only with statistic_type 2 or 3).
    /// Limits: default BILLCYCLE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type: Option<String>,
    /// Format: date (YYYY-MM-DD). required when query_type=DAILY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_cycle_begin: Option<String>,
    /// Format: date (YYYY-MM-DD). required when query_type=DAILY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_cycle_end: Option<String>,
    /// `payer_account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account_id: Option<String>,
}

/// Response of `ListCustomerselfResourceRecordDetails` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerselfResourceRecordDetailsResponse {
    /// `monthly_records`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub monthly_records: Vec<ResourceRecordDetail>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Operation for ListCustomerselfResourceRecordDetailsRequest {
    const ID: &'static str = "ListCustomerselfResourceRecordDetails";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/bills/customer-bills/res-records/query";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = Some("queryResRecordsDetail");
    type Response = ListCustomerselfResourceRecordDetailsResponse;

    fn path(&self) -> String {
        "/v2/bills/customer-bills/res-records/query".to_owned()
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

/// Request of `ListCustomerselfResourceRecords`: GET `/v2/bills/customer-bills/res-fee-records`.
///
/// 'Resource expenditures' (fee records per resource). cycle (YYYY-MM, UTC+8) mandatory;
/// bill_date_begin/end must be in the same month as cycle and must be given together.
/// statistic_type defaults to 3 (detail). Hour-level delay; current month data not final.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00004.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerselfResourceRecordsRequest {
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 10.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: max length 10.
    pub cycle: String,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Values: `1` yearly/monthly; `3` pay-per-use; `10` reserved instance; `11` savings plan.
    /// Limits: max length 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_mode: Option<String>,
    /// Values: `1` consumption - new purchase; `2` consumption - renewal; `3` consumption -
    /// modification; `4` refund - unsubscription; `5` consumption - usage; `8` consumption - auto-
    /// renewal; `9` adjustment - compensation; `12` consumption - hourly billing; `13` consumption -
    /// unsubscription fee; `14` consumption - support plan month-end charge; `16` adjustment -
    /// deduction; `18` consumption - monthly payment; `20` refund - modification; `23` consumption -
    /// savings plan deduction; `24` refund - yearly/monthly to pay-per-use; `25` consumption -
    /// rounding make-up charge; `103` consumption - yearly payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<i64>,
    /// Limits: min 0, max 2147483647, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, max 1000, default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// `include_zero_record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_zero_record: Option<bool>,
    /// Values: `oneself` own data; `sub_customer` enterprise member accounts; `all` own and members
    /// (default). Limits: default all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `sub_customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_customer_id: Option<String>,
    /// `trade_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_id: Option<String>,
    /// same month as cycle; give with bill_date_end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_date_begin: Option<String>,
    /// same month as cycle; give with bill_date_begin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_date_end: Option<String>,
    /// Values: `1` by billing cycle; `2` by day; `3` by detail. Limits: default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic_type: Option<i64>,
}

/// Response of `ListCustomerselfResourceRecords` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerselfResourceRecordsResponse {
    /// `fee_records`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fee_records: Vec<ResourceFeeRecord>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Operation for ListCustomerselfResourceRecordsRequest {
    const ID: &'static str = "ListCustomerselfResourceRecords";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/bills/customer-bills/res-fee-records";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = Some("queryResFeeRecords");
    type Response = ListCustomerselfResourceRecordsResponse;

    fn path(&self) -> String {
        "/v2/bills/customer-bills/res-fee-records".to_owned()
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

/// One entry of `bill_sums` (ShowCustomerMonthlySum).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthlyBillSum {
    /// Format: billing cycle (YYYY-MM), UTC+8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_cycle: Option<String>,
    /// `resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_code: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// Values: `1` yearly/monthly; `3` pay-per-use; `10` reserved instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charging_mode: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_discount_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub truncated_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub consume_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub flexipurchase_coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub stored_value_card_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub debt_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub writeoff_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cash_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Values: `1` consumption; `2` refund; `3` adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<i64>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `account_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

impl Measured for MonthlyBillSum {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `monthly_records` (ListCustomerselfResourceRecordDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceRecordDetail {
    /// Format: billing cycle (YYYY-MM), UTC+8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<String>,
    /// Format: date (YYYY-MM-DD), UTC+8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_date: Option<String>,
    /// Values: `1` consumption - new purchase; `2` consumption - renewal; `3` consumption -
    /// modification; `4` refund - unsubscription; `5` consumption - usage; `8` consumption - auto-
    /// renewal; `9` adjustment - compensation; `12` consumption - hourly billing; `13` consumption -
    /// unsubscription fee; `14` consumption - support plan month-end charge; `16` adjustment -
    /// deduction; `18` consumption - monthly payment; `20` refund - modification; `23` consumption -
    /// savings plan deduction; `24` refund - yearly/monthly to pay-per-use; `25` consumption -
    /// rounding make-up charge; `103` consumption - yearly payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<i64>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `region_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
    /// `cloud_service_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type: Option<String>,
    /// `resource_Type_code`.
    #[serde(
        rename = "resource_Type_code",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_type_code: Option<String>,
    /// `cloud_service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type_name: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// `res_instance_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub res_instance_id: Option<String>,
    /// `resource_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// `resource_tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_tag: Option<String>,
    /// `sku_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_code: Option<String>,
    /// `enterprise_project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// `enterprise_project_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_name: Option<String>,
    /// Values: `1` yearly/monthly; `3` pay-per-use; `10` reserved instance; `11` savings plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_mode: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub consume_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cash_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub flexipurchase_coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub stored_card_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub bonus_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub debt_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub adjustment_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
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
    /// Values: `19` year; `20` month; `24` day; `25` hour; `5` one-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<i64>,
    /// `root_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_resource_id: Option<String>,
    /// `parent_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_resource_id: Option<String>,
    /// `trade_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_id: Option<String>,
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `product_spec_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_desc: Option<String>,
    /// `sub_service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_service_type_code: Option<String>,
    /// `sub_service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_service_type_name: Option<String>,
    /// `sub_resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_type_code: Option<String>,
    /// `sub_resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_type_name: Option<String>,
    /// `sub_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_id: Option<String>,
    /// `sub_resource_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_name: Option<String>,
    /// `pre_order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_order_id: Option<String>,
    /// `az_code_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub az_code_infos: Vec<AzCodeInfo>,
    /// `payer_account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account_id: Option<String>,
    /// Format: datetime, format not stated in SDK (assume UTC yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: datetime, format not stated in SDK (assume UTC yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_time: Option<String>,
    /// `be_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub be_id: Option<String>,
    /// `extend_params`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_params: Option<ExtendParams>,
    /// `account_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// `period_num`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub period_num: Option<Decimal>,
    /// `is_spot`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_spot: Option<String>,
    /// `promotion_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_type: Option<String>,
    /// Values: `ALL_UPFRONT` all upfront; `PARTIAL_UPFRONT` partial upfront; `NO_UPFRONT` no
    /// upfront.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<String>,
}

impl Measured for ResourceRecordDetail {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One entry of `az_code_infos` (ListCustomerselfResourceRecordDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AzCodeInfo {
    /// `az_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az_code: Option<String>,
}

/// The `extend_params` object (ListCustomerselfResourceRecordDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtendParams {
    /// `self_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_resource_id: Option<String>,
    /// `relation_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub relation_infos: Vec<RelationInfo>,
}

/// One entry of `relation_infos` (ListCustomerselfResourceRecordDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelationInfo {
    /// `relative_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_resource_id: Option<String>,
    /// Values: `PARENT` parent resource; `ROOT` root resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_type: Option<String>,
}

/// One entry of `fee_records` (ListCustomerselfResourceRecords).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceFeeRecord {
    /// Format: date (YYYY-MM-DD), UTC+8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_date: Option<String>,
    /// Values: `1` consumption - new purchase; `2` consumption - renewal; `3` consumption -
    /// modification; `4` refund - unsubscription; `5` consumption - usage; `8` consumption - auto-
    /// renewal; `9` adjustment - compensation; `12` consumption - hourly billing; `13` consumption -
    /// unsubscription fee; `14` consumption - support plan month-end charge; `16` adjustment -
    /// deduction; `18` consumption - monthly payment; `20` refund - modification; `23` consumption -
    /// savings plan deduction; `24` refund - yearly/monthly to pay-per-use; `25` consumption -
    /// rounding make-up charge; `103` consumption - yearly payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<i64>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `region_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
    /// `cloud_service_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type: Option<String>,
    /// `resource_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// `cloud_service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_service_type_name: Option<String>,
    /// `resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_name: Option<String>,
    /// Format: datetime, format not stated in SDK (assume UTC yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: datetime, format not stated in SDK (assume UTC yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// `resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `resource_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// `resource_tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_tag: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// `product_spec_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_desc: Option<String>,
    /// `sku_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_code: Option<String>,
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
    /// `trade_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_id: Option<String>,
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Format: datetime, format not stated in SDK (assume UTC yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_time: Option<String>,
    /// `enterprise_project_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// `enterprise_project_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_name: Option<String>,
    /// Values: `1` yearly/monthly; `3` pay-per-use; `10` reserved instance; `11` savings plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_mode: Option<String>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Values: `19` year; `20` month; `24` day; `25` hour; `5` one-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    /// `usage_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_type: Option<String>,
    /// `usage`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage: Option<Decimal>,
    /// `usage_measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_measure_id: Option<i64>,
    /// `free_resource_usage`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub free_resource_usage: Option<Decimal>,
    /// `free_resource_measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub free_resource_measure_id: Option<i64>,
    /// `ri_usage`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ri_usage: Option<Decimal>,
    /// `ri_usage_measure_id`.
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ri_usage_measure_id: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_price: Option<Decimal>,
    /// `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
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
    pub amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cash_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub flexipurchase_coupon_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub stored_card_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub bonus_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub debt_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub adjustment_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `formula`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// `sub_service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_service_type_code: Option<String>,
    /// `sub_service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_service_type_name: Option<String>,
    /// `sub_resource_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_type_code: Option<String>,
    /// `sub_resource_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_type_name: Option<String>,
    /// `sub_resource_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_id: Option<String>,
    /// `sub_resource_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_resource_name: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_time: Option<String>,
    /// `relative_order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_order_id: Option<String>,
    /// `account_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// `period_num`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub period_num: Option<Decimal>,
}

impl Measured for ResourceFeeRecord {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}
