# ./wikipulse demo — the whole system on this machine, with embedded defaults: PostgreSQL (an embedded
# one when none answers), the local Kafka broker and S3 server, the schema, the speed layer, the bridge
# (live stream, a looping recorded file, or synthetic events), the dashboard, and a batch run every N
# minutes. Every process it starts runs in the background with its log under $WIKIPULSE_DATA_DIR/logs;
# Ctrl-C (or --duration) stops them all. The data stays in $WIKIPULSE_DATA_DIR for the next demo.
# Sourced by ./wikipulse, not executed.

LIVE_STREAM_URL="https://stream.wikimedia.org/v2/stream/recentchange"

demo_usage() {
  cat <<USAGE
Usage: ./wikipulse demo [--synthetic | --source FILE|URL] [options]

Starts everything and prints the dashboard URL; Ctrl-C stops every process it started.

Source of events (the demo says which one it uses and why):
  (none)              the live Wikimedia stream when it answers within 5 s, else --synthetic
  --synthetic         realistic generated events (a mix of wikis, types, bots, namespaces, edit sizes)
  --source FILE       a recorded NDJSON(.gz) file, replayed at --rate and looped with fresh ids and times
  --source URL        an EventStreams URL
  --rate N            events/s of --synthetic and --source FILE (default 35, about the live feed's
                      share that the dashboard keeps)

Options:
  --runner=R          speed layer runner: FlinkRunner (default; Flink in one JVM, checkpoints in
                      \$WIKIPULSE_DATA_DIR/flink, resumed by the next demo) or DirectRunner
  --port N            dashboard port (default \$WIKIPULSE_HTTP_PORT, else 8080)
  --batch-every N     run the batch layer (Spark, local) every N minutes over the last day (default
                      10; 0 = never)
  --duration S        stop by itself S seconds after everything is up (default: run until Ctrl-C)
  --seed N            seed of --synthetic (default: random)

PostgreSQL: when nothing answers at \$WIKIPULSE_JDBC_URL's host:port (a local address), an embedded
PostgreSQL 15 starts on that port with its data in \$WIKIPULSE_DATA_DIR/postgres. Kafka and S3: the
project's local services (./wikipulse services up). Logs: \$WIKIPULSE_DATA_DIR/logs/. Exit status: 0
when stopped cleanly (Ctrl-C, SIGTERM, --duration), 1 when something failed (the demo says what).
USAGE
}

