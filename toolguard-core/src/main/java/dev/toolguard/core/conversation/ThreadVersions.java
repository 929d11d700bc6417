package dev.toolguard.core.conversation;

import dev.toolguard.core.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ConversationStore} behind an API with no versions (LangChain4j's {@code ChatMemoryStore},
 * Spring AI's {@code ChatMemoryRepository}: read the messages, write the messages): each thread's
 * write names the version that thread last read or wrote of the conversation, so a lost race is a
 * {@link ConversationConflictException} and never a silent overwrite.
 *
 * <p>Kept per thread because the frameworks read and then write a conversation on one thread ({@code
 * MessageWindowChatMemory.add} reads, evicts, writes); one version shared by all threads would let the
 * second of two racing writers in one process save over the first. Each thread remembers its last
 * {@value #PER_THREAD} conversations (the least recently used are forgotten); a write of a conversation
 * the thread never read (or forgot) names the version stored at that moment. Thread-safe.
 */
public final class ThreadVersions {

  /** Conversations remembered per thread. */
  public static final int PER_THREAD = 64;

  private final ConversationStore store;
  private final ThreadLocal<Map<String, Long>> versions = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > PER_THREAD;
        }
      });

  /**
   * Versioned reads and writes of {@code store}.
   *
   * @throws IllegalArgumentException if {@code store} is null
   */
  public ThreadVersions(ConversationStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null: pass a ConversationStore, for example"
          + " JdbcConversationStore.of(dataSource, HistoryJson.codec())");
    }
    this.store = store;
  }

  /** The store behind. */
  public ConversationStore store() {
    return store;
  }

  /** The messages of conversation {@code key} as stored now; this thread remembers their version. */
  public List<Message> read(String key) {
    ConversationStore.Snapshot snapshot = store.load(key);
    versions.get().put(key, snapshot.version());
    return snapshot.messages();
  }

  /**
   * Replaces conversation {@code key} with {@code messages}, naming the version this thread last read
   * or wrote.
   *
   * @throws ConversationConflictException if another writer saved it since: nothing was written and
   *     this thread forgets the version, so that reading again and repeating succeeds
   */
  public void write(String key, List<Message> messages) {
    Long seen = versions.get().get(key);
    long expected = seen != null ? seen : store.load(key).version();
    try {
      versions.get().put(key, store.save(key, expected, messages));
    } catch (ConversationConflictException e) {
      versions.get().remove(key);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "ThreadVersions[" + store + "]";
  }
}
