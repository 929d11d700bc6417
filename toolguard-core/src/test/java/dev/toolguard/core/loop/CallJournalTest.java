package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory journal is bounded by the number of calls and by the characters it holds. It used to
 * be bounded by the number of calls only: the default of 10,000 calls, each with an output of up to
 * {@code maxOutputLength} (a million characters by default), let one loop keep gigabytes of old
 * outputs. Found by the load tests of RELIABILITY.md.
 */
class CallJournalTest {

  private static ToolCall call(int n) {
    return ToolCall.of("call_" + n, "lookup", "{\"n\":" + n + "}");
  }

  private static ToolResult result(int n, String output) {
    return ToolResult.of("call_" + n, "lookup", output);
  }

  /** The calls among {@code 0..n-1} the journal still finds. */
  private static List<Integer> remembered(CallJournal journal, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (journal.find(call(i)) != null) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void itKeepsTheLastCallsUpToItsCapacity() {
    CallJournal journal = CallJournal.inMemory(3);
    for (int i = 0; i < 10; i++) {
      journal.record(call(i), result(i, "found " + i));
    }
    assertThat(remembered(journal, 10)).containsExactly(7, 8, 9);
    assertThat(journal.find(call(9))).isEqualTo(result(9, "found 9"));
    // a call of the same id with other arguments is another call
    assertThat(journal.find(ToolCall.of("call_9", "lookup", "{\"n\":10}"))).isNull();
    // arguments are compared as JSON values
    assertThat(journal.find(ToolCall.of("call_9", "lookup", "{ \"n\" : 9 }"))).isNotNull();
  }

  @Test
  void itKeepsNoMoreCallsThanFitInItsCharacters() {
    CallJournal journal = CallJournal.inMemory(1_000, 10_000);
    String output = "x".repeat(3_000);
    for (int i = 0; i < 20; i++) {
      journal.record(call(i), result(i, output));
    }
    // each call holds its key (about 30 characters) and 3,000 characters of output: three fit in 10,000
    assertThat(remembered(journal, 20)).containsExactly(17, 18, 19);
  }

  @Test
  void theDefaultJournalHoldsAtMostItsDefaultCharactersHoweverLargeTheOutputs() {
    CallJournal journal = CallJournal.inMemory(10_000);
    String megabyte = "y".repeat(1 << 20); // the default maxOutputLength
    for (int i = 0; i < 100; i++) {
      journal.record(call(i), result(i, megabyte));
    }
    List<Integer> kept = remembered(journal, 100);
    assertThat((long) kept.size() * megabyte.length()).isLessThanOrEqualTo(CallJournal.DEFAULT_MAX_CHARS);
    assertThat(kept).hasSize(7).endsWith(99).containsExactly(93, 94, 95, 96, 97, 98, 99);
  }

  @Test
  void theNewestCallIsKeptEvenWhenItAloneIsLarger() {
    CallJournal journal = CallJournal.inMemory(10, 100);
    journal.record(call(0), result(0, "small"));
    journal.record(call(1), result(1, "z".repeat(500)));
    assertThat(remembered(journal, 2)).containsExactly(1);
    journal.record(call(2), result(2, "small"));
    assertThat(remembered(journal, 3)).containsExactly(2);
  }

  @Test
  void recordingACallAgainReplacesItsResultAndCountsItOnce() {
    CallJournal journal = CallJournal.inMemory(10, 200);
    for (int i = 0; i < 50; i++) {
      journal.record(call(0), result(0, "r" + "x".repeat(100)));
    }
    journal.record(call(1), result(1, "x".repeat(40)));
    assertThat(remembered(journal, 2)).containsExactly(0, 1);
    assertThat(journal.toString()).contains("2 calls");
  }

  @Test
  void boundsBelowOneAreRefused() {
    assertThatThrownBy(() -> CallJournal.inMemory(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> CallJournal.inMemory(1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxChars");
  }
}
