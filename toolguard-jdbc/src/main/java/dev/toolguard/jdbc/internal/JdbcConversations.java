package dev.toolguard.jdbc.internal;

import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore.Snapshot;
import dev.toolguard.core.conversation.HistoryCodec;
import dev.toolguard.jdbc.ConversationStoreException;
import dev.toolguard.jdbc.SqlDialect;
import dev.toolguard.jdbc.StoredHistoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The work of {@link dev.toolguard.jdbc.JdbcConversationStore}: a load is one {@code SELECT}; a save is
 * one {@code INSERT} (version 0) or one conditional {@code UPDATE}, and reads the version only when that
 * statement changed nothing, to say which version won.
 */
public final class JdbcConversations {

  /** The longest key the {@code conversation_key} column keeps. */
  public static final int MAX_KEY = 255;

  /** How often a first save inserts again when the row it found was deleted before it could read it. */
  private static final int MAX_ATTEMPTS = 16;

  private static final JdbcTable.Kind KIND = new JdbcTable.Kind("JdbcConversationStore", "conversation store",
      SqlDialect::conversationMigration, Ddl::conversationStatements);

  private final JdbcTable table;
  private final HistoryCodec codec;
  private final Clock clock;
  private volatile @Nullable Sql sql;

  /** The statements of one dialect for one table. */
  private record Sql(SqlDialect dialect, String select, String version, String insert, String update,
      String keys) {

    static Sql of(SqlDialect dialect, String t) {
      String insert = "INSERT INTO " + t + " (conversation_key, version, history, updated_at) VALUES (?, 1, ?, ?)";
      if (dialect == SqlDialect.POSTGRESQL) {
        insert += " ON CONFLICT (conversation_key) DO NOTHING";
      }
      return new Sql(dialect,
          "SELECT version, history FROM " + t + " WHERE conversation_key = ?",
          "SELECT version FROM " + t + " WHERE conversation_key = ?",
          insert,
          "UPDATE " + t + " SET version = ?, history = ?, updated_at = ? WHERE conversation_key = ? AND version = ?",
          "SELECT conversation_key FROM " + t + " ORDER BY conversation_key");
    }
  }

  /** A stored row. */
  private record Row(long version, String history) {}

  /** What a save did: saved as {@code version}, or found {@code version} and wrote nothing. */
  private record Outcome(boolean saved, long version) {}

  /** What a method does, for messages: the words and what a failure leaves behind. */
  private enum Op {
    LOAD("loading", "Nothing was changed: fix the database and load it again"),
    LIST("listing", "Nothing was changed: fix the database and list them again"),
    SAVE("saving", "The conversation was not saved and its stored version is as it was: fix the database and run"
        + " the request again (calls already settled are in the call journal and do not run twice)");

    final String doing;
    final String leaves;

    Op(String doing, String leaves) {
      this.doing = doing;
      this.leaves = leaves;
    }
  }

  @FunctionalInterface
  private interface Step<T> {
    T run(Connection c, Sql sql) throws SQLException;
  }

  /** Use {@link dev.toolguard.jdbc.JdbcConversationStore#builder}; the arguments are checked there. */
  public JdbcConversations(DataSource dataSource, String table, @Nullable SqlDialect dialect, boolean createTable,
      HistoryCodec codec, Clock clock) {
    this.table = new JdbcTable(dataSource, table, dialect, createTable, KIND);
    this.codec = codec;
    this.clock = clock;
  }

  /** The table name. */
  public String table() {
    return table.name();
  }

  /** The dialect set or detected, or null before the first use detects it. */
  public @Nullable SqlDialect dialect() {
    return table.dialect();
  }

