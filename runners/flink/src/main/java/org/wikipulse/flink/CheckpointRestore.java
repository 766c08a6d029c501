package org.wikipulse.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.annotation.Nullable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a Flink job that runs in this JVM resume from its newest complete retained checkpoint.
 * Beam 2.62 passes {@code --savepointPath} to remote clusters only; a local mini-cluster takes the
 * restore path from its Flink configuration. So this writes a {@code flink-conf.yaml} holding
 * {@code execution.savepoint.path} (plus the user's own Flink configuration, if any) into a
 * temporary folder and points {@code --flinkConfDir} at it. Reads: the checkpoint storage folder.
 * Writes: that configuration file; deletes job folders older than the one restored.
 */
final class CheckpointRestore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointRestore.class);
  static final String SAVEPOINT_PATH = "execution.savepoint.path";
  static final String IGNORE_UNCLAIMED_STATE = "execution.savepoint.ignore-unclaimed-state";

  private CheckpointRestore() {}

  /** Sets up the restore for {@code options}; returns the checkpoint or savepoint it restores, if any. */
  static Optional<String> configure(FlinkSpeedLayerOptions options, boolean runsInThisJvm) {
    if (!runsInThisJvm) {
      LOG.info(
          "Job runs on the cluster of --flinkMaster={}: resume it with `flink run -s <checkpoint>` or --savepointPath",
          options.getFlinkMaster());
      return Optional.empty();
    }
    String explicit = options.getSavepointPath();
    if (explicit != null && !explicit.isBlank()) {
      LOG.info("Restoring from --savepointPath={}", explicit);
      useConfDir(options, explicit);
      return Optional.of(explicit);
    }
    if (options.getMaxRecords() > 0) {
      LOG.info(
          "Bounded run (--maxRecords={}): starting with empty state from the committed offsets of consumer group {}",
          options.getMaxRecords(), options.getConsumerGroup());
      return Optional.empty();
    }
    Long interval = options.getCheckpointingInterval();
    if (interval == null || interval <= 0) {
      LOG.info("Checkpointing is off (--checkpointingInterval={}): starting with empty state", interval);
      return Optional.empty();
    }
    String storage = options.getStateBackendStoragePath();
    if (storage == null || !storage.startsWith("file:")) {
      LOG.info("Checkpoints are not in a local folder (--stateBackendStoragePath={}): starting with empty state", storage);
      return Optional.empty();
    }
    Path root = Path.of(URI.create(storage));
    if (options.getFresh()) {
      LOG.info(
          "--fresh: starting with empty state from the committed offsets of consumer group {} (checkpoints in {} are ignored)",
          options.getConsumerGroup(), root);
      return Optional.empty();
    }
    Optional<Path> latest = LatestCheckpoint.find(root);
    if (latest.isEmpty()) {
      LOG.info(
          "No complete checkpoint in {}: starting with empty state from the committed offsets of consumer group {}",
          root, options.getConsumerGroup());
      return Optional.empty();
    }
    Path checkpoint = latest.get();
    LOG.info("Restoring from checkpoint {} (the newest complete one in {}; --fresh ignores it)", checkpoint, root);
    for (Path pruned : LatestCheckpoint.pruneOlderJobs(root, checkpoint)) {
      LOG.info("Deleted older checkpoint folder {}", pruned);
    }
    useConfDir(options, checkpoint.toUri().toString());
    // Beam ignores it for a local job (the conf file does the restore); set, it records what was restored.
    options.setSavepointPath(checkpoint.toUri().toString());
    return Optional.of(checkpoint.toString());
  }

  private static void useConfDir(FlinkSpeedLayerOptions options, String savepointPath) {
    String userConfDir = options.getFlinkConfDir();
    if (userConfDir == null || userConfDir.isBlank()) {
      userConfDir = System.getenv("FLINK_CONF_DIR");
    }
    try {
      Path dir = Files.createTempDirectory("wikipulse-flink-conf-");
      Path file = dir.resolve("flink-conf.yaml");
      Files.write(
          file,
          confLines(userConfDir, savepointPath, Boolean.TRUE.equals(options.getAllowNonRestoredState())),
          StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      options.setFlinkConfDir(dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Flink configuration for the restore", e);
    }
  }

  /** The user's Flink configuration (if any) with the restore settings added, as flink-conf.yaml lines. */
  static List<String> confLines(@Nullable String userConfDir, String savepointPath, boolean allowNonRestoredState) {
    Map<String, String> conf = new TreeMap<>();
    if (userConfDir != null && !userConfDir.isBlank()) {
      Configuration user = GlobalConfiguration.loadConfiguration(userConfDir);
      conf.putAll(user.toMap());
    }
    conf.put(SAVEPOINT_PATH, savepointPath);
    if (allowNonRestoredState) {
      conf.put(IGNORE_UNCLAIMED_STATE, "true");
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Written by WikiPulse for one run: restore " + savepointPath);
    conf.forEach((k, v) -> lines.add(k + ": " + v));
    return lines;
  }
}
