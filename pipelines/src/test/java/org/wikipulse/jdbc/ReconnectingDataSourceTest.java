package org.wikipulse.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How the writers' connections behave while PostgreSQL restarts, against a scripted pool (no
 * database): JdbcIO's WriteFn calls exactly these methods in this order.
 */
class ReconnectingDataSourceTest {

  @Test
  void aRefusedConnectionIsRetriedUntilThePoolAnswers() throws Exception {
    FakePool pool = new FakePool();
    pool.failures.add(new SQLException("Connection to 127.0.0.1:5432 refused", "08001", new ConnectException()));
    pool.failures.add(new SQLException("the database system is starting up", "57P03"));
    Connection c = new ReconnectingDataSource(pool, 30_000).getConnection();
    c.setAutoCommit(false);
    c.prepareStatement("INSERT ...");
    assertEquals(1, pool.made.size(), "one physical connection, after two refusals");
    assertEquals(List.of("setAutoCommit false", "prepareStatement"), pool.made.get(0).calls);
  }

  @Test
  void otherErrorsAndAnExhaustedBudgetFailAtOnce() {
    FakePool pool = new FakePool();
    pool.failures.add(new SQLException("password authentication failed", "28P01"));
    Connection c = new ReconnectingDataSource(pool, 30_000).getConnection();
    assertEquals("28P01", assertThrows(SQLException.class, () -> c.prepareStatement("x")).getSQLState());

    FakePool down = new FakePool();
    for (int i = 0; i < 10; i++) {
      down.failures.add(new SQLException("refused", "08001"));
    }
    Connection d = new ReconnectingDataSource(down, 100).getConnection();
    assertEquals("08001", assertThrows(SQLException.class, () -> d.prepareStatement("x")).getSQLState());
  }

  @Test
  void aRollbackOnALostConnectionIsDoneAndTheNextStatementGetsANewConnection() throws Exception {
    FakePool pool = new FakePool();
    Connection c = new ReconnectingDataSource(pool, 30_000).getConnection();
    c.setAutoCommit(false);
    c.prepareStatement("INSERT ...");
    FakeConnection first = pool.made.get(0);
    first.lost = true; // PostgreSQL went away: every call now fails like pgjdbc's

    c.rollback(); // what WriteFn does after a retryable error; must not throw
    c.prepareStatement("INSERT ..."); // WriteFn's next attempt
    c.commit();

    assertEquals(2, pool.made.size());
    assertTrue(first.closed, "the lost connection went back to the pool, which destroys it");
    assertEquals(List.of("setAutoCommit false", "prepareStatement", "commit"), pool.made.get(1).calls);
    c.close();
    assertTrue(c.isClosed());
    assertTrue(pool.made.get(1).closed);
  }

  @Test
  void aCommitLostInFlightDropsTheConnection() throws Exception {
    FakePool pool = new FakePool();
    Connection c = new ReconnectingDataSource(pool, 30_000).getConnection();
    PreparedStatement failed = c.prepareStatement("INSERT ...");
    pool.made.get(0).lost = true;
    assertThrows(SQLException.class, c::commit);
    // What JdbcIO's WriteFn does next: clear the failed statement's batch, roll back, close it (the
    // statement went with its connection: none of these may throw), then prepare it again.
    failed.clearBatch();
    c.rollback(); // nothing to roll back: the transaction went with the connection
    failed.close();
    PreparedStatement again = c.prepareStatement("INSERT ...");
    again.executeBatch();
    assertEquals(2, pool.made.size());
  }

  @Test
  void connectionFailuresAreRecognisedWhereverPgjdbcPutsThem() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 ... was aborted", "08006", new int[0]);
    assertTrue(Jdbc.isRetryable(batch));
    BatchUpdateException nested = new BatchUpdateException("Batch entry 0 ... was aborted", null, new int[0]);
    nested.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));
    assertTrue(Jdbc.isConnectionFailure(nested));
    assertTrue(Jdbc.isConnectionFailure(new SQLException("Cannot create PoolableConnectionFactory", null, new ConnectException())));
    assertTrue(Jdbc.isRetryable(new SQLException("deadlock detected", "40P01")));
    assertFalse(Jdbc.isConnectionFailure(new SQLException("deadlock detected", "40P01")));
    assertFalse(Jdbc.isRetryable(new SQLException("duplicate key", "23505")));
  }

  @Test
  void oneDataSourcePerConfiguration() {
    var config =
        org.apache.beam.sdk.io.jdbc.JdbcIO.DataSourceConfiguration.create("org.postgresql.Driver", "jdbc:postgresql://127.0.0.1:1/x");
    assertSame(ReconnectingDataSource.provider(config).apply(null), ReconnectingDataSource.provider(config).apply(null));
  }

  /** A physical connection that records its calls and, once {@code lost}, fails every call with 08003. */
  static final class FakeConnection {
    final List<String> calls = new ArrayList<>();
    boolean lost;
    boolean closed;
    final Connection proxy =
        (Connection)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, args) -> {
                  switch (m.getName()) {
                    case "close":
                      closed = true;
                      return null;
                    case "isClosed":
                      return closed || lost;
                    default:
                      break;
                  }
                  if (lost) {
                    throw new SQLException("This connection has been closed.", "08003");
                  }
                  calls.add(m.getName() + (args == null ? "" : m.getName().startsWith("set") ? " " + args[0] : ""));
                  if (m.getName().equals("prepareStatement")) {
                    // Like DBCP's statement: closed with its connection.
                    return Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (q, n, a) -> {
                          if ((lost || closed) && !n.getName().equals("close")) {
                            throw new SQLException("statement is closed", "08003");
                          }
                          return null;
                        });
                  }
                  return null;
                });
  }

  /** A pool that first throws {@code failures}, then hands out new {@link FakeConnection}s. */
  static final class FakePool implements DataSource {
    final Deque<SQLException> failures = new ArrayDeque<>();
    final List<FakeConnection> made = new ArrayList<>();

    @Override
    public Connection getConnection() throws SQLException {
      if (!failures.isEmpty()) {
        throw failures.poll();
      }
      FakeConnection c = new FakeConnection();
      made.add(c);
      return c.proxy;
    }

    @Override
    public Connection getConnection(String u, String p) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return null;
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      return null;
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
