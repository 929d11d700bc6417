package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Gemini;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris and Rome?\"}]}";
  static final String MODEL_TEXT = "{\"role\":\"model\",\"parts\":[{\"text\":\"Which city?\"}]}";

  static String calls(String... names) {
    StringBuilder parts = new StringBuilder();
    for (String n : names) {
      parts.append(parts.length() == 0 ? "" : ",")
          .append("{\"functionCall\":{\"name\":\"").append(n).append("\",\"args\":{\"city\":\"Paris\"}}}");
    }
    return "{\"role\":\"model\",\"parts\":[" + parts + "]}";
  }

  static String responses(String... names) {
    StringBuilder parts = new StringBuilder();
    for (String n : names) {
      parts.append(parts.length() == 0 ? "" : ",")
          .append("{\"functionResponse\":{\"name\":\"").append(n).append("\",\"response\":{\"result\":\"22C\"}}}");
    }
    return "{\"role\":\"user\",\"parts\":[" + parts + "]}";
  }

  static String body(String... contents) {
    return "{\"contents\":[" + String.join(",", contents) + "]}";
  }

  static Http.Result generate(String body) {
    return Http.postUrl(referee.url(Endpoint.GEMINI, "gemini-2.5-flash"), body);
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).isEqualTo(400);
    JsonNode error = r.json().get("error");
    assertThat(error.get("code").asInt()).isEqualTo(400);
    assertThat(error.get("message").asText()).isEqualTo(message);
    assertThat(error.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(referee.lastRequest().errorMessage()).isEqualTo(message);
    assertThat(referee.lastRequest().endpoint()).isEqualTo(Endpoint.GEMINI);
  }

  @Test
  void aToolRoundIsAcceptedAndAnsweredInGeminisShape() {
    referee.script().enqueue(Reply.textAndToolCalls("Let me check.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    Http.Result first = generate(body(USER));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode candidate = first.json().at("/candidates/0");
    assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
    assertThat(candidate.at("/content/parts/0/text").asText()).isEqualTo("Let me check.");
    assertThat(candidate.at("/content/parts/1/functionCall/name").asText()).isEqualTo("get_weather");
    assertThat(candidate.at("/content/parts/1/functionCall/args/city").asText()).isEqualTo("Paris");
    assertThat(candidate.at("/content/parts/1/functionCall").has("id")).isFalse();
    assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
    assertThat(first.json().at("/usageMetadata/totalTokenCount").asInt()).isPositive();
    assertThat(first.json().get("modelVersion").asText()).isEqualTo("gemini-2.5-flash");

    Http.Result second = generate(body(USER, calls("get_weather"), responses("get_weather")));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Tool result received: 22C");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().model()).isEqualTo("gemini-2.5-flash");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("get_weather");
  }

  @Test
  void parallelCallsWithAllResponsesAndAFollowUpAreAccepted() {
    Http.Result r = generate(body(USER, calls("a", "b"), responses("a", "b"), MODEL_TEXT, USER));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aResponseTurnThatDoesNotFollowACallTurnIsRejected() {
    assertRejected(generate(body(USER, responses("get_weather"))), Gemini.RESPONSE_AFTER_CALL);
    assertRejected(generate(body(USER, MODEL_TEXT, responses("get_weather"))), Gemini.RESPONSE_AFTER_CALL);
  }

  @Test
  void fewerOrMoreResponsePartsThanCallPartsAreRejected() {
    assertRejected(generate(body(USER, calls("a", "b"), responses("a"))), Gemini.SAME_COUNT);
    assertRejected(generate(body(USER, calls("a"), responses("a", "a"))), Gemini.SAME_COUNT);
    assertThat(Gemini.SAME_COUNT).isEqualTo("Please ensure that the number of function response parts is equal to"
        + " the number of function call parts of the function call turn.");
  }

  @Test
  void aCallTurnLeftUnansweredIsRejected() {
    assertRejected(generate(body(USER, calls("a"), USER)), Gemini.SAME_COUNT);
    assertRejected(generate(body(USER, calls("a"))), Gemini.SAME_COUNT);
  }

  @Test
  void aCallTurnFirstOrAfterAModelTurnIsRejected() {
    assertRejected(generate(body(calls("a"), responses("a"))), Gemini.CALL_AFTER_USER);
    assertRejected(generate(body(USER, MODEL_TEXT, calls("a"), responses("a"))), Gemini.CALL_AFTER_USER);
    assertThat(Gemini.CALL_AFTER_USER).isEqualTo("Please ensure that function call turn comes immediately after a"
        + " user turn or after a function response turn.");
  }

  @Test
  void shapesAreChecked() {
    assertRejected(generate("{}"), Gemini.CONTENTS_MISSING);
    assertRejected(generate(body("{\"role\":\"assistant\",\"parts\":[{\"text\":\"x\"}]}")), Gemini.INVALID_ROLE);
    assertRejected(generate(body(USER, "{\"role\":\"model\",\"parts\":[]}")), Gemini.partsEmpty(1));
    assertRejected(generate("{not json"), Gemini.NOT_JSON);
  }

  @Test
  void streamingAnswersServerSentPartialResponsesInOrder() {
    referee.script().enqueue(Reply.textAndToolCalls("It is sunny.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    Http.Result r = Http.postUrl(
        referee.baseUrl() + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body(USER));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Sse.Event> events = Sse.parse(r.body());
    assertThat(events).hasSize(4);
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < 3; k++) {
      JsonNode c = events.get(k).json().at("/candidates/0");
      text.append(c.at("/content/parts/0/text").asText());
      assertThat(c.has("finishReason")).isFalse();
    }
    assertThat(text).hasToString("It is sunny.");
    JsonNode last = events.get(3).json();
    assertThat(last.at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
    assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    assertThat(last.at("/usageMetadata/candidatesTokenCount").asInt()).isPositive();
    assertThat(referee.lastRequest().stream()).isTrue();
  }

  @Test
  void streamingWithoutAltSseAnswersOneJsonArray() {
    referee.script().enqueue(Reply.text("a b"));
    Http.Result r = Http.postUrl(referee.baseUrl() + "/v1beta/models/m:streamGenerateContent", body(USER));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().isArray()).isTrue();
    assertThat(r.json()).hasSize(2);
    assertThat(r.json().get(1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
  }

  @Test
  void aStreamedRequestThatBreaksARuleGetsThe400() {
    Http.Result r = Http.postUrl(
        referee.baseUrl() + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body(USER, calls("a")));
    assertRejected(r, Gemini.SAME_COUNT);
  }
}
