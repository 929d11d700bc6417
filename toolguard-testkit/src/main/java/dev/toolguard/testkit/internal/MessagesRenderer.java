package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;

/** Renders a {@link Reply} as an Anthropic {@code message} or its event stream. */
public final class MessagesRenderer {

  private final Reply reply;
  private final String id;
  private final String model;
  private final int inputTokens;
  private final List<String> toolUseIds = new ArrayList<>();

  /** Prepares the answer to {@code request}, drawing ids from {@code ids}. */
  public MessagesRenderer(Reply reply, JsonNode request, int requestLength, Ids ids) {
    this.reply = reply;
    this.id = ids.next("msg_");
    this.model = request.path("model").asText();
    this.inputTokens = Math.max(1, requestLength / 4);
    for (Reply.Call c : reply.calls()) {
      toolUseIds.add(c.id() != null ? c.id() : ids.next("toolu_"));
    }
  }

  /** The non-streaming {@code message} object. */
  public ObjectNode message() {
    ObjectNode m = head();
    ArrayNode content = m.putArray("content");
    if (reply.text() != null) {
      ObjectNode t = content.addObject();
      t.put("type", "text");
      t.put("text", reply.text());
    }
    for (int k = 0; k < reply.calls().size(); k++) {
      content.add(toolUse(k, true));
    }
    m.put("stop_reason", stopReason());
    m.putNull("stop_sequence");
    m.set("usage", usage(Pieces.outputTokens(reply)));
    return m;
  }

  /** The event stream: message_start, content blocks with deltas, ping, message_delta, message_stop. */
  public List<SseEvent> events() {
    List<SseEvent> events = new ArrayList<>();
    ObjectNode start = head();
    start.putArray("content");
    start.putNull("stop_reason");
    start.putNull("stop_sequence");
    start.set("usage", usage(1));
    ObjectNode messageStart = Json.object();
    messageStart.put("type", "message_start");
    messageStart.set("message", start);
    events.add(new SseEvent("message_start", Json.write(messageStart)));
    int index = 0;
    if (reply.text() != null) {
      ObjectNode block = Json.object();
      block.put("type", "text");
      block.put("text", "");
      events.add(blockStart(index, block));
      events.add(ping());
      for (String piece : Pieces.words(reply.text())) {
        ObjectNode delta = Json.object();
        delta.put("type", "text_delta");
        delta.put("text", piece);
        events.add(blockDelta(index, delta));
      }
      events.add(blockStop(index));
      index++;
    }
    for (int k = 0; k < reply.calls().size(); k++, index++) {
      events.add(blockStart(index, toolUse(k, false)));
      if (index == 0) {
        events.add(ping());
      }
      List<String> pieces = new ArrayList<>();
      pieces.add("");
      pieces.addAll(Pieces.thirds(reply.calls().get(k).argumentsJson()));
      for (String piece : pieces) {
        ObjectNode delta = Json.object();
        delta.put("type", "input_json_delta");
        delta.put("partial_json", piece);
        events.add(blockDelta(index, delta));
      }
      events.add(blockStop(index));
    }
    ObjectNode messageDelta = Json.object();
    messageDelta.put("type", "message_delta");
    ObjectNode delta = messageDelta.putObject("delta");
    delta.put("stop_reason", stopReason());
    delta.putNull("stop_sequence");
    messageDelta.putObject("usage").put("output_tokens", Pieces.outputTokens(reply));
    events.add(new SseEvent("message_delta", Json.write(messageDelta)));
    ObjectNode stop = Json.object();
    stop.put("type", "message_stop");
    events.add(new SseEvent("message_stop", Json.write(stop)));
    return events;
  }

  private ObjectNode toolUse(int k, boolean withInput) {
    Reply.Call c = reply.calls().get(k);
    ObjectNode t = Json.object();
    t.put("type", "tool_use");
    t.put("id", toolUseIds.get(k));
    t.put("name", c.name());
    if (withInput) {
      JsonNode input = Json.parseOrNull(c.argumentsJson());
      t.set("input", input != null ? input : Json.object());
    } else {
      t.putObject("input");
    }
    return t;
  }

  private ObjectNode head() {
    ObjectNode m = Json.object();
    m.put("id", id);
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", model);
    return m;
  }

  private ObjectNode usage(int outputTokens) {
    ObjectNode u = Json.object();
    u.put("input_tokens", inputTokens);
    u.put("cache_creation_input_tokens", 0);
    u.put("cache_read_input_tokens", 0);
    u.put("output_tokens", outputTokens);
    u.put("service_tier", "standard");
    return u;
  }

  private String stopReason() {
    return reply.hasCalls() ? "tool_use" : "end_turn";
  }

  private static SseEvent blockStart(int index, ObjectNode block) {
    ObjectNode e = Json.object();
    e.put("type", "content_block_start");
    e.put("index", index);
    e.set("content_block", block);
    return new SseEvent("content_block_start", Json.write(e));
  }

  private static SseEvent blockDelta(int index, ObjectNode delta) {
    ObjectNode e = Json.object();
    e.put("type", "content_block_delta");
    e.put("index", index);
    e.set("delta", delta);
    return new SseEvent("content_block_delta", Json.write(e));
  }

  private static SseEvent blockStop(int index) {
    ObjectNode e = Json.object();
    e.put("type", "content_block_stop");
    e.put("index", index);
    return new SseEvent("content_block_stop", Json.write(e));
  }

  private static SseEvent ping() {
    return new SseEvent("ping", "{\"type\":\"ping\"}");
  }
}
