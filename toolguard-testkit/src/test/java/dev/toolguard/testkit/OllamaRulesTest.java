package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Ollama;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}";
  static final String CALL = "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
      + "\"arguments\":{\"city\":\"Paris\"}}}]}";
  static final String TOOL = "{\"role\":\"tool\",\"tool_name\":\"get_weather\",\"content\":\"22C\"}";

  static String body(boolean stream, String... messages) {
    return "{\"model\":\"llama3.2\",\"stream\":" + stream + ",\"messages\":[" + String.join(",", messages) + "]}";
  }

  static Http.Result chat(String body) {
    return Http.postUrl(referee.url(Endpoint.OLLAMA), body);
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo(message);
    assertThat(r.json().size()).isEqualTo(1);
    assertThat(referee.lastRequest().errorMessage()).isEqualTo(message);
  }

  @Test
  void aToolRoundIsAcceptedAndAnsweredWithoutIdsAndWithObjectArguments() {
    referee.script().enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
    Http.Result first = chat(body(false, USER));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode j = first.json();
    assertThat(j.get("model").asText()).isEqualTo("llama3.2");
    assertThat(j.get("done").asBoolean()).isTrue();
    assertThat(j.get("done_reason").asText()).isEqualTo("stop");
    JsonNode call = j.at("/message/tool_calls/0");
    assertThat(call.has("id")).isFalse();
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments/city").asText()).isEqualTo("Paris");
    assertThat(j.at("/message/content").asText()).isEmpty();

    Http.Result second = chat(body(false, USER, CALL, TOOL));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().at("/message/content").asText()).isEqualTo("Tool result received: 22C");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("get_weather");
  }

  @Test
  void argumentsAsAStringAreRejectedWithGosDecodingError() {
    String stringArgs = "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}";
    assertRejected(chat(body(false, USER, stringArgs, TOOL)), "json: cannot unmarshal string into Go struct field"
        + " ChatRequest.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments");
  }

  @Test
  void shapesAreChecked() {
    assertRejected(chat("{\"messages\":[" + USER + "]}"), Ollama.MODEL_REQUIRED);
    assertRejected(chat("{\"model\":\"m\",\"messages\":{}}"),
        Ollama.unmarshal("object", "ChatRequest.messages", "[]api.Message"));
    assertRejected(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[1]}]}"),
        Ollama.unmarshal("array", "ChatRequest.messages.content", "string"));
    assertRejected(chat("hello"), "invalid character 'h' looking for beginning of value");
  }

  @Test
  void pairingIsNotCheckedAsOllamaDoesNot() {
    // Ollama matches results by order and name in the model's template; its server refuses none of these
    assertThat(chat(body(false, USER, CALL, USER)).status()).isEqualTo(200);
    assertThat(chat(body(false, USER, TOOL)).status()).isEqualTo(200);
    assertThat(chat(body(false, USER, CALL)).status()).isEqualTo(200);
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void streamingIsTheDefaultAndSendsNdjsonLinesInOrder() {
    referee.script().enqueue(Reply.textAndToolCalls("On it.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    Http.Result r = chat("{\"model\":\"llama3.2\",\"messages\":[" + USER + "]}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).hasValue("application/x-ndjson");
    assertThat(referee.lastRequest().stream()).isTrue();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      lines.add(Http.json(line));
    }
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).at("/message/content").asText() + lines.get(1).at("/message/content").asText())
        .isEqualTo("On it.");
    assertThat(lines.get(0).get("done").asBoolean()).isFalse();
    assertThat(lines.get(2).at("/message/tool_calls/0/function/arguments/city").asText()).isEqualTo("Paris");
    assertThat(lines.get(2).get("done").asBoolean()).isFalse();
    assertThat(lines.get(3).get("done").asBoolean()).isTrue();
    assertThat(lines.get(3).get("eval_count").asInt()).isPositive();
  }

  @Test
  void streamFalseAnswersOneObject() {
    Http.Result r = chat(body(false, USER));
    assertThat(r.header("content-type")).hasValue("application/json");
    assertThat(referee.lastRequest().stream()).isFalse();
    assertThat(r.json().at("/message/content").asText()).isEqualTo("You said: Weather in Paris?");
  }
}
