package dev.toolguard.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
 * A DataSource over a real one that counts the connections it hands out and writes down every statement
 * prepared or created on them and every commit and rollback: what goes to the database, so that a test
 * can count the round trips of a step. Each statement the journal prepares is executed once, so what is
 * written down is what is sent.
 *
 * <p>The connections are JDK proxies over the real ones: {@link Connection} has some fifty methods, of
 * which the count needs five kinds, and a proxy passes every other call through unchanged.
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
    return counting(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return counting(delegate.getConnection(username, password));
  }

  private Connection counting(Connection real) {
    connections.incrementAndGet();
    InvocationHandler handler = (proxy, method, args) -> {
      record(method, args);
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(
        CountingDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private void record(Method method, Object[] args) {
    switch (method.getName()) {
      case "createStatement" -> sent.add("createStatement");
      case "prepareStatement", "prepareCall" -> sent.add((String) args[0]);
      case "commit" -> sent.add("COMMIT");
      case "rollback" -> sent.add("ROLLBACK");
      default -> {
        // not a round trip the count is about
      }
    }
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
