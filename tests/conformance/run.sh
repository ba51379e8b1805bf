#!/usr/bin/env bash
# Conformance run: the official Huawei Python SDK against the sandbox.
# Creates tests/conformance/.venv (pinned SDK), starts the sandbox on a free port, runs
# conformance.py, stops the sandbox. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q huaweicloudsdkbss==3.1.219 huaweicloudsdkbssintl==3.1.219

AK=CONFAK; SK=CONFSK; DOMAIN=conformancedomain0000000000000001
out="$(mktemp)"
cd "$repo"
cargo build --quiet
"${CARGO_TARGET_DIR:-$repo/target}/debug/cbc-portal" sandbox --listen 127.0.0.1:0 \
  --credentials "$AK:$SK:$DOMAIN" --records 3000 --seed 7 >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^sandbox listening on //p' "$out")"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "sandbox did not start"; cat "$out"; exit 1; }
echo "sandbox at $url"
"$venv/bin/python" "$here/conformance.py" --endpoint "$url" --ak "$AK" --sk "$SK" --domain-id "$DOMAIN"
