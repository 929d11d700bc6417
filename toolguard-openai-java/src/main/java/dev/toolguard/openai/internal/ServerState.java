package dev.toolguard.openai.internal;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCustomToolCall;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the adapter remembers of the Responses the client saw: for each response id, the calls its
 * output asked for (the calls the server holds open after it); for each conversation, those of its
 * latest response; and each call by its call id and by its item id (for item references). Bounded: the least recently
 * used entries go first. Thread-safe.
 */
public final class ServerState {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.openai");

  private final Map<String, List<HeldCall>> byResponse;
  private final Map<String, List<HeldCall>> byConversation;
  private final Map<String, HeldCall> byItem;
  private final Map<String, HeldCall> byCallId;

  /** Remembers at most {@code capacity} responses (and as many conversations and 8 times as many calls). */
  public ServerState(int capacity) {
    this.byResponse = lru(capacity);
    this.byConversation = lru(capacity);
    this.byItem = lru(capacity * 8);
    this.byCallId = lru(capacity * 8);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Remembers the calls of {@code response}; a response without an id is ignored. */
  public void record(Response response) {
    String id = response._id().asKnown().orElse(null);
    if (id == null) {
      return;
    }
    List<HeldCall> calls = new ArrayList<>(2);
    for (ResponseOutputItem item : response._output().asKnown().orElse(List.of())) {
      HeldCall call = held(item);
      if (call != null) {
        calls.add(call);
      }
    }
    String conversation = response._conversation().asKnown().flatMap(c -> c._id().asKnown()).orElse(null);
    List<HeldCall> held = List.copyOf(calls);
    synchronized (this) {
      byResponse.put(id, held);
      if (conversation != null) {
        byConversation.put(conversation, held);
      }
      for (HeldCall c : held) {
        byCallId.put(c.callId(), c);
        if (c.itemId() != null) {
          byItem.put(c.itemId(), c);
        }
      }
    }
    LOG.debug("response {} seen{}: {} open call(s)", id, conversation == null ? "" : " in conversation "
        + conversation, held.size());
  }

  private static @Nullable HeldCall held(ResponseOutputItem item) {
    if (item.isFunctionCall()) {
      ResponseFunctionToolCall c = item.asFunctionCall();
      String callId = c._callId().asKnown().orElse("");
      return callId.isEmpty() ? null : new HeldCall(callId, c._name().asKnown().orElse(""),
          c._arguments().asKnown().orElse("{}"), "function_call", c._id().asKnown().orElse(null));
    }
    if (item.isCustomToolCall()) {
      ResponseCustomToolCall c = item.asCustomToolCall();
      String callId = c._callId().asKnown().orElse("");
      return callId.isEmpty() ? null : new HeldCall(callId, c._name().asKnown().orElse(""),
          c._input().asKnown().orElse(""), ResponsesMapper.CUSTOM, c._id().asKnown().orElse(null));
    }
    return null;
  }

  /** The calls response {@code id} left open, or null if the client did not see it. */
  public synchronized @Nullable List<HeldCall> openAfterResponse(String id) {
    return byResponse.get(id);
  }

  /** The calls the latest response of conversation {@code id} left open, or null if none was seen. */
  public synchronized @Nullable List<HeldCall> openInConversation(String id) {
    return byConversation.get(id);
  }

  /** The call with this call id that a response the client saw asked for, or null. */
  public synchronized @Nullable HeldCall seen(String callId) {
    return byCallId.get(callId);
  }

  /** The call whose item id is {@code itemId}, or null. */
  public synchronized @Nullable HeldCall call(String itemId) {
    return byItem.get(itemId);
  }
}
