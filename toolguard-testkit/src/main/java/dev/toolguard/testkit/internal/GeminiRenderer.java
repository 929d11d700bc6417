package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Reply} as a Gemini {@code GenerateContentResponse}, or its SSE stream of partial
 * responses ({@code :streamGenerateContent?alt=sse}).
 *
 * <p>Text and calls are parts of one {@code model} candidate; a {@code functionCall} carries {@code name}
 * and {@code args} (an object), and an {@code id} only when the reply fixes one (Gemini does not
 * generate call ids). {@code finishReason} is {@code STOP} for both, as the provider answers.
 */
public final class GeminiRenderer {

  private final Reply reply;
  private final String model;
  private final String responseId;
  private final int promptTokens;

  /** Prepares the answer for {@code model} to a request of {@code requestLength} characters. */
  public GeminiRenderer(Reply reply, String model, int requestLength, Ids ids) {
    this.reply = reply;
    this.model = model;
    this.responseId = "gemini-resp-" + ids.nextNumber("gemini-resp-");
    this.promptTokens = Math.max(1, requestLength / 4);
  }

  /** The non-streaming response. */
  public ObjectNode response() {
    ArrayNode parts = Json.array();
    if (reply.text() != null) {
      parts.addObject().put("text", reply.text());
    }
    for (Reply.Call c : reply.calls()) {
      parts.add(callPart(c));
    }
    return chunk(parts, true);
  }

  /** The streamed partial responses: a chunk per text piece, one with all calls; the last one finishes. */
  public List<SseEvent> events() {
    List<ArrayNode> chunks = new ArrayList<>();
    if (reply.text() != null) {
      for (String piece : Pieces.words(reply.text())) {
        ArrayNode parts = Json.array();
        parts.addObject().put("text", piece);
        chunks.add(parts);
      }
    }
    if (reply.hasCalls()) {
      ArrayNode parts = Json.array();
      for (Reply.Call c : reply.calls()) {
        parts.add(callPart(c));
      }
      chunks.add(parts);
    }
    List<SseEvent> events = new ArrayList<>();
    for (int k = 0; k < chunks.size(); k++) {
      events.add(new SseEvent(null, Json.write(chunk(chunks.get(k), k == chunks.size() - 1))));
    }
    return events;
  }

  private static ObjectNode callPart(Reply.Call c) {
    ObjectNode part = Json.object();
    ObjectNode call = part.putObject("functionCall");
    if (c.id() != null) {
      call.put("id", c.id());
    }
    call.put("name", c.name());
    JsonNode args = Json.parseOrNull(c.argumentsJson());
    call.set("args", args);
    return part;
  }

  private ObjectNode chunk(ArrayNode parts, boolean last) {
    ObjectNode candidate = Json.object();
    ObjectNode content = candidate.putObject("content");
    content.set("parts", parts);
    content.put("role", "model");
    if (last) {
      candidate.put("finishReason", "STOP");
    }
    candidate.put("index", 0);
    ObjectNode body = Json.object();
    body.putArray("candidates").add(candidate);
    int output = Pieces.outputTokens(reply);
    ObjectNode usage = body.putObject("usageMetadata");
    usage.put("promptTokenCount", promptTokens);
    if (last) {
      usage.put("candidatesTokenCount", output);
      usage.put("totalTokenCount", promptTokens + output);
    } else {
      usage.put("totalTokenCount", promptTokens);
    }
    body.put("modelVersion", model);
    body.put("responseId", responseId);
    return body;
  }
}
