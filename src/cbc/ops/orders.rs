//! Yearly/monthly orders: list, details, discounts, pay, cancel, refund details.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Measured, Method, Operation, encode, fields, query_pairs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Request of `ListCustomerOrders`: GET `/v2/orders/customer-orders`.
///
/// Lists yearly/monthly orders. create_time_* and payment_time_* windows must not exceed 1 year
/// each. order_by: createTime or -createTime (descending). order_id is case-insensitive; URL-encode
/// special characters. IAM action billing:order:view.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00013.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerOrdersRequest {
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Limits: max length 20. window <= 1 year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_begin: Option<String>,
    /// Limits: max length 20. window <= 1 year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_end: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// Values: `1` pending approval; `3` processing; `4` canceled; `5` completed; `6` pending
    /// payment; `9` pending confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Values: `1` new purchase; `2` renewal; `3` modification; `4` unsubscription; `10`
    /// yearly/monthly to pay-per-use; `11` pay-per-use to yearly/monthly; `13` trial; `14` trial to
    /// commercial; `15` fee adjustment. Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Limits: min 1, max 100, default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: min 0, max 2147483647, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Limits: max length 36.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// Limits: max length 20. window <= 1 year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time_begin: Option<String>,
    /// Limits: max length 20. window <= 1 year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time_end: Option<String>,
    /// `indirect_partner_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_partner_id: Option<String>,
    /// Values: `oneself` own orders (default); `sub_customer` orders paid on behalf of enterprise
    /// member accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// Response of `ListCustomerOrders` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCustomerOrdersResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `order_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_infos: Vec<CustomerOrder>,
}

impl Operation for ListCustomerOrdersRequest {
    const ID: &'static str = "ListCustomerOrders";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/orders/customer-orders";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListCustomerOrdersResponse;

    fn path(&self) -> String {
        "/v2/orders/customer-orders".to_owned()
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

/// Request of `ShowCustomerOrderDetails`: GET `/v2/orders/customer-orders/details/{order_id}`.
///
/// Order header (order_info) plus paginated order_line_items (limit/offset apply to line items).
/// order_id is a path parameter.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00014.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerOrderDetailsRequest {
    /// Path parameter. Limits: max length 64.
    #[serde(skip_serializing, default)]
    pub order_id: String,
    /// Header `X-Language`. Values: `zh_CN` Chinese; `en_US` English. Limits: max length 8, default
    /// zh_CN.
    #[serde(skip_serializing, default)]
    pub x_language: Option<String>,
    /// Limits: min 1, default 10. max not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Limits: min 0, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// `indirect_partner_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_partner_id: Option<String>,
}

/// Response of `ShowCustomerOrderDetails` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowCustomerOrderDetailsResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `order_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_info: Option<OrderDetail>,
    /// `order_line_items`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_line_items: Vec<OrderLineItem>,
}

impl Operation for ShowCustomerOrderDetailsRequest {
    const ID: &'static str = "ShowCustomerOrderDetails";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/orders/customer-orders/details/{order_id}";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ShowCustomerOrderDetailsResponse;

    fn path(&self) -> String {
        format!(
            "/v2/orders/customer-orders/details/{}",
            encode(&self.order_id)
        )
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

/// Request of `ListOrderDiscounts`: GET `/v2/orders/customer-orders/order-discounts`.
///
/// Discounts usable when paying a pending-payment order. Path is /v2 in both the SDK and the
/// current docs (no v3 variant found). Reseller-model customers get no discounts. Customer AK/SK or
/// token only. IAM action billing:contract:viewDiscount.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00025.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListOrderDiscountsRequest {
    /// Limits: max length 64.
    pub order_id: String,
}

/// Response of `ListOrderDiscounts` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListOrderDiscountsResponse {
    /// `discounts`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub discounts: Vec<OrderDiscount>,
}

impl Operation for ListOrderDiscountsRequest {
    const ID: &'static str = "ListOrderDiscounts";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/orders/customer-orders/order-discounts";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ListOrderDiscountsResponse;

