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
