package org.wikipulse.flink;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed layer's defaults on Flink, for every flag the user did not give: the Flink runner,
 * streaming, checkpoints every 30 s (Beam's Flink default is none: no offset commits, no
 * recovery) unless {@code --maxRecords} bounds the read (that read commits its offsets itself when
 * it ends, and a checkpoint cannot resume it), a fixed parallelism of 3 (the topic's partitions, see
 * {@link #PARALLELISM}) and max parallelism of 128 (a restore needs the same values), object reuse
 * between chained operators (see {@link #apply}),
 * and, for a job that runs in this JVM, retained checkpoints in {@code
 * <WIKIPULSE_DATA_DIR>/flink/checkpoints/<consumer group>}. A job submitted to a cluster keeps the
 * cluster's state backend and checkpoint storage. Reads and writes nothing but the options.
 */
public final class FlinkDefaults {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkDefaults.class);
  static final long CHECKPOINTING_INTERVAL_MILLIS = 30_000;
  /**
   * The raw topic's partitions (3, {@code WIKIPULSE_KAFKA_PARTITIONS}): one Kafka reader per source
   * subtask. With 2, one subtask reads two partitions and the whole job waits on it: 2,079
   * events/s on 2 cores, against 3,861 with 3 and 3,215 with 6 (bench/RESULTS.md).
   */
  static final int PARALLELISM = 3;
  static final int MAX_PARALLELISM = 128;

  private FlinkDefaults() {}

  /** The option names given in {@code args} ({@code --name=value} or a bare {@code --name}). */
  public static Set<String> givenFlags(String[] args) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith("--"))
        .map(a -> a.substring(2).split("=", 2)[0])
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Sets each default whose flag is not in {@code given}; {@code dataDir} holds local checkpoints. */
  public static void apply(FlinkSpeedLayerOptions options, Set<String> given, Path dataDir) {
    if (!given.contains("runner")) {
      options.setRunner(FlinkRunner.class);
    }
    if (!given.contains("streaming")) {
      options.setStreaming(true);
    }
    boolean bounded = options.getMaxRecords() > 0;
    if (!given.contains("checkpointingInterval") && !bounded) {
      options.setCheckpointingInterval(CHECKPOINTING_INTERVAL_MILLIS);
    }
    if (bounded && !given.contains("shutdownSourcesAfterIdleMs")) {
      // With checkpointing on, Beam keeps finished sources alive forever (an old Flink limit), so
      // a bounded job would never end; Flink 1.19 checkpoints fine after sources finish.
      options.setShutdownSourcesAfterIdleMs(0L);
    }
    if (!given.contains("parallelism")) {
      options.setParallelism(PARALLELISM);
    }
    if (!given.contains("maxParallelism")) {
      options.setMaxParallelism(MAX_PARALLELISM);
    }
    if (!given.contains("objectReuse")) {
      // Without it Flink hands each chained operator a copy of every element, an encode and a decode
      // through its coder (27 % of the job's CPU samples at full speed, bench/RESULTS.md). Beam's
      // elements are immutable, so the copy protects nothing. Not --fasterCopy, which also skips
      // the copies the heap state backend takes for its asynchronous checkpoints (see the options test).
      options.setObjectReuse(true);
    }
    if (!runsInThisJvm(options)) {
      return;
    }
    if (!given.contains("stateBackend")) {
      options.setStateBackend("filesystem");
    }
    if (!given.contains("stateBackendStoragePath")) {
      options.setStateBackendStoragePath(
          checkpointRoot(dataDir, options.getConsumerGroup()).toUri().toString());
    }
    if (!given.contains("externalizedCheckpointsEnabled")) {
      options.setExternalizedCheckpointsEnabled(true);
    }
    if (!given.contains("retainExternalizedCheckpointsOnCancellation")) {
      options.setRetainExternalizedCheckpointsOnCancellation(true);
    }
  }

  /**
   * Where a local job keeps its checkpoints: one folder per consumer group, so that a run resumes
   * only its own stream's state, never another topic's or group's.
   */
  static Path checkpointRoot(Path dataDir, String consumerGroup) {
    String folder = consumerGroup.replaceAll("[^A-Za-z0-9._-]", "_");
    if (folder.isEmpty() || folder.startsWith(".")) {
      folder = "_" + folder;
    }
    return dataDir.toAbsolutePath().resolve("flink").resolve("checkpoints").resolve(folder);
  }

  /**
   * True when Beam will start a Flink mini-cluster in this JVM: {@code [local]}, or {@code [auto]}
   * outside {@code flink run} (which installs a context environment that submits to its cluster).
   */
  public static boolean runsInThisJvm(FlinkSpeedLayerOptions options) {
    String master = options.getFlinkMaster();
    if ("[local]".equals(master)) {
      return true;
    }
    if ("[auto]".equals(master)) {
      boolean local = StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
      LOG.debug("--flinkMaster=[auto]: {}", local ? "a mini-cluster in this JVM" : "the cluster of `flink run`");
      return local;
    }
    return false;
  }
}
