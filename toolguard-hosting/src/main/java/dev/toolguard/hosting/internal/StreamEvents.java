package dev.toolguard.hosting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Responses stream events of one run, in order, as they happen: {@code response.created}, then
 * per model round the calls of the round before that ran ({@code response.output_item.added/done} of
 * {@code mcp_call} items, known when the next round is asked with their results), the round's text as
 * a message item ({@code output_item.added}, {@code content_part.added}, {@code
 * response.output_text.delta}…, {@code output_text.done}, {@code content_part.done}, {@code
 * output_item.done}), and at the end the items that wait and {@code response.completed}. The output
 * of the completed response lists the items in the order they were streamed.
 */
public final class StreamEvents {

  /** Where events go. */
  @FunctionalInterface
  public interface Sink {
    /** Sends one event; {@code data} carries {@code type} and {@code sequence_number}. */
    void event(String type, ObjectNode data);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Sink sink;
  private final Set<String> knownResults;
  private final BiFunction<ToolCall, ToolResult, ObjectNode> mcpCall;
  private final Supplier<String> messageIds;
  private final ArrayNode emitted = JSON.createArrayNode();
  private final Set<String> emittedCalls = new HashSet<>();
  private int streamedMessages;
  private int sequence;
  private @Nullable ObjectNode open;
  private final StringBuilder openText = new StringBuilder();

  StreamEvents(Sink sink, List<Message> input, BiFunction<ToolCall, ToolResult, ObjectNode> mcpCall,
      Supplier<String> messageIds) {
    this.sink = sink;
    this.mcpCall = mcpCall;
    this.messageIds = messageIds;
    this.knownResults = new HashSet<>();
    for (Message m : input) {
      for (ToolResult r : m.toolResults()) {
        knownResults.add(r.callId());
      }
    }
  }

  /** {@code model} with every round reported here. */
  ChatBackend around(ChatBackend model) {
    return new ChatBackend() {
      @Override
      public ChatResponse send(ChatRequest request) {
        roundStarts(request);
        ChatResponse r = model.send(request);
        String text = r.message().text();
        if (!text.isEmpty()) {
          delta(text);
        }
        closeMessage();
        return r;
      }

      @Override
      public ChatResponse stream(ChatRequest request, StreamHandler handler) {
        roundStarts(request);
        ChatResponse r = model.stream(request, d -> {
          delta(d);
          handler.onText(d);
        });
        closeMessage();
        return r;
      }

      @Override
      public String toString() {
        return model.toString();
      }
    };
  }

  void created(ObjectNode response) {
    ObjectNode e = event("response.created");
    e.set("response", response.deepCopy());
    sink.event("response.created", e);
    ObjectNode p = event("response.in_progress");
    p.set("response", response.deepCopy());
    sink.event("response.in_progress", p);
  }

  /** The calls that ran since the last round: their results are in the request that asks again. */
  private void roundStarts(ChatRequest request) {
    closeMessage();
    Map<String, ToolCall> calls = new HashMap<>();
    for (Message m : request.history()) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall call) {
          calls.put(call.callId(), call);
        }
      }
      if (m.role() == Role.TOOL) {
        for (ToolResult r : m.toolResults()) {
          ToolCall call = calls.get(r.callId());
          if (call != null && !knownResults.contains(r.callId()) && emittedCalls.add(r.callId())) {
            item(mcpCall.apply(call, r));
          }
        }
      }
    }
  }

  private void delta(String d) {
    if (open == null) {
      ObjectNode item = JSON.createObjectNode();
      item.put("type", "message");
      item.put("id", messageIds.get());
      item.put("status", "in_progress");
      item.put("role", "assistant");
      item.putArray("content");
      open = item;
      openText.setLength(0);
      ObjectNode added = event("response.output_item.added");
      added.put("output_index", emitted.size());
      added.set("item", item.deepCopy());
      sink.event("response.output_item.added", added);
      ObjectNode part = event("response.content_part.added");
      part.put("item_id", item.get("id").asText());
      part.put("output_index", emitted.size());
      part.put("content_index", 0);
      part.set("part", textPart(""));
      sink.event("response.content_part.added", part);
    }
    openText.append(d);
    ObjectNode e = event("response.output_text.delta");
    e.put("item_id", open.get("id").asText());
    e.put("output_index", emitted.size());
    e.put("content_index", 0);
    e.put("delta", d);
    e.putArray("logprobs");
    sink.event("response.output_text.delta", e);
  }

  private void closeMessage() {
    ObjectNode item = open;
    if (item == null) {
      return;
    }
    open = null;
    String id = item.get("id").asText();
    String text = openText.toString();
    ObjectNode done = event("response.output_text.done");
    done.put("item_id", id);
    done.put("output_index", emitted.size());
    done.put("content_index", 0);
    done.put("text", text);
    done.putArray("logprobs");
    sink.event("response.output_text.done", done);
    ObjectNode partDone = event("response.content_part.done");
    partDone.put("item_id", id);
    partDone.put("output_index", emitted.size());
    partDone.put("content_index", 0);
    partDone.set("part", textPart(text));
    sink.event("response.content_part.done", partDone);
    item.put("status", "completed");
    item.putArray("content").add(textPart(text));
    ObjectNode itemDone = event("response.output_item.done");
    itemDone.put("output_index", emitted.size());
    itemDone.set("item", item.deepCopy());
    sink.event("response.output_item.done", itemDone);
    emitted.add(item);
    streamedMessages++;
  }

  /**
   * Streams what the run left that was not streamed yet (the calls that wait, a last round's calls)
   * and returns the output as streamed.
   */
  ArrayNode finish(ArrayNode output) {
    closeMessage();
    int messages = 0;
    for (JsonNode node : output) {
      ObjectNode item = (ObjectNode) node;
      String type = item.path("type").asText();
      if (type.equals("message") && messages++ < streamedMessages) {
        continue;
      }
      if (type.equals("mcp_call") && item.path("id").asText().startsWith("mcp_")
          && emittedCalls.contains(item.path("id").asText().substring(4))) {
        continue;
      }
      item(item);
    }
    return emitted;
  }

  void completed(ObjectNode response) {
    ObjectNode e = event("response.completed");
    e.set("response", response);
    sink.event("response.completed", e);
  }

  /** An {@code error} event, for a failure after the stream started. */
  void error(HostedError error) {
    ObjectNode e = event("error");
    e.put("code", error.code());
    e.put("message", error.getMessage());
    e.put("param", error.param());
    sink.event("error", e);
  }

  private void item(ObjectNode item) {
    ObjectNode added = event("response.output_item.added");
    added.put("output_index", emitted.size());
    added.set("item", item);
    sink.event("response.output_item.added", added);
    ObjectNode done = event("response.output_item.done");
    done.put("output_index", emitted.size());
    done.set("item", item);
    sink.event("response.output_item.done", done);
    emitted.add(item);
  }

  private ObjectNode event(String type) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", type);
    e.put("sequence_number", sequence++);
    return e;
  }

  private static ObjectNode textPart(String text) {
    ObjectNode part = JSON.createObjectNode();
    part.put("type", "output_text");
    part.put("text", text);
    part.putArray("annotations");
    return part;
  }
}
