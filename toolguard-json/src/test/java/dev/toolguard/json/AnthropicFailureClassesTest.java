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

/** Every failure class that Anthropic histories show, repaired: the exact body and the report. */
class AnthropicFailureClassesTest {

  private static final Dialect D = Dialect.ANTHROPIC;

  static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  static String assistant(String text) {
    return "{'role':'assistant','content':'" + text + "'}";
  }

  static String call(String... ids) {
    List<String> blocks = new ArrayList<>();
    for (String id : ids) {
      blocks.add("{'type':'tool_use','id':'" + id + "','name':'get','input':{}}");
    }
    return "{'role':'assistant','content':[" + String.join(",", blocks) + "]}";
  }

  /** A user message of blocks. */
  static String userBlocks(String... blocks) {
    return "{'role':'user','content':[" + String.join(",", blocks) + "]}";
  }

  static String result(String id, String output) {
    return "{'type':'tool_result','tool_use_id':'" + id + "','content':'" + output + "'}";
  }

  static String text(String text) {
    return "{'type':'text','text':'" + text + "'}";
  }

  static String synthetic(String id) {
    return "{'type':'tool_result','tool_use_id':'" + id + "','content':'Tool call " + id
        + " (get) did not complete: its result was lost before it was recorded. Do not assume that it ran.',"
        + "'is_error':true}";
  }

  static String body(String... messages) {
    return json("{'model':'claude-sonnet-4-5','max_tokens':512,'messages':[" + String.join(",", messages) + "]}");
  }

