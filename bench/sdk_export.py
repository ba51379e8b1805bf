"""Pages one cycle of resource expenditures out of a CBC endpoint with the official SDK and
writes them as CSV: the baseline for the portal's streamed export (bench/run.sh).

Prints one line: "<rows> records in <seconds> s = <records/s>".
"""

import argparse
import csv
import time

from huaweicloudsdkbss.v2 import BssClient, ListCustomerselfResourceRecordsRequest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--ak", required=True)
    p.add_argument("--sk", required=True)
    p.add_argument("--domain-id", required=True)
    p.add_argument("--cycle", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=1000)
    a = p.parse_args()

    cfg = HttpConfig.get_default_config()
    cfg.retry_times = 0
    cfg.timeout = (5, 60)
    client = (
        BssClient.new_builder()
        .with_http_config(cfg)
        .with_credentials(GlobalCredentials(a.ak, a.sk, a.domain_id))
        .with_endpoint(a.endpoint)
        .build()
    )
    started = time.monotonic()
    rows = 0
    offset = 0
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["bill_date", "service_type", "resource_id", "resource_name", "amount"])
        while True:
            try:
                r = client.list_customerself_resource_records(
                    ListCustomerselfResourceRecordsRequest(cycle=a.cycle, offset=offset, limit=a.limit)
                )
            except ClientRequestException as e:
                if e.status_code == 429:  # CBC allows 10 calls/s per API: back off briefly
                    time.sleep(0.1)
                    continue
                raise
            recs = r.fee_records or []
            for x in recs:
                w.writerow([x.bill_date, x.cloud_service_type, x.resource_id, x.resource_name, x.amount])
            rows += len(recs)
            offset += len(recs)
            if len(recs) < a.limit or offset >= (r.total_count or 0):
                break
    took = time.monotonic() - started
    print(f"{rows} records in {took:.1f} s = {round(rows / took)}")


if __name__ == "__main__":
    main()
