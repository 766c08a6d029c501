package org.wikipulse.serving;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.wikipulse.common.Settings;
import org.wikipulse.sql.Databases;
import org.wikipulse.sql.Migrate;

/**
 * A fresh, migrated database of its own on the real PostgreSQL server, for one test class, and a
 * read-only pool on it as the serving role (exactly as {@code ./wikipulse serve} connects).
 * Dropped on {@link #close()}.
 */
final class SeededDatabase implements AutoCloseable {
  private final Settings admin = Settings.fromEnvironment();
  final String url;
  private HikariDataSource pool;

  SeededDatabase(String name) throws Exception {
    url = Databases.withDatabase(admin.jdbcUrl(), "wikipulse_it_" + name + "_" + ProcessHandle.current().pid());
    Databases.dropIfExists(url, admin.dbUser(), admin.dbPassword());
    Migrate.migrate(url, admin.dbUser(), admin.dbPassword());
  }

  /** Runs statements as the migrating (admin) user: the seed data. */
  void execute(String... sql) throws Exception {
    try (Connection c = Databases.connect(url, admin.dbUser(), admin.dbPassword());
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  /** The serving layer's pool: read-only, as wikipulse_reader. */
  HikariDataSource readerPool() {
    if (pool == null) {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put(Settings.JDBC_URL, url);
      pool = ServeMain.pool(Settings.of(env));
    }
    return pool;
  }

  @Override
  public void close() throws Exception {
    if (pool != null) {
      pool.close();
    }
    Databases.dropIfExists(url, admin.dbUser(), admin.dbPassword());
  }
}
