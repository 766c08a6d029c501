package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.LakePartition;
import org.wikipulse.lake.ReadLakeEvents;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.EditSeverity;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * The speed layer end to end on the DirectRunner against the real Kafka broker, PostgreSQL and S3
 * server: every recorded event, 50 repeats and 3 malformed records go through the topic; the
 * tables, the dead letters and the Parquet lake must hold exactly what the rules say.
 */
class SpeedLayerIT {
  private static final long pid = ProcessHandle.current().pid();
  private static final String TOPIC = "it-speed-" + pid;
  private static final List<String> MALFORMED =
      List.of("not json", "{\"meta\":{\"id\":\"m1\"},\"type\":\"edit\"}", "{\"meta\":{\"id\":\"m2\"},\"type\":\"edit\",\"server_name\":\"en.wikipedia.org\",\"timestamp\":\"soon\"}");
  private static String jdbcUrl;
  private static String lake;
  private static int recordCount;
  /** Kept events by id, from the rules applied directly to the sample (the expected result). */
  private static final Map<String, WikiEvent> expected = new HashMap<>();

  @BeforeAll
  static void fillTopic() throws Exception {
    TestServices.createTopic(TOPIC, 3);
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_speed_" + pid);
    lake = TestServices.lake("it-speed-" + pid);

    List<String> lines = new ArrayList<>(SampleData.allLines());
    lines.addAll(SampleData.lines(SampleData.EDITGROUPS).subList(0, 50)); // repeats of known ids
    List<byte[]> values = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String line : lines) {
      WikiEvent e = RecentChangeParser.parse(line);
      if (DropReason.of(e).isEmpty()) {
        expected.put(e.eventId, e);
      }
      values.add(line.getBytes(StandardCharsets.UTF_8));
      keys.add(e.serverName);
    }
    for (String bad : MALFORMED) {
      values.add(bad.getBytes(StandardCharsets.UTF_8));
      keys.add(null);
    }
    TestServices.produce(TOPIC, values, keys);
    recordCount = values.size();
    assertEquals(6129 + 50 + 3, recordCount);
    assertEquals(5997, expected.size());
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    TestServices.dropDatabase(jdbcUrl);
  }

  private static SpeedLayerOptions options(String consumerGroup) {
    SpeedLayerOptions o = PipelineOptionsFactory.as(SpeedLayerOptions.class);
    o.setRunner(org.apache.beam.runners.direct.DirectRunner.class);
    o.setKafkaBootstrap(TestServices.kafka());
    o.setTopic(TOPIC);
    o.setConsumerGroup(consumerGroup);
    o.setMaxRecords(recordCount);
    o.setJdbcUrl(jdbcUrl);
    o.setLake(lake);
    return o;
  }

  @Test
  void tablesDeadLettersAndLakeHoldExactlyTheKeptEventsAndRerunsChangeNoTable() throws Exception {
    PipelineResult.State state = SpeedLayerPipeline.run(options("it-speed-1")).waitUntilFinish();
    assertEquals(PipelineResult.State.DONE, state);

    long bytes = expected.values().stream().mapToLong(e -> e.bytesChanged).sum();
    assertEquals(1_579_620L, bytes);
    List<String> tables = snapshot();
    assertEquals(
        List.of("5997", "5997|" + bytes, "3", "1_579_620".replace("_", "")),
        tables.subList(0, 4));
    assertEquals(
        List.of(
            "parse|missing server_name",
            "parse|not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            "parse|timestamp is not an integer"),
        TestServices.queryRows(jdbcUrl, "SELECT stage, error FROM dead_letters ORDER BY error"));
    assertEquals(
        0,
        TestServices.queryLong(
            jdbcUrl, "SELECT count(*) FROM dead_letters WHERE source_topic IS NULL OR source_offset IS NULL"));

    assertLakeHoldsTheKeptEvents();
    assertMinuteRollupsHoldTheKeptEvents();
    assertMinuteRollupsAgreeWithRecentChanges();
    List<String> rollups = minuteRollupSnapshot();

    // The same records again, under another consumer group: no table changes.
    assertEquals(PipelineResult.State.DONE, SpeedLayerPipeline.run(options("it-speed-2")).waitUntilFinish());
    assertEquals(tables, snapshot());
    assertEquals(rollups, minuteRollupSnapshot());
  }

  private List<String> snapshot() throws Exception {
    List<String> s = new ArrayList<>();
    s.add(Long.toString(TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes")));
    s.add(
        TestServices.queryRows(
                jdbcUrl, "SELECT sum(event_count), sum(total_bytes) FROM realtime_traffic_volume")
            .get(0));
    s.add(Long.toString(TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM dead_letters")));
    s.add(Long.toString(TestServices.queryLong(jdbcUrl, "SELECT sum(bytes_changed) FROM realtime_recent_changes")));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT window_start, event_count, total_bytes FROM realtime_traffic_volume ORDER BY window_start"));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT server_name, count(*), sum(length_diff), sum(is_bot::int) FROM realtime_recent_changes "
                + "GROUP BY server_name ORDER BY server_name"));
    return s;
  }

  /** Reads every partition of the lake back: each holds exactly the kept events of its month. */
  private void assertLakeHoldsTheKeptEvents() {
    Map<String, Set<String>> idsByPartition = new TreeMap<>();
    for (WikiEvent e : expected.values()) {
      idsByPartition
          .computeIfAbsent(LakePartition.of(e.eventTime.getMillis()), k -> new LinkedHashSet<>())
          .add(e.eventId);
    }
    SpeedLayerOptions readOptions = options("unused");
    LakeFileSystem.configure(readOptions);
    Pipeline read = Pipeline.create(readOptions);
    for (Map.Entry<String, Set<String>> partition : idsByPartition.entrySet()) {
      String glob = LakeFileSystem.rawEventsRoot(lake) + "/" + partition.getKey() + "/*.parquet";
      PCollection<WikiEvent> events =
          read.apply("Read " + partition.getKey(), new ReadLakeEvents(glob));
      PAssert.that(
              events.apply(
                  "Ids " + partition.getKey(),
                  MapElements.into(TypeDescriptors.strings()).via((WikiEvent e) -> e.eventId)))
          .containsInAnyOrder(partition.getValue());
      PAssert.that(events.apply("Distinct " + partition.getKey(), Distinct.create()))
          .containsInAnyOrder(
              partition.getValue().stream().map(expected::get).toList());
      PAssert.thatSingleton(events.apply("Count " + partition.getKey(), Count.globally()))
          .isEqualTo((long) partition.getValue().size());
    }
    assertEquals(PipelineResult.State.DONE, read.run().waitUntilFinish());
  }

  /** The rollups' totals, row counts and breakdowns are the sample's, computed from the rules here. */
  private void assertMinuteRollupsHoldTheKeptEvents() throws Exception {
    long added = expected.values().stream().mapToLong(e -> Math.max(e.lengthDiff, 0)).sum();
    long removed = expected.values().stream().mapToLong(e -> Math.max(-e.lengthDiff, 0)).sum();
    assertEquals(List.of(1_532_280L, 47_340L), List.of(added, removed));
    assertEquals(
        List.of("5997|1579620|1532280|47340"),
        TestServices.queryRows(
            jdbcUrl,
            "SELECT sum(event_count), sum(total_bytes), sum(bytes_added), sum(bytes_removed) "
                + "FROM realtime_minute_rollups"));
    for (String table : List.of("realtime_minute_pages", "realtime_minute_users")) {
      assertEquals(
          List.of("5997|1579620"),
          TestServices.queryRows(jdbcUrl, "SELECT sum(event_count), sum(total_bytes) FROM " + table),
          table);
    }
    // One row per minute and key: 24 minutes hold 210 cube keys, 4,805 page keys and 509 user keys.
    assertEquals(
        List.of("24|210|4805|509"),
        TestServices.queryRows(
            jdbcUrl,
            "SELECT (SELECT count(DISTINCT minute) FROM realtime_minute_rollups), "
                + "(SELECT count(*) FROM realtime_minute_rollups), "
                + "(SELECT count(*) FROM realtime_minute_pages), (SELECT count(*) FROM realtime_minute_users)"));

    Map<String, Long> bySeverity = new TreeMap<>();
    Map<String, Long> byType = new TreeMap<>();
    Map<String, Long> byBot = new TreeMap<>();
    for (WikiEvent e : expected.values()) {
      bySeverity.merge(e.severity().name(), 1L, Long::sum);
      byType.merge(e.type, 1L, Long::sum);
      byBot.merge(e.isBot ? "t" : "f", 1L, Long::sum);
    }
    assertEquals(Map.of("MAJOR", 136L, "MODERATE", 1651L, "MINOR", 4210L), bySeverity);
    assertEquals(Map.of("edit", 5804L, "new", 108L, "log", 85L), byType);
    assertEquals(Map.of("t", 4667L, "f", 1330L), byBot);
    assertEquals(bySeverity, rollupCounts("severity"));
    assertEquals(byType, rollupCounts("type"));
    assertEquals(byBot, rollupCounts("is_bot"));
  }

  private Map<String, Long> rollupCounts(String dimension) throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    for (String row :
        TestServices.queryRows(
            jdbcUrl,
            "SELECT " + dimension + ", sum(event_count) FROM realtime_minute_rollups GROUP BY 1")) {
      String[] cols = row.split("\\|");
      counts.put(cols[0], Long.parseLong(cols[1]));
    }
    return counts;
  }

  /**
   * Each rollup table, whole and summed by each dimension, equals the same GROUP BY over
   * realtime_recent_changes: every kept event is counted once in each table, in its own minute.
   */
  private void assertMinuteRollupsAgreeWithRecentChanges() throws Exception {
    String severity =
        "CASE WHEN bytes_changed > " + EditSeverity.MAJOR_ABOVE_BYTES + " THEN 'MAJOR' "
            + "WHEN bytes_changed > " + EditSeverity.MODERATE_ABOVE_BYTES + " THEN 'MODERATE' ELSE 'MINOR' END";
    String rawSums =
        "count(*), sum(bytes_changed), sum(greatest(length_diff, 0)), sum(greatest(-length_diff, 0))";
    String cubeSums = "sum(event_count), sum(total_bytes), sum(bytes_added), sum(bytes_removed)";
    for (String dim : List.of("server_name", "language", "project", "namespace", "type", "is_bot", "severity")) {
      String rawDim = dim.equals("severity") ? severity : dim;
      assertEquals(
          TestServices.queryRows(
              jdbcUrl,
              "SELECT " + rawDim + ", " + rawSums + " FROM realtime_recent_changes GROUP BY 1 ORDER BY 1"),
          TestServices.queryRows(
              jdbcUrl, "SELECT " + dim + ", " + cubeSums + " FROM realtime_minute_rollups GROUP BY 1 ORDER BY 1"),
          "realtime_minute_rollups by " + dim);
    }
    for (String table : List.of("realtime_minute_pages", "realtime_minute_users")) {
      for (String dim : List.of("server_name", "namespace", "type", "is_bot")) {
        assertEquals(
            TestServices.queryRows(
                jdbcUrl,
                "SELECT " + dim + ", count(*), sum(bytes_changed) FROM realtime_recent_changes GROUP BY 1 ORDER BY 1"),
            TestServices.queryRows(
                jdbcUrl,
                "SELECT " + dim + ", sum(event_count), sum(total_bytes) FROM " + table + " GROUP BY 1 ORDER BY 1"),
            table + " by " + dim);
      }
    }

    String minute = "extract(epoch FROM date_trunc('minute', event_time))::bigint";
    String cubeKey = "server_name, language, project, namespace, type, is_bot";
    assertEquals(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT " + minute + ", " + cubeKey + ", " + severity + ", " + rawSums
                + " FROM realtime_recent_changes GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"),
        TestServices.queryRows(
            jdbcUrl,
            "SELECT extract(epoch FROM minute)::bigint, " + cubeKey + ", severity, "
                + "event_count, total_bytes, bytes_added, bytes_removed FROM realtime_minute_rollups "
                + "ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"));
    for (String[] table :
        List.of(
            new String[] {"realtime_minute_pages", "title"},
            new String[] {"realtime_minute_users", "user_name"})) {
      String key = "server_name, " + table[1] + ", namespace, type, is_bot";
      assertEquals(
          TestServices.queryRows(
              jdbcUrl,
              "SELECT " + minute + ", " + key + ", count(*), sum(bytes_changed) FROM realtime_recent_changes "
                  + "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"),
          TestServices.queryRows(
              jdbcUrl,
              "SELECT extract(epoch FROM minute)::bigint, " + key + ", event_count, total_bytes FROM "
                  + table[0] + " ORDER BY 1, 2, 3, 4, 5, 6"),
          table[0]);
    }
  }

  /**
   * Every row of the three rollup tables with its row version ({@code xmin}): a re-run that rewrote
   * a row, even with the same values, shows up as a change.
   */
  private List<String> minuteRollupSnapshot() throws Exception {
    List<String> s = new ArrayList<>();
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT xmin, * FROM realtime_minute_rollups "
                + "ORDER BY minute, server_name, namespace, type, is_bot, severity"));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT xmin, * FROM realtime_minute_pages "
                + "ORDER BY minute, server_name, title, namespace, type, is_bot"));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT xmin, * FROM realtime_minute_users "
                + "ORDER BY minute, server_name, user_name, namespace, type, is_bot"));
    return s;
  }
}
