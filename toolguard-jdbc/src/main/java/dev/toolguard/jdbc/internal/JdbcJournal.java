package dev.toolguard.jdbc.internal;

import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournalException;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The work of {@link dev.toolguard.jdbc.JdbcCallJournal}: each method takes one connection and runs one
 * statement on the entry's key (a claim that finds the entry reads it in a second one).
 */
public final class JdbcJournal {

  /** The longest holder the {@code holder} column keeps. */
  static final int MAX_HOLDER = 64;

  /** The longest {@link Metadata#SYNTHETIC} value the {@code result_synthetic} column keeps. */
  static final int MAX_SYNTHETIC = 32;

  /** How often a claim inserts again when the entry it found was removed before it could read it. */
  private static final int MAX_ATTEMPTS = 16;

  private static final String CLAIMED = "CLAIMED";
  private static final String DONE = "DONE";
  private static final String KEY = " WHERE conversation = ? AND call_id = ? AND nonce = ?";

  private static final JdbcTable.Kind KIND = new JdbcTable.Kind("JdbcCallJournal", "journal",
      SqlDialect::migration, Ddl::statements);

  private final JdbcTable table;
  private volatile @Nullable Sql sql;

  /** The statements of one dialect for one table. */
  private record Sql(SqlDialect dialect, String insert, String select, String takeOver, String complete,
      String release, String prune) {

    static Sql of(SqlDialect dialect, String t) {
      String insert = "INSERT INTO " + t + " (conversation, call_id, nonce, tool, fingerprint, state, holder,"
          + " lease_until, created_at) VALUES (?, ?, ?, ?, ?, '" + CLAIMED + "', ?, ?, ?)";
      if (dialect == SqlDialect.POSTGRESQL) {
        insert += " ON CONFLICT (conversation, call_id, nonce) DO NOTHING";
      }
      return new Sql(dialect, insert,
          "SELECT fingerprint, state, holder, lease_until, result_name, result_output, result_error,"
              + " result_synthetic FROM " + t + KEY,
          "UPDATE " + t + " SET holder = ?, lease_until = ?" + KEY + " AND state = '" + CLAIMED
              + "' AND holder = ? AND lease_until <= ?",
          "UPDATE " + t + " SET state = '" + DONE + "', result_name = ?, result_output = ?, result_error = ?,"
              + " result_synthetic = ?, completed_at = ?" + KEY + " AND state = '" + CLAIMED + "' AND holder = ?",
          "DELETE FROM " + t + KEY + " AND state = '" + CLAIMED + "' AND holder = ?",
          "DELETE FROM " + t + " WHERE (state = '" + DONE + "' AND completed_at < ?) OR (state = '" + CLAIMED
              + "' AND lease_until < ?)");
    }
  }

  /** What a method does, for messages: the words and what a failure leaves behind. */
  private enum Op {
    CLAIM("claiming", "Nothing was written for this call and it did not run: fix the database and resume again"),
    TAKE_OVER("taking over", "The claim was not taken over and the call did not run: fix the database and resume"
        + " again"),
    COMPLETE("recording the result of", "The result was not recorded; it stands in the history only, and a stale"
        + " copy of the history resumed after the lease ends gets 'outcome unknown'"),
    RELEASE("releasing the claim of", "The claim stays until its lease ends; then another run takes it over"),
    PRUNE("pruning", "Nothing was removed: prune again once the database is back");

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

  /** Use {@link dev.toolguard.jdbc.JdbcCallJournal#builder}; the arguments are checked there. */
  public JdbcJournal(DataSource dataSource, String table, @Nullable SqlDialect dialect, boolean createTable) {
    this.table = new JdbcTable(dataSource, table, dialect, createTable, KIND);
  }

  /** The table name. */
  public String table() {
    return table.name();
  }

  /** The dialect set or detected, or null before the first use detects it. */
  public @Nullable SqlDialect dialect() {
    return table.dialect();
  }

  /** See {@link dev.toolguard.core.loop.CallJournal#claim}. */
  public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
    requireHolder(Op.CLAIM, key, holder);
    long nowMs = millis(now);
    long until = ceilMillis(now.plus(lease));
    return run(Op.CLAIM, key, (c, s) -> {
      for (int attempt = 1; ; attempt++) {
        if (insert(c, s, key, holder, until, nowMs)) {
          return new Claim.Acquired(key, holder, Instant.ofEpochMilli(until));
        }
        Claim found = read(c, s, key, nowMs);
        if (found != null) {
          return found;
        }
        if (attempt == MAX_ATTEMPTS) {
          throw new SQLException("the entry was there when inserted and gone when read, " + attempt
              + " times in a row (it is released or pruned as fast as it is claimed)", "40001");
        }
      }
    });
  }

