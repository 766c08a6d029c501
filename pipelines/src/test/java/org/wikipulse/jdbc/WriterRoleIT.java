package org.wikipulse.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wikipulse.batch.BatchRange;
import org.wikipulse.batch.BatchRuns;
import org.wikipulse.common.Settings;
import org.wikipulse.model.FailedRecord;
import org.wikipulse.model.RawRecord;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.options.PostgresOptions;
import org.wikipulse.speed.TrafficVolume;
import org.wikipulse.sql.Databases;
import org.wikipulse.sql.Retention;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * The pipelines' role {@code wikipulse_writer} (migration V5) on a fresh database: the pipelines
 * connect as it by default; it can do the speed layer's, the batch layer's and retention's writes
 * with the product's own statements; it is no superuser, owns nothing, and every kind of DDL, a
 * dropped table included, is refused with SQLSTATE 42501 (insufficient privilege).
 */
class WriterRoleIT {
  private static String url;

  @BeforeAll
  static void migrate() throws Exception {
    url = TestServices.freshDatabase("wikipulse_it_writer_" + ProcessHandle.current().pid());
  }

  @AfterAll
  static void drop() throws Exception {
    if (url != null) {
      TestServices.dropDatabase(url);
    }
  }

  private static Connection asWriter() throws SQLException {
    Settings s = TestServices.SETTINGS;
    return Databases.connect(url, s.writerUser(), s.writerPassword());
  }

  @Test
  void thePipelinesConnectAsTheWriterByDefault() {
    // No --dbUser: the pipelines' default is the writer role, not the owner or a superuser.
    assertEquals("wikipulse_writer", Settings.DEFAULT_WRITER_USER);
    assertEquals(
        TestServices.SETTINGS.writerUser(),
        org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs().as(PostgresOptions.class).getDbUser());
  }

  @Test
  void theWriterDoesTheSpeedLayersTheBatchLayersAndRetentionsWrites() throws Exception {
    // Every write below is the product's own statement, run as wikipulse_writer.
    WikiEvent event = RecentChangeParser.parse(SampleData.lines(SampleData.VISAAL).get(0));
    FailedRecord dead = FailedRecord.of(new RawRecord(new byte[] {'x'}, "t", 0, 1L), "parse", "not valid JSON", Instant.now());
    Instant minute = new Instant(event.eventTime.getMillis() / 60_000 * 60_000);
    try (Connection c = asWriter()) {
      for (int round = 0; round < 2; round++) { // twice: the ON CONFLICT paths too
        try (PreparedStatement ps = c.prepareStatement(RecentChangesStatement.SQL)) {
          new RecentChangesStatement().setParameters(KV.of(0, List.of(event)), ps);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(DeadLetterStatement.SQL)) {
          new DeadLetterStatement().setParameters(dead, ps);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(TrafficVolumeStatement.SQL)) {
          new TrafficVolumeStatement()
              .setParameters(new TrafficVolume(minute, minute.plus(10_000), 1 + round, 84), ps);
          ps.executeUpdate();
        }
      }
      assertEquals("1|1|2", row(c, "SELECT (SELECT count(*) FROM realtime_recent_changes), "
          + "(SELECT count(*) FROM dead_letters), (SELECT event_count FROM realtime_traffic_volume)"));

      // The batch layer's run log: a run starts (row + advisory lock), fails, and is read back.
      long run = BatchRuns.start(c, BatchRange.all(), "WriterRoleIT");
      BatchRuns.fail(c, run, "test");
      assertEquals("failed", BatchRuns.read(c, run).status());
      // Its staging rows and the swap into a historical table.
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO staging_language_distribution (run_id, language, project, edit_count, total_bytes, "
                + "bot_edits, new_pages) VALUES (" + run + ", 'www', 'wikidata', 1, 84, 0, 0)");
        s.executeUpdate("DELETE FROM historical_language_distribution");
        s.executeUpdate(
            "INSERT INTO historical_language_distribution SELECT language, project, edit_count, total_bytes, "
                + "bot_edits, new_pages FROM staging_language_distribution WHERE run_id = " + run);
        s.executeUpdate("DELETE FROM staging_language_distribution WHERE run_id = " + run);
        s.execute("SELECT pg_advisory_xact_lock(1)");
      }
      assertEquals("1", row(c, "SELECT count(*) FROM historical_language_distribution"));

      // Retention: everything is older than a cutoff a year ahead.
      List<Retention.Result> results =
          Retention.apply(
              c,
              new Retention.Policy(Duration.ofHours(1), Duration.ofHours(1), 100, false),
              java.time.Instant.now().plus(Duration.ofDays(365)));
      long removed = results.stream().mapToLong(Retention.Result::rows).sum();
      assertEquals(3, removed, results::toString);
    }
  }

  @Test
  void theWriterIsNoSuperuserOwnsNothingAndCannotChangeTheSchema() throws Exception {
    try (Connection c = asWriter()) {
      assertEquals(
          "wikipulse_writer|f|f|f|f|f|0|0",
          row(c, "SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls, "
              + "(SELECT count(*) FROM pg_class WHERE relowner = r.oid), "
              + "(SELECT count(*) FROM pg_auth_members WHERE member = r.oid) "
              + "FROM pg_roles r WHERE r.rolname = current_user"));
      List<String> refused = new ArrayList<>();
      for (String ddl :
          List.of(
              "DROP TABLE realtime_recent_changes",
              "DROP TABLE dead_letters",
              "DROP TABLE batch_runs CASCADE",
              "TRUNCATE realtime_minute_rollups",
              "ALTER TABLE realtime_recent_changes ADD COLUMN x integer",
              "ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_record_key_key",
              "CREATE INDEX ON realtime_recent_changes (title)",
              "CREATE TABLE sneaky (a integer)",
              "CREATE TEMP TABLE sneaky (a integer)",
              "CREATE VIEW sneaky AS SELECT 1",
              "CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
              "CREATE SCHEMA sneaky",
              "CREATE ROLE sneaky",
              "ALTER ROLE wikipulse_writer SUPERUSER",
              "SET ROLE postgres",
              "SELECT * FROM flyway_schema_history",
              "DELETE FROM flyway_schema_history",
              "GRANT wikipulse_reader TO wikipulse_writer",
              "COPY dead_letters (payload) FROM PROGRAM 'true'",
              "SELECT pg_read_file('/etc/hostname')")) {
        SQLException e = assertThrows(SQLException.class, () -> execute(c, ddl), ddl);
        refused.add(e.getSQLState() + " " + ddl);
      }
      for (String r : refused) {
        assertEquals("42501", r.substring(0, 5), r);
      }
    }
    // The owner still sees every table: nothing was dropped.
    assertEquals(
        17,
        TestServices.queryLong(
            url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'"));
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String row(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        b.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      return b.toString();
    }
  }
}
