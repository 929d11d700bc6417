package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingTest extends RefereeTestBase {

  static final Reply MIX = Reply.textAndToolCalls("Let me check the weather.",
      Reply.call("get_weather", "{\"city\":\"Paris\",\"unit\":\"C\"}"), Reply.call("get_time", "{\"tz\":\"CET\"}"));

  @Test
  void chatCompletionChunks() {
    referee.script().enqueue(MIX);
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Sse.Event> events = Sse.parse(r.body());
    assertThat(events).allSatisfy(e -> assertThat(e.event()).isNull());
    assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (Sse.Event e : events.subList(0, events.size() - 1)) {
      chunks.add(e.json());
    }
    StringBuilder text = new StringBuilder();
    Map<Integer, String[]> calls = new LinkedHashMap<>();
    String finish = null;
    for (JsonNode c : chunks) {
      assertThat(c.get("id").asText()).isEqualTo("chatcmpl-1");
      assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(c.has("usage")).isTrue();
      if (c.get("choices").isEmpty()) {
        continue;
      }
      JsonNode choice = c.at("/choices/0");
      JsonNode delta = choice.get("delta");
      if (delta.hasNonNull("content")) {
        text.append(delta.get("content").asText());
      }
      for (JsonNode tc : delta.path("tool_calls")) {
        String[] acc = calls.computeIfAbsent(tc.get("index").asInt(), k -> new String[] {null, null, ""});
        if (tc.has("id")) {
          acc[0] = tc.get("id").asText();
          acc[1] = tc.at("/function/name").asText();
        }
        acc[2] += tc.at("/function/arguments").asText();
      }
      if (!choice.get("finish_reason").isNull()) {
        finish = choice.get("finish_reason").asText();
      }
    }
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(text.toString()).isEqualTo("Let me check the weather.");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).containsExactly("call_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"C\"}");
    assertThat(calls.get(1)).containsExactly("call_2", "get_time", "{\"tz\":\"CET\"}");
    assertThat(finish).isEqualTo("tool_calls");
    JsonNode usageChunk = chunks.get(chunks.size() - 1);
    assertThat(usageChunk.get("choices")).isEmpty();
    assertThat(usageChunk.at("/usage/total_tokens").asInt()).isPositive();
    assertThat(referee.lastRequest().stream()).isTrue();
  }

  @Test
  void chatCompletionChunksWithoutUsage() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    List<Sse.Event> events = Sse.parse(r.body());
    JsonNode last = events.get(events.size() - 2).json();
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(last.has("usage")).isFalse();
  }

  @Test
  void responsesEvents() {
    referee.script().enqueue(MIX);
    Http.Result r = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"hi\"}");
    List<Sse.Event> events = Sse.parse(r.body());
    List<String> types = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Sse.Event e = events.get(i);
      JsonNode j = e.json();
      assertThat(e.event()).isEqualTo(j.get("type").asText());
      assertThat(j.get("sequence_number").asInt()).isEqualTo(i);
      types.add(e.event());
    }
    assertThat(types.subList(0, 2)).containsExactly("response.created", "response.in_progress");
    assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
    assertThat(types).containsSubsequence("response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.done", "response.content_part.done",
        "response.output_item.done", "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done");
    StringBuilder text = new StringBuilder();
    Map<String, StringBuilder> args = new LinkedHashMap<>();
    for (Sse.Event e : events) {
      JsonNode j = e.json();
      switch (e.event()) {
        case "response.created":
          assertThat(j.at("/response/status").asText()).isEqualTo("in_progress");
          assertThat(j.at("/response/output")).isEmpty();
          break;
        case "response.output_text.delta":
          assertThat(j.get("item_id").asText()).isEqualTo("msg_1");
          text.append(j.get("delta").asText());
          break;
        case "response.output_text.done":
          assertThat(j.get("text").asText()).isEqualTo("Let me check the weather.");
          break;
        case "response.function_call_arguments.delta":
          args.computeIfAbsent(j.get("item_id").asText(), k -> new StringBuilder()).append(j.get("delta").asText());
          break;
        case "response.function_call_arguments.done":
          assertThat(j.get("arguments").asText()).isEqualTo(args.get(j.get("item_id").asText()).toString());
          break;
        default:
          break;
      }
    }
    assertThat(text.toString()).isEqualTo("Let me check the weather.");
    assertThat(args.keySet()).containsExactly("fc_1", "fc_2");
    assertThat(args.get("fc_1").toString()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"C\"}");
    JsonNode completed = events.get(events.size() - 1).json().get("response");
    assertThat(completed.get("status").asText()).isEqualTo("completed");
    assertThat(completed.get("output")).hasSize(3);
    assertThat(completed.at("/output/1/call_id").asText()).isEqualTo("call_1");
    assertThat(completed.at("/usage/total_tokens").asInt()).isPositive();
    assertThat(referee.responses().contains(completed.get("id").asText())).isTrue();
  }

  @Test
  void anthropicEvents() {
    referee.script().enqueue(MIX);
    Http.Result r = post(Endpoint.MESSAGES,
        "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    List<Sse.Event> events = Sse.parse(r.body());
    List<String> types = new ArrayList<>();
    for (Sse.Event e : events) {
      assertThat(e.event()).isEqualTo(e.json().get("type").asText());
      types.add(e.event());
    }
    assertThat(types.get(0)).isEqualTo("message_start");
    assertThat(types).contains("ping");
    assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message_delta", "message_stop");
    JsonNode start = events.get(0).json().get("message");
    assertThat(start.get("id").asText()).isEqualTo("msg_1");
    assertThat(start.get("content")).isEmpty();
    assertThat(start.get("stop_reason").isNull()).isTrue();
    Map<Integer, JsonNode> blocks = new LinkedHashMap<>();
    Map<Integer, StringBuilder> partial = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    List<Integer> stopped = new ArrayList<>();
    for (Sse.Event e : events) {
      JsonNode j = e.json();
      switch (e.event()) {
        case "content_block_start":
          blocks.put(j.get("index").asInt(), j.get("content_block"));
          break;
        case "content_block_delta":
          JsonNode d = j.get("delta");
          if (d.get("type").asText().equals("text_delta")) {
            text.append(d.get("text").asText());
          } else {
            assertThat(d.get("type").asText()).isEqualTo("input_json_delta");
            partial.computeIfAbsent(j.get("index").asInt(), k -> new StringBuilder()).append(d.get("partial_json").asText());
          }
          break;
        case "content_block_stop":
          stopped.add(j.get("index").asInt());
          break;
        case "message_delta":
          assertThat(j.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
          assertThat(j.at("/usage/output_tokens").asInt()).isPositive();
          break;
        default:
          break;
      }
    }
    assertThat(stopped).containsExactly(0, 1, 2);
    assertThat(text.toString()).isEqualTo("Let me check the weather.");
    assertThat(blocks.get(1).get("type").asText()).isEqualTo("tool_use");
    assertThat(blocks.get(1).get("id").asText()).isEqualTo("toolu_1");
    assertThat(blocks.get(2).get("id").asText()).isEqualTo("toolu_2");
    assertThat(Http.json(partial.get(1).toString()).get("city").asText()).isEqualTo("Paris");
    assertThat(Http.json(partial.get(2).toString()).get("tz").asText()).isEqualTo("CET");
  }

  @Test
  void anthropicToolUseOnlyStreamPingsAfterTheFirstBlockStart() {
    referee.script().enqueue(Reply.toolCall("f", "{}"));
    List<Sse.Event> events = Sse.parse(post(Endpoint.MESSAGES,
        "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
    assertThat(events.get(1).event()).isEqualTo("content_block_start");
    assertThat(events.get(2).event()).isEqualTo("ping");
  }

  @Test
  void rejectedStreamingRequestsGetAPlainJsonError() {
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"x\",\"content\":\"y\"}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).hasValue("application/json");
    assertThat(referee.lastRequest().stream()).isTrue();
  }
}
