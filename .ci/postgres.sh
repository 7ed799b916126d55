#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server for the ledger tests.
#
#   .ci/postgres.sh start   # prints the URL to use, e.g. postgresql://postgres@127.0.0.1:54321/postgres
#   .ci/postgres.sh stop    # stops the server and deletes its data directory
#
# The server listens on 127.0.0.1 only (and a private socket directory), with trust
# authentication: it is for local tests, never for data. Its data directory is remembered in
# $GATEKEEPER_TEST_POSTGRES_STATE (default ${TMPDIR:-/tmp}/gatekeeper-test-postgres.state).
# Binaries: $PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

state="${GATEKEEPER_TEST_POSTGRES_STATE:-${TMPDIR:-/tmp}/gatekeeper-test-postgres.state}"

find_bindir() {
    if [[ -n "${PG_BIN:-}" ]]; then
        echo "$PG_BIN"
        return
    fi
    local candidate
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$candidate/initdb" ]]; then
            echo "$candidate"
            return
        fi
    done
    # pg_config from libpq-dev may point at client-only binaries, so it comes last.
    if command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
        return
    fi
    echo "postgres.sh: no PostgreSQL server binaries (initdb) found; install postgresql or set PG_BIN" >&2
    exit 4
}

as_owner() {
    # Run a server command as the data directory's owner.
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bindir base port
    bindir="$(find_bindir)"
    if [[ -s "$state" ]]; then
        echo "postgres.sh: a server is already recorded in $state; run '$0 stop' first" >&2
        exit 4
    fi
    base="$(mktemp -d "${TMPDIR:-/tmp}/gatekeeper-pg.XXXXXX")"
    chmod 755 "$base"
    mkdir "$base/data" "$base/socket"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres: "$base/data" "$base/socket"
    fi
    as_owner "$bindir/initdb" --pgdata="$base/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C --no-sync >"$base/initdb.log" 2>&1 || {
        cat "$base/initdb.log" >&2
        rm -rf "$base"
        exit 4
    }
    port="$(free_port)"
    echo "$bindir $base $port" >"$state"
    as_owner "$bindir/pg_ctl" --pgdata="$base/data" --log="$base/data/server.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $base/socket -c max_connections=50" start >&2 || {
        cat "$base/data/server.log" >&2
        stop
        exit 4
    }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

stop() {
    if [[ ! -s "$state" ]]; then
        echo "postgres.sh: no server recorded in $state" >&2
        return 0
    fi
    local bindir base port
    read -r bindir base port <"$state"
    as_owner "$bindir/pg_ctl" --pgdata="$base/data" --mode=immediate --wait stop >&2 || true
    rm -rf "$base" "$state"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
