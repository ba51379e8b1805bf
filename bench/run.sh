#!/usr/bin/env bash
# Benchmark of the customer read pages. See bench/README.md for what it measures and why.
#
# Builds the portal in release mode, starts it with the embedded sandbox and its own database
# on a free port, creates a viewer, logs in with curl, then:
#   1. wrk (10 s, 2 threads, 64 connections) on /healthz, /catalog, /, /bills: req/s and p99;
#   2. 50 ms injected sandbox latency: p50 of cache-miss dashboards;
#   3. the CSV export of one cycle of resource expenditures: records/s and the portal's peak RSS;
#   4. the same records paged with the official Python SDK straight from a standalone sandbox.
# Not part of CI. Needs: cargo, curl, wrk (apt-get install -y wrk), python3 with venv,
# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) unless BENCH_DATABASE_URL is set.
# BENCH_BIN=path skips the build (e.g. a debug binary to try the script quickly).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
bin="${BENCH_BIN:-$target/release/cbc-portal}"
# Bill records are spread over 13 cycles; 1.3 million puts 100 000 in each cycle.
records="${BENCH_SANDBOX_RECORDS:-1300000}"
cold_samples="${BENCH_COLD_SAMPLES:-9}"
duration="${BENCH_DURATION:-10s}"
db_name="cbc_bench_$$"
admin_url="${BENCH_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db_url="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$db_name}"
work="$(mktemp -d)"
email="bench-viewer@example.com"
password="bench viewer pass phrase 42"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -z "${BENCH_DATABASE_URL:-}" ]; then
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building (release)"
  (cd "$repo" && cargo build --release --quiet)
fi

if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  psql "$admin_url" -qc "CREATE DATABASE \"$db_name\"" >/dev/null
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
base="http://127.0.0.1:$port"

# Account data is reused for 2 s (default 30 s) so cache-miss samples need not wait long.
export PORTAL_CBC_ACCOUNT_CACHE_SECS="${PORTAL_CBC_ACCOUNT_CACHE_SECS:-2}"
export DATABASE_URL="$db_url" PORTAL_LISTEN="127.0.0.1:$port" PORTAL_SANDBOX=on \
  PORTAL_SANDBOX_RECORDS="$records" PORTAL_DATA_DIR="$work/data" PORTAL_LOG_FORMAT=json \
  RUST_LOG="${RUST_LOG:-warn}"

echo "== starting the portal on $base ($records sandbox bill records)"
"$bin" serve >"$work/portal.log" 2>&1 &
portal_pid=$!
pids+=("$portal_pid")
for _ in $(seq 1 300); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$portal_pid" 2>/dev/null || { cat "$work/portal.log"; exit 1; }
  sleep 0.1
done
sandbox="$(sed -n 's/^sandbox (emulated Huawei CBC API) listening on //p' "$work/portal.log" | head -1)"
[ -n "$sandbox" ] || { echo "no sandbox URL in the portal log" >&2; cat "$work/portal.log"; exit 1; }
echo "   sandbox at $sandbox"

echo "== creating a viewer of the demo account and logging in"
printf '%s\n' "$password" | "$bin" user create --email "$email" --role viewer --cloud-account demo >/dev/null
jar="$work/cookies"
token="$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)"
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" -H "Sec-Fetch-Site: same-origin" \
  --data-urlencode "csrf_token=$token" --data-urlencode "email=$email" \
  --data-urlencode "password=$password" "$base/login"
cookie="$(awk '$6 ~ /cbc_session/ {print $6"="$7}' "$jar" | tail -1)"
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
cycle="$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) -1 month" +%Y-%m)"

# Warm the caches once (the first bills page reads 12 months).
for p in /catalog / "/bills?cycle=$cycle"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$p")"
  [ "$code" = 200 ] || { echo "GET $p answered $code" >&2; exit 1; }
done

