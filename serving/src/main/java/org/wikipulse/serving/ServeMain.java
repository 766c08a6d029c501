package org.wikipulse.serving;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.wikipulse.common.Settings;

/**
 * {@code ./wikipulse serve [--port N]}: the dashboard and its JSON API. Connects to PostgreSQL
 * ({@code WIKIPULSE_JDBC_URL}) as the read-only role ({@code WIKIPULSE_READER_USER}, default
 * {@code wikipulse_reader}, created by {@code ./wikipulse migrate}) and to Kafka only to read the
 * speed layer's consumer lag. Runs until Ctrl-C.
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromEnvironment();
    int port = settings.httpPort();
    String host = settings.httpHost();
    String group = "wikipulse-speed";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println(
            "Usage: ./wikipulse serve [--port N] [--host ADDRESS] [--group G]\n"
                + "Serves the dashboard (/ and /history.html), the JSON API (/api/..., see docs/api.md),\n"
                + "/health and /metrics. Port: --port, else $WIKIPULSE_HTTP_PORT, else 8080. Address:\n"
                + "--host, else $WIKIPULSE_HTTP_HOST, else 127.0.0.1 (this machine only; 0.0.0.0 = all).\n"
                + "Database: $WIKIPULSE_JDBC_URL as $WIKIPULSE_READER_USER (default wikipulse_reader,\n"
                + "a read-only role created by ./wikipulse migrate). Consumer lag: group G (default\n"
                + "wikipulse-speed) on $WIKIPULSE_KAFKA_BOOTSTRAP.");
        return;
      }
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      switch (name) {
        case "--port" -> port = parsePort(value);
        case "--group" -> group = value;
        case "--host" -> host = value;
        default -> fail(2, "serve: unknown option " + a + " (see --help)");
      }
    }

    HikariDataSource pool = pool(settings);
    try (Connection c = pool.getConnection()) {
      c.isValid(5);
    } catch (SQLException e) {
      pool.close();
      fail(1, "serve: cannot connect to " + settings.jdbcUrl() + " as " + settings.readerUser() + ": "
          + e.getMessage() + "\nIs PostgreSQL running and the schema migrated? Run ./wikipulse migrate"
          + " (it creates the read-only role), or set WIKIPULSE_JDBC_URL / WIKIPULSE_READER_USER.");
    }
    ConsumerLag lag = new ConsumerLag(settings.kafkaBootstrap(), group, settings.topic(), Duration.ofSeconds(10));
    DashboardServer server;
    try {
      server = new DashboardServer(new Db(pool), Clock.systemUTC(), lag::latest, port, true).host(host).start();
    } catch (RuntimeException e) {
      lag.close();
      pool.close();
      fail(1, "serve: cannot listen on port " + port + ": " + e.getMessage()
          + " (is another service on it? use --port or WIKIPULSE_HTTP_PORT)");
      return;
    }
    System.out.println("WikiPulse dashboard: http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + server.port() + "/  (API: /api/..., health: /health, metrics: /metrics)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      lag.close();
      pool.close();
      stopped.countDown();
    }, "serve-shutdown"));
    stopped.await();
  }

  /** A small pool of read-only connections as the reader role; statements cannot write even if asked. */
  static HikariDataSource pool(Settings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.readerUser());
    if (!settings.readerPassword().isEmpty()) {
      config.setPassword(settings.readerPassword());
    }
    config.setReadOnly(true);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(-1);
    config.setPoolName("wikipulse-serving");
    config.addDataSourceProperty("ApplicationName", "wikipulse-serving");
    config.addDataSourceProperty("options", "-c default_transaction_read_only=on -c statement_timeout=20000");
    return new HikariDataSource(config);
  }

  private static int parsePort(String value) {
    try {
      int p = Integer.parseInt(value == null ? "" : value.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      fail(2, "serve: --port must be a number from 0 to 65535, got '" + value + "'");
      return -1;
    }
  }

  private static void fail(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
