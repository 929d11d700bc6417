package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.internal.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Ollama chat: {@code POST {base}/api/chat} ({@code http://localhost:11434} by default), OpenAI-style
 * function tools, {@code "stream"} always said (Ollama streams unless told not to). The answer's
 * {@code message} is read by the codec; its calls carry no ids, so each gets one unique in the
 * conversation, never written back (Ollama binds results by order and {@code tool_name}). Streamed as
 * NDJSON: one object a line, {@code message.content} pieces and whole {@code tool_calls}, up to the
 * line with {@code "done": true}.
 */
final class OllamaProtocol extends Protocol {

  static final OllamaProtocol INSTANCE = new OllamaProtocol();

  private OllamaProtocol() {
    super(Dialect.OLLAMA, "/api/chat", URI.create("http://localhost:11434"));
  }

  @Override
  public Framing framing() {
    return Framing.NDJSON;
  }

  @Override
  void putStream(ObjectNode body, boolean stream) {
    body.put("stream", stream);
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
    if (body.has("error")) {
      throw streamError(Json.object().put("message", body.path("error").asText()), requestId);
    }
    JsonNode message = body.get("message");
    if (message == null || !message.isObject()) {
      throw malformed("it has no message", requestId, null);
    }
    JsonNode calls = message.get("tool_calls");
    return response(text(message, "content"), calls != null && calls.isArray() ? (ArrayNode) calls : Json.array(),
        body, requestId);
  }

  private ChatResponse response(@Nullable String content, ArrayNode calls, JsonNode last,
      @Nullable String requestId) {
    ObjectNode wire = Json.object().put("role", "assistant").put("content", content == null ? "" : content);
    List<Boolean> madeUp = new ArrayList<>();
    if (calls.size() > 0) {
      wire.set("tool_calls", calls.deepCopy());
      for (JsonNode c : calls) {
        madeUp.add(!c.hasNonNull("id"));
      }
    }
    ObjectNode wrapped = Json.object();
    wrapped.putArray("messages").add(wire);
    ObjectNode usage = null;
    if (last.has("prompt_eval_count") || last.has("eval_count")) {
      usage = Json.object();
      usage.set("prompt_eval_count", last.path("prompt_eval_count").deepCopy());
      usage.set("eval_count", last.path("eval_count").deepCopy());
    }
    return new ChatResponse(Ids.unique(assistant(wrapped, requestId), madeUp),
        metadata(null, text(last, "model"), text(last, "done_reason"), usage, requestId));
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    return new NdjsonStream(handler, requestId);
  }

  /** A streamed answer, one JSON object a line. */
  private final class NdjsonStream extends Stream {
    private final StringBuilder text = new StringBuilder();
    private final ArrayNode calls = Json.array();
    private @Nullable JsonNode last;

    NdjsonStream(StreamHandler handler, @Nullable String requestId) {
      super(handler, requestId);
    }

    @Override
    public void event(SseParser.Event event) {
      JsonNode line = parse(event.data(), 200, requestId);
      if (line.has("error")) {
        throw streamError(Json.object().put("message", line.path("error").asText()), requestId);
      }
      JsonNode message = line.path("message");
      String piece = text(message, "content");
      if (piece != null && !piece.isEmpty()) {
        text.append(piece);
        handler.onText(piece);
      }
      JsonNode toolCalls = message.get("tool_calls");
      if (toolCalls != null && toolCalls.isArray()) {
        toolCalls.forEach(c -> calls.add(c.deepCopy()));
      }
      if (line.path("done").asBoolean(false)) {
        last = line;
        done = true;
      }
    }

    @Override
    public ChatResponse finish() {
      return response(text.toString(), calls, last == null ? Json.object() : last, requestId);
    }
  }
}
