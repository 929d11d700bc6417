package dev.toolguard.core;

import static dev.toolguard.core.H.calls;
import static dev.toolguard.core.H.history;
import static dev.toolguard.core.H.res;
import static dev.toolguard.core.H.results;
import static dev.toolguard.core.H.synthetic;
import static dev.toolguard.core.H.text;
import static dev.toolguard.core.H.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.RepairAction.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per failure class of DESIGN.md: the exact violations, the exact repair and its report. */
class HistoryGuardRepairTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private RepairResult repairValidly(List<Message> broken) {
    assertThat(guard.check(broken)).isNotEmpty();
    RepairResult r = guard.repair(broken);
    assertThat(guard.check(r.history())).as("repaired history is valid").isEmpty();
    RepairResult again = guard.repair(r.history());
    assertThat(again.history()).as("repair is idempotent").isSameAs(r.history());
    assertThat(again.actions()).isEmpty();
    return r;
  }

  private static List<String> report(RepairResult r) {
    return r.actions().stream().map(RepairAction::toString).toList();
  }

  @Test
  void validHistoryComesBackAsTheSameInstance() {
    List<Message> valid = history(H.system("be brief"), user("hi"), calls("c1", "c2"), res("c2"), res("c1"),
        text("done"));
    assertThat(guard.check(valid)).isEmpty();
    RepairResult r = guard.repair(valid);
    assertThat(r.history()).isSameAs(valid);
    assertThat(r.changed()).isFalse();
  }

  @Test
  void userMessageBetweenCallAndResultMovesAfterTheResult() {
    List<Message> broken = history(user("weather?"), calls("c1"), user("hurry up"), res("c1"), text("sunny"));
    assertThat(guard.check(broken)).extracting(Violation::code, Violation::messageIndex, Violation::callId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ViolationCode.MISPLACED_RESULT, 3, "c1"));

    RepairResult r = repairValidly(broken);

    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(3), broken.get(2),
        broken.get(4));
    assertThat(report(r)).containsExactly(
        "MOVE c1 [3 -> 2]: moved the result of call c1 to directly after its call");
  }

  @Test
  void assistantTextBetweenCallAndResultMovesAfterTheResult() {
    List<Message> broken = history(user("q"), calls("c1"), text("still working"), res("c1"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(3), broken.get(2));
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.MOVE);
  }

  @Test
  void resultWhoseCallWasEvictedIsDropped() {
    List<Message> broken = history(res("c0"), user("and now?"), calls("c1"), res("c1"), text("ok"));
    assertThat(guard.check(broken)).singleElement().satisfies(v -> {
      assertThat(v.code()).isEqualTo(ViolationCode.ORPHAN_RESULT);
      assertThat(v.messageIndex()).isZero();
      assertThat(v.providerError(Dialect.OPENAI_CHAT)).isEqualTo(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
      assertThat(v.providerError(Dialect.OPENAI_RESPONSES))
          .isEqualTo("No tool call found for function call output with call_id c0.");
    });
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(1), broken.get(2), broken.get(3), broken.get(4));
    assertThat(report(r)).containsExactly("DROP c0 [0 -> -]: removed result c0: it answers no call in the history");
  }

  @Test
  void replayedServerSideOutputWithoutItsCallIsDropped() {
    List<Message> broken = history(user("list files"), text("calling the server tool"), res("mcp_0a1b2c"),
        user("thanks"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(3));
    assertThat(r.actions()).extracting(RepairAction::kind, RepairAction::callId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.DROP, "mcp_0a1b2c"));
  }

  @Test
  void trailingCallWithoutResultGetsASyntheticErrorResult() {
    List<Message> broken = history(user("book it"), calls("c1"));
    assertThat(guard.check(broken)).singleElement().satisfies(v -> {
      assertThat(v.code()).isEqualTo(ViolationCode.MISSING_RESULT);
      assertThat(v.providerError(Dialect.OPENAI_CHAT)).isEqualTo(
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
              + " 'tool_call_id'. The following tool_call_ids did not have response messages: c1");
      assertThat(v.providerError(Dialect.ANTHROPIC)).isEqualTo(
          "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: c1. Each"
              + " `tool_use` block must have a corresponding `tool_result` block in the next message.");
    });
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), Message.tool(synthetic("c1", "t")));
    ToolResult made = (ToolResult) r.history().get(2).contents().get(0);
    assertThat(made.synthetic()).isTrue();
    assertThat(made.error()).isTrue();
    assertThat(made.output()).isEqualTo(
        "Tool call c1 (t) did not complete: its result was lost before it was recorded. Do not assume that it ran.");
    assertThat(report(r)).containsExactly(
        "SYNTHESIZE c1 [- -> 2]: call c1 of tool 't' had no result anywhere; added an error result");
  }

  @Test
  void crashAfterTheAssistantMessageThenTheUserGoesOn() {
    List<Message> broken = history(user("pay"), calls("c1"), user("did it work?"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), Message.tool(synthetic("c1", "t")),
        broken.get(2));
  }

  @Test
  void parallelCallsWithSomeResultsMissingShuffledAndSplit() {
    List<Message> broken = history(user("go"), calls("a", "b", "c", "d"), res("c"), res("a"), user("?"),
        res("b"), text("x"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), res("a"), res("b"), res("c"),
        Message.tool(synthetic("d", "t")), broken.get(4), broken.get(6));
    assertThat(report(r)).containsExactly(
        "MOVE b [5 -> 3]: moved the result of call b to directly after its call",
        "SYNTHESIZE d [- -> 5]: call d of tool 't' had no result anywhere; added an error result");
  }

  @Test
  void shuffledParallelResultsAloneAreValid() {
    List<Message> valid = history(user("go"), calls("a", "b", "c"), res("c"), res("a"), res("b"));
    assertThat(guard.check(valid)).isEmpty();
    assertThat(guard.repair(valid).history()).isSameAs(valid);
  }

  @Test
  void resultThatArrivesBeforeItsCall() {
    List<Message> broken = history(user("go"), res("c1"), calls("c1"), text("done"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(2), broken.get(1), broken.get(3));
    assertThat(report(r)).containsExactly(
        "MOVE c1 [1 -> 2]: moved the result of call c1 to directly after its call");
  }

  @Test
  void resultThatArrivesTwoTurnsLate() {
    List<Message> broken = history(user("go"), calls("c1"), user("and?"), text("waiting"), user("hello?"),
        res("c1"), text("done"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(5), broken.get(2),
        broken.get(3), broken.get(4), broken.get(6));
  }

  @Test
  void rewrittenIdIsReboundToTheOnlyCallItCanAnswer() {
    Message call = Message.assistant(H.call("call_abc", "weather"));
    Message stored = Message.tool(ToolResult.of("call_6f1e2d", "weather", "sunny"));
    List<Message> broken = history(user("weather?"), call, stored, text("sunny"));
    RepairResult r = repairValidly(broken);
    ToolResult rebound = (ToolResult) r.history().get(2).contents().get(0);
    assertThat(rebound.callId()).isEqualTo("call_abc");
    assertThat(rebound.output()).isEqualTo("sunny");
    assertThat(rebound.metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "call_6f1e2d");
    assertThat(report(r)).containsExactly(
        "REBIND call_6f1e2d -> call_abc [2 -> 2]: result call_6f1e2d matched no call; bound it to call call_abc"
            + " of tool 'weather', the only unanswered call of its turn it can answer");
  }

  @Test
  void rewrittenIdsAreReboundByToolNameAmongParallelCalls() {
    Message call = Message.assistant(H.call("c1", "weather"), H.call("c2", "time"));
    Message r1 = Message.tool(ToolResult.of("db_2", "time", "noon"));
    Message r2 = Message.tool(ToolResult.of("db_1", "weather", "rain"));
    RepairResult r = repairValidly(history(user("?"), call, r1, r2));
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId, ToolResult::output)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", "rain"));
    assertThat(r.history().get(3).toolResults()).extracting(ToolResult::callId, ToolResult::output)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c2", "noon"));
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.REBIND, Kind.REBIND);
  }

  @Test
  void rebindNeverGuessesBetweenTwoCandidates() {
    Message call = Message.assistant(H.call("c1", "search"), H.call("c2", "search"));
    Message stray = Message.tool(ToolResult.of("x9", null, "found"));
    RepairResult r = repairValidly(history(user("?"), call, stray));
    assertThat(r.history()).containsExactly(user("?"), call, Message.tool(synthetic("c1", "search"),
        synthetic("c2", "search")));
    assertThat(r.actions()).extracting(RepairAction::kind)
        .containsExactly(Kind.SYNTHESIZE, Kind.SYNTHESIZE, Kind.DROP);
  }

  @Test
  void rebindCanBeTurnedOff() {
    Message call = Message.assistant(H.call("call_abc", "weather"));
    Message stored = Message.tool(ToolResult.of("call_6f1e2d", "weather", "sunny"));
    RepairResult r = HistoryGuard.of(RepairPolicy.builder().rebind(false).build()).repair(history(call, stored));
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.SYNTHESIZE, Kind.DROP);
  }

  @Test
  void duplicateResultsKeepOneAndPreferTheSuccessfulOne() {
    Message failed = Message.tool(ToolResult.error("c1", "t", "timeout"));
    Message retried = Message.tool(ToolResult.of("c1", "t", "ok"));
    List<Message> broken = history(user("go"), calls("c1"), failed, retried, text("done"));
    assertThat(guard.check(broken)).extracting(Violation::code).containsExactly(ViolationCode.DUPLICATE_RESULT);
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), retried, broken.get(4));
    assertThat(report(r)).containsExactly(
        "DEDUPLICATE c1 [2 -> -]: removed a second result for call c1; kept the first successful one");
  }

  @Test
  void duplicateResultAfterALaterTurnIsRemoved() {
    List<Message> broken = history(user("go"), calls("c1"), res("c1"), text("done"), user("again"), res("c1"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(2), broken.get(3),
        broken.get(4));
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.DEDUPLICATE);
  }

  @Test
  void callIdReusedInALaterTurnIsRenamedWithItsResult() {
    Message other = Message.assistant(ToolCall.of("c1", "t", "{\"q\":\"other\"}"));
    List<Message> broken = history(user("1"), calls("c1"), res("c1"), user("2"), other, res("c1"));
    assertThat(guard.check(broken)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ViolationCode.DUPLICATE_CALL_ID, 4));
    RepairResult r = repairValidly(broken);
    ToolCall renamed = r.history().get(4).toolCalls().get(0);
    assertThat(renamed.callId()).isEqualTo("c1_2");
    assertThat(renamed.metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "c1");
    assertThat(r.history().get(5).toolResults().get(0).callId()).isEqualTo("c1_2");
    assertThat(r.history().subList(0, 4)).containsExactlyElementsOf(broken.subList(0, 4));
    assertThat(report(r)).containsExactly(
        "RENAME c1 -> c1_2 [4 -> 4]: call id c1 was already used by an earlier call; renamed this call and its"
            + " result to c1_2");
  }

  @Test
  void resultWithoutIdIsReboundWhenUnambiguous() {
    Message stored = Message.tool(ToolResult.of("", null, "42"));
    List<Message> broken = history(user("?"), calls("c1"), stored);
    assertThat(guard.check(broken)).extracting(Violation::code)
        .containsExactly(ViolationCode.MISSING_RESULT, ViolationCode.EMPTY_RESULT_ID);
    RepairResult r = repairValidly(broken);
    assertThat(r.history().get(2).toolResults().get(0).callId()).isEqualTo("c1");
    assertThat(report(r)).containsExactly("REBIND (no id) -> c1 [2 -> 2]: result (without id) matched no call;"
        + " bound it to call c1 of tool 't', the only unanswered call of its turn it can answer");
  }

  @Test
  void callWithoutIdGetsAFreshIdAndItsResultIsReboundTo() {
    Message call = Message.assistant(ToolCall.of("", "t", "{}"));
    Message stored = Message.tool(ToolResult.of("", null, "42"));
    RepairResult r = repairValidly(history(user("?"), call, stored));
    assertThat(r.history().get(1).toolCalls().get(0).callId()).isEqualTo("toolguard_call_2");
    assertThat(r.history().get(2).toolResults().get(0).callId()).isEqualTo("toolguard_call_2");
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.RENAME, Kind.REBIND);
  }

  @Test
  void emptyMessagesAreDropped() {
    Message empty = new Message(Role.ASSISTANT, List.of(), Map.of());
    List<Message> broken = history(user("hi"), empty, text("hello"));
    assertThat(guard.check(broken)).extracting(Violation::code).containsExactly(ViolationCode.EMPTY_MESSAGE);
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(2));
    assertThat(report(r)).containsExactly("DROP (no id) [1 -> -]: removed an empty ASSISTANT message");
  }

  @Test
  void twoAssistantCallMessagesBackToBack() {
    List<Message> broken = history(user("go"), calls("c1"), calls("c2"), res("c1"), res("c2"), text("done"));
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), broken.get(3), broken.get(2),
        broken.get(4), broken.get(5));
    assertThat(report(r)).containsExactly(
        "MOVE c1 [3 -> 2]: moved the result of call c1 to directly after its call");
  }

  @Test
  void resultsGroupedInOneToolMessageAreSplitOnlyWhereNeeded() {
    Message both = Message.tool(H.result("a", "t"), H.result("b", "t"));
    List<Message> broken = history(user("go"), calls("a"), user("x"), calls("b"), both);
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), broken.get(1), res("a"), broken.get(2), broken.get(3),
        res("b"));
  }

  @Test
  void metadataAndOpaqueItemsStayWithTheirContents() {
    Opaque reasoning = new Opaque("reasoning", "rs_1:encrypted", Map.of("id", "rs_1"));
    ToolCall call = new ToolCall("c1", "t", "{}", false, Map.of("item_id", "fc_1"));
    Message assistant = new Message(Role.ASSISTANT, List.of(reasoning, call), Map.of("provider", "x"));
    Message result = new Message(Role.TOOL, List.of(new ToolResult("c1", "t", "ok", false, Map.of("k", "v"))),
        Map.of("stored_at", "db"));
    RepairResult r = repairValidly(history(user("go"), assistant, user("typed meanwhile"), result));
    assertThat(r.history().get(1)).isSameAs(assistant);
    assertThat(r.history().get(2)).isSameAs(result);
  }

  @Test
  void longHistoryWithManyFaultsAtOnce() {
    List<Message> broken = new ArrayList<>();
    for (int turn = 0; turn < 300; turn++) {
      broken.add(user("turn " + turn));
      String a = "a" + turn;
      String b = "b" + turn;
      broken.add(calls(a, b));
      switch (turn % 6) {
        case 0 -> broken.add(results(a, b));
        case 1 -> { broken.add(user("interjection " + turn)); broken.add(results(a, b)); }
        case 2 -> broken.add(res(a)); // b lost
        case 3 -> { broken.add(res(b)); broken.add(res(a)); broken.add(res(a)); } // duplicate
        case 4 -> broken.add(res("orphan" + turn));
        default -> { broken.add(results(a, b)); broken.add(res("late" + (turn - 5))); }
      }
      broken.add(text("answer " + turn));
    }
    RepairResult r = repairValidly(broken);
    List<String> saidBefore = broken.stream().filter(m -> m.role() != Role.TOOL && !m.hasToolCalls())
        .map(Message::text).toList();
    List<String> saidAfter = r.history().stream().filter(m -> m.role() != Role.TOOL && !m.hasToolCalls())
        .map(Message::text).toList();
    assertThat(saidAfter).isEqualTo(saidBefore);
    assertThat(r.actions()).extracting(RepairAction::kind).contains(Kind.MOVE, Kind.SYNTHESIZE, Kind.DEDUPLICATE,
        Kind.DROP);
  }

  @Test
  void approvalResponsesThatMatchNoRequestAreDropped() {
    ToolCall call = H.call("c1", "pay");
    ApprovalRequest request = ApprovalRequest.of(call);
    Message asked = Message.assistant(request);
    ApprovalResponse ok = ApprovalResponse.approve(request);
    ApprovalResponse forged = ApprovalResponse.approve(ApprovalRequest.of(H.call("c9", "pay")));
    ApprovalResponse other = new ApprovalResponse("c1", ToolCall.of("c1", "pay", "{\"q\":\"other\"}"),
        new ApprovalResponse.Decision.Approve(), Map.of());
    List<Message> broken = history(user("pay"), asked, Message.of(Role.USER, ok, forged), Message.of(Role.USER,
        other), Message.of(Role.USER, ok));
    assertThat(guard.check(broken)).extracting(Violation::code).containsExactly(ViolationCode.UNMATCHED_APPROVAL,
        ViolationCode.APPROVAL_MISMATCH, ViolationCode.DUPLICATE_APPROVAL);
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), asked, Message.of(Role.USER, ok));
  }

  @Test
  void approvalResponseMatchesByValueAfterReformattedArguments() {
    ApprovalRequest request = ApprovalRequest.of(ToolCall.of("c1", "pay", "{\"to\":\"bob\",\"amount\":5}"));
    ApprovalResponse response = new ApprovalResponse("c1",
        ToolCall.of("c1", "pay", "{ \"amount\": 5,\n \"to\": \"bob\" }"), new ApprovalResponse.Decision.Approve(),
        Map.of());
    assertThat(guard.check(history(Message.assistant(request), Message.of(Role.USER, response)))).isEmpty();
  }

  @Test
  void aResultAnsweringAWaitingClientCallIsValidKeptAndNeverSent() {
    ApprovalRequest waiting = new ApprovalRequest("c2", H.call("c2", "device"),
        Map.of(Metadata.PENDING, Metadata.PENDING_CLIENT));
    Message asked = Message.assistant(H.call("c1", "t"), waiting);
    Message answer = Message.tool(ToolResult.of("c2", "device", "48.85,2.35"));
    List<Message> valid = history(user("where?"), asked, res("c1"), answer);
    assertThat(guard.check(valid)).isEmpty();
    assertThat(ProviderView.of(valid)).containsExactly(user("where?"), Message.assistant(H.call("c1", "t")),
        res("c1"));

    List<Message> broken = history(user("where?"), asked, user("typed meanwhile"), res("c1"), answer);
    RepairResult r = repairValidly(broken);
    assertThat(r.history()).containsExactly(broken.get(0), asked, res("c1"), broken.get(2), answer);
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(Kind.MOVE);
  }

  @Test
  void nullInputIsAClearError() {
    assertThatThrownBy(() -> guard.check(null)).isInstanceOf(InvalidMessageException.class)
        .hasMessage("history is null; pass a list of messages (it may be empty)");
    List<Message> withNull = new ArrayList<>();
    withNull.add(user("hi"));
    withNull.add(null);
    assertThatThrownBy(() -> guard.repair(withNull)).isInstanceOf(InvalidMessageException.class)
        .hasMessage("history[1] is null; a history holds no null messages");
  }

  @Test
  void requireValidListsTheViolations() {
    assertThatThrownBy(() -> guard.requireValid(history(user("x"), calls("c1"))))
        .isInstanceOf(InvalidHistoryException.class)
        .hasMessage("the history breaks the tool call invariant (1 violation); repair it with HistoryGuard.repair"
            + " or fix the store:\n  MISSING_RESULT at message 1 (callId c1): no result for call c1 anywhere in"
            + " the history");
  }

  @Test
  void missingResultTextIsConfigurable() {
    HistoryGuard custom = HistoryGuard.of(RepairPolicy.builder().missingResultText("{name} {callId} lost").build());
    RepairResult r = custom.repair(history(user("x"), calls("c1")));
    assertThat(r.history().get(2).toolResults().get(0).output()).isEqualTo("t c1 lost");
    assertThatThrownBy(() -> RepairPolicy.builder().missingResultText(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("missingResultText must not be blank");
  }
}
