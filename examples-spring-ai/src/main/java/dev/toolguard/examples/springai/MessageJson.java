package dev.toolguard.examples.springai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
 * Spring AI messages as JSON and back: type, text, metadata, tool calls and tool responses. This is
 * what a store must keep for tool turns and waiting approvals to survive it — toolguard keeps a
 * waiting call in the assistant message's metadata ({@code toolguard.*} keys, plain strings, numbers,
 * lists and maps), so the metadata must travel too. Spring AI's own {@code JdbcChatMemoryRepository}
 * (2.0.x) keeps the text only. The tour's file-backed memory ({@link JsonFileChatMemoryRepository})
 * and its second process use this; the example app keeps its conversations in toolguard's {@code
 * JdbcConversationStore} instead.
 */
public final class MessageJson {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {};

  private MessageJson() {}

  /** One message as a JSON object. */
  public static String write(Message message) {
    return JSON.writeValueAsString(toMap(message));
  }

  /** A message read back from {@link #write(Message)}. */
  public static Message read(String json) {
    return fromMap(JSON.readValue(json, MAP));
  }

  /** A history as a JSON array. */
  public static String writeAll(List<? extends Message> history) {
    List<Map<String, Object>> items = new ArrayList<>(history.size());
    for (Message m : history) {
      items.add(toMap(m));
    }
    return JSON.writeValueAsString(items);
  }

  /** A history read back from {@link #writeAll(List)}. */
  public static List<Message> readAll(String json) {
    List<Message> out = new ArrayList<>();
    for (Map<String, Object> item : JSON.readValue(json, LIST)) {
      out.add(fromMap(item));
    }
    return out;
  }

  private static Map<String, Object> toMap(Message m) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("type", m.getMessageType().name());
    item.put("text", m.getText() == null ? "" : m.getText());
    Map<String, Object> metadata = new LinkedHashMap<>(m.getMetadata());
    metadata.remove(AbstractMessage.MESSAGE_TYPE);
    item.put("metadata", metadata);
    if (m instanceof AssistantMessage a && a.hasToolCalls()) {
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
    Object typeName = item.get("type");
    if (!(typeName instanceof String name)) {
      throw new IllegalArgumentException("a stored message has no \"type\": " + item.keySet());
    }
    MessageType type = MessageType.valueOf(name);
    String text = string(item.get("text"));
    Map<String, Object> metadata = (Map<String, Object>) item.getOrDefault("metadata", Map.of());
    if (type == MessageType.SYSTEM) {
      return SystemMessage.builder().text(text).metadata(metadata).build();
    }
    if (type == MessageType.USER) {
      return UserMessage.builder().text(text).metadata(metadata).build();
    }
    if (type == MessageType.ASSISTANT) {
      List<AssistantMessage.ToolCall> calls = new ArrayList<>();
      for (Map<String, Object> c : (List<Map<String, Object>>) item.getOrDefault("toolCalls", List.of())) {
        calls.add(new AssistantMessage.ToolCall(string(c.get("id")), string(c.get("type")), string(c.get("name")),
            string(c.get("arguments"))));
      }
      return AssistantMessage.builder().content(text).properties(metadata).toolCalls(calls).build();
    }
    List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
    for (Map<String, Object> r : (List<Map<String, Object>>) item.getOrDefault("responses", List.of())) {
      responses.add(new ToolResponseMessage.ToolResponse(string(r.get("id")), string(r.get("name")),
          string(r.get("responseData"))));
    }
    return ToolResponseMessage.builder().responses(responses).metadata(metadata).build();
  }

  private static String string(@Nullable Object value) {
    return value == null ? "" : value.toString();
  }
}
