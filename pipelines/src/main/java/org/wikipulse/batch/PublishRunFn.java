package org.wikipulse.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run once all five views are staged: in <em>one</em> transaction it replaces the contents of
 * the five historical tables with the run's staged rows (DELETE, then INSERT ... SELECT from
 * staging), deletes them from staging and marks the run {@code succeeded}. Under PostgreSQL's MVCC a
 * reader sees the old tables or the new ones, never an empty or half-written one; if anything fails
 * the transaction rolls back and the old tables stay. A run that read no event changes no table.
 *
 * <p>Input: the run id (one element, after {@code Wait.on} the staging writes). Side input: the run's
 * counts ({@link TallyViews#COUNTS}): events read, distinct ids, and distinct events kept by the
 * noise rules. Writes: the historical and
 * staging tables, {@code batch_runs}. Running it twice is harmless: a run no longer {@code running}
 * is left alone.
 */
class PublishRunFn extends DoFn<Long, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(PublishRunFn.class);
  /** Serialises the swaps of concurrent runs (pg_advisory_xact_lock key). */
  static final long PUBLISH_LOCK = 0x77696b6970756c73L;

  private final SerializableFunction<Void, DataSource> dataSource;
  private final PCollectionView<Map<String, Long>> counts;
  private transient DataSource pool;

  PublishRunFn(
      SerializableFunction<Void, DataSource> dataSource,
      PCollectionView<Map<String, Long>> counts) {
    this.dataSource = dataSource;
    this.counts = counts;
  }

  @Setup
  public void setup() {
    pool = dataSource.apply(null);
  }

  @ProcessElement
  public void processElement(@Element Long runId, ProcessContext c) throws SQLException {
    Map<String, Long> n = c.sideInput(counts);
    long read = n.getOrDefault(TallyViews.READ, 0L);
    long distinct = n.getOrDefault(TallyViews.DISTINCT, 0L);
    long kept = n.getOrDefault(TallyViews.KEPT, 0L);
    try (Connection conn = pool.getConnection()) {
      publish(conn, runId, read, read - distinct, kept);
    }
  }

  /**
   * The swap itself (also what tests call): replaces the five tables with run {@code runId}'s staged
   * rows and marks it succeeded, atomically; with {@code keptEvents == 0} only marks it succeeded.
   */
  static void publish(Connection conn, long runId, long eventsRead, long duplicatesDropped, long keptEvents)
      throws SQLException {
    boolean autoCommit = conn.getAutoCommit();
    conn.setAutoCommit(false);
    try {
      try (Statement s = conn.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + PUBLISH_LOCK + ")");
      }
      if (!isRunning(conn, runId)) {
        LOG.info("batch run {} already ended; nothing to publish", runId);
        conn.rollback();
        return;
      }
      String message;
      if (keptEvents == 0) {
        message = "no events in the range: the historical tables were left as they were";
      } else {
        List<String> counts = new ArrayList<>();
        for (HistoricalTable<?> t : HistoricalTable.ALL) {
          counts.add(t.table() + "=" + replace(conn, t, runId));
        }
        message = "replaced " + String.join(", ", counts);
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "UPDATE batch_runs SET status = 'succeeded', finished_at = now(), events_read = ?, "
                  + "duplicates_dropped = ?, message = ? WHERE run_id = ?")) {
        ps.setLong(1, eventsRead);
        ps.setLong(2, duplicatesDropped);
        ps.setString(3, message);
        ps.setLong(4, runId);
        ps.executeUpdate();
      }
      BatchRuns.deleteStaged(conn, runId);
      conn.commit();
      LOG.info("batch run {}: {}", runId, message);
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(autoCommit);
    }
  }

  private static boolean isRunning(Connection conn, long runId) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT status FROM batch_runs WHERE run_id = ? FOR UPDATE")) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && "running".equals(rs.getString(1));
      }
    }
  }

  /** Empties {@code t} and fills it with the run's staged rows; returns how many. */
  private static int replace(Connection conn, HistoricalTable<?> t, long runId) throws SQLException {
    try (Statement s = conn.createStatement()) {
      // DELETE, not TRUNCATE: TRUNCATE's exclusive lock would block the dashboard's reads.
      s.executeUpdate("DELETE FROM " + t.table());
    }
    try (PreparedStatement ps = conn.prepareStatement(t.copyStagedSql())) {
      ps.setLong(1, runId);
      return ps.executeUpdate();
    }
  }
}
