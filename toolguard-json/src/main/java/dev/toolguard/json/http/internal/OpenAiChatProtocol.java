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
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Chat Completions: {@code POST /chat/completions}, {@code choices[0].message} back; streamed
 * as {@code data:} chunks whose {@code delta} holds text and tool call pieces by {@code index}, up
 * to {@code data: [DONE]}. Mistral's chat completions ({@link #MISTRAL}) are the same exchange at
 * {@code https://api.mistral.ai/v1}; its 9-alphanumeric call ids come back as the model sent them.
 */
final class OpenAiChatProtocol extends Protocol {

  static final OpenAiChatProtocol INSTANCE =
      new OpenAiChatProtocol(Dialect.OPENAI_CHAT, URI.create("https://api.openai.com/v1"));

  /** Mistral chat completions. */
  static final OpenAiChatProtocol MISTRAL = new OpenAiChatProtocol(Dialect.MISTRAL, URI.create("https://api.mistral.ai/v1"));

  private OpenAiChatProtocol(Dialect dialect, URI defaultBaseUrl) {
    super(dialect, "/chat/completions", defaultBaseUrl);
  }

  @Override
  ObjectNode tool(ToolSpec spec, ObjectNode schema) {
    ObjectNode t = Json.object().put("type", "function");
    ObjectNode f = t.putObject("function");
    f.put("name", spec.name());
    f.put("description", spec.description());
    f.set("parameters", schema);
    return t;
  }

  @Override
  public ChatResponse answer(JsonNode body, @Nullable String requestId) {
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.get("message");
    if (message == null || !message.isObject()) {
      throw malformed("it has no choices[0].message", requestId, null);
    }
    JsonNode calls = message.get("tool_calls");
    ObjectNode wire = assistantMessage(message.get("content"), text(message, "refusal"),
        calls != null && calls.isArray() ? (ArrayNode) calls : null);
    return new ChatResponse(assistant(wrap(wire), requestId),
        metadata(text(body, "id"), text(body, "model"), text(choice, "finish_reason"), body.get("usage"), requestId));
  }

  /** The assistant message as a request takes it: role, content (or a refusal part), tool calls. */
  private static ObjectNode assistantMessage(@Nullable JsonNode content, @Nullable String refusal,
      @Nullable ArrayNode calls) {
    ObjectNode wire = Json.object().put("role", "assistant");
    if (content != null && (content.isTextual() || content.isArray())) {
      wire.set("content", content.deepCopy());
    } else if (refusal != null) {
      wire.putArray("content").addObject().put("type", "refusal").put("refusal", refusal);
    } else {
      wire.putNull("content");
    }
    if (calls != null && calls.size() > 0) {
      wire.set("tool_calls", calls.deepCopy());
    }
    return wire;
  }

  private static ObjectNode wrap(ObjectNode message) {
    ObjectNode body = Json.object();
    body.putArray("messages").add(message);
    return body;
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    return new ChatStream(handler, requestId);
  }

  /** A streamed Chat Completions answer. */
  private final class ChatStream extends Stream {
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final ToolCallAssembler calls = new ToolCallAssembler();
    private @Nullable String id;
    private @Nullable String model;
    private @Nullable String finishReason;
    private @Nullable JsonNode usage;

    ChatStream(StreamHandler handler, @Nullable String requestId) {
      super(handler, requestId);
    }

    @Override
    public void event(SseParser.Event event) {
      if (event.data().strip().equals("[DONE]")) {
        done = true;
        return;
      }
      JsonNode chunk = parse(event.data(), 200, requestId);
      if (chunk.has("error")) {
        throw streamError(chunk.get("error"), requestId);
      }
      id = id != null ? id : text(chunk, "id");
      model = model != null ? model : text(chunk, "model");
      if (chunk.path("usage").isObject()) {
        usage = chunk.get("usage");
      }
      JsonNode choice = chunk.path("choices").path(0);
      if (!choice.isObject()) {
        return;
      }
      JsonNode delta = choice.path("delta");
      String piece = text(delta, "content");
      if (piece != null && !piece.isEmpty()) {
        text.append(piece);
        handler.onText(piece);
      }
      String refused = text(delta, "refusal");
      if (refused != null) {
        refusal.append(refused);
      }
      JsonNode toolCalls = delta.get("tool_calls");
      if (toolCalls != null && toolCalls.isArray()) {
        for (int k = 0; k < toolCalls.size(); k++) {
          JsonNode tc = toolCalls.get(k);
          int index = tc.path("index").isInt() ? tc.get("index").asInt() : k;
          JsonNode function = tc.path("function");
          calls.add(index, text(tc, "id"), text(function, "name"), text(function, "arguments"));
        }
      }
      String finish = text(choice, "finish_reason");
      if (finish != null) {
        finishReason = finish;
      }
    }

    @Override
    public boolean completeWithoutEnd() {
      return finishReason != null;
    }

    @Override
    public ChatResponse finish() {
      ArrayNode toolCalls = Json.array();
      for (ToolCall call : calls(calls)) {
        ObjectNode c = toolCalls.addObject();
        c.put("id", call.callId());
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
      }
      ObjectNode wire = assistantMessage(text.length() == 0 ? null : Json.NODES.textNode(text.toString()),
          refusal.length() == 0 ? null : refusal.toString(), toolCalls);
      return new ChatResponse(assistant(wrap(wire), requestId),
          metadata(id, model, finishReason, usage, requestId));
    }
  }
}
