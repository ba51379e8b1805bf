//! Thin typed methods on [`Client`], one per CBC operation.
//!
//! Reads and price inquiries go through the cache ([`Client::cached`]); actions are always
//! sent fresh ([`Client::call`]) and are never retried automatically.

use super::cache::Cached;
use super::client::{AccountCredentials, Client};
use super::error::CbcError;
use super::ops::*;

impl Client {
    /// `ListServiceTypes`: GET `/v2/products/service-types`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256679455.html>
    pub async fn list_service_types(
        &self,
        acct: &AccountCredentials,
        req: &ListServiceTypesRequest,
    ) -> Result<Cached<ListServiceTypesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListResourceTypes`: GET `/v2/products/resource-types`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/en-us_topic_0000001256519451.html>
    pub async fn list_resource_types(
        &self,
        acct: &AccountCredentials,
        req: &ListResourceTypesRequest,
    ) -> Result<Cached<ListResourceTypesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListServiceResources`: GET `/v2/products/service-resources`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00003.html>
    pub async fn list_service_resources(
        &self,
        acct: &AccountCredentials,
        req: &ListServiceResourcesRequest,
    ) -> Result<Cached<ListServiceResourcesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListUsageTypes`: GET `/v2/products/usage-types`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00004.html>
    pub async fn list_usage_types(
        &self,
        acct: &AccountCredentials,
        req: &ListUsageTypesRequest,
    ) -> Result<Cached<ListUsageTypesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListMeasureUnits`: GET `/v2/bases/measurements`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00006.html>
    pub async fn list_measure_units(
        &self,
        acct: &AccountCredentials,
        req: &ListMeasureUnitsRequest,
    ) -> Result<Cached<ListMeasureUnitsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListConversions`: GET `/v2/bases/conversions`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/qct_00007.html>
    pub async fn list_conversions(
        &self,
        acct: &AccountCredentials,
        req: &ListConversionsRequest,
    ) -> Result<Cached<ListConversionsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListOnDemandResourceRatings`: POST `/v2/bills/ratings/on-demand-resources`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/bcloud_01001.html>
    pub async fn list_on_demand_resource_ratings(
        &self,
        acct: &AccountCredentials,
        req: &ListOnDemandResourceRatingsRequest,
    ) -> Result<Cached<ListOnDemandResourceRatingsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListRateOnPeriodDetail`: POST `/v2/bills/ratings/period-resources/subscribe-rate`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/bcloud_01002.html>
    pub async fn list_rate_on_period_detail(
        &self,
        acct: &AccountCredentials,
        req: &ListRateOnPeriodDetailRequest,
    ) -> Result<Cached<ListRateOnPeriodDetailResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListRenewRateOnPeriod`: POST `/v2/bills/ratings/period-resources/renew-rate`; cached.
    pub async fn list_renew_rate_on_period(
        &self,
        acct: &AccountCredentials,
        req: &ListRenewRateOnPeriodRequest,
    ) -> Result<Cached<ListRenewRateOnPeriodResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ShowCustomerAccountBalances`: GET `/v2/accounts/customer-accounts/balances`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mac_00001.html>
    pub async fn show_customer_account_balances(
        &self,
        acct: &AccountCredentials,
        req: &ShowCustomerAccountBalancesRequest,
    ) -> Result<Cached<ShowCustomerAccountBalancesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ShowCustomerExpenditureQuota`: GET `/v2/accounts/customer-accounts/expenditure-quota`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mac_00004.html>
    pub async fn show_customer_expenditure_quota(
        &self,
        acct: &AccountCredentials,
        req: &ShowCustomerExpenditureQuotaRequest,
    ) -> Result<Cached<ShowCustomerExpenditureQuotaResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListSubCustomerCoupons`: GET `/v2/promotions/benefits/coupons`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mp_02001.html>
    pub async fn list_sub_customer_coupons(
        &self,
        acct: &AccountCredentials,
        req: &ListSubCustomerCouponsRequest,
    ) -> Result<Cached<ListSubCustomerCouponsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListCustomerOrders`: GET `/v2/orders/customer-orders`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00013.html>
    pub async fn list_customer_orders(
        &self,
        acct: &AccountCredentials,
        req: &ListCustomerOrdersRequest,
    ) -> Result<Cached<ListCustomerOrdersResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ShowCustomerOrderDetails`: GET `/v2/orders/customer-orders/details/{order_id}`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00014.html>
    pub async fn show_customer_order_details(
        &self,
        acct: &AccountCredentials,
        req: &ShowCustomerOrderDetailsRequest,
    ) -> Result<Cached<ShowCustomerOrderDetailsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListOrderDiscounts`: GET `/v2/orders/customer-orders/order-discounts`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00025.html>
    pub async fn list_order_discounts(
        &self,
        acct: &AccountCredentials,
        req: &ListOrderDiscountsRequest,
    ) -> Result<Cached<ListOrderDiscountsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `PayOrders`: POST `/v3/orders/customer-orders/pay`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00030.html>
    pub async fn pay_orders(
        &self,
        acct: &AccountCredentials,
        req: &PayOrdersRequest,
    ) -> Result<PayOrdersResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `CancelCustomerOrder`: PUT `/v2/orders/customer-orders/cancel`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00017.html>
    pub async fn cancel_customer_order(
        &self,
        acct: &AccountCredentials,
        req: &CancelCustomerOrderRequest,
    ) -> Result<CancelCustomerOrderResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `ShowRefundOrderDetails`: GET `/v2/orders/customer-orders/refund-orders`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00020.html>
    pub async fn show_refund_order_details(
        &self,
        acct: &AccountCredentials,
        req: &ShowRefundOrderDetailsRequest,
    ) -> Result<Cached<ShowRefundOrderDetailsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListPayPerUseCustomerResources`: POST `/v2/orders/suscriptions/resources/query`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00021.html>
    pub async fn list_pay_per_use_customer_resources(
        &self,
        acct: &AccountCredentials,
        req: &ListPayPerUseCustomerResourcesRequest,
    ) -> Result<Cached<ListPayPerUseCustomerResourcesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `RenewalResources`: POST `/v2/orders/subscriptions/resources/renew`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00018.html>
    pub async fn renewal_resources(
        &self,
        acct: &AccountCredentials,
        req: &RenewalResourcesRequest,
    ) -> Result<RenewalResourcesResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `CancelResourcesSubscription`: POST `/v2/orders/subscriptions/resources/unsubscribe`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00019.html>
    pub async fn cancel_resources_subscription(
        &self,
        acct: &AccountCredentials,
        req: &CancelResourcesSubscriptionRequest,
    ) -> Result<CancelResourcesSubscriptionResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `AutoRenewalResources`: POST `/v2/orders/subscriptions/resources/autorenew/{resource_id}`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00022.html>
    pub async fn auto_renewal_resources(
        &self,
        acct: &AccountCredentials,
        req: &AutoRenewalResourcesRequest,
    ) -> Result<AutoRenewalResourcesResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `CancelAutoRenewalResources`: DELETE `/v2/orders/subscriptions/resources/autorenew/{resource_id}`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00023.html>
    pub async fn cancel_auto_renewal_resources(
        &self,
        acct: &AccountCredentials,
        req: &CancelAutoRenewalResourcesRequest,
    ) -> Result<CancelAutoRenewalResourcesResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `UpdatePeriodToOnDemand`: POST `/v2/orders/subscriptions/resources/to-on-demand`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00024.html>
    pub async fn update_period_to_on_demand(
        &self,
        acct: &AccountCredentials,
        req: &UpdatePeriodToOnDemandRequest,
    ) -> Result<UpdatePeriodToOnDemandResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `SetResourcesRenewConfig`: POST `/v2/orders/subscriptions/resources/renew/config`; an action, sent once.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00031.html>
    pub async fn set_resources_renew_config(
        &self,
        acct: &AccountCredentials,
        req: &SetResourcesRenewConfigRequest,
    ) -> Result<SetResourcesRenewConfigResponse, CbcError> {
        self.call(acct, req).await
    }

    /// `ListFreeResourceInfos`: POST `/v3/payments/free-resources/query`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00027.html>
    pub async fn list_free_resource_infos(
        &self,
        acct: &AccountCredentials,
        req: &ListFreeResourceInfosRequest,
    ) -> Result<Cached<ListFreeResourceInfosResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListFreeResourceUsages`: POST `/v2/payments/free-resources/usages/details/query`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00028.html>
    pub async fn list_free_resource_usages(
        &self,
        acct: &AccountCredentials,
        req: &ListFreeResourceUsagesRequest,
    ) -> Result<Cached<ListFreeResourceUsagesResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListFreeResourcesUsageRecords`: GET `/v2/bills/customer-bills/free-resources-usage-records`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/api_order_00029.html>
    pub async fn list_free_resources_usage_records(
        &self,
        acct: &AccountCredentials,
        req: &ListFreeResourcesUsageRecordsRequest,
    ) -> Result<Cached<ListFreeResourcesUsageRecordsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ShowCustomerMonthlySum`: GET `/v2/bills/customer-bills/monthly-sum`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00008.html>
    pub async fn show_customer_monthly_sum(
        &self,
        acct: &AccountCredentials,
        req: &ShowCustomerMonthlySumRequest,
    ) -> Result<Cached<ShowCustomerMonthlySumResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListCustomerselfResourceRecordDetails`: POST `/v2/bills/customer-bills/res-records/query`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00003.html>
    pub async fn list_customerself_resource_record_details(
        &self,
        acct: &AccountCredentials,
        req: &ListCustomerselfResourceRecordDetailsRequest,
    ) -> Result<Cached<ListCustomerselfResourceRecordDetailsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `ListCustomerselfResourceRecords`: GET `/v2/bills/customer-bills/res-fee-records`; cached.
    ///
    /// API reference: <https://support.huaweicloud.com/eu/api-oce/mbc_00004.html>
    pub async fn list_customerself_resource_records(
        &self,
        acct: &AccountCredentials,
        req: &ListCustomerselfResourceRecordsRequest,
    ) -> Result<Cached<ListCustomerselfResourceRecordsResponse>, CbcError> {
        self.cached(acct, req).await
    }

    /// `CreateEnterpriseProjectAuth`: POST `/v2/enterprises/enterprise-projects/authority`; an action, sent once.
    pub async fn create_enterprise_project_auth(
        &self,
        acct: &AccountCredentials,
        req: &CreateEnterpriseProjectAuthRequest,
    ) -> Result<CreateEnterpriseProjectAuthResponse, CbcError> {
        self.call(acct, req).await
    }
}
