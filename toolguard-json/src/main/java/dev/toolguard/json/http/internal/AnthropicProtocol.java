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
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.internal.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages: {@code POST /messages} with {@code x-api-key} and {@code anthropic-version};
 * SYSTEM messages go into the top-level {@code system}; {@code max_tokens} is 4096 unless set. The
 * answer's {@code content} blocks (text, {@code tool_use}, {@code thinking}, …) make one assistant
 * message. Streamed as {@code message_start}, {@code content_block_start/delta/stop}, {@code
 * message_delta}, {@code message_stop}.
 */
final class AnthropicProtocol extends Protocol {

  static final AnthropicProtocol INSTANCE = new AnthropicProtocol();

  /** The API version sent unless a configured header replaces it. */
  static final String VERSION = "2023-06-01";

  /** The {@code max_tokens} sent unless a body field or an option sets it. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  private AnthropicProtocol() {
    super(Dialect.ANTHROPIC, "/messages", URI.create("https://api.anthropic.com/v1"));
  }

  @Override
  public void authorize(HttpRequest.Builder request, @Nullable String apiKey) {
    if (apiKey != null) {
      request.setHeader("x-api-key", apiKey);
    }
    request.setHeader("anthropic-version", VERSION);
  }

  @Override
  boolean systemOnTop() {
    return true;
  }

  @Override
  void defaults(ObjectNode body) {
    if (!body.has("max_tokens")) {
      body.put("max_tokens", DEFAULT_MAX_TOKENS);
    }
  }

  @Override
  ObjectNode tool(ToolSpec spec, ObjectNode schema) {
    ObjectNode t = Json.object().put("name", spec.name());
    if (!spec.description().isEmpty()) {
      t.put("description", spec.description());
    }
    t.set("input_schema", schema);
    return t;
  }

  @Override
  public ChatResponse answer(JsonNode body, @Nullable String requestId) {
    JsonNode content = body.get("content");
    if (content == null || !content.isArray()) {
      throw malformed("it has no content array", requestId, null);
    }
    return new ChatResponse(assistant(wrap((ArrayNode) content.deepCopy()), requestId),
        metadata(text(body, "id"), text(body, "model"), text(body, "stop_reason"), body.get("usage"), requestId));
  }

  private static ObjectNode wrap(ArrayNode blocks) {
    ObjectNode body = Json.object();
    body.putArray("messages").addObject().put("role", "assistant").set("content", blocks);
    return body;
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    return new MessagesStream(handler, requestId);
  }

  /** A streamed Messages answer. */
  private final class MessagesStream extends Stream {
    private final TreeMap<Integer, ObjectNode> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> texts = new HashMap<>();
    private final Map<Integer, StringBuilder> otherInputs = new HashMap<>();
    private final ToolCallAssembler calls = new ToolCallAssembler();
    private final TreeSet<Integer> callIndexes = new TreeSet<>();
    private @Nullable String id;
    private @Nullable String model;
    private @Nullable String stopReason;
    private @Nullable ObjectNode usage;

    MessagesStream(StreamHandler handler, @Nullable String requestId) {
      super(handler, requestId);
    }

    @Override
    public void event(SseParser.Event event) {
      JsonNode e = parse(event.data(), 200, requestId);
      String type = eventType(e, event);
      int index = e.path("index").asInt(-1);
      switch (type) {
        case "message_start": {
          JsonNode message = e.path("message");
          id = text(message, "id");
          model = text(message, "model");
          if (message.path("usage").isObject()) {
            usage = (ObjectNode) message.get("usage").deepCopy();
          }
          break;
        }
        case "content_block_start":
          if (index >= 0 && e.path("content_block").isObject()) {
            ObjectNode block = (ObjectNode) e.get("content_block").deepCopy();
            blocks.put(index, block);
            if ("tool_use".equals(text(block, "type"))) {
              callIndexes.add(index);
              calls.add(index, text(block, "id"), text(block, "name"), null);
            }
          }
          break;
        case "content_block_delta":
          delta(index, e.path("delta"));
          break;
        case "message_delta": {
          String reason = text(e.path("delta"), "stop_reason");
          if (reason != null) {
            stopReason = reason;
          }
          if (e.path("usage").isObject()) {
            if (usage == null) {
              usage = Json.object();
            }
            usage.setAll((ObjectNode) e.get("usage"));
          }
          break;
        }
        case "message_stop":
          done = true;
          break;
        case "error":
          throw streamError(e.get("error"), requestId);
        default:
          break; // ping, content_block_stop
      }
    }

    private void delta(int index, JsonNode delta) {
      ObjectNode block = blocks.get(index);
      if (block == null) {
        throw malformed("a content_block_delta for block " + index + ", which never started", requestId, null);
      }
      String type = text(delta, "type");
      if ("text_delta".equals(type)) {
        String piece = text(delta, "text");
        if (piece != null && !piece.isEmpty()) {
          texts.computeIfAbsent(index, i -> new StringBuilder()).append(piece);
          handler.onText(piece);
        }
      } else if ("input_json_delta".equals(type)) {
        String piece = text(delta, "partial_json");
        if (callIndexes.contains(index)) {
          calls.add(index, null, null, piece);
        } else if (piece != null) {
          otherInputs.computeIfAbsent(index, i -> new StringBuilder()).append(piece);
        }
      } else if ("thinking_delta".equals(type)) {
        String piece = text(delta, "thinking");
        block.put("thinking", (text(block, "thinking") == null ? "" : text(block, "thinking")) + (piece == null ? "" : piece));
      } else if ("signature_delta".equals(type)) {
        String piece = text(delta, "signature");
        block.put("signature", (text(block, "signature") == null ? "" : text(block, "signature")) + (piece == null ? "" : piece));
      } else if ("citations_delta".equals(type)) {
        JsonNode citation = delta.get("citation");
        if (citation != null) {
          (block.path("citations").isArray() ? (ArrayNode) block.get("citations") : block.putArray("citations"))
              .add(citation.deepCopy());
        }
      }
    }

    @Override
    public ChatResponse finish() {
      Map<Integer, ToolCall> assembled = callsByIndex(calls, callIndexes);
      ArrayNode content = Json.array();
      for (Map.Entry<Integer, ObjectNode> e : blocks.entrySet()) {
        int index = e.getKey();
        ObjectNode block = e.getValue();
        ToolCall call = assembled.get(index);
        if (call != null) {
          block.put("id", call.callId());
          block.put("name", call.name());
          block.set("input", input(call.argumentsJson(), index));
        } else if (otherInputs.containsKey(index)) {
          block.set("input", input(otherInputs.get(index).toString(), index));
        } else if (texts.containsKey(index)) {
          block.put("text", texts.get(index).toString());
        }
        content.add(block);
      }
      return new ChatResponse(assistant(wrap(content), requestId),
          metadata(id, model, stopReason, usage, requestId));
    }

    private JsonNode input(String json, int index) {
      if (json.isBlank()) {
        return Json.object();
      }
      try {
        return Json.parse(json);
      } catch (WireFormatException ex) {
        throw malformed("the input of content block " + index + " is not JSON (" + ex.problem() + ")", requestId, ex);
      }
    }
  }
}
