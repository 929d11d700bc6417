package dev.toolguard.jdbc.internal;

import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.jdbc.SqlDialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The statements of a dialect's migrations, for the configured table name. */
public final class Ddl {

  private static final String DEFAULT_INDEX = JdbcCallJournal.DEFAULT_TABLE_NAME + "_completed_idx";

  private Ddl() {}

  /**
   * The statements of {@code dialect}'s journal migration with {@code table} for the default table name
   * (and an index named after it), comments left out.
   */
  public static List<String> statements(SqlDialect dialect, String table) {
    return statements(dialect.migration(), DEFAULT_INDEX, indexName(dialect, table),
        JdbcCallJournal.DEFAULT_TABLE_NAME, table);
  }

  /**
   * The statements of {@code dialect}'s conversation migration with {@code table} for the default table
   * name, comments left out.
   */
  public static List<String> conversationStatements(SqlDialect dialect, String table) {
    return statements(dialect.conversationMigration(), JdbcConversationStore.DEFAULT_TABLE_NAME, table);
  }

  /** The statements of {@code resource}, each name replaced by the one after it, in order. */
  private static List<String> statements(String resource, String... renames) {
    String text = read(resource);
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    String renamed = sql.toString();
    for (int i = 0; i < renames.length; i += 2) {
      renamed = renamed.replace(renames[i], renames[i + 1]);
    }
    List<String> out = new ArrayList<>();
    for (String statement : renamed.split(";")) {
      if (!statement.isBlank()) {
        out.add(statement.strip());
      }
    }
    return out;
  }

  /**
   * The index on {@code completed_at}: the table's own name with {@code _completed_idx}; in H2 in the
   * table's schema, elsewhere unqualified (PostgreSQL puts it in the table's schema, MySQL's belongs to
   * the table).
   */
  static String indexName(SqlDialect dialect, String table) {
    int dot = table.indexOf('.');
    String name = table.substring(dot + 1);
    String index = name.substring(0, Math.min(name.length(), 49)) + "_completed_idx";
    return dialect == SqlDialect.H2 && dot > 0 ? table.substring(0, dot + 1) + index : index;
  }

  private static String read(String resource) {
    try (InputStream in = Ddl.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the migration " + resource + " is not on the class path; is the"
            + " toolguard-jdbc jar complete?");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the migration " + resource, e);
    }
  }
}
