#!/usr/bin/env bash
# Bridge throughput benchmark (issue #7): replays N events from a gzip NDJSON file into Kafka
# with the bridge (`./wikipulse bridge --source FILE`, to its end), then, as the baseline in the same
# run, Kafka's own producer performance tool (org.apache.kafka.tools.ProducerPerformance, kafka-tools
# of the broker's version, from services/kafka-broker's class path) with the same record count, the
# same payloads (every line of the recorded sample, so the same size mix) and the bridge's producer
# settings. Each into its own fresh topic (WIKIPULSE_KAFKA_PARTITIONS partitions, default 3).
# Not a test: nothing runs it but you. Uses the WIKIPULSE_* settings (Kafka must be up:
# ./wikipulse services up). Needs python3 and /usr/bin/time.
#
#   bench/bridge-bench.sh [--events N] [--seed S] [--dir DIR] [--jfr]
#
# Input: DIR/rc-N-seedS.ndjson.gz, written by bench/scale-sample.py when missing (the recorded sample
# from $WIKIPULSE_SAMPLE_DIR, default /work/shared/data/recentchange, scaled with fresh ids and shifted
# times; deterministic by seed). DIR defaults to /tmp/wikipulse-bench. --jfr records a JFR profile
# of the bridge to DIR/bridge.jfr.
set -euo pipefail

WIKIPULSE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WIKIPULSE_HOME
# shellcheck source=bin/common.sh
source "$WIKIPULSE_HOME/bin/common.sh"

events=1000000 seed=42 dir=/tmp/wikipulse-bench jfr=0
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --jfr) jfr=1; shift ;;
    *) echo "usage: bench/bridge-bench.sh [--events N] [--seed S] [--dir DIR] [--jfr]" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
bootstrap="${WIKIPULSE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
partitions="${WIKIPULSE_KAFKA_PARTITIONS:-3}"
file="$dir/rc-$events-seed$seed.ndjson.gz"
payloads="$dir/payloads-seed$seed.ndjson"
load() { cut -d' ' -f1-3 /proc/loadavg; }
# Peak RSS in MB from a /usr/bin/time -v report.
rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
# User + system CPU seconds from a /usr/bin/time -v report: steadier than wall time on a shared machine.
cpu_s() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$1"; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s}' "$1"; }

[ -f "$WIKIPULSE_HOME/sse-bridge/target/classpath.txt" ] && [ -f "$WIKIPULSE_HOME/services/kafka-broker/target/classpath.txt" ] \
  || die "build first: mvn -B -q -DskipTests package -pl services/kafka-broker,sse-bridge -am (or ./wikipulse build)"
if [ ! -s "$file" ] || [ ! -s "$payloads" ]; then
  python3 "$WIKIPULSE_HOME/bench/scale-sample.py" --events "$events" --seed "$seed" --out "$file" --payload-file "$payloads"
fi
bytes=$(gzip -dc "$file" | wc -c)
mean=$((bytes / events))

stamp=$(date -u +%Y%m%dT%H%M%S)
kafka_cp="$(module_classpath services/kafka-broker)"
topic() {
  java -Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$WIKIPULSE_HOME/services/kafka-broker/config/tools-log4j.properties" \
    -cp "$kafka_cp" org.wikipulse.services.KafkaTopicSetup "$bootstrap" "$1" "$partitions" 60 >/dev/null
}
bridge_topic="bench-bridge-$stamp" perf_topic="bench-perf-$stamp"
topic "$bridge_topic"
topic "$perf_topic"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); Kafka $bootstrap, $partitions partitions"
echo "input: $file: $events events, $bytes bytes uncompressed (mean $mean bytes/event), seed $seed"

# 1. The bridge, as a user runs it (exit code must be 0).
load0=$(load)
opts="${WIKIPULSE_JAVA_OPTS:-}"
[ "$jfr" = 1 ] && opts="$opts -XX:StartFlightRecording=filename=$dir/bridge.jfr,settings=profile"
WIKIPULSE_SKIP_BUILD=1 WIKIPULSE_TOPIC="$bridge_topic" WIKIPULSE_JAVA_OPTS="$opts" \
  /usr/bin/time -v -o "$dir/bridge.time" "$WIKIPULSE_HOME/wikipulse" bridge --source "$file" \
  >"$dir/bridge.out" 2>"$dir/bridge.err" || { tail -20 "$dir/bridge.err"; die "the bridge failed"; }
load1=$(load)
line=$(grep -E '^bridge finished' "$dir/bridge.out") || die "no summary line in $dir/bridge.out"
sent=$(sed -E 's/.* sent=([0-9]+).*/\1/' <<<"$line")
elapsed=$(sed -E 's/.* elapsed=([0-9.]+)s.*/\1/' <<<"$line")
[ "$sent" = "$events" ] || die "the bridge sent $sent of $events events"
bridge_rate=$(awk -v n="$sent" -v s="$elapsed" 'BEGIN {printf "%.0f", n / s}')
bridge_wall=$(wall_s "$dir/bridge.time")
bridge_proc_rate=$(awk -v n="$sent" -v s="$bridge_wall" 'BEGIN {printf "%.0f", n / s}')
echo "bridge: $line"
echo "bridge: $sent events in ${elapsed} s = $bridge_rate events/s (process wall ${bridge_wall} s incl. JVM start = $bridge_proc_rate events/s); CPU $(cpu_s "$dir/bridge.time") s (user+sys, whole process); peak RSS $(rss_mb "$dir/bridge.time") MB; load $load0 -> $load1"

# 2. The baseline: Kafka's ProducerPerformance, same count and payloads, the bridge's producer settings.
props=(bootstrap.servers="$bootstrap" acks=all enable.idempotence=true max.in.flight.requests.per.connection=5
  compression.type=lz4 linger.ms=20 batch.size=131072 delivery.timeout.ms=120000 request.timeout.ms=30000
  max.request.size=8388608)
load0=$(load)
/usr/bin/time -v -o "$dir/perf.time" java -Xmx512m \
  -Dlog4j.configuration="file:$WIKIPULSE_HOME/services/kafka-broker/config/tools-log4j.properties" \
  -cp "$kafka_cp" org.apache.kafka.tools.ProducerPerformance --topic "$perf_topic" --num-records "$events" \
  --payload-file "$payloads" --throughput -1 --producer-props "${props[@]}" >"$dir/perf.out" 2>"$dir/perf.err" \
  || { tail -20 "$dir/perf.err"; die "ProducerPerformance failed"; }
load1=$(load)
summary=$(grep -E "^$events records sent" "$dir/perf.out") || die "no summary in $dir/perf.out"
perf_rate=$(sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/' <<<"$summary")
echo "producer-perf: $summary"
echo "producer-perf: $events records, $(printf '%.0f' "$perf_rate") records/s; process wall $(wall_s "$dir/perf.time") s; CPU $(cpu_s "$dir/perf.time") s; peak RSS $(rss_mb "$dir/perf.time") MB; load $load0 -> $load1"
echo "producer-perf settings: ${props[*]:1} (records unkeyed: the tool sends no key; the bridge keys by server_name)"
awk -v b="$bridge_rate" -v p="$perf_rate" 'BEGIN {printf "ratio: bridge / producer-perf = %.2f (target >= 0.50); bridge target >= 50,000 events/s\n", b / p}'
