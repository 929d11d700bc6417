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
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Google Gemini: {@code POST {base}/models/{model}:generateContent} with {@code x-goog-api-key}, the
 * model in the path; SYSTEM messages go into {@code systemInstruction}, the function tools into one
 * {@code tools[0].functionDeclarations}. The answer is {@code candidates[0].content}, read by the
 * codec; calls without an id (Gemini gives none) get one unique in the conversation, never written
 * back (results go by position and name). Streamed at {@code :streamGenerateContent?alt=sse}: each
 * event is a partial response whose parts are put together (text pieces joined).
 */
final class GeminiProtocol extends Protocol {

  static final GeminiProtocol INSTANCE = new GeminiProtocol();

  private GeminiProtocol() {
    super(Dialect.GEMINI, "/models/{model}:generateContent",
        URI.create("https://generativelanguage.googleapis.com/v1beta"));
  }

  @Override
  public URI endpoint(URI base, String model, boolean stream) {
    return URI.create(base + "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
  }

  @Override
  public void authorize(HttpRequest.Builder request, @Nullable String apiKey) {
    if (apiKey != null) {
      request.setHeader("x-goog-api-key", apiKey);
    }
  }

  @Override
  boolean modelInBody() {
    return false;
  }

  @Override
  boolean systemOnTop() {
    return true;
  }

  @Override
  void putSystem(ObjectNode body, String text) {
    JsonNode configured = body.get("systemInstruction");
    ObjectNode instruction = configured != null && configured.isObject() ? (ObjectNode) configured : Json.object();
    ArrayNode parts = instruction.path("parts").isArray() ? (ArrayNode) instruction.get("parts")
        : instruction.putArray("parts");
    parts.addObject().put("text", text);
    body.set("systemInstruction", instruction);
  }

  @Override
  void putStream(ObjectNode body, boolean stream) {
    // the path says it (:streamGenerateContent)
  }

  @Override
  void putTools(ObjectNode body, ArrayNode tools) {
    body.putArray("tools").addObject().set("functionDeclarations", tools);
  }

  @Override
  ObjectNode tool(ToolSpec spec, ObjectNode schema) {
    ObjectNode t = Json.object().put("name", spec.name());
    if (!spec.description().isEmpty()) {
      t.put("description", spec.description());
    }
    t.set("parameters", schema);
    return t;
  }

  @Override
  public ChatResponse answer(JsonNode body, @Nullable String requestId) {
    JsonNode candidate = body.path("candidates").path(0);
    if (!candidate.isObject()) {
      String blocked = text(body.path("promptFeedback"), "blockReason");
      throw malformed(blocked != null ? "it has no candidates (the prompt was blocked: " + blocked + ")"
          : "it has no candidates[0]", requestId, null);
    }
    JsonNode parts = candidate.path("content").path("parts");
    List<JsonNode> list = new ArrayList<>();
    if (parts.isArray()) {
      parts.forEach(list::add);
    }
    return response(list, text(body, "responseId"), text(body, "modelVersion"), text(candidate, "finishReason"),
        body.get("usageMetadata"), requestId);
  }

  private ChatResponse response(List<JsonNode> parts, @Nullable String id, @Nullable String model,
      @Nullable String finishReason, @Nullable JsonNode usage, @Nullable String requestId) {
    ObjectNode content = Json.object().put("role", "model");
    ArrayNode out = content.putArray("parts");
    List<Boolean> madeUp = new ArrayList<>();
    for (JsonNode p : parts) {
      out.add(p.deepCopy());
      if (p.has("functionCall")) {
        madeUp.add(!p.path("functionCall").hasNonNull("id"));
      }
    }
    ObjectNode wrapped = Json.object();
    wrapped.putArray("contents").add(content);
    return new ChatResponse(Ids.unique(assistant(wrapped, requestId), madeUp),
        metadata(id, model, finishReason, usage, requestId));
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    return new GeminiStream(handler, requestId);
  }

  /** A streamed answer: partial responses whose parts are put together. */
  private final class GeminiStream extends Stream {
    private final List<JsonNode> parts = new ArrayList<>();
    private @Nullable String id;
    private @Nullable String model;
    private @Nullable String finishReason;
    private @Nullable JsonNode usage;

    GeminiStream(StreamHandler handler, @Nullable String requestId) {
      super(handler, requestId);
    }

    @Override
    public void event(SseParser.Event event) {
      JsonNode chunk = parse(event.data(), 200, requestId);
      if (chunk.has("error")) {
        throw streamError(chunk.get("error"), requestId);
      }
      id = id != null ? id : text(chunk, "responseId");
      model = model != null ? model : text(chunk, "modelVersion");
      if (chunk.path("usageMetadata").isObject()) {
        usage = chunk.get("usageMetadata");
      }
      JsonNode candidate = chunk.path("candidates").path(0);
      for (JsonNode p : candidate.path("content").path("parts")) {
        if (plainText(p)) {
          String piece = p.get("text").asText();
          if (!parts.isEmpty() && plainText(parts.get(parts.size() - 1))) {
            ObjectNode last = (ObjectNode) parts.get(parts.size() - 1);
            last.put("text", last.get("text").asText() + piece);
          } else {
            parts.add(p.deepCopy());
          }
          if (!piece.isEmpty()) {
            handler.onText(piece);
          }
        } else {
          parts.add(p.deepCopy());
        }
      }
      String finish = text(candidate, "finishReason");
      if (finish != null) {
        finishReason = finish;
      }
    }

    @Override
    public boolean completeWithoutEnd() {
      return finishReason != null; // a Gemini stream simply ends after the chunk with the finish reason
    }

    @Override
    public ChatResponse finish() {
      return response(parts, id, model, finishReason, usage, requestId);
    }
  }

  private static boolean plainText(JsonNode part) {
    return part.isObject() && part.size() == 1 && part.path("text").isTextual();
  }
}
