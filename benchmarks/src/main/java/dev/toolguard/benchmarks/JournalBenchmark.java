package dev.toolguard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.jdbc.SqlDialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable journal: {@link JdbcCallJournal#claim} + {@link JdbcCallJournal#complete} of one call on
 * an embedded PostgreSQL, against a bare {@code INSERT} + {@code UPDATE} of the same row shape (a table
 * made by the same migration) on the same connection pool: the least any journal must write.
 *
 * <p>Each JMH thread is one instance of an application: its own {@link JdbcCallJournal} on its own
 * HikariCP pool, all on one database. Run with {@code -t 1}, {@code -t 2}, {@code -t 4} to see the
 * throughput grow with the instances; the mode is throughput, summed over the threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalBenchmark {

  static final String JOURNAL = "toolguard_call_journal";
  static final String BARE = "bare_call_journal";
  static final Duration LEASE = Duration.ofMinutes(5);

  private EmbeddedPostgres postgres;
  private DataSource database;
  private final AtomicInteger instances = new AtomicInteger();

  @Setup(Level.Trial)
  public void startDatabase() throws Exception {
    postgres = EmbeddedPostgres.start();
    database = postgres.getPostgresDatabase();
    // both tables by the journal's own migration: the bare baseline writes the very same row shape
    for (String table : new String[] {JOURNAL, BARE}) {
      JdbcCallJournal j = JdbcCallJournal.builder(database).tableName(table).dialect(SqlDialect.POSTGRESQL)
          .createTable(true).build();
      j.prune(Instant.EPOCH); // first use creates the table
    }
  }

  /** Every iteration starts on empty tables, so that both sides write into tables of the same size. */
  @Setup(Level.Iteration)
  public void emptyTables() throws SQLException {
    try (Connection c = database.getConnection(); Statement st = c.createStatement()) {
      st.execute("TRUNCATE " + JOURNAL + ", " + BARE);
    }
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws Exception {
    postgres.close();
  }

  /** One instance of the application: its journal on its own pool, and its own call counter. */
  @State(Scope.Thread)
  public static class Instance {
    HikariDataSource pool;
    JdbcCallJournal journal;
    String conversation;
    String holder;
    long calls;
    String insert;
    String update;

    @Setup(Level.Trial)
    public void connect(JournalBenchmark db) {
      int n = db.instances.incrementAndGet();
      HikariConfig config = new HikariConfig();
      config.setDataSource(db.database);
      config.setMaximumPoolSize(2);
      config.setMinimumIdle(2);
      config.setPoolName("instance-" + n);
      pool = new HikariDataSource(config);
      journal = JdbcCallJournal.builder(pool).dialect(SqlDialect.POSTGRESQL).build();
      conversation = CallKey.conversationDigest("conversation of instance " + n);
      holder = "instance-" + n + "-run";
      insert = "INSERT INTO " + BARE + " (conversation, call_id, nonce, tool, fingerprint, state, holder,"
          + " lease_until, created_at) VALUES (?, ?, ?, ?, ?, 'CLAIMED', ?, ?, ?)";
      update = "UPDATE " + BARE + " SET state = 'DONE', result_name = ?, result_output = ?, result_error = ?,"
          + " result_synthetic = ?, completed_at = ? WHERE conversation = ? AND call_id = ? AND nonce = ?";
    }

    @TearDown(Level.Trial)
    public void close() {
      pool.close();
    }

    CallKey nextKey() {
      String callId = "call_" + Long.toString(calls++, 36) + "abcdefghijklmnopqrstu";
      return new CallKey(conversation, callId, "n-" + calls, "lookup",
          "q1Vg7nN2iPpV0u9e6N0qk8cXf0p4m0GxS3Zb3wXj8yA");
    }
  }

  static final String OUTPUT = "{\"items\":[1,2,3],\"source\":\"lookup\"}";

  /** Claim the call, then record its result: what the loop does around every approved call. */
  @Benchmark
  public boolean journalClaimComplete(Instance i) {
    CallKey key = i.nextKey();
    Instant now = Instant.now();
    Claim claim = i.journal.claim(key, i.holder, now, LEASE);
    if (!(claim instanceof Claim.Acquired)) {
      throw new IllegalStateException("a fresh key was not acquired: " + claim);
    }
    boolean done = i.journal.complete(key, i.holder, ToolResult.of(key.callId(), "lookup", OUTPUT), now);
    if (!done) {
      throw new IllegalStateException("the result of " + key.callId() + " was not recorded");
    }
    return done;
  }

  /** The floor: the same row inserted, then updated with the result, each on a connection of its own. */
  @Benchmark
  public boolean baselineInsertUpdate(Instance i) throws SQLException {
    CallKey key = i.nextKey();
    long now = System.currentTimeMillis();
    try (Connection c = i.pool.getConnection(); PreparedStatement ps = c.prepareStatement(i.insert)) {
      ps.setString(1, key.conversation());
      ps.setString(2, key.callId());
      ps.setString(3, key.nonce());
      ps.setString(4, key.tool());
      ps.setString(5, key.fingerprint());
      ps.setString(6, i.holder);
      ps.setLong(7, now + LEASE.toMillis());
      ps.setLong(8, now);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("insert of " + key.callId() + " wrote no row");
      }
    }
    try (Connection c = i.pool.getConnection(); PreparedStatement ps = c.prepareStatement(i.update)) {
      ps.setString(1, "lookup");
      ps.setString(2, OUTPUT);
      ps.setBoolean(3, false);
      ps.setString(4, null);
      ps.setLong(5, now);
      ps.setString(6, key.conversation());
      ps.setString(7, key.callId());
      ps.setString(8, key.nonce());
      return ps.executeUpdate() == 1;
    }
  }
}
