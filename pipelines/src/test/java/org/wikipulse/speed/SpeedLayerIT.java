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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.EditSeverity;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.SpeedLayerScenario;
import org.wikipulse.testing.TestServices;

/**
 * The speed layer end to end on the DirectRunner against the real Kafka broker, PostgreSQL and S3
 * server ({@link SpeedLayerScenario}: every recorded event, 50 repeats and 3 malformed records);
 * the tables, the dead letters and the Parquet lake must hold exactly what the rules say, and a
 * second run over the same records must change no table.
 */
class SpeedLayerIT {
  private static final Logger LOG = LoggerFactory.getLogger(SpeedLayerIT.class);
  private static SpeedLayerScenario scenario;

  @BeforeAll
  static void fillTopic() throws Exception {
    scenario = SpeedLayerScenario.create("speed");
    scenario.publishAllThroughBridge();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (scenario != null) {
      scenario.dropDatabase();
    }
  }

  @Test
  void tablesDeadLettersAndLakeHoldExactlyTheKeptEventsAndRerunsChangeNoTable() throws Exception {
    long start = System.nanoTime();
    PipelineResult.State state = SpeedLayerPipeline.run(scenario.options("it-speed-1")).waitUntilFinish();
    assertEquals(PipelineResult.State.DONE, state);
    LOG.info(
        "{} records on the DirectRunner in {} ms",
        scenario.recordCount(), (System.nanoTime() - start) / 1_000_000);

    List<String> tables = scenario.assertTablesHoldExactlyTheKeptEvents();
    scenario.assertLakeHoldsExactlyTheKeptEvents();
    assertMinuteRollupsHoldTheKeptEvents();
    assertMinuteRollupsAgreeWithRecentChanges();
    List<String> rollups = minuteRollupSnapshot();

    // The same records again, under another consumer group: no table changes.
    assertEquals(
        PipelineResult.State.DONE, SpeedLayerPipeline.run(scenario.options("it-speed-2")).waitUntilFinish());
    assertEquals(tables, scenario.snapshot());
    assertEquals(rollups, minuteRollupSnapshot());
  }

  /** The rollups' totals, row counts and breakdowns are the sample's, computed from the rules here. */
  private void assertMinuteRollupsHoldTheKeptEvents() throws Exception {
    long added = scenario.expectedEvents().stream().mapToLong(e -> Math.max(e.lengthDiff, 0)).sum();
    long removed = scenario.expectedEvents().stream().mapToLong(e -> Math.max(-e.lengthDiff, 0)).sum();
    assertEquals(List.of(1_532_280L, 47_340L), List.of(added, removed));
    assertEquals(
        List.of("5997|1579620|1532280|47340"),
        TestServices.queryRows(
            scenario.jdbcUrl(),
            "SELECT sum(event_count), sum(total_bytes), sum(bytes_added), sum(bytes_removed) "
                + "FROM realtime_minute_rollups"));
    for (String table : List.of("realtime_minute_pages", "realtime_minute_users")) {
      assertEquals(
          List.of("5997|1579620"),
          TestServices.queryRows(scenario.jdbcUrl(), "SELECT sum(event_count), sum(total_bytes) FROM " + table),
          table);
    }
    // One row per minute and key: 24 minutes hold 210 cube keys, 4,805 page keys and 509 user keys.
    assertEquals(
        List.of("24|210|4805|509"),
        TestServices.queryRows(
            scenario.jdbcUrl(),
            "SELECT (SELECT count(DISTINCT minute) FROM realtime_minute_rollups), "
                + "(SELECT count(*) FROM realtime_minute_rollups), "
                + "(SELECT count(*) FROM realtime_minute_pages), (SELECT count(*) FROM realtime_minute_users)"));

    Map<String, Long> bySeverity = new TreeMap<>();
    Map<String, Long> byType = new TreeMap<>();
    Map<String, Long> byBot = new TreeMap<>();
    for (WikiEvent e : scenario.expectedEvents()) {
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
            scenario.jdbcUrl(),
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
              scenario.jdbcUrl(),
              "SELECT " + rawDim + ", " + rawSums + " FROM realtime_recent_changes GROUP BY 1 ORDER BY 1"),
          TestServices.queryRows(
              scenario.jdbcUrl(), "SELECT " + dim + ", " + cubeSums + " FROM realtime_minute_rollups GROUP BY 1 ORDER BY 1"),
          "realtime_minute_rollups by " + dim);
    }
    for (String table : List.of("realtime_minute_pages", "realtime_minute_users")) {
      for (String dim : List.of("server_name", "namespace", "type", "is_bot")) {
        assertEquals(
            TestServices.queryRows(
                scenario.jdbcUrl(),
                "SELECT " + dim + ", count(*), sum(bytes_changed) FROM realtime_recent_changes GROUP BY 1 ORDER BY 1"),
            TestServices.queryRows(
                scenario.jdbcUrl(),
                "SELECT " + dim + ", sum(event_count), sum(total_bytes) FROM " + table + " GROUP BY 1 ORDER BY 1"),
            table + " by " + dim);
      }
    }

    String minute = "extract(epoch FROM date_trunc('minute', event_time))::bigint";
    String cubeKey = "server_name, language, project, namespace, type, is_bot";
    assertEquals(
        TestServices.queryRows(
            scenario.jdbcUrl(),
            "SELECT " + minute + ", " + cubeKey + ", " + severity + ", " + rawSums
                + " FROM realtime_recent_changes GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"),
        TestServices.queryRows(
            scenario.jdbcUrl(),
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
              scenario.jdbcUrl(),
              "SELECT " + minute + ", " + key + ", count(*), sum(bytes_changed) FROM realtime_recent_changes "
                  + "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"),
          TestServices.queryRows(
              scenario.jdbcUrl(),
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
            scenario.jdbcUrl(),
            "SELECT xmin, * FROM realtime_minute_rollups "
                + "ORDER BY minute, server_name, namespace, type, is_bot, severity"));
    s.addAll(
        TestServices.queryRows(
            scenario.jdbcUrl(),
            "SELECT xmin, * FROM realtime_minute_pages "
                + "ORDER BY minute, server_name, title, namespace, type, is_bot"));
    s.addAll(
        TestServices.queryRows(
            scenario.jdbcUrl(),
            "SELECT xmin, * FROM realtime_minute_users "
                + "ORDER BY minute, server_name, user_name, namespace, type, is_bot"));
    return s;
  }

}
