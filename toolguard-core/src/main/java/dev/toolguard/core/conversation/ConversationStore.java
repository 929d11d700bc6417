package dev.toolguard.core.conversation;

import dev.toolguard.core.Message;
import dev.toolguard.core.internal.InMemoryConversationStore;
import java.util.List;

/**
 * Where the conversations of an application are kept, whole and versioned: every message with every
 * content (text, calls, results, waiting calls, answers, provider items) and its metadata.
 *
 * <p>A save names the version it read, so two writers (two instances, a double click) never
 * silently overwrite each other: the second gets a {@link ConversationConflictException}.
 * Implementations are thread-safe. An adapter that keeps conversations in its framework's memory
 * type implements this over it; {@code toolguard-jdbc} ships one on a database.
 */
public interface ConversationStore {

  /**
   * A conversation as loaded.
   *
   * @param messages its messages, in order; empty for a conversation never saved
   * @param version its version; 0 for a conversation never saved
   */
  record Snapshot(List<Message> messages, long version) {

    /** Copies the list and checks the version. */
    public Snapshot {
      messages = List.copyOf(messages);
      if (version < 0) {
        throw new IllegalArgumentException("a conversation's version is 0 or more, was " + version);
      }
    }

    /** A conversation never saved. */
    public static Snapshot empty() {
      return new Snapshot(List.of(), 0);
    }
  }

  /** The conversation {@code key} as stored now, or {@link Snapshot#empty()}. */
  Snapshot load(String key);

  /**
   * Replaces conversation {@code key} with {@code messages} if its version is still {@code
   * expectedVersion}, in one atomic step, and returns the new version.
   *
   * @throws ConversationConflictException if another writer saved it since (nothing was written)
   */
  long save(String key, long expectedVersion, List<Message> messages);

  /**
   * A store that keeps nothing: every conversation loads empty and a save is dropped. For a stateless
   * application that sends the whole history with every request and keeps it itself.
   */
  static ConversationStore none() {
    return NONE;
  }

  /** See {@link #none()}. */
  ConversationStore NONE = new ConversationStore() {
    @Override
    public Snapshot load(String key) {
      return Snapshot.empty();
    }

    @Override
    public long save(String key, long expectedVersion, List<Message> messages) {
      return expectedVersion + 1;
    }

    @Override
    public List<String> keys() {
      return List.of();
    }

    @Override
    public String toString() {
      return "ConversationStore.none()";
    }
  };

  /**
   * The keys of the conversations this store holds, in no particular order: for listings (Spring AI's
   * {@code ChatMemoryRepository.findConversationIds()}). A conversation saved with no messages may be
   * listed. The default lists nothing it can see and says so.
   *
   * @throws UnsupportedOperationException if this store cannot list its conversations
   */
  default List<String> keys() {
    throw new UnsupportedOperationException("this ConversationStore (" + this + ") cannot list its conversations;"
        + " implement ConversationStore.keys() to list them");
  }

  /** A store in this process's memory: for tests and one-instance applications. */
  static ConversationStore inMemory() {
    return new InMemoryConversationStore();
  }
}
