#!/usr/bin/env bash
# Runs every test of cbc-portal on this machine, installing and starting what the tests need:
# a PostgreSQL server (if none answers on 127.0.0.1:5432), Chromium + ChromeDriver (browser
# walkthrough), and the official Huawei Python SDK in a virtualenv (conformance).
#
#   ./scripts/test.sh            everything
#   SKIP_CONFORMANCE=1 ...       leave out the Python SDK conformance run (says so loudly)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }

apt_updated=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- PostgreSQL ------------------------------------------------------------------------------
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_up() { psql "$TEST_DATABASE_URL" -qAtc 'select 1' >/dev/null 2>&1; }
if ! command -v psql >/dev/null; then apt_install postgresql-client; fi
if ! pg_up; then
  say "no PostgreSQL answers on 127.0.0.1:5432; starting one"
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fi
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    ver=$(ls /etc/postgresql | sort -n | tail -1)
    # Trust local TCP connections for the throwaway test cluster.
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    grep -q "cbc-portal tests" "$hba" 2>/dev/null || as_root sh -c "printf '%s\n' '# cbc-portal tests' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' | cat - '$hba' > '$hba.new' && mv '$hba.new' '$hba' && chown postgres:postgres '$hba'"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL still does not answer at $TEST_DATABASE_URL" >&2; exit 1; }
fi

# --- Test databases --------------------------------------------------------------------------
# The server may be shared: each run names its databases with a prefix of its own, recorded in
# target/test-db-prefixes, and clean-up drops only databases of this checkout's runs that are
# over. Anybody else's databases, and those of a run still going, are left alone.
prefixes=target/test-db-prefixes
mkdir -p target
touch "$prefixes"
export TEST_DB_PREFIX="t_r$(date +%s)_$$_"

# Drops every database whose name starts with exactly $1 (no pattern characters).
drop_databases_of() {
  psql "$TEST_DATABASE_URL" -qAt -v ON_ERROR_STOP=0 -v prefix="$1" >/dev/null <<'SQL' || true
select format('drop database if exists %I with (force)', datname)
  from pg_database where left(datname, length(:'prefix')) = :'prefix'
\gexec
SQL
}

# Rewrites the prefix list under a lock (runs of one checkout may overlap): keeps the lines for
# which "$@" succeeds.
keep_prefixes() {
  (
    command -v flock >/dev/null && flock 9
    tmp="$prefixes.$$"
    : >"$tmp"
    while read -r p; do
      if "$@" "$p"; then printf '%s\n' "$p" >>"$tmp"; fi
    done <"$prefixes"
    mv "$tmp" "$prefixes"
  ) 9>>"$prefixes.lock"
}

# A recorded run is over when its process is gone; a run still going keeps its databases.
still_running() {
  [[ "$1" =~ ^t_r[0-9]+_([0-9]+)_$ ]] || return 1
  kill -0 "${BASH_REMATCH[1]}" 2>/dev/null
}
drop_if_over() {
  if still_running "$1"; then return 0; fi
  [[ "$1" =~ ^t_r[0-9]+_[0-9]+_$ ]] && drop_databases_of "$1"
  return 1
}
not_this_run() { [ "$1" != "$TEST_DB_PREFIX" ]; }

keep_prefixes drop_if_over
( command -v flock >/dev/null && flock 9; printf '%s\n' "$TEST_DB_PREFIX" >>"$prefixes" ) 9>>"$prefixes.lock"
finish_databases() {
  drop_databases_of "$TEST_DB_PREFIX"
  keep_prefixes not_this_run
}
trap finish_databases EXIT

# --- Browser ---------------------------------------------------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver
fi
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"

# --- Python for the conformance run ---------------------------------------------------------
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then apt_install python3-venv; fi

# --- Rust tests (unit + the one integration binary, incl. the browser walkthrough) ------------
say "cargo test"
cargo test --locked --all-targets -- --test-threads="${TEST_THREADS:-4}"

# --- Conformance with the official Huawei SDK ------------------------------------------------
if [ -n "${SKIP_CONFORMANCE:-}" ]; then
  say "SKIPPED: conformance with the official Python SDK (SKIP_CONFORMANCE is set)"
else
  say "conformance: official huaweicloudsdkbss against the sandbox"
  bash tests/conformance/run.sh
fi
say "all tests passed"
