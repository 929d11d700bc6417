package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.internal.ResponsesRules;
import dev.toolguard.testkit.internal.StoredResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The responses a referee keeps for the Responses API ({@link ProviderReferee#responses()}).
 *
 * <p>Like the real service, a {@code POST /v1/responses} whose {@code store} is not {@code false} is
 * kept (its input, the chain before it and its output), so that a later request with {@code
 * previous_response_id} continues it, and {@code GET /v1/responses/{id}} returns it. An unknown {@code
 * previous_response_id} is answered 400 {@code Previous response with id '…' not found.}
 *
 * <h2>Replaying an output without its call</h2>
 *
 * The real service has been seen to hand back, from its stored conversation state, a {@code
 * function_call_output} whose call was never a {@code function_call} (a server-side MCP tool's output,
 * with an {@code mcp_…} call id). A client that sends that item back is refused with {@code No tool
 * call found for function call output with call_id mcp_….} To reproduce it:
 *
 * <ol>
 *   <li>{@code referee.responses().replayOrphanOutputs(true)};
 *   <li>make a stored request ({@code store} absent or true); the response's {@code output} then starts
 *       with {@code {"id":"fco_N","type":"function_call_output","call_id":"mcp_N","output":"…","status":"completed"}}
 *       (N a counter from 1), in the streamed events too, and in {@code GET /v1/responses/{id}}; the
 *       item is not part of the stored conversation state;
 *   <li>send that item back in {@code input} (with or without {@code previous_response_id}, as a client
 *       that appends the response output to its history does): the answer is 400 {@code No tool call
 *       found for function call output with call_id mcp_N.}
 * </ol>
 */
public final class StoredResponses {

  private final Map<String, StoredResponse> byId = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> itemsById = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  /** For an output item that a reasoning item directly preceded when it was produced: the reasoning's id. */
  private final Map<String, String> reasoningBefore = new ConcurrentHashMap<>();
  /** For a produced reasoning item: the id of the item produced directly after it. */
  private final Map<String, String> itemAfter = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong producedIds = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean replayOrphanOutputs;

  StoredResponses() {}

  /** Switches the replay of an orphan {@code function_call_output} in stored responses on or off (off by default). */
  public StoredResponses replayOrphanOutputs(boolean on) {
    this.replayOrphanOutputs = on;
    return this;
  }

  /** Whether stored responses replay an orphan output. */
  public boolean replaysOrphanOutputs() {
    return replayOrphanOutputs;
  }

  /** The stored response object with this id (a copy), or empty. */
  public Optional<JsonNode> get(String responseId) {
    StoredResponse r = byId.get(responseId);
    return r == null ? Optional.empty() : Optional.of(r.response().deepCopy());
  }

  /** True when a response with this id is stored. */
  public boolean contains(String responseId) {
    return byId.containsKey(responseId);
  }

  /** The ids of the stored responses, oldest first. */
  public List<String> ids() {
    synchronized (order) {
      return List.copyOf(order);
    }
  }

  /** The number of stored responses. */
  public int size() {
    return byId.size();
  }

  /** Forgets every stored response (the replay switch is kept). */
  public void clear() {
    synchronized (order) {
      byId.clear();
      itemsById.clear();
      reasoningBefore.clear();
      itemAfter.clear();
      order.clear();
    }
  }

  void put(StoredResponse response) {
    synchronized (order) {
      byId.put(response.id(), response);
      order.add(response.id());
      for (JsonNode item : response.conversation()) {
        JsonNode id = item.get("id");
        if (id != null && id.isTextual()) {
          itemsById.putIfAbsent(id.asText(), item);
        }
      }
      JsonNode output = response.response().path("output");
      for (int j = 0; j + 1 < output.size(); j++) {
        String reasoning = output.get(j).path("type").asText("").equals("reasoning")
            ? output.get(j).path("id").asText("") : "";
        String next = output.get(j + 1).path("id").asText("");
        if (!reasoning.isEmpty() && !next.isEmpty() && !output.get(j + 1).path("type").asText("").equals("reasoning")) {
          reasoningBefore.putIfAbsent(next, reasoning);
          itemAfter.putIfAbsent(reasoning, next);
        }
      }
    }
  }

  /**
   * Stores a response whose {@code output} is {@code output}, as if the referee had produced those
   * items: they are known by id (an {@code item_reference} finds them), and an item that a reasoning
   * item directly precedes in {@code output} must be sent back directly after that reasoning item,
   * as the real service requires of the items it produced. For tests that send items made elsewhere.
   *
   * @return the id of the stored response ({@code resp_stored_N}), which a request may continue
   */
  public String produced(List<? extends JsonNode> output) {
    return produced("resp_stored_" + producedIds.incrementAndGet(), output);
  }

  /**
   * {@link #produced(List)} under the id {@code responseId} (a test that writes the body before it
   * stores what the body continues); it replaces a stored response of that id.
   *
   * @throws IllegalArgumentException if {@code responseId} does not begin with {@code resp_}
   */
  public String produced(String responseId, List<? extends JsonNode> output) {
    if (responseId == null || !responseId.startsWith("resp_")) {
      throw new IllegalArgumentException("responseId must begin with resp_ as the service's ids do, was " + responseId);
    }
    String id = responseId;
    com.fasterxml.jackson.databind.node.ObjectNode response = dev.toolguard.testkit.internal.Json.object();
    response.put("id", id).put("object", "response").put("status", "completed");
    com.fasterxml.jackson.databind.node.ArrayNode items = response.putArray("output");
    output.forEach(item -> items.add(item.deepCopy()));
    List<JsonNode> conversation = new ArrayList<>();
    items.forEach(conversation::add);
    put(new StoredResponse(id, conversation, response));
    return id;
  }

  @Nullable StoredResponse lookup(String responseId) {
    return byId.get(responseId);
  }

  /** The rules' view of this store. */
  ResponsesRules.Store rulesView() {
    return new ResponsesRules.Store() {
      @Override
      public @Nullable StoredResponse response(String responseId) {
        return byId.get(responseId);
      }

      @Override
      public @Nullable JsonNode item(String itemId) {
        return itemsById.get(itemId);
      }

      @Override
      public @Nullable String reasoningBefore(String itemId) {
        return reasoningBefore.get(itemId);
      }

      @Override
      public @Nullable String itemAfter(String reasoningId) {
        return itemAfter.get(reasoningId);
      }
    };
  }
}
