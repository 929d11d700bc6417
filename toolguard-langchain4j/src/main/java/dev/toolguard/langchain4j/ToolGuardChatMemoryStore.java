package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.conversation.ThreadVersions;
import dev.toolguard.langchain4j.internal.StoredMessages;
import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j {@link ChatMemoryStore} over a toolguard {@link ConversationStore} that keeps whole
 * messages: text, tool calls, tool results, toolguard's waiting calls and answers, attributes, thinking
 * and non-text contents come back equal to what was written. With toolguard-jdbc's {@code
 * JdbcConversationStore} the conversations live in one database table, shared by every instance of the
 * application and by core's {@code Conversations} flow.
 *
 * <pre>{@code
 * ConversationStore conversations = JdbcConversationStore.of(dataSource, HistoryJson.codec());
 * ChatMemory memory = MessageWindowChatMemory.builder().id(userId).maxMessages(20)
 *     .chatMemoryStore(ToolGuardChatMemoryStore.of(conversations))
 *     .build();
 * }</pre>
 *
 * <p>The conversation key is {@code String.valueOf(memoryId)}, as {@link ToolLoop} names a memory's
 * conversation.
 *
 * <p><b>Writes never silently overwrite.</b> {@link #updateMessages} replaces the conversation and names
 * the version that the calling thread last read (with {@link #getMessages}) or wrote; if another writer
 * saved the conversation since, it throws {@link ConversationConflictException} and writes nothing.
 * {@code MessageWindowChatMemory.add} reads and updates on one thread, so two requests that add to one
 * conversation at once (two instances, a double click) never lose a message: the second fails and can be
 * repeated on the fresh conversation. A thread that updates a conversation it has not read (or whose
 * version it forgot: each thread remembers its last 64 conversations) saves over the version stored at
 * that moment. {@link #deleteMessages} saves an empty conversation the same way, so a deletion does not
 * reset the version a racing writer read.
 *
 * <p>Each message is mapped to core as {@link LangChain4jToolGuard#toCore} maps it, and kept with LangChain4j's own
 * JSON of it ({@code ChatMessageSerializer}) for what core has no field for; a message that toolguard
 * changed in the store since (its core form no longer matches) is mapped from core. Values in {@code
 * CustomMessage} attributes must be of a type the store's codec keeps. Instances are thread-safe.
 */
public final class ToolGuardChatMemoryStore implements ChatMemoryStore {

  private final ConversationStore store;
  private final ThreadVersions versions;

  private ToolGuardChatMemoryStore(ConversationStore store) {
    this.store = store;
    this.versions = new ThreadVersions(store);
  }

  /**
   * A chat memory store over {@code store}.
   *
   * @throws IllegalArgumentException if {@code store} is null
   */
  public static ToolGuardChatMemoryStore of(ConversationStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null: pass a ConversationStore, for example"
          + " JdbcConversationStore.of(dataSource, HistoryJson.codec())");
    }
    return new ToolGuardChatMemoryStore(store);
  }

  /** The store this one keeps conversations in. */
  public ConversationStore store() {
    return store;
  }

  /** The memory's messages as written (empty for one never written); remembers the version read. */
  @Override
  public List<ChatMessage> getMessages(Object memoryId) {
    String key = key(memoryId);
    List<dev.toolguard.core.Message> stored = versions.read(key);
    return new ArrayList<>(StoredMessages.fromStored(stored));
  }

  /**
   * Replaces the memory's messages, naming the version this thread last read or wrote.
   *
   * @throws ConversationConflictException if another writer saved the conversation since (nothing was
   *     written; this thread forgets the version, so that reading again and repeating succeeds)
   */
  @Override
  public void updateMessages(Object memoryId, List<ChatMessage> messages) {
    String key = key(memoryId);
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null; pass an empty list to empty the memory");
    }
    save(key, StoredMessages.toStored(messages));
  }

  /** Empties the memory (a versioned save of no messages, with the semantics of {@link #updateMessages}). */
  @Override
  public void deleteMessages(Object memoryId) {
    save(key(memoryId), List.of());
  }

  private void save(String key, List<dev.toolguard.core.Message> core) {
    versions.write(key, core);
  }

  private static String key(Object memoryId) {
    if (memoryId == null) {
      throw new IllegalArgumentException("memoryId must not be null: name the memory");
    }
    return String.valueOf(memoryId);
  }

  @Override
  public String toString() {
    return "ToolGuardChatMemoryStore[" + store + "]";
  }
}
