package dev.toolguard.jdbc;

import dev.toolguard.jdbc.internal.JdbcTable;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of {@link JdbcCallJournal} and {@link JdbcConversationStore} share: the data
 * source, the table name, the dialect and whether the table is created on first use. Every setter
 * checks its value at once and names it when it is wrong. Not thread-safe.
 *
 * @param <B> the builder
 */
abstract class TableSettings<B extends TableSettings<B>> {

  final DataSource dataSource;
  String tableName;
  @Nullable SqlDialect dialect;
  boolean createTable;

  TableSettings(DataSource dataSource, String defaultTableName) {
    this.dataSource = dataSource;
    this.tableName = defaultTableName;
  }

  abstract B self();

  /**
   * The table (default: the class's {@code DEFAULT_TABLE_NAME}), optionally schema-qualified ({@code
   * schema.table}); each part a letter or underscore followed by up to 62 letters, digits or
   * underscores. It is put into SQL unquoted, so the database folds its case as it does for any
   * unquoted name.
   *
   * @throws IllegalArgumentException if the name is null or not of that form
   */
  public B tableName(String tableName) {
    this.tableName = JdbcTable.checkedName(tableName);
    return self();
  }

  /**
   * The database's dialect; unless set it is detected from the database product name on first use
   * (PostgreSQL, MySQL, MariaDB, H2).
   *
   * @throws IllegalArgumentException if {@code dialect} is null
   */
  public B dialect(SqlDialect dialect) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect must not be null; leave it unset to detect it from the database");
    }
    this.dialect = dialect;
    return self();
  }

  /**
   * Whether the table (and its indexes) is created if it is missing, with the dialect's migration
   * ({@code CREATE TABLE IF NOT EXISTS}), on first use. Default false: run the migrations of {@link
   * SqlDialect} (for example with Flyway) instead.
   */
  public B createTable(boolean createTable) {
    this.createTable = createTable;
    return self();
  }
}
