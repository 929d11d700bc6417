package dev.toolguard.examples.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChatMemoryStore} as a database is: every write goes through LangChain4j's own {@link
 * ChatMessageSerializer} to JSON text, every read comes back through {@link ChatMessageDeserializer}.
 */
final class JsonMemory implements ChatMemoryStore {

  private final Map<Object, String> rows = new ConcurrentHashMap<>();

  /** A new window memory over this store (as a new request or a new process makes one). */
  ChatMemory memory(String id) {
    return MessageWindowChatMemory.builder().id(id).maxMessages(40).chatMemoryStore(this).build();
  }

  /** The JSON text stored for {@code id}. */
  String json(Object id) {
    return rows.getOrDefault(id, "[]");
  }

  /** Stores JSON text for {@code id}, as a restored database would hold it. */
  void putJson(Object id, String json) {
    rows.put(id, json);
  }

  @Override
  public List<ChatMessage> getMessages(Object memoryId) {
    String json = rows.get(memoryId);
    return json == null ? List.of() : ChatMessageDeserializer.messagesFromJson(json);
  }

  @Override
  public void updateMessages(Object memoryId, List<ChatMessage> messages) {
    rows.put(memoryId, ChatMessageSerializer.messagesToJson(messages));
  }

  @Override
  public void deleteMessages(Object memoryId) {
    rows.remove(memoryId);
  }
}
