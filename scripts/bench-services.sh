#!/usr/bin/env bash
# Start-to-ready time and idle memory of generated services with a real database, per stack.
#
# Generates examples/civil-petition.yaml (a Rust service, `citizens`, and a Spring Boot service,
# `petitions`, both on PostgreSQL), builds both (release profile for Rust, `mvn package` for
# Spring Boot), starts a throwaway PostgreSQL (Debian's binaries) on a free loopback port, then
# starts each service RUNS times on a fresh database: the time from spawn to the first `/readyz`
# 200 (migrations applied, database answering) and the resident memory (VmRSS) after IDLE
# seconds without traffic. Prints one line per run and the median per stack.
#
# Usage: scripts/bench-services.sh [RUNS (default 5)]; IDLE=seconds (default 5).
# Needs: cargo, mvn, java, curl, PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin or
# MSAFORGE_PG_BIN). Uses MSAFORGE_E2E_TARGET (default /tmp/msaforge-e2e-target) for the build.
set -euo pipefail

RUNS=${1:-5}
IDLE=${IDLE:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${MSAFORGE_E2E_TARGET:-/tmp/msaforge-e2e-target}
WORK=$(mktemp -d /tmp/msaforge-bench-XXXXXX)
PG_BIN=${MSAFORGE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "${PG_PID:-}" ] && kill -INT "$PG_PID" 2>/dev/null && wait "$PG_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# PostgreSQL refuses to run as root: run it as `postgres` (or `nobody`) then.
as_owner=()
if [ "$(id -u)" = 0 ]; then
    owner=$(id -u postgres 2>/dev/null || id -u nobody)
    group=$(id -g postgres 2>/dev/null || id -g nobody)
    as_owner=(setpriv --reuid="$owner" --regid="$group" --clear-groups)
fi

echo "== generate and build (not timed)" >&2
(cd "$ROOT" && cargo build -q --bin msaforge)
"$ROOT/target/debug/msaforge" generate "$ROOT/examples/civil-petition.yaml" -o "$WORK/system" >/dev/null
(cd "$WORK/system" && CARGO_TARGET_DIR=$TARGET cargo build -q --release -p citizens)
(cd "$WORK/system/services/petitions" && mvn -B -q package -DskipTests >"$WORK/mvn.log" 2>&1) \
    || { tail -40 "$WORK/mvn.log"; exit 1; }

echo "== PostgreSQL" >&2
chmod 755 "$WORK"
mkdir -p "$WORK/pg"
echo bench >"$WORK/pg/password"
[ ${#as_owner[@]} -gt 0 ] && chown -R "$owner:$group" "$WORK/pg"
"${as_owner[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U bench --auth=scram-sha-256 \
    --pwfile="$WORK/pg/password" --no-sync -E UTF8 >"$WORK/pg/initdb.log"
PG_PORT=$(free_port)
"${as_owner[@]}" "$PG_BIN/postgres" -D "$WORK/pg/data" -k "$WORK/pg" -c port="$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c fsync=off >"$WORK/pg/log" 2>&1 &
PG_PID=$!
export PGPASSWORD=bench
until "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U bench -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; do
    sleep 0.2
done

# measure NAME URL COMMAND...: one run, prints "NAME ready_ms rss_kib".
measure() {
    local name=$1 url=$2; shift 2
    local port db
    port=$(free_port)
    db="bench_${name//-/_}_$RANDOM$RANDOM"
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U bench -d postgres -qc "CREATE DATABASE $db"
    local start; start=$(now_ms)
    env PORT="$port" BIND_ADDR=127.0.0.1 OTEL_TRACES_EXPORTER=none \
        MANAGEMENT_OTLP_TRACING_EXPORT_ENABLED=false RUST_LOG=warn \
        DATABASE_URL="${url}127.0.0.1:$PG_PORT/$db" DATABASE_USER=bench DATABASE_PASSWORD=bench \
        "$@" >"$WORK/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
        kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/$name.log"; exit 1; }
        sleep 0.05
    done
    local ready=$(( $(now_ms) - start ))
    sleep "$IDLE"
    local rss; rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$name $ready $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

results=()
for run in $(seq "$RUNS"); do
    results+=("$(measure rust-axum "postgres://" "$TARGET/release/citizens")")
    results+=("$(measure spring-boot "jdbc:postgresql://" java -jar "$WORK/system/services/petitions/target/petitions.jar")")
    echo "run $run: ${results[-2]} | ${results[-1]}" >&2
done

printf '%-12s %6s %18s %18s\n' stack runs "start-to-ready ms" "idle RSS MiB"
for stack in rust-axum spring-boot; do
    lines=$(printf '%s\n' "${results[@]}" | awk -v s="$stack" '$1 == s')
    ready=$(echo "$lines" | awk '{print $2}' | median)
    rss=$(echo "$lines" | awk '{print $3}' | median)
    printf '%-12s %6s %18s %18s\n' "$stack" "$RUNS" "$ready" "$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')"
done
echo "(median of $RUNS runs; PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1, $(nproc) cores)"
