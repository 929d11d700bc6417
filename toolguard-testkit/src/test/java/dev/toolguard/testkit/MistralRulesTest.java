package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Mistral;
import java.util.List;
import org.junit.jupiter.api.Test;

class MistralRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"}";

  static String calls(String... ids) {
    StringBuilder calls = new StringBuilder();
    for (String id : ids) {
      calls.append(calls.length() == 0 ? "" : ",").append("{\"id\":\"").append(id)
          .append("\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}");
    }
    return "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[" + calls + "]}";
  }

  static String tool(String id) {
    return "{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"name\":\"get_weather\",\"content\":\"22C\"}";
  }

  static String body(String... messages) {
    return "{\"model\":\"mistral-large-latest\",\"messages\":[" + String.join(",", messages) + "]}";
  }

  static Http.Result chat(String body) {
    return Http.postUrl(referee.url(Endpoint.MISTRAL), body);
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).isEqualTo(400);
    JsonNode j = r.json();
    assertThat(j.get("object").asText()).isEqualTo("error");
    assertThat(j.get("message").asText()).isEqualTo(message);
    assertThat(j.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(j.get("param").isNull()).isTrue();
    assertThat(referee.lastRequest().errorMessage()).isEqualTo(message);
    assertThat(referee.lastRequest().endpoint()).isEqualTo(Endpoint.MISTRAL);
  }

  @Test
  void theBaseUrlIsTheMistralPrefixAndOpenAisPathStaysOpenAis() {
    assertThat(referee.url(Endpoint.MISTRAL)).isEqualTo(referee.mistralBaseUrl() + "/v1/chat/completions");
    Http.Result openAi = post(Endpoint.CHAT_COMPLETIONS, body(USER, calls("call_0fypS1hVX"), tool("call_0fypS1hVX")));
    assertThat(openAi.status()).isEqualTo(200);
  }

  @Test
  void aToolRoundIsAcceptedWithNineCharacterIds() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("get_weather", "{\"city\":\"Paris\"}"),
        Reply.call("get_weather", "{\"city\":\"Rome\"}")));
    Http.Result first = chat(body(USER));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode message = first.json().at("/choices/0/message");
    assertThat(first.json().get("object").asText()).isEqualTo("chat.completion");
    assertThat(message.get("content").asText()).isEmpty();
    assertThat(message.at("/tool_calls/0/id").asText()).isEqualTo("call00001").matches("[a-zA-Z0-9]{9}");
    assertThat(message.at("/tool_calls/1/id").asText()).isEqualTo("call00002");
    assertThat(message.at("/tool_calls/1/index").asInt()).isEqualTo(1);
    assertThat(message.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(first.json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");

    Http.Result second = chat(body(USER, calls("call00001", "call00002"), tool("call00001"), tool("call00002")));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().at("/choices/0/message/content").asText()).isEqualTo("Tool result received: 22C");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void anIdThatIsNotNineAlphanumericsIsRejected() {
    assertRejected(chat(body(USER, calls("call_0fypS1hVX"), tool("call_0fypS1hVX"))), Mistral.badId("call_0fypS1hVX"));
    assertThat(Mistral.badId("call_0fypS1hVX"))
        .isEqualTo("Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a length of 9.");
    assertRejected(chat(body(USER, calls("abc12345"), tool("abc12345"))), Mistral.badId("abc12345"));
    assertRejected(chat(body(USER, calls("abcd12345"), tool("call_1_2"))), Mistral.badId("call_1_2"));
  }

  @Test
  void callsAndResponsesOfDifferentNumbersAreRejected() {
    assertRejected(chat(body(USER, calls("abcd12345", "abcd12346"), tool("abcd12345"))), Mistral.COUNT);
    assertRejected(chat(body(USER, calls("abcd12345"), tool("abcd12345"), tool("abcd12345"))), Mistral.COUNT);
    assertRejected(chat(body(USER, calls("abcd12345"), USER)), Mistral.COUNT);
    assertRejected(chat(body(USER, tool("abcd12345"))), Mistral.COUNT);
    assertRejected(chat(body(USER, calls("abcd12345"))), Mistral.COUNT);
    assertThat(Mistral.COUNT).isEqualTo("Not the same number of function calls and responses");
  }

  @Test
  void theLastMessageIsUserOrToolOrAPrefix() {
    String assistant = "{\"role\":\"assistant\",\"content\":\"Sure\"}";
    assertRejected(chat(body(USER, assistant)), Mistral.lastRole("assistant"));
    assertThat(chat(body(USER, "{\"role\":\"assistant\",\"content\":\"Sure\",\"prefix\":true}")).status()).isEqualTo(200);
  }

  @Test
  void shapesAreChecked() {
    assertRejected(chat("{\"messages\":[]}"), Mistral.MODEL_MISSING);
    assertRejected(chat("{\"model\":\"m\"}"), Mistral.MESSAGES_MISSING);
    assertRejected(chat(body("{\"role\":\"robot\",\"content\":\"x\"}")), Mistral.role(0));
    assertRejected(chat("{"), Mistral.NOT_JSON);
  }

  @Test
  void streamingSendsRoleTextCallsFinishWithUsageAndDone() {
    referee.script().enqueue(Reply.textAndToolCalls("Let me see.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    Http.Result r = chat("{\"model\":\"mistral-small-latest\",\"stream\":true,\"messages\":[" + USER + "]}");
    assertThat(r.status()).isEqualTo(200);
    List<Sse.Event> events = Sse.parse(r.body());
    assertThat(events).hasSize(7);
    assertThat(events.get(0).json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (int k = 1; k <= 3; k++) {
      text.append(events.get(k).json().at("/choices/0/delta/content").asText());
    }
    assertThat(text).hasToString("Let me see.");
    JsonNode call = events.get(4).json().at("/choices/0/delta/tool_calls/0");
    assertThat(call.get("id").asText()).isEqualTo("call00001");
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    JsonNode last = events.get(5).json();
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(last.at("/usage/total_tokens").asInt()).isPositive();
    assertThat(last.get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(events.get(6).data()).isEqualTo("[DONE]");
  }
}
