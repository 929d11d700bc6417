package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptedRepliesTest extends RefereeTestBase {

  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";
  static final String RESPONSES = "{\"model\":\"gpt-4.1\",\"input\":\"Weather in Paris?\"}";
  static final String MESSAGES =
      "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";

  static final Reply MIX = Reply.textAndToolCalls("Let me check.",
      Reply.call("get_weather", "{\"city\":\"Paris\"}"), Reply.call("get_time", "{\"tz\":\"CET\"}"));

  @Test
  void chatCompletionShapes() {
    referee.script().enqueue(Reply.text("Sunny."), Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"), MIX);
    JsonNode text = post(Endpoint.CHAT_COMPLETIONS, CHAT).json();
    assertThat(text.get("id").asText()).isEqualTo("chatcmpl-1");
    assertThat(text.get("object").asText()).isEqualTo("chat.completion");
    assertThat(text.get("created").isIntegralNumber()).isTrue();
    assertThat(text.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(text.get("system_fingerprint").asText()).isEqualTo("fp_toolguard");
    JsonNode choice = text.at("/choices/0");
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
    assertThat(choice.at("/message/content").asText()).isEqualTo("Sunny.");
    assertThat(choice.at("/message/refusal").isNull()).isTrue();
    assertThat(choice.at("/message").has("tool_calls")).isFalse();
    JsonNode usage = text.get("usage");
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").isInt()).isTrue();

    JsonNode one = post(Endpoint.CHAT_COMPLETIONS, CHAT).json().at("/choices/0");
    assertThat(one.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(one.at("/message/content").isNull()).isTrue();
    JsonNode call = one.at("/message/tool_calls/0");
    assertThat(call.get("id").asText()).isEqualTo("call_1");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");

    JsonNode mix = post(Endpoint.CHAT_COMPLETIONS, CHAT).json().at("/choices/0/message");
    assertThat(mix.get("content").asText()).isEqualTo("Let me check.");
    assertThat(mix.get("tool_calls")).hasSize(2);
    assertThat(mix.at("/tool_calls/0/id").asText()).isEqualTo("call_2");
    assertThat(mix.at("/tool_calls/1/id").asText()).isEqualTo("call_3");
    assertThat(mix.at("/tool_calls/1/function/name").asText()).isEqualTo("get_time");
    assertThat(referee.script().pending()).isZero();
  }

  @Test
  void responsesShapes() {
    referee.script().enqueue(MIX.withReasoning("Two tools are needed."));
    JsonNode r = post(Endpoint.RESPONSES,
        "{\"model\":\"gpt-4.1\",\"input\":\"hi\",\"instructions\":\"Be brief.\",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]}")
        .json();
    assertThat(r.get("id").asText()).isEqualTo("resp_1");
    assertThat(r.get("object").asText()).isEqualTo("response");
    assertThat(r.get("status").asText()).isEqualTo("completed");
    assertThat(r.get("model").asText()).isEqualTo("gpt-4.1");
    assertThat(r.get("instructions").asText()).isEqualTo("Be brief.");
    for (String field : List.of("created_at", "error", "incomplete_details", "metadata", "parallel_tool_calls",
        "temperature", "tool_choice", "tools", "top_p", "text", "reasoning", "usage", "store", "truncation")) {
      assertThat(r.has(field)).as(field).isTrue();
    }
    assertThat(r.at("/tools/0/strict").asBoolean()).isTrue();
    assertThat(r.at("/usage/input_tokens_details/cached_tokens").isInt()).isTrue();
    assertThat(r.at("/usage/output_tokens_details/reasoning_tokens").isInt()).isTrue();
    JsonNode output = r.get("output");
    assertThat(output).hasSize(4);
    assertThat(output.at("/0/type").asText()).isEqualTo("reasoning");
    assertThat(output.at("/0/id").asText()).isEqualTo("rs_1");
    assertThat(output.at("/0/summary/0/text").asText()).isEqualTo("Two tools are needed.");
    assertThat(output.at("/1/type").asText()).isEqualTo("message");
    assertThat(output.at("/1/id").asText()).isEqualTo("msg_1");
    assertThat(output.at("/1/status").asText()).isEqualTo("completed");
    assertThat(output.at("/1/content/0/type").asText()).isEqualTo("output_text");
    assertThat(output.at("/1/content/0/text").asText()).isEqualTo("Let me check.");
    assertThat(output.at("/1/content/0/annotations").isArray()).isTrue();
    assertThat(output.at("/2/type").asText()).isEqualTo("function_call");
    assertThat(output.at("/2/id").asText()).isEqualTo("fc_1");
    assertThat(output.at("/2/call_id").asText()).isEqualTo("call_1");
    assertThat(output.at("/2/name").asText()).isEqualTo("get_weather");
    assertThat(output.at("/2/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(output.at("/2/status").asText()).isEqualTo("completed");
    assertThat(output.at("/3/call_id").asText()).isEqualTo("call_2");
  }

  @Test
  void anthropicShapes() {
    referee.script().enqueue(Reply.text("Sunny."), MIX);
    JsonNode text = post(Endpoint.MESSAGES, MESSAGES).json();
    assertThat(text.get("id").asText()).isEqualTo("msg_1");
    assertThat(text.get("type").asText()).isEqualTo("message");
    assertThat(text.get("role").asText()).isEqualTo("assistant");
    assertThat(text.get("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(text.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(text.get("stop_sequence").isNull()).isTrue();
    assertThat(text.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(text.at("/content/0/text").asText()).isEqualTo("Sunny.");
    assertThat(text.at("/usage/input_tokens").isInt()).isTrue();
    assertThat(text.at("/usage/output_tokens").isInt()).isTrue();

    JsonNode mix = post(Endpoint.MESSAGES, MESSAGES).json();
    assertThat(mix.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(mix.get("content")).hasSize(3);
    assertThat(mix.at("/content/1/type").asText()).isEqualTo("tool_use");
    assertThat(mix.at("/content/1/id").asText()).isEqualTo("toolu_1");
    assertThat(mix.at("/content/1/name").asText()).isEqualTo("get_weather");
    assertThat(mix.at("/content/1/input/city").asText()).isEqualTo("Paris");
    assertThat(mix.at("/content/2/id").asText()).isEqualTo("toolu_2");
  }

  @Test
  void fixedIdsAreUsedVerbatim() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("f", "{}").withId("call_same"), Reply.call("g", "{}").withId("call_same")));
    JsonNode calls = post(Endpoint.CHAT_COMPLETIONS, CHAT).json().at("/choices/0/message/tool_calls");
    assertThat(calls.findValuesAsText("id")).containsExactly("call_same", "call_same");
  }

  @Test
  void defaultReplyMentionsTheLastUserMessageOrToolResult() {
    JsonNode chat = post(Endpoint.CHAT_COMPLETIONS, CHAT).json();
    assertThat(chat.at("/choices/0/message/content").asText()).isEqualTo("You said: Weather in Paris?");
    String afterTool = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"22C and sunny\"}]}";
    assertThat(post(Endpoint.CHAT_COMPLETIONS, afterTool).json().at("/choices/0/message/content").asText())
        .isEqualTo("Tool result received: 22C and sunny");
    assertThat(post(Endpoint.MESSAGES, MESSAGES).json().at("/content/0/text").asText())
        .isEqualTo("You said: Weather in Paris?");
    assertThat(post(Endpoint.RESPONSES, RESPONSES).json().at("/output/0/content/0/text").asText())
        .isEqualTo("You said: Weather in Paris?");
  }

  @Test
  void respondWithFunction() {
    referee.script().respondWith(request -> request.endsWithToolResult()
        ? Reply.text("Done: " + request.lastToolResult())
        : Reply.toolCall("get_weather", "{\"city\":\"" + request.lastUserText().replace("?", "") + "\"}"));
    JsonNode first = post(Endpoint.MESSAGES, MESSAGES).json();
    assertThat(first.at("/content/0/input/city").asText()).isEqualTo("Weather in Paris");
    String id = first.at("/content/0/id").asText();
    String second = "{\"model\":\"claude\",\"max_tokens\":100,\"messages\":["
        + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
        + "{\"role\":\"assistant\",\"content\":" + first.get("content") + "},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + id + "\",\"content\":\"22C\"}]}]}";
    assertThat(post(Endpoint.MESSAGES, second).json().at("/content/0/text").asText()).isEqualTo("Done: 22C");
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.requests().get(1).toolResultIds()).containsExactly(id);
  }

  @Test
  void queuedRepliesComeBeforeTheFunction() {
    referee.script().respondWith(r -> Reply.text("from function")).enqueue(Reply.text("queued"));
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).json().at("/choices/0/message/content").asText()).isEqualTo("queued");
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).json().at("/choices/0/message/content").asText())
        .isEqualTo("from function");
  }

  @Test
  void rejectedRequestsConsumeNoReply() {
    referee.script().enqueue(Reply.text("kept"));
    assertThat(post(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"gpt-4o\",\"messages\":[]}").status()).isEqualTo(400);
    assertThat(referee.script().pending()).isOne();
  }

  @Test
  void aFailingFunctionAnswers500() {
    referee.script().respondWith(r -> {
      throw new IllegalStateException("boom");
    });
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, CHAT);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.errorMessage()).contains("boom");
    assertThat(referee.lastRequest().status()).isEqualTo(500);
  }

  @Test
  void recordedRequests() {
    post(Endpoint.CHAT_COMPLETIONS, CHAT);
    post(Endpoint.RESPONSES, "{}");
    RecordedRequest first = referee.requests().get(0);
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.endpoint()).isEqualTo(Endpoint.CHAT_COMPLETIONS);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/v1/chat/completions");
    assertThat(first.body()).isEqualTo(CHAT);
    assertThat(first.json().at("/messages/0/content").asText()).isEqualTo("Weather in Paris?");
    assertThat(first.header("authorization")).isEqualTo("Bearer test-key");
    assertThat(first.model()).isEqualTo("gpt-4o");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.errorMessage()).isNull();
    assertThat(first.rejected()).isFalse();
    assertThat(first.stream()).isFalse();
    assertThat(referee.requests(Endpoint.RESPONSES)).hasSize(1);
    assertThat(referee.rejections()).singleElement().satisfies(r -> {
      assertThat(r.endpoint()).isEqualTo(Endpoint.RESPONSES);
      assertThat(r.errorMessage()).isEqualTo("Missing required parameter: 'model'.");
    });
  }

  @Test
  void unknownPathsAnswer404InTheRightShape() {
    Http.Result openAi = Http.get(referee, "/v1/models/x");
    assertThat(openAi.status()).isEqualTo(404);
    assertThat(openAi.errorMessage()).isEqualTo("Invalid URL (GET /v1/models/x)");
    Http.Result anthropic = Http.post(referee, Endpoint.MESSAGES, "{}");
    assertThat(anthropic.status()).isEqualTo(400);
    assertThat(referee.lastRequest().endpoint()).isEqualTo(Endpoint.MESSAGES);
    assertThat(referee.requests().get(0).endpoint()).isNull();
  }

  @Test
  void replyValidation() {
    assertThatThrownBy(() -> Reply.toolCall("f", "not json")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.toolCall("f", "[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.toolCall("", "{}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reply(null, List.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Reply.text("a").withCall(Reply.call("f", "{}")).hasCalls()).isTrue();
  }
}
