package org.wikipulse.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;
import org.joda.time.Instant;

/**
 * The {@code batch_runs} log: a run is recorded as {@code running} before its pipeline starts,
 * and ends {@code succeeded} (set by {@link PublishRunFn}, in the swap's transaction) or {@code
 * failed} (set here by the launching process). Reads and writes {@code batch_runs} and, to clean up,
 * the staging tables.
 *
 * <p>A process killed mid-run cannot mark its run failed. So the launching process holds a
 * session-level advisory lock on its run ({@link #RUN_LOCKS}, run id) on the connection given to
 * {@link #start} for as long as the run lasts; PostgreSQL releases it when that connection ends,
 * however the process ends. Each new run first marks {@code failed} ({@link #ABANDONED}) every
 * {@code running} run whose lock nobody holds.
 */
public final class BatchRuns {
  /** The first key of the runs' advisory locks (pg_advisory_lock(int, int)); the second is the run id. */
  static final int RUN_LOCKS = 0x77706272;
  /** The message of a run whose process ended without recording how the run ended. */
  public static final String ABANDONED = "abandoned (process ended without finishing)";

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
   * Records a new {@code running} run and returns its id; {@code c} then holds the run's lock and
   * must stay open until the run has ended. Earlier runs whose process is gone are marked failed
   * ({@link #markAbandoned}) and the rows they staged deleted first.
   */
  public static long start(Connection c, BatchRange range, String runner) throws SQLException {
    markAbandoned(c);
    try (Statement s = c.createStatement()) {
      for (HistoricalTable<?> t : HistoricalTable.ALL) {
        s.executeUpdate(
            "DELETE FROM " + t.staging() + " WHERE run_id NOT IN "
                + "(SELECT run_id FROM batch_runs WHERE status = 'running')");
      }
    }
    // Insert and lock in one transaction: no other process can see the row without its lock.
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO batch_runs (range_from, range_to, status, runner, message) "
                + "VALUES (?, ?, 'running', ?, ?) RETURNING run_id")) {
      ps.setObject(1, utc(range.from()));
      ps.setObject(2, utc(range.to()));
      ps.setString(3, runner);
      ps.setString(4, "computing " + range);
      long runId;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        runId = rs.getLong(1);
      }
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
        lock.setInt(1, RUN_LOCKS);
        lock.setInt(2, lockKey(runId));
        lock.execute();
      }
      c.commit();
      return runId;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Marks failed, with the message {@link #ABANDONED}, every {@code running} run whose lock no
   * session holds (its process ended without recording the end: killed, or its machine lost),
   * deletes what they staged and returns their ids. Runs in progress hold their lock and are left
   * alone, including one that {@code c} itself holds.
   */
  public static List<Long> markAbandoned(Connection c) throws SQLException {
    List<Long> abandoned = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE batch_runs r SET status = 'failed', finished_at = now(), message = ? "
                + "WHERE r.status = 'running' AND NOT " + RUN_LOCK_HELD.formatted("r.run_id")
                + " RETURNING r.run_id")) {
      ps.setString(1, ABANDONED);
      ps.setLong(2, RUN_LOCKS & 0xffffffffL);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          abandoned.add(rs.getLong(1));
        }
      }
    }
    for (long runId : abandoned) {
      deleteStaged(c, runId);
    }
    abandoned.sort(null);
    return abandoned;
  }

  /**
   * Whether a session holds the lock of run {@code runId}: its process is alive (or its connection
   * not yet closed by the server: after a process dies, PostgreSQL ends its session a moment later).
   */
  public static boolean isLockHeld(Connection c, long runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_LOCK_HELD.formatted("?::bigint"))) {
      ps.setLong(1, RUN_LOCKS & 0xffffffffL);
      ps.setLong(2, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * SQL: a session holds the lock of the run whose id is the expression {@code %s}; the key 1 is
   * the first parameter. pg_locks shows a two-key advisory lock as classid = key 1, objid = key 2,
   * objsubid = 2.
   */
  private static final String RUN_LOCK_HELD =
      "EXISTS (SELECT 1 FROM pg_locks l "
          + "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
          + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
          + "AND l.classid = oid(?::bigint) AND l.objid = oid((%s) & 4294967295))";

  /** The lock's second key: the run id, wrapped to 32 bits (ids 2^32 apart share a lock; harmless). */
  private static int lockKey(long runId) {
    return (int) runId;
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
