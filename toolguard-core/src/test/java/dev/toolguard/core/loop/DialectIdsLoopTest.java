package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loop gives a call whose id is empty, used before, or outside the dialect's rule a fresh id in
 * that rule: a Mistral id is nine letters and digits (never {@code call_1_2}), a Bedrock id fits
 * {@code [a-zA-Z0-9_-]{1,64}}.
 */
class DialectIdsLoopTest {

  private static LoopTool echo(String name) {
    return LoopTool.of(ToolSpec.of(name, "echoes"), args -> name + ":" + args);
  }

  private static List<String> callIds(List<Message> history) {
    return history.stream().flatMap(m -> m.toolCalls().stream()).map(ToolCall::callId).toList();
  }

  @Test
  void mistralIdsAreNineLettersAndDigits() {
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("call_0fypS1hVX", "weather", "{}"), ToolCall.of("", "time", "{}"))
        .thenCalls(ToolCall.of("abcdefghi", "weather", "{}"))
        .thenCalls(ToolCall.of("abcdefghi", "time", "{}"))
        .thenText("done");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("weather"), echo("time"))
        .dialect(Dialect.MISTRAL).build().run(List.of(Message.user("go")));

    List<String> ids = callIds(r.history());
    assertThat(ids).hasSize(4).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-zA-Z0-9]{9}"));
    assertThat(ids.get(2)).isEqualTo("abcdefghi"); // a valid, unused id stays
    assertThat(r.history().get(1).toolCalls().get(0).metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID,
        "call_0fypS1hVX");
    assertThat(HistoryGuard.ofDefaults().check(r.history(), Dialect.MISTRAL)).isEmpty();
    // each result answers its renamed call
    assertThat(r.history().stream().flatMap(m -> m.toolResults().stream()).map(ToolResult::callId).toList())
        .containsExactlyElementsOf(ids);
  }

  @Test
  void bedrockIdsFitItsPattern() {
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("call.1:x", "weather", "{}"), ToolCall.of("", "time", "{}"))
        .thenText("done");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("weather"), echo("time"))
        .dialect(Dialect.BEDROCK_CONVERSE).build().run(List.of(Message.user("go")));

    assertThat(callIds(r.history())).hasSize(2).allMatch(id -> id.matches("[a-zA-Z0-9_-]{1,64}"));
    assertThat(HistoryGuard.ofDefaults().check(r.history(), Dialect.BEDROCK_CONVERSE)).isEmpty();
  }

  @Test
  void aStoredMistralHistoryIsRepairedBeforeTheRequest() {
    ScriptedBackend model = new ScriptedBackend().thenText("ok");
    List<Message> stored = List.of(Message.user("q"),
        Message.assistant(ToolCall.of("call_1_2", "weather", "{}")),
        Message.tool(ToolResult.of("call_1_2", "weather", "sunny")),
        Message.assistant("sunny"), Message.user("thanks"));
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("weather")).dialect(Dialect.MISTRAL).build()
        .run(stored);

    String sent = model.last().history().get(1).toolCalls().get(0).callId();
    assertThat(sent).matches("[a-zA-Z0-9]{9}");
    assertThat(model.last().history().get(2).toolResults().get(0).callId()).isEqualTo(sent);
    assertThat(r.history().get(1).toolCalls().get(0).callId()).isEqualTo(sent);
  }
}
