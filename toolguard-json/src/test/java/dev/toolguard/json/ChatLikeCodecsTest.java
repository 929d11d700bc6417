package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Mistral and Ollama codecs, example by example, and the dialects that have no codec yet. */
class ChatLikeCodecsTest {

  private static final Path SAMPLES = Path.of("..", "samples");

  private static String sample(String dialect) throws IOException {
    return Files.readString(SAMPLES.resolve("broken-" + dialect + ".json"));
  }

  @Test
  void mistralArgumentsStayAStringOrAnObjectAsTheyCame() throws IOException {
    String body = sample("mistral");
    WireRequest request = WireCodec.of(Dialect.MISTRAL).read(body);
    List<ToolCall> calls = request.history().get(2).toolCalls();
    assertThat(calls).extracting(ToolCall::callId).containsExactly("call_0fypS1hVX", "r0meW3ath");
    assertThat(calls.get(1).argumentsJson()).isEqualTo("{\"city\":\"Rome\"}");
    assertThat(Json.parse(WireCodec.of(Dialect.MISTRAL).write(request))).isEqualTo(Json.parse(body));
  }

  @Test
  void mistralBodiesAreCheckedWithMistralsWordsAndRepairedToItsIds() throws IOException {
    String body = sample("mistral");
    List<WireViolation> violations = WireGuard.ofDefaults().check(Dialect.MISTRAL, body);
    assertThat(violations).extracting(WireViolation::code)
        .contains("INVALID_CALL_ID", "MISPLACED_RESULT", "MISSING_RESULT");
    assertThat(violations).filteredOn(v -> v.code().equals("INVALID_CALL_ID")).extracting(WireViolation::providerError)
        .containsExactly("Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a length of 9.");
    assertThat(violations).filteredOn(v -> v.code().equals("MISSING_RESULT")).extracting(WireViolation::providerError)
        .containsExactly("Not the same number of function calls and responses");

    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.MISTRAL, body);
    assertThat(WireGuard.ofDefaults().check(Dialect.MISTRAL, repair.body())).isEmpty();
    JsonNode messages = Json.parse(repair.body()).get("messages");
    String renamed = messages.get(2).get("tool_calls").get(0).get("id").asText();
    assertThat(renamed).matches("[a-zA-Z0-9]{9}");
    assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo(renamed);
    assertThat(messages.get(4).get("tool_call_id").asText()).isEqualTo("r0meW3ath");
    assertThat(messages.get(5).get("content").asText()).isEqualTo("And book me a train to the sunnier one.");
    // the object arguments stay an object
    assertThat(messages.get(2).get("tool_calls").get(1).get("function").get("arguments").isObject()).isTrue();
    assertThat(WireGuard.ofDefaults().repair(Dialect.MISTRAL, repair.body()).changed()).isFalse();
  }

  @Test
  void ollamaIdsAreMadeUpByPlaceAndResultsBoundByName() throws IOException {
    WireRequest request = WireCodec.of(Dialect.OLLAMA).read(sample("ollama"));
    List<Message> h = request.history();
    // (content 0 of the assistant message is its empty text)
    assertThat(h.get(2).toolCalls()).extracting(ToolCall::callId).containsExactly("toolguard_2_1", "toolguard_2_2");
    // the first tool message names get_time: it answers the second call, whatever its place
    assertThat(h.get(3).toolResults()).extracting(ToolResult::callId).containsExactly("toolguard_2_2");
    // a tool message after a user message follows no assistant message: it is not bound
    assertThat(h.get(5).toolResults()).extracting(ToolResult::callId).containsExactly("");
  }

  @Test
  void ollamaBodiesAreRepairedIntoCallOrderWithoutIds() throws IOException {
    String body = sample("ollama");
    assertThat(WireGuard.ofDefaults().check(Dialect.OLLAMA, body)).isNotEmpty();
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.OLLAMA, body);
    assertThat(WireGuard.ofDefaults().check(Dialect.OLLAMA, repair.body())).isEmpty();
    JsonNode messages = Json.parse(repair.body()).get("messages");
    assertThat(messages.get(3).get("tool_name").asText()).isEqualTo("get_weather");
    assertThat(messages.get(4).get("tool_name").asText()).isEqualTo("get_time");
    assertThat(messages.get(5).get("content").asText()).isEqualTo("Also, is the Louvre open today?");
    assertThat(repair.body()).doesNotContain("toolguard_").doesNotContain("\"id\"");
    assertThat(messages.get(2).get("tool_calls").get(0).get("function").get("arguments").isObject()).isTrue();
    assertThat(WireGuard.ofDefaults().repair(Dialect.OLLAMA, repair.body()).changed()).isFalse();
  }

  @Test
  void aNewOllamaCallIsWrittenWithObjectArgumentsAndNoId() {
    WireRequest empty = WireCodec.of(Dialect.OLLAMA).read("{\"model\":\"llama3.2\",\"messages\":[]}");
    String body = WireCodec.of(Dialect.OLLAMA).write(empty.withHistory(List.of(Message.user("q"),
        Message.assistant(ToolCall.of("c1", "get_weather", "{\"city\":\"Paris\"}")),
        Message.tool(ToolResult.of("c1", "get_weather", "sun")))));
    assertThat(body).isEqualTo("{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
        + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":{\"city\":\"Paris\"}}}]},{\"role\":\"tool\",\"content\":\"sun\",\"tool_name\":\"get_weather\"}]}");
    assertThatThrownBy(() -> WireCodec.of(Dialect.OLLAMA).read(
        "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"t\",\"arguments\":\"{}\"}}]}]}"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("where the arguments are expected: a JSON object");
  }

  @Test
  void everyDialectHasACodecAndAnHttpBackend() {
    assertThat(WireCodec.supported()).containsExactly(Dialect.values());
    assertThat(dev.toolguard.json.http.HttpChatBackend.supported()).containsExactlyInAnyOrder(Dialect.values());
    for (Dialect d : Dialect.values()) {
      assertThat(dev.toolguard.json.http.HttpChatBackend.of(d,
          dev.toolguard.json.http.HttpBackendConfig.builder().apiKey("k").model("m").build()).dialect()).isEqualTo(d);
    }
  }

}
