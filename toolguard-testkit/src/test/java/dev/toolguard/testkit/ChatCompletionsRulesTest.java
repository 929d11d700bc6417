package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Chat;
import dev.toolguard.testkit.ErrorMessages.OpenAi;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionsRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"What is the weather in Paris and Rome?\"}";

  static String call(String id) {
    return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}";
  }

  static String assistant(String... ids) {
    StringBuilder calls = new StringBuilder();
    for (String id : ids) {
      calls.append(calls.length() == 0 ? "" : ",").append(call(id));
    }
    return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls + "]}";
  }

  static String tool(String id) {
    return "{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"22C\"}";
  }

  static String body(String... messages) {
    return "{\"model\":\"gpt-4o\",\"messages\":[" + String.join(",", messages) + "]}";
  }

  static void assertRejected(Http.Result r, String message, String param, String code) {
    assertThat(r.status()).isEqualTo(400);
    JsonNode error = r.json().get("error");
    assertThat(r.json().size()).isEqualTo(1);
    assertThat(error.get("message").asText()).isEqualTo(message);
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
    if (code == null) {
      assertThat(error.get("code").isNull()).isTrue();
    } else {
      assertThat(error.get("code").asText()).isEqualTo(code);
    }
    RecordedRequest last = referee.lastRequest();
    assertThat(last.status()).isEqualTo(400);
    assertThat(last.errorMessage()).isEqualTo(message);
    assertThat(referee.rejections()).containsExactly(last);
  }

  static void assertAccepted(Http.Result r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("object").asText()).isEqualTo("chat.completion");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void unansweredToolCallsAreRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a", "call_b"), tool("call_a"), USER));
    assertRejected(r, Chat.toolCallsWithoutResponses(List.of("call_b")), "messages.[3].role", null);
    assertThat(r.errorMessage()).isEqualTo(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
            + " 'tool_call_id'. The following tool_call_ids did not have response messages: call_b");
  }

  @Test
  void toolCallsAtTheEndAreRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a", "call_b")));
    assertRejected(r, Chat.toolCallsWithoutResponses(List.of("call_a", "call_b")), "messages.[2].role", null);
  }

  @Test
  void userMessageBetweenCallAndResultIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a"), USER, tool("call_a")));
    assertRejected(r, Chat.toolCallsWithoutResponses(List.of("call_a")), "messages.[2].role", null);
  }

  @Test
  void answeredToolCallsAreAccepted() {
    assertAccepted(post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a", "call_b"), tool("call_b"), tool("call_a"))));
  }

  @Test
  void toolMessageWithoutCallIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, tool("call_a")));
    assertRejected(r, Chat.TOOL_MESSAGE_WITHOUT_CALL, "messages.[1].role", null);
    assertThat(r.errorMessage()).isEqualTo(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
  }

  @Test
  void toolMessageAfterTheBlockIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS,
        body(USER, assistant("call_a"), tool("call_a"), "{\"role\":\"assistant\",\"content\":\"ok\"}", tool("call_a")));
    assertRejected(r, Chat.TOOL_MESSAGE_WITHOUT_CALL, "messages.[4].role", null);
  }

  @Test
  void unknownToolCallIdIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a"), tool("call_x")));
    assertRejected(r, Chat.unknownToolCallId("call_x"), "messages.[2].tool_call_id", null);
    assertThat(r.errorMessage())
        .isEqualTo("Invalid parameter: 'tool_call_id' of 'call_x' not found in 'tool_calls' of previous message.");
  }

  @Test
  void duplicateToolResultIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a", "call_b"), tool("call_a"), tool("call_a")));
    assertRejected(r, Chat.duplicateToolCallId("call_a", 2, 3), "messages.[3].tool_call_id", null);
    assertThat(r.errorMessage())
        .isEqualTo("Invalid parameter: Duplicate value for 'tool_call_id' of 'call_a', in messages[2] and messages[3].");
  }

  @Test
  void duplicateCallIdsAreRejected() {
    Http.Result same = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a", "call_a"), tool("call_a")));
    assertRejected(same, Chat.duplicateCallId("call_a", 1, 0, 1, 1), "messages.[1].tool_calls", null);
    referee.reset();
    Http.Result later = post(Endpoint.CHAT_COMPLETIONS,
        body(USER, assistant("call_a"), tool("call_a"), USER, assistant("call_a"), tool("call_a")));
    assertRejected(later, Chat.duplicateCallId("call_a", 1, 0, 4, 0), "messages.[4].tool_calls", null);
  }

  @Test
  void missingIdIsRejected() {
    String noId = "{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, noId));
    assertRejected(r, OpenAi.missingParameter("messages[1].tool_calls[0].id"), "messages[1].tool_calls[0].id",
        "missing_required_parameter");
    assertThat(r.errorMessage()).isEqualTo("Missing required parameter: 'messages[1].tool_calls[0].id'.");
  }

  @Test
  void toolMessageWithoutToolCallIdIsRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a"), "{\"role\":\"tool\",\"content\":\"x\"}"));
    assertRejected(r, OpenAi.missingParameter("messages[2].tool_call_id"), "messages[2].tool_call_id",
        "missing_required_parameter");
  }

  @Test
  void idOverFortyCharactersIsRejected() {
    String id = "call_" + "x".repeat(36);
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant(id), tool(id)));
    assertRejected(r, OpenAi.stringTooLong("messages[1].tool_calls[0].id", 40, 41), "messages[1].tool_calls[0].id",
        "string_above_max_length");
    assertThat(r.errorMessage()).isEqualTo("Invalid 'messages[1].tool_calls[0].id': string too long. Expected a"
        + " string with maximum length 40, but got a string with length 41 instead.");
    referee.reset();
    String forty = "call_" + "x".repeat(35);
    assertAccepted(post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant(forty), tool(forty))));
  }

  @Test
  void emptyToolCallsAreRejected() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, "{\"role\":\"assistant\",\"content\":\"hi\",\"tool_calls\":[]}"));
    assertRejected(r, OpenAi.emptyArray("messages[1].tool_calls"), "messages[1].tool_calls", "empty_array");
  }

  @Test
  void emptyFunctionNameIsRejected() {
    String bad = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"\",\"arguments\":\"{}\"}}]}";
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, bad, tool("call_a")));
    assertRejected(r, OpenAi.emptyString("messages[1].tool_calls[0].function.name"),
        "messages[1].tool_calls[0].function.name", "empty_string");
  }

  @Test
  void argumentsThatAreNotAStringAreRejected() {
    String bad = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"city\":\"Paris\"}}}]}";
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, bad, tool("call_a")));
    assertRejected(r, OpenAi.invalidType("messages[1].tool_calls[0].function.arguments", "a string", "an object"),
        "messages[1].tool_calls[0].function.arguments", "invalid_type");
    assertThat(r.errorMessage()).isEqualTo(
        "Invalid type for 'messages[1].tool_calls[0].function.arguments': expected a string, but got an object instead.");
  }

  @Test
  void assistantContentMayBeNullOnlyWithToolCalls() {
    assertAccepted(post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a"), tool("call_a"))));
    referee.reset();
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, "{\"role\":\"assistant\",\"content\":null}", USER));
    assertRejected(r, Chat.ASSISTANT_CONTENT_NULL, "messages[1].content", null);
  }

  @Test
  void legacyFunctionRoleIsAcceptedButAnswersNoToolCall() {
    String function = "{\"role\":\"function\",\"name\":\"get_weather\",\"content\":\"22C\"}";
    assertAccepted(post(Endpoint.CHAT_COMPLETIONS, body(USER, "{\"role\":\"assistant\",\"content\":\"x\"}", function)));
    referee.reset();
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, body(USER, assistant("call_a"), function));
    assertRejected(r, Chat.toolCallsWithoutResponses(List.of("call_a")), "messages.[2].role", null);
  }

  @Test
  void shapeErrors() {
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, "{not json"), OpenAi.NOT_JSON, null, null);
    referee.reset();
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, "{\"messages\":[" + USER + "]}"), Chat.MODEL_MISSING, null, null);
    referee.reset();
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"gpt-4o\"}"), "Missing required parameter: 'messages'.",
        "messages", "missing_required_parameter");
    referee.reset();
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"gpt-4o\",\"messages\":\"hi\"}"),
        "Invalid type for 'messages': expected an array, but got a string instead.", "messages", "invalid_type");
    referee.reset();
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"gpt-4o\",\"messages\":[]}"),
        OpenAi.emptyArray("messages"), "messages", "empty_array");
    referee.reset();
    assertRejected(post(Endpoint.CHAT_COMPLETIONS, body("{\"role\":\"robot\",\"content\":\"hi\"}")),
        "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
        "messages[0].role", "invalid_value");
  }
}
