# ./wikipulse stream [--runner=DirectRunner|FlinkRunner] [--maxRecords=N] [Beam options] — the speed
# layer: Kafka -> PostgreSQL real-time tables, dead letters and the Parquet lake.
# Sourced by ./wikipulse, not executed.

stream_usage() {
  cat <<USAGE
Usage: ./wikipulse stream [--runner=DirectRunner|FlinkRunner] [--maxRecords=N] [Beam options]

Runs the speed layer: reads \$WIKIPULSE_TOPIC, writes realtime_recent_changes, realtime_traffic_volume,
dead_letters and the Parquet lake. Without --maxRecords it runs until stopped (Ctrl-C); with it, it
stops once N records are read and every output is written.

  --runner=DirectRunner   (default) in this JVM, from the pipelines module
  --runner=FlinkRunner    a Flink mini-cluster in this JVM (runners/flink): streaming, checkpoints every
                          30 s kept in \$WIKIPULSE_DATA_DIR/flink/checkpoints/<consumer group>; after a
                          crash or Ctrl-C the same command resumes from the newest complete checkpoint
                          (--fresh ignores them). Submit to a cluster instead with
                          flink run runners/flink/target/wikipulse-runner-flink-*-bundled.jar ...
  --maxRecords=N          read N records, then finish (tests, benchmarks, backfills; each partition reads
                          a share in proportion to what it holds unread, see --help=...SpeedLayerOptions)
  --help=org.wikipulse.speed.SpeedLayerOptions       every option, with its default (DirectRunner)
  --help=org.wikipulse.flink.FlinkSpeedLayerOptions  the same plus Flink's (with --runner=FlinkRunner)
  Flink defaults (when not given): --streaming=true --checkpointingInterval=30000 (none with
  --maxRecords) --parallelism=3 --maxParallelism=128 --objectReuse=true --stateBackend=filesystem
  --externalizedCheckpointsEnabled=true --retainExternalizedCheckpointsOnCancellation=true

Examples:
  ./wikipulse stream
  ./wikipulse stream --maxRecords=6182
  ./wikipulse stream --runner=FlinkRunner --consumerGroup=wikipulse-flink
USAGE
}

stream_cmd() {
  local runner="DirectRunner" arg
  for arg in "$@"; do
    case "$arg" in
      -h|--help|help) stream_usage; return 0 ;;  # --help=<Options> goes to Beam
      --runner=*) runner="${arg#--runner=}" ;;
    esac
  done
  local module main
  case "$runner" in
    DirectRunner|org.apache.beam.runners.direct.DirectRunner)
      module=pipelines main=org.wikipulse.speed.SpeedLayerPipeline ;;
    FlinkRunner|org.apache.beam.runners.flink.FlinkRunner)
      # A forked JVM from the module's classpath: Flink cannot run under mvn exec:java (COMPAT.md).
      module=runners/flink main=org.wikipulse.flink.FlinkSpeedLayer ;;
    *) die "stream: unknown --runner=$runner (DirectRunner or FlinkRunner)" ;;
  esac
  ensure_built
  # The Java side reads the data dir from the environment: make it the launcher's (<repo>/data by default).
  WIKIPULSE_DATA_DIR="$(data_dir)"
  export WIKIPULSE_DATA_DIR
  run_java "$module" "$main" "$@"
}
