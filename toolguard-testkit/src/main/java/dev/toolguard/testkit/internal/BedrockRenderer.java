package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Reply} as a Bedrock {@code Converse} response, or as the {@code ConverseStream}
 * events in AWS event stream framing ({@link EventStream}).
 *
 * <p>Text is a {@code text} block, each call a {@code toolUse} block ({@code toolUseId}, {@code name},
 * {@code input} object); {@code stopReason} {@code tool_use} or {@code end_turn}. Tool use ids are
 * {@code tooluse_N} unless the reply fixes one.
 */
public final class BedrockRenderer {

  private final Reply reply;
  private final int inputTokens;
  private final List<String> ids = new ArrayList<>();

  /** Prepares the answer to a request of {@code requestLength} characters, drawing ids from {@code counters}. */
  public BedrockRenderer(Reply reply, int requestLength, Ids counters) {
    this.reply = reply;
    this.inputTokens = Math.max(1, requestLength / 4);
    for (Reply.Call c : reply.calls()) {
      ids.add(c.id() != null ? c.id() : counters.next("tooluse_"));
    }
  }

  /** The non-streaming {@code ConverseResponse}. */
  public ObjectNode response() {
    ObjectNode message = Json.object();
    message.put("role", "assistant");
    ArrayNode content = message.putArray("content");
    if (reply.text() != null) {
      content.addObject().put("text", reply.text());
    }
    for (int k = 0; k < reply.calls().size(); k++) {
      Reply.Call c = reply.calls().get(k);
      ObjectNode use = content.addObject().putObject("toolUse");
      use.put("toolUseId", ids.get(k));
      use.put("name", c.name());
      use.set("input", Json.parseOrNull(c.argumentsJson()));
    }
    ObjectNode body = Json.object();
    body.putObject("output").set("message", message);
    body.put("stopReason", stopReason());
    body.set("usage", usage());
    body.putObject("metrics").put("latencyMs", 1);
    return body;
  }

  /**
   * The {@code ConverseStream} events, framed: {@code messageStart}, the text's {@code
   * contentBlockDelta}s and {@code contentBlockStop}, per call {@code contentBlockStart} (id and name),
   * {@code contentBlockDelta}s of the input JSON and {@code contentBlockStop}, then {@code messageStop}
   * and {@code metadata}.
   */
  public List<byte[]> frames() {
    List<byte[]> frames = new ArrayList<>();
    ObjectNode start = Json.object();
    start.put("role", "assistant");
    frames.add(EventStream.event("messageStart", Json.write(start)));
    int index = 0;
    if (reply.text() != null) {
      for (String piece : Pieces.words(reply.text())) {
        ObjectNode delta = Json.object();
        delta.put("contentBlockIndex", index);
        delta.putObject("delta").put("text", piece);
        frames.add(EventStream.event("contentBlockDelta", Json.write(delta)));
      }
      frames.add(EventStream.event("contentBlockStop", Json.write(Json.object().put("contentBlockIndex", index))));
      index++;
    }
    for (int k = 0; k < reply.calls().size(); k++, index++) {
      Reply.Call c = reply.calls().get(k);
      ObjectNode blockStart = Json.object();
      blockStart.put("contentBlockIndex", index);
      ObjectNode use = blockStart.putObject("start").putObject("toolUse");
      use.put("toolUseId", ids.get(k));
      use.put("name", c.name());
      frames.add(EventStream.event("contentBlockStart", Json.write(blockStart)));
      for (String piece : Pieces.thirds(c.argumentsJson())) {
        ObjectNode delta = Json.object();
        delta.put("contentBlockIndex", index);
        delta.putObject("delta").putObject("toolUse").put("input", piece);
        frames.add(EventStream.event("contentBlockDelta", Json.write(delta)));
      }
      frames.add(EventStream.event("contentBlockStop", Json.write(Json.object().put("contentBlockIndex", index))));
    }
    frames.add(EventStream.event("messageStop", Json.write(Json.object().put("stopReason", stopReason()))));
    ObjectNode metadata = Json.object();
    metadata.set("usage", usage());
    metadata.putObject("metrics").put("latencyMs", 1);
    frames.add(EventStream.event("metadata", Json.write(metadata)));
    return frames;
  }

  /** The tool use ids of this answer, in order. */
  public List<String> toolUseIds() {
    return List.copyOf(ids);
  }

  private String stopReason() {
    return reply.hasCalls() ? "tool_use" : "end_turn";
  }

  private ObjectNode usage() {
    int output = Pieces.outputTokens(reply);
    ObjectNode usage = Json.object();
    usage.put("inputTokens", inputTokens);
    usage.put("outputTokens", output);
    usage.put("totalTokens", inputTokens + output);
    return usage;
  }
}
