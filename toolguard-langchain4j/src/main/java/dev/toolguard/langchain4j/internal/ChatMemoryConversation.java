package dev.toolguard.langchain4j.internal;

import dev.langchain4j.memory.ChatMemory;
import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationStore;
import java.util.List;

/**
 * One LangChain4j {@link ChatMemory} as the store of core's conversation flow, for one run: it hands
 * out the history read before the run and writes the run's history back with {@code set}. A {@code
 * ChatMemory} has no versions, so the caller serializes runs on the memory (within one process).
 */
public final class ChatMemoryConversation implements ConversationStore {

  private final ChatMemory memory;
  private final List<Message> loaded;
  private final KnownMessages known;

  /**
   * The conversation of {@code memory}, whose messages were read as {@code loaded}; the core messages
   * {@code known} holds are written back as their sources.
   */
  public ChatMemoryConversation(ChatMemory memory, List<Message> loaded, KnownMessages known) {
    this.memory = memory;
    this.loaded = List.copyOf(loaded);
    this.known = known;
  }

  @Override
  public Snapshot load(String key) {
    return new Snapshot(loaded, 0);
  }

  @Override
  public long save(String key, long expectedVersion, List<Message> messages) {
    memory.set(known.toLangChain4j(messages));
    return expectedVersion + 1;
  }

  @Override
  public String toString() {
    return "ChatMemoryConversation[" + memory.id() + "]";
  }
}
