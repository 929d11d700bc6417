package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolCallAssembler;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.internal.Json;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Responses: {@code POST /responses} with the whole history as {@code input} (no {@code
 * previous_response_id}); the response's {@code output} items back, as one assistant turn. Streamed
 * as {@code response.*} events: items added and done by {@code output_index}, text and function
 * argument deltas, up to {@code response.completed}.
 *
 * <p>Items of the user's side in an output (a replayed {@code function_call_output}, say) answer no
 * call of this turn and cannot stand in an assistant message: they are left out, with a warning.
 */
final class OpenAiResponsesProtocol extends Protocol {

  static final OpenAiResponsesProtocol INSTANCE = new OpenAiResponsesProtocol();

  private OpenAiResponsesProtocol() {
    super(Dialect.OPENAI_RESPONSES, "/responses", URI.create("https://api.openai.com/v1"));
  }

  @Override
  ObjectNode tool(ToolSpec spec, ObjectNode schema) {
    ObjectNode t = Json.object().put("type", "function");
    t.put("name", spec.name());
    t.put("description", spec.description());
    t.set("parameters", schema);
    t.put("strict", false); // the Responses API makes function tools strict unless told otherwise
    return t;
  }

  @Override
  public ChatResponse answer(JsonNode body, @Nullable String requestId) {
    String status = text(body, "status");
    if ("failed".equals(status)) {
      throw streamError(body.get("error"), requestId);
    }
    JsonNode output = body.get("output");
    if (output == null || !output.isArray()) {
      throw malformed("it has no output array", requestId, null);
    }
    ArrayNode items = Json.array();
    for (JsonNode item : output) {
      items.add(item.deepCopy());
    }
    return new ChatResponse(assistant(modelItems(items, requestId), requestId),
        metadata(text(body, "id"), text(body, "model"), finishReason(body), body.get("usage"), requestId));
  }

  private static @Nullable String finishReason(@Nullable JsonNode response) {
    String status = text(response, "status");
    if ("incomplete".equals(status)) {
      String reason = text(response == null ? null : response.get("incomplete_details"), "reason");
      return reason == null ? status : reason;
    }
    return status;
  }

  /** {@code {"input": items}} without the items of the user's side. */
  private ObjectNode modelItems(ArrayNode items, @Nullable String requestId) {
    ArrayNode kept = Json.array();
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw malformed("an output item is " + Json.describe(item), requestId, null);
      }
      String type = text(item, "type");
      if (type != null && (type.endsWith("_output") || type.equals("mcp_approval_response"))) {
        LOG.warn("{} answer: output item {} of type {} (call {}) answers no call of this turn; it is left out",
            dialect().id(), text(item, "id"), type, text(item, "call_id"));
        continue;
      }
      kept.add(item);
    }
    ObjectNode body = Json.object();
    body.set("input", kept);
    return body;
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    return new ResponsesStream(handler, requestId);
  }

  /** A streamed Responses answer. */
  private final class ResponsesStream extends Stream {
    private final TreeMap<Integer, ObjectNode> added = new TreeMap<>();
    private final Map<Integer, ObjectNode> completed = new HashMap<>();
    private final Map<Integer, StringBuilder> texts = new HashMap<>();
    private final ToolCallAssembler calls = new ToolCallAssembler();
    private final TreeSet<Integer> callIndexes = new TreeSet<>();
    private final Set<Integer> argumentDeltas = new HashSet<>();
    private @Nullable JsonNode response;

    ResponsesStream(StreamHandler handler, @Nullable String requestId) {
      super(handler, requestId);
    }

    @Override
    public void event(SseParser.Event event) {
      JsonNode e = parse(event.data(), 200, requestId);
      String type = eventType(e, event);
      int index = e.path("output_index").asInt(-1);
      switch (type) {
        case "response.created":
        case "response.in_progress":
          response = e.get("response");
          break;
        case "response.output_item.added":
          if (index >= 0 && e.path("item").isObject()) {
            ObjectNode item = (ObjectNode) e.get("item").deepCopy();
            added.put(index, item);
            if ("function_call".equals(text(item, "type"))) {
              callIndexes.add(index);
              calls.add(index, text(item, "call_id"), text(item, "name"), null);
            }
          }
          break;
        case "response.output_text.delta": {
          String delta = text(e, "delta");
          if (delta != null && !delta.isEmpty() && index >= 0) {
            texts.computeIfAbsent(index, i -> new StringBuilder()).append(delta);
            handler.onText(delta);
          }
          break;
        }
        case "response.function_call_arguments.delta": {
          String delta = text(e, "delta");
          if (delta != null && index >= 0) {
            callIndexes.add(index);
            argumentDeltas.add(index);
            calls.add(index, null, null, delta);
          }
          break;
        }
        case "response.output_item.done":
          if (index >= 0 && e.path("item").isObject()) {
            completed.put(index, (ObjectNode) e.get("item").deepCopy());
            added.putIfAbsent(index, (ObjectNode) e.get("item").deepCopy());
          }
          break;
        case "response.completed":
        case "response.incomplete":
          response = e.get("response");
          done = true;
          break;
        case "response.failed":
          throw streamError(e.path("response").get("error"), requestId);
        case "error":
          throw streamError(e.has("error") ? e.get("error") : e, requestId);
        default:
          break; // reasoning summaries, annotations, content parts: the done items carry them
      }
    }

    @Override
    public ChatResponse finish() {
      Map<Integer, ToolCall> assembled = callsByIndex(calls, callIndexes);
      ArrayNode items = Json.array();
      for (Map.Entry<Integer, ObjectNode> e : added.entrySet()) {
        int index = e.getKey();
        ObjectNode item = completed.containsKey(index) ? completed.get(index) : e.getValue();
        ToolCall call = assembled.get(index);
        if (call != null && "function_call".equals(text(item, "type"))) {
          item.put("call_id", call.callId());
          item.put("name", call.name());
          if (argumentDeltas.contains(index) || text(item, "arguments") == null || text(item, "arguments").isEmpty()) {
            item.put("arguments", call.argumentsJson());
          }
        } else if (!completed.containsKey(index) && "message".equals(text(item, "type"))) {
          StringBuilder text = texts.get(index);
          ArrayNode content = item.putArray("content");
          if (text != null) {
            content.addObject().put("type", "output_text").put("text", text.toString()).putArray("annotations");
          }
        }
        items.add(item);
      }
      return new ChatResponse(assistant(modelItems(items, requestId), requestId),
          metadata(text(response, "id"), text(response, "model"), finishReason(response),
              response == null ? null : response.get("usage"), requestId));
    }
  }
}
