#!/usr/bin/env bash
# The container, for real: builds the image with the repository's Dockerfile, runs it as its
# non-root user against the Postgres on 127.0.0.1:5432, waits for the health check, reads the
# setup link from `docker logs`, signs in (second factor included) and loads a staff page,
# scrapes its metrics listener, stops it with SIGTERM while a slow request is in flight and
# checks that request completes, then runs compose.yaml's portal and database services with
# their secret files. Prints the image size and the idle memory of the running container.
#
# Where registry images cannot be pulled, the base images the Dockerfile and compose.yaml name
# are built locally first and tagged with those names: Debian from `debootstrap --variant=minbase
# bookworm` (`docker import`), a Rust builder carrying this machine's toolchain, and a Postgres
# built from Debian's package. Elsewhere the usual images are pulled; the files stay standard.
#
#   scripts/container-test.sh                 the whole check
#   CONTAINER_TEST_REBUILD=1 ...              also time a rebuild after a one-line source change
#
# It skips (loudly, exit 0) only when no Docker engine can be started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)
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
skip() {
  printf '\n%s\n!!! SKIPPED: the container test did not run: %s\n%s\n\n' \
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' "$*" \
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
  exit 0
}
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The legacy builder: it honours --network host and needs no buildx plugin; the Dockerfile's
# `# syntax` line is a comment to it.
build() { DOCKER_BUILDKIT=0 docker build --network host -q "$@" >/dev/null; }