demo_cmd() {
  DEMO_SOURCE=""
  DEMO_SYNTHETIC=""
  DEMO_RATE=""
  DEMO_SEED=""
  # Flink by default: on 2 busy cores the DirectRunner managed 2-3 records/s and fell ever further
  # behind, while Flink [local] kept up with 10-35 events/s (README, Demo).
  DEMO_RUNNER="FlinkRunner"
  DEMO_PORT="${WIKIPULSE_HTTP_PORT:-8080}"
  DEMO_BATCH_EVERY=10
  DEMO_DURATION=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --source) DEMO_SOURCE="${2:?--source needs a value}"; shift 2 ;;
      --source=*) DEMO_SOURCE="${1#*=}"; shift ;;
      --synthetic) DEMO_SYNTHETIC=1; shift ;;
      --rate) DEMO_RATE="${2:?--rate needs a value}"; shift 2 ;;
      --rate=*) DEMO_RATE="${1#*=}"; shift ;;
      --seed) DEMO_SEED="${2:?--seed needs a value}"; shift 2 ;;
      --seed=*) DEMO_SEED="${1#*=}"; shift ;;
      --runner) DEMO_RUNNER="${2:?--runner needs a value}"; shift 2 ;;
      --runner=*) DEMO_RUNNER="${1#*=}"; shift ;;
      --port) DEMO_PORT="${2:?--port needs a value}"; shift 2 ;;
      --port=*) DEMO_PORT="${1#*=}"; shift ;;
      --batch-every) DEMO_BATCH_EVERY="${2:?--batch-every needs a value}"; shift 2 ;;
      --batch-every=*) DEMO_BATCH_EVERY="${1#*=}"; shift ;;
      --duration) DEMO_DURATION="${2:?--duration needs a value}"; shift 2 ;;
      --duration=*) DEMO_DURATION="${1#*=}"; shift ;;
      -h|--help) demo_usage; return 0 ;;
      *) die "demo: unknown option '$1' (see ./wikipulse demo --help)" ;;
    esac
  done
  [[ "$DEMO_PORT" =~ ^[0-9]+$ ]] && [ "$DEMO_PORT" -ge 1 ] && [ "$DEMO_PORT" -le 65535 ] \
    || die "demo: --port needs a port number, got '$DEMO_PORT'"
  [[ "$DEMO_BATCH_EVERY" =~ ^[0-9]+$ ]] || die "demo: --batch-every needs whole minutes (0 = never), got '$DEMO_BATCH_EVERY'"
  [[ "$DEMO_DURATION" =~ ^[0-9]+$ ]] || die "demo: --duration needs whole seconds, got '$DEMO_DURATION'"
  [ -z "$DEMO_RATE" ] || [[ "$DEMO_RATE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "demo: --rate needs a number of events/s, got '$DEMO_RATE'"
  [ -z "$DEMO_SEED" ] || [[ "$DEMO_SEED" =~ ^-?[0-9]+$ ]] || die "demo: --seed needs a whole number, got '$DEMO_SEED'"
  [ -z "$DEMO_SYNTHETIC" ] || [ -z "$DEMO_SOURCE" ] || die "demo: --synthetic and --source exclude each other"
  [ -z "$DEMO_SEED" ] || [ -z "$DEMO_SOURCE" ] || die "demo: --seed applies to --synthetic only"
  case "$DEMO_RUNNER" in
    DirectRunner|FlinkRunner) ;;
    *) die "demo: unknown --runner=$DEMO_RUNNER (DirectRunner or FlinkRunner)" ;;
  esac
  command -v curl >/dev/null 2>&1 || die "curl not found: install it (apt-get install -y curl)"

  DEMO_T0="$(date +%s)"
  ensure_built
  export WIKIPULSE_SKIP_BUILD=1
  _svc_load_settings
  WIKIPULSE_DATA_DIR="$SVC_DATA"
  export WIKIPULSE_DATA_DIR
  mkdir -p "$SVC_RUN" "$SVC_LOGS"

  # One demo per data dir: a second one would fight over ports and the consumer group.
  exec 8>"$SVC_RUN/demo.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -n 8 || die "another demo is running on $SVC_DATA (lock $SVC_RUN/demo.lock): stop it first, or set WIKIPULSE_DATA_DIR"
  fi

  DEMO_PIDS=()      # name=pid of each background process we started, in start order
  DEMO_STOPPING=""
  DEMO_STARTED_SERVICES=()
  DEMO_BATCH_PID=""
  trap '_demo_on_signal' INT TERM
  trap '_demo_cleanup' EXIT

  _demo_step "data dir $SVC_DATA (logs in $SVC_LOGS)"
  _demo_postgres
  _demo_services
  _demo_step "schema: applying migrations to $(_demo_jdbc_url)"
  call_java sql org.wikipulse.sql.Migrate >"$SVC_LOGS/migrate.log" 2>&1 \
    || { _svc_tail_log "$SVC_LOGS/migrate.log"; die "demo: the migration failed (log above: $SVC_LOGS/migrate.log)"; }
  _demo_step "schema: $(tail -n 1 "$SVC_LOGS/migrate.log")"
  # The dashboard first: its start-up is the one with a connect timeout, best done on a quiet machine.
  _demo_serve
  _demo_stream
  _demo_bridge

  DEMO_URL="http://127.0.0.1:$DEMO_PORT/"
  echo
  echo "  WikiPulse demo is running ($(_demo_elapsed) to start)"
  echo "    dashboard:  $DEMO_URL   (history: ${DEMO_URL}history.html)"
  echo "    source:     $DEMO_SOURCE_LABEL"
  echo "    batch:      $( [ "$DEMO_BATCH_EVERY" -gt 0 ] && echo "every $DEMO_BATCH_EVERY min (Spark, local), first at $(date -u -d "@$(( $(date +%s) + DEMO_BATCH_EVERY * 60 ))" +%H:%M:%SZ)" || echo "off (--batch-every 0)")"
  echo "    logs:       $SVC_LOGS"
  if [ "$DEMO_DURATION" -gt 0 ]; then
    echo "    stops in ${DEMO_DURATION} s (--duration), or press Ctrl-C"
  else
    echo "    press Ctrl-C to stop everything (the data stays for the next demo)"
  fi
  echo
  _demo_loop
}

