package dev.toolguard.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.Content.ChatCompletionRequestAssistantMessageContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.WireFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The core history in toolguard's native history JSON ({@link HistoryJson}), with the openai-java
 * objects it carries: on writing, each becomes its wire JSON (a {@code JsonNode}, written by
 * openai-java's own mapper); on reading, it becomes the openai-java object again. Metadata keys tell
 * the type of their value; an opaque payload's type rides in the opaque's metadata under {@link
 * #PAYLOAD_TYPE}, which exists only in the JSON. So a history read back is equal to the one written.
 */
public final class OpenAiJson {

  /** Opaque metadata key, in the JSON only: the openai-java type of the payload. */
  static final String PAYLOAD_TYPE = "openai.payloadType";

  /** The openai-java types a history carries, by the name they are known by in the JSON. */
  private static final Map<String, Class<?>> TYPES = Map.of(
      Keys.CHAT_MESSAGE, ChatCompletionMessageParam.class,
      Keys.CHAT_TOOL_CALL, ChatCompletionMessageToolCall.class,
      Keys.CHAT_USER_PART, ChatCompletionContentPart.class,
      Keys.CHAT_ASSISTANT_PART, ChatCompletionRequestAssistantMessageContentPart.class,
      Keys.RESPONSES_ITEM, ResponseInputItem.class);

  private OpenAiJson() {}

  /** {@code history} as native history JSON. */
  public static String write(List<Message> history) {
    if (history == null) {
      throw new IllegalArgumentException("history is null; pass a list of messages (it may be empty)");
    }
    List<Message> plain = new ArrayList<>(history.size());
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      plain.add(m == null ? null : convert(m, true, "messages[" + i + "]"));
    }
    return HistoryJson.write(plain);
  }

  /**
   * The history {@code json} holds, with the openai-java objects restored.
   *
   * @throws WireFormatException naming the path if {@code json} is not a history, or holds an
   *     openai-java object that does not read as its type
   */
  public static List<Message> read(String json) {
    List<Message> plain = HistoryJson.read(json);
    List<Message> history = new ArrayList<>(plain.size());
    for (int i = 0; i < plain.size(); i++) {
      history.add(convert(plain.get(i), false, "messages[" + i + "]"));
    }
    return history;
  }

  private static Message convert(Message m, boolean out, String path) {
    List<Content> contents = new ArrayList<>(m.contents().size());
    boolean changed = false;
    for (int k = 0; k < m.contents().size(); k++) {
      Content c = m.contents().get(k);
      Content converted = convert(c, out, path + ".contents[" + k + "]");
      changed |= converted != c;
      contents.add(converted);
    }
    Map<String, Object> meta = metadata(m.metadata(), out, path);
    if (!changed && meta == m.metadata()) {
      return m;
    }
    return new Message(m.role(), contents, meta);
  }

  private static Content convert(Content c, boolean out, String path) {
    if (c instanceof Text t) {
      Map<String, Object> meta = metadata(t.metadata(), out, path);
      return meta == t.metadata() ? t : new Text(t.text(), meta);
    } else if (c instanceof ToolCall call) {
      return call(call, out, path);
    } else if (c instanceof ToolResult r) {
      Map<String, Object> meta = metadata(r.metadata(), out, path);
      return meta == r.metadata() ? r : new ToolResult(r.callId(), r.name(), r.output(), r.error(), meta);
    } else if (c instanceof ApprovalRequest r) {
      ToolCall call = call(r.call(), out, path + ".call");
      Map<String, Object> meta = metadata(r.metadata(), out, path);
      return call == r.call() && meta == r.metadata() ? r : new ApprovalRequest(r.callId(), call, meta);
    } else if (c instanceof ApprovalResponse r) {
      ToolCall call = call(r.call(), out, path + ".call");
      Map<String, Object> meta = metadata(r.metadata(), out, path);
      return call == r.call() && meta == r.metadata() ? r : new ApprovalResponse(r.callId(), call, r.decision(), meta);
    }
    Opaque o = (Opaque) c;
    return out ? opaqueOut(o, path) : opaqueIn(o, path);
  }

  private static ToolCall call(ToolCall call, boolean out, String path) {
    Map<String, Object> meta = metadata(call.metadata(), out, path);
    return meta == call.metadata() ? call
        : new ToolCall(call.callId(), call.name(), call.argumentsJson(), call.informational(), meta);
  }

  private static Opaque opaqueOut(Opaque o, String path) {
    String type = typeName(o.payload());
    Map<String, Object> meta = metadata(o.metadata(), true, path);
    if (type == null) {
      return meta == o.metadata() ? o : new Opaque(o.kind(), o.payload(), meta);
    }
    Map<String, Object> tagged = new LinkedHashMap<>(meta);
    tagged.put(PAYLOAD_TYPE, type);
    return new Opaque(o.kind(), tree(o.payload()), tagged);
  }

  private static Opaque opaqueIn(Opaque o, String path) {
    Map<String, Object> meta = metadata(o.metadata(), false, path);
    Object type = meta.get(PAYLOAD_TYPE);
    if (!(type instanceof String name) || !(o.payload() instanceof JsonNode node)) {
      return meta == o.metadata() ? o : new Opaque(o.kind(), o.payload(), meta);
    }
    Map<String, Object> untagged = new LinkedHashMap<>(meta);
    untagged.remove(PAYLOAD_TYPE);
    return new Opaque(o.kind(), object(node, name, path + ".payload"), untagged);
  }

  /** {@code metadata} with openai-java values as JSON trees (out) or back (in); the same map if none. */
  private static Map<String, Object> metadata(Map<String, Object> metadata, boolean out, String path) {
    Map<String, Object> copy = null;
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Class<?> type = TYPES.get(e.getKey());
      Object v = e.getValue();
      Object converted = v;
      if (out && type != null && type.isInstance(v)) {
        converted = tree(v);
      } else if (!out && type != null && v instanceof JsonNode node) {
        converted = object(node, e.getKey(), path + ".metadata." + e.getKey());
      }
      if (converted != v) {
        if (copy == null) {
          copy = new LinkedHashMap<>(metadata);
        }
        copy.put(e.getKey(), converted);
      }
    }
    return copy == null ? metadata : copy;
  }

  /**
   * {@code value} as the openai-java type known as {@code typeName}: itself when it is one, read from
   * JSON when it is a tree (a history stored or built as plain JSON), else null.
   */
  static @Nullable Object typed(String typeName, @Nullable Object value) {
    Class<?> type = TYPES.get(typeName);
    if (value == null || type == null) {
      return null;
    }
    if (type.isInstance(value)) {
      return value;
    }
    return value instanceof JsonNode node ? object(node, typeName, typeName) : null;
  }

  /** {@code o} with its payload as the openai-java type its kind names, when it is JSON of it. */
  static Opaque typed(Opaque o) {
    if (o.payload() instanceof JsonNode && TYPES.containsKey(o.kind())) {
      return new Opaque(o.kind(), object((JsonNode) o.payload(), o.kind(), "opaque " + o.kind()), o.metadata());
    }
    return o;
  }

  private static @Nullable String typeName(Object value) {
    for (Map.Entry<String, Class<?>> e : TYPES.entrySet()) {
      if (e.getValue().isInstance(value)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static JsonNode tree(Object value) {
    return ObjectMappers.jsonMapper().valueToTree(value);
  }

  private static Object object(JsonNode node, String typeName, String where) {
    Class<?> type = TYPES.get(typeName);
    if (type == null) {
      throw new WireFormatException("'" + typeName + "' is no openai-java type this adapter stores; known are "
          + String.join(", ", TYPES.keySet()), where);
    }
    try {
      return ObjectMappers.jsonMapper().treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new WireFormatException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), where);
    }
  }
}
