package org.wikipulse.common;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The one configuration contract shared by every WikiPulse command: each setting is read from its
 * {@code WIKIPULSE_*} environment variable and falls back to the documented default. Several
 * isolated set-ups on one machine (a test, a demo, a benchmark) differ only in these values.
 *
 * <p>Reads: the process environment (or a map given by a test). Writes: nothing.
 */
public final class Settings {

  public static final String KAFKA_BOOTSTRAP = "WIKIPULSE_KAFKA_BOOTSTRAP";
  public static final String TOPIC = "WIKIPULSE_TOPIC";
  public static final String JDBC_URL = "WIKIPULSE_JDBC_URL";
  public static final String DB_USER = "WIKIPULSE_DB_USER";
  public static final String DB_PASSWORD = "WIKIPULSE_DB_PASSWORD";
  public static final String S3_ENDPOINT = "WIKIPULSE_S3_ENDPOINT";
  public static final String S3_ACCESS_KEY = "WIKIPULSE_S3_ACCESS_KEY";
  public static final String S3_SECRET_KEY = "WIKIPULSE_S3_SECRET_KEY";
  public static final String S3_REGION = "WIKIPULSE_S3_REGION";
  public static final String LAKE = "WIKIPULSE_LAKE";
  public static final String DATA_DIR = "WIKIPULSE_DATA_DIR";
  public static final String HTTP_PORT = "WIKIPULSE_HTTP_PORT";
  public static final String HTTP_HOST = "WIKIPULSE_HTTP_HOST";
  public static final String USER_AGENT = "WIKIPULSE_USER_AGENT";
  public static final String READER_USER = "WIKIPULSE_READER_USER";
  public static final String READER_PASSWORD = "WIKIPULSE_READER_PASSWORD";
  public static final String WRITER_USER = "WIKIPULSE_WRITER_USER";
  public static final String WRITER_PASSWORD = "WIKIPULSE_WRITER_PASSWORD";

  public static final String DEFAULT_KAFKA_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_TOPIC = "wiki-raw-events";
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/wikipulse";
  public static final String DEFAULT_DB_USER = "postgres";
  public static final String DEFAULT_S3_ENDPOINT = "http://127.0.0.1:9000";
  /** Local S3 server credentials: not secrets, only what the project's own S3Proxy is started with. */
  public static final String DEFAULT_S3_ACCESS_KEY = "wikipulse";

  public static final String DEFAULT_S3_SECRET_KEY = "wikipulse-local-only";
  public static final String DEFAULT_S3_REGION = "us-east-1";
  public static final String DEFAULT_LAKE = "s3://wikipulse-lake";
  public static final String DEFAULT_DATA_DIR = "data";
  public static final int DEFAULT_HTTP_PORT = 8080;
  /** The serving layer listens on loopback only unless told otherwise (0.0.0.0 in a container). */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
  /** The read-only role the serving layer connects as (created by migration V4). */
  public static final String DEFAULT_READER_USER = "wikipulse_reader";
  /** The role the pipelines (stream, batch, retention) connect as: rows only, no DDL (migration V5). */
  public static final String DEFAULT_WRITER_USER = "wikipulse_writer";
  public static final String DEFAULT_USER_AGENT =
      "WikiPulse/0.1 (set WIKIPULSE_USER_AGENT to your contact details; https://meta.wikimedia.org/wiki/User-Agent_policy)";

  private final Map<String, String> env;

  private Settings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Settings from this process's environment. */
  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  /** Settings from an explicit map, for tests and for isolated set-ups. */
  public static Settings of(Map<String, String> env) {
    return new Settings(env);
  }

  /** The value of {@code name}, or {@code fallback} when it is unset or blank. */
  public String get(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public String kafkaBootstrap() {
    return get(KAFKA_BOOTSTRAP, DEFAULT_KAFKA_BOOTSTRAP);
  }

  public String topic() {
    return get(TOPIC, DEFAULT_TOPIC);
  }

  public String jdbcUrl() {
    return get(JDBC_URL, DEFAULT_JDBC_URL);
  }

  /**
   * The schema owner: {@code migrate} connects as it (and creates the database, the roles and the
   * tables). Nothing else does at run time: the pipelines use {@link #writerUser()}, the serving
   * layer {@link #readerUser()}.
   */
  public String dbUser() {
    return get(DB_USER, DEFAULT_DB_USER);
  }

  /** The owner's password; empty when unset (trust or peer authentication). */
  public String dbPassword() {
    return get(DB_PASSWORD, "");
  }

  /** The read-only database role of the serving layer. */
  public String readerUser() {
    return get(READER_USER, DEFAULT_READER_USER);
  }

  /** The read-only role's password; empty when unset (trust or peer authentication). */
  public String readerPassword() {
    return get(READER_PASSWORD, "");
  }

  /** The role of the pipelines: reads and writes rows of their tables, no DDL. */
  public String writerUser() {
    return get(WRITER_USER, DEFAULT_WRITER_USER);
  }

  /** The writer role's password; empty when unset (trust or peer authentication). */
  public String writerPassword() {
    return get(WRITER_PASSWORD, "");
  }

  public String s3Endpoint() {
    return get(S3_ENDPOINT, DEFAULT_S3_ENDPOINT);
  }

  public String s3AccessKey() {
    return get(S3_ACCESS_KEY, DEFAULT_S3_ACCESS_KEY);
  }

  public String s3SecretKey() {
    return get(S3_SECRET_KEY, DEFAULT_S3_SECRET_KEY);
  }

  public String s3Region() {
    return get(S3_REGION, DEFAULT_S3_REGION);
  }

  /** The lake root: {@code s3://bucket[/prefix]} or a local path. Events go under {@code raw_events/}. */
  public String lake() {
    return get(LAKE, DEFAULT_LAKE);
  }

  public Path dataDir() {
    return Path.of(get(DATA_DIR, DEFAULT_DATA_DIR)).toAbsolutePath();
  }

  /** The address the serving layer binds. */
  public String httpHost() {
    return get(HTTP_HOST, DEFAULT_HTTP_HOST);
  }

  public int httpPort() {
    String raw = get(HTTP_PORT, Integer.toString(DEFAULT_HTTP_PORT));
    try {
      int port = Integer.parseInt(raw);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(HTTP_PORT + " must be a port number 0-65535, got '" + raw + "'");
    }
  }

  public String userAgent() {
    return get(USER_AGENT, DEFAULT_USER_AGENT);
  }

  /** True when the user kept the placeholder User-Agent, which Wikimedia's policy asks to replace. */
  public boolean userAgentIsDefault() {
    return Objects.equals(userAgent(), DEFAULT_USER_AGENT);
  }
}
