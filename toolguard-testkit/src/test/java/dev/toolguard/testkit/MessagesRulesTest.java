package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Anthropic;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"}";

  static String toolUse(String... ids) {
    StringBuilder blocks = new StringBuilder("{\"type\":\"text\",\"text\":\"Let me check.\"}");
    for (String id : ids) {
      blocks.append(",{\"type\":\"tool_use\",\"id\":\"").append(id)
          .append("\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}");
    }
    return "{\"role\":\"assistant\",\"content\":[" + blocks + "]}";
  }

  static String result(String id) {
    return "{\"type\":\"tool_result\",\"tool_use_id\":\"" + id + "\",\"content\":\"22C\"}";
  }

  static String user(String... blocks) {
    return "{\"role\":\"user\",\"content\":[" + String.join(",", blocks) + "]}";
  }

  static final String TEXT = "{\"type\":\"text\",\"text\":\"and now?\"}";

  static String body(String... messages) {
    return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[" + String.join(",", messages) + "]}";
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).isEqualTo(400);
    JsonNode j = r.json();
    assertThat(j.get("type").asText()).isEqualTo("error");
    assertThat(j.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(j.at("/error/message").asText()).isEqualTo(message);
    assertThat(j.get("request_id").asText()).startsWith("req_");
    assertThat(referee.lastRequest().errorMessage()).isEqualTo(message);
    assertThat(referee.rejections()).hasSize(1);
  }

  static void assertAccepted(Http.Result r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("type").asText()).isEqualTo("message");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void toolUseWithoutResultIsRejected() {
    Http.Result r = post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01", "toolu_02"), user(result("toolu_01"))));
    assertRejected(r, Anthropic.toolUseWithoutResult(1, List.of("toolu_02")));
    assertThat(r.errorMessage()).isEqualTo("messages.1: `tool_use` ids were found without `tool_result` blocks"
        + " immediately after: toolu_02. Each `tool_use` block must have a corresponding `tool_result` block in the"
        + " next message.");
  }

  @Test
  void toolUseAtTheEndIsRejected() {
    assertRejected(post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"))),
        Anthropic.toolUseWithoutResult(1, List.of("toolu_01")));
  }

  @Test
  void textBeforeToolResultIsRejected() {
    Http.Result r = post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"), user(TEXT, result("toolu_01"))));
    assertRejected(r, Anthropic.toolUseWithoutResult(1, List.of("toolu_01")));
  }

  @Test
  void resultsFirstThenTextIsAccepted() {
    assertAccepted(post(Endpoint.MESSAGES,
        body(USER, toolUse("toolu_01", "toolu_02"), user(result("toolu_02"), result("toolu_01"), TEXT))));
  }

  @Test
  void consecutiveSameRoleMessagesAreMerged() {
    // results in one user message, text in the next: merged into one turn, results first: valid
    assertAccepted(post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"), user(result("toolu_01")), user(TEXT))));
    referee.reset();
    // text in one user message, results in the next: merged, text comes first: invalid
    assertRejected(post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"), user(TEXT), user(result("toolu_01")))),
        Anthropic.toolUseWithoutResult(1, List.of("toolu_01")));
  }

  @Test
  void unexpectedToolUseIdIsRejected() {
    Http.Result r = post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"), user(result("toolu_01"), result("toolu_x"))));
    assertRejected(r, Anthropic.unexpectedToolUseId(2, 1, "toolu_x"));
    assertThat(r.errorMessage()).isEqualTo("messages.2.content.1: unexpected `tool_use_id` found in `tool_result`"
        + " blocks: toolu_x. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
  }

  @Test
  void resultWithNoPreviousAssistantIsRejected() {
    assertRejected(post(Endpoint.MESSAGES, body(user(result("toolu_9")))), Anthropic.unexpectedToolUseId(0, 0, "toolu_9"));
  }

  @Test
  void duplicateToolUseIdsAreRejected() {
    Http.Result r = post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01", "toolu_01"), user(result("toolu_01"))));
    assertRejected(r, Anthropic.duplicateToolUseId(1, 2));
    assertThat(r.errorMessage()).isEqualTo("messages.1.content.2: `tool_use` ids must be unique");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES,
            body(USER, toolUse("toolu_01"), user(result("toolu_01")), toolUse("toolu_01"), user(result("toolu_01")))),
        Anthropic.duplicateToolUseId(3, 1));
  }

  @Test
  void duplicateResultsAreRejected() {
    assertRejected(post(Endpoint.MESSAGES, body(USER, toolUse("toolu_01"), user(result("toolu_01"), result("toolu_01")))),
        Anthropic.duplicateToolResult(2, 1, "toolu_01"));
  }

  @Test
  void idPatternIsEnforced() {
    Http.Result r = post(Endpoint.MESSAGES, body(USER, toolUse("call.1"), user(result("call.1"))));
    assertRejected(r, Anthropic.idPattern(1, 1, "tool_use", "id"));
    assertThat(r.errorMessage()).isEqualTo("messages.1.content.1.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, body(USER, toolUse("toolu_1"), user(result("toolu 1")))),
        Anthropic.idPattern(2, 0, "tool_result", "tool_use_id"));
    referee.reset();
    assertAccepted(post(Endpoint.MESSAGES, body(USER, toolUse("call_A-1"), user(result("call_A-1")))));
  }

  @Test
  void firstMessageMustBeUser() {
    assertRejected(post(Endpoint.MESSAGES, body("{\"role\":\"assistant\",\"content\":\"Hi\"}", USER)),
        Anthropic.FIRST_MESSAGE_NOT_USER);
  }

  @Test
  void emptyContentIsRejectedExceptFinalAssistant() {
    assertRejected(post(Endpoint.MESSAGES, body("{\"role\":\"user\",\"content\":\"\"}")), Anthropic.emptyContent(0));
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, body(USER, "{\"role\":\"assistant\",\"content\":[]}", USER)),
        Anthropic.emptyContent(1));
    referee.reset();
    assertAccepted(post(Endpoint.MESSAGES, body(USER, "{\"role\":\"assistant\",\"content\":\"\"}")));
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, body(user("{\"type\":\"text\",\"text\":\"\"}"))), Anthropic.EMPTY_TEXT_BLOCK);
  }

  @Test
  void blocksMustBeInTheRightRole() {
    assertRejected(post(Endpoint.MESSAGES, body(USER, "{\"role\":\"assistant\",\"content\":[" + result("toolu_1") + "]}")),
        "messages.1.content.0: `tool_result` blocks can only be in `user` messages");
  }

  @Test
  void systemIsTopLevel() {
    assertAccepted(post(Endpoint.MESSAGES,
        "{\"model\":\"claude\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"}],\"messages\":[" + USER + "]}"));
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, body("{\"role\":\"system\",\"content\":\"Be brief.\"}", USER)), Anthropic.SYSTEM_ROLE);
  }

  @Test
  void shapeErrors() {
    assertRejected(post(Endpoint.MESSAGES, "{\"model\":\"claude\",\"messages\":[" + USER + "]}"), "max_tokens: Field required");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, "{\"max_tokens\":5,\"messages\":[" + USER + "]}"), "model: Field required");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, "{\"model\":\"claude\",\"max_tokens\":5}"), "messages: Field required");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":{}}"),
        "messages: Input should be a valid list");
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, body("{\"role\":\"bot\",\"content\":\"hi\"}")), Anthropic.invalidRole(0));
    referee.reset();
    assertRejected(post(Endpoint.MESSAGES, "{oops"), Anthropic.NOT_JSON);
  }

  @Test
  void anthropicVersionHeaderIsRequired() {
    Http.Result r = Http.send(HttpRequest.newBuilder(URI.create(referee.url(Endpoint.MESSAGES)))
        .header("x-api-key", "k")
        .POST(HttpRequest.BodyPublishers.ofString(body(USER)))
        .build());
    assertRejected(r, Anthropic.VERSION_REQUIRED);
    assertThat(referee.lastRequest().header("X-Api-Key")).isEqualTo("k");
  }
}
