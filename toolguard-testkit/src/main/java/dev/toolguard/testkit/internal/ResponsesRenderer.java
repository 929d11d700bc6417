package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Renders a {@link Reply} as a Responses API {@code response} object or its event stream. */
public final class ResponsesRenderer {

  /** The output text of a replayed orphan output. */
  public static final String ORPHAN_OUTPUT = "{\"status\":\"ok\"}";

  private final JsonNode request;
  private final String id;
  private final long createdAt;
  private final int inputTokens;
  private final int outputTokens;
  private final @Nullable ObjectNode orphan;
  private final List<ObjectNode> items = new ArrayList<>();

  /**
   * Prepares the answer to {@code request}.
   *
   * @param replayOrphan whether to put a replayed {@code function_call_output} with an {@code mcp_…}
   *     call id and no call before the model's items
   */
  public ResponsesRenderer(
      Reply reply, JsonNode request, int requestLength, Ids ids, long createdAt, boolean replayOrphan) {
    this.request = request;
    this.id = ids.next("resp_");
    this.createdAt = createdAt;
    this.inputTokens = Math.max(1, requestLength / 4);
    this.outputTokens = Pieces.outputTokens(reply);
    if (replayOrphan) {
      long n = ids.nextNumber("mcp_");
      ObjectNode o = Json.object();
      o.put("id", "fco_" + n);
      o.put("type", "function_call_output");
      o.put("call_id", "mcp_" + n);
      o.put("output", ORPHAN_OUTPUT);
      o.put("status", "completed");
      this.orphan = o;
    } else {
      this.orphan = null;
    }
    if (reply.reasoning() != null) {
      ObjectNode r = Json.object();
      r.put("id", ids.next("rs_"));
      r.put("type", "reasoning");
      ObjectNode s = r.putArray("summary").addObject();
      s.put("type", "summary_text");
      s.put("text", reply.reasoning());
      items.add(r);
    }
    if (reply.text() != null) {
      ObjectNode m = Json.object();
      m.put("id", ids.next("msg_"));
      m.put("type", "message");
      m.put("status", "completed");
      m.putArray("content").add(outputText(reply.text()));
      m.put("role", "assistant");
      items.add(m);
    }
    for (Reply.Call c : reply.calls()) {
      long n = ids.nextNumber("call_");
      ObjectNode f = Json.object();
      f.put("id", "fc_" + n);
      f.put("type", "function_call");
      f.put("status", "completed");
      f.put("arguments", c.argumentsJson());
      f.put("call_id", c.id() != null ? c.id() : "call_" + n);
      f.put("name", c.name());
      items.add(f);
    }
  }

  /** The response id, {@code resp_…}. */
  public String id() {
    return id;
  }

  /** The model's output items (without a replayed orphan): what a continuation starts from. */
  public List<JsonNode> modelItems() {
    return List.copyOf(items);
  }

  /** The complete response object, status {@code completed}. */
  public ObjectNode response() {
    ArrayNode output = Json.array();
    if (orphan != null) {
      output.add(orphan);
    }
    items.forEach(output::add);
    return response("completed", output, true);
  }

  /** The event stream, from {@code response.created} to {@code response.completed}. */
  public List<SseEvent> events() {
    List<SseEvent> events = new ArrayList<>();
    int[] seq = {0};
    ObjectNode created = Json.object();
    created.set("response", response("in_progress", Json.array(), false));
    events.add(event("response.created", created, seq));
    ObjectNode progress = Json.object();
    progress.set("response", response("in_progress", Json.array(), false));
    events.add(event("response.in_progress", progress, seq));
    List<ObjectNode> all = new ArrayList<>();
    if (orphan != null) {
      all.add(orphan);
    }
    all.addAll(items);
    for (int index = 0; index < all.size(); index++) {
      ObjectNode item = all.get(index);
      String type = item.get("type").asText();
      String itemId = item.get("id").asText();
      if (type.equals("message")) {
        ObjectNode pending = item.deepCopy();
        pending.put("status", "in_progress");
        pending.putArray("content");
        events.add(event("response.output_item.added", itemEvent(index, pending), seq));
        String text = item.get("content").get(0).get("text").asText();
        ObjectNode partAdded = partEvent(itemId, index);
        partAdded.set("part", outputText(""));
        events.add(event("response.content_part.added", partAdded, seq));
        for (String piece : Pieces.words(text)) {
          ObjectNode delta = partEvent(itemId, index);
          delta.put("delta", piece);
          delta.putArray("logprobs");
          events.add(event("response.output_text.delta", delta, seq));
        }
        ObjectNode textDone = partEvent(itemId, index);
        textDone.put("text", text);
        textDone.putArray("logprobs");
        events.add(event("response.output_text.done", textDone, seq));
        ObjectNode partDone = partEvent(itemId, index);
        partDone.set("part", outputText(text));
        events.add(event("response.content_part.done", partDone, seq));
      } else if (type.equals("function_call")) {
        ObjectNode pending = item.deepCopy();
        pending.put("status", "in_progress");
        pending.put("arguments", "");
        events.add(event("response.output_item.added", itemEvent(index, pending), seq));
        String arguments = item.get("arguments").asText();
        for (String piece : Pieces.thirds(arguments)) {
          ObjectNode delta = Json.object();
          delta.put("item_id", itemId);
          delta.put("output_index", index);
          delta.put("delta", piece);
          events.add(event("response.function_call_arguments.delta", delta, seq));
        }
        ObjectNode done = Json.object();
        done.put("item_id", itemId);
        done.put("output_index", index);
        done.put("name", item.get("name").asText());
        done.put("arguments", arguments);
        events.add(event("response.function_call_arguments.done", done, seq));
      } else if (type.equals("reasoning")) {
        ObjectNode pending = item.deepCopy();
        pending.putArray("summary");
        events.add(event("response.output_item.added", itemEvent(index, pending), seq));
      } else {
        events.add(event("response.output_item.added", itemEvent(index, item), seq));
      }
      events.add(event("response.output_item.done", itemEvent(index, item), seq));
    }
    ObjectNode completed = Json.object();
    completed.set("response", response());
    events.add(event("response.completed", completed, seq));
    return events;
  }

