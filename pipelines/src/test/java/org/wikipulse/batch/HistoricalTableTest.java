package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.joda.time.Instant;
import org.junit.Test;

/** The staging statements and their setters: every column in its place, the run id first. */
public class HistoricalTableTest {

  /** A PreparedStatement that only records what is set, by parameter index. */
  private static PreparedStatement recorder(Map<Integer, Object> params) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            HistoricalTableTest.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) -> {
              if (method.getName().startsWith("set") && args != null && args.length == 2) {
                params.put((Integer) args[0], args[1]);
              }
              return null;
            });
  }

  private static <T> List<Object> stage(HistoricalTable<T> table, T row) throws Exception {
    Map<Integer, Object> params = new TreeMap<>();
    table.stageSetter(42).setParameters(row, recorder(params));
    assertEquals(table.columns().size() + 1, params.size());
    return List.copyOf(params.values());
  }

  @Test
  public void stagingInsertsNameTheRunAndEveryColumn() {
    assertEquals(
        "INSERT INTO staging_server_rankings (run_id, server_name, language, project, edit_count, "
            + "total_bytes, unique_users, rank, percentile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        HistoricalTable.SERVER_RANKINGS.stageSql());
    assertEquals(
        "INSERT INTO historical_top_contributors (user_name, is_bot, edit_count, total_bytes, pages_created) "
            + "SELECT user_name, is_bot, edit_count, total_bytes, pages_created FROM staging_top_contributors WHERE run_id = ?",
        HistoricalTable.TOP_CONTRIBUTORS.copyStagedSql());
  }

  @Test
  public void settersFillTheColumnsInOrderWithHoursInUtc() throws Exception {
    Instant hour = Instant.parse("2026-02-26T15:00:00Z");
    OffsetDateTime utc = OffsetDateTime.parse("2026-02-26T15:00:00Z");
    assertEquals(
        List.of(42L, utc, 3L, 30L, 10.0, 1L, 2L),
        stage(HistoricalTable.HOURLY_PATTERNS, new HourlyPatterns.Pattern(hour, 3, 30, 10.0, 1, 2)));
    assertEquals(
        List.of(42L, utc, 3L, 30L, 1L, 1L, 2L, 1.5, 15.0),
        stage(HistoricalTable.HOURLY_TRENDS, new HourlyTrends.Trend(hour, 3, 30, 1, 1, 2, 1.5, 15.0)));
    assertEquals(
        List.of(42L, "Émile", true, 7L, 70L, 1L),
        stage(HistoricalTable.TOP_CONTRIBUTORS, new TopContributors.Contributor("Émile", true, 7, 70, 1)));
    assertEquals(
        List.of(42L, "de", "wikipedia", 5L, 50L, 2L, 1L),
        stage(HistoricalTable.LANGUAGE_DISTRIBUTION, new LanguageDistribution.Share("de", "wikipedia", 5, 50, 2, 1)));
    assertEquals(
        List.of(42L, "de.wikipedia.org", "de", "wikipedia", 5L, 50L, 3L, 2, 0.25),
        stage(
            HistoricalTable.SERVER_RANKINGS,
            new ServerRankings.Ranking("de.wikipedia.org", "de", "wikipedia", 5, 50, 3, 2, 0.25)));
  }
}
