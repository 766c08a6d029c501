package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.testing.SpeedLayerScenario;
import org.wikipulse.testing.TestServices;

/**
 * The speed layer as {@code ./wikipulse stream} runs it by default: unbounded, on the DirectRunner,
 * against the real Kafka broker, PostgreSQL and S3 server ({@link SpeedLayerScenario}). The tables and
 * the lake must reach exactly what the bounded run of {@code SpeedLayerIT} writes, and the consumer
 * group's committed offsets must reach the end of every partition (what a restart resumes from).
 */
class SpeedLayerUnboundedIT {
  private static final Logger LOG = LoggerFactory.getLogger(SpeedLayerUnboundedIT.class);
  private static final String GROUP = "it-speed-unbounded-" + ProcessHandle.current().pid();
  private static SpeedLayerScenario scenario;

  @BeforeAll
  static void fillTopic() throws Exception {
    scenario = SpeedLayerScenario.create("speed-unbounded");
    scenario.publishAll();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (scenario != null) {
      scenario.dropDatabase();
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anUnboundedRunReachesExactlyTheKeptEventsAndCommitsItsOffsets() throws Exception {
    SpeedLayerOptions options =
        PipelineOptionsFactory.fromArgs(scenario.args(GROUP, 0).toArray(String[]::new)).as(SpeedLayerOptions.class);
    options.setRunner(DirectRunner.class);
    long start = System.nanoTime();
    PipelineResult result = SpeedLayerPipeline.run(options);
    try {
      assertTrue(
          options.as(ExperimentalOptions.class).getExperiments().contains("use_unbounded_sdf_wrapper"),
          "the DirectRunner's unbounded read should go through the wrapped Kafka source");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!scenario.tablesReachedTheExpectedTotals()) {
        assertEquals(PipelineResult.State.RUNNING, result.getState(), "the unbounded run stopped");
        assertTrue(System.nanoTime() < deadline, "tables incomplete after 4 min");
        Thread.sleep(1000);
      }
      LOG.info(
          "{} records through the unbounded DirectRunner in {} ms",
          scenario.recordCount(), (System.nanoTime() - start) / 1_000_000);
      awaitOffsetsCommittedToTheEnd(Duration.ofMinutes(2));
      scenario.awaitLakeFilesSettle(Duration.ofSeconds(10), Duration.ofMinutes(3));
    } finally {
      result.cancel();
    }
    scenario.assertTablesHoldExactlyTheKeptEvents();
    scenario.assertLakeHoldsExactlyTheKeptEvents();
  }

  /** Waits until the group's committed offset of every partition is that partition's end offset. */
  private static void awaitOffsetsCommittedToTheEnd(Duration timeout) throws Exception {
    try (AdminClient admin =
        AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafka()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < SpeedLayerScenario.PARTITIONS; p++) {
        latest.put(new TopicPartition(scenario.topic(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get(20, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, Long> committed = Map.of();
      while (System.nanoTime() < deadline) {
        committed = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
          if (ends.containsKey(e.getKey())) {
            committed.put(e.getKey(), e.getValue() == null ? null : e.getValue().offset());
          }
        }
        if (committed.equals(ends)) {
          return;
        }
        Thread.sleep(1000);
      }
      assertEquals(ends, committed, "committed offsets of " + GROUP + " against the partitions' ends");
    }
  }
}
