//! Account balances and the expenditure quota.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ShowCustomerAccountBalances`: GET `/v2/accounts/customer-accounts/balances`.
///
/// Returns every account (cash balance, credit, bonus, deposit) with amount, plus total
/// debt_amount. Customer AK/SK or token only.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mac_00001.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerAccountBalancesRequest {}

/// Response of `ShowCustomerAccountBalances` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerAccountBalancesResponse {
    /// `account_balances`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub account_balances: Vec<AccountBalance>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub debt_amount: Option<Decimal>,
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

impl Measured for ShowCustomerAccountBalancesResponse {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

impl Operation for ShowCustomerAccountBalancesRequest {
    const ID: &'static str = "ShowCustomerAccountBalances";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/accounts/customer-accounts/balances";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 20;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ShowCustomerAccountBalancesResponse;

    fn path(&self) -> String {
        "/v2/accounts/customer-accounts/balances".to_owned()
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

/// Request of `ShowCustomerExpenditureQuota`: GET `/v2/accounts/customer-accounts/expenditure-quota`.
///
/// NOT in the installed Python SDK (bss). Present in the international Go SDK (bssintl,
/// ShowCustomerExpenditureQuota). Expenditure quota = spending cap of a monthly-settlement
/// customer; it is not a payment instrument. Not available (empty result) for customers of a
/// reseller partner. Customer AK/SK or token only. IAM action billing:balance:view. No request
/// parameters.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mac_00004.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerExpenditureQuotaRequest {}

/// Response of `ShowCustomerExpenditureQuota` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerExpenditureQuotaResponse {
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub granting_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub granting_amount_used: Option<Decimal>,
    /// `percentage_granting_amount_used`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub percentage_granting_amount_used: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: ISO 4217 currency code (Go bssintl doc: USD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Measured for ShowCustomerExpenditureQuotaResponse {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

impl Operation for ShowCustomerExpenditureQuotaRequest {
    const ID: &'static str = "ShowCustomerExpenditureQuota";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/accounts/customer-accounts/expenditure-quota";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ShowCustomerExpenditureQuotaResponse;

    fn path(&self) -> String {
        "/v2/accounts/customer-accounts/expenditure-quota".to_owned()
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

/// One entry of `account_balances` (ShowCustomerAccountBalances).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountBalance {
    /// `account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Values: `1` cash balance; `2` credit; `5` bonus; `7` deposit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub designated_amount: Option<Decimal>,
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
}

impl Measured for AccountBalance {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}
