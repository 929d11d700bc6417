package dev.toolguard.hosting;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the hosted endpoint keeps the responses it made with {@code store: true}: for {@code GET
 * /v1/responses/{id}}, and to find the conversation that a {@code previous_response_id} continues
 * (any stored response of it: an older one forks it). The conversation as it stood after the response
 * lives in a {@link dev.toolguard.core.conversation.ConversationStore} under the response's id;
 * waiting calls need no store at all (their ids are signed tokens). Give every instance the same store ({@link JdbcResponseStore}) so that any
 * instance continues any response. Implementations are thread-safe.
 */
public interface ResponseStore {

  /**
   * A stored response.
   *
   * @param id the response id ({@code resp_…})
   * @param conversation the key of the conversation it belongs to
   * @param version the version of the conversation state saved under the response's id (checked when a
   *     request continues from it)
   * @param body the Response object as JSON, as it was answered
   */
  record Stored(String id, String conversation, long version, String body) {
    /** Checks the components. */
    public Stored {
      if (id == null || id.isBlank() || conversation == null || conversation.isBlank() || body == null) {
        throw new IllegalArgumentException("a stored response needs an id, a conversation and a body");
      }
    }
  }

  /** Keeps {@code response}; ids are unique, so a response is saved once. */
  void save(Stored response);

  /** The response {@code id}, or null when this store does not hold it. */
  @Nullable Stored find(String id);

  /**
   * A store in this process's memory that keeps the last {@code capacity} responses: for tests and a
   * single instance.
   *
   * @throws IllegalArgumentException if {@code capacity} is below 1
   */
  static ResponseStore inMemory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    Map<String, Stored> map = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
        return size() > capacity;
      }
    };
    return new ResponseStore() {
      @Override
      public synchronized void save(Stored response) {
        if (map.putIfAbsent(response.id(), response) != null) {
          throw new IllegalStateException("response " + response.id() + " is already saved; ids are unique");
        }
      }

      @Override
      public synchronized @Nullable Stored find(String id) {
        return map.get(id);
      }

      @Override
      public String toString() {
        return "ResponseStore.inMemory(" + capacity + ")";
      }
    };
  }
}