  private static SseEvent event(String type, ObjectNode fields, int[] seq) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.setAll(fields);
    e.put("sequence_number", seq[0]++);
    return new SseEvent(type, Json.write(e));
  }

  private static ObjectNode itemEvent(int index, ObjectNode item) {
    ObjectNode e = Json.object();
    e.put("output_index", index);
    e.set("item", item);
    return e;
  }

  private static ObjectNode partEvent(String itemId, int index) {
    ObjectNode e = Json.object();
    e.put("item_id", itemId);
    e.put("output_index", index);
    e.put("content_index", 0);
    return e;
  }

  private static ObjectNode outputText(String text) {
    ObjectNode part = Json.object();
    part.put("type", "output_text");
    part.putArray("annotations");
    part.putArray("logprobs");
    part.put("text", text);
    return part;
  }

  private ObjectNode response(String status, ArrayNode output, boolean withUsage) {
    ObjectNode r = Json.object();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", createdAt);
    r.put("status", status);
    r.put("background", false);
    if (status.equals("completed")) {
      r.put("completed_at", createdAt);
    } else {
      r.putNull("completed_at");
    }
    r.putNull("error");
    r.putNull("incomplete_details");
    echo(r, "instructions", null);
    echo(r, "max_output_tokens", null);
    echo(r, "max_tool_calls", null);
    r.put("model", request.path("model").asText());
    r.set("output", output);
    echo(r, "parallel_tool_calls", Json.mapper().getNodeFactory().booleanNode(true));
    echo(r, "previous_response_id", null);
    echo(r, "prompt_cache_key", null);
    ObjectNode reasoning = Json.object();
    reasoning.putNull("effort");
    reasoning.putNull("summary");
    echo(r, "reasoning", reasoning);
    echo(r, "safety_identifier", null);
    r.put("service_tier", "default");
    echo(r, "store", Json.mapper().getNodeFactory().booleanNode(true));
    echo(r, "temperature", Json.mapper().getNodeFactory().numberNode(1.0));
    ObjectNode text = Json.object();
    text.putObject("format").put("type", "text");
    text.put("verbosity", "medium");
    echo(r, "text", text);
    echo(r, "tool_choice", Json.mapper().getNodeFactory().textNode("auto"));
    r.set("tools", tools());
    r.put("top_logprobs", 0);
    echo(r, "top_p", Json.mapper().getNodeFactory().numberNode(1.0));
    echo(r, "truncation", Json.mapper().getNodeFactory().textNode("disabled"));
    if (withUsage) {
      ObjectNode usage = r.putObject("usage");
      usage.put("input_tokens", inputTokens);
      ObjectNode in = usage.putObject("input_tokens_details");
      in.put("cache_write_tokens", 0);
      in.put("cached_tokens", 0);
      usage.put("output_tokens", outputTokens);
      usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
      usage.put("total_tokens", inputTokens + outputTokens);
    } else {
      r.putNull("usage");
    }
    echo(r, "user", null);
    echo(r, "metadata", Json.object());
    return r;
  }

  /** Copies the request's field, or puts {@code fallback} (JSON null when null). */
  private void echo(ObjectNode r, String field, @Nullable JsonNode fallback) {
    JsonNode value = request.get(field);
    if (value != null && !value.isNull()) {
      r.set(field, value.deepCopy());
    } else if (fallback != null) {
      r.set(field, fallback);
    } else {
      r.putNull(field);
    }
  }

  private ArrayNode tools() {
    ArrayNode tools = Json.array();
    JsonNode given = request.get("tools");
    if (given == null || !given.isArray()) {
      return tools;
    }
    for (JsonNode t : given) {
      if (t.isObject() && "function".equals(Json.text(t, "type"))) {
        ObjectNode f = ((ObjectNode) t).deepCopy();
        if (!f.has("description")) {
          f.putNull("description");
        }
        if (!f.has("parameters")) {
          f.putNull("parameters");
        }
        if (!f.has("strict")) {
          f.put("strict", true);
        }
        tools.add(f);
      } else {
        tools.add(t.deepCopy());
      }
    }
    return tools;
  }
}