# ---------------------------------------------------------------------------------------------
# Start-up steps

_demo_step() { printf '[demo %s] %s\n' "$(_demo_elapsed)" "$*"; }

_demo_elapsed() {
  local s=$(( $(date +%s) - DEMO_T0 ))
  printf '%d:%02d' $((s / 60)) $((s % 60))
}

_demo_jdbc_url() { echo "${WIKIPULSE_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/wikipulse}"; }

_demo_postgres() {
  if _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT"; then
    if _svc_pid postgres >/dev/null; then
      _demo_step "PostgreSQL: the embedded server of this data dir answers on $SVC_PG_HOST:$SVC_PG_PORT (left running earlier)"
    else
      _demo_step "PostgreSQL: using the server that answers on $SVC_PG_HOST:$SVC_PG_PORT"
    fi
    return 0
  fi
  _demo_step "PostgreSQL: nothing answers on $SVC_PG_HOST:$SVC_PG_PORT: starting an embedded PostgreSQL 15 there (data in $SVC_DATA/postgres)"
  _svc_pg_embedded_up
  if [ -n "$SVC_PG_EMBEDDED_STARTED" ]; then
    DEMO_STARTED_SERVICES+=(postgres)
  fi
  _demo_step "PostgreSQL: ready ($(grep -o "ready on port.*" "$SVC_LOGS/postgres.log" | tail -n 1))"
}

_demo_services() {
  local name before=()
  for name in kafka s3; do
    _svc_pid "$name" >/dev/null && before+=("$name")
  done
  # Recorded before 'up', so that a failed start-up still stops what it started.
  for name in kafka s3; do
    [[ " ${before[*]} " == *" $name "* ]] || DEMO_STARTED_SERVICES+=("$name")
  done
  _demo_step "Kafka and S3: ./wikipulse services up"
  (services_cmd up 8>&-) >"$SVC_LOGS/services-up.log" 2>&1 \
    || { _svc_tail_log "$SVC_LOGS/services-up.log"; die "demo: starting Kafka and S3 failed (log above: $SVC_LOGS/services-up.log)"; }
  grep -E '^  (Kafka|S3|PostgreSQL) ' "$SVC_LOGS/services-up.log" | sed "s/^ */[demo $(_demo_elapsed)]   /"
}

# _demo_spawn NAME LOGFILE COMMAND... — starts COMMAND in the background, logging to LOGFILE.
_demo_spawn() {
  local name="$1" logfile="$2"
  shift 2
  "$@" >"$logfile" 2>&1 </dev/null 8>&- &
  local pid=$!
  DEMO_PIDS+=("$name=$pid")
  echo "$pid" >"$SVC_RUN/demo-$name.pid"
  eval "DEMO_PID_$name=$pid"
}

_demo_pid_of() { local v="DEMO_PID_$1"; echo "${!v:-}"; }

