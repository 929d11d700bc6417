package dev.toolguard.jdbc.internal;

import dev.toolguard.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One table of toolguard-jdbc in a {@link DataSource}: each step takes a connection of its own (and
 * commits or rolls back its work when the pool hands out connections without auto-commit), the dialect
 * is detected and the table created on first use, and a failure is told in words that say why.
 */
public final class JdbcTable {

  /**
   * What the table is for, for its migration and for messages.
   *
   * @param owner the public class that is configured with a builder, for example {@code JdbcCallJournal}
   * @param noun what the table holds, for example {@code journal}
   * @param migration the class-path resource of a dialect's migration
   * @param ddl the statements of a dialect's migration for a table name
   */
  public record Kind(String owner, String noun, Function<SqlDialect, String> migration,
      BiFunction<SqlDialect, String, List<String>> ddl) {}

  /** One step's work on a connection, in the table's dialect. */
  @FunctionalInterface
  public interface Step<T> {
    /** Does the work; a thrown {@link SQLException} is told by {@link Failure}. */
    T run(Connection c, SqlDialect dialect) throws SQLException;
  }

  /** Makes the exception thrown for a failed step. */
  @FunctionalInterface
  public interface Failure {
    /** The exception for a step that failed because of {@code cause} (words, no final period). */
    RuntimeException of(String cause, Exception e);
  }

  private static final Pattern TABLE_NAME =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final String name;
  private final @Nullable SqlDialect configured;
  private final boolean createTable;
  private final Kind kind;
  private final Object init = new Object();
  private volatile @Nullable SqlDialect ready;

  /** The table {@code name} of {@code kind} in {@code dataSource}; checked by the public builders. */
  public JdbcTable(DataSource dataSource, String name, @Nullable SqlDialect dialect, boolean createTable,
      Kind kind) {
    this.dataSource = dataSource;
    this.name = name;
    this.configured = dialect;
    this.createTable = createTable;
    this.kind = kind;
  }

  /**
   * {@code tableName} if it is {@code [schema.]name}, each part a letter or underscore followed by up to
   * 62 letters, digits or underscores.
   *
   * @throws IllegalArgumentException naming the builder's parameter if it is null or not of that form
   */
  public static String checkedName(@Nullable String tableName) {
    if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
      throw new IllegalArgumentException("tableName must be [schema.]name, each part matching"
          + " [A-Za-z_][A-Za-z0-9_]{0,62}, was " + (tableName == null ? "null" : "'" + tableName + "'"));
    }
    return tableName;
  }

  /** The table name. */
  public String name() {
    return name;
  }

  /** The dialect set or detected, or null before the first use detects it. */
  public @Nullable SqlDialect dialect() {
    SqlDialect d = ready;
    return d != null ? d : configured;
  }

  /**
   * Runs {@code step} on a connection of its own, committing its work when the connection is not in
   * auto-commit mode (rolling it back when it fails); an {@link SQLException} becomes {@code failure}'s
   * exception, a runtime exception of the step is rethrown as it is.
   */
  public <T> T run(Step<T> step, Failure failure) {
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw failure.of("the DataSource gave no connection (" + describe(e)
          + "): the database is down or unreachable", e);
    }
    try (c) {
      boolean autoCommit = c.getAutoCommit();
      try {
        T result = step.run(c, ready(c));
        if (!autoCommit) {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        if (!autoCommit) {
          try {
            c.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure.of(cause(e), e);
    }
  }

  /**
   * Rolls back the work of this step so far when the connection is not in auto-commit mode (after a
   * statement that failed on purpose, such as a duplicate-key {@code INSERT}).
   */
  public static void rollbackIfManual(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
    }
  }

  /** H2 and PostgreSQL say 23505; MySQL and MariaDB 23000 with error 1062 (ER_DUP_ENTRY). */
  public static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState()) || ("23000".equals(e.getSQLState()) && e.getErrorCode() == 1062);
  }

  private SqlDialect ready(Connection c) throws SQLException {
    SqlDialect d = ready;
    if (d != null) {
      return d;
    }
    synchronized (init) {
      d = ready;
      if (d == null) {
        d = configured != null ? configured : detect(c);
        if (createTable) {
          createTable(c, d);
        }
        ready = d;
      }
      return d;
    }
  }

  /**
   * Runs the migration. Instances that start together may create the table at the same instant, and
   * PostgreSQL's {@code IF NOT EXISTS} then lets one of them fail (SQLState 23505, 42P07 or 42710):
   * once the other has created it, running the migration again finds everything there. So a failure
   * is tried again, up to five times in all (the migration only creates what is missing), unless the
   * connection broke.
   */
  private void createTable(Connection c, SqlDialect d) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement st = c.createStatement()) {
        for (String ddl : kind.ddl().apply(d, name)) {
          st.execute(ddl);
        }
        return;
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (!state.startsWith("08") && attempt < 5) {
          rollbackIfManual(c);
          continue;
        }
        // no SQLState of its own, so that the message says this once and is not read as a missing table
        throw new SQLException("creating the table with " + kind.migration().apply(d) + " (createTable is on)"
            + " failed (" + describe(e) + ")", null, e.getErrorCode(), e);
      }
    }
  }

  private SqlDialect detect(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return SqlDialect.POSTGRESQL;
    }
    if (p.contains("mysql") || p.contains("mariadb")) {
      return SqlDialect.MYSQL;
    }
    if (p.equals("h2")) {
      return SqlDialect.H2;
    }
    throw new SQLException("the database '" + product + "' is none that toolguard-jdbc knows (PostgreSQL, MySQL,"
        + " MariaDB, H2); set the dialect with " + kind.owner() + ".builder(dataSource).dialect(…)", "0A000");
  }

  private String cause(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String migration = migration();
    if (state.equals("42P01") || state.equals("42S02") || state.equals("42S04") || state.equals("42S03")) {
      return "table " + name + " does not exist (" + describe(e) + "): run the migration " + migration
          + " (or set createTable)";
    }
    if (state.equals("42703") || state.equals("42S22")) {
      return "table " + name + " lacks a column of the " + kind.noun() + " (" + describe(e) + "): it was not made"
          + " by the migration " + migration + "; create it with that migration";
    }
    if (state.startsWith("08")) {
      return "the connection to the database failed (" + describe(e) + ")";
    }
    return describe(e);
  }

  /** The migration of the dialect, or of every dialect while it is not known yet. */
  private String migration() {
    SqlDialect d = dialect();
    return d != null ? kind.migration().apply(d)
        : kind.migration().apply(SqlDialect.H2).replace("/h2/", "/<postgresql|mysql|h2>/");
  }

  /** An exception's message on one line, without H2's statement, with its SQLState. */
  public static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int nl = message.indexOf('\n');
    if (nl > 0) {
      message = message.substring(0, nl).strip();
    }
    int sql = message.indexOf("; SQL statement:");
    if (sql > 0) {
      message = message.substring(0, sql); // H2 appends the statement
    }
    return e instanceof SQLException s && s.getSQLState() != null ? "SQLState " + s.getSQLState() + ": " + message
        : message;
  }

  @Override
  public String toString() {
    SqlDialect d = dialect();
    return "table=" + name + ", dialect=" + (d == null ? "detected on first use" : d) + ", createTable="
        + createTable;
  }
}
