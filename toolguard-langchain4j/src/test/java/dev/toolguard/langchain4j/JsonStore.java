package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A persistent {@link ChatMemoryStore} as a database would be: every write goes through LangChain4j's
 * own {@link ChatMessageSerializer} to JSON text, every read comes back through {@link
 * ChatMessageDeserializer}, so nothing but what JSON carries survives. A new memory over the same store
 * is a new process.
 */
final class JsonStore implements ChatMemoryStore {

  final Map<Object, String> rows = new ConcurrentHashMap<>();

  /** A store holding what this one holds now: a copy of the database, as a stale replica or a backup has it. */
  JsonStore copy() {
    JsonStore copy = new JsonStore();
    copy.rows.putAll(rows);
    return copy;
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
