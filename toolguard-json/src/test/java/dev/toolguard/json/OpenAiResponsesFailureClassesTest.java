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

/** Every failure class that OpenAI Responses inputs show, repaired: the exact body and the report. */
class OpenAiResponsesFailureClassesTest {

  private static final Dialect D = Dialect.OPENAI_RESPONSES;

  static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  static String assistant(String text) {
    return "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'" + text
        + "','annotations':[]}]}";
  }

  static String call(String id) {
    return "{'type':'function_call','call_id':'" + id + "','name':'get','arguments':'{}'}";
  }

  /** A call with its server id, as the service produced it after a reasoning item. */
  static String producedCall(String id) {
    return "{'type':'function_call','id':'fc_" + id + "','call_id':'" + id + "','name':'get','arguments':'{}'}";
  }

  static String output(String id, String output) {
    return "{'type':'function_call_output','call_id':'" + id + "','output':'" + output + "'}";
  }

  static String reasoning(String id) {
    return "{'type':'reasoning','id':'" + id + "','summary':[],'encrypted_content':'enc'}";
  }

  static String synthetic(String id) {
    return "{'type':'function_call_output','call_id':'" + id + "','output':'Tool call " + id
        + " (get) did not complete: its result was lost before it was recorded. Do not assume that it ran.'}";
  }

  static String body(String... items) {
    return json("{'model':'o4-mini','store':false,'input':[" + String.join(",", items) + "]}");
  }

  @Test
  void aUserMessageBetweenACallAndItsOutputIsValid() {
    // Responses needs an output after its call, not right after it: other items may stand between
    assertValid(D, body(user("q"), call("a"), user("while it runs"), output("a", "r"), assistant("done")));
  }

  @Test
  void anAssistantMessageBetweenACallAndItsOutputIsPartOfTheModelsTurn() {
    assertValid(D, body(user("q"), call("a"), assistant("still thinking"), output("a", "r")));
  }

  @Test
  void anOutputWhoseCallWasEvictedFromTheFrontOfAWindow() {
    String in = body(output("a", "old"), user("q"), assistant("hi"));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT input[0]");
    assertRepair(D, in, body(user("q"), assistant("hi")), "DROP a [input[0] -> -]");
  }

  @Test
  void aReplayedServerSideOutputWithAnMcpId() {
    String in = body(user("q"), call("a"), output("a", "r"), output("mcp_7f3a", "server"), assistant("ok"));
    assertRepair(D, in, body(user("q"), call("a"), output("a", "r"), assistant("ok")), "DROP mcp_7f3a [input[3] -> -]");
  }

  @Test
  void anOutputForACallOfThePreviousResponseIsValid() {
    assertValid(D, json("{'model':'o4-mini','previous_response_id':'resp_1','input':["
        + output("call_prev", "r") + "," + user("next") + "]}"));
    assertValid(D, json("{'model':'o4-mini','conversation':'conv_1','input':[" + output("call_prev", "r") + "]}"));
    assertValid(D, json("{'model':'o4-mini','input':[{'type':'item_reference','id':'fc_1'}," + output("call_prev", "r")
        + "]}"));
  }

  @Test
  void aDuplicateOutputForACallOfThePreviousResponse() {
    String in = json("{'previous_response_id':'resp_1','input':[" + output("s", "one") + "," + output("s", "two") + "]}");
    assertRepair(D, in, json("{'previous_response_id':'resp_1','input':[" + output("s", "one") + "]}"),
        "DEDUPLICATE s [input[1] -> -]");
  }

  @Test
  void aCallWhoseOutputWasLostInACrash() {
    String in = body(user("q"), call("a"), user("hello?"));
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT input[1]");
    assertRepair(D, in, body(user("q"), call("a"), synthetic("a"), user("hello?")), "SYNTHESIZE a [- -> input[2]]");
  }

  @Test
  void aTrailingCall() {
    String in = body(user("q"), reasoning("rs_1"), producedCall("a"));
    assertRepair(D, in, body(user("q"), reasoning("rs_1"), producedCall("a"), synthetic("a")),
        "SYNTHESIZE a [- -> input[3]]");
  }

  @Test
  void parallelCallsWithAnOutputMissing() {
    String in = body(call("a"), call("b"), call("c"), output("a", "ra"), output("c", "rc"));
    assertRepair(D, in, body(call("a"), call("b"), call("c"), output("a", "ra"), synthetic("b"), output("c", "rc")),
        "SYNTHESIZE b [- -> input[4]]");
  }

  @Test
  void parallelOutputsInAnotherOrderAreValid() {
    assertValid(D, body(call("a"), call("b"), output("b", "rb"), output("a", "ra")));
  }

