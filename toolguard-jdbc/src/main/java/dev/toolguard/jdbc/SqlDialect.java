package dev.toolguard.jdbc;

/**
 * The databases {@link JdbcCallJournal} speaks to: how it detects a claim that exists already, and
 * which migration creates its table.
 *
 * <p>The builder detects the dialect from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
 * on first use unless one is set.
 */
public enum SqlDialect {

  /** PostgreSQL 9.5+: {@code INSERT … ON CONFLICT DO NOTHING}. */
  POSTGRESQL("postgresql"),

  /**
   * MySQL 5.7+ and MariaDB 10.3+: a plain {@code INSERT} whose duplicate-key error (SQLState 23000,
   * error 1062) means the claim exists; the table's key columns use the {@code utf8mb4_bin} collation.
   */
  MYSQL("mysql"),

  /** H2 2.x: a plain {@code INSERT} whose duplicate-key error (SQLState 23505) means the claim exists. */
  H2("h2");

  private final String folder;

  SqlDialect(String folder) {
    this.folder = folder;
  }

  /**
   * The Flyway location of this dialect's migrations, for example {@code db/migration/toolguard/postgresql}
   * (add it as {@code classpath:db/migration/toolguard/postgresql} to Flyway's locations).
   */
  public String migrationLocation() {
    return "db/migration/toolguard/" + folder;
  }

  /**
   * The class-path resource that creates the journal table {@value JdbcCallJournal#DEFAULT_TABLE_NAME}
   * in this dialect, for example {@code db/migration/toolguard/postgresql/V1__toolguard_call_journal.sql}.
   */
  public String migration() {
    return migrationLocation() + "/V1__toolguard_call_journal.sql";
  }
}
