package dev.toolguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.testkit.properties.PropertyBudget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Random sequences of journal operations on a small set of keys, holders and times: the JDBC journal on
 * H2 and on PostgreSQL answers every one of them as {@link CallJournal#inMemory(int)} does.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class JournalEquivalenceProperties {

  static EmbeddedPostgres pg;
  static JdbcCallJournal postgres;
  static final DataSource H2 = H2CallJournalContractTest.h2("equivalence");
  static final JdbcCallJournal H2_JOURNAL = JdbcCallJournal.builder(H2).createTable(true).build();

  @BeforeContainer
  static void start() throws Exception {
    pg = EmbeddedPostgres.start();
    postgres = JdbcCallJournal.builder(pg.getPostgresDatabase()).createTable(true).build();
  }

  @AfterContainer
  static void stop() throws Exception {
    pg.close();
  }

  sealed interface Op {}

  record ClaimOp(int key, int fingerprint, int holder, long leaseMillis) implements Op {}

  record TakeOverOp(int key, int expiredHolder, int holder, long leaseMillis) implements Op {}

  record CompleteOp(int key, int holder, int result) implements Op {}

  record ReleaseOp(int key, int holder) implements Op {}

  record PruneOp(long backMillis) implements Op {}

  /** An operation after the clock moved on by {@code advanceMillis}. */
  record Step(long advanceMillis, Op op) {}

  @Property(tries = 200)
  void theJournalOnH2AnswersAsTheInMemoryOne(@ForAll("steps") List<Step> steps) throws Exception {
    agree(H2_JOURNAL, H2, steps);
  }

  @Property(tries = 80)
  void theJournalOnPostgresAnswersAsTheInMemoryOne(@ForAll("steps") List<Step> steps) throws Exception {
    agree(postgres, pg.getPostgresDatabase(), steps);
  }

  private static void agree(JdbcCallJournal jdbc, DataSource ds, List<Step> steps) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      jdbc.prune(Instant.EPOCH); // creates the table on first use
      s.executeUpdate("DELETE FROM toolguard_call_journal");
    }
    CallJournal memory = CallJournal.inMemory(10_000);
    Instant now = CallJournalContract.T0;
    List<String> done = new ArrayList<>();
    for (Step step : steps) {
      now = now.plusMillis(step.advanceMillis());
      Object expected = apply(memory, step.op(), now);
      Object actual = apply(jdbc, step.op(), now);
      done.add(step + " -> " + expected);
      assertThat(actual).as("after %s", done).isEqualTo(expected);
    }
  }

  private static final String[] CONVERSATIONS = {"conv-A", "conv-B"};
  private static final String[] CALL_IDS = {"call_0", "call_1"};
  private static final String[] NONCES = {"n-1", ""};

  private static CallKey key(int k, int fingerprint) {
    return new CallKey(CONVERSATIONS[k & 1], CALL_IDS[(k >> 1) & 1], NONCES[(k >> 2) & 1], "pay",
        "fp-" + fingerprint);
  }

  private static ToolResult result(CallKey key, int r) {
    return switch (r) {
      case 0 -> ToolResult.of(key.callId(), "pay", "paid " + key.conversation());
      case 1 -> ToolResult.error(key.callId(), null, "declined");
      default -> new ToolResult(key.callId(), "pay", "may or may not have run", true,
          Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP));
    };
  }

  private static Object apply(CallJournal journal, Op op, Instant now) {
    if (op instanceof ClaimOp c) {
      return journal.claim(key(c.key(), c.fingerprint()), "h" + c.holder(), now, Duration.ofMillis(c.leaseMillis()));
    }
    if (op instanceof TakeOverOp t) {
      return journal.takeOver(key(t.key(), 0), "h" + t.expiredHolder(), "h" + t.holder(), now,
          Duration.ofMillis(t.leaseMillis()));
    }
    if (op instanceof CompleteOp c) {
      CallKey key = key(c.key(), 0);
      return journal.complete(key, "h" + c.holder(), result(key, c.result()), now);
    }
    if (op instanceof ReleaseOp r) {
      journal.release(key(r.key(), 0), "h" + r.holder());
      return "released";
    }
    return journal.prune(now.minusMillis(((PruneOp) op).backMillis()));
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> key = Arbitraries.integers().between(0, 7);
    Arbitrary<Integer> holder = Arbitraries.integers().between(0, 2);
    Arbitrary<Long> lease = Arbitraries.of(1_000L, 10_000L, 30_000L);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Combinators.combine(key, Arbitraries.frequency(
            net.jqwik.api.Tuple.of(9, 0), net.jqwik.api.Tuple.of(1, 1)), holder, lease).as(ClaimOp::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(key, holder, holder, lease).as(TakeOverOp::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(key, holder, Arbitraries.integers().between(0, 2))
            .as(CompleteOp::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(key, holder).as(ReleaseOp::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, 1L, 500L, 1_000L, 10_000L, 29_999L, 30_000L).map(PruneOp::new)));
    // steps of whole leases and their halves, so that the clock often lands on a lease's very end
    Arbitrary<Long> advance = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
        net.jqwik.api.Tuple.of(4, Arbitraries.of(1L, 500L, 1_000L, 5_000L, 10_000L, 30_000L)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 40_000)));
    return Combinators.combine(advance, op).as(Step::new).list().ofMinSize(1).ofMaxSize(40);
  }
}
