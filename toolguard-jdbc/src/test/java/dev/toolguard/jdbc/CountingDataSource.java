package dev.toolguard.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource over a real one that counts the connections it hands out and writes down, through
 * {@link CountingConnection}, every statement prepared or created on them and every commit and rollback:
 * what goes to the database, so that a test can count the round trips of a step.
 */
final class CountingDataSource implements DataSource {

  private final DataSource delegate;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  CountingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Forgets what was counted so far. */
  void reset() {
    connections.set(0);
    sent.clear();
  }

  /** The connections handed out since the last {@link #reset()}. */
  int connections() {
    return connections.get();
  }

  /** The statements (their SQL), commits and rollbacks since the last {@link #reset()}, in order. */
  List<String> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    connections.incrementAndGet();
    return new CountingConnection(delegate.getConnection(), sent);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    connections.incrementAndGet();
    return new CountingConnection(delegate.getConnection(username, password), sent);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return delegate.isWrapperFor(iface);
  }
}
