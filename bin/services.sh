# ./wikipulse services up|down|status — the project's local services, each its own background JVM:
#   Kafka  (KRaft broker+controller, module services/kafka-broker) on WIKIPULSE_KAFKA_BOOTSTRAP
#   S3     (S3Proxy, filesystem backend, module services/s3-server) on WIKIPULSE_S3_ENDPOINT
# and a check (plus start, when installed locally) of PostgreSQL at WIKIPULSE_JDBC_URL.
# Everything they keep lives under the data dir (WIKIPULSE_DATA_DIR): kafka/, s3/, logs/, run/.
# Several isolated set-ups on one machine differ only in these variables (ports, data dir).
# Sourced by ./wikipulse, not executed.

# Advanced settings (not part of the shared configuration contract): WIKIPULSE_KAFKA_CONTROLLER_PORT
# (default Kafka port + 1), WIKIPULSE_KAFKA_PARTITIONS (3), WIKIPULSE_KAFKA_RETENTION_BYTES per
# partition (2 GiB), WIKIPULSE_KAFKA_HEAP (-Xmx512m), WIKIPULSE_S3_HEAP (-Xmx384m),
# WIKIPULSE_SERVICES_TIMEOUT seconds to wait for a service to answer (90).

services_usage() {
  cat <<USAGE
Usage: ./wikipulse services up|down|status

  up      start the Kafka broker and the S3 server in the background (if not running), create the
          topic \$WIKIPULSE_TOPIC and the lake bucket if missing, check (and start) PostgreSQL
  down    stop the Kafka broker and the S3 server (data is kept in the data dir)
  status  show each service, its address and pid; exit code 0 if Kafka and S3 are up, 3 otherwise

Data, logs and pid files: \$WIKIPULSE_DATA_DIR (default <repo>/data): kafka/ s3/ logs/ run/
USAGE
}

services_cmd() {
  case "${1:-}" in
    up) shift; _svc_up "$@" ;;
    down) shift; _svc_down "$@" ;;
    status) shift; _svc_status "$@" ;;
    -h|--help|help) services_usage ;;
    *) services_usage >&2; return 2 ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Settings

