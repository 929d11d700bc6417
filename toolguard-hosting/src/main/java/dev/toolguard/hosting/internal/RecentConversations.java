package dev.toolguard.hosting.internal;

import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosted endpoint's default conversation store: the last {@code capacity} conversation states in
 * this process's memory (one per stored response), so that a long-running single instance does not
 * grow without bound. Thread-safe.
 */
public final class RecentConversations implements ConversationStore {

  private final int capacity;
  private final Map<String, Snapshot> map;

  /** A store that keeps the last {@code capacity} conversations saved. */
  public RecentConversations(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.map = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
        return size() > RecentConversations.this.capacity;
      }
    };
  }

  @Override
  public synchronized Snapshot load(String key) {
    Snapshot s = map.get(key);
    return s == null ? Snapshot.empty() : s;
  }

  @Override
  public synchronized long save(String key, long expectedVersion, List<Message> messages) {
    long current = load(key).version();
    if (current != expectedVersion) {
      throw new ConversationConflictException(key, expectedVersion, current);
    }
    map.remove(key);
    map.put(key, new Snapshot(messages, current + 1));
    return current + 1;
  }

  @Override
  public synchronized List<String> keys() {
    return new ArrayList<>(map.keySet());
  }

  @Override
  public String toString() {
    return "RecentConversations(" + capacity + ")";
  }
}
