package dev.toolguard.jdbc;

import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.jdbc.internal.JdbcJournal;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CallJournal} in one database table, so that every instance of an application that shares
 * the database runs an approved call once, whichever of them the answer reaches and however often.
 *
 * <pre>{@code
 * CallJournal journal = JdbcCallJournal.of(dataSource);       // table toolguard_call_journal, dialect detected
 * CallJournal journal = JdbcCallJournal.builder(dataSource)
 *     .tableName("app.toolguard_call_journal")
 *     .dialect(SqlDialect.POSTGRESQL)
 *     .createTable(true)                                       // CREATE TABLE IF NOT EXISTS on first use
 *     .build();
 * FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend).tools(tools).journal(journal).build();
 * }</pre>
 *
 * <p>An entry is one row, unique on (conversation, call id, nonce). Every method takes one connection
 * from the {@link DataSource} and does its work in one statement on that key ({@link #claim} inserts the
 * row and reads it in a second statement only when it existed), so entries are atomic across
 * instances without locks or transactions. When the connection is not in auto-commit mode, each method
 * commits (or rolls back) its own work. Times are the {@code now} the loop passes (its clock), kept to
 * the millisecond; a lease ends on the millisecond after it, never before.
 *
 * <p>A recorded result keeps its call id (as the key's), tool name, output, error flag and the value of
 * {@link dev.toolguard.core.Metadata#SYNTHETIC}; other metadata is not recorded.
 *
 * <p>The table is created by the dialect's migration ({@link SqlDialect#migration()}, Flyway-ready) or by
 * {@link Builder#createTable(boolean) createTable(true)}. Prune it from time to time with {@link
 * #prune(Instant)}. Failures throw {@link dev.toolguard.core.loop.CallJournalException} naming the call,
 * the conversation digest, what failed and what to do. Instances are thread-safe.
 */
public final class JdbcCallJournal implements CallJournal {

  /** The table name unless {@link Builder#tableName} sets another: {@value}. */
  public static final String DEFAULT_TABLE_NAME = "toolguard_call_journal";

  private final JdbcJournal journal;

  private JdbcCallJournal(Builder b) {
    this.journal = new JdbcJournal(b.dataSource, b.tableName, b.dialect, b.createTable);
  }

  /**
   * A journal in table {@value #DEFAULT_TABLE_NAME} of {@code dataSource}, in the dialect of its database
   * (detected on first use); the table must exist.
   *
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  public static JdbcCallJournal of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * A builder of a journal in {@code dataSource}.
   *
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null: the journal keeps its table in it");
    }
    return new Builder(dataSource);
  }

  @Override
  public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
    return journal.claim(key, holder, now, lease);
  }

  @Override
  public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
    return journal.takeOver(key, expiredHolder, holder, now, lease);
  }

  @Override
  public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
    return journal.complete(key, holder, result, now);
  }

  @Override
  public void release(CallKey key, String holder) {
    journal.release(key, holder);
  }

  @Override
  public int prune(Instant before) {
    return journal.prune(before);
  }

  /** The table this journal keeps its entries in, as configured. */
  public String tableName() {
    return journal.table();
  }

  /** The dialect set on the builder, or the detected one once the journal was used; null before that. */
  public @Nullable SqlDialect dialect() {
    return journal.dialect();
  }

  @Override
  public String toString() {
    return "JdbcCallJournal[" + journal + "]";
  }

  /**
   * Builds a {@link JdbcCallJournal}: its table ({@value #DEFAULT_TABLE_NAME} by default; its migration
   * is {@link SqlDialect#migration()}), dialect and whether the table is created on first use. Every
   * setter checks its value at once and names it when it is wrong; {@link #build()} touches no database.
   * Not thread-safe.
   */
  public static final class Builder extends TableSettings<Builder> {

    private Builder(DataSource dataSource) {
      super(dataSource, DEFAULT_TABLE_NAME);
    }

    @Override
    Builder self() {
      return this;
    }

    /** The journal; no database is touched until it is first used. */
    public JdbcCallJournal build() {
      return new JdbcCallJournal(this);
    }
  }
}