    fn path(&self) -> String {
        "/v2/orders/customer-orders/order-discounts".to_owned()
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

/// Request of `PayOrders`: POST `/v3/orders/customer-orders/pay`.
///
/// v3 path. Pays a pending-payment order from balance (cash account first, then credit).
/// use_coupon/use_discount are YES|NO; coupon_infos (max 3) required when use_coupon=YES and
/// forbidden when NO; discount_infos (max 1) likewise for use_discount. A 609 (order price
/// adjustment) discount, if present, must be used. Success has an empty body (SDK response model
/// has no fields).
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00030.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayOrdersRequest {
    /// `order_id`.
    pub order_id: String,
    /// Values: `YES` use; `NO` do not use.
    pub use_coupon: String,
    /// Values: `YES` use; `NO` do not use.
    pub use_discount: String,
    /// Limits: max items 3. required iff use_coupon=YES.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_infos: Option<Vec<CouponSimpleInfo>>,
    /// Limits: max items 1. required iff use_discount=YES.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_infos: Option<Vec<DiscountSimpleInfo>>,
}

/// Response of `PayOrders`: HTTP 204 with no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayOrdersResponse {}

impl Operation for PayOrdersRequest {
    const ID: &'static str = "PayOrders";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v3/orders/customer-orders/pay";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 204;
    const CTS_EVENT: Option<&'static str> = Some("payCustomerOrderV3");
    type Response = PayOrdersResponse;

    fn path(&self) -> String {
        "/v3/orders/customer-orders/pay".to_owned()
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

/// Request of `CancelCustomerOrder`: PUT `/v2/orders/customer-orders/cancel`.
///
/// Cancels an order that is in pending-payment status only. Success: HTTP 204 No Content (doc
/// example).
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00017.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelCustomerOrderRequest {
    /// Limits: max length 64.
    pub order_id: String,
}

/// Response of `CancelCustomerOrder`: HTTP 204 with no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelCustomerOrderResponse {}

impl Operation for CancelCustomerOrderRequest {
    const ID: &'static str = "CancelCustomerOrder";
    const METHOD: Method = Method::PUT;
    const PATH_TEMPLATE: &'static str = "/v2/orders/customer-orders/cancel";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 204;
    const CTS_EVENT: Option<&'static str> = Some("cancelCustomerOrder");
    type Response = CancelCustomerOrderResponse;

    fn path(&self) -> String {
        "/v2/orders/customer-orders/cancel".to_owned()
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

/// Request of `ShowRefundOrderDetails`: GET `/v2/orders/customer-orders/refund-orders`.
///
/// For an unsubscription or downgrade order, shows which resources/original orders the refund came
/// from. Negative amount = refund.
///
/// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00020.html>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowRefundOrderDetailsRequest {
    /// `order_id`.
    pub order_id: String,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Limits: max length 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_partner_id: Option<String>,
}

/// Response of `ShowRefundOrderDetails` (HTTP 200).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShowRefundOrderDetailsResponse {
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// `refund_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub refund_infos: Vec<RefundInfo>,
}

impl Operation for ShowRefundOrderDetailsRequest {
    const ID: &'static str = "ShowRefundOrderDetails";
    const METHOD: Method = Method::GET;
    const PATH_TEMPLATE: &'static str = "/v2/orders/customer-orders/refund-orders";
    const KIND: Kind = Kind::Read;
    const CACHE: CacheClass = CacheClass::Account;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 200;
    const CTS_EVENT: Option<&'static str> = None;
    type Response = ShowRefundOrderDetailsResponse;

    fn path(&self) -> String {
        "/v2/orders/customer-orders/refund-orders".to_owned()
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

/// One entry of `order_infos` (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerOrder {
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// Values: `1` customer; `2` agent (partner); `3` contract; `4` distributor; `5` resource
    /// deleted on console; `6` supplementary order; `7` compensation order; `8` created
    /// automatically by system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<i64>,
    /// Values: `1` pending approval; `2` pending refund; `3` processing; `4` canceled; `5`
    /// completed; `6` pending payment; `9` pending confirmation; `10` pending shipment; `11`
    /// pending receipt; `12` pending pickup; `13` being replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Values: `1` new purchase; `2` renewal; `3` modification; `4` unsubscription; `11` pay-per-
    /// use to yearly/monthly; `13` trial; `14` trial to commercial; `15` fee adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_after_discount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `contract_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// `amount_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_info: Option<AmountInfo>,
    /// `enterprise_projects`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub enterprise_projects: Vec<EnterpriseProject>,
    /// `sub_order_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sub_order_infos: Vec<SubCustomerOrder>,
    /// `agent_pay_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_pay_info: Option<AgentPayInfo>,
}

impl Measured for CustomerOrder {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// The `amount_info` object (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AmountInfo {
    /// `discounts`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub discounts: Vec<Discount>,
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
    pub coupon_amount: Option<Decimal>,
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
    pub commission_amount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub consumed_amount: Option<Decimal>,
}

/// One entry of `discounts` (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Discount {
    /// Values: `200` promotional product discount; `300` promotional discount coupon; `301`
    /// promotional cash coupon; `302` promotional flexi-purchase coupon; `500` agent-specified
    /// discount; `501` agent-specified reduction; `502` agent-specified fixed price; `600`
    /// discount/rebate contract; `601` channel framework contract; `602` earmarked-fund contract;
    /// `603` offline direct-signed contract; `604` telesales authorization contract; `605`
    /// commercial contract discount; `606` channel commercial contract discount; `607` partner-
    /// authorized discount; `609` order price adjustment; `610` waived amount; `700` promotional
    /// discount; `800` top-up account discount; `900` product's own discount; `901` fixed-price
    /// discount on base price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<String>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
}

/// One entry of `enterprise_projects` (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseProject {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One entry of `sub_order_infos` (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubCustomerOrder {
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// Values: `1` customer; `2` agent (partner); `3` contract; `4` distributor; `5` resource
    /// deleted on console; `6` supplementary order; `7` compensation order; `8` created
    /// automatically by system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<i64>,
    /// Values: `1` pending approval; `2` pending refund; `3` processing; `4` canceled; `5`
    /// completed; `6` pending payment; `9` pending confirmation; `10` pending shipment; `11`
    /// pending receipt; `12` pending pickup; `13` being replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Values: `1` new purchase; `2` renewal; `3` modification; `4` unsubscription; `11` pay-per-
    /// use to yearly/monthly; `13` trial; `14` trial to commercial; `15` fee adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_after_discount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `contract_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// `amount_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_info: Option<AmountInfo>,
    /// `enterprise_projects`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub enterprise_projects: Vec<EnterpriseProject>,
}

impl Measured for SubCustomerOrder {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// The `agent_pay_info` object (ListCustomerOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentPayInfo {
    /// `paying_agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paying_agent_id: Option<String>,
    /// `is_agent_pay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_agent_pay: Option<bool>,
}

/// The `order_info` object (ShowCustomerOrderDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDetail {
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// Values: `1` customer; `2` agent (partner); `3` contract; `4` distributor; `5` resource
    /// deleted on console; `6` supplementary order; `7` compensation order; `8` created
    /// automatically by system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<i64>,
    /// Values: `1` pending approval; `2` pending refund; `3` processing; `4` canceled; `5`
    /// completed; `6` pending payment; `9` pending confirmation; `10` pending shipment; `11`
    /// pending receipt; `12` pending pickup; `13` being replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Values: `1` new purchase; `2` renewal; `3` modification; `4` unsubscription; `10`
    /// yearly/monthly to pay-per-use; `11` pay-per-use to yearly/monthly; `13` trial; `14` trial to
    /// commercial; `15` fee adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_after_discount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `contract_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// `amount_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_info: Option<AmountInfo>,
    /// `user_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_payment_end_time: Option<String>,
    /// `sub_order_infos`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sub_order_infos: Vec<SubOrderDetail>,
}

impl Measured for OrderDetail {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// One entry of `sub_order_infos` (ShowCustomerOrderDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubOrderDetail {
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// Values: `1` customer; `2` agent (partner); `3` contract; `4` distributor; `5` resource
    /// deleted on console; `6` supplementary order; `7` compensation order; `8` created
    /// automatically by system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<i64>,
    /// Values: `1` pending approval; `2` pending refund; `3` processing; `4` canceled; `5`
    /// completed; `6` pending payment; `9` pending confirmation; `10` pending shipment; `11`
    /// pending receipt; `12` pending pickup; `13` being replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Values: `1` new purchase; `2` renewal; `3` modification; `4` unsubscription; `10`
    /// yearly/monthly to pay-per-use; `11` pay-per-use to yearly/monthly; `13` trial; `14` trial to
    /// commercial; `15` fee adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_after_discount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// Values: `1` main currency unit (yuan/dollar).
    #[serde(
        default,
        with = "fields::int_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `contract_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// `amount_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_info: Option<AmountInfo>,
    /// `user_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_payment_end_time: Option<String>,
}

impl Measured for SubOrderDetail {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }
}

/// One entry of `order_line_items` (ShowCustomerOrderDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItem {
    /// `order_line_item_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_item_id: Option<String>,
    /// `service_type_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_code: Option<String>,
    /// `service_type_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type_name: Option<String>,
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_spec_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_desc: Option<String>,
    /// Values: `0` day; `1` week; `2` month; `3` year; `4` hour; `5` one-off; `6` on-demand
    /// (reserved); `7` usage report (reserved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<i64>,
    /// `period_num`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_num: Option<i64>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// Format: utc-datetime (yyyy-MM-ddTHH:mm:ssZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// `subscription_num`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_num: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_after_discount: Option<Decimal>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_amount: Option<Decimal>,
    /// `amount_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_info: Option<AmountInfo>,
    /// Format: ISO 4217 currency code (SDK docs: CNY on the China site, USD on the international
    /// site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `category_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
    /// `product_owner_service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_owner_service: Option<String>,
    /// `commercial_resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial_resource: Option<String>,
    /// `base_product_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_product_info: Option<BaseProductInfo>,
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// The `base_product_info` object (ShowCustomerOrderDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseProductInfo {
    /// `product_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product_spec_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_desc: Option<String>,
    /// `category_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
    /// `product_owner_service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_owner_service: Option<String>,
    /// `commercial_resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial_resource: Option<String>,
}

