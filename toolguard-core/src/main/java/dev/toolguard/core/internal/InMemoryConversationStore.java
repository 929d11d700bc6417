package dev.toolguard.core.internal;

import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link ConversationStore} of one process: a map of snapshots, each replaced atomically. */
public final class InMemoryConversationStore implements ConversationStore {

  private final ConcurrentHashMap<String, Snapshot> conversations = new ConcurrentHashMap<>();

  @Override
  public Snapshot load(String key) {
    return conversations.getOrDefault(key, Snapshot.empty());
  }

  @Override
  public long save(String key, long expectedVersion, List<Message> messages) {
    List<Message> copy = List.copyOf(messages);
    Snapshot saved = conversations.compute(key, (k, now) -> {
      long version = now == null ? 0 : now.version();
      if (version != expectedVersion) {
        throw new ConversationConflictException(key, expectedVersion, version);
      }
      return new Snapshot(copy, version + 1);
    });
    return saved.version();
  }

  @Override
  public List<String> keys() {
    return List.copyOf(conversations.keySet());
  }

  @Override
  public String toString() {
    return "ConversationStore.inMemory()[" + conversations.size() + " conversations]";
  }
}
