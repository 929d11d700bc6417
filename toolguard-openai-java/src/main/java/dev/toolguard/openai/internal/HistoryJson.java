package dev.toolguard.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.Content.ChatCompletionRequestAssistantMessageContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.ApprovalResponse.Decision;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core history as JSON, with the openai-java objects it carries (the params and items it was
 * read from, opaque items) written by openai-java's own mapper, so that a history read back is
 * equal to the one written and converts to the same requests.
 *
 * <pre>
 * {"format":"toolguard-history","version":1,"messages":[
 *   {"role":"ASSISTANT","metadata":{…},"contents":[{"type":"tool_call","callId":…,…}, …]}, …]}
 * </pre>
 *
 * Metadata values and opaque payloads are JSON strings, numbers and booleans as they are (whole
 * numbers come back as {@code Long}, or {@code BigInteger} beyond it, other numbers as {@code
 * Double}), and objects of the form {@code {"@type": T, "value": …}} for everything else (T is
 * {@code map}, {@code list}, {@code decimal}, {@code json} or an openai-java type name).
 */
public final class HistoryJson {

  /** The value of {@code format}. */
  public static final String FORMAT = "toolguard-history";

  /** The version this code writes and reads. */
  public static final int VERSION = 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The openai-java types a history can carry, by the name they are written under. */
  private static final Map<String, Class<?>> TYPES = Map.of(
      Keys.CHAT_MESSAGE, ChatCompletionMessageParam.class,
      Keys.CHAT_TOOL_CALL, ChatCompletionMessageToolCall.class,
      Keys.CHAT_USER_PART, ChatCompletionContentPart.class,
      Keys.CHAT_ASSISTANT_PART, ChatCompletionRequestAssistantMessageContentPart.class,
      Keys.RESPONSES_ITEM, ResponseInputItem.class);

  private HistoryJson() {}

  private static JsonMapper mapper() {
    return ObjectMappers.jsonMapper();
  }

  // ------------------------------------------------------------------------------ write

