package org.wikipulse.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wikipulse.sql.Databases;
import org.wikipulse.testing.TestServices;

/**
 * The {@code batch_runs} log against the real PostgreSQL: a run whose process ended without
 * recording its end (killed) is marked failed by the next run, and a run still in progress is not.
 * A process's end is its connection's end, which is what PostgreSQL sees when a process is killed.
 */
class BatchRunsIT {
  private static final long pid = ProcessHandle.current().pid();
  private static String jdbcUrl;

  @BeforeAll
  static void createDatabase() throws Exception {
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_batch_runs_" + pid);
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    TestServices.dropDatabase(jdbcUrl);
  }

  @BeforeEach
  void emptyLog() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE batch_runs");
    }
  }

  private static Connection connect() throws Exception {
    return Databases.connect(jdbcUrl, TestServices.SETTINGS.dbUser(), TestServices.SETTINGS.dbPassword());
  }

  private static List<String> runs() throws Exception {
    return TestServices.queryRows(
        jdbcUrl, "SELECT run_id, status, finished_at IS NOT NULL, message FROM batch_runs ORDER BY run_id");
  }

  @Test
  void aRunWhoseProcessEndedIsMarkedAbandonedByTheNextAndItsStagedRowsGo() throws Exception {
    // Run 1's process dies mid-run (its connection ends) after staging a row; run 2 starts later.
    long first;
    try (Connection killed = connect()) {
      first = BatchRuns.start(killed, BatchRange.all(), "SparkRunner");
      try (Statement s = killed.createStatement()) {
        s.execute("INSERT INTO " + HistoricalTable.LANGUAGE_DISTRIBUTION.staging()
            + " (run_id, language, project, edit_count, total_bytes, bot_edits, new_pages) "
            + "VALUES (" + first + ", 'en', 'wikipedia', 1, 2, 0, 0)");
      }
    }
    assertEquals(List.of(first + "|running|f|computing all events"), runs());
    try (Connection c = connect()) {
      awaitLockReleased(c, first);
    }

    long second;
    try (Connection next = connect()) {
      second = BatchRuns.start(next, BatchRange.all(), "SparkRunner");

      assertEquals(
          List.of(first + "|failed|t|" + BatchRuns.ABANDONED, second + "|running|f|computing all events"),
          runs());
      assertEquals(0, TestServices.queryLong(jdbcUrl,
          "SELECT count(*) FROM " + HistoricalTable.LANGUAGE_DISTRIBUTION.staging()));
    }
  }

  @Test
  void aRunInProgressIsLeftRunningUntilItsProcessEnds() throws Exception {
    // Two runs overlap: the second must not touch the first while the first's process lives.
    try (Connection live = connect()) {
      long first = BatchRuns.start(live, BatchRange.all(), "SparkRunner");
      long second;
      try (Connection other = connect()) {
        second = BatchRuns.start(other, BatchRange.all(), "DirectRunner");
        assertEquals(List.of(), BatchRuns.markAbandoned(other));
        assertEquals(
            List.of(first + "|running|f|computing all events", second + "|running|f|computing all events"),
            runs());
      }
      // The second run's process is gone now (once the server has ended its session); the first is
      // still alive and finds it.
      awaitLockReleased(live, second);
      assertEquals(List.of(second), BatchRuns.markAbandoned(live));
      assertEquals(
          List.of(first + "|running|f|computing all events", second + "|failed|t|" + BatchRuns.ABANDONED),
          runs());
    }
  }

  /** Closing a connection returns before the server has ended its session and released its locks. */
  static void awaitLockReleased(Connection c, long runId) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (BatchRuns.isLockHeld(c, runId)) {
      assertTrue(System.nanoTime() < deadline, "run " + runId + "'s lock still held 10 s after its session closed");
      Thread.sleep(20);
    }
  }
}
