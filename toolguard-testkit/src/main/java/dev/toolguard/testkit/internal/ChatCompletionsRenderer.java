package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;

/** Renders a {@link Reply} as a Chat Completions {@code chat.completion} or its chunk stream. */
public final class ChatCompletionsRenderer {

  /** The {@code system_fingerprint} of every answer. */
  public static final String FINGERPRINT = "fp_toolguard";

  private final Reply reply;
  private final String id;
  private final String model;
  private final long created;
  private final int promptTokens;
  private final List<String> callIds = new ArrayList<>();

  /** Prepares the answer to {@code request} (of {@code requestLength} characters), drawing ids from {@code ids}. */
  public ChatCompletionsRenderer(Reply reply, JsonNode request, int requestLength, Ids ids, long created) {
    this.reply = reply;
    this.id = "chatcmpl-" + ids.nextNumber("chatcmpl-");
    this.model = request.path("model").asText();
    this.created = created;
    this.promptTokens = Math.max(1, requestLength / 4);
    for (Reply.Call c : reply.calls()) {
      callIds.add(c.id() != null ? c.id() : ids.next("call_"));
    }
  }

  /** The non-streaming {@code chat.completion} object. */
  public ObjectNode completion() {
    ObjectNode message = Json.object();
    message.put("role", "assistant");
    if (reply.text() == null) {
      message.putNull("content");
    } else {
      message.put("content", reply.text());
    }
    if (reply.hasCalls()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (int k = 0; k < reply.calls().size(); k++) {
        Reply.Call c = reply.calls().get(k);
        ObjectNode call = calls.addObject();
        call.put("id", callIds.get(k));
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", c.name());
        function.put("arguments", c.argumentsJson());
      }
    }
    message.putNull("refusal");
    message.putArray("annotations");
    ObjectNode choice = Json.object();
    choice.put("index", 0);
    choice.set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason());
    ObjectNode body = head("chat.completion");
    body.putArray("choices").add(choice);
    body.set("usage", usage());
    return body;
  }

  /** The streamed chunks: role, text deltas, tool call deltas, finish, usage if asked, {@code [DONE]}. */
  public List<SseEvent> chunks(boolean includeUsage) {
    List<ObjectNode> deltas = new ArrayList<>();
    ObjectNode first = Json.object();
    first.put("role", "assistant");
    first.put("content", "");
    first.putNull("refusal");
    deltas.add(first);
    if (reply.text() != null) {
      for (String piece : Pieces.words(reply.text())) {
        ObjectNode d = Json.object();
        d.put("content", piece);
        deltas.add(d);
      }
    }
    for (int k = 0; k < reply.calls().size(); k++) {
      Reply.Call c = reply.calls().get(k);
      ObjectNode start = Json.object();
      ObjectNode call = start.putArray("tool_calls").addObject();
      call.put("index", k);
      call.put("id", callIds.get(k));
      call.put("type", "function");
      ObjectNode function = call.putObject("function");
      function.put("name", c.name());
      function.put("arguments", "");
      deltas.add(start);
      for (String piece : Pieces.thirds(c.argumentsJson())) {
        ObjectNode d = Json.object();
        ObjectNode part = d.putArray("tool_calls").addObject();
        part.put("index", k);
        part.putObject("function").put("arguments", piece);
        deltas.add(d);
      }
    }
    List<SseEvent> events = new ArrayList<>();
    for (ObjectNode delta : deltas) {
      events.add(new SseEvent(null, Json.write(chunk(delta, null, includeUsage))));
    }
    events.add(new SseEvent(null, Json.write(chunk(Json.object(), finishReason(), includeUsage))));
    if (includeUsage) {
      ObjectNode last = head("chat.completion.chunk");
      last.putArray("choices");
      last.set("usage", usage());
      events.add(new SseEvent(null, Json.write(last)));
    }
    events.add(new SseEvent(null, "[DONE]"));
    return events;
  }

  /** The call ids of this answer, in order. */
  public List<String> callIds() {
    return List.copyOf(callIds);
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason, boolean includeUsage) {
    ObjectNode choice = Json.object();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    ObjectNode chunk = head("chat.completion.chunk");
    chunk.putArray("choices").add(choice);
    if (includeUsage) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private ObjectNode head(String object) {
    ObjectNode body = Json.object();
    body.put("id", id);
    body.put("object", object);
    body.put("created", created);
    body.put("model", model);
    body.put("service_tier", "default");
    body.put("system_fingerprint", FINGERPRINT);
    return body;
  }

  private String finishReason() {
    return reply.hasCalls() ? "tool_calls" : "stop";
  }

  private ObjectNode usage() {
    int completion = Pieces.outputTokens(reply);
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", promptTokens + completion);
    ObjectNode prompt = usage.putObject("prompt_tokens_details");
    prompt.put("cached_tokens", 0);
    prompt.put("audio_tokens", 0);
    ObjectNode details = usage.putObject("completion_tokens_details");
    details.put("reasoning_tokens", 0);
    details.put("audio_tokens", 0);
    details.put("accepted_prediction_tokens", 0);
    details.put("rejected_prediction_tokens", 0);
    return usage;
  }
}
