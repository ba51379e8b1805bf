"""Drive the sandbox with Huawei's official Python SDK (huaweicloudsdkbss 3.1.219).

Every one of the 32 operations is called with arguments discovered from list calls; each call
must succeed and deserialise into the SDK's response model. Wrong credentials must fail with a
ClientRequestException 401, and a validation error must surface as 400 CBC.0100. Price
inquiries name the IAM project of the region priced (read from the sandbox's control API, as a
real account reads it in the console); the account (domain) id as `project_id` is refused.
ShowCustomerExpenditureQuota is absent from the `bss` SDK and is called through the
international `bssintl` SDK (same signer, same endpoint).

Usage: python conformance.py --endpoint http://127.0.0.1:PORT --ak AK --sk SK --domain-id ID
"""

import argparse
import datetime as dt
import decimal
import json
import sys
import traceback
import urllib.request

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
import huaweicloudsdkbss.v2 as bss
import huaweicloudsdkbssintl.v2 as bssintl

RESULTS = []


def client(cls, endpoint, ak, sk, domain_id):
    cfg = HttpConfig.get_default_config()
    cfg.retry_times = 0
    cfg.timeout = (5, 30)
    return (
        cls.new_builder()
        .with_http_config(cfg)
        .with_credentials(GlobalCredentials(ak, sk, domain_id))
        .with_endpoint(endpoint)
        .build()
    )


