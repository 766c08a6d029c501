package org.wikipulse.flink;

import java.nio.file.Path;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.common.Settings;
import org.wikipulse.speed.SpeedLayerPipeline;

/**
 * The speed layer ({@link SpeedLayerPipeline}, the same graph on every runner) on Apache Flink,
 * with the defaults a long-running job needs ({@link FlinkDefaults}: streaming, checkpoints every
 * 30 s, retained in {@code $WIKIPULSE_DATA_DIR/flink/checkpoints/<consumer group>}) and, when the
 * job runs in this JVM, a restart that resumes from the newest complete checkpoint by itself
 * ({@link CheckpointRestore}). Reads: Kafka. Writes: PostgreSQL, the lake, the checkpoint folder.
 *
 * <pre>{@code
 * ./wikipulse stream --runner=FlinkRunner                     # local mini-cluster, forever; Ctrl-C, SIGKILL or a crash: run it again to resume
 * ./wikipulse stream --runner=FlinkRunner --fresh             # ignore old checkpoints, start from the committed offsets
 * ./wikipulse stream --runner=FlinkRunner --maxRecords=6182   # bounded: stops when every output is done
 * java -jar runners/flink/target/wikipulse-runner-flink-*-bundled.jar --topic=...
 * flink run runners/flink/target/wikipulse-runner-flink-*-bundled.jar --stateBackend=rocksdb --stateBackendStoragePath=s3://...
 * flink run -d runners/flink/target/wikipulse-runner-flink-*-bundled.jar --attachedMode=false ...   # returns once submitted
 * }</pre>
 */
public final class FlinkSpeedLayer {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkSpeedLayer.class);

  private FlinkSpeedLayer() {}

  public static void main(String[] args) {
    FlinkSpeedLayerOptions options = options(args, Settings.fromEnvironment().dataDir());
    try {
      PipelineResult result = SpeedLayerPipeline.run(options);
      if (submittedDetached(options)) {
        // `flink run -d ... --attachedMode=false`: the job runs on the cluster now. Beam's detached
        // result would poll the job until it ends (never, for a stream): return, so the client exits.
        LOG.info(
            "Speed layer submitted to the cluster (detached, job name {}): state {}",
            options.getJobName(), result.getState());
        return;
      }
      PipelineResult.State state = result.waitUntilFinish();
      LOG.info("Speed layer on Flink finished: {}", state);
      if (options.getMaxRecords() > 0) {
        System.out.println(org.wikipulse.speed.RunSummary.describe(result));
      }
    } catch (RuntimeException e) {
      if (options.getSavepointPath() != null) {
        LOG.error(
            "The job failed after restoring {}. If the pipeline changed since (other transforms, "
                + "--writeLake, --parallelism or --maxParallelism), its state may not fit: add "
                + "--allowNonRestoredState to drop state that has no operator any more, or --fresh "
                + "to start from the consumer group's committed offsets with empty state.",
            options.getSavepointPath());
      }
      throw e;
    }
  }

  /** True for a job handed to a cluster with {@code --attachedMode=false} (Beam's detached submission). */
  static boolean submittedDetached(FlinkSpeedLayerOptions options) {
    return !options.getAttachedMode() && !FlinkDefaults.runsInThisJvm(options);
  }

  /**
   * Parses {@code args}, fills in the defaults and the restore, then starts the speed layer; a
   * local job keeps its checkpoints under {@code dataDir} ({@code main} uses $WIKIPULSE_DATA_DIR).
   */
  public static PipelineResult run(String[] args, Path dataDir) {
    return SpeedLayerPipeline.run(options(args, dataDir));
  }

  /** The options {@link #run} uses: {@code args}, then {@link FlinkDefaults}, then the restore. */
  static FlinkSpeedLayerOptions options(String[] args, Path dataDir) {
    Set<String> given = FlinkDefaults.givenFlags(args);
    FlinkSpeedLayerOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(FlinkSpeedLayerOptions.class);
    FlinkDefaults.apply(options, given, dataDir);
    boolean local = FlinkDefaults.runsInThisJvm(options);
    LOG.info(
        "Flink {}: streaming={} parallelism={} maxParallelism={} checkpointingInterval={} ms, checkpoints in {}",
        local ? "mini-cluster in this JVM" : "master " + options.getFlinkMaster(),
        options.isStreaming(),
        options.getParallelism(),
        options.getMaxParallelism(),
        options.getCheckpointingInterval(),
        options.getStateBackendStoragePath());
    CheckpointRestore.configure(options, local);
    return options;
  }
}