  /** {@code history} as JSON text. */
  public static String write(List<Message> history) {
    if (history == null) {
      throw new InvalidMessageException("history is null; pass a list of messages (it may be empty)");
    }
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ArrayNode messages = root.putArray("messages");
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (m == null) {
        throw new InvalidMessageException("history[" + i + "] is null; a history holds no null messages");
      }
      String where = "history[" + i + "]";
      ObjectNode node = messages.addObject();
      node.put("role", m.role().name());
      node.set("metadata", metadata(m.metadata(), where));
      ArrayNode contents = node.putArray("contents");
      for (int p = 0; p < m.contents().size(); p++) {
        contents.add(content(m.contents().get(p), where + ".contents[" + p + "]"));
      }
    }
    try {
      return mapper().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("the history could not be written as JSON: " + e.getOriginalMessage());
    }
  }

  private static ObjectNode content(Content c, String where) {
    ObjectNode node = NODES.objectNode();
    if (c instanceof Text t) {
      node.put("type", "text");
      node.put("text", t.text());
    } else if (c instanceof ToolCall call) {
      node.put("type", "tool_call");
      call(call, node, where);
    } else if (c instanceof ToolResult r) {
      node.put("type", "tool_result");
      node.put("callId", r.callId());
      if (r.name() != null) {
        node.put("name", r.name());
      }
      node.put("output", r.output());
      node.put("error", r.error());
    } else if (c instanceof ApprovalRequest r) {
      node.put("type", "approval_request");
      node.put("callId", r.callId());
      call(r.call(), node.putObject("call"), where + ".call");
    } else if (c instanceof ApprovalResponse r) {
      node.put("type", "approval_response");
      node.put("callId", r.callId());
      call(r.call(), node.putObject("call"), where + ".call");
      ObjectNode decision = node.putObject("decision");
      Decision d = r.decision();
      if (d instanceof Decision.Approve) {
        decision.put("type", "approve");
      } else if (d instanceof Decision.ApproveEdited e) {
        decision.put("type", "approve_edited");
        decision.put("arguments", e.argumentsJson());
      } else if (d instanceof Decision.Reject j) {
        decision.put("type", "reject");
        if (j.reason() != null) {
          decision.put("reason", j.reason());
        }
      } else if (d instanceof Decision.Respond s) {
        decision.put("type", "respond");
        decision.put("output", s.output());
      }
    } else if (c instanceof Opaque o) {
      node.put("type", "opaque");
      node.put("kind", o.kind());
      node.set("payload", value(o.payload(), where + ".payload"));
    }
    node.set("metadata", metadata(c.metadata(), where));
    return node;
  }

  private static void call(ToolCall call, ObjectNode node, String where) {
    node.put("callId", call.callId());
    node.put("name", call.name());
    node.put("arguments", call.argumentsJson());
    node.put("informational", call.informational());
    node.set("metadata", metadata(call.metadata(), where));
  }

  private static ObjectNode metadata(Map<String, Object> metadata, String where) {
    ObjectNode node = NODES.objectNode();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      node.set(e.getKey(), value(e.getValue(), where + ".metadata." + e.getKey()));
    }
    return node;
  }

  private static JsonNode value(Object v, String where) {
    if (v instanceof String s) {
      return NODES.textNode(s);
    } else if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      return NODES.numberNode(((Number) v).doubleValue());
    } else if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    ObjectNode typed = NODES.objectNode();
    if (v instanceof BigDecimal d) {
      typed.put("@type", "decimal");
      typed.put("value", d.toString());
      return typed;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode value = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key) || e.getValue() == null) {
          throw new InvalidMessageException(where + ": a map with a key that is not a string or a null value cannot be"
              + " written; use string keys and non-null values");
        }
        value.set(key, value(e.getValue(), where + "." + key));
      }
      typed.put("@type", "map");
      typed.set("value", value);
      return typed;
    }
    if (v instanceof List<?> list) {
      ArrayNode value = NODES.arrayNode();
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item == null) {
          throw new InvalidMessageException(where + "[" + i + "] is null; a list written to JSON holds no nulls");
        }
        value.add(value(item, where + "[" + i + "]"));
      }
      typed.put("@type", "list");
      typed.set("value", value);
      return typed;
    }
    String type = v instanceof JsonValue ? "json" : typeName(v);
    if (type == null) {
      throw new InvalidMessageException(where + " is a " + v.getClass().getName() + ", which the history codec"
          + " cannot write; use strings, numbers, booleans, lists, maps, JsonValue or the openai-java messages and"
          + " items the adapter reads");
    }
    typed.put("@type", type);
    typed.set("value", mapper().valueToTree(v));
    return typed;
  }

  private static String typeName(Object v) {
    for (Map.Entry<String, Class<?>> e : TYPES.entrySet()) {
      if (e.getValue().isInstance(v)) {
        return e.getKey();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------ read

  /**
   * The history written by {@link #write}.
   *
   * @throws InvalidMessageException naming the place and the rule if {@code json} is not such a history
   */
  public static List<Message> read(String json) {
    if (json == null) {
      throw new InvalidMessageException("the history JSON is null");
    }
    JsonNode root;
    try {
      root = mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("the history is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
      throw new InvalidMessageException("the JSON is not a toolguard history: it needs \"format\": \"" + FORMAT
          + "\" at the top");
    }
    int version = root.path("version").asInt(-1);
    if (version != VERSION) {
      throw new InvalidMessageException("the history has version " + root.path("version") + "; this toolguard reads"
          + " version " + VERSION);
    }
    JsonNode messages = root.path("messages");
    if (!messages.isArray()) {
      throw new InvalidMessageException("messages: expected an array of messages");
    }
    List<Message> history = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      String where = "messages[" + i + "]";
      JsonNode m = object(messages.get(i), where);
      Role role;
      try {
        role = Role.valueOf(text(m, "role", where));
      } catch (IllegalArgumentException e) {
        throw new InvalidMessageException(where + ".role: '" + m.path("role").asText()
            + "' is no role; use SYSTEM, USER, ASSISTANT or TOOL");
      }
      JsonNode contents = m.path("contents");
      if (!contents.isArray()) {
        throw new InvalidMessageException(where + ".contents: expected an array");
      }
      List<Content> list = new ArrayList<>(contents.size());
      for (int p = 0; p < contents.size(); p++) {
        list.add(readContent(object(contents.get(p), where + ".contents[" + p + "]"), where + ".contents[" + p + "]"));
      }
      history.add(new Message(role, list, readMetadata(m, where)));
    }
    return history;
  }

  private static Content readContent(JsonNode c, String where) {
    String type = text(c, "type", where);
    Map<String, Object> meta = readMetadata(c, where);
    switch (type) {
      case "text":
        return new Text(text(c, "text", where), meta);
      case "tool_call":
        return readCall(c, where);
      case "tool_result":
        return new ToolResult(text(c, "callId", where), c.hasNonNull("name") ? c.get("name").asText() : null,
            text(c, "output", where), c.path("error").asBoolean(false), meta);
      case "approval_request":
        return new ApprovalRequest(text(c, "callId", where), readCall(object(c.get("call"), where + ".call"),
            where + ".call"), meta);
      case "approval_response":
        return new ApprovalResponse(text(c, "callId", where), readCall(object(c.get("call"), where + ".call"),
            where + ".call"), readDecision(object(c.get("decision"), where + ".decision"), where + ".decision"), meta);
      case "opaque":
        if (!c.has("payload")) {
          throw new InvalidMessageException(where + ": an opaque content needs a 'payload'");
        }
        return new Opaque(text(c, "kind", where), readValue(c.get("payload"), where + ".payload"), meta);
      default:
        throw new InvalidMessageException(where + ".type: '" + type + "' is no content type; use text, tool_call,"
            + " tool_result, approval_request, approval_response or opaque");
    }
  }

  private static ToolCall readCall(JsonNode c, String where) {
    return new ToolCall(text(c, "callId", where), text(c, "name", where), text(c, "arguments", where),
        c.path("informational").asBoolean(false), readMetadata(c, where));
  }

  private static Decision readDecision(JsonNode d, String where) {
    String type = text(d, "type", where);
    switch (type) {
      case "approve":
        return new Decision.Approve();
      case "approve_edited":
        return new Decision.ApproveEdited(text(d, "arguments", where));
      case "reject":
        return new Decision.Reject(d.hasNonNull("reason") ? d.get("reason").asText() : null);
      case "respond":
        return new Decision.Respond(text(d, "output", where));
      default:
        throw new InvalidMessageException(where + ".type: '" + type + "' is no decision; use approve, approve_edited,"
            + " reject or respond");
    }
  }

  private static Map<String, Object> readMetadata(JsonNode node, String where) {
    JsonNode meta = node.get("metadata");
    if (meta == null || meta.isNull()) {
      return Map.of();
    }
    if (!meta.isObject()) {
      throw new InvalidMessageException(where + ".metadata: expected an object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = Fields.entries(meta); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), readValue(e.getValue(), where + ".metadata." + e.getKey()));
    }
    return out;
  }

  private static Object readValue(JsonNode v, String where) {
    if (v.isTextual()) {
      return v.asText();
    } else if (v.isBoolean()) {
      return v.asBoolean();
    } else if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.asLong() : v.bigIntegerValue();
    } else if (v.isNumber()) {
      return v.asDouble();
    }
    if (!v.isObject() || !v.has("@type") || !v.has("value")) {
      throw new InvalidMessageException(where + ": expected a string, a number, a boolean or {\"@type\": …,"
          + " \"value\": …}, got " + v.getNodeType());
    }
    String type = v.get("@type").asText();
    JsonNode value = v.get("value");
    switch (type) {
      case "map": {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = Fields.entries(object(value, where)); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), readValue(e.getValue(), where + "." + e.getKey()));
        }
        return out;
      }
      case "list": {
        if (!value.isArray()) {
          throw new InvalidMessageException(where + ": a list needs an array value");
        }
        List<Object> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
          out.add(readValue(value.get(i), where + "[" + i + "]"));
        }
        return List.copyOf(out);
      }
      case "json":
        return JsonValue.fromJsonNode(value);
      case "decimal":
        try {
          return new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
          throw new InvalidMessageException(where + ": '" + value.asText() + "' is not a decimal number");
        }
      default:
        Class<?> cls = TYPES.get(type);
        if (cls == null) {
          throw new InvalidMessageException(where + ": '" + type + "' is no type this codec knows; known are map,"
              + " list, json, " + String.join(", ", TYPES.keySet()));
        }
        try {
          return mapper().treeToValue(value, cls);
        } catch (JsonProcessingException | IllegalArgumentException e) {
          throw new InvalidMessageException(where + ": not a valid " + cls.getSimpleName() + ": " + e.getMessage());
        }
    }
  }

  private static JsonNode object(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new InvalidMessageException(where + ": expected an object");
    }
    return node;
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new InvalidMessageException(where + ": '" + field + "' is missing or not a string");
    }
    return v.asText();
  }
}
