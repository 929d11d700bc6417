package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Reply} as a Mistral {@code chat.completion}, or its SSE chunk stream.
 *
 * <p>Like OpenAI's, with Mistral's differences: call ids are 9 alphanumerics ({@code call00001}, …,
 * unless the reply fixes one), each tool call has its {@code index}, {@code content} is {@code ""} beside
 * calls, and a stream sends each call whole in one chunk, {@code usage} in the last chunk, then {@code
 * [DONE]}.
 */
public final class MistralRenderer {

  private final Reply reply;
  private final String id;
  private final String model;
  private final long created;
  private final int promptTokens;
  private final List<String> callIds = new ArrayList<>();

  /** Prepares the answer to a request for {@code model} of {@code requestLength} characters. */
  public MistralRenderer(Reply reply, String model, int requestLength, Ids ids, long created) {
    this.reply = reply;
    this.id = String.format(Locale.ROOT, "%032x", ids.nextNumber("mistral-cmpl-"));
    this.model = model;
    this.created = created;
    this.promptTokens = Math.max(1, requestLength / 4);
    for (Reply.Call c : reply.calls()) {
      callIds.add(c.id() != null ? c.id() : String.format(Locale.ROOT, "call%05d", ids.nextNumber("mistral-call")));
    }
  }

  /** The non-streaming {@code chat.completion}. */
  public ObjectNode completion() {
    ObjectNode message = Json.object();
    message.put("role", "assistant");
    message.put("content", reply.text() == null ? "" : reply.text());
    if (reply.hasCalls()) {
      message.set("tool_calls", toolCalls());
    }
    message.put("prefix", false);
    ObjectNode choice = Json.object();
    choice.put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", finishReason());
    choice.putNull("logprobs");
    ObjectNode body = head("chat.completion");
    body.putArray("choices").add(choice);
    body.set("usage", usage());
    return body;
  }

  /** The streamed chunks: role, text pieces, the calls, the finish with usage, {@code [DONE]}. */
  public List<SseEvent> chunks() {
    List<ObjectNode> deltas = new ArrayList<>();
    ObjectNode first = Json.object();
    first.put("role", "assistant");
    first.put("content", "");
    deltas.add(first);
    if (reply.text() != null) {
      for (String piece : Pieces.words(reply.text())) {
        deltas.add(Json.object().put("content", piece));
      }
    }
    if (reply.hasCalls()) {
      ObjectNode d = Json.object();
      d.put("content", "");
      d.set("tool_calls", toolCalls());
      deltas.add(d);
    }
    List<SseEvent> events = new ArrayList<>();
    for (ObjectNode delta : deltas) {
      events.add(new SseEvent(null, Json.write(chunk(delta, null))));
    }
    ObjectNode last = chunk(Json.object().put("content", ""), finishReason());
    last.set("usage", usage());
    events.add(new SseEvent(null, Json.write(last)));
    events.add(new SseEvent(null, "[DONE]"));
    return events;
  }

  /** The call ids of this answer, in order. */
  public List<String> callIds() {
    return List.copyOf(callIds);
  }

  private ArrayNode toolCalls() {
    ArrayNode calls = Json.array();
    for (int k = 0; k < reply.calls().size(); k++) {
      Reply.Call c = reply.calls().get(k);
      ObjectNode call = calls.addObject();
      call.put("id", callIds.get(k));
      call.put("type", "function");
      ObjectNode function = call.putObject("function");
      function.put("name", c.name());
      function.put("arguments", c.argumentsJson());
      call.put("index", k);
    }
    return calls;
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason) {
    ObjectNode choice = Json.object();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    ObjectNode chunk = head("chat.completion.chunk");
    chunk.putArray("choices").add(choice);
    return chunk;
  }

  private ObjectNode head(String object) {
    ObjectNode body = Json.object();
    body.put("id", id);
    body.put("object", object);
    body.put("created", created);
    body.put("model", model);
    return body;
  }

  private String finishReason() {
    return reply.hasCalls() ? "tool_calls" : "stop";
  }

  private ObjectNode usage() {
    int completion = Pieces.outputTokens(reply);
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("total_tokens", promptTokens + completion);
    usage.put("completion_tokens", completion);
    return usage;
  }
}
