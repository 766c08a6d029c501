#!/usr/bin/env bash
# Speed-layer benchmark (not a test; issue #7 item 2). On services of its own (Kafka, S3, a fresh
# database), with synthetic events from the bridge (realistic mix, deterministic by seed):
#   1. throughput: N events published first, then `./wikipulse stream --runner=R` unbounded; events/s
#      from the job's start to the last row, and from the first row to the last (sustained);
#   2. latency at a steady rate: the job running, the bridge publishing at --rate events/s for
#      --seconds; event -> row visible = ingested_at - meta.dt (the bridge stamps each synthetic
#      event with its send time, in ms) as p50/p95/p99;
#   3. baseline in the same run: PostgreSQL's COPY of the same rows into a copy of the table (the
#      database's own limit for this table and its indexes).
#   4. baseline in the same run: what the original did, a plain Kafka consumer loop over the same
#      topic (bench/consumer-loop: the project's parse and noise rules, one INSERT per 100 rows,
#      commitSync) into a fresh database; built here when missing.
# Prints cores, load, sizes, times, events/s and the ratio to the baseline; peak RSS of the job.
#
#   bench/speed-bench.sh [--runner FlinkRunner|DirectRunner] [--events 1000000] [--rate 1000] [--seconds 60]
#                        [--jfr] [--no-latency] [--bounded]
#   --jfr         records a JFR profile of the throughput job (target/bench-speed/throughput.jfr)
#   --no-latency  runs only the throughput part and its baseline (for profiling rounds)
#   --bounded     part 1 as a user runs a fixed count: `./wikipulse stream --maxRecords=N`, timed to
#                 the process's exit (it ends when every output is done)
#   BENCH_JOB_ARGS="--flag=value ..." adds options to both jobs (e.g. to try a runner setting)
#
# Targets (issue #7): Flink [local] >= 10,000 events/s sustained end to end; p95 event->row <= 3 s at
# 1,000 events/s.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runner=FlinkRunner events=1000000 rate=1000 seconds=60 jfr="" latency=1 bounded=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runner) runner="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --jfr) jfr=1; shift ;;
    --no-latency) latency=""; shift ;;
    --bounded) bounded=1; shift ;;
    *) echo "usage: $0 [--runner R] [--events N] [--rate N] [--seconds S] [--jfr] [--no-latency] [--bounded]" >&2; exit 2 ;;
  esac
done
command -v psql >/dev/null || { echo "needs psql (postgresql-client)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }

db=${BENCH_DB:-wikipulse_bench_speed}
export WIKIPULSE_DATA_DIR="${BENCH_DATA_DIR:-$ROOT/target/bench-speed}"
export WIKIPULSE_KAFKA_BOOTSTRAP="${BENCH_KAFKA:-127.0.0.1:29192}"
export WIKIPULSE_S3_ENDPOINT="${BENCH_S3:-http://127.0.0.1:29100}"
export WIKIPULSE_LAKE="s3://wikipulse-lake/bench-speed"
export WIKIPULSE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$db"
psql_admin() { psql -h 127.0.0.1 -U "${WIKIPULSE_DB_USER:-postgres}" -v ON_ERROR_STOP=1 -q "$@"; }
rows() { psql_admin -d "$db" -Atc "select count(*) from realtime_recent_changes"; }
now_ms() { date +%s%3N; }

[ "${WIKIPULSE_SKIP_BUILD:-}" = 1 ] || "$ROOT/wikipulse" build
export WIKIPULSE_SKIP_BUILD=1
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); runner $runner"
"$ROOT/wikipulse" services up >/dev/null

