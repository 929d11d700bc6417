package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRepair;
import static dev.toolguard.json.Bodies.assertValid;
import static dev.toolguard.json.Bodies.json;
import static dev.toolguard.json.Bodies.violations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure class that OpenAI Chat histories show, repaired: the exact body and the report. */
class OpenAiChatFailureClassesTest {

  private static final Dialect D = Dialect.OPENAI_CHAT;

  static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  static String assistant(String text) {
    return "{'role':'assistant','content':'" + text + "'}";
  }

  static String call(String... ids) {
    StringBuilder sb = new StringBuilder("{'role':'assistant','content':null,'tool_calls':[");
    for (int i = 0; i < ids.length; i++) {
      sb.append(i == 0 ? "" : ",").append("{'id':'").append(ids[i])
          .append("','type':'function','function':{'name':'get','arguments':'{}'}}");
    }
    return sb.append("]}").toString();
  }

  static String result(String id, String output) {
    return "{'role':'tool','tool_call_id':'" + id + "','content':'" + output + "'}";
  }

  static String synthetic(String id, String name) {
    return "{'role':'tool','tool_call_id':'" + id + "','content':'Tool call " + id + " (" + name
        + ") did not complete: its result was lost before it was recorded. Do not assume that it ran.'}";
  }

  static String body(String... messages) {
    return json("{'model':'gpt-4.1','messages':[" + String.join(",", messages) + "]}");
  }

  @Test
  void aUserMessageBetweenACallAndItsResult() {
    String in = body(user("q"), call("a"), user("while it runs"), result("a", "r"), assistant("done"));
    assertThat(violations(D, in)).containsExactly("MISPLACED_RESULT messages[3]");
    assertRepair(D, in, body(user("q"), call("a"), result("a", "r"), user("while it runs"), assistant("done")),
        "MOVE a [messages[3] -> messages[2]]");
  }

  @Test
  void anAssistantMessageBetweenACallAndItsResult() {
    String in = body(user("q"), call("a"), assistant("still thinking"), result("a", "r"));
    assertRepair(D, in, body(user("q"), call("a"), result("a", "r"), assistant("still thinking")),
        "MOVE a [messages[3] -> messages[2]]");
  }

  @Test
  void aResultWhoseCallWasEvictedFromTheFrontOfAWindow() {
    String in = body(result("a", "old"), user("q"), assistant("hi"));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT messages[0]");
    assertRepair(D, in, body(user("q"), assistant("hi")), "DROP a [messages[0] -> -]");
  }

  @Test
  void aReplayedServerSideOutputWithAnMcpId() {
    String in = body(user("q"), call("a"), result("a", "r"), result("mcp_7f3a", "server"), assistant("ok"));
    assertRepair(D, in, body(user("q"), call("a"), result("a", "r"), assistant("ok")),
        "DROP mcp_7f3a [messages[3] -> -]");
  }

  @Test
  void aCallWhoseResultWasLostInACrash() {
    String in = body(user("q"), call("a"), user("hello?"));
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT messages[1].tool_calls[0]");
    assertRepair(D, in, body(user("q"), call("a"), synthetic("a", "get"), user("hello?")),
        "SYNTHESIZE a [- -> messages[2]]");
  }

  @Test
  void aTrailingCall() {
    String in = body(user("q"), call("a"));
    assertRepair(D, in, body(user("q"), call("a"), synthetic("a", "get")), "SYNTHESIZE a [- -> messages[2]]");
  }

  @Test
  void parallelCallsWithAResultMissing() {
    String in = body(call("a", "b", "c"), result("a", "ra"), result("c", "rc"));
    assertRepair(D, in, body(call("a", "b", "c"), result("a", "ra"), synthetic("b", "get"), result("c", "rc")),
        "SYNTHESIZE b [- -> messages[2]]");
  }

  @Test
  void parallelResultsInAnotherOrderAreValid() {
    assertValid(D, body(call("a", "b", "c"), result("c", "rc"), result("a", "ra"), result("b", "rb")));
  }

