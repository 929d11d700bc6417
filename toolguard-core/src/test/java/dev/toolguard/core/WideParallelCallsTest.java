package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Check and repair on one assistant message with more parallel calls than the checker matches
 * linearly (16) and more contents than fit its bit mask (64): the paths a message of a few calls
 * never takes (found by PIT: no test covered them).
 */
class WideParallelCallsTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  /** 80 calls, call_0 … call_79, of tool "weather". */
  private static Message eightyCalls() {
    List<Content> calls = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      calls.add(ToolCall.of("call_" + k, "weather", "{\"n\":" + k + "}"));
    }
    return new Message(Role.ASSISTANT, calls, Map.of());
  }

  /** The results of {@code ids}, in that order, in one TOOL message. */
  private static Message results(List<String> ids) {
    List<Content> results = new ArrayList<>();
    for (String id : ids) {
      results.add(ToolResult.of(id, "weather", "out " + id));
    }
    return new Message(Role.TOOL, results, Map.of());
  }

  private static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      ids.add("call_" + k);
    }
    return ids;
  }

  @Test
  void eightyCallsAnsweredInReverseOrderAreValid() {
    List<String> reversed = ids();
    Collections.reverse(reversed);
    List<Message> history = List.of(Message.user("weather everywhere"), eightyCalls(), results(reversed),
        Message.assistant("done"));

    assertThat(guard.check(history)).isEmpty();
    assertThat(guard.repair(history).history()).isSameAs(history);
  }

  @Test
  void aMissingADuplicateAndAStrayResultAmongEightyAreEachNamed() {
    List<String> answered = ids();
    Collections.reverse(answered);
    answered.remove("call_5");
    answered.add("call_7"); // answered twice
    List<Content> results = new ArrayList<>(results(answered).contents());
    results.add(ToolResult.of("ghost", "weather", "out ghost"));
    List<Message> history = List.of(Message.user("weather everywhere"), eightyCalls(),
        new Message(Role.TOOL, results, Map.of()), Message.user("and?"));

    List<Violation> violations = guard.check(history);

    assertThat(violations).extracting(Violation::code, Violation::callId).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(ViolationCode.MISSING_RESULT, "call_5"),
        org.assertj.core.groups.Tuple.tuple(ViolationCode.DUPLICATE_RESULT, "call_7"),
        org.assertj.core.groups.Tuple.tuple(ViolationCode.ORPHAN_RESULT, "ghost"));
    assertThat(violations).filteredOn(v -> v.code() == ViolationCode.ORPHAN_RESULT).singleElement()
        .extracting(Violation::detail).asString().contains("result ghost of tool 'weather' answers no call");

    RepairResult repaired = guard.repair(history);
    assertThat(guard.check(repaired.history())).isEmpty();
    long results80 = repaired.history().stream().mapToLong(m -> m.toolResults().size()).sum();
    assertThat(results80).as("one result per call, the missing one synthesized").isEqualTo(80);
  }
}
