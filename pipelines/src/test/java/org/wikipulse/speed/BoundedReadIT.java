package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * {@code --maxRecords=N} on partitions that hold very different numbers of records, N >= 10,000 (the
 * case where Beam's own bounded read of the topic gives every partition N / 3 and the smallest one
 * waits forever): the run must end, having read exactly N records, every one accounted for. Real
 * Kafka, PostgreSQL and S3; the recorded sample with fresh ids.
 */
class BoundedReadIT {
  private static final int[] PER_PARTITION = {9_000, 2_500, 500};
  private static final int TOTAL = 12_000;
  private static final String ID = "bounded-" + ProcessHandle.current().pid();
  private static final String TOPIC = "it-" + ID;
  private static String jdbcUrl;

  @BeforeAll
  static void fillPartitionsUnevenly() throws Exception {
    TestServices.createTopic(TOPIC, PER_PARTITION.length);
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_" + ID.replace('-', '_'));
    ObjectMapper json = new ObjectMapper();
    List<String> sample = SampleData.allLines();
    int next = 0;
    for (int partition = 0; partition < PER_PARTITION.length; partition++) {
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < PER_PARTITION[partition]; i++, next++) {
        ObjectNode event = (ObjectNode) json.readTree(sample.get(next % sample.size()));
        ((ObjectNode) event.get("meta")).put("id", ID + "-" + next);
        values.add(json.writeValueAsBytes(event));
      }
      TestServices.produceToPartition(TOPIC, partition, values);
    }
    assertEquals(TOTAL, next);
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (jdbcUrl != null) {
      TestServices.dropDatabase(jdbcUrl);
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBoundedRunOverUnevenPartitionsEndsHavingReadExactlyN() throws Exception {
    SpeedLayerOptions options =
        PipelineOptionsFactory.fromArgs(
                "--kafkaBootstrap=" + TestServices.kafka(),
                "--topic=" + TOPIC,
                "--consumerGroup=" + TOPIC,
                "--maxRecords=" + TOTAL,
                "--jdbcUrl=" + jdbcUrl,
                "--lake=" + TestServices.lake("it-" + ID))
            .as(SpeedLayerOptions.class);
    options.setRunner(DirectRunner.class);

    PipelineResult result = SpeedLayerPipeline.run(options);
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    RunSummary.Counts counts = RunSummary.counts(result);
    assertEquals(TOTAL, counts.read(), RunSummary.describe(result));
    assertTrue(counts.balances(), RunSummary.describe(result));
    assertEquals(0, counts.deadLettered(), RunSummary.describe(result));
    assertEquals(
        counts.unique(),
        TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes"),
        "rows in realtime_recent_changes");
    assertTrue(counts.unique() > TOTAL / 2, RunSummary.describe(result));
  }
}
