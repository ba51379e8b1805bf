#!/usr/bin/env bash
# Static checks that the compiler cannot make (security checklist 21, 22, 28).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

# 21: no template output escapes the HTML escaper.
if grep -rnE '\|\s*safe\b|Escaper::None|escape\s*=\s*"none"' templates src; then
  echo "FAIL: unescaped template output (|safe / Escaper::None) is not allowed" >&2; fail=1
fi

# 22: SQL text is never built from values: no format!/concat of runtime data into sqlx calls.
if grep -rnE 'sqlx::query(_as|_scalar)?(::<[^>]*>)?\(\s*&?format!' src; then
  echo "FAIL: format! into SQL; bind parameters instead" >&2; fail=1
fi
if grep -rnE '(query|query_as|query_scalar)\(\s*&?format!' src; then
  echo "FAIL: format! into SQL; bind parameters instead" >&2; fail=1
fi

# 28: no credentials in the repository (AK/SK-looking strings outside the signing fixtures and tests).
if git ls-files -z | xargs -0 grep -nIE '(^|[^A-Z0-9])[A-Z0-9]{20}([^A-Z0-9]|$).*(sk|secret)' -- 2>/dev/null \
   | grep -vE '^(tests/|src/sandbox/|src/cbc/|bench/|README|DESIGN)' ; then
  echo "FAIL: something that looks like an AK/SK pair is committed" >&2; fail=1
fi
if git ls-files | grep -E '(^|/)\.env$|secret\.key$'; then
  echo "FAIL: a secrets file is committed" >&2; fail=1
fi
exit $fail