def check(name, fn):
    try:
        fn()
        RESULTS.append((name, True, ""))
        print(f"PASS {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and carry on
        RESULTS.append((name, False, repr(e)))
        print(f"FAIL {name}: {e!r}")
        traceback.print_exc(limit=3)


def need(cond, what):
    if not cond:
        raise AssertionError(what)


def is_money(v):
    return isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--ak", default="CONFAK")
    ap.add_argument("--sk", default="CONFSK")
    ap.add_argument("--domain-id", default="conformancedomain0000000000000001")
    a = ap.parse_args()
    c = client(bss.BssClient, a.endpoint, a.ak, a.sk, a.domain_id)
    ci = client(bssintl.BssintlClient, a.endpoint, a.ak, a.sk, a.domain_id)
    with urllib.request.urlopen(f"{a.endpoint}/__sandbox/projects", timeout=10) as res:
        project = json.load(res)[a.ak]["eu-west-101"]
    st = {}
    today = dt.datetime.now(dt.timezone.utc)
    cycle = today.strftime("%Y-%m")

    # ---- catalog -----------------------------------------------------------------------------
    def list_service_types():
        r = c.list_service_types(bss.ListServiceTypesRequest(limit=100, offset=0))
        need(r.total_count >= 24 and r.service_types, "service types")
        need(any(s.service_type_code == "hws.service.type.ec2" for s in r.service_types), "ECS code")

    def list_resource_types():
        r = c.list_resource_types(bss.ListResourceTypesRequest(limit=100))
        need(r.total_count >= 30 and r.resource_types[0].resource_type_code.startswith("hws.resource.type."), "resource types")

    def list_service_resources():
        r = c.list_service_resources(bss.ListServiceResourcesRequest(service_type_code="hws.service.type.ec2"))
        need(r.total_count >= 1 and r.infos[0].basic_info.resource_type_code, "service resources")

    def list_usage_types():
        r = c.list_usage_types(bss.ListUsageTypesRequest(resource_type_code="hws.resource.type.vm"))
        need(r.total_count >= 1 and r.usage_types[0].code, "usage types")

    def list_measure_units():
        r = c.list_measure_units(bss.ListMeasureUnitsRequest(x_language="en_US"))
        need(any(m.measure_id == 1 for m in r.measure_units), "measure id 1")

    def list_conversions():
        r = c.list_conversions(bss.ListConversionsRequest(measure_type=3))
        need(any(x.conversion_ratio == 1024 for x in r.conversions), "GB->MB 1024")

    check("ListServiceTypes", list_service_types)
    check("ListResourceTypes", list_resource_types)
    check("ListServiceResources", list_service_resources)
    check("ListUsageTypes", list_usage_types)
    check("ListMeasureUnits", list_measure_units)
    check("ListConversions", list_conversions)

    # ---- pricing -----------------------------------------------------------------------------
    def on_demand():
        body = bss.RateOnDemandReq(
            project_id=project,
            product_infos=[
                bss.DemandProductInfo(
                    id="1", cloud_service_type="hws.service.type.ec2", resource_type="hws.resource.type.vm",
                    resource_spec="c6.large.2.linux", region="eu-west-101", usage_factor="Duration",
                    usage_value=decimal.Decimal("1"), usage_measure_id=4, subscription_num=1),
                bss.DemandProductInfo(
                    id="2", cloud_service_type="hws.service.type.ebs", resource_type="hws.resource.type.volume",
                    resource_spec="GPSSD", region="eu-west-101", resource_size=40, size_measure_id=17,
                    usage_factor="Duration", usage_value=decimal.Decimal("730"), usage_measure_id=4,
                    subscription_num=1),
            ],
        )
        r = c.list_on_demand_resource_ratings(bss.ListOnDemandResourceRatingsRequest(body=body))
        need(is_money(r.amount) and r.amount > 0 and r.currency, "on-demand amount")
        need(len(r.product_rating_results) == 2 and r.product_rating_results[0].id == "1", "echoed ids")
        st["hourly"] = decimal.Decimal(str(r.product_rating_results[0].official_website_amount))

    def period():
        def info(pt, n):
            return bss.PeriodProductInfo(
                id="1", cloud_service_type="hws.service.type.ec2", resource_type="hws.resource.type.vm",
                resource_spec="c6.large.2.linux", region="eu-west-101", period_type=pt, period_num=n,
                subscription_num=1)
        month = c.list_rate_on_period_detail(bss.ListRateOnPeriodDetailRequest(
            body=bss.RateOnPeriodReq(project_id=project, product_infos=[info(2, 1)])))
        year = c.list_rate_on_period_detail(bss.ListRateOnPeriodDetailRequest(
            body=bss.RateOnPeriodReq(project_id=project, product_infos=[info(3, 1)])))
        m = decimal.Decimal(str(month.official_website_rating_result.official_website_amount))
        y = decimal.Decimal(str(year.official_website_rating_result.official_website_amount))
        need(m > 0 and y < 12 * m, f"yearly {y} must be cheaper than 12 x monthly {m}")
        if "hourly" in st:
            need(m < st["hourly"] * 730, "monthly cheaper than 730 pay-per-use hours")
        need(month.optional_discount_rating_results[0].best_offer == 1, "best offer")

    check("ListOnDemandResourceRatings", on_demand)
    check("ListRateOnPeriodDetail", period)

    # ---- account -----------------------------------------------------------------------------
    def balances():
        r = c.show_customer_account_balances(bss.ShowCustomerAccountBalancesRequest())
        cash = [b for b in r.account_balances if b.account_type == 1]
        need(cash and is_money(cash[0].amount) and r.currency, "cash account")
        st["cash"] = decimal.Decimal(str(cash[0].amount))

    def quota():
        r = ci.show_customer_expenditure_quota(bssintl.ShowCustomerExpenditureQuotaRequest())
        need(is_money(r.granting_amount) and r.granting_amount > 0 and r.currency, "quota")

    def coupons():
        r = c.list_sub_customer_coupons(bss.ListSubCustomerCouponsRequest(limit=100, offset=0))
        need(r.count >= 25, "coupons count")
        need({u.status for u in r.user_coupons} >= {1, 2, 3, 4, 5}, "every coupon status")
        avail = c.list_sub_customer_coupons(bss.ListSubCustomerCouponsRequest(status=2, coupon_type=1, limit=10))
        need(all(u.status == 2 and u.coupon_type == 1 for u in avail.user_coupons), "filters")
        st["cash_coupons"] = [u.coupon_id for u in avail.user_coupons]

    check("ShowCustomerAccountBalances", balances)
    check("ShowCustomerExpenditureQuota", quota)
    check("ListSubCustomerCoupons", coupons)

    # ---- orders ------------------------------------------------------------------------------
    def list_orders():
        r = c.list_customer_orders(bss.ListCustomerOrdersRequest(status=6, limit=100))
        need(r.total_count >= 5 and all(o.status == 6 for o in r.order_infos), "pending orders")
        st["pending"] = [o.order_id for o in r.order_infos if o.amount_after_discount < 1000]
        allo = c.list_customer_orders(bss.ListCustomerOrdersRequest(limit=100, offset=0))
        need(allo.total_count >= 200 and len(allo.order_infos) == 100, "paging")
        unsub = c.list_customer_orders(bss.ListCustomerOrdersRequest(order_type="4", limit=10))
        need(unsub.total_count >= 1, "unsubscribe orders")
        st["unsub"] = unsub.order_infos[0].order_id

    def order_details():
        oid = st["pending"][0]
        r = c.show_customer_order_details(bss.ShowCustomerOrderDetailsRequest(order_id=oid, limit=10))
        need(r.order_info.order_id == oid and r.order_info.status == 6, "order info")
        need(r.total_count >= 1 and r.order_line_items[0].order_line_item_id, "line items")

    def order_discounts():
        for oid in st["pending"]:
            r = c.list_order_discounts(bss.ListOrderDiscountsRequest(order_id=oid))
            if r.discounts:
                st["discounted"] = (oid, r.discounts[0].discount_id, r.discounts[0].discount_type)
                return
        raise AssertionError("no pending order has a usable discount")

    def pay():
        oid, did, dtype = st["discounted"]
        c.pay_orders(bss.PayOrdersRequest(body=bss.PayCustomerOrderV3Req(
            order_id=oid, use_coupon="NO", use_discount="YES",
            discount_infos=[bss.DiscountSimpleInfoV3(id=did, type=dtype)])))
        r = c.show_customer_order_details(bss.ShowCustomerOrderDetailsRequest(order_id=oid))
        need(r.order_info.status == 5 and r.order_info.payment_time, "order completed")
        b = c.show_customer_account_balances(bss.ShowCustomerAccountBalancesRequest())
        cash = decimal.Decimal(str([x for x in b.account_balances if x.account_type == 1][0].amount))
        need(cash < st["cash"], "cash deducted")
        # Paying it again is an order-state error.
        try:
            c.pay_orders(bss.PayOrdersRequest(body=bss.PayCustomerOrderV3Req(order_id=oid, use_coupon="NO", use_discount="NO")))
            raise AssertionError("second payment accepted")
        except ClientRequestException as e:
            need(e.status_code == 400 and e.error_code, "order-state error")

    def cancel():
        oid = [o for o in st["pending"] if o != st["discounted"][0]][0]
        c.cancel_customer_order(bss.CancelCustomerOrderRequest(body=bss.CancelCustomerOrderReq(order_id=oid)))
        r = c.show_customer_order_details(bss.ShowCustomerOrderDetailsRequest(order_id=oid))
        need(r.order_info.status == 4, "cancelled")
        try:
            c.cancel_customer_order(bss.CancelCustomerOrderRequest(body=bss.CancelCustomerOrderReq(order_id=oid)))
            raise AssertionError("cancelled twice")
        except ClientRequestException as e:
            need(e.status_code == 400 and e.error_code == "CBC.99005010", f"got {e.error_code}")

    def refund_details():
        r = c.show_refund_order_details(bss.ShowRefundOrderDetailsRequest(order_id=st["unsub"]))
        need(r.total_count >= 1 and r.refund_infos[0].base_order_id, "refund infos")

    check("ListCustomerOrders", list_orders)
    check("ShowCustomerOrderDetails", order_details)
    check("ListOrderDiscounts", order_discounts)
    check("PayOrders", pay)
    check("CancelCustomerOrder", cancel)
    check("ShowRefundOrderDetails", refund_details)

    # ---- resources ---------------------------------------------------------------------------
    def list_resources():
        r = c.list_pay_per_use_customer_resources(bss.ListPayPerUseCustomerResourcesRequest(
            body=bss.QueryResourcesReq(only_main_resource=1, status_list=[2], limit=100)))
        need(r.total_count >= 20 and all(x.is_main_resource == 1 for x in r.data), "main resources")
        mains = r.data
        ecs = [x.resource_id for x in mains if x.resource_type_code == "hws.resource.type.vm"]
        need(len(ecs) >= 4, "ECS main resources")
        st["renew"], st["unsub_res"], st["autorenew"], st["ondemand"] = ecs[0], ecs[1], ecs[2], ecs[3]
        st["auto_on"] = [x.resource_id for x in mains if x.expire_policy == 3]
        att = c.list_pay_per_use_customer_resources(bss.ListPayPerUseCustomerResourcesRequest(
            body=bss.QueryResourcesReq(limit=100)))
        need(any(x.is_main_resource == 0 and x.parent_resource_id for x in att.data), "attached resources")
        expiring = [x for x in mains if x.expire_time < (today + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")]
        need(expiring, "resources expiring within 7 days")

    def renew_rate():
        r = c.list_renew_rate_on_period(bss.ListRenewRateOnPeriodRequest(body=bss.ListRenewRateOnPeriodReq(
            resource_ids=[st["renew"]], period_type=2, period_num=1)))
        need(r.renew_inquiry_results and decimal.Decimal(r.renew_inquiry_results[0].amount) > 0, "renew amount")
        st["renew_quote"] = decimal.Decimal(r.renew_inquiry_results[0].amount)

    def expiry(rid):
        r = c.list_pay_per_use_customer_resources(bss.ListPayPerUseCustomerResourcesRequest(
            body=bss.QueryResourcesReq(resource_ids=[rid], limit=10)))
        return r.data[0].expire_time

    def renew():
        before = expiry(st["renew"])
        r = c.renewal_resources(bss.RenewalResourcesRequest(body=bss.RenewalResourcesReq(
            resource_ids=[st["renew"]], period_type=2, period_num=1, is_auto_pay=1)))
        need(len(r.order_ids) == 1, "renewal order")
        need(expiry(st["renew"]) > before, "expiry moved")
        d = c.show_customer_order_details(bss.ShowCustomerOrderDetailsRequest(order_id=r.order_ids[0]))
        need(d.order_info.status == 5 and d.order_info.order_type == 2, "renewal order paid")
        need(decimal.Decimal(str(d.order_info.amount_after_discount)) == st["renew_quote"], "quote == charge")

    def unsubscribe():
        r = c.cancel_resources_subscription(bss.CancelResourcesSubscriptionRequest(body=bss.UnsubscribeResourcesReq(
            resource_ids=[st["unsub_res"]], unsubscribe_type=1, unsubscribe_reason_type=5, unsubscribe_reason="conformance")))
        need(len(r.order_ids) == 1, "unsubscribe order")
        ref = c.show_refund_order_details(bss.ShowRefundOrderDetailsRequest(order_id=r.order_ids[0]))
        need(ref.total_count >= 2 and all(x.amount <= 0 for x in ref.refund_infos), "refunds for main + attached")
        closed = c.list_pay_per_use_customer_resources(bss.ListPayPerUseCustomerResourcesRequest(
            body=bss.QueryResourcesReq(status_list=[3], limit=100)))
        ids = {x.resource_id for x in closed.data}
        kids = {x.resource_id for x in closed.data if x.parent_resource_id == st["unsub_res"]}
        need(st["unsub_res"] in ids and kids, "main and attached closed")

    def auto_on():
        c.auto_renewal_resources(bss.AutoRenewalResourcesRequest(
            resource_id=st["autorenew"], body=bss.AutoRenewalResourcesReq(auto_renew_times=2, period_type="MONTH")))
        r = c.list_pay_per_use_customer_resources(bss.ListPayPerUseCustomerResourcesRequest(
            body=bss.QueryResourcesReq(resource_ids=[st["autorenew"]])))
        need(r.data[0].expire_policy == 3, "auto-renew on")

    def auto_off():
        c.cancel_auto_renewal_resources(bss.CancelAutoRenewalResourcesRequest(resource_id=st["autorenew"]))
        try:
            c.cancel_auto_renewal_resources(bss.CancelAutoRenewalResourcesRequest(resource_id=st["autorenew"]))
            raise AssertionError("cancelled twice")
        except ClientRequestException as e:
            need(e.error_code == "CBC.99003605", f"got {e.error_code}")

    def to_on_demand():
        r = c.update_period_to_on_demand(bss.UpdatePeriodToOnDemandRequest(body=bss.PeriodToOnDemandReq(
            operation="SET_UP", resource_ids=[st["ondemand"], "doesnotexist0000"])))
        need(len(r.error_details) == 1 and r.error_details[0].id == "doesnotexist0000", "partial failure")

    def renew_config():
        r = c.set_resources_renew_config(bss.SetResourcesRenewConfigRequest(body=bss.RenewResourceConfigReq(
            config_name="DEDUCTION_DATE", config_value="5")))
        need(r.error_code == "CBC.0000", "renew config")

    check("ListPayPerUseCustomerResources", list_resources)
    check("ListRenewRateOnPeriod", renew_rate)
    check("RenewalResources", renew)
    check("CancelResourcesSubscription", unsubscribe)
    check("AutoRenewalResources", auto_on)
    check("CancelAutoRenewalResources", auto_off)
    check("UpdatePeriodToOnDemand", to_on_demand)
    check("SetResourcesRenewConfig", renew_config)

    # ---- packages ----------------------------------------------------------------------------
    def packages():
        r = c.list_free_resource_infos(bss.ListFreeResourceInfosRequest(body=bss.ListFreeResourceInfosReq(limit=50)))
        need(r.total_count >= 5 and r.free_resource_packages[0].free_resources, "packages")
        st["free_ids"] = [f.free_resource_id for p in r.free_resource_packages for f in p.free_resources]

    def usages():
        r = c.list_free_resource_usages(bss.ListFreeResourceUsagesRequest(
            body=bss.ListFreeResourceUsagesReq(free_resource_ids=st["free_ids"][:5])))
        need(len(r.free_resources) >= 1 and r.free_resources[0].original_amount is not None, "usages")

    def usage_records():
        end = (today + dt.timedelta(hours=8)).date()
        begin = end - dt.timedelta(days=89)
        r = c.list_free_resources_usage_records(bss.ListFreeResourcesUsageRecordsRequest(
            deduct_time_begin=begin.isoformat(), deduct_time_end=end.isoformat(), limit=100))
        need(r.total_count >= 1 and r.free_resource_records[0].used_amount, "deduction records")

    check("ListFreeResourceInfos", packages)
    check("ListFreeResourceUsages", usages)
    check("ListFreeResourcesUsageRecords", usage_records)

    # ---- bills -------------------------------------------------------------------------------
    prev = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")

    def monthly_sum():
        r = c.show_customer_monthly_sum(bss.ShowCustomerMonthlySumRequest(bill_cycle=prev, limit=1000))
        need(r.total_count >= 1 and is_money(r.consume_amount) and r.currency, "monthly sum")
        total = sum(decimal.Decimal(str(s.consume_amount)) for s in r.bill_sums)
        need(abs(total - decimal.Decimal(str(r.consume_amount))) < decimal.Decimal("0.05"), "rows add up")
        old = (today.replace(day=1) - dt.timedelta(days=340)).strftime("%Y-%m")
        r2 = c.show_customer_monthly_sum(bss.ShowCustomerMonthlySumRequest(bill_cycle=old))
        need(r2.total_count >= 1, "12 months of history")

    def record_details():
        r = c.list_customerself_resource_record_details(bss.ListCustomerselfResourceRecordDetailsRequest(
            body=bss.QueryResRecordsDetailReq(cycle=prev, statistic_type=3, limit=100, offset=0)))
        need(r.total_count >= 50 and len(r.monthly_records) == 100, "detail records paging")
        need(r.monthly_records[0].res_instance_id and r.currency, "record fields")

    def fee_records():
        r = c.list_customerself_resource_records(bss.ListCustomerselfResourceRecordsRequest(
            cycle=prev, limit=1000, offset=0))
        need(r.total_count >= 50 and r.fee_records[0].resource_id, "fee records")
        again = c.list_customerself_resource_records(bss.ListCustomerselfResourceRecordsRequest(cycle=prev, limit=10, offset=5))
        need(again.fee_records[0].id == r.fee_records[5].id, "stable paging")

    check("ShowCustomerMonthlySum", monthly_sum)
    check("ListCustomerselfResourceRecordDetails", record_details)
    check("ListCustomerselfResourceRecords", fee_records)

    def ep_auth():
        c.create_enterprise_project_auth(bss.CreateEnterpriseProjectAuthRequest())
        c.create_enterprise_project_auth(bss.CreateEnterpriseProjectAuthRequest())

    check("CreateEnterpriseProjectAuth", ep_auth)

    # ---- failures the SDK must surface -------------------------------------------------------
    def bad_sk():
        bad = client(bss.BssClient, a.endpoint, a.ak, a.sk + "x", a.domain_id)
        try:
            bad.show_customer_account_balances(bss.ShowCustomerAccountBalancesRequest())
            raise AssertionError("bad SK accepted")
        except ClientRequestException as e:
            need(e.status_code == 401 and e.error_code and e.request_id, f"got {e.status_code} {e.error_code}")

    def validation():
        try:
            c.list_customer_orders(bss.ListCustomerOrdersRequest(limit=101))
            raise AssertionError("limit 101 accepted")
        except ClientRequestException as e:
            need(e.status_code == 400 and e.error_code == "CBC.0100" and "limit" in e.error_msg, f"got {e}")

    def domain_id_as_project():
        info = bss.PeriodProductInfo(
            id="1", cloud_service_type="hws.service.type.ec2", resource_type="hws.resource.type.vm",
            resource_spec="c6.large.2.linux", region="eu-west-101", period_type=2, period_num=1,
            subscription_num=1)
        try:
            c.list_rate_on_period_detail(bss.ListRateOnPeriodDetailRequest(
                body=bss.RateOnPeriodReq(project_id=a.domain_id, product_infos=[info])))
            raise AssertionError("the domain id was accepted as a project")
        except ClientRequestException as e:
            need(e.status_code == 400 and e.error_code == "CBC.0100" and "project_id" in e.error_msg, f"got {e}")

    check("wrong credentials -> 401", bad_sk)
    check("validation -> 400 CBC.0100", validation)
    check("domain id as project_id -> 400 CBC.0100", domain_id_as_project)

    extra = {"wrong credentials -> 401", "validation -> 400 CBC.0100", "domain id as project_id -> 400 CBC.0100"}
    ops = {n for n, _, _ in RESULTS}
    passed = sum(1 for _, ok, _ in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"operations covered: {len(ops - extra)} of 32")
    print(f"conformance: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
