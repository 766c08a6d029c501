package org.wikipulse.batch;

import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.joda.time.Instant;

/**
 * One of the five historical tables: its name, its staging table (V3 migration), its columns, and
 * how a row of its view fills them. The batch layer stages each view's rows under the run's id and
 * then swaps them in (see {@link PublishRunFn}). Reads and writes nothing itself.
 */
public final class HistoricalTable<T> implements Serializable {

  /** Sets the columns of one row, starting at parameter {@code first}, in {@link #columns} order. */
  @FunctionalInterface
  public interface RowSetter<T> extends Serializable {
    void set(T row, PreparedStatement ps, int first) throws SQLException;
  }

  public static final HistoricalTable<HourlyPatterns.Pattern> HOURLY_PATTERNS =
      new HistoricalTable<>(
          "historical_hourly_patterns",
          "staging_hourly_patterns",
          List.of("hour_bucket", "total_events", "total_bytes", "avg_bytes", "bot_events", "human_events"),
          (r, ps, i) -> {
            ps.setObject(i, utc(r.hourBucket()));
            ps.setLong(i + 1, r.totalEvents());
            ps.setLong(i + 2, r.totalBytes());
            ps.setDouble(i + 3, r.avgBytes());
            ps.setLong(i + 4, r.botEvents());
            ps.setLong(i + 5, r.humanEvents());
          });

  public static final HistoricalTable<HourlyTrends.Trend> HOURLY_TRENDS =
      new HistoricalTable<>(
          "historical_hourly_trends",
          "staging_hourly_trends",
          List.of(
              "hour_bucket", "total_events", "total_bytes", "bot_count", "new_pages", "edits",
              "events_24h_avg", "bytes_24h_avg"),
          (r, ps, i) -> {
            ps.setObject(i, utc(r.hourBucket()));
            ps.setLong(i + 1, r.totalEvents());
            ps.setLong(i + 2, r.totalBytes());
            ps.setLong(i + 3, r.botCount());
            ps.setLong(i + 4, r.newPages());
            ps.setLong(i + 5, r.edits());
            ps.setDouble(i + 6, r.events24hAvg());
            ps.setDouble(i + 7, r.bytes24hAvg());
          });

  public static final HistoricalTable<TopContributors.Contributor> TOP_CONTRIBUTORS =
      new HistoricalTable<>(
          "historical_top_contributors",
          "staging_top_contributors",
          List.of("user_name", "is_bot", "edit_count", "total_bytes", "pages_created"),
          (r, ps, i) -> {
            ps.setString(i, r.userName());
            ps.setBoolean(i + 1, r.isBot());
            ps.setLong(i + 2, r.editCount());
            ps.setLong(i + 3, r.totalBytes());
            ps.setLong(i + 4, r.pagesCreated());
          });

  public static final HistoricalTable<LanguageDistribution.Share> LANGUAGE_DISTRIBUTION =
      new HistoricalTable<>(
          "historical_language_distribution",
          "staging_language_distribution",
          List.of("language", "project", "edit_count", "total_bytes", "bot_edits", "new_pages"),
          (r, ps, i) -> {
            ps.setString(i, r.language());
            ps.setString(i + 1, r.project());
            ps.setLong(i + 2, r.editCount());
            ps.setLong(i + 3, r.totalBytes());
            ps.setLong(i + 4, r.botEdits());
            ps.setLong(i + 5, r.newPages());
          });

  public static final HistoricalTable<ServerRankings.Ranking> SERVER_RANKINGS =
      new HistoricalTable<>(
          "historical_server_rankings",
          "staging_server_rankings",
          List.of(
              "server_name", "language", "project", "edit_count", "total_bytes", "unique_users",
              "rank", "percentile"),
          (r, ps, i) -> {
            ps.setString(i, r.serverName());
            ps.setString(i + 1, r.language());
            ps.setString(i + 2, r.project());
            ps.setLong(i + 3, r.editCount());
            ps.setLong(i + 4, r.totalBytes());
            ps.setLong(i + 5, r.uniqueUsers());
            ps.setInt(i + 6, r.rank());
            ps.setDouble(i + 7, r.percentile());
          });

  /** All five, in the order the swap replaces them. */
  public static final List<HistoricalTable<?>> ALL =
      List.of(HOURLY_PATTERNS, HOURLY_TRENDS, TOP_CONTRIBUTORS, LANGUAGE_DISTRIBUTION, SERVER_RANKINGS);

  private final String table;
  private final String staging;
  private final List<String> columns;
  private final RowSetter<T> setter;

  private HistoricalTable(String table, String staging, List<String> columns, RowSetter<T> setter) {
    this.table = table;
    this.staging = staging;
    this.columns = columns;
    this.setter = setter;
  }

  public String table() {
    return table;
  }

  public String staging() {
    return staging;
  }

  public List<String> columns() {
    return columns;
  }

  /** Stages one row of run {@code ?}; a row a re-executed bundle stages again is skipped. */
  public String stageSql() {
    return "INSERT INTO " + staging + " (run_id, " + String.join(", ", columns) + ") VALUES (?"
        + ", ?".repeat(columns.size()) + ") ON CONFLICT DO NOTHING";
  }

  /** Copies the staged rows of run {@code ?} into the (emptied) historical table. */
  public String copyStagedSql() {
    String cols = String.join(", ", columns);
    return "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + staging + " WHERE run_id = ?";
  }

  /** The JdbcIO setter of {@link #stageSql()} for run {@code runId}. */
  public JdbcIO.PreparedStatementSetter<T> stageSetter(long runId) {
    RowSetter<T> rowSetter = setter;
    return (row, ps) -> {
      ps.setLong(1, runId);
      rowSetter.set(row, ps, 2);
    };
  }

  private static OffsetDateTime utc(Instant t) {
    return java.time.Instant.ofEpochMilli(t.getMillis()).atOffset(ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    return table;
  }

  static List<String> names() {
    return Collections.unmodifiableList(ALL.stream().map(HistoricalTable::table).toList());
  }
}
