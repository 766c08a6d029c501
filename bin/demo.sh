# ./wikipulse demo — the system on this machine with embedded defaults: local services, schema,
# events bridged into Kafka (the live stream when reachable, else a recorded file), and the count.
# Sourced by ./wikipulse, not executed.

LIVE_STREAM_URL="https://stream.wikimedia.org/v2/stream/recentchange"

demo_cmd() {
  local source="" limit=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --source) source="${2:?--source needs a value}"; shift 2 ;;
      --limit) limit="${2:?--limit needs a value}"; shift 2 ;;
      -h|--help)
        cat <<USAGE
Usage: ./wikipulse demo [--source URL|FILE] [--limit N]

Starts the local services, applies the schema, bridges events into Kafka and shows the topic's count.
Source: --source if given; else the live Wikimedia stream if it answers (stopping after --limit
events, default 500); else a recorded NDJSON file from \$WIKIPULSE_SAMPLE_DIR or ../shared/data/recentchange.
USAGE
        return 0 ;;
      *) die "demo: unknown option '$1' (see --help)" ;;
    esac
  done

  ensure_built
  WIKIPULSE_SKIP_BUILD=1 services_cmd up
  call_java sql org.wikipulse.sql.Migrate || die "demo: migration failed"

  if [ -z "$source" ]; then
    if curl -s -o /dev/null --max-time 5 -r 0-0 -H 'Accept: text/event-stream' "$LIVE_STREAM_URL"; then
      source="$LIVE_STREAM_URL"
      limit="${limit:-500}"
      log "demo: source = the live Wikimedia stream (it answered); stopping after $limit events"
    else
      local samples="${WIKIPULSE_SAMPLE_DIR:-$WIKIPULSE_HOME/../shared/data/recentchange}"
      source="$(ls "$samples"/*.ndjson.gz 2>/dev/null | tr '\n' ' ' || true)"
      [ -n "$source" ] || die "demo: the live stream does not answer and no recorded file was found in $samples; pass --source FILE.ndjson[.gz]"
      log "demo: source = the recorded files in $samples (the live stream does not answer from this machine)"
    fi
  fi

  local one
  for one in $source; do
    local args=(--source "$one")
    [ -n "$limit" ] && args+=(--limit "$limit")
    call_java sse-bridge org.wikipulse.bridge.BridgeMain "${args[@]}" || die "demo: the bridge failed on $one"
  done
  call_java sse-bridge org.wikipulse.bridge.TopicStats
  log "demo: events are in Kafka topic ${WIKIPULSE_TOPIC:-wiki-raw-events} at ${WIKIPULSE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}; stop the services with ./wikipulse services down"
}