  /** See {@link dev.toolguard.core.conversation.ConversationStore#load}. */
  public Snapshot load(String key) {
    requireKey(Op.LOAD, key);
    Row row = run(Op.LOAD, key, (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.select())) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new Row(rs.getLong(1), rs.getString(2)) : null;
        }
      }
    });
    if (row == null) {
      return Snapshot.empty();
    }
    List<Message> messages;
    try {
      messages = codec.decode(row.history());
    } catch (RuntimeException e) {
      throw new StoredHistoryException(key, subject(Op.LOAD, key) + " failed: its stored history (version "
          + row.version() + ") is not one the codec " + codec + " can read (" + e.getClass().getSimpleName() + ": "
          + JdbcTable.describe(e) + "). Nothing was changed: the row was written by another codec or changed by"
          + " something other than this store; restore it from a backup, or delete the row to start the"
          + " conversation anew.", e);
    }
    return new Snapshot(messages, row.version());
  }

  /** See {@link dev.toolguard.core.conversation.ConversationStore#keys}: one {@code SELECT}, in key order. */
  public List<String> keys() {
    return run(Op.LIST, "*", (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.keys()); ResultSet rs = ps.executeQuery()) {
        List<String> keys = new java.util.ArrayList<>();
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
        return List.copyOf(keys);
      }
    });
  }

  /** See {@link dev.toolguard.core.conversation.ConversationStore#save}. */
  public long save(String key, long expectedVersion, List<Message> messages) {
    requireKey(Op.SAVE, key);
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null; pass List.of() for an empty conversation");
    }
    String text;
    try {
      text = codec.encode(messages);
    } catch (RuntimeException e) {
      throw new StoredHistoryException(key, subject(Op.SAVE, key) + " failed: the codec " + codec + " cannot write"
          + " the history (" + e.getClass().getSimpleName() + ": " + JdbcTable.describe(e) + "). Nothing was"
          + " written: give the history only values the codec can write.", e);
    }
    long now = clock.millis();
    Outcome outcome = run(Op.SAVE, key, (c, s) -> expectedVersion == 0 ? insert(c, s, key, text, now)
        : update(c, s, key, expectedVersion, text, now));
    if (!outcome.saved()) {
      throw new ConversationConflictException(key, expectedVersion, outcome.version());
    }
    return outcome.version();
  }

  private static Outcome insert(Connection c, Sql s, String key, String text, long now) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (PreparedStatement ps = c.prepareStatement(s.insert())) {
        ps.setString(1, key);
        ps.setString(2, text);
        ps.setLong(3, now);
        if (ps.executeUpdate() == 1) {
          return new Outcome(true, 1);
        }
      } catch (SQLException e) {
        if (s.dialect() == SqlDialect.POSTGRESQL || !JdbcTable.isDuplicateKey(e)) {
          throw e;
        }
      }
      Long actual = version(c, s, key);
      if (actual != null) {
        return new Outcome(false, actual);
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new SQLException("the conversation was there when inserted and gone when read, " + attempt
            + " times in a row (something deletes it as fast as it is saved)", "40001");
      }
    }
  }

  private static Outcome update(Connection c, Sql s, String key, long expected, String text, long now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(s.update())) {
      ps.setLong(1, expected + 1);
      ps.setString(2, text);
      ps.setLong(3, now);
      ps.setString(4, key);
      ps.setLong(5, expected);
      if (ps.executeUpdate() == 1) {
        return new Outcome(true, expected + 1);
      }
    }
    Long actual = version(c, s, key);
    return new Outcome(false, actual == null ? 0 : actual); // a row that is gone is version 0
  }

  private static @Nullable Long version(Connection c, Sql s, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(s.version())) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private void requireKey(Op op, String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null: pass the id that names the conversation");
    }
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new ConversationStoreException(key, subject(op, key) + " failed: the key is "
          + (key.isEmpty() ? "empty" : key.length() + " characters long") + "; the table keeps keys of 1 to " + MAX_KEY
          + " characters (column conversation_key). Nothing was " + (op == Op.LOAD ? "read" : "written")
          + ": use a shorter key, for example a digest of this one.", null);
    }
  }

  private <T> T run(Op op, String key, Step<T> step) {
    return table.run((c, d) -> step.run(c, sql(d)), (cause, e) -> new ConversationStoreException(key,
        subject(op, key) + " failed: " + cause + ". " + op.leaves + ".", e));
  }

  private Sql sql(SqlDialect d) {
    Sql s = sql;
    if (s == null || s.dialect() != d) {
      s = Sql.of(d, table.name());
      sql = s;
    }
    return s;
  }

  /** The step, the conversation (its first 64 characters when longer) and the table. */
  private String subject(Op op, String key) {
    if (op == Op.LIST) {
      return "toolguard-jdbc: listing the conversations (table " + table.name() + ")";
    }
    String shown = key.length() > 64 ? key.substring(0, 64) + "…" : key;
    return "toolguard-jdbc: " + op.doing + " conversation '" + shown + "' (table " + table.name() + ")";
  }

  @Override
  public String toString() {
    return table + ", codec=" + codec;
  }
}
