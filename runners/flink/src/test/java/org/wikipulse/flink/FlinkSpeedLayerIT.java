package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.testing.SpeedLayerScenario;

/**
 * The speed layer end to end on the FlinkRunner (a mini-cluster in this JVM, with {@link
 * FlinkSpeedLayer}'s own defaults) against the real Kafka broker, PostgreSQL and S3 server: the same
 * {@link SpeedLayerScenario} as the DirectRunner's {@code SpeedLayerIT}, with the same exact results.
 */
class FlinkSpeedLayerIT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkSpeedLayerIT.class);
  private static SpeedLayerScenario scenario;

  @BeforeAll
  static void fillTopic() throws Exception {
    scenario = SpeedLayerScenario.create("flink");
    scenario.publishAllThroughBridge();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (scenario != null) {
      scenario.dropDatabase();
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBoundedRunWritesExactlyTheKeptEvents() throws Exception {
    Path dataDir = Files.createTempDirectory("flink-it-");
    String[] args = scenario.args("it-flink", scenario.recordCount()).toArray(String[]::new);

    long start = System.nanoTime();
    PipelineResult result = FlinkSpeedLayer.run(args, dataDir);
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    LOG.info("{} records on Flink [local] in {} ms (with start-up)", scenario.recordCount(), (System.nanoTime() - start) / 1_000_000);

    scenario.assertTablesHoldExactlyTheKeptEvents();
    scenario.assertLakeHoldsExactlyTheKeptEvents();
  }
}