  @Test
  void parallelResultsSplitAcrossLaterMessages() {
    String in = body(call("a", "b"), result("a", "ra"), user("x"), result("b", "rb"), assistant("y"));
    assertRepair(D, in, body(call("a", "b"), result("a", "ra"), result("b", "rb"), user("x"), assistant("y")),
        "MOVE b [messages[3] -> messages[2]]");
  }

  @Test
  void aResultBeforeItsCall() {
    String in = body(user("q"), result("a", "r"), call("a"), user("next"));
    assertRepair(D, in, body(user("q"), call("a"), result("a", "r"), user("next")),
        "MOVE a [messages[1] -> messages[2]]");
  }

  @Test
  void aResultTwoTurnsLate() {
    String in = body(call("a"), user("x"), assistant("y"), user("z"), result("a", "r"));
    assertRepair(D, in, body(call("a"), result("a", "r"), user("x"), assistant("y"), user("z")),
        "MOVE a [messages[4] -> messages[1]]");
  }

  @Test
  void aRewrittenIdIsReboundToTheOnlyCallItCanAnswer() {
    String in = body(user("q"), call("call_abc"), result("call_6f1e2d", "r"));
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT messages[1].tool_calls[0]",
        "ORPHAN_RESULT messages[2]");
    assertRepair(D, in, body(user("q"), call("call_abc"), result("call_abc", "r")),
        "REBIND call_6f1e2d -> call_abc [messages[2] -> messages[2]]");
  }

  @Test
  void rewrittenIdsAreNotReboundWhenTwoCallsCouldTakeThem() {
    String in = body(call("a", "b"), result("x", "rx"), result("y", "ry"));
    assertRepair(D, in, body(call("a", "b"), synthetic("a", "get"), synthetic("b", "get")),
        "SYNTHESIZE a [- -> messages[1]]", "SYNTHESIZE b [- -> messages[1]]",
        "DROP x [messages[1] -> -]", "DROP y [messages[2] -> -]");
  }

  @Test
  void duplicateResultsAfterARetry() {
    String in = body(call("a"), result("a", "first"), result("a", "retry"), assistant("ok"));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_RESULT messages[2]");
    assertRepair(D, in, body(call("a"), result("a", "first"), assistant("ok")), "DEDUPLICATE a [messages[2] -> -]");
  }

  @Test
  void aCallIdReusedInALaterTurn() {
    String other = call("a").replace("'{}'", "'{\\'n\\':2}'");
    String in = body(call("a"), result("a", "one"), user("again"), other, result("a", "two"));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_CALL_ID messages[3].tool_calls[0]");
    assertRepair(D, in, body(call("a"), result("a", "one"), user("again"), other.replace("'a'", "'a_2'"),
        result("a_2", "two")), "RENAME a -> a_2 [messages[3] -> messages[3]]");
  }

  @Test
  void theSameAssistantMessageStoredTwiceLosesItsCopiedCallsAndKeepsItsText() {
    String turn = "{'role':'assistant','content':'let me see','tool_calls':[{'id':'a','type':'function','function':"
        + "{'name':'get','arguments':'{}'}}]}";
    String in = body(user("q"), turn, result("a", "one"), turn, result("a", "one"), user("ok"));
    assertThat(violations(D, in)).containsExactly("REPEATED_CALL messages[3].tool_calls[0]",
        "DUPLICATE_RESULT messages[4]");
    assertRepair(D, in, body(user("q"), turn, result("a", "one"), "{'role':'assistant','content':'let me see'}",
        user("ok")), "DEDUPLICATE a [messages[3] -> -]", "DEDUPLICATE a [messages[4] -> -]");
  }

  @Test
  void aResultWithoutAnId() {
    String in = body(call("a"), "{'role':'tool','content':'r'}");
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT messages[0].tool_calls[0]",
        "EMPTY_RESULT_ID messages[1]");
    assertRepair(D, in, body(call("a"), result("a", "r")), "REBIND (no id) -> a [messages[1] -> messages[1]]");
  }

  @Test
  void aCallWithoutAnId() {
    String in = body("{'role':'assistant','content':null,'tool_calls':[{'type':'function','function':{'name':'get',"
        + "'arguments':'{}'}}]}", user("x"));
    assertThat(violations(D, in)).containsExactly("EMPTY_CALL_ID messages[0].tool_calls[0]");
    assertRepair(D, in, body(call("toolguard_call_2"), synthetic("toolguard_call_2", "get"), user("x")),
        "RENAME (no id) -> toolguard_call_2 [messages[0] -> messages[0]]", "SYNTHESIZE toolguard_call_2 [- -> messages[1]]");
  }

  @Test
  void anEmptyToolCallsArray() {
    String in = body(user("q"), "{'role':'assistant','content':'hi','tool_calls':[]}");
    assertThat(violations(D, in)).containsExactly("EMPTY_TOOL_CALLS messages[1].tool_calls");
    assertThat(WireGuard.ofDefaults().check(D, in).get(0).providerError())
        .isEqualTo("Invalid 'messages[1].tool_calls': empty array. Expected an array with minimum length 1, but got an"
            + " empty array instead.");
    assertRepair(D, in, body(user("q"), assistant("hi")), "DROP (no id) [- -> messages[1]]");
  }

  @Test
  void anEmptyToolCallsArrayOnAnOtherwiseEmptyMessage() {
    String in = body(user("q"), "{'role':'assistant','content':null,'tool_calls':[]}", user("r"));
    assertThat(violations(D, in)).containsExactly("EMPTY_MESSAGE messages[1]", "EMPTY_TOOL_CALLS messages[1].tool_calls");
    assertRepair(D, in, body(user("q"), user("r")), "DROP (no id) [messages[1] -> -]");
  }

  @Test
  void twoAssistantCallMessagesBackToBack() {
    String in = body(user("q"), call("a"), call("b"), result("a", "ra"), result("b", "rb"));
    assertRepair(D, in, body(user("q"), call("a"), result("a", "ra"), call("b"), result("b", "rb")),
        "MOVE a [messages[3] -> messages[2]]");
  }

  @Test
  void anIdLongerThanFortyCharactersIsShortenedWithItsResult() {
    String longId = "call_0123456789abcdefghijklmnopqrstuvwxyz_more";
    String in = body(call(longId), result(longId, "r"));
    assertThat(violations(D, in)).containsExactly("CALL_ID_TOO_LONG messages[0].tool_calls[0].id");
    WireRepair repair = WireGuard.ofDefaults().repair(D, in);
    String shortId = repair.actions().get(0).newCallId();
    assertThat(shortId).hasSize(40).startsWith("call_0123456789abcdefghijklmn_");
    assertRepair(D, in, body(call(shortId), result(shortId, "r")),
        "RENAME " + longId + " -> " + shortId + " [- -> messages[0]]");
  }

  @Test
  void aLongHistoryWithManyFaultsAtOnce() {
    List<String> clean = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    broken.add(result("evicted", "old"));
    for (int turn = 0; turn < 12; turn++) {
      String id = "c" + turn;
      for (List<String> l : List.of(clean, broken)) {
        l.add(user("question " + turn));
        l.add(call(id));
      }
      if (turn == 2) {
        broken.add(user("typed while running"));
        broken.add(result(id, "r" + turn));
        clean.add(result(id, "r" + turn));
        clean.add(user("typed while running"));
      } else if (turn == 5) {
        clean.add(synthetic(id, "get"));
      } else if (turn == 7) {
        clean.add(result(id, "r" + turn));
        broken.add(result(id, "r" + turn));
        broken.add(result(id, "r" + turn + " again"));
      } else {
        clean.add(result(id, "r" + turn));
        broken.add(result(id, "r" + turn));
      }
      clean.add(assistant("answer " + turn));
      broken.add(assistant("answer " + turn));
    }
    String in = body(broken.toArray(String[]::new));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT messages[0]", "MISPLACED_RESULT messages[12]",
        "MISSING_RESULT messages[23].tool_calls[0]", "DUPLICATE_RESULT messages[32]");
    assertRepair(D, in, body(clean.toArray(String[]::new)),
        "DEDUPLICATE c7 [messages[32] -> -]",
        "MOVE c2 [messages[12] -> messages[10]]",
        "SYNTHESIZE c5 [- -> messages[23]]",
        "DROP evicted [messages[0] -> -]");
  }
}
