package dev.toolguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link CallJournal} shares, run against the in-memory journal and against the JDBC
 * journal on each real database, so that they provably agree.
 */
abstract class CallJournalContract {

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final int THREADS = 16;

  CallJournal journal;

  /** A journal with no entries. */
  abstract CallJournal emptyJournal() throws Exception;

  @BeforeEach
  void freshJournal() throws Exception {
    journal = emptyJournal();
  }

  static CallKey key(String conversation, String callId, String nonce) {
    return new CallKey(conversation, callId, nonce, "pay", "fp-pay-1");
  }

  static final CallKey K = key("conv-digest-A", "call_0", "nonce-1");

  @Test
  void aNewKeyIsAcquiredAndThenHeldUntilItsLeaseEndsThenExpired() {
    assertThat(journal.claim(K, "h1", T0, LEASE)).isEqualTo(new Claim.Acquired(K, "h1", T0.plus(LEASE)));
    assertThat(journal.claim(K, "h2", T0.plusSeconds(1), LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    assertThat(journal.claim(K, "h1", T0.plus(LEASE).minusMillis(1), LEASE))
        .isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    // a lease ends at its instant: from then on the claim is expired
    assertThat(journal.claim(K, "h2", T0.plus(LEASE), LEASE)).isEqualTo(new Claim.Expired("h1", T0.plus(LEASE)));
    assertThat(journal.claim(K, "h2", T0.plus(LEASE).plusSeconds(60), LEASE))
        .isEqualTo(new Claim.Expired("h1", T0.plus(LEASE)));
  }

  @Test
  void aCompletedCallIsDoneWithItsResultForEveryLaterClaim() {
    journal.claim(K, "h1", T0, LEASE);
    ToolResult result = ToolResult.of("call_0", "pay", "paid 5 € ✅ \"quoted\" 'single' \\ back\nline");
    assertThat(journal.complete(K, "h1", result, T0.plusSeconds(2))).isTrue();
    assertThat(journal.claim(K, "h2", T0.plusSeconds(3), LEASE)).isEqualTo(new Claim.Done(result));
    // long after the lease would have ended it is still done
    assertThat(journal.claim(K, "h3", T0.plus(Duration.ofDays(3)), LEASE)).isEqualTo(new Claim.Done(result));
    // a second complete, by anyone, records nothing
    assertThat(journal.complete(K, "h1", ToolResult.of("call_0", "pay", "again"), T0.plusSeconds(4))).isFalse();
    assertThat(journal.claim(K, "h2", T0.plusSeconds(5), LEASE)).isEqualTo(new Claim.Done(result));
  }

  @Test
  void aResultKeepsItsNameOutputErrorFlagAndSyntheticMark() {
    CallKey a = key("c", "a", "n");
    CallKey b = key("c", "b", "n");
    CallKey c = key("c", "c", "n");
    ToolResult error = ToolResult.error("a", null, "");
    ToolResult synthetic = new ToolResult("b", "pay", "may or may not have run", true,
        Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP));
    ToolResult large = ToolResult.of("c", "pay", "x".repeat(300_000) + "😀");
    for (var e : Map.of(a, error, b, synthetic, c, large).entrySet()) {
      journal.claim(e.getKey(), "h1", T0, LEASE);
      assertThat(journal.complete(e.getKey(), "h1", e.getValue(), T0)).isTrue();
      assertThat(journal.claim(e.getKey(), "h2", T0, LEASE)).isEqualTo(new Claim.Done(e.getValue()));
    }
    Claim.Done done = (Claim.Done) journal.claim(b, "h2", T0, LEASE);
    assertThat(done.result().synthetic()).isTrue();
  }

  @Test
  void anotherCallUnderTheSameKeyIsAConflictWhetherClaimedOrDone() {
    CallKey changed = new CallKey(K.conversation(), K.callId(), K.nonce(), "pay", "fp-pay-2");
    journal.claim(K, "h1", T0, LEASE);
    assertThat(journal.claim(changed, "h2", T0, LEASE)).isEqualTo(new Claim.Conflict("fp-pay-1"));
    assertThat(journal.claim(changed, "h2", T0.plus(Duration.ofHours(1)), LEASE))
        .isEqualTo(new Claim.Conflict("fp-pay-1"));
    journal.complete(K, "h1", ToolResult.of("call_0", "pay", "ok"), T0);
    assertThat(journal.claim(changed, "h2", T0, LEASE)).isEqualTo(new Claim.Conflict("fp-pay-1"));
  }

  @Test
  void onlyTheExpiredHolderIsTakenOverAndOnlyOnce() {
    journal.claim(K, "h1", T0, LEASE);
    Instant later = T0.plus(LEASE).plusSeconds(1);
    assertThat(journal.takeOver(K, "h1", "h2", T0.plusSeconds(29), LEASE)).as("the lease lasts").isFalse();
    assertThat(journal.takeOver(K, "hX", "h2", later, LEASE)).as("not the holder").isFalse();
    assertThat(journal.takeOver(K, "h1", "h2", later, LEASE)).isTrue();
    assertThat(journal.claim(K, "h3", later, LEASE)).isEqualTo(new Claim.Held("h2", later.plus(LEASE)));
    assertThat(journal.takeOver(K, "h1", "h3", later, LEASE)).as("taken over already").isFalse();
    // the old holder can no longer complete it; the new one can
    assertThat(journal.complete(K, "h1", ToolResult.of("call_0", "pay", "late"), later)).isFalse();
    ToolResult unknown = ToolResult.of("call_0", "pay", "outcome unknown");
    assertThat(journal.complete(K, "h2", unknown, later)).isTrue();
    assertThat(journal.takeOver(K, "h2", "h3", later.plus(Duration.ofDays(1)), LEASE)).as("done").isFalse();
    assertThat(journal.claim(K, "h3", later, LEASE)).isEqualTo(new Claim.Done(unknown));
    assertThat(journal.takeOver(key("c", "never", "n"), "h1", "h2", later, LEASE)).as("no entry").isFalse();
  }

  @Test
  void aWrongHolderCompletesNothingAndTheHolderCompletesEvenAfterItsLease() {
    journal.claim(K, "h1", T0, LEASE);
    assertThat(journal.complete(K, "h2", ToolResult.of("call_0", "pay", "no"), T0)).isFalse();
    assertThat(journal.claim(K, "h3", T0, LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    assertThat(journal.complete(key("c", "none", "n"), "h1", ToolResult.of("none", "pay", "no"), T0)).isFalse();
    ToolResult ok = ToolResult.of("call_0", "pay", "ok");
    assertThat(journal.complete(K, "h1", ok, T0.plus(LEASE).plusSeconds(5))).isTrue();
    assertThat(journal.claim(K, "h3", T0, LEASE)).isEqualTo(new Claim.Done(ok));
  }

  @Test
  void releaseGivesBackOnlyTheHoldersClaimAndNeverAResult() {
    journal.claim(K, "h1", T0, LEASE);
    journal.release(K, "h2");
    assertThat(journal.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    journal.release(K, "h1");
    assertThat(journal.claim(K, "h2", T0.plusSeconds(1), LEASE))
        .isEqualTo(new Claim.Acquired(K, "h2", T0.plusSeconds(1).plus(LEASE)));
    ToolResult ok = ToolResult.of("call_0", "pay", "ok");
    journal.complete(K, "h2", ok, T0.plusSeconds(2));
    journal.release(K, "h2");
    assertThat(journal.claim(K, "h3", T0.plusSeconds(3), LEASE)).isEqualTo(new Claim.Done(ok));
    journal.release(key("c", "none", "n"), "h1"); // nothing to release: no error
  }

  @Test
  void pruneRemovesResultsCompletedBeforeAndClaimsWhoseLeaseEndedBefore() {
    CallKey done = key("c", "done", "n");
    CallKey doneLate = key("c", "done-late", "n");
    CallKey ended = key("c", "ended", "n");
    CallKey lasting = key("c", "lasting", "n");
    journal.claim(done, "h1", T0, LEASE);
    journal.complete(done, "h1", ToolResult.of("done", "pay", "ok"), T0.plusSeconds(1));
    journal.claim(doneLate, "h1", T0, LEASE);
    journal.complete(doneLate, "h1", ToolResult.of("done-late", "pay", "ok"), T0.plusSeconds(50));
    journal.claim(ended, "h1", T0, Duration.ofSeconds(10));
    journal.claim(lasting, "h1", T0, Duration.ofSeconds(100));

    assertThat(journal.prune(T0)).isZero();
    assertThat(journal.prune(T0.plusSeconds(1))).as("completed at the instant: kept").isZero();
    assertThat(journal.prune(T0.plusSeconds(20))).isEqualTo(2);
    assertThat(journal.prune(T0.plusSeconds(20))).isZero();
    Instant now = T0.plusSeconds(30);
    assertThat(journal.claim(done, "h2", now, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.claim(ended, "h2", now, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.claim(doneLate, "h2", now, LEASE)).isInstanceOf(Claim.Done.class);
    assertThat(journal.claim(lasting, "h2", now, LEASE)).isEqualTo(new Claim.Held("h1", T0.plusSeconds(100)));
  }

  @Test
  void conversationsNoncesAndTheCaseOfIdsKeepEntriesApart() {
    CallKey a = key("conv-A", "call_0", "n1");
    CallKey b = key("conv-B", "call_0", "n1");
    CallKey otherNonce = key("conv-A", "call_0", "n2");
    CallKey noNonce = key("conv-A", "call_0", "");
    CallKey upper = key("conv-A", "CALL_0", "n1");
    for (CallKey k : List.of(a, b, otherNonce, noNonce, upper)) {
      assertThat(journal.claim(k, "h-" + k.conversation(), T0, LEASE)).as(k.toString())
          .isInstanceOf(Claim.Acquired.class);
    }
    ToolResult resultA = ToolResult.of("call_0", "pay", "paid in A");
    assertThat(journal.complete(a, "h-conv-A", resultA, T0)).isTrue();
    assertThat(journal.claim(b, "h9", T0, LEASE)).as("B is not answered by A")
        .isEqualTo(new Claim.Held("h-conv-B", T0.plus(LEASE)));
    ToolResult resultB = ToolResult.of("call_0", "pay", "paid in B");
    assertThat(journal.complete(b, "h-conv-B", resultB, T0)).isTrue();
    assertThat(journal.claim(a, "h9", T0, LEASE)).isEqualTo(new Claim.Done(resultA));
    assertThat(journal.claim(b, "h9", T0, LEASE)).isEqualTo(new Claim.Done(resultB));
    assertThat(journal.claim(otherNonce, "h9", T0, LEASE)).isInstanceOf(Claim.Held.class);
    assertThat(journal.claim(noNonce, "h9", T0, LEASE)).isInstanceOf(Claim.Held.class);
    assertThat(journal.claim(upper, "h9", T0, LEASE)).isInstanceOf(Claim.Held.class);
  }

  @Test
  void ofSixteenRacingClaimsExactlyOneIsAcquired() throws Exception {
    List<Claim> claims = race(i -> journal.claim(K, "holder-" + i, T0, LEASE));
    List<Claim> acquired = claims.stream().filter(c -> c instanceof Claim.Acquired).toList();
    assertThat(acquired).hasSize(1);
    String winner = ((Claim.Acquired) acquired.get(0)).holder();
    assertThat(claims).filteredOn(c -> !(c instanceof Claim.Acquired))
        .hasSize(THREADS - 1)
        .allSatisfy(c -> assertThat(c).isEqualTo(new Claim.Held(winner, T0.plus(LEASE))));
  }

  @Test
  void ofSixteenRacingTakeOversOfOneExpiredClaimExactlyOneWins() throws Exception {
    journal.claim(K, "dead", T0, LEASE);
    Instant later = T0.plus(LEASE).plusSeconds(1);
    List<Boolean> won = race(i -> journal.takeOver(K, "dead", "holder-" + i, later, LEASE));
    assertThat(won).containsOnlyOnce(true).hasSize(THREADS);
    Claim now = journal.claim(K, "other", later, LEASE);
    assertThat(now).isEqualTo(new Claim.Held("holder-" + won.indexOf(true), later.plus(LEASE)));
  }

  @Test
  void ofSixteenRacingCompletesOfOneHolderExactlyOneRecords() throws Exception {
    journal.claim(K, "h1", T0, LEASE);
    List<Boolean> recorded = race(i -> journal.complete(K, "h1", ToolResult.of("call_0", "pay", "r" + i), T0));
    assertThat(recorded).containsOnlyOnce(true);
    assertThat(journal.claim(K, "h2", T0, LEASE))
        .isEqualTo(new Claim.Done(ToolResult.of("call_0", "pay", "r" + recorded.indexOf(true))));
  }

  interface Racer<T> {
    T run(int i) throws Exception;
  }

  /** Runs {@code a} and {@code b} on two threads let go together; their results in that order. */
  static <T> List<T> race2(Callable<T> a, Callable<T> b) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : List.of(a, b)) {
        futures.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return task.call();
        }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs {@code racer} on {@link #THREADS} threads let go together; the results in thread order. */
  static <T> List<T> race(Racer<T> racer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int n = i;
        Callable<T> task = () -> {
          start.await(30, TimeUnit.SECONDS);
          return racer.run(n);
        };
        futures.add(pool.submit(task));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
