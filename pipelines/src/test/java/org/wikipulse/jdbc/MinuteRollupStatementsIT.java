package org.wikipulse.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wikipulse.speed.MinutePageKey;
import org.wikipulse.speed.MinuteRollupKey;
import org.wikipulse.speed.MinuteUserKey;
import org.wikipulse.speed.RollupTotals;
import org.wikipulse.sql.Databases;
import org.wikipulse.testing.TestServices;

/**
 * The minute-rollup upserts against the real PostgreSQL: a newer pane replaces an older one, never
 * the reverse, an equal pane writes nothing, and keys with NULLs are one row.
 */
class MinuteRollupStatementsIT {
  private static final Instant MINUTE = Instant.parse("2026-02-26T15:49:00Z");
  private static String url;

  @BeforeAll
  static void createDatabase() throws Exception {
    url = TestServices.freshDatabase("wikipulse_it_rollup_statements_" + ProcessHandle.current().pid());
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    TestServices.dropDatabase(url);
  }

  @BeforeEach
  void emptyTables() throws Exception {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE realtime_minute_rollups, realtime_minute_pages, realtime_minute_users");
    }
  }

  private static Connection connect(String jdbcUrl) throws Exception {
    return Databases.connect(
        jdbcUrl, TestServices.SETTINGS.dbUser(), TestServices.SETTINGS.dbPassword());
  }

  /**
   * Runs {@code sql} once per pane, in order, each on its own, as JdbcIO does with batch size 1, and
   * as the speed layer's role (wikipulse_writer, the pipelines' default).
   */
  @SafeVarargs
  private static <T> void upsert(
      String sql, JdbcIO.PreparedStatementSetter<T> setter, T... panes) throws Exception {
    try (Connection c =
            Databases.connect(url, TestServices.SETTINGS.writerUser(), TestServices.SETTINGS.writerPassword());
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (T pane : panes) {
        setter.setParameters(pane, ps);
        ps.executeUpdate();
      }
    }
  }

  private static KV<MinuteRollupKey, RollupTotals> cube(
      Integer ns, String type, boolean bot, String severity, long events, long added, long removed) {
    return KV.of(
        new MinuteRollupKey(MINUTE, "en.wikipedia.org", "en", "wikipedia", ns, type, bot, severity),
        new RollupTotals(events, added + removed, added, removed));
  }

  private static final String CUBE_ROWS =
      "SELECT extract(epoch FROM minute)::bigint, server_name, language, project, namespace, type, is_bot, "
          + "severity, event_count, total_bytes, bytes_added, bytes_removed FROM realtime_minute_rollups "
          + "ORDER BY namespace NULLS FIRST, type, is_bot, severity";

  @Test
  void aNewerCubePaneReplacesAnOlderOneButAnOlderPaneNeverOverwritesANewerOne() throws Exception {
    // Panes of one key arrive as 2 events, then a retried older pane of 1 event, then 3 events.
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", false, "MINOR", 2, 40, 5));
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", false, "MINOR", 1, 40, 0));
    assertEquals(
        List.of("1772120940|en.wikipedia.org|en|wikipedia|0|edit|f|MINOR|2|45|40|5"),
        TestServices.queryRows(url, CUBE_ROWS));
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", false, "MINOR", 3, 50, 5));
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", false, "MINOR", 2, 40, 5));
    assertEquals(
        List.of("1772120940|en.wikipedia.org|en|wikipedia|0|edit|f|MINOR|3|55|50|5"),
        TestServices.queryRows(url, CUBE_ROWS));
  }

  @Test
  void aPaneEqualToTheStoredRowWritesNoNewRowVersion() throws Exception {
    // The on-time pane repeats the last early pane (and a re-run repeats every pane): nothing is rewritten.
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", true, "MAJOR", 4, 5000, 0));
    String before = TestServices.queryRows(url, "SELECT xmin::text, ctid::text FROM realtime_minute_rollups").get(0);
    upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement(), cube(0, "edit", true, "MAJOR", 4, 5000, 0));
    assertEquals(
        List.of(before), TestServices.queryRows(url, "SELECT xmin::text, ctid::text FROM realtime_minute_rollups"));
  }

  @Test
  void everyCubeDimensionIsPartOfTheKeyAndANullNamespaceIsOneKey() throws Exception {
    // Six panes that each differ from the first in one dimension, then a newer pane of the NULL-namespace key.
    upsert(
        MinuteRollupStatement.SQL,
        new MinuteRollupStatement(),
        cube(0, "edit", false, "MINOR", 1, 1, 0),
        cube(null, "edit", false, "MINOR", 1, 2, 0),
        cube(0, "new", false, "MINOR", 1, 3, 0),
        cube(0, "edit", true, "MINOR", 1, 4, 0),
        cube(0, "edit", false, "MAJOR", 1, 2000, 0),
        KV.of(
            new MinuteRollupKey(MINUTE, "de.wikipedia.org", "de", "wikipedia", 0, "edit", false, "MINOR"),
            new RollupTotals(1, 6, 6, 0)),
        KV.of(
            new MinuteRollupKey(MINUTE.plus(60_000), "en.wikipedia.org", "en", "wikipedia", 0, "edit", false, "MINOR"),
            new RollupTotals(1, 7, 7, 0)),
        cube(null, "edit", false, "MINOR", 2, 2, 9));
    assertEquals(
        List.of(
            "1772120940|en.wikipedia.org|null|edit|MINOR|f|2|11",
            "1772120940|de.wikipedia.org|0|edit|MINOR|f|1|6",
            "1772120940|en.wikipedia.org|0|edit|MAJOR|f|1|2000",
            "1772120940|en.wikipedia.org|0|edit|MINOR|f|1|1",
            "1772120940|en.wikipedia.org|0|edit|MINOR|t|1|4",
            "1772120940|en.wikipedia.org|0|new|MINOR|f|1|3",
            "1772121000|en.wikipedia.org|0|edit|MINOR|f|1|7"),
        TestServices.queryRows(
            url,
            "SELECT extract(epoch FROM minute)::bigint, server_name, namespace, type, severity, is_bot, "
                + "event_count, total_bytes FROM realtime_minute_rollups "
                + "ORDER BY minute, namespace NULLS FIRST, server_name, type, severity, is_bot"));
  }

  @Test
  void pagePanesUpsertByPageWithTheSameGuardAndNullTitlesAreOneKey() throws Exception {
    // Panes of en:Berlin (human), en:Berlin (bot) and a page-less log event, each key growing and one retried.
    upsert(
        MinutePageStatement.SQL,
        new MinutePageStatement(),
        page("Berlin", 0, false, 1, 10),
        page("Berlin", 0, true, 1, 700),
        page(null, null, false, 1, 0),
        page("Berlin", 0, false, 3, 30),
        page("Berlin", 0, false, 2, 20),
        page(null, null, false, 2, 0));
    assertEquals(
        List.of(
            "1772120940|en.wikipedia.org|null|null|log|f|2|0",
            "1772120940|en.wikipedia.org|Berlin|0|edit|f|3|30",
            "1772120940|en.wikipedia.org|Berlin|0|edit|t|1|700"),
        TestServices.queryRows(
            url,
            "SELECT extract(epoch FROM minute)::bigint, server_name, title, namespace, type, is_bot, "
                + "event_count, total_bytes FROM realtime_minute_pages ORDER BY title NULLS FIRST, is_bot"));
  }

  private static KV<MinutePageKey, RollupTotals> page(
      String title, Integer ns, boolean bot, long events, long bytes) {
    return KV.of(
        new MinutePageKey(MINUTE, "en.wikipedia.org", title, ns, title == null ? "log" : "edit", bot),
        new RollupTotals(events, bytes, bytes, 0));
  }

  @Test
  void userPanesUpsertByUserWithTheSameGuardAndNullUsersAreOneKey() throws Exception {
    // Panes of Alice on two namespaces and of an unnamed user, each key growing and one retried.
    upsert(
        MinuteUserStatement.SQL,
        new MinuteUserStatement(),
        user("Alice", 0, 1, 10),
        user("Alice", 2, 1, 15),
        user(null, 0, 1, 1),
        user("Alice", 0, 5, 50),
        user("Alice", 0, 4, 40),
        user(null, 0, 2, 3));
    assertEquals(
        List.of(
            "1772120940|en.wikipedia.org|null|0|edit|f|2|3",
            "1772120940|en.wikipedia.org|Alice|0|edit|f|5|50",
            "1772120940|en.wikipedia.org|Alice|2|edit|f|1|15"),
        TestServices.queryRows(
            url,
            "SELECT extract(epoch FROM minute)::bigint, server_name, user_name, namespace, type, is_bot, "
                + "event_count, total_bytes FROM realtime_minute_users ORDER BY user_name NULLS FIRST, namespace"));
  }

  private static KV<MinuteUserKey, RollupTotals> user(String name, int ns, long events, long bytes) {
    return KV.of(
        new MinuteUserKey(MINUTE, "en.wikipedia.org", name, ns, "edit", false),
        new RollupTotals(events, bytes, bytes, 0));
  }

  @Test
  void oneJdbcBatchHoldingSeveralPanesOfOneKeyKeepsTheNewestEvenWithBatchedInsertRewriting()
      throws Exception {
    // JdbcIO sends a bundle as one JDBC batch; with reWriteBatchedInserts=true the driver may fold
    // the batch into one multi-row INSERT, where PostgreSQL refuses to update one row twice.
    String rewriting = url + "?reWriteBatchedInserts=true";
    try (Connection c = connect(rewriting);
        PreparedStatement ps = c.prepareStatement(MinuteRollupStatement.SQL)) {
      MinuteRollupStatement setter = new MinuteRollupStatement();
      for (KV<MinuteRollupKey, RollupTotals> pane :
          List.of(
              cube(0, "edit", false, "MINOR", 1, 10, 0),
              cube(0, "edit", false, "MINOR", 3, 30, 0),
              cube(0, "edit", false, "MINOR", 2, 20, 0))) {
        setter.setParameters(pane, ps);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    assertEquals(
        List.of("1772120940|en.wikipedia.org|en|wikipedia|0|edit|f|MINOR|3|30|30|0"),
        TestServices.queryRows(url, CUBE_ROWS));
  }
}
