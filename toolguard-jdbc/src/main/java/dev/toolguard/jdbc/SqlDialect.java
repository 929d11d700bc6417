package dev.toolguard.jdbc;

/**
 * The databases {@link JdbcCallJournal} and {@link JdbcConversationStore} speak to: how they detect a
 * row that exists already, and which migrations create their tables.
 *
 * <p>The builders detect the dialect from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
 * on first use unless one is set.
 */
public enum SqlDialect {

  /** PostgreSQL 9.5+: {@code INSERT … ON CONFLICT DO NOTHING}. */
  POSTGRESQL("postgresql"),

  /**
   * MySQL 5.7+ and MariaDB 10.3+: a plain {@code INSERT} whose duplicate-key error (SQLState 23000,
   * error 1062) means the row exists; the tables' key columns use the {@code utf8mb4_bin} collation.
   */
  MYSQL("mysql"),

  /** H2 2.x: a plain {@code INSERT} whose duplicate-key error (SQLState 23505) means the row exists. */
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

  /**
   * The class-path resource that creates the conversation table {@value
   * JdbcConversationStore#DEFAULT_TABLE_NAME} in this dialect, for example {@code
   * db/migration/toolguard/postgresql/V2__toolguard_conversation.sql}; beside {@link #migration()} in
   * {@link #migrationLocation()}, so that Flyway runs both.
   */
  public String conversationMigration() {
    return migrationLocation() + "/V2__toolguard_conversation.sql";
  }
}
