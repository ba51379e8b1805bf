#!/bin/sh
# Entry point of the postgres:15-bookworm stand-in (see postgres.Dockerfile). Like the official
# image it reads the password file as root, then runs the server as the postgres user.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"; chown postgres "$pwfile"
  as_pg initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # The set-up server listens on a private socket only, so that health checks (pg_isready on
  # the usual socket) stay red until the real server runs.
  init_sock=$(mktemp -d); chown postgres "$init_sock"
  as_pg pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses='' -c unix_socket_directories=$init_sock" start
  if [ "$db" != postgres ]; then
    as_pg createdb -h "$init_sock" -U "$user" "$db"
  fi
  as_pg pg_ctl -D "$PGDATA" -w -s -m fast stop
  echo "database $db initialised for user $user"
fi
unset POSTGRES_PASSWORD
exec setpriv --reuid=postgres --regid=postgres --init-groups "$@" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
