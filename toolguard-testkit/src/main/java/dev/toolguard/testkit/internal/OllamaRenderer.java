package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Reply} as an Ollama {@code /api/chat} answer, or its NDJSON stream.
 *
 * <p>Tool calls carry no id: {@code {"function":{"index":k,"name":…,"arguments":{…}}}} (arguments an
 * object). A stream is one JSON object a line: a line per text piece, one with the calls, then the
 * final line with {@code done: true}, {@code done_reason} and the counts.
 */
public final class OllamaRenderer {

  private final Reply reply;
  private final String model;
  private final String createdAt;
  private final int promptTokens;

  /** Prepares the answer for {@code model} to a request of {@code requestLength} characters. */
  public OllamaRenderer(Reply reply, String model, int requestLength, Instant now) {
    this.reply = reply;
    this.model = model;
    this.createdAt = now.toString();
    this.promptTokens = Math.max(1, requestLength / 4);
  }

  /** The non-streaming answer ({@code done: true}). */
  public ObjectNode response() {
    ObjectNode message = message(reply.text() == null ? "" : reply.text());
    if (reply.hasCalls()) {
      message.set("tool_calls", toolCalls());
    }
    return done(line(message));
  }

  /** The streamed lines, each ending with a newline. */
  public List<byte[]> lines() {
    List<ObjectNode> out = new ArrayList<>();
    if (reply.text() != null) {
      for (String piece : Pieces.words(reply.text())) {
        out.add(line(message(piece)).put("done", false));
      }
    }
    if (reply.hasCalls()) {
      ObjectNode message = message("");
      message.set("tool_calls", toolCalls());
      out.add(line(message).put("done", false));
    }
    out.add(done(line(message(""))));
    List<byte[]> bytes = new ArrayList<>();
    for (ObjectNode o : out) {
      bytes.add((Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return bytes;
  }

  private static ObjectNode message(String content) {
    ObjectNode message = Json.object();
    message.put("role", "assistant");
    message.put("content", content);
    return message;
  }

  private ArrayNode toolCalls() {
    ArrayNode calls = Json.array();
    for (int k = 0; k < reply.calls().size(); k++) {
      Reply.Call c = reply.calls().get(k);
      ObjectNode function = calls.addObject().putObject("function");
      function.put("index", k);
      function.put("name", c.name());
      function.set("arguments", Json.parseOrNull(c.argumentsJson()));
    }
    return calls;
  }

  private ObjectNode line(ObjectNode message) {
    ObjectNode body = Json.object();
    body.put("model", model);
    body.put("created_at", createdAt);
    body.set("message", message);
    return body;
  }

  private ObjectNode done(ObjectNode body) {
    int output = Pieces.outputTokens(reply);
    body.put("done_reason", "stop");
    body.put("done", true);
    body.put("total_duration", 1_000_000L);
    body.put("load_duration", 100_000L);
    body.put("prompt_eval_count", promptTokens);
    body.put("prompt_eval_duration", 200_000L);
    body.put("eval_count", output);
    body.put("eval_duration", 700_000L);
    return body;
  }
}
