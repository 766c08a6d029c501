package org.wikipulse.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL JDBC URLs and databases: which database a URL names, and creating or dropping it
 * through the server's {@code postgres} maintenance database. Reads and writes: the server's catalog.
 */
public final class Databases {

  private static final Pattern URL =
      Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]+)(\\?.*)?$");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Databases() {}

  /** The database name in {@code jdbcUrl}. */
  public static String databaseName(String jdbcUrl) {
    Matcher m = match(jdbcUrl);
    return m.group(2);
  }

  /** {@code jdbcUrl} with its database replaced by {@code database}, parameters kept. */
  public static String withDatabase(String jdbcUrl, String database) {
    Matcher m = match(jdbcUrl);
    return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
  }

  private static Matcher match(String jdbcUrl) {
    Matcher m = URL.matcher(jdbcUrl == null ? "" : jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "WIKIPULSE_JDBC_URL must look like jdbc:postgresql://host:port/database, got '" + jdbcUrl + "'");
    }
    return m;
  }

  public static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null && !password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl, props);
  }

  /** Creates the database {@code jdbcUrl} names unless it exists; true when it was created. */
  public static boolean createIfMissing(String jdbcUrl, String user, String password)
      throws SQLException {
    String name = safeName(databaseName(jdbcUrl));
    try (Connection c = connect(withDatabase(jdbcUrl, "postgres"), user, password)) {
      try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, name);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE \"" + name + "\"");
        return true;
      } catch (SQLException e) {
        if ("42P04".equals(e.getSQLState())) { // created meanwhile by someone else
          return false;
        }
        throw e;
      }
    }
  }

  /** Drops the database {@code jdbcUrl} names, closing its connections first (tests clean up with this). */
  public static void dropIfExists(String jdbcUrl, String user, String password) throws SQLException {
    String name = safeName(databaseName(jdbcUrl));
    try (Connection c = connect(withDatabase(jdbcUrl, "postgres"), user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }
  }

  private static String safeName(String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "database name '" + name + "' must be letters, digits and underscores (at most 63)");
    }
    return name;
  }
}
