package org.wikipulse.jdbc;

import java.sql.SQLException;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.joda.time.Duration;
import org.wikipulse.options.PostgresOptions;

/**
 * How every pipeline reaches PostgreSQL: the JdbcIO data source built from {@link PostgresOptions},
 * and the retry policy shared by all writes. Reads and writes nothing itself.
 */
public final class Jdbc {
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
   * Retry not only deadlocks (JdbcIO's default) but lost connections and a server that is shutting
   * down or starting: a PostgreSQL restart must delay the pipeline, not fail it or lose rows.
   */
  public static boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null
            && (state.startsWith("08") // connection exceptions
                || state.equals("40001") // serialization failure
                || state.equals("40P01") // deadlock
                || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
                || state.equals("53300"))) { // too many connections
          return true;
        }
      }
    }
    return false;
  }

  /** Backoff for retried writes: up to 10 attempts over about two minutes, then the bundle fails and is retried by the runner. */
  public static JdbcIO.RetryConfiguration retryConfiguration() {
    return JdbcIO.RetryConfiguration.create(10, Duration.standardMinutes(2), Duration.millis(500));
  }
}
