package org.wikipulse.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The speed layer on Flink [local] as a user runs it, unbounded with checkpoints: the shaded jar in
 * a child JVM ({@code FlinkSpeedLayerRestartIT} does the same), its output in a log file, with
 * Flink's checkpoint coordinator at info (a failover logs "Restoring job ... from Checkpoint").
 */
final class SpeedLayerChild implements AutoCloseable {
  private final Process process;
  private final Path log;

  private SpeedLayerChild(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static SpeedLayerChild start(Path dataDir, List<String> args) throws IOException {
    Path log = dataDir.resolve("speed-layer.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.checkpoint.CheckpointCoordinator=info");
    command.add("-cp");
    command.add(bundledJar().toString());
    command.add(FlinkSpeedLayer.class.getName());
    command.addAll(args);
    command.add("--checkpointingInterval=1000");
    command.add("--maxOutOfOrdernessSeconds=5");
    command.add("--lakeWindowSeconds=5");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("WIKIPULSE_DATA_DIR", dataDir.toString());
    Process p = pb.start();
    // Should this JVM end before the test's own clean-up (a timeout, Ctrl-C), end the job too.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop the speed layer"));
    return new SpeedLayerChild(p, log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  String tail() {
    return PrivateServices.tail(log);
  }

  /** How many times Flink restored the running job from its last checkpoint after a task failed. */
  long jobRestarts() throws IOException {
    return log().lines().filter(l -> l.contains("CheckpointCoordinator - Restoring job ")).count();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  private static Path bundledJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-bundled.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no target/*-bundled.jar: run mvn verify (package builds it)"))
          .toAbsolutePath();
    }
  }
}
