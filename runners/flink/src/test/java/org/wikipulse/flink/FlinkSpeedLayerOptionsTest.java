package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.runners.direct.DirectRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults and the restore set-up that {@link FlinkSpeedLayer} adds to the user's flags. */
class FlinkSpeedLayerOptionsTest {
  @TempDir Path dataDir;

  private FlinkSpeedLayerOptions options(String... args) {
    return FlinkSpeedLayer.options(args, dataDir);
  }

  @Test
  void givenFlagsAreTheNamesOfEveryDashDashArgument() {
    assertEquals(
        Set.of("streaming", "maxRecords", "fresh"),
        FlinkDefaults.givenFlags(new String[] {"--streaming=false", "--maxRecords=5", "--fresh", "x"}));
  }

  @Test
  void aDetachedSubmissionToAClusterDoesNotWaitForTheJob() {
    // flink run -d ... --attachedMode=false (the compose stack's flink-submit): main returns once submitted.
    assertTrue(FlinkSpeedLayer.submittedDetached(options("--flinkMaster=jobmanager:8081", "--attachedMode=false")));
    assertFalse(FlinkSpeedLayer.submittedDetached(options("--flinkMaster=jobmanager:8081")), "attached by default");
    assertFalse(
        FlinkSpeedLayer.submittedDetached(options("--flinkMaster=[local]", "--attachedMode=false")),
        "a mini-cluster in this JVM ends with the JVM: main waits for it");
  }

  @Test
  void anUnboundedRunStreamsWithRetainedCheckpointsUnderTheDataDir() {
    FlinkSpeedLayerOptions o = options("--consumerGroup=speed/1");
    assertEquals(FlinkRunner.class, o.getRunner());
    assertTrue(o.isStreaming());
    assertEquals(30_000L, o.getCheckpointingInterval());
    assertEquals(3, o.getParallelism());
    assertEquals(128, o.getMaxParallelism());
    // Not --fasterCopy: Flink's heap state backend copies state values with the same serializer for
    // its asynchronous checkpoints, and Beam's combining accumulators change in place; without the
    // copy a checkpoint can hold counts from after its barrier, counted again after a restore
    // (FlinkSpeedLayerRestartIT caught it).
    assertFalse(o.getFasterCopy());
    // Object reuse only drops the copy between chained operators, not the state backend's.
    assertTrue(o.getObjectReuse());
    assertEquals("filesystem", o.getStateBackend());
    assertEquals(
        dataDir.resolve("flink/checkpoints/speed_1").toUri().toString(), o.getStateBackendStoragePath());
    assertTrue(o.isExternalizedCheckpointsEnabled());
    assertTrue(o.getRetainExternalizedCheckpointsOnCancellation());
    assertNull(o.getFlinkConfDir(), "nothing to restore yet");
  }

  @Test
  void flagsTheUserGaveAreKept() {
    FlinkSpeedLayerOptions o =
        options(
            "--runner=DirectRunner",
            "--streaming=false",
            "--checkpointingInterval=2000",
            "--parallelism=1",
            "--fasterCopy=true",
            "--objectReuse=false",
            "--stateBackendStoragePath=file:///elsewhere");
    assertEquals(DirectRunner.class, o.getRunner());
    assertFalse(o.isStreaming());
    assertEquals(2000L, o.getCheckpointingInterval());
    assertEquals(1, o.getParallelism());
    assertTrue(o.getFasterCopy());
    assertFalse(o.getObjectReuse());
    assertEquals("file:///elsewhere", o.getStateBackendStoragePath());
  }

  @Test
  void aBoundedRunHasNoCheckpointsSoThatItsSourcesCanFinish() {
    FlinkSpeedLayerOptions o = options("--maxRecords=100");
    assertTrue(o.isStreaming());
    assertEquals(-1L, o.getCheckpointingInterval());
    assertEquals(0L, o.getShutdownSourcesAfterIdleMs());
  }

  @Test
  void aRestartResumesFromTheNewestCompleteCheckpointThroughAGeneratedFlinkConf() throws Exception {
    Path root = dataDir.resolve("flink/checkpoints/wikipulse-speed/0123456789abcdef0123456789abcdef");
    Path chk = Files.createDirectories(root.resolve("chk-3"));
    Files.writeString(chk.resolve("_metadata"), "m");
    Files.createDirectories(root.resolve("chk-4")); // half-written

    FlinkSpeedLayerOptions o = options();

    assertEquals(chk.toUri().toString(), o.getSavepointPath());
    Path conf = Path.of(o.getFlinkConfDir()).resolve("flink-conf.yaml");
    assertTrue(
        Files.readAllLines(conf).contains("execution.savepoint.path: " + chk.toUri()),
        () -> conf + " holds the restore path");
  }

  @Test
  void freshIgnoresOldCheckpoints() throws Exception {
    Path chk =
        Files.createDirectories(
            dataDir.resolve("flink/checkpoints/wikipulse-speed/0123456789abcdef0123456789abcdef/chk-3"));
    Files.writeString(chk.resolve("_metadata"), "m");
    assertNull(options("--fresh").getFlinkConfDir());
  }

  @Test
  void theUsersOwnFlinkConfigurationIsKeptBesideTheRestorePath(@TempDir Path userConf) throws Exception {
    Files.writeString(userConf.resolve("flink-conf.yaml"), "taskmanager.numberOfTaskSlots: 4\n");
    List<String> lines = CheckpointRestore.confLines(userConf.toString(), "file:/x/chk-1", true);
    assertTrue(lines.contains("taskmanager.numberOfTaskSlots: 4"), lines::toString);
    assertTrue(lines.contains("execution.savepoint.path: file:/x/chk-1"), lines::toString);
    assertTrue(lines.contains("execution.savepoint.ignore-unclaimed-state: true"), lines::toString);
  }
}
