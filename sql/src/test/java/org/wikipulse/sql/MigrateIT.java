package org.wikipulse.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wikipulse.common.Settings;

/** The migrations against the real PostgreSQL server: a fresh database is created and migrated, twice. */
class MigrateIT {
  private final Settings settings = Settings.fromEnvironment();
  private final String url =
      Databases.withDatabase(settings.jdbcUrl(), "wikipulse_it_migrate_" + ProcessHandle.current().pid());

  @AfterEach
  void dropDatabase() throws Exception {
    Databases.dropIfExists(url, settings.dbUser(), settings.dbPassword());
  }

  @Test
  void createsTheDatabaseAppliesEveryTableAndIsIdempotent() throws Exception {
    Databases.dropIfExists(url, settings.dbUser(), settings.dbPassword());
    MigrateResult first = Migrate.migrate(url, settings.dbUser(), settings.dbPassword());
    assertTrue(first.migrationsExecuted >= 1);
    MigrateResult second = Migrate.migrate(url, settings.dbUser(), settings.dbPassword());
    assertEquals(0, second.migrationsExecuted);

    List<String> tables = new ArrayList<>();
    try (Connection c = Databases.connect(url, settings.dbUser(), settings.dbPassword());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                    + "AND table_name <> 'flyway_schema_history' ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertEquals(
        List.of(
            "batch_runs",
            "dead_letters",
            "historical_hourly_patterns",
            "historical_hourly_trends",
            "historical_language_distribution",
            "historical_server_rankings",
            "historical_top_contributors",
            "realtime_minute_pages",
            "realtime_minute_rollups",
            "realtime_minute_users",
            "realtime_recent_changes",
            "realtime_traffic_volume",
            "staging_hourly_patterns",
            "staging_hourly_trends",
            "staging_language_distribution",
            "staging_server_rankings",
            "staging_top_contributors"),
        tables);
  }

  @Test
  void databaseNamesAreCheckedBeforeTheyReachSql() {
    assertEquals("wikipulse", Databases.databaseName("jdbc:postgresql://127.0.0.1:5432/wikipulse"));
    assertEquals(
        "jdbc:postgresql://h:1/other?reWriteBatchedInserts=true",
        Databases.withDatabase("jdbc:postgresql://h:1/wikipulse?reWriteBatchedInserts=true", "other"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Databases.createIfMissing("jdbc:postgresql://h:1/x\";DROP", "u", ""));
    assertThrows(IllegalArgumentException.class, () -> Databases.databaseName("jdbc:mysql://h/x"));
    assertFalse(Databases.databaseName("jdbc:postgresql://h:1/db?x=1").contains("?"));
  }
}
