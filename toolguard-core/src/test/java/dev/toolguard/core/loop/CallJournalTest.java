package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory journal: the claim states, and its bounds. It is bounded by the number of completed
 * calls and by the characters they hold (it used to be bounded by the number of calls only: the
 * default of 10,000 calls, each with an output of up to a million characters, let one loop keep
 * gigabytes of old outputs; found by the load tests of RELIABILITY.md). Claims in progress are never
 * dropped.
 */
class CallJournalTest {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(90);

  private static CallKey key(int n) {
    return CallKey.of("conv", ToolCall.of("call_" + n, "lookup", "{\"n\":" + n + "}"), "nonce" + n);
  }

  private static ToolResult result(int n, String output) {
    return ToolResult.of("call_" + n, "lookup", output);
  }

  private static void record(CallJournal journal, int n, String output) {
    assertThat(journal.claim(key(n), "me", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.complete(key(n), "me", result(n, output), T0)).isTrue();
  }

  /** The calls among {@code 0..n-1} the journal still has done. */
  private static List<Integer> remembered(CallJournal journal, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Claim c = journal.claim(key(i), "probe", T0, LEASE);
      if (c instanceof Claim.Done) {
        out.add(i);
      } else {
        journal.release(key(i), "probe");
      }
    }
    return out;
  }

  @Test
  void aCallMovesFromClaimedToDoneAndOnlyItsHolderCompletesIt() {
    CallJournal journal = CallJournal.inMemory(10);
    assertThat(journal.claim(key(1), "a", T0, LEASE)).isEqualTo(new Claim.Acquired(key(1), "a", T0.plus(LEASE)));
    assertThat(journal.claim(key(1), "b", T0.plusSeconds(1), LEASE)).isEqualTo(new Claim.Held("a", T0.plus(LEASE)));
    assertThat(journal.complete(key(1), "b", result(1, "b's"), T0)).as("not b's claim").isFalse();
    assertThat(journal.complete(key(1), "a", result(1, "a's"), T0)).isTrue();
    assertThat(journal.claim(key(1), "b", T0, LEASE)).isEqualTo(new Claim.Done(result(1, "a's")));
    // the same call id and nonce with other arguments is a conflict, in another conversation a new call
    CallKey changed = CallKey.of("conv", ToolCall.of("call_1", "lookup", "{\"n\":2}"), "nonce1");
    assertThat(journal.claim(changed, "b", T0, LEASE)).isInstanceOf(Claim.Conflict.class);
    CallKey elsewhere = CallKey.of("other", ToolCall.of("call_1", "lookup", "{\"n\":1}"), "nonce1");
    assertThat(journal.claim(elsewhere, "b", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    // arguments are compared as JSON values
    CallKey spaced = CallKey.of("conv", ToolCall.of("call_1", "lookup", "{ \"n\" : 1 }"), "nonce1");
    assertThat(journal.claim(spaced, "b", T0, LEASE)).isInstanceOf(Claim.Done.class);
  }

  @Test
  void anEndedLeaseIsTakenOverOnceAndAReleasedClaimIsFreeAgain() {
    CallJournal journal = CallJournal.inMemory(10);
    journal.claim(key(1), "dead", T0, LEASE);
    Instant later = T0.plus(LEASE);
    assertThat(journal.claim(key(1), "b", later, LEASE)).isEqualTo(new Claim.Expired("dead", T0.plus(LEASE)));
    assertThat(journal.takeOver(key(1), "dead", "b", later, LEASE)).isTrue();
    assertThat(journal.takeOver(key(1), "dead", "c", later, LEASE)).as("b took it first").isFalse();
    assertThat(journal.complete(key(1), "dead", result(1, "late"), later)).as("the dead holder lost it").isFalse();
    journal.release(key(1), "b");
    assertThat(journal.claim(key(1), "c", later, LEASE)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void pruneRemovesOldDoneEntriesAndEndedClaims() {
    CallJournal journal = CallJournal.inMemory(10);
    record(journal, 1, "old");
    journal.claim(key(2), "dead", T0, LEASE);
    journal.claim(key(3), "alive", T0.plusSeconds(3600), LEASE);
    assertThat(journal.prune(T0.plusSeconds(600))).isEqualTo(2);
    assertThat(journal.claim(key(1), "x", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.claim(key(3), "x", T0.plusSeconds(3600), LEASE)).isInstanceOf(Claim.Held.class);
  }

  @Test
  void itKeepsTheLastCallsUpToItsCapacity() {
    CallJournal journal = CallJournal.inMemory(3);
    for (int i = 0; i < 10; i++) {
      record(journal, i, "found " + i);
    }
    assertThat(remembered(journal, 10)).containsExactly(7, 8, 9);
  }

  @Test
  void itKeepsNoMoreCallsThanFitInItsCharacters() {
    CallJournal journal = CallJournal.inMemory(1_000, 10_000);
    String output = "x".repeat(3_000);
    for (int i = 0; i < 20; i++) {
      record(journal, i, output);
    }
    // each call holds its key (about 50 characters) and 3,000 characters of output: three fit in 10,000
    assertThat(remembered(journal, 20)).containsExactly(17, 18, 19);
  }

  @Test
  void theDefaultJournalHoldsAtMostItsDefaultCharactersHoweverLargeTheOutputs() {
    CallJournal journal = CallJournal.inMemory(10_000);
    String megabyte = "y".repeat(1 << 20); // the default maxOutputLength
    for (int i = 0; i < 100; i++) {
      record(journal, i, megabyte);
    }
    List<Integer> kept = remembered(journal, 100);
    assertThat((long) kept.size() * megabyte.length()).isLessThanOrEqualTo(CallJournal.DEFAULT_MAX_CHARS);
    assertThat(kept).containsExactly(93, 94, 95, 96, 97, 98, 99);
  }

  @Test
  void theNewestCallIsKeptEvenWhenItAloneIsLargerAndClaimsInProgressAreNeverDropped() {
    CallJournal journal = CallJournal.inMemory(1, 100);
    journal.claim(key(9), "running", T0, LEASE);
    record(journal, 0, "small");
    record(journal, 1, "z".repeat(500));
    assertThat(remembered(journal, 2)).containsExactly(1);
    assertThat(journal.claim(key(9), "other", T0, LEASE)).isInstanceOf(Claim.Held.class);
  }

  @Test
  void boundsBelowOneAreRefused() {
    assertThatThrownBy(() -> CallJournal.inMemory(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be at least 1, was 0");
    assertThatThrownBy(() -> CallJournal.inMemory(1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxChars must be at least 1, was 0");
  }
}
