#!/usr/bin/env bash
# Checks deploy/: the Prometheus alert rules parse and pass their unit tests (promtool), every
# Grafana panel query is valid PromQL, the Kubernetes manifest parses and keeps metrics private, and every portal_* series they name is one the portal
# exports (src/metrics.rs), so a renamed metric cannot leave a silent alert behind.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }

if ! command -v promtool >/dev/null; then
  echo "installing promtool (Debian package prometheus)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null
fi
promtool --version | head -1

rules=deploy/prometheus/cbc-portal.rules.yaml
promtool check rules "$rules" || fail=1
(cd deploy/prometheus && promtool test rules cbc-portal.rules.test.yaml) || fail=1

# Every dashboard query becomes a recording rule, so promtool parses it as PromQL.
dash=deploy/grafana/cbc-portal.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$dash" "$tmp/dashboard.rules.yaml" <<'PY' || fail=1
import json, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
assert exprs, "the dashboard has no queries"
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        out.write(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(e)}\n")
print(f"{len(exprs)} dashboard queries")
PY
promtool check rules "$tmp/dashboard.rules.yaml" >/dev/null || { echo "FAIL: a dashboard query is not valid PromQL" >&2; fail=1; }

# The Kubernetes manifest parses, and its Service never exposes the metrics port.
python3 - deploy/kubernetes/portal.yaml <<'PY' || fail=1
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
svc = [d for d in docs if d["kind"] == "Service"]
assert svc, "no Service"
for s in svc:
    for p in s["spec"]["ports"]:
        assert p.get("targetPort") != "metrics" and p.get("port") != 9090, f"Service {s['metadata']['name']} exposes metrics"
dep = next(d for d in docs if d["kind"] == "Deployment")
c = dep["spec"]["template"]["spec"]["containers"][0]
assert c["resources"]["limits"]["memory"], "no memory limit"
print("kubernetes manifest: ok")
PY

# Series named in deploy/ must exist in the portal.
for name in $(grep -rhoE 'portal_[a-z_]+' deploy | sed -E 's/_(bucket|count|sum)$//' | sort -u); do
  grep -q "\"$name\"" src/metrics.rs || { echo "FAIL: deploy/ uses $name, which src/metrics.rs does not export" >&2; fail=1; }
done

[ $fail = 0 ] && echo "deploy checks passed"
exit $fail
