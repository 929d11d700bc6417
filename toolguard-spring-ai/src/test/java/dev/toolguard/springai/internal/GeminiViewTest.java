package dev.toolguard.springai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the advisors send Spring AI's Gemini models: outputs as JSON, a turn's results in one message. */
class GeminiViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"\"sunny\"", "{\"t\":21,\"ok\":true,\"x\":null}", "[1, -2.5e3, \"a\\u00e9\\n\"]", " 0 ",
      "false", "{}", "[]"})
  void jsonIsKnownAsJsonAndSentAsItIs(String json) throws Exception {
    JSON.readTree(json); // Jackson agrees
    assertThat(GeminiView.isJson(json)).isTrue();
    List<Message> history = List.of(tool(ToolResult.of("a1", "get_weather", json)));
    assertThat(GeminiView.of(history)).isSameAs(history);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sunny", "", "Tool call a1 (get_weather) did not complete", "{\"a\":1", "01", "[1,]",
      "\"tab\tinside\"", "nul", "{\"a\" 1}", "\"x\" \"y\"", "tab\there \"quoted\" back\\slash\nline \u0001"})
  void anythingElseIsSentAsAJsonStringOfItsText(String text) throws Exception {
    assertThat(GeminiView.isJson(text)).isFalse();
    List<Message> sent = GeminiView.of(List.of(tool(ToolResult.error("a1", "get_weather", text))));
    ToolResult r = (ToolResult) sent.get(0).contents().get(0);
    assertThat(JSON.readTree(r.output()).textValue()).isEqualTo(text);
    assertThat(GeminiView.isJson(r.output())).isTrue();
    assertThat(r.error()).isTrue();
  }

  @Test
  void theResultsOfATurnGoInOneToolMessage() {
    Message calls = new Message(Role.ASSISTANT, List.<Content>of(new ToolCall("a1", "get_weather", "{}", false, Map.of()),
        new ToolCall("a2", "get_time", "{}", false, Map.of())), Map.of());
    List<Message> history = List.of(new Message(Role.USER, List.<Content>of(new Text("Paris?", Map.of())), Map.of()), calls,
        tool(ToolResult.of("a1", "get_weather", "\"sunny\"")), tool(ToolResult.error("a2", "get_time", "lost")),
        new Message(Role.USER, List.<Content>of(new Text("so?", Map.of())), Map.of()));
    List<Message> sent = GeminiView.of(history);
    assertThat(sent).hasSize(4);
    List<String> outputs = new ArrayList<>();
    sent.get(2).contents().forEach(c -> outputs.add(((ToolResult) c).output()));
    assertThat(outputs).containsExactly("\"sunny\"", "\"lost\"");
    assertThat(history.get(3).contents().get(0)).extracting(c -> ((ToolResult) c).output()).isEqualTo("lost");
  }

  private static Message tool(ToolResult r) {
    return new Message(Role.TOOL, List.<Content>of(r), Map.of());
  }
}
