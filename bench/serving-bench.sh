#!/usr/bin/env bash
# Serving benchmark (not a test): 24 h of synthetic data at the live rate (~3 M raw events, the minute
# rollups) in a database of its own, `./wikipulse serve` on it, then every dashboard endpoint
# (24 h window, the heaviest) first cold (one request, nothing cached) and then under N concurrent
# clients for D seconds with wrk. Prints cores, data size, p50/p95/p99 and requests/s per endpoint.
# Then, on the same server and data, each dashboard page's first paint in headless Chromium
# (FirstPaintBench: cold and warm browser, first paint, DOMContentLoaded, load, all charts drawn).
#
#   bench/serving-bench.sh [--duration 60] [--connections 50] [--keep] [--paint-runs 5] [--paint-only]
#                                                        (needs: psql, wrk, chromium, chromium-driver)
#   --keep        keep the loaded database (and reuse it next time)
#   --paint-only  only the first-paint part, no wrk runs; implies --keep (rerun against a kept database)
#
# Targets (issue #7): p95 <= 100 ms and p99 <= 250 ms per API call at 50 clients with 24 h of data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=60 connections=50 keep="" paint_runs=5 paint_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --paint-runs) paint_runs="$2"; shift 2 ;;
    --paint-only) paint_only=1 keep=1; shift ;;
    *) echo "usage: $0 [--duration S] [--connections N] [--keep] [--paint-runs N] [--paint-only]" >&2; exit 2 ;;
  esac
done
[ -n "$paint_only" ] || command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "needs apt-get install -y chromium chromium-driver" >&2; exit 1; }
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
[ -n "$paint_only" ] && endpoints=()   # --paint-only: no wrk runs
[ -n "$paint_only" ] || printf '%-62s %9s %8s %8s %8s %8s %6s\n' endpoint cold_ms rps p50_ms p95_ms p99_ms errors
for e in "${endpoints[@]}"; do
  cold=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$e" | awk '{printf "%.1f", $1*1000}')
  line=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$ROOT/bench/wrk-report.lua" "http://127.0.0.1:$port$e" | grep '^WRK')
  v() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
  printf '%-62s %9s %8s %8s %8s %8s %6s\n' "$e" "$cold" "$(v rps)" "$(v p50_ms)" "$(v p95_ms)" "$(v p99_ms)" "$(v errors)"
done
[ -n "$paint_only" ] || echo "== $connections concurrent clients, ${duration} s per endpoint, $(nproc) cores; cold = the first request (no cache), then identical requests share one query per 1-15 s (served from memory while one refresh runs)"

# Page first paint in headless Chromium (issue #7): the same server on the same data, after the wrk
# runs. Runs from serving's test class path (Selenium is a test dependency); bench/README.md.
echo
echo "== page first paint in headless Chromium (FirstPaintBench)"
cp_file="$ROOT/serving/target/test-classpath.txt"
[ -f "$ROOT/serving/target/test-classes/org/wikipulse/serving/bench/FirstPaintBench.class" ] \
  || { echo "FirstPaintBench is not compiled: mvn -B -q -DskipTests package -pl sql,serving -am" >&2; exit 1; }
[ "$cp_file" -nt "$ROOT/serving/pom.xml" ] || (cd "$ROOT" && mvn -B -q -pl serving dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null)
paint=(java -cp "serving/target/test-classes:serving/target/classes:$(cat "$cp_file")"
  org.wikipulse.serving.bench.FirstPaintBench --base-url "http://127.0.0.1:$port" --runs "$paint_runs")
echo "   (cd $ROOT && java -cp serving/target/test-classes:serving/target/classes:\$(cat serving/target/test-classpath.txt) \\"
echo "      org.wikipulse.serving.bench.FirstPaintBench --base-url http://127.0.0.1:$port --runs $paint_runs)"
(cd "$ROOT" && "${paint[@]}")
