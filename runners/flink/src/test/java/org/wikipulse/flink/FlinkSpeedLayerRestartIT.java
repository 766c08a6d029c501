package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.testing.SpeedLayerScenario;
import org.wikipulse.testing.TestServices;

/**
 * A crash and a restart on Flink [local], the way a user runs it: the shaded jar (so its merged
 * service files are checked too) in a child JVM, unbounded with checkpoints, SIGKILLed mid-stream,
 * then started again with the same command. The restart must resume from the newest complete
 * checkpoint by itself, and the tables must end exactly right; the lake must hold every kept event
 * (a restored writer may write some twice; the batch layer de-duplicates).
 */
class FlinkSpeedLayerRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkSpeedLayerRestartIT.class);
  private static final String GROUP = "it-flink-restart";
  private static SpeedLayerScenario scenario;
  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void fillTopic() throws Exception {
    scenario = SpeedLayerScenario.create("flink-restart");
    // Two copies (the second all repeats) make the stream long enough to be killed mid-way.
    scenario.publishInEventTimeOrder(2);
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (scenario != null) {
      scenario.dropDatabase();
    }
  }

  @AfterEach
  void stopChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aRestartAfterSigkillResumesFromTheLastCheckpointAndTheTablesEndExact() throws Exception {
    Path dataDir = Files.createTempDirectory("flink-restart-it-");
    Path checkpoints = FlinkDefaults.checkpointRoot(dataDir, GROUP);

    Path firstLog = dataDir.resolve("first.log");
    Process first = start(dataDir, firstLog);
    long rowsAtKill = awaitCheckpointAndRows(first, checkpoints, firstLog);
    first.destroyForcibly().waitFor(); // SIGKILL: no clean shutdown of anything
    long killedAt = System.nanoTime();
    Path restoredFrom = LatestCheckpoint.find(checkpoints).orElseThrow();
    LOG.info("killed the first run with {} rows written; newest complete checkpoint {}", rowsAtKill, restoredFrom);
    assertTrue(log(firstLog).contains("No complete checkpoint in"), "the first run starts fresh");

    Path secondLog = dataDir.resolve("second.log");
    Process second = start(dataDir, secondLog);
    // The live stream never stops; the recorded one has, so stand in for what keeps arriving.
    scenario.publishRepeatToEveryPartition();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!scenario.tablesReachedTheExpectedTotals()) {
      assertTrue(second.isAlive(), () -> "the second run died:\n" + tail(secondLog));
      assertTrue(System.nanoTime() < deadline, () -> "tables incomplete after 4 min:\n" + tail(secondLog));
      Thread.sleep(2000);
    }
    String restart = log(secondLog);
    assertTrue(restart.contains("Restoring from checkpoint " + restoredFrom), () -> tail(secondLog));
    assertTrue(
        restart.contains("from savepoint " + restoredFrom.toUri()), () -> "Flink did not restore:\n" + tail(secondLog));

    scenario.awaitLakeFilesSettle(Duration.ofSeconds(15), Duration.ofMinutes(2));
    second.destroyForcibly().waitFor();
    LOG.info("second run stopped; {} s since the kill", (System.nanoTime() - killedAt) / 1_000_000_000);
    scenario.assertTablesHoldExactlyTheKeptEvents();
    scenario.assertLakeHoldsEveryKeptEvent();
  }

  /** Starts the speed layer from the shaded jar, unbounded, writing its output to {@code logFile}. */
  private Process start(Path dataDir, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    // The restore line Flink itself logs ("Starting job ... from savepoint ...").
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.checkpoint.CheckpointCoordinator=info");
    command.add("-cp");
    command.add(bundledJar().toString());
    command.add(FlinkSpeedLayer.class.getName());
    command.addAll(scenario.args(GROUP, 0));
    command.add("--checkpointingInterval=1000");
    command.add("--maxOutOfOrdernessSeconds=5"); // published in event-time order
    command.add("--lakeWindowSeconds=5");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().put("WIKIPULSE_DATA_DIR", dataDir.toString());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /**
   * Waits for a complete checkpoint and a thousand rows (of 5997), so that the kill lands mid-stream
   * with rows written after the checkpoint it will resume from; returns the rows at that moment.
   */
  private static long awaitCheckpointAndRows(Process p, Path checkpoints, Path logFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      assertTrue(p.isAlive(), () -> "the first run died:\n" + tail(logFile));
      assertTrue(System.nanoTime() < deadline, () -> "no checkpoint after 3 min:\n" + tail(logFile));
      long rows = TestServices.queryLong(scenario.jdbcUrl(), "SELECT count(*) FROM realtime_recent_changes");
      Optional<Path> chk = LatestCheckpoint.find(checkpoints);
      if (rows >= 1000 && chk.isPresent()) {
        return rows;
      }
      Thread.sleep(200);
    }
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

  private static String log(Path logFile) throws IOException {
    return Files.readString(logFile);
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
