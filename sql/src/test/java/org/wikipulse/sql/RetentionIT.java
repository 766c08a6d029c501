package org.wikipulse.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wikipulse.common.Settings;

/**
 * Retention against the real PostgreSQL: seeded old and recent rows in every real-time table and in
 * dead_letters; exactly the old ones go, in DELETEs of at most the batch size, and a row exactly at
 * the cut-off stays.
 */
class RetentionIT {
  private static final Settings SETTINGS = Settings.fromEnvironment();
  private static final String URL =
      Databases.withDatabase(SETTINGS.jdbcUrl(), "wikipulse_it_retention_" + ProcessHandle.current().pid());
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant CUTOFF = NOW.minus(Duration.ofHours(24));
  private static final Instant DEAD_LETTER_CUTOFF = NOW.minus(Duration.ofDays(7));
  private static final Retention.Policy POLICY =
      new Retention.Policy(Duration.ofHours(24), Duration.ofDays(7), 100, false);

  @BeforeAll
  static void createDatabase() throws Exception {
    Databases.dropIfExists(URL, SETTINGS.dbUser(), SETTINGS.dbPassword());
    Migrate.migrate(URL, SETTINGS.dbUser(), SETTINGS.dbPassword());
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    Databases.dropIfExists(URL, SETTINGS.dbUser(), SETTINGS.dbPassword());
  }

  @BeforeEach
  void emptyTables() throws Exception {
    execute(
        "TRUNCATE realtime_recent_changes, realtime_traffic_volume, realtime_minute_rollups, "
            + "realtime_minute_pages, realtime_minute_users, dead_letters");
  }

  private static Connection connect() throws Exception {
    return Databases.connect(URL, SETTINGS.dbUser(), SETTINGS.dbPassword());
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String ts(Instant t) {
    return "'" + t + "'::timestamptz";
  }

  /**
   * {@code old} rows 1..old minutes (plus one second) before {@code cutoff}, and {@code recent} rows
   * at 0..recent-1 minutes after it (the first exactly at the cut-off), in every table.
   */
  private static void seed(
      Instant cutoff, Instant deadLetterCutoff, int[] old, int[] recent, int oldLetters, int keptLetters)
      throws Exception {
    String[] times = {
      "realtime_recent_changes", "realtime_traffic_volume", "realtime_minute_rollups",
      "realtime_minute_pages", "realtime_minute_users"
    };
    for (int i = 0; i < times.length; i++) {
      insert(times[i], ts(cutoff) + " - interval '1 second' - g * interval '1 minute'", "o", old[i]);
      insert(times[i], ts(cutoff) + " + (g - 1) * interval '1 minute'", "r", recent[i]);
    }
    insert("dead_letters", ts(deadLetterCutoff) + " - interval '1 second' - g * interval '1 minute'", "o", oldLetters);
    insert("dead_letters", ts(deadLetterCutoff) + " + (g - 1) * interval '1 hour'", "r", keptLetters);
  }

  /** Inserts {@code n} rows into {@code table} whose time is {@code time} for g = 1..n. */
  private static void insert(String table, String time, String prefix, int n) throws Exception {
    String series = " FROM generate_series(1, " + n + ") g";
    String sql =
        switch (table) {
          case "realtime_recent_changes" -> "INSERT INTO realtime_recent_changes (event_id, event_time, type, "
              + "server_name, language, project, is_bot, is_minor, is_new_page, length_diff, bytes_changed) "
              + "SELECT '" + prefix + "' || g, " + time + ", 'edit', 'en.wikipedia.org', 'en', 'wikipedia', "
              + "false, false, false, 1, 1" + series;
          case "realtime_traffic_volume" -> "INSERT INTO realtime_traffic_volume (window_start, window_end, "
              + "event_count, total_bytes, avg_bytes) SELECT " + time + ", " + time + " + interval '10 seconds', "
              + "1, 1, 1" + series;
          case "realtime_minute_rollups" -> "INSERT INTO realtime_minute_rollups (minute, server_name, language, "
              + "project, namespace, type, is_bot, severity, event_count, total_bytes, bytes_added, bytes_removed) "
              + "SELECT " + time + ", 'en.wikipedia.org', 'en', 'wikipedia', 0, 'edit', false, 'MINOR', 1, 1, 1, 0"
              + series;
          case "realtime_minute_pages" -> "INSERT INTO realtime_minute_pages (minute, server_name, title, "
              + "namespace, type, is_bot, event_count, total_bytes) SELECT " + time + ", 'en.wikipedia.org', "
              + "'Berlin', 0, 'edit', false, 1, 1" + series;
          case "realtime_minute_users" -> "INSERT INTO realtime_minute_users (minute, server_name, user_name, "
              + "namespace, type, is_bot, event_count, total_bytes) SELECT " + time + ", 'en.wikipedia.org', "
              + "'Alice', 0, 'edit', false, 1, 1" + series;
          case "dead_letters" -> "INSERT INTO dead_letters (record_key, stage, error, payload, failed_at) "
              + "SELECT '" + prefix + "' || g, 'parse', 'bad', 'x', " + time + series;
          default -> throw new IllegalArgumentException(table);
        };
    execute(sql);
  }

  /** Per table: how many rows it holds, and its oldest time. */
  private static Map<String, String> contents() throws Exception {
    Map<String, String> contents = new LinkedHashMap<>();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (Retention.Target t : Retention.TARGETS) {
        try (ResultSet rs =
            s.executeQuery("SELECT count(*), min(" + t.timeColumn() + ") FROM " + t.table())) {
          rs.next();
          OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
          contents.put(t.table(), rs.getLong(1) + " from " + (oldest == null ? "-" : oldest.toInstant()));
        }
      }
    }
    return contents;
  }

