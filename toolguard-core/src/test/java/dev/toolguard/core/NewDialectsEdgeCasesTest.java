package dev.toolguard.core;

import static dev.toolguard.core.H.calls;
import static dev.toolguard.core.H.history;
import static dev.toolguard.core.H.res;
import static dev.toolguard.core.H.text;
import static dev.toolguard.core.H.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edges of the four newer dialects' rules (mutation testing found them untested): which turns
 * count as sent, which call a violation names, which messages a rule looks at, and where the actions
 * of a repair point after Gemini's joins and its cut-history turn moved the messages.
 */
class NewDialectsEdgeCasesTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private static Message assistant(Map<String, Object> metadata, Content... contents) {
    return new Message(Role.ASSISTANT, List.of(contents), metadata);
  }

  // ---------------------------------------------------------------- check

  @Test
  void aGeminiCallTurnAfterAnotherModelTurnIsNamedByItsFirstCallToInvoke() {
    ToolCall copy = H.call("shown", "t").asInformational();
    List<Message> h = history(user("q"), text("let me look"),
        Message.assistant(Text.of("now"), copy, H.call("c1", "t")), res("c1"));
    assertThat(guard.check(h, Dialect.GEMINI)).extracting(Violation::code, Violation::messageIndex, Violation::callId)
        .containsExactly(tuple(ViolationCode.CALL_TURN_NOT_AFTER_USER, 2, "c1"));
  }

  @Test
  void anEmptyModelTurnIsSentSoACallTurnAfterItIsNotAfterTheUser() {
    List<Message> h = history(user("q"), new Message(Role.ASSISTANT, List.of(), Map.of()), calls("c1"), res("c1"));
    assertThat(guard.check(h, Dialect.GEMINI)).extracting(Violation::code, Violation::messageIndex)
        .contains(tuple(ViolationCode.CALL_TURN_NOT_AFTER_USER, 2));
  }

  @Test
  void aGeminiCallTurnMayFollowResultsAndATextTurnMayFollowATextTurn() {
    List<Message> h = history(user("q"), calls("c1"), res("c1"), calls("c2"), res("c2"), text("a"), text("b"));
    assertThat(guard.check(h, Dialect.GEMINI)).isEmpty();
  }

  @Test
  void onlyBedrockRefusesAnEmptyErrorResultAndOnlyInResults() {
    ToolResult empty = new ToolResult("c1", "t", " ", true, Map.of());
    List<Message> h = history(user("q"), calls("c1"), Message.tool(empty), text("sorry"));
    assertThat(guard.check(h, Dialect.BEDROCK_CONVERSE)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(tuple(ViolationCode.EMPTY_ERROR_RESULT, 2));
    for (Dialect d : List.of(Dialect.GEMINI, Dialect.OLLAMA, Dialect.OPENAI_CHAT, Dialect.ANTHROPIC)) {
      assertThat(guard.check(h, d)).as("%s", d).isEmpty();
    }
  }

  @Test
  void aSecondResultOfOneOllamaCallIsADuplicateNotOutOfOrder() {
    List<Message> h = history(user("q"), calls("c1", "c2"), res("c1"), res("c1"), res("c2"), text("done"));
    assertThat(guard.check(h, Dialect.OLLAMA)).extracting(Violation::code)
        .doesNotContain(ViolationCode.RESULT_OUT_OF_ORDER)
        .contains(ViolationCode.DUPLICATE_RESULT);
  }

  // ---------------------------------------------------------------- repair

  @Test
  void everyEmptyErrorResultOfABedrockMessageGetsTheText() {
    List<Message> h = history(user("q"), calls("c1", "c2"),
        Message.tool(new ToolResult("c1", "t", "", true, Map.of()), new ToolResult("c2", "t", "", true, Map.of())),
        text("sorry"));
    RepairResult r = guard.repair(h, Dialect.BEDROCK_CONVERSE);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId, ToolResult::output)
        .containsExactly(tuple("c1", "The tool failed and gave no reason."),
            tuple("c2", "The tool failed and gave no reason."));
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::callId, RepairAction::toIndex)
        .containsExactly(tuple(RepairAction.Kind.SYNTHESIZE, "c1", 2), tuple(RepairAction.Kind.SYNTHESIZE, "c2", 2));
  }

  @Test
  void aJoinedGeminiTurnKeepsTheMetadataOfBothTheFirstTurnWinning() {
    List<Message> h = history(user("q"),
        assistant(Map.of("said", "first", "shared", "text turn"), Text.of("let me look")),
        assistant(Map.of("called", "second", "shared", "call turn"), H.call("c1", "t")), res("c1"));
    RepairResult r = guard.repair(h, Dialect.GEMINI);
    assertThat(r.history()).hasSize(3);
    assertThat(r.history().get(1).metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("said", "first", "called", "second", "shared", "text turn"));
  }

  @Test
  void actionsPointAtTheirMessagesAfterTwoGeminiJoins() {
    // c2's result is lost: core answers it; then both call turns join the text turns before them
    List<Message> h = history(user("q"), text("a"), calls("c1"), res("c1"), text("b"), calls("c2"), user("q2"),
        text("done"));
    RepairResult r = guard.repair(h, Dialect.GEMINI);
    assertThat(r.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.ASSISTANT, Role.TOOL, Role.USER, Role.ASSISTANT);
    assertThat(r.history().get(3).toolCalls()).extracting(ToolCall::callId).containsExactly("c2");
    assertThat(r.history().get(4).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::callId, RepairAction::toIndex)
        .containsExactly(tuple(RepairAction.Kind.SYNTHESIZE, "c2", 4), tuple(RepairAction.Kind.MOVE, "c1", 1),
            tuple(RepairAction.Kind.MOVE, "c2", 3));
    assertThat(guard.check(r.history(), Dialect.GEMINI)).isEmpty();
  }

  @Test
  void actionsPointAtTheirMessagesAfterAJoinAndTheCutHistoryTurn() {
    // the history was cut before its first user turn; c2's result is lost (core answers it in a
    // message of its own after c1's)
    List<Message> h = history(H.system("s"), text("hi"), calls("c1", "c2"), res("c1"), text("done"));
    RepairResult r = guard.repair(h, Dialect.GEMINI);
    assertThat(r.history()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT,
        Role.TOOL, Role.TOOL, Role.ASSISTANT);
    assertThat(r.history().get(1).text()).isEqualTo(RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
    assertThat(r.history().get(4).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::callId, RepairAction::toIndex)
        .containsExactly(tuple(RepairAction.Kind.SYNTHESIZE, "c2", 4), tuple(RepairAction.Kind.MOVE, "c1", 2),
            tuple(RepairAction.Kind.SYNTHESIZE, "", 1));
    assertThat(guard.check(r.history(), Dialect.GEMINI)).isEmpty();
  }

  @Test
  void aModelTurnOfApprovalCopiesOnlyIsNotSentSoItJoinsNothing() {
    // a turn that only shows a call for approval sends nothing: the call turn after it follows the user
    ToolCall shown = H.call("c0", "t").asInformational();
    List<Message> h = history(user("q"), Message.assistant(shown), calls("c1"), res("c1"), text("done"));
    assertThat(guard.check(h, Dialect.GEMINI)).extracting(Violation::code)
        .doesNotContain(ViolationCode.CALL_TURN_NOT_AFTER_USER);
    assertThat(guard.repair(h, Dialect.GEMINI).actions()).extracting(RepairAction::kind)
        .doesNotContain(RepairAction.Kind.MOVE);
  }

  @Test
  void anActionOnAMessageBeforeALaterJoinKeepsItsPlace() {
    // c1's result is lost (core answers it at 3); then both call turns join the text turns before them
    List<Message> h = history(user("q"), text("a"), calls("c1"), text("b"), calls("c2"), res("c2"), text("done"));
    RepairResult r = guard.repair(h, Dialect.GEMINI);
    assertThat(r.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("c1");
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::callId, RepairAction::toIndex)
        .containsExactly(tuple(RepairAction.Kind.SYNTHESIZE, "c1", 2), tuple(RepairAction.Kind.MOVE, "c1", 1),
            tuple(RepairAction.Kind.MOVE, "c2", 3));
  }

  @Test
  void anActionOnTheFirstCallTurnMovesWithItBehindTheCutHistoryTurn() {
    // the first turn calls one id twice: core renames the second call (an action on message 0), then the
    // cut-history user turn goes first
    Message twice = Message.assistant(ToolCall.of("c1", "t", "{\"n\":1}"), ToolCall.of("c1", "t", "{\"n\":2}"));
    List<Message> h = history(twice, H.results("c1", "c1"), text("done"));
    RepairResult r = guard.repair(h, Dialect.GEMINI);
    assertThat(r.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.ASSISTANT);
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::toIndex)
        .containsExactly(tuple(RepairAction.Kind.RENAME, 1), tuple(RepairAction.Kind.SYNTHESIZE, 0));
    // the same after a system message: the first call turn is message 1, then 2
    List<Message> withSystem = history(H.system("s"), twice, H.results("c1", "c1"), text("done"));
    assertThat(guard.repair(withSystem, Dialect.GEMINI).actions()).extracting(RepairAction::kind,
        RepairAction::toIndex).containsExactly(tuple(RepairAction.Kind.RENAME, 2), tuple(RepairAction.Kind.SYNTHESIZE, 1));
  }

  @Test
  void aHistoryOfSystemMessagesOnlyHasNoFirstTurnToCut() {
    List<Message> h = history(H.system("s"), H.system("t"));
    assertThat(guard.check(h, Dialect.GEMINI)).isEmpty();
    assertThat(guard.repair(h, Dialect.GEMINI).history()).isSameAs(h);
    // with a broken result, so that repair walks it: nothing to put first
    List<Message> stray = history(H.system("s"), res("gone"));
    RepairResult r = guard.repair(stray, Dialect.GEMINI);
    assertThat(r.history()).containsExactly(H.system("s"));
  }

  @Test
  void theViolationsSayWhatIsWrongInWords() {
    List<Message> first = history(H.system("s"), calls("c1"), res("c1"));
    assertThat(guard.check(first, Dialect.GEMINI)).extracting(Violation::detail)
        .containsExactly("the history starts with a turn with calls; the first turn must be the user's");
    List<Message> after = history(user("q"), text("a"), calls("c1"), res("c1"));
    assertThat(guard.check(after, Dialect.GEMINI)).extracting(Violation::detail)
        .containsExactly("a turn with calls follows another assistant turn, not a user turn or results");
    List<Message> emptyError = history(user("q"), calls("c1"),
        Message.tool(new ToolResult("c1", "t", "", true, Map.of())), text("sorry"));
    assertThat(guard.check(emptyError, Dialect.BEDROCK_CONVERSE)).extracting(Violation::detail)
        .containsExactly("the error result of call c1 has no content");
    List<Message> withoutId = history(user("q"), Message.tool(new ToolResult("", "t", " ", true, Map.of())));
    assertThat(guard.check(withoutId, Dialect.BEDROCK_CONVERSE)).extracting(Violation::code, Violation::detail)
        .contains(tuple(ViolationCode.EMPTY_ERROR_RESULT, "the error result of call (without id) has no content"));
  }
}