IMAGE=${IMAGE:-cbc-portal:latest}
ADMIN_DB_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
RUN_ID=ct$$
work=$(mktemp -d /tmp/cbc-portal-ct.XXXXXX)
dockerd_pid=""
db_name=""
compose=()
cleanup() {
  set +e
  docker rm -f "cbc-portal-$RUN_ID" >/dev/null 2>&1
  if [ ${#compose[@]} -gt 0 ] && [ -f "$work/compose/compose.yaml" ]; then
    (cd "$work/compose" && "${compose[@]}" -p "cbcportal$RUN_ID" down -v >/dev/null 2>&1)
  fi
  [ -n "$db_name" ] && psql "$ADMIN_DB_URL" -qc "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" >/dev/null 2>&1
  [ -n "$dockerd_pid" ] && kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# --- the engine -------------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || apt_install docker.io || skip "docker.io cannot be installed"
  say "starting a Docker engine (niced; no iptables, no default bridge: builds and runs use the host network)"
  nice -n 19 dockerd --iptables=false --ip6tables=false --bridge=none >/tmp/cbc-portal-dockerd.log 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || skip "no Docker engine can start here: $(tail -n 3 /tmp/cbc-portal-dockerd.log)"
fi
docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}'

# --- base images under the names the files use ------------------------------------------------
builder_tag=$(awk '/^FROM .* AS build/ {print $2}' Dockerfile)
runtime_tag=$(awk '/^FROM .* AS runtime/ {print $2}' Dockerfile)
postgres_tag=$(awk '/image: postgres/ {print $2}' compose.yaml)
have() { docker image inspect "$1" >/dev/null 2>&1; }
pulled() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }

if ! have "$runtime_tag" && ! pulled "$runtime_tag"; then
  say "building $runtime_tag from Debian packages (debootstrap --variant=minbase bookworm)"
  apt_install debootstrap
  rootfs="$work/rootfs"
  as_root nice -n 19 debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  # Slim like the official image: no package lists or caches, no documentation or translations.
  as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  # And keep it so in the images built on it, with the official image's apt and dpkg settings.
  as_root tee "$rootfs/etc/apt/apt.conf.d/docker-clean" >/dev/null <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
EOF
  as_root tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  as_root tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - "$runtime_tag" >/dev/null
  as_root rm -rf "$rootfs"
fi
# The builder carries the host's toolchain and the certificate authorities the host trusts beyond
# Debian's (/usr/local/share/ca-certificates: e.g. an intercepting egress proxy's), so that
# cargo can fetch crates from inside the build. Rebuilt when either changes.
local_cas=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null | sha256sum | cut -c1-12)
builder_id="$(rustc --version) / local CAs $local_cas"
local_label() { docker image inspect -f '{{index .Config.Labels "cbc-portal.local-base"}}' "$1" 2>/dev/null || true; }
stale_builder() { [ -n "$(local_label "$builder_tag")" ] && [ "$(local_label "$builder_tag")" != "$builder_id" ]; }
if { ! have "$builder_tag" || stale_builder; } && ! pulled "$builder_tag"; then
  say "building $builder_tag: $runtime_tag + gcc + this machine's Rust toolchain ($(rustc --version))"
  sysroot=$(rustc --print sysroot)
  mkdir -p "$work/builder/rust/bin" "$work/builder/local-ca"
  cp -a "$sysroot"/bin/cargo "$sysroot"/bin/rustc "$sysroot"/bin/rustdoc "$work/builder/rust/bin/"
  cp -a "$sysroot/lib" "$work/builder/rust/"
  cp /usr/local/share/ca-certificates/*.crt "$work/builder/local-ca/" 2>/dev/null || true
  cat > "$work/builder/Dockerfile" <<EOF
FROM $runtime_tag
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
COPY local-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
LABEL cbc-portal.local-base="$builder_id"
COPY rust /usr/local/rust
ENV CARGO_HOME=/usr/local/cargo \\
    PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
  build -t "$builder_tag" "$work/builder"
  rm -rf "$work/builder"
fi
if [ -n "$postgres_tag" ] && ! have "$postgres_tag" && ! pulled "$postgres_tag"; then
  say "building $postgres_tag: a stand-in from Debian's postgresql-15 (scripts/container/postgres.Dockerfile)"
  build -t "$postgres_tag" -f scripts/container/postgres.Dockerfile scripts/container
fi

# --- the image --------------------------------------------------------------------------------
say "docker build -t $IMAGE . (release build inside the builder)"
id_of() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
old_image=$(id_of "$IMAGE"); old_stage=$(id_of "$IMAGE-build-stage")
t0=$(date +%s)
build -t "$IMAGE" .
build_secs=$(( $(date +%s) - t0 ))
echo "built in ${build_secs} s"
# Name the build stage (all cached, instant) so its dependency layer survives clean-ups, and drop
# the previous run's image and stage: each source change would otherwise leave 2 GB behind.
build --target build -t "$IMAGE-build-stage" .
drop_if_replaced() { if [ -n "$1" ] && [ "$1" != "$2" ]; then docker rmi "$1" >/dev/null 2>&1 || true; fi; }
drop_if_replaced "$old_image" "$(id_of "$IMAGE")"
drop_if_replaced "$old_stage" "$(id_of "$IMAGE-build-stage")"
if [ -n "${CONTAINER_TEST_REBUILD:-}" ]; then
  say "rebuild after a one-line source change"
  mkdir -p "$work/ctx"
  tar --exclude=./target --exclude=./.git -c . | tar -C "$work/ctx" -x
  echo "// rebuild probe $(date +%s)" >> "$work/ctx/src/lib.rs"
  t0=$(date +%s)
  build -t "$IMAGE-rebuild" "$work/ctx"
  echo "rebuild after a source change: $(( $(date +%s) - t0 )) s"
  docker rmi -f "$IMAGE-rebuild" >/dev/null
  rm -rf "$work/ctx"
fi
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")

# --- run it against the host's Postgres -------------------------------------------------------
psql "$ADMIN_DB_URL" -qAtc 'select 1' >/dev/null || fail "no Postgres answers at $ADMIN_DB_URL"
db_name="ct_${RUN_ID}_$(date +%s)"
port=$(free_port); sandbox_port=$(free_port); metrics_port=$(free_port)
mkdir -p "$work/secrets"
openssl rand -base64 32 > "$work/secrets/portal_key"
chown 10001:10001 "$work/secrets/portal_key"; chmod 0400 "$work/secrets/portal_key"
name="cbc-portal-$RUN_ID"
say "docker run $IMAGE as its own user, read-only root, key from a secret file"
docker run -d --name "$name" --network host --read-only \
  --tmpfs /var/lib/cbc-portal:rw,uid=10001,gid=10001,mode=0700 --tmpfs /tmp \
  -v "$work/secrets/portal_key:/run/secrets/portal_key:ro" \
  -e PORTAL_LISTEN="127.0.0.1:$port" -e PORTAL_SANDBOX_LISTEN="127.0.0.1:$sandbox_port" \
  -e PORTAL_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  -e PORTAL_SECRET_KEY_FILE=/run/secrets/portal_key \
  -e DATABASE_URL="${ADMIN_DB_URL%/*}/$db_name" \
  "$IMAGE" >/dev/null
wait_healthy() {
  local c=$1 s=""
  for _ in $(seq 1 120); do
    s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$c" 2>/dev/null || echo gone)
    [ "$s" = healthy ] && return 0
    [ "$s" = unhealthy ] || [ "$s" = gone ] && break
    sleep 1
  done
  docker logs "$c" 2>&1 | tail -n 20 >&2
  fail "$c is not healthy (health: ${s:-none})"
}
# Whole outputs go to variables before grep: with pipefail, `cmd | grep -q` fails whenever grep
# stops reading before cmd has written everything.
setup_link() { local logs; logs=$(docker logs "$1" 2>&1); grep -m 1 -oE 'http://[^ ]+/setup\?token=[A-Za-z0-9_-]+' <<<"$logs" || true; }
t0=$(date +%s)
wait_healthy "$name"
echo "healthy after $(( $(date +%s) - t0 )) s (HEALTHCHECK: cbc-portal healthcheck)"
pid=$(docker inspect -f '{{.State.Pid}}' "$name")
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = 10001 ] || fail "the portal runs as uid $uid, not 10001"
echo "runs as uid $uid"
rss_idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
link=$(setup_link "$name")
[ -n "$link" ] || fail "no setup link in docker logs"
echo "setup link found in docker logs"

say "sign in through the setup link, then SIGTERM with a request in flight"
python3 scripts/container/signin.py "$link" --drain "$name" "http://127.0.0.1:$sandbox_port" &
walk=$!
# Scrape while the walk runs (the metrics listener stops with the server).
sleep 3
metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" || true)
grep -q '^portal_http_requests_total{' <<<"$metrics" \
  || fail "the metrics listener does not serve portal_http_requests_total"
echo "  ok   the metrics listener serves the portal's series"
rss_after=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
wait "$walk" || fail "the sign-in walk failed"
code=$(timeout 40 docker wait "$name" || echo timeout)
[ "$code" = 0 ] || fail "after SIGTERM the container exited with $code"
grep -q 'draining in-flight requests' <<<"$(docker logs "$name" 2>&1)" || fail "no drain in the logs"
echo "  ok   exited 0 after draining"
docker rm "$name" >/dev/null

# --- compose.yaml's portal and database -------------------------------------------------------
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  command -v docker-compose >/dev/null || apt_install docker-compose || true
  command -v docker-compose >/dev/null && compose=(docker-compose)
fi
[ ${#compose[@]} -gt 0 ] || fail "neither 'docker compose' nor docker-compose is available"
say "compose.yaml: db + portal with secret files ($("${compose[@]}" version --short 2>/dev/null || echo "${compose[*]}"))"
mkdir -p "$work/compose/.secrets"
cp compose.yaml "$work/compose/"
openssl rand -hex 16 > "$work/compose/.secrets/db_password"
openssl rand -base64 32 > "$work/compose/.secrets/portal_key"
chown 10001:10001 "$work/compose/.secrets/"*; chmod 0400 "$work/compose/.secrets/"*
compose_port=$(free_port)
(cd "$work/compose" && PORTAL_PORT=$compose_port PORTAL_IMAGE=$IMAGE "${compose[@]}" -p "cbcportal$RUN_ID" up -d --no-build) >/dev/null 2>&1 \
  || { (cd "$work/compose" && "${compose[@]}" -p "cbcportal$RUN_ID" logs --no-color | tail -n 30) >&2; fail "compose up failed"; }
portal_c=$(cd "$work/compose" && PORTAL_PORT=$compose_port "${compose[@]}" -p "cbcportal$RUN_ID" ps -q portal)
wait_healthy "$portal_c"
curl -fsS "http://127.0.0.1:$compose_port/readyz" >/dev/null || fail "the published port does not answer /readyz"
echo "  ok   portal healthy, /readyz answers on the published port $compose_port"
link=$(setup_link "$portal_c")
[ -n "$link" ] || fail "no setup link in the compose portal's logs"
python3 scripts/container/signin.py "$link" || fail "sign-in through compose failed"
(cd "$work/compose" && "${compose[@]}" -p "cbcportal$RUN_ID" down -v) >/dev/null 2>&1

say "figures"
echo "image $IMAGE: $(( size / 1024 / 1024 )) MiB ($(( size / 1000 / 1000 )) MB)"
echo "idle RSS of the release binary in the container: $(( rss_idle / 1024 )) MiB after start, $(( rss_after / 1024 )) MiB after signing in"
echo "image build: ${build_secs} s; container test: $(( $(date +%s) - started )) s"
echo "container test passed"
