package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.BadInputCorpus;
import org.wikipulse.testing.BadInputCorpus.Case;
import org.wikipulse.testing.BadInputCorpus.Outcome;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * The bad-input corpus (151 records: 1 MB fields, invalid UTF-8, NUL bytes, a record without a
 * value, ...) mixed with 194 real recorded events, through the real speed layer from Kafka into
 * PostgreSQL and the lake (DirectRunner, bounded with {@code --maxRecords}): the run ends, every
 * bad record is one dead-letter row with its reason at its Kafka offset, the real-time table holds
 * exactly the unique kept events, and the run's counts add up to what was read.
 */
class BadInputSpeedLayerIT {
  private static final Logger LOG = LoggerFactory.getLogger(BadInputSpeedLayerIT.class);
  private static final int PARTITIONS = 3;
  /** The corpus has one record over 1 MiB (the parser's limit): the topic must take it. */
  private static final int MAX_MESSAGE_BYTES = 4 << 20;

  private static String topic;
  private static String jdbcUrl;
  private static String lake;
  private static BadInputCorpus corpus;
  /** What each record must become, by "partition/offset". */
  private static final Map<String, Case> byOffset = new HashMap<>();
  private static final TreeSet<String> expectedIds = new TreeSet<>();
  private static final Map<String, Long> expectedFiltered = new TreeMap<>();
  private static long kept;
  private static long records;

  @BeforeAll
  static void publish() throws Exception {
    String id = "badinput-" + ProcessHandle.current().pid();
    topic = "it-" + id;
    TestServices.createTopic(topic, PARTITIONS, Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_" + id.replace('-', '_'));
    lake = TestServices.lake("it-" + id);

    corpus = BadInputCorpus.create();
    List<Case> all = new ArrayList<>(corpus.cases());
    // Good real events that the corpus was not made from, classified by the rules here.
    for (String file : List.of(SampleData.SAT99496, SampleData.DATAPLUMBHUB)) {
      for (String line : SampleData.lines(file)) {
        WikiEvent e = RecentChangeParser.parse(line);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        all.add(
            DropReason.of(e)
                .map(r -> new Case(null, "real", bytes, Outcome.FILTERED, r.metricName()))
                .orElseGet(() -> new Case(null, "real", bytes, Outcome.KEPT, e.eventId)));
      }
    }
    for (DropReason r : DropReason.values()) {
      expectedFiltered.put(r.metricName(), 0L);
    }
    for (Case c : all) {
      switch (c.outcome()) {
        case KEPT -> {
          kept++;
          expectedIds.add(c.detail());
        }
        case FILTERED -> expectedFiltered.merge(c.detail(), 1L, Long::sum);
        default -> {}
      }
    }

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafka());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int i = 0;
      for (Case c : all) {
        // Spread over the partitions; payload null is a record without a value.
        RecordMetadata m = producer.send(new ProducerRecord<>(topic, i++ % PARTITIONS, null, c.payload())).get();
        byOffset.put(m.partition() + "/" + m.offset(), c);
      }
    }
    records = all.size();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (jdbcUrl != null) {
      TestServices.dropDatabase(jdbcUrl);
    }
  }

  @Test
  void badRecordsAreDeadLettersWithReasonsAndTheCountsAddUpExactly() throws Exception {
    // 345 records (151 corpus, 194 real); the bounded run must end, not stop on any of them.
    assertEquals(345, records);
    SpeedLayerOptions o =
        PipelineOptionsFactory.fromArgs(
                "--kafkaBootstrap=" + TestServices.kafka(),
                "--topic=" + topic,
                "--consumerGroup=it-badinput",
                "--maxRecords=" + records,
                "--jdbcUrl=" + jdbcUrl,
                "--lake=" + lake)
            .as(SpeedLayerOptions.class);
    o.setRunner(DirectRunner.class);
    // The product's default role: the rows below are written by wikipulse_writer.
    assertEquals(TestServices.SETTINGS.writerUser(), o.getDbUser());
    long start = System.nanoTime();
    PipelineResult result = SpeedLayerPipeline.run(o);
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    LOG.info("{} records in {} ms: {}", records, (System.nanoTime() - start) / 1_000_000, RunSummary.describe(result));

    // Dead letters: one row per bad record, at its own Kafka offset, with its reason.
    List<String> rows =
        TestServices.queryRows(
            jdbcUrl, "SELECT source_partition || '/' || source_offset, stage, error FROM dead_letters");
    long deadExpected = byOffset.values().stream().filter(c -> c.outcome() == Outcome.DEAD_LETTER).count();
    assertEquals(114, deadExpected);
    assertEquals(deadExpected, rows.size(), "dead_letters rows");
    for (String row : rows) {
      String[] cols = row.split("\\|", 3);
      Case c = byOffset.get(cols[0]);
      assertNotNull(c, "a dead letter for a record that is not in the corpus: " + row);
      assertEquals(Outcome.DEAD_LETTER, c.outcome(), () -> c + " became a dead letter: " + cols[2]);
      assertEquals("parse", cols[1]);
      assertTrue(cols[2].startsWith(c.detail()), () -> c + ": '" + cols[2] + "' should start with '" + c.detail() + "'");
    }
    assertEquals(
        0, TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM dead_letters WHERE source_topic IS DISTINCT FROM '" + topic + "'"));
    // The 1 MB payloads are kept whole, for whoever reads the dead letters.
    assertEquals(
        11,
        TestServices.queryLong(
            jdbcUrl, "SELECT count(*) FROM dead_letters WHERE error LIKE '% is 100000_ characters, more than the % allowed'"));
    // ... those 11 and the one payload over 1 MiB.
    assertEquals(
        12, TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM dead_letters WHERE octet_length(payload) > 1000000"));

    // The real-time table and the rollups: exactly the unique kept events.
    assertEquals(
        new ArrayList<>(expectedIds),
        TestServices.queryRows(jdbcUrl, "SELECT event_id FROM realtime_recent_changes ORDER BY event_id COLLATE \"C\""));
    long unique = expectedIds.size();
    assertEquals(94 + 17, unique);
    assertEquals(unique, TestServices.queryLong(jdbcUrl, "SELECT sum(event_count) FROM realtime_minute_rollups"));
    assertEquals(unique, TestServices.queryLong(jdbcUrl, "SELECT sum(event_count) FROM realtime_traffic_volume"));

    // The run's counters: read = unique + repeats + filtered + dead-lettered, each part exact.
    RunSummary.Counts counts = RunSummary.counts(result);
    assertEquals(records, counts.read(), "read");
    assertEquals(deadExpected, counts.invalid(), "invalid");
    assertEquals(deadExpected, counts.deadLettered(), "dead_letters");
    assertEquals(kept, counts.kept(), "kept");
    assertEquals(expectedFiltered, counts.filteredByReason(), "filtered per reason");
    assertEquals(kept - unique, counts.repeatsDropped(), "repeats_dropped");
    assertEquals(4, counts.repeatsDropped());
    assertEquals(records, unique + counts.repeatsDropped() + counts.filtered() + counts.deadLettered());
    assertTrue(counts.balances(), counts::toString);
    assertEquals(0, RunSummary.droppedLate(result), "dropped as late");
  }
}
