package org.wikipulse.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.slf4j.LoggerFactory;

/**
 * The data source every JDBC writer gets through {@code withDataSourceProviderFn}: Beam's own pooled
 * one (DBCP2, which validates a pooled connection before lending it, so stale ones are replaced),
 * wrapped so that a PostgreSQL restart delays the writers instead of failing them.
 *
 * <p>Why a wrapper: Beam 2.62's {@code JdbcIO.WriteFn} retries only what fails <em>inside</em> its
 * statement loop, and even that badly for a lost connection. It opens its connection outside the
 * loop (a refused connection fails the bundle at once, whatever the retry strategy says), keeps that
 * one connection for the whole bundle, and after a retryable error calls {@code rollback()} on it,
 * which throws again on a dead connection ("This connection has been closed") and fails the bundle.
 * On Flink a failed bundle restarts the whole job from its last checkpoint. The connections handed
 * out here are proxies that (1) obtain their physical connection lazily, retrying with backoff while
 * PostgreSQL refuses or is starting (up to {@link Jdbc#CONNECT_BUDGET_MILLIS}), (2) treat a {@code
 * rollback()} on a lost connection as done (the server discarded that transaction with the
 * connection) and drop it, and (3) take a fresh physical connection for the next statement. JdbcIO's
 * own loop then retries the batch on the new connection; writes are idempotent, so a batch whose
 * commit was lost in flight may safely run twice. Nothing is acknowledged before its commit, so the
 * runner never checkpoints past rows that are not in PostgreSQL.
 *
 * <p>One instance per configuration per JVM, like Beam's {@code DataSourceProviderFromDataSourceConfiguration}.
 */
public final class ReconnectingDataSource implements DataSource {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ReconnectingDataSource.class);
  private static final ConcurrentHashMap<JdbcIO.DataSourceConfiguration, DataSource> INSTANCES =
      new ConcurrentHashMap<>();
  private static final long FIRST_PAUSE_MILLIS = 500;
  private static final long MAX_PAUSE_MILLIS = 5_000;

  private final DataSource pool;
  private final long budgetMillis;

  ReconnectingDataSource(DataSource pool, long budgetMillis) {
    this.pool = pool;
    this.budgetMillis = budgetMillis;
  }

  /** What JdbcIO's {@code withDataSourceProviderFn} takes: the shared instance for {@code config}. */
  public static SerializableFunction<Void, DataSource> provider(JdbcIO.DataSourceConfiguration config) {
    return new Provider(config);
  }

  static final class Provider implements SerializableFunction<Void, DataSource> {
    private final JdbcIO.DataSourceConfiguration config;

    Provider(JdbcIO.DataSourceConfiguration config) {
      this.config = config;
    }

    @Override
    public DataSource apply(Void input) {
      return INSTANCES.computeIfAbsent(
          config,
          c ->
              new ReconnectingDataSource(
                  JdbcIO.DataSourceProviderFromDataSourceConfiguration.of(c).apply(null),
                  Jdbc.CONNECT_BUDGET_MILLIS));
    }
  }

  @Override
  public Connection getConnection() {
    return (Connection)
        Proxy.newProxyInstance(
            ReconnectingDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, new Handler());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials come from the configuration");
  }

  /** A physical connection from the pool, waiting while PostgreSQL cannot be reached. */
  Connection acquire() throws SQLException {
    long deadline = System.currentTimeMillis() + budgetMillis;
    long pause = FIRST_PAUSE_MILLIS;
    long firstFailure = 0;
    while (true) {
      try {
        Connection c = pool.getConnection();
        if (firstFailure != 0) {
          LOG.info("PostgreSQL answers again after {} ms", System.currentTimeMillis() - firstFailure);
        }
        return c;
      } catch (SQLException e) {
        if (!Jdbc.isConnectionFailure(e) || System.currentTimeMillis() + pause > deadline) {
          throw e;
        }
        if (firstFailure == 0) {
          firstFailure = System.currentTimeMillis();
        }
        LOG.warn("PostgreSQL cannot be reached ({}); retrying in {} ms", Jdbc.describe(e), pause);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for PostgreSQL", "08001", ie);
        }
        pause = Math.min(2 * pause, MAX_PAUSE_MILLIS);
      }
    }
  }

  /** One logical connection: a physical one, replaced after it is lost. */
  private final class Handler implements InvocationHandler {
    private Connection physical;
    private Boolean autoCommit;
    private boolean closed;

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "ReconnectingConnection(" + physical + ")";
        case "isClosed":
          return closed;
        case "close":
          closed = true;
          discard();
          return null;
        case "setAutoCommit":
          autoCommit = (Boolean) args[0];
          return physical == null ? null : call(method, args);
        case "rollback":
          if (physical == null) {
            return null; // the transaction went with the lost connection
          }
          try {
            return call(method, args);
          } catch (SQLException e) {
            if (!Jdbc.isConnectionFailure(e)) {
              throw e;
            }
            LOG.warn("rollback on a lost connection ({}): PostgreSQL already discarded that transaction", Jdbc.describe(e));
            discard();
            return null;
          }
        default:
          if (closed) {
            throw new SQLException("connection closed", "08003");
          }
          if (physical == null) {
            physical = acquire();
            if (autoCommit != null) {
              physical.setAutoCommit(autoCommit);
            }
          }
          Object result = call(method, args);
          return result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")
              ? tolerant(ps)
              : result;
      }
    }

    /**
     * The statement, except that {@code clearBatch()} and {@code close()} on it after its connection
     * was lost do nothing: JdbcIO clears the batch of the failed statement before it retries (and
     * closes it), which would otherwise throw "statement is closed" and fail the bundle after all.
     */
    private PreparedStatement tolerant(PreparedStatement statement) {
      return (PreparedStatement)
          Proxy.newProxyInstance(
              ReconnectingDataSource.class.getClassLoader(),
              new Class<?>[] {PreparedStatement.class},
              (proxy, method, args) -> {
                String name = method.getName();
                if ((name.equals("clearBatch") || name.equals("close")) && physical == null) {
                  try {
                    statement.close();
                  } catch (SQLException | RuntimeException e) {
                    LOG.debug("closing a statement of a lost connection failed: {}", e.toString());
                  }
                  return null;
                }
                try {
                  return method.invoke(statement, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    private Object call(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(physical, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql && Jdbc.isConnectionFailure(sql)) {
          discard();
        }
        throw cause;
      }
    }

    /** Gives the physical connection back (the pool destroys a broken one) and forgets it. */
    private void discard() {
      Connection c = physical;
      physical = null;
      if (c != null) {
        try {
          c.close();
        } catch (SQLException | RuntimeException e) {
          LOG.debug("closing a lost connection failed: {}", e.toString());
        }
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return pool.isWrapperFor(iface);
  }
}