_svc_load_settings() {
  SVC_DATA="$(data_dir)"
  SVC_RUN="$SVC_DATA/run"
  SVC_LOGS="$SVC_DATA/logs"
  SVC_TIMEOUT="${WIKIPULSE_SERVICES_TIMEOUT:-90}"

  local bootstrap="${WIKIPULSE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
  bootstrap="${bootstrap%%,*}"
  SVC_KAFKA_HOST="${bootstrap%:*}"
  SVC_KAFKA_PORT="${bootstrap##*:}"
  [[ "$bootstrap" == *:* && "$SVC_KAFKA_PORT" =~ ^[0-9]+$ ]] \
    || die "WIKIPULSE_KAFKA_BOOTSTRAP must be host:port, got '$bootstrap'"
  SVC_KAFKA_CONTROLLER_PORT="${WIKIPULSE_KAFKA_CONTROLLER_PORT:-$((SVC_KAFKA_PORT + 1))}"
  SVC_KAFKA_ADDR="$SVC_KAFKA_HOST:$SVC_KAFKA_PORT"
  SVC_TOPIC="${WIKIPULSE_TOPIC:-wiki-raw-events}"
  SVC_PARTITIONS="${WIKIPULSE_KAFKA_PARTITIONS:-3}"

  SVC_S3_ENDPOINT="${WIKIPULSE_S3_ENDPOINT:-http://127.0.0.1:9000}"
  SVC_S3_ENDPOINT="${SVC_S3_ENDPOINT%/}"
  [[ "$SVC_S3_ENDPOINT" =~ ^http://([^/:]+|\[[^]]+\]):([0-9]+)$ ]] \
    || die "WIKIPULSE_S3_ENDPOINT must look like http://host:port for the local S3 server, got '$SVC_S3_ENDPOINT'"
  SVC_S3_HOST="${BASH_REMATCH[1]}"
  SVC_S3_PORT="${BASH_REMATCH[2]}"
  SVC_S3_ACCESS_KEY="${WIKIPULSE_S3_ACCESS_KEY:-wikipulse}"
  SVC_S3_SECRET_KEY="${WIKIPULSE_S3_SECRET_KEY:-wikipulse-local-only}"
  SVC_S3_REGION="${WIKIPULSE_S3_REGION:-us-east-1}"
  local lake="${WIKIPULSE_LAKE:-s3://wikipulse-lake}"
  SVC_BUCKET=""
  if [[ "$lake" == s3://* || "$lake" == s3a://* ]]; then
    SVC_BUCKET="${lake#*://}"
    SVC_BUCKET="${SVC_BUCKET%%/*}"
    [ -n "$SVC_BUCKET" ] || die "WIKIPULSE_LAKE has no bucket name: '$lake'"
  fi

  local jdbc="${WIKIPULSE_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/wikipulse}"
  local hp="${jdbc#jdbc:postgresql://}"
  hp="${hp%%[/?]*}"
  hp="${hp%%,*}"
  if [[ "$hp" == *:* ]]; then SVC_PG_HOST="${hp%:*}"; SVC_PG_PORT="${hp##*:}"; else SVC_PG_HOST="${hp:-localhost}"; SVC_PG_PORT=5432; fi
}

_svc_is_local_host() {
  case "$1" in
    127.*|localhost|::1|\[::1\]|0.0.0.0) return 0 ;;
    *) return 1 ;;
  esac
}

_svc_ms() { date +%s%3N; }
_svc_secs_since() { local ms=$(( $(_svc_ms) - $1 )); printf '%d.%d s' $((ms / 1000)) $(((ms % 1000) / 100)); }

# True when something accepts TCP connections on host:port.
_svc_port_open() {
  local host="${1#[}"; host="${host%]}"
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$2" 2>/dev/null
}

# The pid of our service NAME (kafka|s3) for this data dir, if its process is alive. Checks the
# process's command line for the marker we start it with, so a reused pid is not mistaken for it.
_svc_pid() {
  local name="$1" pidfile="$SVC_RUN/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dwikipulse.service=$name -Dwikipulse.data=$SVC_DATA " || return 1
  echo "$pid"
}

# render_template TEMPLATE OUT NAME=VALUE... — replaces @NAME@ with VALUE (any characters).
_svc_render() {
  local template="$1" out="$2" content kv
  shift 2
  content="$(cat "$template")"
  for kv in "$@"; do
    # Quoted replacement: bash 5.2 would otherwise expand '&' in it to the matched text.
    content="${content//@${kv%%=*}@/"${kv#*=}"}"
  done
  printf '%s\n' "$content" >"$out"
}

# Runs a main class of a service module as a short-lived tool (small heap, fast start).
_svc_tool() {
  local module="$1" main="$2"
  shift 2
  java -Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$WIKIPULSE_HOME/services/kafka-broker/config/tools-log4j.properties" \
    -cp "$(module_classpath "$module")" "$main" "$@"
}

_svc_tail_log() {
  local f
  for f in "$@"; do
    [ -s "$f" ] && { printf '%s\n' "--- last lines of $f:" >&2; tail -n 25 "$f" >&2; }
  done
  return 0
}

# Waits until service NAME's process answers on host:port; fails fast if the process dies.
_svc_wait_port() {
  local name="$1" host="$2" port="$3" deadline=$(( $(date +%s) + SVC_TIMEOUT ))
  shift 3
  while ! _svc_port_open "$host" "$port"; do
    # kill -0, not _svc_pid: right after the fork the child's command line is still bash's.
    if ! kill -0 "$(cat "$SVC_RUN/$name.pid" 2>/dev/null)" 2>/dev/null; then
      _svc_tail_log "$@"
      die "$name exited during start-up (logs above, full logs in $SVC_LOGS)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      _svc_tail_log "$@"
      die "$name did not answer on $host:$port within ${SVC_TIMEOUT}s (logs in $SVC_LOGS)"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# up

_svc_up() {
  [ $# -eq 0 ] || { services_usage >&2; return 2; }
  need_java
  command -v curl >/dev/null 2>&1 || die "curl not found: install it (apt-get install -y curl)"
  ensure_built
  _svc_load_settings
  mkdir -p "$SVC_RUN" "$SVC_LOGS" "$SVC_DATA/kafka" "$SVC_DATA/s3" "$SVC_DATA/tmp"

  # One 'up' or 'down' at a time per data dir.
  exec 9>"$SVC_RUN/services.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "another './wikipulse services' command holds $SVC_RUN/services.lock"
  fi

  local kafka_t0="" s3_t0=""
  _svc_s3_preflight
  _svc_kafka_start
  _svc_s3_start
  # S3 first: it answers sooner, so both reported start-up times stay close to the truth.
  _svc_s3_ready
  _svc_kafka_ready
  _svc_pg_check
  flock -u 9 2>/dev/null || true
  exec 9>&-

  echo "WikiPulse services ($SVC_DATA):"
  printf '  %-11s %-28s %s\n' "Kafka" "$SVC_KAFKA_ADDR" "$SVC_KAFKA_SUMMARY"
  printf '  %-11s %-28s %s\n' "S3" "$SVC_S3_ENDPOINT" "$SVC_S3_SUMMARY"
  printf '  %-11s %-28s %s\n' "PostgreSQL" "$SVC_PG_HOST:$SVC_PG_PORT" "$SVC_PG_SUMMARY"
  echo "  logs: $SVC_LOGS    stop: ./wikipulse services down"
}

_svc_kafka_start() {
  SVC_KAFKA_STARTED=""
  if ! _svc_is_local_host "$SVC_KAFKA_HOST"; then
    log "Kafka: $SVC_KAFKA_ADDR is not a local address; not starting a broker, using it as it is"
    return 0
  fi
  local pid
  if pid="$(_svc_pid kafka)"; then
    local recorded; recorded="$(cat "$SVC_RUN/kafka.addr" 2>/dev/null || true)"
    [ "$recorded" = "$SVC_KAFKA_ADDR" ] \
      || die "Kafka (pid $pid) is running for $SVC_DATA on ${recorded:-another address}, not $SVC_KAFKA_ADDR: run './wikipulse services down' first"
    log "Kafka already running (pid $pid) on $SVC_KAFKA_ADDR"
    return 0
  fi
  local port
  for port in "$SVC_KAFKA_PORT" "$SVC_KAFKA_CONTROLLER_PORT"; do
    _svc_port_open "$SVC_KAFKA_HOST" "$port" \
      && die "port $SVC_KAFKA_HOST:$port is already used by another process (not this data dir's Kafka): stop it or set WIKIPULSE_KAFKA_BOOTSTRAP / WIKIPULSE_KAFKA_CONTROLLER_PORT"
  done

  local props="$SVC_RUN/kafka-server.properties" logdir="$SVC_DATA/kafka"
  _svc_render "$WIKIPULSE_HOME/services/kafka-broker/config/server.properties.template" "$props" \
    "HOST=$SVC_KAFKA_HOST" "PORT=$SVC_KAFKA_PORT" "CONTROLLER_PORT=$SVC_KAFKA_CONTROLLER_PORT" \
    "LOG_DIRS=$logdir" "RETENTION_BYTES=${WIKIPULSE_KAFKA_RETENTION_BYTES:-2147483648}"

  kafka_t0="$(_svc_ms)"
  if [ ! -f "$logdir/meta.properties" ]; then
    log "Kafka: formatting new storage in $logdir"
    local uuid
    uuid="$(_svc_tool services/kafka-broker kafka.tools.StorageTool random-uuid | tail -n 1)" \
      || die "Kafka: could not generate a cluster id"
    _svc_tool services/kafka-broker kafka.tools.StorageTool format -t "$uuid" -c "$props" --ignore-formatted >&2 \
      || die "Kafka: formatting storage in $logdir failed"
  fi

  log "Kafka: starting on $SVC_KAFKA_ADDR (controller port $SVC_KAFKA_CONTROLLER_PORT)"
  # setsid: its own session, so closing the terminal or Ctrl-C in it does not stop the broker.
  # shellcheck disable=SC2086
  setsid nohup java -Dwikipulse.service=kafka -Dwikipulse.data="$SVC_DATA" \
    -server ${WIKIPULSE_KAFKA_HEAP:--Xmx512m} -Xms128m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Djava.io.tmpdir="$SVC_DATA/tmp" \
    -Dkafka.logs.dir="$SVC_LOGS" \
    -Dlog4j.configuration="file:$WIKIPULSE_HOME/services/kafka-broker/config/log4j.properties" \
    -cp "$(module_classpath services/kafka-broker)" kafka.Kafka "$props" \
    >"$SVC_LOGS/kafka.out" 2>&1 </dev/null 9>&- &
  echo $! >"$SVC_RUN/kafka.pid"
  echo "$SVC_KAFKA_ADDR" >"$SVC_RUN/kafka.addr"
  SVC_KAFKA_STARTED=1
}

_svc_kafka_ready() {
  if ! _svc_is_local_host "$SVC_KAFKA_HOST"; then
    SVC_KAFKA_SUMMARY="external (not managed here)"
    return 0
  fi
  local t0="${kafka_t0:-$(_svc_ms)}" out
  _svc_wait_port kafka "$SVC_KAFKA_HOST" "$SVC_KAFKA_PORT" "$SVC_LOGS/kafka.log" "$SVC_LOGS/kafka.out"
  out="$(_svc_tool services/kafka-broker org.wikipulse.services.KafkaTopicSetup \
    "$SVC_KAFKA_ADDR" "$SVC_TOPIC" "$SVC_PARTITIONS" "$SVC_TIMEOUT")" \
    || { _svc_tail_log "$SVC_LOGS/kafka.log"; die "Kafka: topic $SVC_TOPIC could not be checked or created"; }
  log "Kafka: $out"
  local topic_info="${out%%$'\n'*}"
  topic_info="${topic_info#topic }"
  if [ -n "$SVC_KAFKA_STARTED" ]; then
    SVC_KAFKA_SUMMARY="started in $(_svc_secs_since "$t0"), pid $(cat "$SVC_RUN/kafka.pid"); topic $topic_info"
  else
    SVC_KAFKA_SUMMARY="already running, pid $(cat "$SVC_RUN/kafka.pid"); topic $topic_info (checked in $(_svc_secs_since "$t0"))"
  fi
}

# Checks that fail before anything is started.
_svc_s3_preflight() {
  _svc_is_local_host "$SVC_S3_HOST" || return 0
  _svc_pid s3 >/dev/null && return 0
  # S3Proxy's filesystem backend keeps object metadata (content type, ETag) in user extended
  # attributes; without them uploads fail later with obscure errors.
  _svc_tool services/s3-server org.wikipulse.services.XattrCheck "$SVC_DATA/s3" \
    || die "the S3 data folder $SVC_DATA/s3 is on a file system without user extended attributes (xattr), which the S3 server needs for object metadata: set WIKIPULSE_DATA_DIR to a folder on ext4, xfs or btrfs (ramfs, old tmpfs, some overlay, NFS or FAT mounts lack them)"
}

_svc_s3_start() {
  SVC_S3_STARTED=""
  if ! _svc_is_local_host "$SVC_S3_HOST"; then
    log "S3: $SVC_S3_ENDPOINT is not a local address; not starting a server, using it as it is"
    return 0
  fi
  local pid
  if pid="$(_svc_pid s3)"; then
    local recorded; recorded="$(cat "$SVC_RUN/s3.addr" 2>/dev/null || true)"
    [ "$recorded" = "$SVC_S3_ENDPOINT" ] \
      || die "S3 server (pid $pid) is running for $SVC_DATA on ${recorded:-another address}, not $SVC_S3_ENDPOINT: run './wikipulse services down' first"
    log "S3 server already running (pid $pid) on $SVC_S3_ENDPOINT"
    return 0
  fi
  _svc_port_open "$SVC_S3_HOST" "$SVC_S3_PORT" \
    && die "port $SVC_S3_HOST:$SVC_S3_PORT is already used by another process (not this data dir's S3 server): stop it or set WIKIPULSE_S3_ENDPOINT"

  local basedir="$SVC_DATA/s3"
  local props="$SVC_RUN/s3proxy.properties" secret="${SVC_S3_SECRET_KEY//\\/\\\\}"
  (umask 077 && _svc_render "$WIKIPULSE_HOME/services/s3-server/config/s3proxy.properties.template" "$props" \
    "HOST=$SVC_S3_HOST" "PORT=$SVC_S3_PORT" "ACCESS_KEY=${SVC_S3_ACCESS_KEY//\\/\\\\}" \
    "SECRET_KEY=$secret" "BASEDIR=$basedir")

  s3_t0="$(_svc_ms)"
  log "S3: starting S3Proxy on $SVC_S3_ENDPOINT (data in $basedir)"
  # shellcheck disable=SC2086
  setsid nohup java -Dwikipulse.service=s3 -Dwikipulse.data="$SVC_DATA" \
    ${WIKIPULSE_S3_HEAP:--Xmx384m} -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -Djava.io.tmpdir="$SVC_DATA/tmp" -Dwikipulse.logs.dir="$SVC_LOGS" \
    -Dlogback.configurationFile="$WIKIPULSE_HOME/services/s3-server/config/logback.xml" \
    -cp "$(module_classpath services/s3-server)" org.gaul.s3proxy.Main --properties "$props" \
    >"$SVC_LOGS/s3proxy.out" 2>&1 </dev/null 9>&- &
  echo $! >"$SVC_RUN/s3.pid"
  echo "$SVC_S3_ENDPOINT" >"$SVC_RUN/s3.addr"
  SVC_S3_STARTED=1
}

# _svc_s3_call METHOD PATH [FILE] [OUTFILE] — a signed (SigV4) request; prints the HTTP status code.
# curl 7.x signs but does not send x-amz-content-sha256, which S3Proxy requires: we send it ourselves.
_svc_s3_call() {
  local method="$1" path="$2" file="${3:-}" outfile="${4:-/dev/null}" sha code args=()
  if [ -n "$file" ]; then
    sha="$(sha256sum "$file" | cut -d' ' -f1)"
    args+=(--upload-file "$file")
  else
    sha="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
  fi
  if [ "$method" = HEAD ]; then args+=(--head); else args+=(-X "$method"); fi
  code="$(curl -sS -o "$outfile" -w '%{http_code}' --max-time 30 "${args[@]}" \
    --aws-sigv4 "aws:amz:$SVC_S3_REGION:s3" --user "$SVC_S3_ACCESS_KEY:$SVC_S3_SECRET_KEY" \
    -H "x-amz-content-sha256: $sha" "$SVC_S3_ENDPOINT$path" 2>/dev/null)" || true
  echo "${code:-000}"
}

_svc_s3_ready() {
  local t0="${s3_t0:-$(_svc_ms)}" code
  if _svc_is_local_host "$SVC_S3_HOST"; then
    _svc_wait_port s3 "$SVC_S3_HOST" "$SVC_S3_PORT" "$SVC_LOGS/s3proxy.log" "$SVC_LOGS/s3proxy.out"
  fi
  # Signed 'list buckets': checks the credentials as well as the server.
  local deadline=$(( $(date +%s) + 30 ))
  while :; do
    code="$(_svc_s3_call GET /)"
    [ "$code" = 200 ] && break
    [ "$code" = 403 ] && die "S3 at $SVC_S3_ENDPOINT refused our credentials (HTTP 403): WIKIPULSE_S3_ACCESS_KEY/WIKIPULSE_S3_SECRET_KEY differ from the running server's; run './wikipulse services down' and up again"
    [ "$(date +%s)" -ge "$deadline" ] && die "S3 at $SVC_S3_ENDPOINT does not answer a signed request (HTTP $code)"
    sleep 0.2
  done

  local bucket="$SVC_BUCKET" bucket_note=""
  if [ -z "$bucket" ]; then
    bucket="wikipulse-healthcheck"
    bucket_note="lake is local (${WIKIPULSE_LAKE}), no bucket needed"
  fi
  code="$(_svc_s3_call HEAD "/$bucket")"
  if [ "$code" = 404 ]; then
    code="$(_svc_s3_call PUT "/$bucket")"
    [ "$code" = 200 ] || die "S3: creating bucket $bucket failed (HTTP $code; see $SVC_LOGS/s3proxy.log)"
    code="$(_svc_s3_call HEAD "/$bucket")"
    [ "$code" = 200 ] || die "S3: bucket $bucket was created but is not there (HTTP $code)"
    log "S3: created bucket $bucket"
    [ -n "$bucket_note" ] || bucket_note="bucket $bucket (created)"
  elif [ "$code" = 200 ]; then
    [ -n "$bucket_note" ] || bucket_note="bucket $bucket (exists)"
  else
    die "S3: checking bucket $bucket failed (HTTP $code)"
  fi

  # A signed object round trip: PUT, GET, compare, DELETE.
  local tmp key="wikipulse-healthcheck-$$-$RANDOM"
  tmp="$(mktemp -d)"
  printf 'wikipulse services up %s\n' "$(date -u +%FT%TZ)" >"$tmp/put"
  code="$(_svc_s3_call PUT "/$bucket/$key" "$tmp/put")"
  [ "$code" = 200 ] || { rm -rf "$tmp"; die "S3: object PUT failed (HTTP $code; see $SVC_LOGS/s3proxy.log)"; }
  code="$(_svc_s3_call GET "/$bucket/$key" "" "$tmp/get")"
  if [ "$code" != 200 ] || ! cmp -s "$tmp/put" "$tmp/get"; then
    rm -rf "$tmp"
    die "S3: object GET after PUT failed or returned other bytes (HTTP $code)"
  fi
  code="$(_svc_s3_call DELETE "/$bucket/$key")"
  rm -rf "$tmp"
  [ "$code" = 204 ] || [ "$code" = 200 ] || log "S3: warning: deleting the check object $bucket/$key failed (HTTP $code)"
  log "S3: $bucket_note; object PUT/GET round trip ok"

  if ! _svc_is_local_host "$SVC_S3_HOST"; then
    SVC_S3_SUMMARY="external (not managed here); $bucket_note"
  elif [ -n "$SVC_S3_STARTED" ]; then
    SVC_S3_SUMMARY="started in $(_svc_secs_since "$t0"), pid $(cat "$SVC_RUN/s3.pid"); $bucket_note"
  else
    SVC_S3_SUMMARY="already running, pid $(cat "$SVC_RUN/s3.pid"); $bucket_note (checked in $(_svc_secs_since "$t0"))"
  fi
}

# PostgreSQL is not ours to run, but a locally installed cluster is started when it is down.
_svc_pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

_svc_pg_check() {
  local t0; t0="$(_svc_ms)"
  if _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT"; then
    SVC_PG_SUMMARY="answering"
    return 0
  fi
  local ver; ver="$(_svc_pg_version)"
  if _svc_is_local_host "$SVC_PG_HOST" && [ -n "$ver" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    log "PostgreSQL: not answering on $SVC_PG_HOST:$SVC_PG_PORT; starting the local cluster $ver/main"
    if pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2; then
      local i
      for i in $(seq 1 50); do
        _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT" && { SVC_PG_SUMMARY="started cluster $ver/main in $(_svc_secs_since "$t0")"; return 0; }
        sleep 0.2
      done
    fi
    local cluster_port
    cluster_port="$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1 == v && $2 == "main" { print $3 }')" || true
    if [ -n "$cluster_port" ] && [ "$cluster_port" != "$SVC_PG_PORT" ]; then
      log "warning: PostgreSQL $ver/main uses port $cluster_port, but WIKIPULSE_JDBC_URL says $SVC_PG_PORT: fix one of them"
    else
      log "warning: PostgreSQL $ver/main did not come up on $SVC_PG_HOST:$SVC_PG_PORT (see /var/log/postgresql/)"
    fi
    SVC_PG_SUMMARY="DOWN: cluster $ver/main did not answer on port $SVC_PG_PORT"
  elif [ -z "$ver" ] && _svc_is_local_host "$SVC_PG_HOST"; then
    log "warning: PostgreSQL is not installed and nothing answers on $SVC_PG_HOST:$SVC_PG_PORT: install it (apt-get install -y postgresql) or point WIKIPULSE_JDBC_URL at a running server"
    SVC_PG_SUMMARY="DOWN: not installed (apt-get install -y postgresql, or set WIKIPULSE_JDBC_URL)"
  else
    log "warning: PostgreSQL at $SVC_PG_HOST:$SVC_PG_PORT does not answer: start it, or set WIKIPULSE_JDBC_URL"
    SVC_PG_SUMMARY="DOWN: not answering (start it, or set WIKIPULSE_JDBC_URL)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Embedded PostgreSQL (./wikipulse demo's fallback when nothing answers at WIKIPULSE_JDBC_URL)

# Starts an embedded PostgreSQL 15 (module services/embedded-postgres) on the JDBC URL's port, data in
# $WIKIPULSE_DATA_DIR/postgres (kept: the next start reuses it), and waits until it answers.
# Sets SVC_PG_EMBEDDED_STARTED=1 when this call started it. Needs _svc_load_settings.
_svc_pg_embedded_up() {
  SVC_PG_EMBEDDED_STARTED=""
  mkdir -p "$SVC_RUN" "$SVC_LOGS" "$SVC_DATA/tmp"
  local pid
  if pid="$(_svc_pid postgres)"; then
    log "PostgreSQL: the embedded server of this data dir is already running (pid $pid)"
  else
    _svc_is_local_host "$SVC_PG_HOST" \
      || die "PostgreSQL at $SVC_PG_HOST:$SVC_PG_PORT does not answer, and an embedded one can only run on this machine: start it, or set WIKIPULSE_JDBC_URL to a local address (jdbc:postgresql://127.0.0.1:5432/wikipulse)"
    # 256 MB: unpacking the xz-compressed binaries (first start only) needs more than 96 MB.
    mkdir -p "$SVC_DATA/postgres" "$SVC_DATA/postgres-bin"
    local t0; t0="$(_svc_ms)"
    if ! _svc_pg_embedded_start; then
      # A start killed while unpacking leaves half the binaries, which the next start trips over.
      if grep -q "FileAlreadyExistsException: $SVC_DATA/postgres-bin/" "$SVC_LOGS/postgres.log"; then
        log "PostgreSQL: the unpacked binaries in $SVC_DATA/postgres-bin are incomplete: unpacking them again"
        rm -rf "$SVC_DATA/postgres-bin"
        mkdir -p "$SVC_DATA/postgres-bin"
        _svc_pg_embedded_start || { _svc_tail_log "$SVC_LOGS/postgres.log"; die "the embedded PostgreSQL exited during start-up (log above: $SVC_LOGS/postgres.log)"; }
      else
        _svc_tail_log "$SVC_LOGS/postgres.log"
        die "the embedded PostgreSQL exited during start-up (log above: $SVC_LOGS/postgres.log)"
      fi
    fi
    log "PostgreSQL: $(grep -o "embedded PostgreSQL ready.*" "$SVC_LOGS/postgres.log" | tail -n 1), pid $(cat "$SVC_RUN/postgres.pid") (total $(_svc_secs_since "$t0"))"
  fi
  _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT" \
    || die "the embedded PostgreSQL runs but does not answer on $SVC_PG_HOST:$SVC_PG_PORT (log: $SVC_LOGS/postgres.log)"
}

# Starts the embedded server's JVM and waits for its "ready" line; returns 1 if it exits first.
_svc_pg_embedded_start() {
  setsid nohup java -Dwikipulse.service=postgres -Dwikipulse.data="$SVC_DATA" \
    -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$SVC_DATA/tmp" \
    -cp "$(module_classpath services/embedded-postgres)" org.wikipulse.services.EmbeddedPostgresMain \
    "$SVC_PG_PORT" "$SVC_DATA/postgres" "$SVC_DATA/postgres-bin" \
    >"$SVC_LOGS/postgres.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$SVC_RUN/postgres.pid"
  echo "$SVC_PG_HOST:$SVC_PG_PORT" >"$SVC_RUN/postgres.addr"
  SVC_PG_EMBEDDED_STARTED=1
  local deadline=$(( $(date +%s) + SVC_TIMEOUT ))
  until grep -q "embedded PostgreSQL ready" "$SVC_LOGS/postgres.log" 2>/dev/null; do
    kill -0 "$(cat "$SVC_RUN/postgres.pid")" 2>/dev/null || return 1
    if [ "$(date +%s)" -ge "$deadline" ]; then
      _svc_tail_log "$SVC_LOGS/postgres.log"
      die "the embedded PostgreSQL did not start within ${SVC_TIMEOUT}s (log: $SVC_LOGS/postgres.log)"
    fi
    sleep 0.3
  done
}

# ---------------------------------------------------------------------------------------------
# down

_svc_down() {
  [ $# -eq 0 ] || { services_usage >&2; return 2; }
  _svc_load_settings
  mkdir -p "$SVC_RUN"
  exec 9>"$SVC_RUN/services.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "another './wikipulse services' command holds $SVC_RUN/services.lock"
  fi
  local name pid pids=() names=()
  for name in s3 kafka postgres; do
    if pid="$(_svc_pid "$name")"; then
      log "stopping $(_svc_label "$name") (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    else
      [ "$name" = postgres ] || log "$(_svc_label "$name") is not running"
      rm -f "$SVC_RUN/$name.pid" "$SVC_RUN/$name.addr"
    fi
  done
  local i t0 waited
  t0="$(_svc_ms)"
  for i in "${!pids[@]}"; do
    waited=0
    # Kafka flushes and closes its logs on SIGTERM: give it time before SIGKILL.
    while kill -0 "${pids[$i]}" 2>/dev/null && [ "$waited" -lt 300 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "$(_svc_label "${names[$i]}") did not stop within 30 s: killing it (SIGKILL)"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      sleep 0.5
    else
      log "$(_svc_label "${names[$i]}") stopped in $(_svc_secs_since "$t0")"
    fi
    rm -f "$SVC_RUN/${names[$i]}.pid" "$SVC_RUN/${names[$i]}.addr"
  done
  flock -u 9 2>/dev/null || true
  exec 9>&-
  return 0
}

_svc_label() { case "$1" in kafka) echo "Kafka broker" ;; s3) echo "S3 server" ;; postgres) echo "embedded PostgreSQL" ;; *) echo "$1" ;; esac; }

# ---------------------------------------------------------------------------------------------
# status

_svc_status() {
  [ $# -eq 0 ] || { services_usage >&2; return 2; }
  _svc_load_settings
  local all_up=0
  _svc_status_line kafka "Kafka" "$SVC_KAFKA_HOST" "$SVC_KAFKA_PORT" "$SVC_KAFKA_ADDR" || all_up=3
  _svc_status_line s3 "S3" "$SVC_S3_HOST" "$SVC_S3_PORT" "$SVC_S3_ENDPOINT" || all_up=3
  local pg_pid
  if pg_pid="$(_svc_pid postgres)" && _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT"; then
    printf '%-11s %-5s %-28s %s\n' "PostgreSQL" "up" "$SVC_PG_HOST:$SVC_PG_PORT" "embedded (started by demo), pid $pg_pid"
  elif _svc_port_open "$SVC_PG_HOST" "$SVC_PG_PORT"; then
    printf '%-11s %-5s %-28s %s\n' "PostgreSQL" "up" "$SVC_PG_HOST:$SVC_PG_PORT" "(not managed by services up/down)"
  else
    printf '%-11s %-5s %-28s %s\n' "PostgreSQL" "down" "$SVC_PG_HOST:$SVC_PG_PORT" "(not managed by services up/down; 'services up' starts a local cluster)"
  fi
  echo "data dir: $SVC_DATA"
  return "$all_up"
}

# One line for a managed service; returns 1 unless it is up (our process alive and answering).
_svc_status_line() {
  local name="$1" label="$2" host="$3" port="$4" addr="$5" pid recorded
  if ! _svc_is_local_host "$host"; then
    if _svc_port_open "$host" "$port"; then
      printf '%-11s %-5s %-28s %s\n' "$label" "up" "$addr" "(external, not managed here)"; return 0
    fi
    printf '%-11s %-5s %-28s %s\n' "$label" "down" "$addr" "(external, not managed here)"; return 1
  fi
  if pid="$(_svc_pid "$name")"; then
    recorded="$(cat "$SVC_RUN/$name.addr" 2>/dev/null || true)"
    if [ -n "$recorded" ] && [ "$recorded" != "$addr" ]; then
      printf '%-11s %-5s %-28s %s\n' "$label" "down" "$addr" "(pid $pid of this data dir runs on $recorded instead)"; return 1
    fi
    if _svc_port_open "$host" "$port"; then
      printf '%-11s %-5s %-28s %s\n' "$label" "up" "$addr" "pid $pid"; return 0
    fi
    printf '%-11s %-5s %-28s %s\n' "$label" "down" "$addr" "(pid $pid is running but not answering: starting, or stuck; see $SVC_LOGS)"; return 1
  fi
  if _svc_port_open "$host" "$port"; then
    printf '%-11s %-5s %-28s %s\n' "$label" "down" "$addr" "(the port is used by another process, not this data dir's service)"; return 1
  fi
  printf '%-11s %-5s %-28s\n' "$label" "down" "$addr"
  return 1
}
