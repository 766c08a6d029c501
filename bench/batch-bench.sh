#!/usr/bin/env bash
# Batch-layer benchmark (issue #7): the five aggregations over a scaled lake, timed as whole
# processes (JVM and Spark start-up included):
#   1. ./wikipulse batch --runner=SparkRunner --sparkMaster=MASTER --all --lake=LAKE  (Beam on Spark,
#      into a fresh PostgreSQL database),
#   2. the baseline in the same run: the same five definitions as plain Spark SQL (Spark 3.5.3, the
#      batch layer's version) over the same Parquet files, de-duplicated by event_id first
#      (bench/sparksql, org.wikipulse.bench.SparkSqlBaseline; it collects the rows, writes nothing).
# Not a test: nothing runs it but you. Uses the WIKIPULSE_* settings (S3 up, PostgreSQL answering).
#
#   bench/batch-bench.sh [--events N] [--seed S] [--master 'local[2]'] [--lake-dir DIR]
#
# The lake (LAKE = $WIKIPULSE_LAKE/bench-N-seedS) is written by the BatchBench harness, once:
#   mvn -B -pl runners/spark -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
#     -Dit.test=BatchBench -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.events=N -Dbench.seed=S
# Spark SQL reads the same objects as files: DIR defaults to where the local S3 server
# (./wikipulse services) keeps them, $WIKIPULSE_DATA_DIR/s3/<bucket>/<prefix>/raw_events.
# Build first (./wikipulse build, and mvn -B -q -f bench/sparksql/pom.xml package): this script does
# not rebuild, so no build is timed.
set -euo pipefail

WIKIPULSE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WIKIPULSE_HOME
# shellcheck source=bin/common.sh
source "$WIKIPULSE_HOME/bin/common.sh"

events=1000000 seed=42 master='local[2]' lake_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --master) master="$2"; shift 2 ;;
    --lake-dir) lake_dir="$2"; shift 2 ;;
    *) echo "usage: bench/batch-bench.sh [--events N] [--seed S] [--master M] [--lake-dir DIR]" >&2; exit 2 ;;
  esac
done
root="${WIKIPULSE_LAKE:-s3://wikipulse-lake}"
lake="${root%/}/bench-$events-seed$seed"
bucket_path="${lake#*://}"
[ -n "$lake_dir" ] || lake_dir="$(data_dir)/s3/$bucket_path/raw_events"
[ -n "$(find "$lake_dir" -name '*.parquet' -print -quit 2>/dev/null)" ] \
  || die "no Parquet files under $lake_dir: write the lake with BatchBench first (see the header of this script)"
[ -f "$WIKIPULSE_HOME/bench/sparksql/target/classpath.txt" ] \
  || die "build the baseline first: mvn -B -q -f bench/sparksql/pom.xml package"
for m in runners/spark sql; do
  [ -f "$WIKIPULSE_HOME/$m/target/classpath.txt" ] || die "build first: ./wikipulse build"
done

out="${WIKIPULSE_BENCH_DIR:-/tmp/wikipulse-bench}"
mkdir -p "$out/tmp"
load() { cut -d' ' -f1-3 /proc/loadavg; }
rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
cpu_s() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$1"; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s}' "$1"; }

# A fresh database for the Beam run, with the schema.
jdbc_base="${WIKIPULSE_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/wikipulse}"
db="wikipulse_bench_batch_$$"
jdbc="${jdbc_base%/*}/$db"
hostport="${jdbc_base#jdbc:postgresql://}"; hostport="${hostport%%/*}"
psql_db() { psql -X -q -t -A -h "${hostport%:*}" -p "${hostport##*:}" -U "${WIKIPULSE_DB_USER:-postgres}" "$@"; }
trap 'psql_db -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
WIKIPULSE_SKIP_BUILD=1 WIKIPULSE_JDBC_URL="$jdbc" "$WIKIPULSE_HOME/wikipulse" migrate >"$out/migrate.out" 2>&1 \
  || { tail "$out/migrate.out"; die "migrate failed"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); master $master"
echo "input: $lake ($(find "$lake_dir" -name '*.parquet' | wc -l) Parquet files, $(du -sh "$lake_dir" | cut -f1)), $events distinct events asked, seed $seed"

# 1. Beam on the SparkRunner, the whole ./wikipulse process.
load0=$(load)
WIKIPULSE_SKIP_BUILD=1 WIKIPULSE_JDBC_URL="$jdbc" WIKIPULSE_JAVA_OPTS="-Djava.io.tmpdir=$out/tmp ${WIKIPULSE_JAVA_OPTS:-}" \
  /usr/bin/time -v -o "$out/beam.time" "$WIKIPULSE_HOME/wikipulse" batch --runner=SparkRunner \
  --sparkMaster="$master" --all --lake="$lake" >"$out/beam.out" 2>"$out/beam.err" \
  || { tail -20 "$out/beam.err"; die "the batch run failed"; }
load1=$(load)
read_rows=$(psql_db -d "$db" -c "SELECT events_read || ' read, ' || duplicates_dropped || ' duplicates dropped' FROM batch_runs WHERE status = 'succeeded'")
tables=$(psql_db -d "$db" -c "SELECT 'patterns ' || (SELECT count(*) FROM historical_hourly_patterns) || ', trends ' || (SELECT count(*) FROM historical_hourly_trends) || ', contributors ' || (SELECT count(*) FROM historical_top_contributors) || ', languages ' || (SELECT count(*) FROM historical_language_distribution) || ', servers ' || (SELECT count(*) FROM historical_server_rankings) || '; kept events ' || (SELECT sum(total_events) FROM historical_hourly_patterns)")
beam_wall=$(wall_s "$out/beam.time")
rows=$(psql_db -d "$db" -c "SELECT events_read FROM batch_runs WHERE status = 'succeeded'")
echo "beam: $read_rows; rows $tables"
echo "beam: wall $beam_wall s = $(awk -v n="$rows" -v s="$beam_wall" 'BEGIN {printf "%.0f", n / s}') events/s (lake rows / process wall); CPU $(cpu_s "$out/beam.time") s; peak RSS $(rss_mb "$out/beam.time") MB; load $load0 -> $load1"

# 2. The baseline: the same definitions in plain Spark SQL, same master, same files.
load0=$(load)
/usr/bin/time -v -o "$out/sql.time" java -Djava.io.tmpdir="$out/tmp" $(cat "$WIKIPULSE_HOME/runners/spark/target/java-options.txt") \
  -cp "$WIKIPULSE_HOME/bench/sparksql/target/classes:$(cat "$WIKIPULSE_HOME/bench/sparksql/target/classpath.txt")" \
  org.wikipulse.bench.SparkSqlBaseline "$master" "$lake_dir" >"$out/sql.out" 2>"$out/sql.err" \
  || { tail -20 "$out/sql.err"; die "the Spark SQL baseline failed"; }
load1=$(load)
sed 's/^/  /' "$out/sql.out"
sql_wall=$(wall_s "$out/sql.time")
echo "sparksql: wall $sql_wall s = $(awk -v n="$rows" -v s="$sql_wall" 'BEGIN {printf "%.0f", n / s}') events/s; CPU $(cpu_s "$out/sql.time") s; peak RSS $(rss_mb "$out/sql.time") MB; load $load0 -> $load1"
awk -v b="$beam_wall" -v s="$sql_wall" 'BEGIN {printf "ratio: Beam on Spark / plain Spark SQL = %.2f (wall; target <= 2)\n", b / s}'