_demo_alive() { local pid; pid="$(_demo_pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

_demo_stream() {
  local args=(stream "--runner=$DEMO_RUNNER")
  _demo_step "speed layer: ./wikipulse ${args[*]} (log: $SVC_LOGS/stream.log)"
  _demo_spawn stream "$SVC_LOGS/stream.log" "$WIKIPULSE_HOME/wikipulse" "${args[@]}"
  # It has no "ready" line: a JVM that is still alive after a few seconds has built its pipeline.
  local i
  for i in $(seq 1 16); do
    _demo_alive stream || { _svc_tail_log "$SVC_LOGS/stream.log"; die "demo: the speed layer exited during start-up (log above: $SVC_LOGS/stream.log)"; }
    sleep 0.5
  done
  _demo_step "speed layer: running (pid $(_demo_pid_of stream), $DEMO_RUNNER); rows reach PostgreSQL within about 30 s of the first events"
}

_demo_bridge() {
  local args=(bridge) rate="${DEMO_RATE:-35}" why=""
  if [ -n "$DEMO_SYNTHETIC" ]; then
    why="--synthetic was given"
  elif [ -n "$DEMO_SOURCE" ]; then
    case "$DEMO_SOURCE" in
      http://*|https://*)
        args+=(--source "$DEMO_SOURCE")
        DEMO_SOURCE_LABEL="the stream $DEMO_SOURCE (--source)" ;;
      *)
        [ -f "$DEMO_SOURCE" ] || die "demo: --source $DEMO_SOURCE: no such file"
        args+=(--source "$DEMO_SOURCE" --loop --rate "$rate")
        DEMO_SOURCE_LABEL="the recorded file $DEMO_SOURCE (--source), looped at $rate events/s with fresh ids and times" ;;
    esac
  else
    _demo_step "source: no --source given: trying the live stream $LIVE_STREAM_URL (5 s)"
    local code err
    err="$(mktemp)"
    code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -H 'Accept: text/event-stream' \
      -A "${WIKIPULSE_USER_AGENT:-WikiPulse-demo}" "$LIVE_STREAM_URL" 2>"$err")" || true
    if [ "$code" = 200 ]; then
      args+=(--source "$LIVE_STREAM_URL")
      DEMO_SOURCE_LABEL="the live Wikimedia stream (it answered)"
    else
      local reason
      reason="$(tr '\n' ' ' <"$err" | sed 's/^curl: ([0-9]*) //; s/ *$//')"
      why="the live stream did not answer (${reason:-HTTP $code}) and no --source was given"
    fi
    rm -f "$err"
  fi
  if [ -n "$why" ]; then
    args+=(--synthetic --rate "$rate")
    [ -z "$DEMO_SEED" ] || args+=(--seed "$DEMO_SEED")
    DEMO_SOURCE_LABEL="synthetic events at $rate events/s ($why)"
  fi
  _demo_step "source: $DEMO_SOURCE_LABEL"
  _demo_step "bridge: ./wikipulse ${args[*]} (log: $SVC_LOGS/bridge.log)"
  _demo_spawn bridge "$SVC_LOGS/bridge.log" "$WIKIPULSE_HOME/wikipulse" "${args[@]}"
}

_demo_serve() {
  if _svc_port_open 127.0.0.1 "$DEMO_PORT"; then
    die "demo: port $DEMO_PORT is already in use: stop what uses it, or choose another with --port or WIKIPULSE_HTTP_PORT"
  fi
  local attempt deadline code
  for attempt in 1 2 3; do
    _demo_step "dashboard: ./wikipulse serve --port $DEMO_PORT (log: $SVC_LOGS/serve.log)"
    _demo_spawn serve "$SVC_LOGS/serve.log" "$WIKIPULSE_HOME/wikipulse" serve --port "$DEMO_PORT"
    deadline=$(( $(date +%s) + 120 ))
    while :; do
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$DEMO_PORT/health" 2>/dev/null)" || true
      [ "$code" = 200 ] && break 2
      _demo_alive serve || break
      [ "$(date +%s)" -lt "$deadline" ] || { _svc_tail_log "$SVC_LOGS/serve.log"; die "demo: the dashboard did not answer /health within 120 s (log: $SVC_LOGS/serve.log)"; }
      sleep 0.5
    done
    # Its first connection has a 5 s timeout, which a busy machine can miss: try again, twice.
    if [ "$attempt" -lt 3 ] && grep -q "cannot connect" "$SVC_LOGS/serve.log"; then
      _demo_step "dashboard: its first database connection timed out ($(grep -o 'request timed out.*ms' "$SVC_LOGS/serve.log" | head -n 1)); starting it again"
      cp "$SVC_LOGS/serve.log" "$SVC_LOGS/serve.log.$attempt"
      continue
    fi
    _svc_tail_log "$SVC_LOGS/serve.log"
    die "demo: the dashboard service exited during start-up (log above: $SVC_LOGS/serve.log)"
  done
  _demo_step "dashboard: ready on http://127.0.0.1:$DEMO_PORT/ (pid $(_demo_pid_of serve))"
}

# ---------------------------------------------------------------------------------------------
# Running: progress every 10 s, the batch schedule, watching the processes

