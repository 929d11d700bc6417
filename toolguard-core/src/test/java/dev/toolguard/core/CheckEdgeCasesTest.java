package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Check's edge cases, each with its exact violations: the cases PIT found that no test told apart
 * from a slightly different check (RELIABILITY.md, "Mutation testing"): how a message's calls are
 * counted when some are empty-id, duplicate-id or copied, a copy in the same message as its first
 * call, a message of exactly 64 contents, the order of the violations, and the quick validity test
 * behind {@code repair}.
 */
class CheckEdgeCasesTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private static ToolCall call(String id, int n) {
    return ToolCall.of(id, "t", "{\"n\":" + n + "}");
  }

  private static ToolResult result(String id) {
    return ToolResult.of(id, "t", "out " + id);
  }

  /** Code, message index and call id of each violation, in the order check gives them. */
  private static List<String> found(List<Violation> violations) {
    List<String> out = new ArrayList<>();
    for (Violation v : violations) {
      out.add(v.code() + "@" + v.messageIndex() + ":" + v.callId());
    }
    return out;
  }

  @Test
  void aCallWithoutIdBesideAFreshCallLeavesTheFreshCallsBlockMatched() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("", 1), call("b", 2)),
        Message.tool(result("b")), Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("EMPTY_CALL_ID@1:");
  }

  @Test
  void aDuplicateIdBesideAFreshCallLeavesBothMatched() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1)), Message.tool(result("a")),
        Message.user("more"), Message.assistant(call("b", 2), call("a", 3)), Message.tool(result("b"), result("a")),
        Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("DUPLICATE_CALL_ID@4:a");
  }

  @Test
  void twoCallsOfOneIdInOneMessageTakeOneResultEach() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1), call("a", 2)),
        Message.tool(result("a"), result("a")), Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("DUPLICATE_CALL_ID@1:a");
  }

  @Test
  void aCopyOfACallInTheSameMessageNeedsNoResultOfItsOwn() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1), call("b", 2), call("a", 1)),
        Message.tool(result("a"), result("b")), Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("REPEATED_CALL@1:a");
  }

  @Test
  void aResultAfterTheLastCallsResultInTheBlockIsASecondResult() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1), call("b", 2)),
        Message.tool(result("a"), result("b"), result("b")), Message.tool(result("a")), Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("DUPLICATE_RESULT@2:b", "DUPLICATE_RESULT@3:a");
  }

  /** A message of {@code size} contents: calls c0 … and, last, an exact copy of c0; results for the calls. */
  private static List<Message> withCopyAtTheEnd(int size) {
    List<Content> calls = new ArrayList<>();
    List<Content> results = new ArrayList<>();
    for (int k = 0; k < size - 1; k++) {
      calls.add(call("c" + k, k));
      results.add(result("c" + k));
    }
    calls.add(call("c0", 0));
    return List.of(Message.user("go"), new Message(Role.ASSISTANT, calls, Map.of()),
        new Message(Role.TOOL, results, Map.of()), Message.user("x"));
  }

  @Test
  void aCopyInAMessageOfExactly64ContentsNeedsNoResultOfItsOwn() {
    assertThat(found(guard.check(withCopyAtTheEnd(64)))).containsExactly("REPEATED_CALL@1:c0");
    assertThat(found(guard.check(withCopyAtTheEnd(65)))).containsExactly("REPEATED_CALL@1:c0");
    assertThat(found(guard.check(withCopyAtTheEnd(63)))).containsExactly("REPEATED_CALL@1:c0");
  }

  @Test
  void twoCopiesInAMessageOfMoreThan64ContentsNeedNoResultsOfTheirOwn() {
    List<Content> calls = new ArrayList<>();
    List<Content> results = new ArrayList<>();
    for (int k = 0; k < 70; k++) {
      calls.add(call("c" + k, k));
      results.add(result("c" + k));
    }
    calls.add(call("c3", 3));
    calls.add(call("c9", 9));
    List<Message> history = List.of(Message.user("go"), new Message(Role.ASSISTANT, calls, Map.of()),
        new Message(Role.TOOL, results, Map.of()), Message.user("x"));

    assertThat(found(guard.check(history))).containsExactly("REPEATED_CALL@1:c3", "REPEATED_CALL@1:c9");
  }

  @Test
  void violationsComeInTheOrderOfTheirMessages() {
    // the missing result is found after the pass, the empty id during it
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1)), Message.user("x"),
        Message.assistant(call("", 2)), Message.user("y"));

    assertThat(found(guard.check(history))).containsExactly("MISSING_RESULT@1:a", "EMPTY_CALL_ID@3:");
  }

  @Test
  void aNullMessageAfterAFaultIsStillNamedWhenRepairChecksQuickly() {
    List<Message> history = Arrays.asList(Message.user("go"), Message.assistant(call("a", 1)), Message.user("x"),
        null);

    assertThatThrownBy(() -> guard.repair(history)).isInstanceOf(InvalidMessageException.class)
        .hasMessage("history[3] is null; a history holds no null messages");
  }

  @Test
  void withResultsAfterTheirCallsAnOpenCallAnsweredLaterIsValidForRepair() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", 1)), Message.user("x"),
        Message.tool(result("a")), Message.user("y"));

    assertThat(guard.check(history, Dialect.OPENAI_RESPONSES)).isEmpty();
    RepairResult r = guard.repair(history, Dialect.OPENAI_RESPONSES);
    assertThat(r.history()).isSameAs(history);
    assertThat(r.actions()).isEmpty();
  }
}