  private static boolean insert(Connection c, Sql s, CallKey key, String holder, long until, long nowMs)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(s.insert())) {
      int i = key(ps, key);
      ps.setString(i++, key.tool());
      ps.setString(i++, key.fingerprint());
      ps.setString(i++, holder);
      ps.setLong(i++, until);
      ps.setLong(i, nowMs);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (s.dialect() != SqlDialect.POSTGRESQL && JdbcTable.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  private static @Nullable Claim read(Connection c, Sql s, CallKey key, long nowMs) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(s.select())) {
      key(ps, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String fingerprint = rs.getString(1);
        String state = rs.getString(2);
        if (!key.fingerprint().equals(fingerprint)) {
          return new Claim.Conflict(fingerprint);
        }
        if (DONE.equals(state)) {
          String output = rs.getString(6);
          String synthetic = rs.getString(8);
          return new Claim.Done(new ToolResult(key.callId(), rs.getString(5), output == null ? "" : output,
              rs.getBoolean(7), synthetic == null ? Map.of() : Map.of(Metadata.SYNTHETIC, synthetic)));
        }
        if (!CLAIMED.equals(state)) {
          throw new SQLException("the entry's state is '" + state + "', neither " + CLAIMED + " nor " + DONE
              + " (the row was changed by something other than toolguard)", "22000");
        }
        String holder = rs.getString(3);
        long leaseUntil = rs.getLong(4);
        Instant until = Instant.ofEpochMilli(leaseUntil);
        return leaseUntil > nowMs ? new Claim.Held(holder, until) : new Claim.Expired(holder, until);
      }
    }
  }

  /** See {@link dev.toolguard.core.loop.CallJournal#takeOver}. */
  public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
    requireHolder(Op.TAKE_OVER, key, holder);
    long nowMs = millis(now);
    long until = ceilMillis(now.plus(lease));
    return run(Op.TAKE_OVER, key, (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.takeOver())) {
        ps.setString(1, holder);
        ps.setLong(2, until);
        int i = key(ps, key, 3);
        ps.setString(i++, expiredHolder);
        ps.setLong(i, nowMs);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** See {@link dev.toolguard.core.loop.CallJournal#complete}. */
  public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
    Object synthetic = result.metadata().get(Metadata.SYNTHETIC);
    String syntheticText = synthetic == null ? null : synthetic.toString();
    if (syntheticText != null && syntheticText.length() > MAX_SYNTHETIC) {
      syntheticText = syntheticText.substring(0, MAX_SYNTHETIC);
    }
    String marker = syntheticText;
    return run(Op.COMPLETE, key, (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.complete())) {
        ps.setString(1, result.name());
        ps.setString(2, result.output());
        ps.setBoolean(3, result.error());
        ps.setString(4, marker);
        ps.setLong(5, millis(now));
        int i = key(ps, key, 6);
        ps.setString(i, holder);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** See {@link dev.toolguard.core.loop.CallJournal#release}. */
  public void release(CallKey key, String holder) {
    run(Op.RELEASE, key, (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.release())) {
        int i = key(ps, key);
        ps.setString(i, holder);
        return ps.executeUpdate();
      }
    });
  }

  /** See {@link dev.toolguard.core.loop.CallJournal#prune}. */
  public int prune(Instant before) {
    long beforeMs = millis(before);
    return run(Op.PRUNE, null, (c, s) -> {
      try (PreparedStatement ps = c.prepareStatement(s.prune())) {
        ps.setLong(1, beforeMs);
        ps.setLong(2, beforeMs);
        return ps.executeUpdate();
      }
    });
  }

  private static int key(PreparedStatement ps, CallKey key) throws SQLException {
    return key(ps, key, 1);
  }

  private static int key(PreparedStatement ps, CallKey key, int from) throws SQLException {
    ps.setString(from, key.conversation());
    ps.setString(from + 1, key.callId());
    ps.setString(from + 2, key.nonce());
    return from + 3;
  }

  /** The epoch millisecond at or after {@code t}: a lease ends on its millisecond or later, never before. */
  static long ceilMillis(Instant t) {
    long ms = millis(t);
    return t.getNano() % 1_000_000 == 0 || ms == Long.MAX_VALUE ? ms : ms + 1;
  }

  /** The epoch millisecond of {@code t}, rounded down; {@link Long#MAX_VALUE} or {@code MIN_VALUE} beyond them. */
  static long millis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isAfter(Instant.EPOCH) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }

  private void requireHolder(Op op, CallKey key, String holder) {
    if (holder.isEmpty() || holder.length() > MAX_HOLDER) {
      throw new CallJournalException(key.callId(), subject(op, key) + " failed: the holder is "
          + (holder.isEmpty() ? "empty" : holder.length() + " characters long") + "; the journal keeps holders of 1 to "
          + MAX_HOLDER + " characters. Nothing was written.", null);
    }
  }

  private <T> T run(Op op, @Nullable CallKey key, Step<T> step) {
    return table.run((c, d) -> step.run(c, sql(d)), (cause, e) -> failure(op, key, cause, e));
  }

  private Sql sql(SqlDialect d) {
    Sql s = sql;
    if (s == null || s.dialect() != d) {
      s = Sql.of(d, table.name());
      sql = s;
    }
    return s;
  }

  private String subject(Op op, @Nullable CallKey key) {
    if (key == null) {
      return "toolguard-jdbc: " + op.doing + " table " + table.name();
    }
    return "toolguard-jdbc: " + op.doing + " call " + key.callId() + " of tool '" + key.tool() + "' in conversation "
        + key.conversation() + " (table " + table.name() + ")";
  }

  private CallJournalException failure(Op op, @Nullable CallKey key, String cause, Exception e) {
    return new CallJournalException(key == null ? "" : key.callId(),
        subject(op, key) + " failed: " + cause + ". " + op.leaves + ".", e);
  }

  @Override
  public String toString() {
    return table.toString();
  }
}