_demo_loop() {
  local started next_batch="" end="" runs=0 now last_progress=0
  started="$(date +%s)"
  [ "$DEMO_BATCH_EVERY" -gt 0 ] && next_batch=$(( started + DEMO_BATCH_EVERY * 60 ))
  [ "$DEMO_DURATION" -gt 0 ] && end=$(( started + DEMO_DURATION ))
  DEMO_LAST_SENT=0
  DEMO_LAST_T="$started"
  while :; do
    now="$(date +%s)"
    local name
    for name in stream bridge serve; do
      if ! _demo_alive "$name"; then
        local rc=0
        wait "$(_demo_pid_of "$name")" 2>/dev/null || rc=$?
        _svc_tail_log "$SVC_LOGS/$name.log"
        _demo_step "error: the $name process exited (status $rc); log above, full log $SVC_LOGS/$name.log. Stopping the demo."
        DEMO_FAILED=1
        return 0
      fi
    done
    if [ -n "$DEMO_BATCH_PID" ] && ! kill -0 "$DEMO_BATCH_PID" 2>/dev/null; then
      _demo_batch_finished
    fi
    if [ -n "$next_batch" ] && [ "$now" -ge "$next_batch" ]; then
      if [ -z "$DEMO_BATCH_PID" ]; then
        runs=$((runs + 1))
        _demo_batch_start "$runs"
      else
        _demo_step "batch: run $runs is still running; skipping this slot"
      fi
      next_batch=$(( next_batch + DEMO_BATCH_EVERY * 60 ))
    fi
    if [ $((now - last_progress)) -ge 10 ]; then
      _demo_progress "$next_batch"
      last_progress="$now"
    fi
    if [ -n "$end" ] && [ "$now" -ge "$end" ]; then
      if [ -n "$DEMO_BATCH_PID" ]; then
        # A bounded run lets a batch run finish (up to 10 more minutes) rather than lose it.
        _demo_step "--duration reached: waiting for batch run $runs to finish first (at most 10 min)"
        local until=$(( now + 600 ))
        while kill -0 "$DEMO_BATCH_PID" 2>/dev/null && [ "$(date +%s)" -lt "$until" ]; do
          sleep 1 &
          wait $! 2>/dev/null || true
        done
        if kill -0 "$DEMO_BATCH_PID" 2>/dev/null; then
          _demo_step "batch: run $runs is still running after 10 min: stopping it"
        else
          _demo_batch_finished
        fi
      fi
      _demo_step "--duration of ${DEMO_DURATION} s reached"
      return 0
    fi
    # A background sleep, so a signal is handled at once rather than after it.
    sleep 1 &
    wait $! 2>/dev/null || true
  done
}

_demo_batch_start() {
  DEMO_BATCH_RUN="$1"
  DEMO_BATCH_T0="$(date +%s)"
  {
    echo
    echo "=== batch run $1 at $(date -u +%FT%TZ): ./wikipulse batch --runner=SparkRunner --sparkMaster=local[2] --days=1"
  } >>"$SVC_LOGS/batch.log"
  _demo_step "batch: run $1 starting (./wikipulse batch --runner=SparkRunner --days=1; log: $SVC_LOGS/batch.log)"
  "$WIKIPULSE_HOME/wikipulse" batch --runner=SparkRunner '--sparkMaster=local[2]' --days=1 \
    >>"$SVC_LOGS/batch.log" 2>&1 </dev/null 8>&- &
  DEMO_BATCH_PID=$!
  echo "$DEMO_BATCH_PID" >"$SVC_RUN/demo-batch.pid"
}

# _demo_batch_finished [RC] — reports a batch run that ended (RC when already collected by wait).
_demo_batch_finished() {
  local rc="${1:-}"
  if [ -z "$rc" ]; then
    rc=0
    wait "$DEMO_BATCH_PID" 2>/dev/null || rc=$?
  fi
  local took=$(( $(date +%s) - DEMO_BATCH_T0 ))
  if [ "$rc" = 0 ]; then
    local summary
    summary="$(grep -E '^batch ' "$SVC_LOGS/batch.log" | tail -n 1)"
    _demo_step "batch: run $DEMO_BATCH_RUN done in ${took} s${summary:+: $summary}"
  else
    _demo_step "batch: run $DEMO_BATCH_RUN FAILED in ${took} s (exit $rc): the historical tables keep their previous contents; see $SVC_LOGS/batch.log"
  fi
  DEMO_BATCH_PID=""
  rm -f "$SVC_RUN/demo-batch.pid"
}

