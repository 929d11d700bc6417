package dev.toolguard.jdbc;

import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.conversation.HistoryCodec;
import dev.toolguard.jdbc.internal.JdbcConversations;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ConversationStore} in one database table, so that every instance of an application that
 * shares the database loads and saves the same conversations, and two writers of one conversation never
 * overwrite each other.
 *
 * <pre>{@code
 * ConversationStore store = JdbcConversationStore.of(dataSource, HistoryJson.codec());
 * ConversationStore store = JdbcConversationStore.builder(dataSource, HistoryJson.codec())
 *     .tableName("app.toolguard_conversation")
 *     .dialect(SqlDialect.POSTGRESQL)
 *     .createTable(true)                                       // CREATE TABLE IF NOT EXISTS on first use
 *     .build();
 * Conversations conversations = Conversations.of(loop, store);
 * }</pre>
 *
 * <p>A conversation is one row: its key, its version, its whole history as the codec's text and when it
 * was last saved. {@link #load} is one {@code SELECT}. {@link #save} is one statement whose outcome is the
 * decision, never a read followed by a write: for version 0 an {@code INSERT} (the row exists: a
 * conflict), otherwise an {@code UPDATE … WHERE conversation_key = ? AND version = ?} (no row changed: a
 * conflict); only then is the version the table holds read, for the {@link
 * dev.toolguard.core.conversation.ConversationConflictException}. When the connection is not in
 * auto-commit mode, each method commits (or rolls back) its own work.
 *
 * <p>The codec is yours to choose: toolguard-jdbc holds no JSON library; toolguard-json's {@code
 * HistoryJson.codec()} keeps every content, metadata value and provider item. A stored history the codec
 * cannot read, or a history it cannot write, throws {@link StoredHistoryException}; a failure of the
 * database throws {@link ConversationStoreException}; both name the conversation, the table, why, and
 * what to do. Keys are 1 to {@value #MAX_KEY_LENGTH} characters.
 *
 * <p>The table is created by the dialect's migration ({@link SqlDialect#conversationMigration()},
 * Flyway-ready) or by {@link Builder#createTable(boolean) createTable(true)}. Instances are thread-safe.
 */
public final class JdbcConversationStore implements ConversationStore {

  /** The table name unless {@link Builder#tableName} sets another: {@value}. */
  public static final String DEFAULT_TABLE_NAME = "toolguard_conversation";

  /** The longest conversation key the {@code conversation_key} column keeps: {@value} characters. */
  public static final int MAX_KEY_LENGTH = JdbcConversations.MAX_KEY;

  private final JdbcConversations conversations;

  private JdbcConversationStore(Builder b) {
    this.conversations = new JdbcConversations(b.dataSource, b.tableName, b.dialect, b.createTable, b.codec, b.clock);
  }

  /**
   * A store in table {@value #DEFAULT_TABLE_NAME} of {@code dataSource}, in the dialect of its database
   * (detected on first use), its histories written and read by {@code codec}; the table must exist.
   *
   * @throws IllegalArgumentException if {@code dataSource} or {@code codec} is null
   */
  public static JdbcConversationStore of(DataSource dataSource, HistoryCodec codec) {
    return builder(dataSource, codec).build();
  }

  /**
   * A builder of a store in {@code dataSource} whose histories {@code codec} writes and reads.
   *
   * @throws IllegalArgumentException if {@code dataSource} or {@code codec} is null
   */
  public static Builder builder(DataSource dataSource, HistoryCodec codec) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null: the store keeps its table in it");
    }
    if (codec == null) {
      throw new IllegalArgumentException("codec must not be null: it turns histories into the text the table"
          + " keeps; pass HistoryJson.codec() from toolguard-json");
    }
    return new Builder(dataSource, codec);
  }

  @Override
  public Snapshot load(String key) {
    return conversations.load(key);
  }

  @Override
  public long save(String key, long expectedVersion, List<Message> messages) {
    return conversations.save(key, expectedVersion, messages);
  }

  /** The keys of every row of the table, in key order: one {@code SELECT}. */
  @Override
  public List<String> keys() {
    return conversations.keys();
  }

  /** The table this store keeps its conversations in, as configured. */
  public String tableName() {
    return conversations.table();
  }

  /** The dialect set on the builder, or the detected one once the store was used; null before that. */
  public @Nullable SqlDialect dialect() {
    return conversations.dialect();
  }

  @Override
  public String toString() {
    return "JdbcConversationStore[" + conversations + "]";
  }

  /**
   * Builds a {@link JdbcConversationStore}: its table ({@value #DEFAULT_TABLE_NAME} by default; its
   * migration is {@link SqlDialect#conversationMigration()}), dialect, whether the table is created on
   * first use, and the clock of {@code updated_at}. Every setter checks its value at once and names it
   * when it is wrong; {@link #build()} touches no database. Not thread-safe.
   */
  public static final class Builder extends TableSettings<Builder> {
    private final HistoryCodec codec;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource, HistoryCodec codec) {
      super(dataSource, DEFAULT_TABLE_NAME);
      this.codec = codec;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * The clock whose time a save writes to {@code updated_at} (epoch milliseconds); default {@link
     * Clock#systemUTC()}.
     *
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null; leave it unset for Clock.systemUTC()");
      }
      this.clock = clock;
      return this;
    }

    /** The store; no database is touched until it is first used. */
    public JdbcConversationStore build() {
      return new JdbcConversationStore(this);
    }
  }
}
