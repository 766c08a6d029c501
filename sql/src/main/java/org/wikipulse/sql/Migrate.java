package org.wikipulse.sql;

import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.common.Settings;

/**
 * {@code ./wikipulse migrate}: creates the database named by {@code WIKIPULSE_JDBC_URL} if it is
 * missing, then applies the Flyway migrations in {@code db/migration} (this module's resources).
 * Reads: the environment. Writes: the database and its {@code flyway_schema_history}.
 */
public final class Migrate {
  private static final Logger LOG = LoggerFactory.getLogger(Migrate.class);

  private Migrate() {}

  public static void main(String[] args) {
    String url = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jdbc-url" -> url = i + 1 < args.length ? args[++i] : usage("--jdbc-url needs a value");
        case "-h", "--help" -> {
          System.out.println(
              "Usage: ./wikipulse migrate [--jdbc-url URL]\n"
                  + "Creates the database if missing and applies the schema migrations.\n"
                  + "Default URL: $WIKIPULSE_JDBC_URL or " + Settings.DEFAULT_JDBC_URL
                  + "; user/password: $WIKIPULSE_DB_USER / $WIKIPULSE_DB_PASSWORD (the schema owner).\n"
                  + "Sets the passwords of wikipulse_reader and wikipulse_writer from\n"
                  + "$WIKIPULSE_READER_PASSWORD and $WIKIPULSE_WRITER_PASSWORD when given.");
          return;
        }
        default -> usage("unknown option " + args[i]);
      }
    }
    Settings settings = Settings.fromEnvironment();
    if (url == null) {
      url = settings.jdbcUrl();
    }
    try {
      MigrateResult result = migrate(url, settings.dbUser(), settings.dbPassword());
      if (!settings.readerPassword().isEmpty()) {
        setRolePassword(url, settings.dbUser(), settings.dbPassword(), READER_ROLE, settings.readerPassword());
        System.out.println("password of the read-only role " + READER_ROLE + " set from " + Settings.READER_PASSWORD);
      }
      if (!settings.writerPassword().isEmpty()) {
        setRolePassword(url, settings.dbUser(), settings.dbPassword(), WRITER_ROLE, settings.writerPassword());
        System.out.println("password of the pipelines' role " + WRITER_ROLE + " set from " + Settings.WRITER_PASSWORD);
      }
      System.out.printf(
          "schema of %s is at version %s (%d migration(s) applied now)%n",
          url, result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
          result.migrationsExecuted);
    } catch (SQLException e) {
      System.err.println(
          "error: cannot reach PostgreSQL at " + url + ": " + e.getMessage()
              + "\nIs it running? Try ./wikipulse services up, or set WIKIPULSE_JDBC_URL / WIKIPULSE_DB_USER.");
      System.exit(1);
    } catch (RuntimeException e) {
      System.err.println("error: migration failed: " + e.getMessage());
      System.exit(1);
    }
  }

  private static String usage(String problem) {
    System.err.println("migrate: " + problem + " (see --help)");
    System.exit(2);
    return null;
  }

  /** The serving layer's read-only role (migration V4). */
  public static final String READER_ROLE = "wikipulse_reader";

  /** The pipelines' role: rows of their tables, no DDL (migration V5). */
  public static final String WRITER_ROLE = "wikipulse_writer";

  /**
   * Sets the password of one of the roles the migrations create without one ({@link #READER_ROLE},
   * {@link #WRITER_ROLE}). ALTER ROLE takes no bind parameters, so the password is written as an
   * escaped string literal; the role is one of the two constants, never input.
   */
  static void setRolePassword(String jdbcUrl, String user, String password, String role, String rolePassword)
      throws SQLException {
    if (!role.equals(READER_ROLE) && !role.equals(WRITER_ROLE)) {
      throw new IllegalArgumentException("not a WikiPulse role: " + role);
    }
    try (java.sql.Connection c = Databases.connect(jdbcUrl, user, password);
        java.sql.Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + role + " PASSWORD '" + rolePassword.replace("'", "''") + "'");
    }
  }

  /** Creates the database if missing and applies every pending migration. */
  public static MigrateResult migrate(String jdbcUrl, String user, String password)
      throws SQLException {
    if (Databases.createIfMissing(jdbcUrl, user, password)) {
      LOG.info("created database {}", Databases.databaseName(jdbcUrl));
    }
    return Flyway.configure()
        .loggers("slf4j")
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