  @Test
  void aUserMessageBetweenACallAndItsResult() {
    String in = body(user("q"), call("a"), user("while it runs"), userBlocks(result("a", "r")), assistant("done"));
    assertThat(violations(D, in)).containsExactly("MISPLACED_RESULT messages[3].content[0]");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "r"), text("while it runs")), assistant("done")),
        "MOVE a [messages[3] -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void textBeforeTheToolResultInTheSameUserMessage() {
    String in = body(user("q"), call("a"), userBlocks(text("here you go"), result("a", "r")));
    assertThat(violations(D, in)).containsExactly("MISPLACED_RESULT messages[2].content[1]");
    assertThat(WireGuard.ofDefaults().check(D, in).get(0).providerError()).startsWith(
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: a.");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "r"), text("here you go"))),
        "MOVE a [messages[2] -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void anAssistantMessageBetweenACallAndItsResultIsOneTurnForAnthropic() {
    // the API combines consecutive assistant messages, so the call and the text are one turn
    assertValid(D, body(user("q"), call("a"), assistant("still thinking"), userBlocks(result("a", "r"))));
  }

  @Test
  void aResultWhoseCallWasEvictedFromTheFrontOfAWindow() {
    String in = body(userBlocks(result("toolu_old", "old")), user("q"), assistant("hi"));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT messages[0].content[0]");
    assertRepair(D, in, body(user("q"), assistant("hi")), "DROP toolu_old [messages[0] -> -]");
  }

  @Test
  void anOrphanResultSharingItsMessageWithText() {
    String in = body(userBlocks(result("mcp_7f3a", "server"), text("q")), assistant("hi"));
    assertRepair(D, in, body(userBlocks(text("q")), assistant("hi")), "DROP mcp_7f3a [messages[0] -> -]");
  }

  @Test
  void aCallWhoseResultWasLostInACrash() {
    String in = body(user("q"), call("a"), user("hello?"));
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT messages[1].content[0]");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(synthetic("a"), text("hello?"))),
        "SYNTHESIZE a [- -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void aTrailingCall() {
    String in = body(user("q"), call("a"));
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(synthetic("a"))), "SYNTHESIZE a [- -> messages[2]]");
  }

  @Test
  void parallelCallsWithAResultMissing() {
    String in = body(user("q"), call("a", "b", "c"), userBlocks(result("a", "ra"), result("c", "rc")));
    assertRepair(D, in, body(user("q"), call("a", "b", "c"), userBlocks(result("a", "ra"), synthetic("b"), result("c", "rc"))),
        "SYNTHESIZE b [- -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void parallelResultsInAnotherOrderOrInConsecutiveUserMessagesAreValid() {
    assertValid(D, body(user("q"), call("a", "b"), userBlocks(result("b", "rb"), result("a", "ra"))));
    assertValid(D, body(user("q"), call("a", "b"), userBlocks(result("a", "ra")), userBlocks(result("b", "rb"))));
  }

  @Test
  void parallelResultsSplitAcrossLaterMessages() {
    String in = body(user("q"), call("a", "b"), userBlocks(result("a", "ra")), assistant("x"), userBlocks(result("b", "rb")));
    assertRepair(D, in, body(user("q"), call("a", "b"), userBlocks(result("a", "ra"), result("b", "rb")), assistant("x")),
        "MOVE b [messages[4] -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void aResultBeforeItsCall() {
    String in = body(user("q"), userBlocks(result("a", "r")), call("a"), user("next"));
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "r"), text("next"))),
        "MOVE a [messages[1] -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void aResultTwoTurnsLate() {
    String in = body(user("q"), call("a"), user("x"), assistant("y"), userBlocks(text("z"), result("a", "r")));
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "r"), text("x")), assistant("y"), userBlocks(text("z"))),
        "MOVE a [messages[4] -> messages[2]]", "MOVE a [- -> messages[2]]");
  }

  @Test
  void aRewrittenIdIsReboundToTheOnlyCallItCanAnswer() {
    String in = body(user("q"), call("toolu_01A"), userBlocks(result("call_6f1e2d", "r")));
    assertRepair(D, in, body(user("q"), call("toolu_01A"), userBlocks(result("toolu_01A", "r"))),
        "REBIND call_6f1e2d -> toolu_01A [messages[2] -> messages[2]]");
  }

  @Test
  void rewrittenIdsAreNotReboundWhenTwoCallsCouldTakeThem() {
    String in = body(user("q"), call("a", "b"), userBlocks(result("x", "rx"), result("y", "ry")));
    assertRepair(D, in, body(user("q"), call("a", "b"), userBlocks(synthetic("a"), synthetic("b"))),
        "SYNTHESIZE a [- -> messages[2]]", "SYNTHESIZE b [- -> messages[2]]",
        "DROP x [messages[2] -> -]", "DROP y [messages[2] -> -]");
  }

  @Test
  void duplicateResultsAfterARetry() {
    String in = body(user("q"), call("a"), userBlocks(result("a", "first"), result("a", "retry")), assistant("ok"));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_RESULT messages[2].content[1]");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "first")), assistant("ok")),
        "DEDUPLICATE a [messages[2] -> -]");
  }

  @Test
  void anErrorResultLosesToASuccessfulRetry() {
    String error = "{'type':'tool_result','tool_use_id':'a','content':'timeout','is_error':true}";
    String in = body(user("q"), call("a"), userBlocks(error), userBlocks(result("a", "ok")));
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "ok"))), "DEDUPLICATE a [messages[2] -> -]");
  }

  @Test
  void aCallIdReusedInALaterTurn() {
    String other = call("a").replace("'input':{}", "'input':{'n':2}");
    String in = body(user("q"), call("a"), userBlocks(result("a", "one"), text("again")), other, userBlocks(result("a", "two")));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_CALL_ID messages[3].content[0]");
    assertRepair(D, in,
        body(user("q"), call("a"), userBlocks(result("a", "one"), text("again")), other.replace("'a'", "'a_2'"),
            userBlocks(result("a_2", "two"))),
        "RENAME a -> a_2 [messages[3] -> messages[3]]");
  }

  @Test
  void theSameTurnReplayedIsDroppedAndWhatTheUserSaidWithItStays() {
    String in = body(user("q"), call("a"), userBlocks(result("a", "one")), assistant("ok"), user("again"), call("a"),
        userBlocks(result("a", "one"), text("thanks")));
    assertThat(violations(D, in)).containsExactly("REPEATED_CALL messages[5].content[0]",
        "DUPLICATE_RESULT messages[6].content[0]");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "one")), assistant("ok"),
            "{'role':'user','content':[{'type':'text','text':'again'},{'type':'text','text':'thanks'}]}"),
        "DEDUPLICATE a [messages[5] -> -]", "DEDUPLICATE a [messages[6] -> -]");
  }

  @Test
  void aHistoryCutToStartWithTheAssistantGetsAUserTurnFirst() {
    String in = body(userBlocks(result("toolu_old", "old")), call("a"), userBlocks(result("a", "r")), assistant("ok"));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT messages[0].content[0]");
    WireRepair repair = assertRepair(D, in,
        body(user("[earlier messages were cut]"), call("a"), userBlocks(result("a", "r")), assistant("ok")),
        "DROP toolu_old [messages[0] -> -]", "SYNTHESIZE (no id) [- -> messages[0]]");
    assertThat(repair.actions().get(1).detail()).isEqualTo("the history starts with an assistant message (its first"
        + " turns were cut); put a user turn first that says so, as the first turn must be the user's");

    String startsWithTheAssistant = body(call("a"), userBlocks(result("a", "r")), assistant("ok"));
    assertThat(WireGuard.ofDefaults().check(D, startsWithTheAssistant)).singleElement().satisfies(v -> {
      assertThat(v.code()).isEqualTo("FIRST_MESSAGE_NOT_USER");
      assertThat(v.path()).isEqualTo("messages[0]");
      assertThat(v.providerError()).isEqualTo("messages: first message must use the \"user\" role");
    });
  }

  @Test
  void aResultWithoutAnId() {
    String in = body(user("q"), call("a"), userBlocks("{'type':'tool_result','content':'r'}"));
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT messages[1].content[0]",
        "EMPTY_RESULT_ID messages[2].content[0]");
    assertRepair(D, in, body(user("q"), call("a"), userBlocks(result("a", "r"))), "REBIND (no id) -> a [messages[2] -> messages[2]]");
  }

  @Test
  void twoAssistantCallMessagesBackToBackAreOneTurnForAnthropic() {
    assertValid(D, body(user("q"), call("a"), call("b"), userBlocks(result("a", "ra"), result("b", "rb"))));
  }

  @Test
  void anIdWithCharactersAnthropicRejectsIsRewrittenWithItsResult() {
    String in = body(user("q"), call("call.1:x"), userBlocks(result("call.1:x", "r")));
    assertThat(violations(D, in)).containsExactly("CALL_ID_CHARACTERS messages[1].content[0].id");
    assertThat(WireGuard.ofDefaults().check(D, in).get(0).providerError())
        .isEqualTo("messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'");
    assertRepair(D, in, body(user("q"), call("call_1_x"), userBlocks(result("call_1_x", "r"))),
        "RENAME call.1:x -> call_1_x [- -> messages[1]]");
  }

  @Test
  void aRewrittenIdThatWouldCollideGetsAHashSuffix() {
    String in = body(user("q"), call("a.b", "a_b"), userBlocks(result("a.b", "r1"), result("a_b", "r2")));
    WireRepair repair = WireGuard.ofDefaults().repair(D, in);
    String fresh = repair.actions().get(0).newCallId();
    assertThat(fresh).matches("a_b_[0-9a-f]{8}");
    assertRepair(D, in, body(user("q"), call(fresh, "a_b"), userBlocks(result(fresh, "r1"), result("a_b", "r2"))),
        "RENAME a.b -> " + fresh + " [- -> messages[1]]");
  }

  @Test
  void aLongHistoryWithManyFaultsAtOnce() {
    List<String> clean = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    broken.add(userBlocks(result("evicted", "old"), text("start")));
    clean.add(userBlocks(text("start")));
    for (int turn = 0; turn < 10; turn++) {
      String id = "t" + turn;
      if (turn == 5) {
        // the call lost its result; the API combines the call and the answer after it into one turn,
        // so the answer stays in the call's message and the next question joins the result's message
        broken.add(user("question 5"));
        broken.add(call(id));
        broken.add(assistant("answer 5"));
        clean.add(user("question 5"));
        clean.add("{'role':'assistant','content':[{'type':'tool_use','id':'t5','name':'get','input':{}},"
            + text("answer 5") + "]}");
        clean.add(userBlocks(synthetic(id), text("question 6")));
        continue;
      }
      for (List<String> l : List.of(clean, broken)) {
        if (turn > 0 && !(turn == 6 && l == clean)) {
          l.add(user("question " + turn));
        }
        l.add(call(id));
      }
      if (turn == 2) {
        broken.add(user("typed while running"));
        broken.add(userBlocks(result(id, "r" + turn)));
        clean.add(userBlocks(result(id, "r" + turn), text("typed while running")));
      } else if (turn == 7) {
        clean.add(userBlocks(result(id, "r" + turn)));
        broken.add(userBlocks(result(id, "r" + turn), result(id, "r" + turn + " again")));
      } else {
        clean.add(userBlocks(result(id, "r" + turn)));
        broken.add(userBlocks(result(id, "r" + turn)));
      }
      clean.add(assistant("answer " + turn));
      broken.add(assistant("answer " + turn));
    }
    String in = body(broken.toArray(String[]::new));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT messages[0].content[0]",
        "MISPLACED_RESULT messages[11].content[0]", "MISSING_RESULT messages[22].content[0]",
        "DUPLICATE_RESULT messages[30].content[1]");
    assertRepair(D, in, body(clean.toArray(String[]::new)),
        "DEDUPLICATE t7 [messages[30] -> -]",
        "MOVE t2 [messages[11] -> messages[10]]",
        "SYNTHESIZE t5 [- -> messages[22]]",
        "DROP evicted [messages[0] -> -]",
        "MOVE t2 [- -> messages[10]]",
        "MOVE (no id) [- -> messages[21]]",
        "MOVE t5 [- -> messages[22]]");
  }
}
