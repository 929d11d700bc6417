package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anthropic with extended thinking on: the assistant turn whose tool_use blocks the last user turn
 * answers must start with a thinking block. Check flags it with the provider's words and the referee
 * refuses it; repair never makes a thinking block up, keeps thinking blocks byte for byte and never
 * separates them from their tool_use.
 */
class AnthropicThinkingTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeSays(String body) {
    return RefereeVerdicts.post(REFEREE.get(), Dialect.ANTHROPIC, body).acceptedOrError();
  }

  private static final String THINKING =
      "{'type':'thinking','thinking':'The user wants the weather; call get.','signature':'EqQBCkYIBxgCKkA=='}";

  private static String body(boolean thinkingOn, String... messages) {
    return json("{'model':'claude-sonnet-4-5','max_tokens':2048," + (thinkingOn
        ? "'thinking':{'type':'enabled','budget_tokens':1024}," : "") + "'messages':[" + String.join(",", messages)
        + "]}");
  }

  private static String assistant(String... blocks) {
    return "{'role':'assistant','content':[" + String.join(",", blocks) + "]}";
  }

  private static final String USE = "{'type':'tool_use','id':'toolu_1','name':'get','input':{}}";
  private static final String RESULT = "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'sunny'}]}";
  private static final String USER = "{'role':'user','content':'weather?'}";

  @Test
  void theFinalAssistantTurnWithToolUseMustStartWithThinking() throws Exception {
    String in = body(true, USER, assistant("{'type':'text','text':'Let me look.'}", USE), RESULT);
    String expected = "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`. When"
        + " `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the"
        + " lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from"
        + " previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at"
        + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
    assertThat(refereeSays(in)).isEqualTo(expected);
    List<WireViolation> violations = WireGuard.ofDefaults().check(Dialect.ANTHROPIC, in);
    assertThat(violations).extracting(WireViolation::code, WireViolation::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("THINKING_NOT_FIRST", "messages[1].content[0]"));
    assertThat(violations.get(0).providerError()).isEqualTo(expected);
  }

  @Test
  void withThinkingFirstOrThinkingOffOrNoToolLoopOpenTheBodyIsValid() throws Exception {
    for (String in : List.of(
        body(true, USER, assistant(THINKING, USE), RESULT),
        body(true, USER, assistant("{'type':'redacted_thinking','data':'xyz'}", USE), RESULT),
        body(false, USER, assistant("{'type':'text','text':'Let me look.'}", USE), RESULT),
        body(true, USER, assistant("{'type':'text','text':'Let me look.'}", USE), RESULT,
            "{'role':'assistant','content':'sunny'}", "{'role':'user','content':'thanks'}"))) {
      assertThat(refereeSays(in)).as(in).isEqualTo("accepted");
      Bodies.assertValid(Dialect.ANTHROPIC, in);
    }
  }

  @Test
  void repairKeepsThinkingBlocksByteForByteWithTheirToolUse() throws Exception {
    // a user message typed while the tool ran: the result moves, the thinking block stays first with its call
    String in = body(true, USER, assistant(THINKING, USE), "{'role':'user','content':'hurry'}", RESULT);
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, in);
    assertThat(repair.changed()).isTrue();
    assertThat(repair.body()).contains(json(assistant(THINKING, USE)));
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, repair.body())).isEmpty();
  }

  @Test
  void aReplayedTurnGoesWithItsThinkingBlock() throws Exception {
    // the turn [thinking, tool_use] and its result stored twice: the copy goes whole, thinking block included
    String in = body(false, USER, assistant(THINKING, USE), RESULT, assistant(THINKING, USE), RESULT,
        "{'role':'assistant','content':'sunny'}");
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, in);
    Bodies.assertSameJson(repair.body(), body(false, USER, assistant(THINKING, USE), RESULT,
        "{'role':'assistant','content':'sunny'}"));
    assertThat(repair.actions()).extracting(a -> a.kind() + " " + a.callId() + ": " + a.detail())
        .contains("DROP toolu_1: removed a thinking block before call toolu_1: it goes with the exact copy of the call"
            + " it precedes");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, repair.body())).isEmpty();
  }

  @Test
  void aThinkingBlockStaysWhenTheTurnAlsoMakesANewCall() {
    String other = "{'type':'tool_use','id':'toolu_2','name':'get','input':{'city':'Rome'}}";
    String in = body(false, USER, assistant(THINKING, USE), RESULT, assistant(THINKING, USE, other),
        "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_2','content':'rain'}]}");
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, in);
    assertThat(repair.actions()).extracting(WireAction::detail)
        .noneMatch(d -> d.startsWith("removed a thinking block"));
    assertThat(repair.body()).contains(json(assistant(THINKING, other)));
  }

  private static final String CUT = "{'role':'user','content':'[earlier messages were cut]'}";
  private static final String ANSWER = "{'role':'assistant','content':[{'type':'text','text':'It is sunny.'}]}";

  @Test
  void aTrailingCallWhoseMergedTurnStartsWithTextIsRepaired() throws Exception {
    // an answer, then (its next user message gone) a turn that thinks and calls, cut off before its
    // result: repair answers the call, and the API would merge the answer into the final turn
    String in = body(true, USER, ANSWER, assistant(THINKING, USE));
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, in)).extracting(WireViolation::code)
        .contains("MISSING_RESULT");
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, in);
    String synthetic = "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':"
        + "'Tool call toolu_1 (get) did not complete: its result was lost before it was recorded. Do not assume that"
        + " it ran.','is_error':true}]}";
    Bodies.assertSameJson(repair.body(), body(true, USER, ANSWER, CUT, assistant(THINKING, USE), synthetic));
    assertThat(repair.actions()).extracting(a -> a.kind() + " " + a.callId() + " -> " + a.to())
        .containsExactly("SYNTHESIZE toolu_1 -> messages[4]", "SYNTHESIZE  -> messages[2]");
    assertThat(repair.actions().get(1).detail()).startsWith("thinking is enabled, and the final assistant turn");
    // the thinking block goes byte for byte, beside its tool_use
    assertThat(repair.body()).contains(json(assistant(THINKING, USE)));
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, repair.body())).isEmpty();
    assertThat(WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, repair.body()).changed()).isFalse();
  }

  @Test
  void anAnsweredTurnThatTheApiMergesWithAnEarlierAnswerIsRepaired() throws Exception {
    String in = body(true, USER, ANSWER, assistant(THINKING, USE), RESULT);
    String said = refereeSays(in);
    assertThat(said).startsWith("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found"
        + " `text`.");
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, in)).extracting(WireViolation::providerError)
        .containsExactly(said);
    WireRepair repair = Bodies.assertRepair(Dialect.ANTHROPIC, in,
        body(true, USER, ANSWER, CUT, assistant(THINKING, USE), RESULT), "SYNTHESIZE (no id) [- -> messages[2]]");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
    // with thinking off the same body is valid, and left as it is
    Bodies.assertValid(Dialect.ANTHROPIC, body(false, USER, ANSWER, assistant(THINKING, USE), RESULT));
  }

  @Test
  void aTurnWithoutAThinkingBlockToStartFromIsNotRepaired() throws Exception {
    // no thinking block in the turn, or a call before it: a thinking block cannot be made up, and a
    // call cannot be parted from its results
    for (String in : List.of(
        body(true, USER, ANSWER, assistant(USE), RESULT),
        body(true, USER, assistant("{'type':'text','text':'Let me look.'}", THINKING, USE), RESULT))) {
      assertThat(refereeSays(in)).as(in).startsWith("messages.1.content.0.type: Expected `thinking`");
      WireRepair repair = WireGuard.ofDefaults().repair(Dialect.ANTHROPIC, in);
      assertThat(repair.actions()).as(in).extracting(WireAction::kind)
          .doesNotContain(dev.toolguard.core.RepairAction.Kind.SYNTHESIZE);
      assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, repair.body())).extracting(WireViolation::code)
          .containsExactly("THINKING_NOT_FIRST");
    }
  }

  @Test
  void aToolUseIdGivenTwiceIsWordedAsTheProviderMeetsIt() throws Exception {
    // (not about thinking: Anthropic's words for a reused tool_use id name the block of the second use)
    String other = "{'type':'tool_use','id':'toolu_1','name':'get','input':{'city':'Rome'}}";
    String in = body(false, USER, assistant(USE), RESULT, assistant("{'type':'text','text':'and Rome'}", other),
        "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'rain'}]}");
    assertThat(refereeSays(in)).isEqualTo("messages.3.content.1: `tool_use` ids must be unique");
    assertThat(WireGuard.ofDefaults().check(Dialect.ANTHROPIC, in)).extracting(WireViolation::providerError)
        .contains("messages.3.content.1: `tool_use` ids must be unique");
  }
}