job_pid=""
cleanup() {
  [ -z "$job_pid" ] || stop_job
  "$ROOT/wikipulse" services down >/dev/null 2>&1 || true
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

fresh_db() {
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
  "$ROOT/wikipulse" migrate >/dev/null
}

# Starts the job on topic $1 (fresh consumer group and checkpoints); output in $2; JVM options $3,
# more job options after that (--maxRecords for the bounded run).
start_job() {
  local topic="$1" log="$2" opts="${3:-}"
  shift $(( $# < 3 ? $# : 3 ))
  WIKIPULSE_JAVA_OPTS="${WIKIPULSE_JAVA_OPTS:-} $opts" WIKIPULSE_TOPIC="$topic" /usr/bin/time -v -o "$log.time" "$ROOT/wikipulse" stream --runner="$runner" \
    --consumerGroup="bench-$topic" ${BENCH_JOB_ARGS:-} "$@" >"$log" 2>&1 &
  job_pid=$!
}
stop_job() {
  # SIGTERM to the JVM (the child of /usr/bin/time), so that time still writes its report
  pkill -TERM -P "$job_pid" 2>/dev/null || true
  wait "$job_pid" 2>/dev/null || true
  job_pid=""
}
cpu_s() { awk -F': ' '/User time|System time/{s+=$2} END{printf "%.1f", s}' "$1.time" 2>/dev/null || echo "?"; }
peak_rss_mb() { awk -F': ' '/Maximum resident/{printf "%d", $2/1024}' "$1.time" 2>/dev/null || echo "?"; }

# -- 1. throughput ---------------------------------------------------------------------------------
fresh_db
topic="bench-throughput-$(date +%s)"
echo "== 1. publishing $events synthetic events (seed 42) to $topic"
t0=$(now_ms)
WIKIPULSE_TOPIC="$topic" "$ROOT/wikipulse" bridge --synthetic --seed 42 --rate 100000000 --limit "$events" \
  >"$WIKIPULSE_DATA_DIR/bench-bridge.log" 2>&1
echo "   published in $(( ($(now_ms) - t0) / 1000 )) s"
log="$WIKIPULSE_DATA_DIR/bench-stream-throughput.log"
# CPU seconds of PostgreSQL (all its processes, incl. exited children) and of the Kafka broker, so
# the run says where the machine's CPU went: the job, the database, or the broker.
proc_cpu_s() {  # pids... -> utime+stime+cutime+cstime in seconds
  local tck; tck=$(getconf CLK_TCK)
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done \
    | awk -v t="$tck" '{sub(/^.*\) /, ""); s += $12 + $13 + $14 + $15} END {printf "%.1f", s / t}'
}
pg_cpu_s() { proc_cpu_s $(pgrep -x postgres); }
kafka_cpu_s() { proc_cpu_s $(cat "$WIKIPULSE_DATA_DIR/run/kafka.pid" 2>/dev/null); }
# PostgreSQL's memory (issue #7 item 5): the proportional set size (PSS) of all its processes, so the
# shared buffers every backend maps count once (summing their RSS would count them per process).
# Sampled with the progress below; the peak is reported. PostgreSQL is the machine's, not the
# bench's: other databases' idle backends are in it too (the "before" figure).
pg_pss_mb() {  # (a backend that exits meanwhile is skipped, not an error under pipefail)
  local p
  for p in $(pgrep -x postgres || true); do awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true; done \
    | awk '{s += $1} END {printf "%d", s / 1024}'
}
pg0=$(pg_cpu_s) kafka0=$(kafka_cpu_s) pg_pss0=$(pg_pss_mb) pg_pss_peak=0
t_start=$(now_ms)
jfr_opts=""
[ -z "$jfr" ] || jfr_opts="-XX:StartFlightRecording=filename=$WIKIPULSE_DATA_DIR/throughput.jfr,settings=profile"
if [ -n "$bounded" ]; then
  start_job "$topic" "$log" "$jfr_opts" --maxRecords="$events"
else
  start_job "$topic" "$log" "$jfr_opts"
fi
# Progress of every output, not only the first table: rows inserted into realtime_recent_changes,
# and rows inserted or updated in every table the job writes (each writer is its own branch of the
# job and may finish later than the others). From PostgreSQL's statistics, so that watching costs
# the database nothing (counting the tables every 2 s cost it 25 % more CPU in a 1 M run).
progress() {
  psql_admin -d "$db" -Atc "select concat_ws(' ',
    (select n_tup_ins from pg_stat_user_tables where relname = 'realtime_recent_changes'),
    (select sum(n_tup_ins + n_tup_upd) from pg_stat_user_tables where relname in ('realtime_recent_changes',
      'realtime_traffic_volume', 'realtime_minute_rollups', 'realtime_minute_pages', 'realtime_minute_users')))"
}
first="" last_p="" last_change=$(now_ms) rows_done=""
while :; do
  sleep 2
  p=$(progress)
  n=${p%% *}
  pss=$(pg_pss_mb); [ "$pss" -le "$pg_pss_peak" ] || pg_pss_peak=$pss
  [ -n "$first" ] || { [ "$n" -gt 0 ] && first=$(now_ms); }
  if [ "$p" != "$last_p" ]; then last_p=$p; last_change=$(now_ms); fi
  # when realtime_recent_changes stopped growing (reported as well: the table the baselines write)
  if [ "$n" != "${last_n:-}" ]; then last_n=$n; rows_done=$(now_ms); fi
  if [ -n "$bounded" ]; then
    # done when the job has exited: with --maxRecords it ends once every output is complete
    if ! kill -0 "$job_pid" 2>/dev/null; then
      wait "$job_pid" || { tail -20 "$log" >&2; echo "the bounded job failed; see $log" >&2; exit 1; }
      job_pid="" last_change=$(now_ms)
      break
    fi
    continue
  fi
  # done when no output has moved for 20 s (every kept event written everywhere)
  if [ -n "$first" ] && [ $(( $(now_ms) - last_change )) -gt 20000 ]; then break; fi
  kill -0 "$job_pid" 2>/dev/null || { echo "the job died; see $log" >&2; exit 1; }
done
pg1=$(pg_cpu_s) kafka1=$(kafka_cpu_s)
if [ -n "$bounded" ]; then
  echo "   $(grep -m1 '^speed layer finished' "$log" || echo "no summary line from the job; see $log")"
else
  stop_job
fi
kept=$(rows)
dead=$(psql_admin -d "$db" -Atc "select count(*) from dead_letters")
total_s=$(awk -v a="$t_start" -v b="$last_change" 'BEGIN{printf "%.1f", (b-a)/1000}')
sustained_s=$(awk -v a="$first" -v b="$last_change" 'BEGIN{printf "%.1f", (b-a)/1000}')
eps_total=$(awk -v n="$events" -v s="$total_s" 'BEGIN{printf "%d", n/s}')
eps_sustained=$(awk -v n="$events" -v s="$sustained_s" 'BEGIN{printf "%d", n/s}')
echo "   $events events read, $kept rows kept, $dead dead letters; realtime_recent_changes complete $(awk -v a="$first" -v b="$rows_done" 'BEGIN{printf "%.1f", (b-a)/1000}') s after its first row, every output $sustained_s s after it"
# The aggregates must account for every kept row (a check that the job's answers are right, not
# only fast): events in the traffic windows and in each of the three minute rollups.
echo "   events counted by traffic windows / minute rollups / minute pages / minute users: $(psql_admin -d "$db" -Atc "
  select concat_ws(' / ', (select sum(event_count) from realtime_traffic_volume),
    (select sum(event_count) from realtime_minute_rollups), (select sum(event_count) from realtime_minute_pages),
    (select sum(event_count) from realtime_minute_users))") (each must be $kept)"
if [ -n "$bounded" ]; then
  # A bounded read hands the runner its records in one piece and rows appear only near the end, so
  # "from the first row" measures nothing here: the whole run, start-up included, is the figure.
  echo "   job start -> exit (every output complete): $total_s s = $eps_total events/s (the bounded run's figure; first row -> exit: $sustained_s s)"
  eps_sustained=$eps_total measure="whole bounded run"
else
  echo "   job start -> every output complete: $total_s s = $eps_total events/s; first row -> every output complete: $sustained_s s = $eps_sustained events/s (sustained)"
  measure="sustained"
fi
echo "   job process: CPU $(cpu_s "$log") s (user+sys, whole run incl. start-up$([ -n "$bounded" ] || echo " and the 20 s idle wait")), peak RSS $(peak_rss_mb "$log") MB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   PostgreSQL memory (PSS of all its processes): $pg_pss0 MB before the job, peak $pg_pss_peak MB while it ran"
echo "   meanwhile: PostgreSQL CPU $(awk -v a="$pg0" -v b="$pg1" 'BEGIN{printf "%.1f", b-a}') s, Kafka broker CPU $(awk -v a="$kafka0" -v b="$kafka1" 'BEGIN{printf "%.1f", b-a}') s ($(nproc) cores x $total_s s = $(awk -v c="$(nproc)" -v s="$total_s" 'BEGIN{printf "%.0f", c*s}') CPU-s available)"

# -- 3. baseline: COPY of the same rows -------------------------------------------------------------
copy_file="$WIKIPULSE_DATA_DIR/bench-rows.copy"
psql_admin -d "$db" -c "\\copy (select * from realtime_recent_changes) to '$copy_file'"
psql_admin -d "$db" -c "create table bench_copy (like realtime_recent_changes including all)"
t0=$(now_ms)
psql_admin -d "$db" -c "\\copy bench_copy from '$copy_file'"
copy_s=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN{printf "%.2f", (b-a)/1000}')
copy_eps=$(awk -v n="$kept" -v s="$copy_s" 'BEGIN{printf "%d", n/s}')
echo "== 3. baseline: COPY of the $kept rows into a copy of the table (same indexes): $copy_s s = $copy_eps rows/s"
echo "   ratio speed layer ($measure, events read) / COPY (rows): $(awk -v a="$eps_sustained" -v b="$copy_eps" 'BEGIN{printf "%.3f", a/b}')"
rm -f "$copy_file"

# -- 4. baseline: a plain Kafka consumer loop (what the original did) ------------------------------
# bench/consumer-loop over the same topic, fresh group, fresh database. It compiles against ~/.m2's
# org.wikipulse jars but runs on this checkout's modules, so it applies the rules the job ran.
loop_dir="$ROOT/bench/consumer-loop"
if [ ! -f "$loop_dir/target/classpath.txt" ] || [ ! -d "$loop_dir/target/classes/org" ]; then
  echo "   building bench/consumer-loop"
  mvn -B -q -f "$loop_dir/pom.xml" package >"$WIKIPULSE_DATA_DIR/bench-consumer-loop-build.log" 2>&1 || {
    tail -20 "$WIKIPULSE_DATA_DIR/bench-consumer-loop-build.log" >&2
    echo "bench/consumer-loop did not build; it needs org.wikipulse:wikipulse-pipelines in ~/.m2 (mvn -DskipTests install)" >&2
    exit 1
  }
fi
loop_cp="$loop_dir/target/classes"
for jar in $(tr ':' ' ' <"$loop_dir/target/classpath.txt"); do
  case "$jar" in
    */org/wikipulse/wikipulse-*)
      m="${jar#*/org/wikipulse/wikipulse-}"; m="${m%%/*}"
      [ ! -d "$ROOT/$m/target/classes" ] || jar="$ROOT/$m/target/classes" ;;
  esac
  loop_cp="$loop_cp:$jar"
done
fresh_db
loop_log="$WIKIPULSE_DATA_DIR/bench-consumer-loop.log"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v -o "$loop_log.time" java ${WIKIPULSE_JAVA_OPTS:-} -cp "$loop_cp" org.wikipulse.bench.ConsumerLoopBaseline \
  --topic="$topic" --consumerGroup="bench-loop-$topic" --maxRecords="$events" >"$loop_log.out" 2>"$loop_log" \
  || { tail -20 "$loop_log" >&2; echo "the consumer loop failed; see $loop_log" >&2; exit 1; }
loop_line=$(grep '^consumer-loop:' "$loop_log.out") || { echo "no summary line from the consumer loop; see $loop_log" >&2; exit 1; }
loop_kv() { printf '%s\n' "$loop_line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
loop_eps=$(loop_kv events_per_s)
echo "== 4. baseline: plain Kafka consumer loop over $topic (parse, noise rules, one INSERT per 100 rows, commitSync per poll)"
echo "   $(loop_kv read) events read, $(loop_kv kept) kept, $(loop_kv filtered) filtered, $(loop_kv invalid) invalid; $(rows) rows ($(loop_kv inserted) inserted by $(loop_kv batches) INSERTs; speed layer: $kept)"
echo "   first poll -> last insert: $(loop_kv seconds) s = $loop_eps events/s (first record -> last insert: $(loop_kv from_first_record_seconds) s)"
echo "   loop process: CPU $(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.1f", s}' "$loop_log.time") s (user+sys, incl. JVM start-up and the group join), peak RSS $(peak_rss_mb "$loop_log") MB; load $load0 -> $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   ratio speed layer ($measure) / consumer loop (events read/s): $(awk -v a="$eps_sustained" -v b="$loop_eps" 'BEGIN{if (b > 0) printf "%.3f", a/b; else print "?"}')"

# Footprint (issue #7 item 5): peak RSS so far of the services this run started (VmHWM since their start).
hwm_mb() { local pid; pid=$(cat "$WIKIPULSE_DATA_DIR/run/$1.pid" 2>/dev/null) && awk '/VmHWM/{printf "%d", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo "?"; }
echo "== footprint: peak RSS of the Kafka broker $(hwm_mb kafka) MB, of the S3 server $(hwm_mb s3) MB (job and loop: above)"

[ -n "$latency" ] || { [ -z "$jfr" ] || echo "   profile: $WIKIPULSE_DATA_DIR/throughput.jfr"; exit 0; }

# -- 2. latency at a steady rate --------------------------------------------------------------------
fresh_db
topic="bench-latency-$(date +%s)"
log="$WIKIPULSE_DATA_DIR/bench-stream-latency.log"
start_job "$topic" "$log"
# wait until the job reads: publish a trickle until the first row shows up
WIKIPULSE_TOPIC="$topic" "$ROOT/wikipulse" bridge --synthetic --seed 7 --rate 5 >/dev/null 2>&1 &
warm=$!
until [ "$(rows)" -gt 0 ]; do sleep 1; kill -0 "$job_pid" 2>/dev/null || { echo "the job died; see $log" >&2; exit 1; }; done
kill $warm; wait $warm 2>/dev/null || true
echo "== 2. job reading; publishing at $rate events/s for $seconds s"
since=$(psql_admin -d "$db" -Atc "select now()")
WIKIPULSE_TOPIC="$topic" "$ROOT/wikipulse" bridge --synthetic --seed 8 --rate "$rate" --limit $(( rate * seconds )) \
  >"$WIKIPULSE_DATA_DIR/bench-bridge-latency.log" 2>&1
sleep 20
stop_job
psql_admin -d "$db" -Atc "
  select format('   %s rows; event -> row visible: p50 %s ms, p95 %s ms, p99 %s ms, max %s ms',
    count(*),
    round(percentile_cont(0.50) within group (order by ms)::numeric),
    round(percentile_cont(0.95) within group (order by ms)::numeric),
    round(percentile_cont(0.99) within group (order by ms)::numeric),
    round(max(ms)::numeric))
  from (select extract(epoch from ingested_at - meta_dt::timestamptz) * 1000 as ms
        from realtime_recent_changes where meta_dt is not null and meta_dt::timestamptz >= '$since') t"
echo "   peak RSS of the job: $(peak_rss_mb "$log") MB; load $(cut -d' ' -f1-3 /proc/loadavg)"
