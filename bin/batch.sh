# ./wikipulse batch [--runner=SparkRunner|DirectRunner] [--from=... --to=... | --days=N | --all] [...]
# The batch layer: computes the five historical tables from the lake into PostgreSQL. DirectRunner
# runs from the pipelines module; SparkRunner runs Spark in-process (--sparkMaster, default local[4])
# from runners/spark, with the Java 17 --add-opens flags Spark needs.
# Sourced by ./wikipulse, not executed.

batch_usage() {
  cat <<USAGE
Usage: ./wikipulse batch [--runner=SparkRunner|DirectRunner] [--from=INSTANT --to=INSTANT | --days=N | --all] [options]

Reads the lake partitions (year=YYYY/month=MM) that overlap the range, drops repeated event ids,
computes the five historical views and replaces the historical_* tables in one transaction.
Each run is recorded in batch_runs. Exit code: 0 done (also for a range without events, which
changes no table), 1 failed (the tables keep their previous contents), 2 wrong options.

  --from, --to     ISO-8601 instants (2026-02-26T00:00:00Z) or dates (midnight UTC); --to is exclusive
  --days=N         the last N days up to now (the default, N=1)
  --all            every event in the lake
  --runner         DirectRunner (default) or SparkRunner; with Spark also --sparkMaster=local[*]
                   (or spark://host:7077)
  --lake, --jdbcUrl, --dbUser, --s3Endpoint, ...   default to the WIKIPULSE_* settings
                                                  (--dbUser: \$WIKIPULSE_WRITER_USER, default wikipulse_writer)
  --help=BatchLayerOptions   every option

Examples:
  ./wikipulse batch --all --runner=SparkRunner --sparkMaster='local[*]'
  ./wikipulse batch --from 2026-02-01 --to 2026-03-01
USAGE
}

batch_cmd() {
  local arg spark="" prev=""
  for arg in "$@"; do
    case "$arg" in
      -h|--help) batch_usage; return 0 ;;
    esac
    if [[ "$arg" =~ ^--runner=(.*)$ ]]; then
      [[ "${BASH_REMATCH[1],,}" == spark* ]] && spark=1
    elif [ "$prev" = "--runner" ] && [[ "${arg,,}" == spark* ]]; then
      spark=1
    fi
    prev="$arg"
  done
  ensure_built
  if [ -n "$spark" ]; then
    local opens="$WIKIPULSE_HOME/runners/spark/target/java-options.txt"
    [ -f "$opens" ] || die "runners/spark is not built: run ./wikipulse build"
    WIKIPULSE_JAVA_OPTS="$(cat "$opens") ${WIKIPULSE_JAVA_OPTS:-}" \
      run_java runners/spark org.wikipulse.spark.SparkBatchLayer "$@"
  else
    run_java pipelines org.wikipulse.batch.BatchLayerPipeline "$@"
  fi
}
