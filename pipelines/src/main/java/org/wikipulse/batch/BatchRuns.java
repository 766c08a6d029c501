package org.wikipulse.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.annotation.Nullable;
import org.joda.time.Instant;

/**
 * The {@code batch_runs} log: a run is recorded as {@code running} before its pipeline starts,
 * and ends {@code succeeded} (set by {@link PublishRunFn}, in the swap's transaction) or {@code
 * failed} (set here by the launching process). Reads and writes {@code batch_runs} and, to clean up,
 * the staging tables.
 */
public final class BatchRuns {
  private BatchRuns() {}

  /** One row of {@code batch_runs}. */
  public record Run(
      long runId,
      String status,
      @Nullable Long eventsRead,
      @Nullable Long duplicatesDropped,
      String runner,
      @Nullable String message) {}

  /**
   * Records a new {@code running} run and returns its id. Staged rows that earlier runs left
   * behind (a process killed before it could clean up) are deleted first.
   */
  public static long start(Connection c, BatchRange range, String runner) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (HistoricalTable<?> t : HistoricalTable.ALL) {
        s.executeUpdate(
            "DELETE FROM " + t.staging() + " WHERE run_id NOT IN "
                + "(SELECT run_id FROM batch_runs WHERE status = 'running')");
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO batch_runs (range_from, range_to, status, runner, message) "
                + "VALUES (?, ?, 'running', ?, ?) RETURNING run_id")) {
      ps.setObject(1, utc(range.from()));
      ps.setObject(2, utc(range.to()));
      ps.setString(3, runner);
      ps.setString(4, "computing " + range);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Marks run {@code runId} failed (unless it already ended) and deletes what it staged. */
  public static void fail(Connection c, long runId, String message) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE batch_runs SET status = 'failed', finished_at = now(), message = ? "
                + "WHERE run_id = ? AND status = 'running'")) {
      ps.setString(1, message);
      ps.setLong(2, runId);
      ps.executeUpdate();
    }
    deleteStaged(c, runId);
  }

  static void deleteStaged(Connection c, long runId) throws SQLException {
    for (HistoricalTable<?> t : HistoricalTable.ALL) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.staging() + " WHERE run_id = ?")) {
        ps.setLong(1, runId);
        ps.executeUpdate();
      }
    }
  }

  public static Run read(Connection c, long runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT status, events_read, duplicates_dropped, runner, message FROM batch_runs WHERE run_id = ?")) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("batch run " + runId + " is not in batch_runs");
        }
        return new Run(
            runId,
            rs.getString(1),
            rs.getObject(2, Long.class),
            rs.getObject(3, Long.class),
            rs.getString(4),
            rs.getString(5));
      }
    }
  }

  private static @Nullable OffsetDateTime utc(@Nullable Instant t) {
    return t == null ? null : java.time.Instant.ofEpochMilli(t.getMillis()).atOffset(ZoneOffset.UTC);
  }
}
