package dev.toolguard.springai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.AbstractMessage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat memory repository that keeps every conversation as one JSON document (type, text, metadata,
 * tool calls, tool responses), as a document store or a file would: what is read back are fresh
 * objects that went through JSON text, never the instances that were saved.
 */
final class JsonChatMemoryRepository implements ChatMemoryRepository {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Map<String, String> documents = new ConcurrentHashMap<>();
  /** Counted down by the first save of each conversation. */
  private final Map<String, CountDownLatch> saved = new ConcurrentHashMap<>();

  @Override
  public List<String> findConversationIds() {
    return List.copyOf(documents.keySet());
  }

  @Override
  public List<Message> findByConversationId(String conversationId) {
    String doc = documents.get(conversationId);
    if (doc == null) {
      return List.of();
    }
    List<Map<String, Object>> items = JSON.readValue(doc, new TypeReference<List<Map<String, Object>>>() {});
    List<Message> out = new ArrayList<>();
    for (Map<String, Object> item : items) {
      out.add(fromMap(item));
    }
    return out;
  }

  @Override
  public void saveAll(String conversationId, List<Message> messages) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (Message m : messages) {
      items.add(toMap(m));
    }
    documents.put(conversationId, JSON.writeValueAsString(items));
    saved.computeIfAbsent(conversationId, k -> new CountDownLatch(1)).countDown();
  }

  /** Waits for the first save of a conversation (an event); true when it came within {@code seconds}. */
  boolean awaitSaved(String conversationId, long seconds) throws InterruptedException {
    return saved.computeIfAbsent(conversationId, k -> new CountDownLatch(1)).await(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void deleteByConversationId(String conversationId) {
    documents.remove(conversationId);
  }

  /** The stored JSON of a conversation, or null. */
  String document(String conversationId) {
    return documents.get(conversationId);
  }

  static String write(Message m) {
    return JSON.writeValueAsString(toMap(m));
  }

  static Message read(String json) {
    return fromMap(JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
  }

  private static Map<String, Object> toMap(Message m) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("type", m.getMessageType().name());
    item.put("text", m.getText());
    Map<String, Object> metadata = new LinkedHashMap<>(m.getMetadata());
    metadata.remove(AbstractMessage.MESSAGE_TYPE);
    item.put("metadata", metadata);
    if (m instanceof AssistantMessage a) {
      List<Map<String, Object>> calls = new ArrayList<>();
      for (AssistantMessage.ToolCall c : a.getToolCalls()) {
        calls.add(Map.of("id", c.id(), "type", c.type(), "name", c.name(), "arguments", c.arguments()));
      }
      item.put("toolCalls", calls);
    }
    if (m instanceof ToolResponseMessage t) {
      List<Map<String, Object>> responses = new ArrayList<>();
      for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
        responses.add(Map.of("id", r.id(), "name", r.name(), "responseData", r.responseData()));
      }
      item.put("responses", responses);
    }
    return item;
  }

  @SuppressWarnings("unchecked")
  private static Message fromMap(Map<String, Object> item) {
    MessageType type = MessageType.valueOf((String) item.get("type"));
    String text = (String) item.get("text");
    Map<String, Object> metadata = (Map<String, Object>) item.getOrDefault("metadata", Map.of());
    switch (type) {
      case SYSTEM:
        return SystemMessage.builder().text(text).metadata(metadata).build();
      case USER:
        return UserMessage.builder().text(text).metadata(metadata).build();
      case ASSISTANT:
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) item.getOrDefault("toolCalls", List.of())) {
          calls.add(new AssistantMessage.ToolCall((String) c.get("id"), (String) c.get("type"), (String) c.get("name"),
              (String) c.get("arguments")));
        }
        return AssistantMessage.builder().content(text).properties(metadata).toolCalls(calls).build();
      default:
        List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) item.getOrDefault("responses", List.of())) {
          responses.add(new ToolResponseMessage.ToolResponse((String) r.get("id"), (String) r.get("name"),
              (String) r.get("responseData")));
        }
        return ToolResponseMessage.builder().responses(responses).metadata(metadata).build();
    }
  }
}
