package org.wikipulse.sql;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.common.Settings;

/**
 * {@code ./wikipulse retention}: removes real-time rows older than {@code --keep-hours} (24) by
 * their event time, minute or window start, and dead letters that failed more than {@code
 * --dead-letter-keep-hours} (168, a week: they wait for a person to look at them) ago. Rows go in
 * batches of at most {@code --batch-rows}, each {@code DELETE} its own transaction, so no lock is
 * held for long and the speed layer keeps writing meanwhile; {@code --dry-run} only counts. Prints
 * what it removed per table. Reads: the environment ({@code WIKIPULSE_JDBC_URL}, user, password).
 * Writes: the database.
 *
 * <pre>{@code
 * ./wikipulse retention                         # e.g. from cron, every 10 minutes
 * ./wikipulse retention --keep-hours 48 --dry-run
 * }</pre>
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  public static final int DEFAULT_KEEP_HOURS = 24;
  public static final int DEFAULT_DEAD_LETTER_KEEP_HOURS = 7 * 24;
  public static final int DEFAULT_BATCH_ROWS = 5000;

  /** A table the command trims, the indexed time column that ages its rows, and which policy applies. */
  public record Target(String table, String timeColumn, boolean deadLetters) {}

  /** Every table trimmed, in this order; each time column leads an index, so a batch never scans the table. */
  public static final List<Target> TARGETS =
      List.of(
          new Target("realtime_recent_changes", "event_time", false),
          new Target("realtime_traffic_volume", "window_start", false),
          new Target("realtime_minute_rollups", "minute", false),
          new Target("realtime_minute_pages", "minute", false),
          new Target("realtime_minute_users", "minute", false),
          new Target("dead_letters", "failed_at", true));

  /** How long each kind of row is kept, how many rows one DELETE may remove, and whether to only count. */
  public record Policy(Duration keep, Duration keepDeadLetters, int batchRows, boolean dryRun) {
    public Policy {
      if (keep.isNegative() || keep.isZero() || keepDeadLetters.isNegative() || keepDeadLetters.isZero()) {
        throw new IllegalArgumentException("keep times must be positive");
      }
      if (batchRows < 1) {
        throw new IllegalArgumentException("batch rows must be at least 1");
      }
    }
  }

  /**
   * What happened to one table: rows older than {@code cutoff} removed (or, on a dry run, found),
   * the size of each DELETE, and whether the table is missing (schema not migrated).
   */
  public record Result(
      Target target, Instant cutoff, long rows, List<Integer> batches, boolean dryRun, boolean missing) {}

  private Retention() {}

  public static void main(String[] args) {
    System.exit(run(args, Settings.fromEnvironment(), System.out, System.err));
  }

  /** The command: parses {@code args}, trims every table, prints the outcome; returns the exit code. */
  static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
    int keepHours = DEFAULT_KEEP_HOURS;
    int deadLetterKeepHours = DEFAULT_DEAD_LETTER_KEEP_HOURS;
    int batchRows = DEFAULT_BATCH_ROWS;
    boolean dryRun = false;
    String url = settings.jdbcUrl();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--keep-hours" -> keepHours = positive(args, ++i);
          case "--dead-letter-keep-hours" -> deadLetterKeepHours = positive(args, ++i);
          case "--batch-rows" -> batchRows = positive(args, ++i);
          case "--dry-run" -> dryRun = true;
          case "--jdbc-url" -> url = value(args, ++i);
          case "-h", "--help" -> {
            out.print(usage());
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("retention: " + e.getMessage() + " (see --help)");
      return 2;
    }
    Policy policy =
        new Policy(
            Duration.ofHours(keepHours), Duration.ofHours(deadLetterKeepHours), batchRows, dryRun);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    out.printf(
        "retention%s: real-time rows older than %d h (before %s), dead letters older than %d h "
            + "(before %s), at most %d rows per DELETE%n",
        dryRun ? " (dry run)" : "", keepHours, now.minus(policy.keep()), deadLetterKeepHours,
        now.minus(policy.keepDeadLetters()), batchRows);
    try (Connection c = Databases.connect(url, settings.writerUser(), settings.writerPassword())) {
      for (Result r : apply(c, policy, now)) {
        out.println(describe(r));
      }
      return 0;
    } catch (SQLException e) {
      err.println(
          "error: retention failed on " + url + ": " + e.getMessage()
              + "\nIs PostgreSQL running and the schema migrated? Try ./wikipulse migrate.");
      return 1;
    }
  }

  static String usage() {
    return "Usage: ./wikipulse retention [--keep-hours N] [--dead-letter-keep-hours N] [--batch-rows N]"
        + " [--dry-run] [--jdbc-url URL]\n"
        + "Removes rows of the real-time tables (realtime_*) older than --keep-hours (default "
        + DEFAULT_KEEP_HOURS + ") by event time,\n"
        + "minute or window start, and dead letters that failed more than --dead-letter-keep-hours ago"
        + " (default " + DEFAULT_DEAD_LETTER_KEEP_HOURS + ").\n"
        + "Each DELETE removes at most --batch-rows rows (default " + DEFAULT_BATCH_ROWS
        + ") in its own transaction. --dry-run only counts.\n"
        + "Default URL: $WIKIPULSE_JDBC_URL or " + Settings.DEFAULT_JDBC_URL
        + "; role/password: $WIKIPULSE_WRITER_USER (default " + Settings.DEFAULT_WRITER_USER
        + ") / $WIKIPULSE_WRITER_PASSWORD.\n";
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String[] args, int i) {
    String raw = value(args, i);
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(args[i - 1] + " must be a whole number of at least 1, got '" + raw + "'");
  }

  static String describe(Result r) {
    String table = String.format("%-24s", r.target().table());
    if (r.missing()) {
      return table + " skipped: no such table (run ./wikipulse migrate)";
    }
    String what = r.dryRun() ? "would remove" : "removed";
    String batches = r.dryRun() ? "" : String.format(" in %d batch%s", r.batches().size(), r.batches().size() == 1 ? "" : "es");
    return String.format(
        "%s %s %d rows with %s before %s%s", table, what, r.rows(), r.target().timeColumn(), r.cutoff(), batches);
  }

  /** Trims every table in {@link #TARGETS} by {@code policy}, with cut-offs counted back from {@code now}. */
  public static List<Result> apply(Connection c, Policy policy, Instant now) throws SQLException {
    c.setAutoCommit(true); // each DELETE commits on its own: locks are held for one batch only
    List<Result> results = new ArrayList<>();
    for (Target t : TARGETS) {
      Instant cutoff = now.minus(t.deadLetters() ? policy.keepDeadLetters() : policy.keep());
      if (!exists(c, t.table())) {
        results.add(new Result(t, cutoff, 0, List.of(), policy.dryRun(), true));
      } else if (policy.dryRun()) {
        results.add(new Result(t, cutoff, count(c, t, cutoff), List.of(), true, false));
      } else {
        List<Integer> batches = delete(c, t, cutoff, policy.batchRows());
        long rows = batches.stream().mapToLong(Integer::longValue).sum();
        results.add(new Result(t, cutoff, rows, List.copyOf(batches), false, false));
      }
    }
    return results;
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static long count(Connection c, Target t, Instant cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM " + t.table() + " WHERE " + t.timeColumn() + " < ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Deletes the rows older than {@code cutoff}, at most {@code batchRows} per statement, until a
   * statement removes fewer; returns each statement's count. The rows of a batch are found through
   * the time column's index and deleted by {@code ctid = ANY(ARRAY(...))}, which PostgreSQL runs as
   * a TID scan ({@code ctid IN (SELECT ...)} can become a hash join over the whole table).
   */
  private static List<Integer> delete(Connection c, Target t, Instant cutoff, int batchRows)
      throws SQLException {
    String sql =
        "DELETE FROM " + t.table() + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + t.table()
            + " WHERE " + t.timeColumn() + " < ? LIMIT ?))";
    List<Integer> batches = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      ps.setInt(2, batchRows);
      int removed;
      do {
        removed = ps.executeUpdate();
        if (removed > 0) {
          batches.add(removed);
          LOG.debug("{}: removed {} rows older than {}", t.table(), removed, cutoff);
        }
      } while (removed == batchRows);
    }
    return batches;
  }
}
