#!/bin/sh
# The official image's first-start contract, as compose.yaml uses it (see the Containerfile).
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required, as by the official image}"
    user="${POSTGRES_USER:-postgres}"
    password_file="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file"
    initdb --username="$user" --pwfile="$password_file" --auth-local=trust \
           --auth-host=scram-sha-256 >/dev/null
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    pg_ctl -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres \
         -c "CREATE DATABASE \"${POSTGRES_DB:-$user}\" OWNER \"$user\"" >/dev/null
    pg_ctl -m fast -w stop >/dev/null
fi
exec "$@" -c listen_addresses='*'
