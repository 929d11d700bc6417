package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repair's edge cases, each with its exact output and actions: the cases PIT found that no test told
 * apart from a slightly different repair (RELIABILITY.md, "Mutation testing"). Each test names the
 * decision it pins.
 */
class RepairEdgeCasesTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  /** The history in one line: role and contents of each message. */
  static String show(List<Message> history) {
    List<String> messages = new ArrayList<>();
    for (Message m : history) {
      List<String> contents = new ArrayList<>();
      for (Content c : m.contents()) {
        if (c instanceof Text t) {
          contents.add(t.text());
        } else if (c instanceof ToolCall call) {
          contents.add("call " + call.callId() + call.argumentsJson());
        } else if (c instanceof ToolResult r) {
          contents.add("result " + r.callId() + "=" + r.output() + (r.error() ? "!" : ""));
        } else if (c instanceof Opaque o) {
          contents.add("opaque " + o.kind());
        } else if (c instanceof ApprovalRequest r) {
          contents.add("request " + r.callId());
        } else if (c instanceof ApprovalResponse r) {
          contents.add("response " + r.callId());
        } else {
          contents.add(c.toString());
        }
      }
      messages.add(m.role() + "[" + String.join(", ", contents) + "]");
    }
    return String.join(" ", messages);
  }

  /** The actions without their details: kind, ids and indexes. */
  static List<String> actions(RepairResult r) {
    List<String> out = new ArrayList<>();
    for (RepairAction a : r.actions()) {
      out.add(a.kind() + " " + a.callId() + (a.newCallId() == null ? "" : "->" + a.newCallId()) + " "
          + a.fromIndex() + "->" + a.toIndex());
    }
    return out;
  }

  private RepairResult repaired(List<Message> history, Dialect dialect) {
    RepairResult r = dialect == null ? guard.repair(history) : guard.repair(history, dialect);
    assertThat(dialect == null ? guard.check(r.history()) : guard.check(r.history(), dialect)).isEmpty();
    return r;
  }

  private static ToolCall call(String id, String name, int n) {
    return ToolCall.of(id, name, "{\"n\":" + n + "}");
  }

  private static ToolResult result(String id, String name, String output) {
    return ToolResult.of(id, name, output);
  }

  // ---- an intact block is kept as it stands (blockIntact)

  @Test
  void anIntactBlockAnsweredOutOfOrderInOneMessageIsKeptAsItStands() {
    Message block = Message.tool(result("b", "t", "B"), result("a", "t", "A"));
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t", 1), call("b", "t", 2)),
        block, Message.user("x"), Message.tool(result("z", "t", "Z")));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo(
        "USER[go] ASSISTANT[call a{\"n\":1}, call b{\"n\":2}] TOOL[result b=B, result a=A] USER[x]");
    assertThat(r.history().get(2)).isSameAs(block);
    assertThat(actions(r)).containsExactly("DROP z 4->-1");
  }

  @Test
  void anIntactBlockAnsweredOutOfOrderInTwoMessagesIsKeptAsItStands() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t", 1), call("b", "t", 2)),
        Message.tool(result("b", "t", "B")), Message.tool(result("a", "t", "A")), Message.user("x"),
        Message.tool(result("z", "t", "Z")));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo(
        "USER[go] ASSISTANT[call a{\"n\":1}, call b{\"n\":2}] TOOL[result b=B] TOOL[result a=A] USER[x]");
    assertThat(r.history().get(2)).isSameAs(history.get(2));
    assertThat(r.history().get(3)).isSameAs(history.get(3));
    assertThat(actions(r)).containsExactly("DROP z 5->-1");
  }

  // ---- which of the calls sharing an id a result answers (owner, Slot.unanswered)

  @Test
  void twoCallsOfOneIdInOneMessageTakeTheirResultsInOrder() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t", 1), call("a", "t", 2)),
        Message.tool(result("a", "t", "first"), result("a", "t", "second")), Message.user("x"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}, call a_2{\"n\":2}]"
        + " TOOL[result a=first, result a_2=second] USER[x]");
    assertThat(actions(r)).containsExactly("RENAME a->a_2 1->1");
    ToolResult renamed = r.history().get(2).toolResults().get(1);
    assertThat(renamed.metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "a");
  }

  @Test
  void aFreshIdSkipsIdsTheHistoryAlreadyUses() {
    List<Message> history = List.of(Message.user("go"),
        Message.assistant(call("a", "t", 1), call("a", "t", 2), call("a_2", "t", 3)),
        Message.tool(result("a", "t", "A1"), result("a", "t", "A2"), result("a_2", "t", "A3")), Message.user("x"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}, call a_3{\"n\":2}, call a_2{\"n\":3}]"
        + " TOOL[result a=A1, result a_3=A2, result a_2=A3] USER[x]");
    assertThat(actions(r)).containsExactly("RENAME a->a_3 1->1");
  }

  // ---- rebinding in the first message (rebind's a < 0, turnOf's i >= 0)

  @Test
  void aResultWithAnUnknownIdRebindsInAHistoryThatStartsWithTheCalls() {
    List<Message> history = List.of(Message.assistant(call("a", "t1", 1), call("b", "t2", 2)),
        Message.tool(result("a", "t1", "A"), result("zz", "t2", "B")), Message.user("next"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo(
        "ASSISTANT[call a{\"n\":1}, call b{\"n\":2}] TOOL[result a=A, result b=B] USER[next]");
    assertThat(actions(r)).containsExactly("REBIND zz->b 1->1");
  }

  // ---- a history cut before its first user turn (userFirst)

  @Test
  void aUserTurnPutFirstMovesEveryLaterActionOnePlaceDown() {
    List<Message> history = List.of(Message.assistant(call("", "t", 1)), Message.user("hi"));

    RepairResult r = repaired(history, Dialect.ANTHROPIC);

    assertThat(show(r.history())).isEqualTo("USER[" + RepairPolicy.ofDefaults().cutHistoryText() + "]"
        + " ASSISTANT[call toolguard_call_2{\"n\":1}] TOOL[result toolguard_call_2="
        + RepairPolicy.ofDefaults().missingResultText(call("toolguard_call_2", "t", 1)) + "!] USER[hi]");
    assertThat(actions(r)).containsExactly(
        "RENAME ->toolguard_call_2 0->1", "SYNTHESIZE toolguard_call_2 -1->2", "SYNTHESIZE  -1->0");
  }

  @Test
  void aHistoryOfSystemMessagesOnlyGetsNoUserTurn() {
    List<Message> history = List.of(Message.system("be brief"), new Message(Role.TOOL, List.of(), Map.of()));

    RepairResult r = repaired(history, Dialect.ANTHROPIC);

    assertThat(show(r.history())).isEqualTo("SYSTEM[be brief]");
    assertThat(actions(r)).containsExactly("DROP  1->-1");
    assertThat(r.actions().get(0).detail()).isEqualTo("removed an empty tool message");
  }

  // ---- approval responses that answer nothing (assignCalls' scan of user messages, findStrayApprovals)

  @Test
  void anApprovalResponseWithoutARequestIsDropped() {
    ApprovalResponse forged = ApprovalResponse.approve(ApprovalRequest.of(call("c9", "pay", 1)));
    List<Message> history = List.of(Message.user("pay"), Message.of(Role.USER, Text.of("yes"), forged),
        Message.assistant("ok"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[pay] USER[yes] ASSISTANT[ok]");
    assertThat(actions(r)).containsExactly("DROP c9 1->-1");
    assertThat(r.actions().get(0).detail()).isEqualTo("removed an approval response for c9: it answers no approval request");
  }

  @Test
  void theSecondResponseToOneRequestIsTheOneDropped() {
    ApprovalRequest request = ApprovalRequest.of(call("c1", "pay", 1));
    List<Message> history = List.of(Message.user("pay"), Message.assistant(request),
        Message.of(Role.USER, ApprovalResponse.approve(request)),
        Message.of(Role.USER, Text.of("again"), ApprovalResponse.approve(request)));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[pay] ASSISTANT[request c1] USER[response c1] USER[again]");
    assertThat(actions(r)).containsExactly("DROP c1 3->-1");
    assertThat(r.actions().get(0).detail()).isEqualTo("removed an approval response for c1: the request is already answered");
  }

  // ---- the thinking of a replayed turn goes with it (dropThinkingOfReplayedTurn)

  private static List<Message> replay(Content... replayed) {
    return List.of(Message.user("go"), Message.assistant(Opaque.of("thinking", "hm"), call("a", "t", 1)),
        Message.tool(result("a", "t", "A")), Message.user("again"), Message.assistant(replayed),
        Message.tool(result("a", "t", "A again")), Message.user("end"));
  }

  @Test
  void aReplayedTurnGoesWithTheThinkingBeforeItsCall() {
    RepairResult r = repaired(replay(Opaque.of("thinking", "hm"), call("a", "t", 1)), null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[opaque thinking, call a{\"n\":1}] TOOL[result a=A]"
        + " USER[again] USER[end]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE a 4->-1", "DROP a 4->-1", "DEDUPLICATE a 5->-1");
    assertThat(r.actions().get(1).detail()).startsWith("removed a thinking block before call a");
  }

  @Test
  void onlyTheThinkingRightBeforeAReplayedCallGoes() {
    RepairResult r = repaired(replay(Opaque.of("compaction", "x"), Opaque.of("redacted_thinking", "r"),
        Opaque.of("thinking", "hm"), call("a", "t", 1)), null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[opaque thinking, call a{\"n\":1}] TOOL[result a=A]"
        + " USER[again] ASSISTANT[opaque compaction] USER[end]");
    assertThat(actions(r)).containsExactly(
        "DEDUPLICATE a 4->-1", "DROP a 4->-1", "DROP a 4->-1", "DEDUPLICATE a 5->-1");
    assertThat(r.actions().get(1).detail()).startsWith("removed a thinking block");
    assertThat(r.actions().get(2).detail()).startsWith("removed a redacted_thinking block");
  }

  @Test
  void aTurnWithAFreshCallBesideTheReplayedOneKeepsItsThinking() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t", 1)),
        Message.tool(result("a", "t", "A")), Message.user("again"),
        Message.assistant(Opaque.of("thinking", "hm"), call("a", "t", 1), call("b", "t", 2)),
        Message.tool(result("b", "t", "B")), Message.user("end"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}] TOOL[result a=A] USER[again]"
        + " ASSISTANT[opaque thinking, call b{\"n\":2}] TOOL[result b=B] USER[end]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE a 4->-1");
  }

  // ---- a moved result keeps its message (groupMessage)

  @Test
  void aResultMovedFromTheFirstMessageKeepsThatMessage() {
    Message early = new Message(Role.TOOL, List.of(result("a", "t", "A")), Map.of("store", "s1"));
    List<Message> history = List.of(early, Message.user("go"), Message.assistant(call("a", "t", 1)),
        Message.user("x"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}] TOOL[result a=A] USER[x]");
    assertThat(r.history().get(2)).isSameAs(early);
    assertThat(actions(r)).containsExactly("MOVE a 0->2");
  }

  // ---- results allowed after their calls (OpenAI Responses: placed, resultsInPlace)

  @Test
  void withResultsAfterTheirCallsALateResultBeatsAnEarlierOneBeforeTheCall() {
    List<Message> history = List.of(Message.user("go"), Message.tool(result("c1", "t", "early")),
        Message.assistant(call("c1", "t", 1)), Message.user("x"), Message.tool(result("c1", "t", "late")),
        Message.user("end"));

    RepairResult r = repaired(history, Dialect.OPENAI_RESPONSES);

    assertThat(show(r.history())).isEqualTo(
        "USER[go] ASSISTANT[call c1{\"n\":1}] USER[x] TOOL[result c1=late] USER[end]");
    assertThat(r.history().get(3)).isSameAs(history.get(4));
    assertThat(actions(r)).containsExactly("DEDUPLICATE c1 1->-1");
  }

  @Test
  void withResultsAfterTheirCallsARebindResultStaysWhereItStandsUnderItsNewId() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t1", 1), call("b", "t2", 2)),
        Message.tool(result("a", "t1", "A")), Message.user("x"), Message.tool(result("zz", "t2", "B")),
        Message.user("end"));

    RepairResult r = repaired(history, Dialect.OPENAI_RESPONSES);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}, call b{\"n\":2}] TOOL[result a=A]"
        + " USER[x] TOOL[result b=B] USER[end]");
    assertThat(r.history().get(4).toolResults().get(0).metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "zz");
    assertThat(actions(r)).containsExactly("REBIND zz->b 4->4");
  }

  // ---- which of several results of one call is kept (better, chooseResults, owner, inBlock)

  @Test
  void ofTwoResultsInTheBlockTheEarlierMessageWinsWhateverTheirPositions() {
    // the first result is second in its message, the later one first in its own
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("x", "t", 1), call("c1", "t", 2)),
        Message.tool(result("x", "t", "X"), result("c1", "t", "first")), Message.tool(result("c1", "t", "second")),
        Message.user("end"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call x{\"n\":1}, call c1{\"n\":2}]"
        + " TOOL[result x=X, result c1=first] USER[end]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE c1 3->-1");
  }

  @Test
  void ofThreeResultsOfOneCallTheFirstIsKept() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("c1", "t", 1)),
        Message.tool(result("c1", "t", "A"), result("c1", "t", "B"), result("c1", "t", "C")), Message.user("end"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call c1{\"n\":1}] TOOL[result c1=A] USER[end]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE c1 2->-1", "DEDUPLICATE c1 2->-1");
  }

  @Test
  void aThirdResultForTwoCallsOfOneIdGoesToTheFirstAndIsDropped() {
    List<Message> history = List.of(Message.user("go"), Message.assistant(call("a", "t", 1), call("a", "t", 2)),
        Message.tool(result("a", "t", "first"), result("a", "t", "second"), result("a", "t", "third")),
        Message.user("x"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}, call a_2{\"n\":2}]"
        + " TOOL[result a=first, result a_2=second] USER[x]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE a 2->-1", "RENAME a->a_2 1->1");
  }

  @Test
  void resultsCountAsInTheirBlockInAHistoryThatStartsWithAToolMessage() {
    List<Message> history = List.of(Message.tool(result("z", "t", "Z")), Message.user("go"),
        Message.assistant(call("a", "t", 1)), Message.tool(result("a", "t", "A")), Message.tool(result("a", "t", "A2")),
        Message.user("end"));

    RepairResult r = repaired(history, null);

    assertThat(show(r.history())).isEqualTo("USER[go] ASSISTANT[call a{\"n\":1}] TOOL[result a=A] USER[end]");
    assertThat(actions(r)).containsExactly("DEDUPLICATE a 4->-1", "DROP z 0->-1");
  }
}