  private static Map<String, String> summary(List<Retention.Result> results) {
    Map<String, String> s = new LinkedHashMap<>();
    for (Retention.Result r : results) {
      s.put(r.target().table(), r.rows() + " " + r.batches() + " before " + r.cutoff());
    }
    return s;
  }

  @Test
  void removesExactlyTheRowsOlderThanTheirCutOffInBatchesOfAtMostTheBatchSize() throws Exception {
    // 250/30/120/101/100 old and 40/10/5/3/1 recent real-time rows, 150 dead letters older than a
    // week and 20 younger (but older than a day); batches of 100.
    seed(CUTOFF, DEAD_LETTER_CUTOFF, new int[] {250, 30, 120, 101, 100}, new int[] {40, 10, 5, 3, 1}, 150, 20);
    List<Retention.Result> results;
    try (Connection c = connect()) {
      results = Retention.apply(c, POLICY, NOW);
    }
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("realtime_recent_changes", "250 [100, 100, 50] before " + CUTOFF);
    expected.put("realtime_traffic_volume", "30 [30] before " + CUTOFF);
    expected.put("realtime_minute_rollups", "120 [100, 20] before " + CUTOFF);
    expected.put("realtime_minute_pages", "101 [100, 1] before " + CUTOFF);
    expected.put("realtime_minute_users", "100 [100] before " + CUTOFF);
    expected.put("dead_letters", "150 [100, 50] before " + DEAD_LETTER_CUTOFF);
    assertEquals(expected, summary(results));

    // What stays: the recent rows, the oldest exactly at its table's cut-off.
    Map<String, String> kept = new LinkedHashMap<>();
    kept.put("realtime_recent_changes", "40 from " + CUTOFF);
    kept.put("realtime_traffic_volume", "10 from " + CUTOFF);
    kept.put("realtime_minute_rollups", "5 from " + CUTOFF);
    kept.put("realtime_minute_pages", "3 from " + CUTOFF);
    kept.put("realtime_minute_users", "1 from " + CUTOFF);
    kept.put("dead_letters", "20 from " + DEAD_LETTER_CUTOFF);
    assertEquals(kept, contents());

    // A second run finds nothing more to remove.
    try (Connection c = connect()) {
      for (Retention.Result r : Retention.apply(c, POLICY, NOW)) {
        assertEquals(0, r.rows(), r.target().table());
        assertEquals(List.of(), r.batches(), r.target().table());
      }
    }
    assertEquals(kept, contents());
  }

  @Test
  void aDryRunCountsWhatWouldGoAndRemovesNothing() throws Exception {
    // Old and recent rows everywhere; the dry run reports the old counts and leaves every table as it was.
    seed(CUTOFF, DEAD_LETTER_CUTOFF, new int[] {7, 6, 5, 4, 3}, new int[] {1, 2, 3, 4, 5}, 2, 1);
    Map<String, String> before = contents();
    List<Retention.Result> results;
    try (Connection c = connect()) {
      results =
          Retention.apply(c, new Retention.Policy(Duration.ofHours(24), Duration.ofDays(7), 2, true), NOW);
    }
    List<Long> rows = new ArrayList<>();
    results.forEach(r -> rows.add(r.rows()));
    assertEquals(List.of(7L, 6L, 5L, 4L, 3L, 2L), rows);
    assertEquals(before, contents());
  }

  @Test
  void theCommandTakesItsFlagsAndPrintsWhatItRemovedPerTable() throws Exception {
    // Rows 25 h and 23 h old against the wall clock; the command keeps 24 h, in batches of 2.
    insert("realtime_recent_changes", "now() - interval '25 hours' - g * interval '1 second'", "o", 5);
    insert("realtime_recent_changes", "now() - interval '23 hours' - g * interval '1 second'", "r", 2);
    insert("dead_letters", "now() - interval '25 hours' - g * interval '1 second'", "r", 3);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Retention.run(
            new String[] {"--keep-hours", "24", "--batch-rows", "2", "--jdbc-url", URL},
            SETTINGS,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(7, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("retention: real-time rows older than 24 h (before "), lines.get(0));
    assertTrue(
        lines.get(1).matches("realtime_recent_changes  removed 5 rows with event_time before \\S+ in 3 batches"),
        lines.get(1));
    assertTrue(
        lines.get(2).matches("realtime_traffic_volume  removed 0 rows with window_start before \\S+ in 0 batches"),
        lines.get(2));
    assertTrue(
        lines.get(6).matches("dead_letters             removed 0 rows with failed_at before \\S+ in 0 batches"),
        lines.get(6));
    assertEquals("2 from", contents().get("realtime_recent_changes").substring(0, 6));
    assertEquals("3 from", contents().get("dead_letters").substring(0, 6));
  }

  @Test
  void badFlagsAreRefusedWithTheFlagNamed() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, Retention.run(new String[] {"--keep-hours", "0"}, SETTINGS, out, errStream));
    assertEquals(2, Retention.run(new String[] {"--batch-rows", "many"}, SETTINGS, out, errStream));
    assertEquals(2, Retention.run(new String[] {"--dead-letter-keep-hours"}, SETTINGS, out, errStream));
    assertEquals(2, Retention.run(new String[] {"--keep"}, SETTINGS, out, errStream));
    assertEquals(
        List.of(
            "retention: --keep-hours must be a whole number of at least 1, got '0' (see --help)",
            "retention: --batch-rows must be a whole number of at least 1, got 'many' (see --help)",
            "retention: --dead-letter-keep-hours needs a value (see --help)",
            "retention: unknown option --keep (see --help)"),
        err.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