# One progress line: what the bridge sent (from its log) and what the speed layer wrote (the API).
_demo_progress() {
  local next_batch="$1" line sent="" rate="-" now
  now="$(date +%s)"
  line="$(grep -E 'events/s, [0-9]+ sent' "$SVC_LOGS/bridge.log" 2>/dev/null | tail -n 1)" || true
  if [ -n "$line" ]; then
    sent="$(sed -E 's/.* ([0-9]+) sent .*/\1/' <<<"$line")"
    if [ "$now" -gt "$DEMO_LAST_T" ]; then
      rate="$(awk -v a="$sent" -v b="$DEMO_LAST_SENT" -v t=$((now - DEMO_LAST_T)) 'BEGIN { printf "%.1f", (a - b) / t }')"
    fi
    DEMO_LAST_SENT="$sent"
    DEMO_LAST_T="$now"
  fi
  local summary events status age lag
  summary="$(curl -s --max-time 3 "http://127.0.0.1:$DEMO_PORT/api/realtime/summary?window=30m" 2>/dev/null)" || true
  events="$(grep -oE '"events":[0-9]+' <<<"$summary" | head -n 1 | cut -d: -f2)" || true
  status="$(curl -s --max-time 3 "http://127.0.0.1:$DEMO_PORT/api/status" 2>/dev/null)" || true
  age="$(grep -oE '"last_event_age_seconds":[0-9.]+' <<<"$status" | head -n 1 | cut -d: -f2 | cut -d. -f1)" || true
  lag="$(grep -oE '"consumer_lag":[0-9]+' <<<"$status" | head -n 1 | cut -d: -f2)" || true
  local batch=""
  if [ -n "$DEMO_BATCH_PID" ]; then
    batch="batch run $DEMO_BATCH_RUN running"
  elif [ -n "$next_batch" ]; then
    batch="next batch in $(( next_batch - now )) s"
  fi
  printf '[demo %s] bridge %s events/s (%s sent) | speed layer: %s events in the last 30 min, newest %s, Kafka lag %s | %s\n' \
    "$(_demo_elapsed)" "$rate" "${sent:-0}" "${events:-?}" "$( [ -n "$age" ] && echo "${age} s old" || echo "none yet")" \
    "${lag:-?}" "${batch:-batch off}"
}

# ---------------------------------------------------------------------------------------------
# Stopping

# Ctrl-C or SIGTERM, at any point: leave through the EXIT trap, which stops everything (status 0).
_demo_on_signal() {
  DEMO_STOPPING=1
  echo
  _demo_step "stop requested: stopping everything the demo started"
  exit 0
}

# _demo_stop LABEL PID [SECONDS] — SIGTERM, wait, SIGKILL after SECONDS (default 30).
_demo_stop() {
  local label="$1" pid="$2" limit="${3:-30}" waited=0 t0
  kill -0 "$pid" 2>/dev/null || return 0
  t0="$(_svc_ms)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((limit * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    _demo_step "  $label did not stop within ${limit} s: killing it (SIGKILL)"
    kill -KILL "$pid" 2>/dev/null || true
  else
    _demo_step "  $label stopped ($(_svc_secs_since "$t0"))"
  fi
  wait "$pid" 2>/dev/null || true
}

_demo_cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  [ -n "${DEMO_FAILED:-}" ] && rc=1
  [ -z "${DEMO_STOPPING:-}" ] && [ "$rc" -ne 0 ] && _demo_step "stopping everything the demo started"
  # The bridge first (it flushes to Kafka), then the speed layer, then the rest.
  local name pid
  for name in bridge stream serve; do
    pid="$(_demo_pid_of "$name")"
    [ -n "$pid" ] && _demo_stop "$name (pid $pid)" "$pid"
    rm -f "$SVC_RUN/demo-$name.pid"
  done
  if [ -n "${DEMO_BATCH_PID:-}" ]; then
    _demo_stop "batch run (pid $DEMO_BATCH_PID)" "$DEMO_BATCH_PID"
    rm -f "$SVC_RUN/demo-batch.pid"
  fi
  local i
  for (( i = ${#DEMO_STARTED_SERVICES[@]} - 1; i >= 0; i-- )); do
    name="${DEMO_STARTED_SERVICES[$i]}"
    if pid="$(_svc_pid "$name")"; then
      _demo_stop "$(_svc_label "$name") (pid $pid)" "$pid"
      rm -f "$SVC_RUN/$name.pid" "$SVC_RUN/$name.addr"
    fi
  done
  if [ "$rc" -eq 0 ]; then
    _demo_step "stopped cleanly; the data stays in $SVC_DATA for the next demo"
  else
    _demo_step "stopped after an error (exit $rc); logs in $SVC_LOGS"
  fi
  exit "$rc"
}