  @Test
  void parallelOutputsSplitAcrossLaterItemsAreValid() {
    assertValid(D, body(call("a"), call("b"), output("a", "ra"), user("x"), output("b", "rb"), assistant("y")));
  }

  @Test
  void anOutputBeforeItsCall() {
    String in = body(user("q"), output("a", "r"), call("a"), user("next"));
    assertRepair(D, in, body(user("q"), call("a"), output("a", "r"), user("next")), "MOVE a [input[1] -> input[2]]");
  }

  @Test
  void anOutputTwoTurnsLateIsValid() {
    assertValid(D, body(call("a"), user("x"), assistant("y"), user("z"), output("a", "r")));
  }

  @Test
  void anOutputTwoTurnsLateBesideABrokenPairStaysWhereItIs() {
    String in = body(call("a"), user("x"), assistant("y"), user("z"), output("a", "r"), output("ghost", "g"), call("b"));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT input[5]", "MISSING_RESULT input[6]");
    assertRepair(D, in, body(call("a"), user("x"), assistant("y"), user("z"), output("a", "r"), call("b"),
        synthetic("b")), "SYNTHESIZE b [- -> input[6]]", "DROP ghost [input[5] -> -]");
  }

  @Test
  void aRewrittenIdIsReboundToTheOnlyCallItCanAnswer() {
    String in = body(user("q"), call("call_abc"), output("call_6f1e2d", "r"));
    assertRepair(D, in, body(user("q"), call("call_abc"), output("call_abc", "r")),
        "REBIND call_6f1e2d -> call_abc [input[2] -> input[2]]");
  }

  @Test
  void rewrittenIdsAreNotReboundWhenTwoCallsCouldTakeThem() {
    String in = body(call("a"), call("b"), output("x", "rx"), output("y", "ry"));
    assertRepair(D, in, body(call("a"), call("b"), synthetic("a"), synthetic("b")),
        "SYNTHESIZE a [- -> input[2]]", "SYNTHESIZE b [- -> input[2]]",
        "DROP x [input[2] -> -]", "DROP y [input[3] -> -]");
  }

  @Test
  void duplicateOutputsAfterARetry() {
    String in = body(call("a"), output("a", "first"), output("a", "retry"), assistant("ok"));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_RESULT input[2]");
    assertRepair(D, in, body(call("a"), output("a", "first"), assistant("ok")), "DEDUPLICATE a [input[2] -> -]");
  }

  @Test
  void aCallIdReusedInALaterTurn() {
    String other = call("a").replace("'{}'", "'{\\'n\\':2}'");
    String in = body(call("a"), output("a", "one"), user("again"), other, output("a", "two"));
    assertThat(violations(D, in)).containsExactly("DUPLICATE_CALL_ID input[3]");
    assertRepair(D, in, body(call("a"), output("a", "one"), user("again"), other.replace("'a'", "'a_2'"),
        output("a_2", "two")), "RENAME a -> a_2 [input[3] -> input[3]]");
  }

  @Test
  void theSameCallReplayedWithItsOutputIsDropped() {
    String in = body(user("q"), call("a"), output("a", "one"), user("again"), call("a"), output("a", "one"),
        assistant("ok"));
    assertThat(violations(D, in)).containsExactly("REPEATED_CALL input[4]", "DUPLICATE_RESULT input[5]");
    assertRepair(D, in, body(user("q"), call("a"), output("a", "one"), user("again"), assistant("ok")),
        "DEDUPLICATE a [input[4] -> -]", "DEDUPLICATE a [input[5] -> -]");
  }

  @Test
  void anOutputWithoutACallId() {
    String in = body(call("a"), "{'type':'function_call_output','output':'r'}");
    assertThat(violations(D, in)).containsExactly("MISSING_RESULT input[0]", "EMPTY_RESULT_ID input[1]");
    assertRepair(D, in, body(call("a"), output("a", "r")), "REBIND (no id) -> a [input[1] -> input[1]]");
  }

  @Test
  void twoAssistantCallTurnsBackToBackAreOneTurn() {
    assertValid(D, body(user("q"), call("a"), call("b"), output("a", "ra"), output("b", "rb")));
  }

  @Test
  void aCallIdLongerThanSixtyFourCharactersIsShortenedWithItsOutput() {
    String longId = "call_" + "x".repeat(70);
    String in = body(call(longId), output(longId, "r"));
    // the output's call_id is measured too
    assertThat(violations(D, in)).containsExactly("CALL_ID_TOO_LONG input[0].call_id", "CALL_ID_TOO_LONG input[1].call_id");
    assertThat(WireGuard.ofDefaults().check(D, in).get(1).providerError()).isEqualTo("Invalid 'input[1].call_id':"
        + " string too long. Expected a string with maximum length 64, but got a string with length 75 instead.");
    WireRepair repair = WireGuard.ofDefaults().repair(D, in);
    String shortId = repair.actions().get(0).newCallId();
    assertThat(shortId).hasSize(64).startsWith("call_xxx").matches(".*_[0-9a-f]{10}");
    assertRepair(D, in, body(call(shortId), output(shortId, "r")), "RENAME " + longId + " -> " + shortId + " [- -> input[0]]");
  }

