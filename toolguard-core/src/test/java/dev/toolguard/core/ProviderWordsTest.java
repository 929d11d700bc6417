package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checked with a dialect, a violation's provider error is worded for the history at hand, as the
 * provider meets the fault in the body a codec writes for it (toolguard-json's
 * CoreProviderErrorsProperties holds these words against the testkit referee over HTTP).
 */
class ProviderWordsTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private List<String> words(List<Message> history, Dialect dialect) {
    return guard.check(history, dialect).stream().map(v -> v.providerError(dialect)).toList();
  }

  @Test
  void anthropicListsTheUnansweredIdsOfAMessageAtItsIndexWithoutTheSystemMessage() {
    List<Message> history = List.of(Message.system("Be brief."), Message.user("q"),
        Message.assistant(ToolCall.of("toolu_a", "get", "{}"), ToolCall.of("toolu_b", "get", "{}"),
            ToolCall.of("toolu_c", "get", "{}")),
        Message.tool(ToolResult.of("toolu_b", "get", "r")), Message.user("and?"));
    assertThat(words(history, Dialect.ANTHROPIC)).containsOnly(
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_a, toolu_c."
            + " Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
  }

  @Test
  void anthropicNamesAStrayResultAtItsBlock() {
    List<Message> history = List.of(Message.user("q"), Message.assistant(ToolCall.of("toolu_a", "get", "{}")),
        Message.tool(ToolResult.of("toolu_a", "get", "r"), ToolResult.of("toolu_x", "get", "stale")));
    assertThat(words(history, Dialect.ANTHROPIC)).containsExactly(
        "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each `tool_result`"
            + " block must have a corresponding `tool_use` block in the previous message.");
  }

  @Test
  void responsesMeetsASecondOutputAsADuplicateAndAnEarlyOneAsHavingNoCall() {
    List<Message> twice = List.of(Message.user("q"), Message.assistant(ToolCall.of("call_a", "get", "{}")),
        Message.tool(ToolResult.of("call_a", "get", "r")), Message.tool(ToolResult.of("call_a", "get", "r again")));
    assertThat(words(twice, Dialect.OPENAI_RESPONSES))
        .containsExactly("Duplicate function call output found with call_id call_a.");
    List<Message> early = List.of(Message.user("q"), Message.tool(ToolResult.of("call_a", "get", "r")),
        Message.assistant(ToolCall.of("call_a", "get", "{}")));
    assertThat(words(early, Dialect.OPENAI_RESPONSES))
        .contains("No tool call found for function call output with call_id call_a.");
  }

  @Test
  void chatFindsARewrittenResultIdNotInTheToolCallsOfThePreviousMessage() {
    List<Message> history = List.of(Message.user("q"), Message.assistant(ToolCall.of("call_a", "get", "{}")),
        Message.tool(ToolResult.of("call_6f1e2d", "get", "r")));
    assertThat(words(history, Dialect.OPENAI_CHAT)).contains(
        "Invalid parameter: 'tool_call_id' of 'call_6f1e2d' not found in 'tool_calls' of previous message.");
  }

  @Test
  void withoutADialectTheWordsAreTheCodes() {
    List<Message> history = List.of(Message.user("q"), Message.assistant(ToolCall.of("toolu_a", "get", "{}")));
    Violation v = guard.check(history).get(0);
    assertThat(v.dialect()).isNull();
    assertThat(v.providerError(Dialect.ANTHROPIC)).isEqualTo(v.code().providerError(Dialect.ANTHROPIC, "toolu_a", 1));
  }
}
