//! The customer's coupons.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ListSubCustomerCoupons`: GET `/v2/promotions/benefits/coupons`.
///
/// SDK name says 'SubCustomer' but this is the customer's own 'Querying Coupons' API. offset must
/// be used together with limit. Used/expired/reclaimed coupons are only returned for the last 12
/// months.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/mp_02001.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListSubCustomerCouponsRequest {
    /// `coupon_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<String>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `promotion_plan_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_plan_id: Option<String>,
    /// Values: `1` cash coupon; `2` discount coupon; `3` product coupon; `4` flexi-purchase coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_type: Option<i64>,
    /// Values: `1` not activated; `2` available; `3` used; `4` expired; `5` reclaimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `active_start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_start_time: Option<String>,
    /// `active_end_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_end_time: Option<String>,
    /// Limits: min 0, default 0. only valid together with limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// `source_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `indirect_partner_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_partner_id: Option<String>,
}

/// Response of `ListSubCustomerCoupons` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListSubCustomerCouponsResponse {
    /// `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// `user_coupons`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_coupons: Vec<UserCoupon>,
}

impl Operation for ListSubCustomerCouponsRequest {
    const ID: &'static str = "ListSubCustomerCoupons";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/promotions/benefits/coupons";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListSubCustomerCouponsResponse;

    fn path(&self) -> String {
        "/v2/promotions/benefits/coupons".to_owned()
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

/// One entry of `user_coupons` (ListSubCustomerCoupons).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserCoupon {
    /// `coupon_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<String>,
    /// `coupon_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    /// Values: `1` not activated; `2` available; `3` used; `4` expired; `5` reclaimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Values: `1` cash coupon; `2` discount coupon; `3` product coupon; `4` flexi-purchase coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_type: Option<i64>,
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
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_value: Option<Decimal>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `promotion_plan_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_plan_id: Option<String>,
    /// `plan_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_name: Option<String>,
    /// `plan_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_desc: Option<String>,
    /// Values: `1` electronic; `2` paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<i64>,
    /// Values: `1` claimed online; `2` redeemed online; `3` issued online; `4` obtained offline;
    /// `5` event gift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch_method: Option<i64>,
    /// `use_limits`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub use_limits: Vec<UseLimit>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_time: Option<String>,
    /// `promotion_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Values: `1` old version, single use; `2` new version, reusable until balance is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_version: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub balance: Option<Decimal>,
    /// `lock_order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_order_id: Option<String>,
    /// `coupon_usage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_usage: Option<String>,
    /// Values: `0` not frozen; `1` frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_frozen: Option<String>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `extend_param1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_param1: Option<String>,
    /// `source_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

impl Measured for UserCoupon {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// One entry of `use_limits` (ListSubCustomerCoupons).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UseLimit {
    /// `use_limiti_info_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limiti_info_id: Option<String>,
    /// `limit_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_key: Option<String>,
    /// `value1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value1: Option<String>,
    /// `value2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value2: Option<String>,
    /// `value_unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_unit: Option<String>,
    /// `limit_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_type: Option<String>,
    /// `promotion_plan_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_plan_id: Option<String>,
}
