package org.wikipulse.jdbc;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import javax.sql.DataSource;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.joda.time.Duration;
import org.wikipulse.options.PostgresOptions;

/**
 * How every pipeline reaches PostgreSQL: the JdbcIO data source built from {@link PostgresOptions},
 * and the retry policy shared by all writes. Reads and writes nothing itself.
 */
public final class Jdbc {
  /**
   * How long a writer waits for PostgreSQL to accept connections again (a restart, a fail-over)
   * before its bundle fails and the runner takes over (on Flink: a restart from the last checkpoint).
   */
  public static final long CONNECT_BUDGET_MILLIS = 5 * 60_000;

  private Jdbc() {}

  public static JdbcIO.DataSourceConfiguration dataSource(PostgresOptions options) {
    JdbcIO.DataSourceConfiguration config =
        JdbcIO.DataSourceConfiguration.create("org.postgresql.Driver", options.getJdbcUrl())
            .withUsername(options.getDbUser())
            .withConnectionProperties("ApplicationName=wikipulse;connectTimeout=10;tcpKeepAlive=true");
    String password = options.getDbPassword();
    return password == null || password.isEmpty() ? config : config.withPassword(password);
  }

  /**
   * What every JDBC writer passes to {@code withDataSourceProviderFn}: Beam's pool for {@link
   * #dataSource}, with connections that survive a PostgreSQL restart ({@link ReconnectingDataSource}
   * says why JdbcIO needs that).
   */
  public static SerializableFunction<Void, DataSource> dataSourceProvider(PostgresOptions options) {
    return ReconnectingDataSource.provider(dataSource(options));
  }

  /**
   * Retry not only deadlocks (JdbcIO's default) but lost connections and a server that is shutting
   * down or starting: a PostgreSQL restart must delay the pipeline, not fail it or lose rows.
   */
  public static boolean isRetryable(SQLException e) {
    return isConnectionFailure(e) || hasState(e, "40001", "40P01", "53300"); // serialization, deadlock, too many connections
  }

  /**
   * True when {@code e} says the connection is gone or cannot be made: SQLState class 08 (refused,
   * broken, closed), 57P01-57P03 (admin or crash shutdown, cannot connect now), or a socket error
   * underneath, anywhere in its causes or in a batch's next exceptions.
   */
  public static boolean isConnectionFailure(SQLException e) {
    for (Throwable t : chain(e)) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
          return true;
        }
      } else if (t instanceof ConnectException
          || t instanceof SocketException
          || t instanceof java.io.EOFException
          // DBCP: a pooled connection that failed validation and no new one could be made
          || t instanceof NoSuchElementException) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasState(SQLException e, String... states) {
    for (Throwable t : chain(e)) {
      if (t instanceof SQLException sql && java.util.Arrays.asList(states).contains(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** {@code e}, its causes, and the next exceptions of a batch (pgjdbc puts the real error there). */
  private static java.util.List<Throwable> chain(SQLException e) {
    java.util.List<Throwable> all = new java.util.ArrayList<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
    todo.add(e);
    while (!todo.isEmpty() && all.size() < 50) {
      Throwable t = todo.poll();
      if (all.stream().anyMatch(seen -> seen == t)) {
        continue;
      }
      all.add(t);
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        todo.add(sql.getNextException());
      }
    }
    return all;
  }

  /** A one-line description of {@code e} for logs: its SQLState and message. */
  static String describe(SQLException e) {
    return e.getSQLState() + " " + e.getMessage();
  }

  /**
   * Backoff for retried statements (deadlocks, a connection lost mid-batch): up to 20 attempts over
   * at most 5 minutes, then the bundle fails and is retried by the runner. Waiting for PostgreSQL to
   * accept connections again is {@link #CONNECT_BUDGET_MILLIS}, per attempt.
   */
  public static JdbcIO.RetryConfiguration retryConfiguration() {
    return JdbcIO.RetryConfiguration.create(20, Duration.standardMinutes(5), Duration.millis(500));
  }
}