/// One entry of `discounts` (ListOrderDiscounts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDiscount {
    /// `discount_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_id: Option<String>,
    /// `discount_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_value: Option<String>,
    /// Values: `0` promotional discount; `1` contract discount; `2` commercial discount; `3`
    /// partner-granted discount; `609` order price adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<i64>,
    /// `orders`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub orders: Vec<OrderDiscountOrder>,
}

/// One entry of `orders` (ListOrderDiscounts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDiscountOrder {
    /// `order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `order_line_items`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_line_items: Vec<OrderDiscountLineItem>,
}

/// One entry of `order_line_items` (ListOrderDiscounts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDiscountLineItem {
    /// `order_line_item_ids`.
    #[serde(
        default,
        deserialize_with = "fields::vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub order_line_item_ids: Vec<String>,
    /// Values: `0` percentage discount; `1` fixed price; `2` amount off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_mode: Option<i64>,
    /// Money, in the unit given by `measure_id`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount: Option<Decimal>,
    /// `discount_ratio`.
    #[serde(
        default,
        with = "fields::decimal_num_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_ratio: Option<Decimal>,
}

/// One entry of `coupon_infos` (PayOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CouponSimpleInfo {
    /// `id`.
    pub id: String,
    /// Values: `300` discount coupon; `301` promotional cash coupon; `302` promotional flexi-
    /// purchase coupon; `303` promotional stored-value card.
    #[serde(rename = "type")]
    pub type_: i64,
}

/// One entry of `discount_infos` (PayOrders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscountSimpleInfo {
    /// `id`.
    pub id: String,
    /// Values: `0` promotional discount; `2` commercial discount; `3` partner-granted discount.
    #[serde(rename = "type")]
    pub type_: i64,
}

/// One entry of `refund_infos` (ShowRefundOrderDetails).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefundInfo {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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
        with = "fields::int_str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure_id: Option<i64>,
    /// `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
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
    /// `region_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// `base_order_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_order_id: Option<String>,
}

impl Measured for RefundInfo {
    fn measure_id(&self) -> Option<i64> {
        self.measure_id
    }
    fn currency(&self) -> Option<&str> {
        None
    }
}
