#!/usr/bin/env bash
# End-to-end test of ./wikipulse demo (run by .ci/run after ./wikipulse test): starts the demo with
# synthetic events and a batch run every minute, on its own ports, data dir and database — PostgreSQL
# on a port where nothing answers, so the embedded fallback starts too — and checks through the
# dashboard's HTTP API that both layers show data:
#   GET /api/realtime/summary          events > 0                     (speed layer)
#   GET /api/historical/runs           last_success is not null       (batch layer ran)
#   GET /api/historical/hourly         a point with source "batch" and events > 0 (its tables have data)
# Then it stops the demo with SIGTERM (what Ctrl-C does) and checks that the demo exited 0 and that
# no process it started is left. Exit status 0 when all of this holds, 1 otherwise.
#
# Settings (environment): WIKIPULSE_DEMO_TEST_TIMEOUT seconds to wait for the checks (default 900: the
# batch layer on Spark takes one to three minutes on 2 busy cores), WIKIPULSE_DEMO_TEST_DATA_DIR
# (default target/demo-test, wiped first), WIKIPULSE_DEMO_TEST_PORT_BASE (default 27000: Kafka +92 and
# +93, S3 +100, dashboard +80, PostgreSQL +32), WIKIPULSE_DEMO_TEST_RATE synthetic events/s (default 10:
# the DirectRunner must keep up on 2 shared cores, or the lake's windows, which close with the
# event-time watermark, never close), WIKIPULSE_DEMO_TEST_RUNNER the speed layer's runner (default
# FlinkRunner, the demo's default; DirectRunner). WIKIPULSE_SKIP_BUILD=1 uses what is already built.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${WIKIPULSE_DEMO_TEST_PORT_BASE:-27000}"
timeout_s="${WIKIPULSE_DEMO_TEST_TIMEOUT:-900}"
rate="${WIKIPULSE_DEMO_TEST_RATE:-10}"
runner="${WIKIPULSE_DEMO_TEST_RUNNER:-FlinkRunner}"
data="${WIKIPULSE_DEMO_TEST_DATA_DIR:-$home/target/demo-test}"
export WIKIPULSE_DATA_DIR="$data"
export WIKIPULSE_KAFKA_BOOTSTRAP="127.0.0.1:$((base + 92))"
export WIKIPULSE_KAFKA_CONTROLLER_PORT="$((base + 93))"
export WIKIPULSE_S3_ENDPOINT="http://127.0.0.1:$((base + 100))"
export WIKIPULSE_HTTP_PORT="$((base + 80))"
export WIKIPULSE_JDBC_URL="jdbc:postgresql://127.0.0.1:$((base + 32))/wikipulse_demo_test"
export WIKIPULSE_TOPIC=wiki-raw-events
export WIKIPULSE_LAKE=s3://wikipulse-lake
unset WIKIPULSE_DB_PASSWORD WIKIPULSE_READER_PASSWORD WIKIPULSE_WRITER_PASSWORD
api="http://127.0.0.1:$WIKIPULSE_HTTP_PORT"

say() { printf '[demo-test %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Only a data dir under target/ is wiped: anything else may be someone's data.
case "$data" in
  "$home"/target/*) rm -rf "$data" ;;
  *) say "keeping $data (only a data dir under target/ is wiped first)" ;;
esac
mkdir -p "$data"
for port in $((base + 92)) $((base + 93)) $((base + 100)) $((base + 80)) $((base + 32)); do
  if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null; then
    say "FAIL: port $port is already in use: set WIKIPULSE_DEMO_TEST_PORT_BASE to a free range"
    exit 1
  fi
done

out="$data/demo-test.out"
t0="$(date +%s)"
say "starting: ./wikipulse demo --synthetic --seed 7 --rate $rate --runner=$runner --batch-every 1 --duration $timeout_s (output: $out)"
"$home/wikipulse" demo --synthetic --seed 7 --rate "$rate" "--runner=$runner" --batch-every 1 --duration "$timeout_s" >"$out" 2>&1 &
demo_pid=$!

# Whatever happens, the demo is stopped; and as a last resort, any process of this data dir.
leftovers() {
  local pid
  for pid in $(ps -eo pid=); do
    [ "$pid" = "$$" ] && continue
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$data" && echo "$pid"
  done
  return 0
}
cleanup() {
  local rc=$?
  if kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
  local pids
  pids="$(leftovers)"
  if [ -n "$pids" ]; then
    say "killing processes left behind: $pids"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  say "FAIL: $*"
  say "--- last lines of the demo's output:"
  tail -n 40 "$out" || true
  exit 1
}

realtime="" runs="" hourly=""
deadline=$((t0 + timeout_s))
while :; do
  kill -0 "$demo_pid" 2>/dev/null || fail "the demo exited before the checks held"
  if [ -z "$realtime" ]; then
    body="$(curl -s --max-time 5 "$api/api/realtime/summary?window=30m" || true)"
    events="$(grep -oE '"events":[0-9]+' <<<"$body" | head -n 1 | cut -d: -f2 || true)"
    if [ -n "$events" ] && [ "$events" -gt 0 ]; then
      realtime="$events"
      say "ok: /api/realtime/summary shows $events events in the last 30 min ($(( $(date +%s) - t0 )) s)"
    fi
  fi
  if [ -z "$runs" ]; then
    body="$(curl -s --max-time 5 "$api/api/historical/runs" || true)"
    if grep -q '"last_success":{' <<<"$body"; then
      runs="$(grep -oE '"last_success":\{[^}]*\}' <<<"$body" || true)"
      say "ok: /api/historical/runs has a last_success ($(( $(date +%s) - t0 )) s): $runs"
    fi
  fi
  if [ -z "$hourly" ]; then
    body="$(curl -s --max-time 5 "$api/api/historical/hourly?hours=48" || true)"
    # An hour the batch layer computed from real rows (its 24 h range also has empty hours, as 0).
    if grep -qE '"source":"batch","total_events":[1-9]' <<<"$body"; then
      hourly="$(grep -oE '\{[^{}]*"source":"batch","total_events":[1-9][^{}]*\}' <<<"$body" | head -n 1 || true)"
      say "ok: /api/historical/hourly has a point from the batch layer ($(( $(date +%s) - t0 )) s): $hourly"
    fi
  fi
  [ -n "$realtime" ] && [ -n "$runs" ] && [ -n "$hourly" ] && break
  [ "$(date +%s)" -lt "$deadline" ] \
    || fail "after ${timeout_s} s: realtime=${realtime:-no} batch run=${runs:+yes} batch hours=${hourly:+yes}"
  sleep 5
done

say "stopping the demo (SIGTERM, as Ctrl-C does)"
kill -TERM "$demo_pid"
rc=0
wait "$demo_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the demo exited with status $rc after SIGTERM (expected 0)"
grep -q "stopped cleanly" "$out" || fail "the demo did not report a clean stop"
left="$(leftovers)"
[ -z "$left" ] || fail "processes of $data are still running after the demo stopped: $left"
for port in $((base + 92)) $((base + 100)) $((base + 80)) $((base + 32)); do
  if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null; then
    fail "port $port still answers after the demo stopped"
  fi
done
say "--- the demo's output:"
cat "$out"
say "PASS in $(( $(date +%s) - t0 )) s: both layers on the dashboard API, clean stop, nothing left running"