  @Test
  void aReasoningItemSeparatedFromItsCallIsDropped() {
    // it cannot move back before the call: the service pairs a reasoning item with the item after it
    // by that item's id, and this call goes without one
    String in = body(user("q"), reasoning("rs_1"), user("typed meanwhile"), call("a"), output("a", "r"));
    assertThat(violations(D, in)).containsExactly("REASONING_WITHOUT_FOLLOWING_ITEM input[1]");
    assertThat(WireGuard.ofDefaults().check(D, in).get(0).providerError())
        .isEqualTo("Item 'rs_1' of type 'reasoning' was provided without its required following item.");
    assertRepair(D, in, body(user("q"), user("typed meanwhile"), call("a"), output("a", "r")),
        "DROP (no id) [- -> -]");
  }

  @Test
  void aReasoningItemBeforeAnItemWithoutItsIdIsDropped() {
    // openai-node#1567, vercel/ai#7099: the item after the reasoning item lost its server id
    String in = body(user("q"), reasoning("rs_1"), call("a"), output("a", "r"), reasoning("rs_2"), assistant("done"),
        user("next"));
    assertThat(violations(D, in)).containsExactly("REASONING_WITHOUT_FOLLOWING_ITEM input[1]",
        "REASONING_WITHOUT_FOLLOWING_ITEM input[4]");
    assertThat(WireGuard.ofDefaults().check(D, in)).extracting(WireViolation::providerError).containsExactly(
        "Item 'rs_1' of type 'reasoning' was provided without its required following item.",
        "Item 'rs_2' of type 'reasoning' was provided without its required following item.");
    assertRepair(D, in, body(user("q"), call("a"), output("a", "r"), assistant("done"), user("next")),
        "DROP (no id) [- -> input[1]]", "DROP (no id) [- -> input[3]]");
    // with the ids the service gave them, the pairs are valid
    assertValid(D, body(user("q"), reasoning("rs_1"), producedCall("a"), output("a", "r"), reasoning("rs_2"),
        "{'type':'message','id':'msg_2','role':'assistant','content':[{'type':'output_text','text':'done',"
            + "'annotations':[]}]}", user("next")));
  }

  @Test
  void aReasoningItemWhoseCallIsGoneIsDropped() {
    String in = body(user("q"), reasoning("rs_1"), output("a", "r"), user("next"));
    assertRepair(D, in, body(user("q"), user("next")), "DROP a [input[2] -> -]", "DROP (no id) [- -> -]");
  }

  @Test
  void aLongHistoryWithManyFaultsAtOnce() {
    List<String> clean = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    broken.add(output("evicted", "old"));
    for (int turn = 0; turn < 10; turn++) {
      String id = "c" + turn;
      for (List<String> l : List.of(clean, broken)) {
        l.add(user("question " + turn));
        l.add(reasoning("rs_" + turn));
        l.add(producedCall(id));
      }
      if (turn == 2) {
        // Responses takes an output after other items: it stays where it is
        for (List<String> l : List.of(clean, broken)) {
          l.add(user("typed while running"));
          l.add(output(id, "r" + turn));
        }
      } else if (turn == 5) {
        // the answer after the call is part of the model's turn: the made-up output follows the turn
        clean.add(assistant("answer 5"));
        clean.add(synthetic(id));
        broken.add(assistant("answer 5"));
        continue;
      } else if (turn == 7) {
        clean.add(output(id, "r" + turn));
        broken.add(output(id, "r" + turn));
        broken.add(output(id, "r" + turn + " again"));
      } else {
        clean.add(output(id, "r" + turn));
        broken.add(output(id, "r" + turn));
      }
      clean.add(assistant("answer " + turn));
      broken.add(assistant("answer " + turn));
    }
    String in = body(broken.toArray(String[]::new));
    assertThat(violations(D, in)).containsExactly("ORPHAN_RESULT input[0]",
        "MISSING_RESULT input[29]", "DUPLICATE_RESULT input[40]");
    assertRepair(D, in, body(clean.toArray(String[]::new)),
        "DEDUPLICATE c7 [input[40] -> -]",
        "SYNTHESIZE c5 [- -> input[30]]",
        "DROP evicted [input[0] -> -]");
  }
}
