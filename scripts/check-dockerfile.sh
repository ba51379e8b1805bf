#!/usr/bin/env bash
# Quick checks of the Dockerfile that need no Docker engine (scripts/container-test.sh builds and
# runs the image for real): every COPY source exists, the build command works offline-checked (in debug, to
# keep CI fast; the release profile differs only in optimisation), the binary has the
# subcommands the image uses, and it carries no secrets.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
for src in $(awk '/^COPY / && !/--from/ { for (i = 2; i < NF; i++) print $i }' Dockerfile); do
  [ -e "$src" ] || { echo "FAIL: Dockerfile copies $src, which does not exist" >&2; fail=1; }
done
grep -qE '^USER (portal|10001)' Dockerfile || { echo "FAIL: image must not run as root" >&2; fail=1; }
builder=$(awk '/^FROM .* AS build/ {print $2}' Dockerfile)
runtime=$(awk '/^FROM .* AS runtime/ {print $2}' Dockerfile)
release() { grep -oE 'bookworm|bullseye|trixie' <<<"$1" | head -1; }
[ -n "$(release "$builder")" ] && [ "$(release "$builder")" = "$(release "$runtime")" ] \
  || { echo "FAIL: builder ($builder) and runtime ($runtime) differ in Debian release" >&2; fail=1; }
command -v strings >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq binutils >/dev/null; }
SQLX_OFFLINE=true cargo build --locked --bin cbc-portal
bin="${CARGO_TARGET_DIR:-target}/debug/cbc-portal"
for cmd in serve healthcheck migrate; do
  "$bin" "$cmd" --help >/dev/null || { echo "FAIL: the image runs '$cmd', which the binary lacks" >&2; fail=1; }
done
if strings "$bin" | grep -E 'BEGIN (RSA|EC|OPENSSH) PRIVATE KEY|postgres://[^@/ ]+:[^@/ ]+@' ; then
  echo "FAIL: the binary embeds a private key or a database password" >&2; fail=1
fi
[ $fail = 0 ] && echo "Dockerfile checks passed"
exit $fail