declare -A rps p99
run_wrk() { # name path
  local out
  out="$(wrk -t2 -c64 -d"$duration" --latency -H "Cookie: $cookie" "$base$2")"
  rps[$1]="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p99[$1]="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local errors; errors="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  printf '   %-8s %10s req/s   p99 %8s%s\n' "$1" "${rps[$1]}" "${p99[$1]}" "${errors:+   non-2xx: $errors}"
}
echo "== wrk: $duration, 2 threads, 64 connections"
run_wrk healthz /healthz
run_wrk catalog /catalog
run_wrk dashboard /
run_wrk bills "/bills/resources?cycle=$cycle"
ratio="$(python3 -c "print(f'{${rps[catalog]}/${rps[healthz]}:.2f}')")"
echo "   catalog/healthz = $ratio (target >= 0.5)"

echo "== cache-miss dashboard with 50 ms sandbox latency ($cold_samples samples, 2.5 s apart)"
curl -fs -X POST -H 'Content-Type: application/json' -d '{"latency_ms": 50}' "$sandbox/__sandbox/faults" >/dev/null
samples=()
for i in $(seq 1 "$cold_samples"); do
  # Account data lives PORTAL_CBC_ACCOUNT_CACHE_SECS in the read cache: wait it out.
  sleep "$(python3 -c "print($PORTAL_CBC_ACCOUNT_CACHE_SECS + 0.5)")"
  t="$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "$base/")"
  samples+=("$t")
  echo "   sample $i: ${t}s"
done
curl -fs -X POST -H 'Content-Type: application/json' -d '{}' "$sandbox/__sandbox/faults" >/dev/null
p50="$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]*1000}')"
echo "   cold dashboard p50 = ${p50} ms (target <= 65 ms)"

echo "== CSV export of resource expenditures, cycle $cycle"
start="$(date +%s.%N)"
curl -fs -H "Cookie: $cookie" -o "$work/export.csv" "$base/bills/resources/export?cycle=$cycle"
end="$(date +%s.%N)"
rows="$(( $(wc -l <"$work/export.csv") - 1 ))"
hwm_kb="$(awk '/VmHWM/ {print $2}' "/proc/$portal_pid/status")"
export_rps="$(python3 -c "print(round($rows/($end-$start)))")"
echo "   $rows records in $(python3 -c "print(f'{$end-$start:.1f}')") s = $export_rps records/s; portal peak RSS $((hwm_kb / 1024)) MiB (target < 100 MiB)"

echo "== the same with the official Python SDK against a standalone sandbox (limit 1000)"
venv="$repo/tests/conformance/.venv"
if [ ! -x "$venv/bin/python" ]; then
  venv="$here/.venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q huaweicloudsdkbss==3.1.219
fi
sport="$(free_port)"
AK=BENCHAK000000000001; SK=BENCHSKbenchSKbenchSKbenchSK0000000001; DOMAIN=benchdomain00000000000000000001
"$bin" sandbox --listen "127.0.0.1:$sport" --credentials "$AK:$SK:$DOMAIN" --records "$records" >"$work/sandbox.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do grep -q "sandbox listening" "$work/sandbox.log" && break; sleep 0.1; done
sdk_out="$("$venv/bin/python" "$here/sdk_export.py" --endpoint "http://127.0.0.1:$sport" \
  --ak "$AK" --sk "$SK" --domain-id "$DOMAIN" --cycle "$cycle" --out "$work/sdk.csv")"
echo "   $sdk_out"
sdk_rps="$(awk '{print $NF}' <<<"$sdk_out")"
echo "   portal/SDK records/s = $(python3 -c "print(f'{$export_rps/$sdk_rps:.2f}')")"

echo "== summary"
printf 'date=%s cores=%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)"
printf 'healthz_rps=%s healthz_p99=%s\ncatalog_rps=%s catalog_p99=%s\ndashboard_rps=%s dashboard_p99=%s\nbills_rps=%s bills_p99=%s\n' \
  "${rps[healthz]}" "${p99[healthz]}" "${rps[catalog]}" "${p99[catalog]}" \
  "${rps[dashboard]}" "${p99[dashboard]}" "${rps[bills]}" "${p99[bills]}"
printf 'catalog_over_healthz=%s\ncold_dashboard_p50_ms=%s\nexport_records=%s export_records_per_s=%s portal_peak_rss_mib=%s\nsdk_records_per_s=%s\n' \
  "$ratio" "$p50" "$rows" "$export_rps" "$((hwm_kb / 1024))" "$sdk_rps"
