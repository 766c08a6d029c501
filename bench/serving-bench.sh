#!/usr/bin/env bash
# Serving benchmark (not a test): 24 h of synthetic data at the live rate (~3 M raw events, the minute
# rollups) in a database of its own, `./wikipulse serve` on it, then every dashboard endpoint
# (24 h window, the heaviest) first cold (one request, nothing cached) and then under N concurrent
# clients for D seconds with wrk. Prints cores, data size, p50/p95/p99 and requests/s per endpoint.
#
#   bench/serving-bench.sh [--duration 60] [--connections 50] [--keep]     (needs: psql, wrk)
#
# Targets (issue #7): p95 <= 100 ms and p99 <= 250 ms per API call at 50 clients with 24 h of data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=60 connections=50 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--duration S] [--connections N] [--keep]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
command -v psql >/dev/null || { echo "needs psql (postgresql-client)" >&2; exit 1; }

db=wikipulse_bench_serving
port="${BENCH_PORT:-18999}"
export WIKIPULSE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$db"
export WIKIPULSE_HTTP_PORT="$port"
export WIKIPULSE_KAFKA_BOOTSTRAP="${BENCH_KAFKA:-127.0.0.1:1}"   # no Kafka needed: lag shows as unknown
psql_admin() { psql -h 127.0.0.1 -U "${WIKIPULSE_DB_USER:-postgres}" -v ON_ERROR_STOP=1 -q "$@"; }

[ "${WIKIPULSE_SKIP_BUILD:-}" = 1 ] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl sql,serving -am)
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "$keep" ] || ! psql_admin -d "$db" -Atc 'select 1' >/dev/null 2>&1; then
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db"
  WIKIPULSE_SKIP_BUILD=1 "$ROOT/wikipulse" migrate >/dev/null
  start=$(date +%s)
  echo "== loading 24 h of synthetic data (takes a few minutes)"
  psql_admin -d "$db" -f "$ROOT/bench/serving-load.sql"
  echo "   loaded in $(( $(date +%s) - start )) s"
else
  echo "== reusing the loaded database $db (--keep)"
fi
psql_admin -d "$db" -Atc "select pg_size_pretty(pg_database_size('$db'))" | sed 's/^/== database size: /'

log="$(mktemp)"
WIKIPULSE_SKIP_BUILD=1 "$ROOT/wikipulse" serve --port "$port" >"$log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; wait $serve_pid 2>/dev/null || true; [ -n "$keep" ] || psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health" -o /dev/null -w '' 2>/dev/null && break; curl -s "http://127.0.0.1:$port/health" -o /dev/null && break; sleep 0.5; done

endpoints=(
  "/api/realtime/summary?window=24h" "/api/realtime/timeseries?window=24h" "/api/realtime/servers?window=24h"
  "/api/realtime/languages?window=24h" "/api/realtime/severity?window=24h" "/api/realtime/volume-change?window=24h"
  "/api/realtime/namespaces?window=24h" "/api/realtime/types?window=24h" "/api/realtime/engagement?window=24h"
  "/api/realtime/pages?window=24h" "/api/realtime/battlefield?window=24h" "/api/realtime/spikes"
  "/api/realtime/filters?window=24h" "/api/realtime/pages?window=1h" "/api/realtime/summary?window=30m&server=en.wikipedia.org&bot=human"
  "/api/historical/hourly?hours=48" "/api/status" "/health"
)
printf '%-62s %9s %8s %8s %8s %8s %6s\n' endpoint cold_ms rps p50_ms p95_ms p99_ms errors
for e in "${endpoints[@]}"; do
  cold=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$e" | awk '{printf "%.1f", $1*1000}')
  line=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$ROOT/bench/wrk-report.lua" "http://127.0.0.1:$port$e" | grep '^WRK')
  v() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
  printf '%-62s %9s %8s %8s %8s %8s %6s\n' "$e" "$cold" "$(v rps)" "$(v p50_ms)" "$(v p95_ms)" "$(v p99_ms)" "$(v errors)"
done
echo "== $connections concurrent clients, ${duration} s per endpoint, $(nproc) cores; cold = the first request (no cache), then identical requests share one query per 1-15 s (served from memory while one refresh runs)"
