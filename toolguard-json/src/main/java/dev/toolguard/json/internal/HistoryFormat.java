package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.toolguard.json.WireFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The native JSON form of core histories; see {@link dev.toolguard.json.HistoryJson}. */
public final class HistoryFormat {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "toolguard-history";

  /** The version written and read. */
  public static final int VERSION = 1;

  private HistoryFormat() {}

  // ---------------------------------------------------------------- writing

  /** {@code history} as a JSON tree. */
  public static ObjectNode write(List<Message> history) {
    if (history == null) {
      throw new IllegalArgumentException("history is null; pass a list of messages (it may be empty)");
    }
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ArrayNode messages = root.putArray("messages");
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      String path = "messages[" + i + "]";
      if (m == null) {
        throw new WireFormatException("the message is null; a history holds no null messages", path);
      }
      ObjectNode w = messages.addObject();
      w.put("role", m.role().name().toLowerCase(Locale.ROOT));
      ArrayNode contents = w.putArray("contents");
      for (int k = 0; k < m.contents().size(); k++) {
        contents.add(writeContent(m.contents().get(k), path + ".contents[" + k + "]"));
      }
      putMetadata(w, m.metadata(), path);
    }
    return root;
  }

  private static ObjectNode writeContent(Content c, String path) {
    ObjectNode w = Json.object();
    if (c instanceof Text) {
      w.put("type", "text");
      w.put("text", ((Text) c).text());
    } else if (c instanceof ToolCall) {
      writeCall(w, (ToolCall) c, path);
      return w;
    } else if (c instanceof ToolResult) {
      ToolResult r = (ToolResult) c;
      w.put("type", "tool_result");
      w.put("callId", r.callId());
      if (r.name() != null) {
        w.put("name", r.name());
      }
      w.put("output", r.output());
      if (r.error()) {
        w.put("error", true);
      }
    } else if (c instanceof ApprovalRequest) {
      ApprovalRequest a = (ApprovalRequest) c;
      w.put("type", "approval_request");
      w.put("callId", a.callId());
      writeCall(w.putObject("call"), a.call(), path + ".call");
    } else if (c instanceof ApprovalResponse) {
      ApprovalResponse a = (ApprovalResponse) c;
      w.put("type", "approval_response");
      w.put("callId", a.callId());
      writeCall(w.putObject("call"), a.call(), path + ".call");
      ObjectNode d = w.putObject("decision");
      Decision decision = a.decision();
      if (decision instanceof Decision.Approve) {
        d.put("type", "approve");
      } else if (decision instanceof Decision.ApproveEdited) {
        d.put("type", "approve_edited");
        d.put("arguments", ((Decision.ApproveEdited) decision).argumentsJson());
      } else if (decision instanceof Decision.Reject) {
        d.put("type", "reject");
        String reason = ((Decision.Reject) decision).reason();
        if (reason != null) {
          d.put("reason", reason);
        }
      } else if (decision instanceof Decision.Respond) {
        d.put("type", "respond");
        d.put("output", ((Decision.Respond) decision).output());
      } else {
        throw new WireFormatException("unknown decision " + decision.getClass().getName(), path + ".decision");
      }
    } else if (c instanceof Opaque) {
      Opaque o = (Opaque) c;
      w.put("type", "opaque");
      w.put("kind", o.kind());
      w.set("payload", writeValue(o.payload(), path + ".payload"));
    } else {
      throw new WireFormatException("unknown content " + c.getClass().getName(), path);
    }
    putMetadata(w, c.metadata(), path);
    return w;
  }

  private static void writeCall(ObjectNode w, ToolCall call, String path) {
    w.put("type", "tool_call");
    w.put("callId", call.callId());
    w.put("name", call.name());
    w.put("arguments", call.argumentsJson());
    if (call.informational()) {
      w.put("informational", true);
    }
    putMetadata(w, call.metadata(), path);
  }

  private static void putMetadata(ObjectNode w, Map<String, Object> metadata, String path) {
    if (metadata.isEmpty()) {
      return;
    }
    ObjectNode m = w.putObject("metadata");
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      m.set(e.getKey(), writeValue(e.getValue(), path + ".metadata." + e.getKey()));
    }
  }

  /**
   * A metadata value or opaque payload: strings and booleans as themselves, everything else as a
   * one-field object that names its type.
   */
  private static JsonNode writeValue(@Nullable Object v, String path) {
    if (v == null) {
      return Json.NODES.nullNode();
    }
    if (v instanceof String) {
      return Json.NODES.textNode((String) v);
    }
    if (v instanceof Boolean) {
      return Json.NODES.booleanNode((Boolean) v);
    }
    ObjectNode tagged = Json.object();
    if (v instanceof JsonNode) {
      tagged.set("json", ((JsonNode) v).deepCopy());
    } else if (v instanceof Integer) {
      tagged.put("int", (Integer) v);
    } else if (v instanceof Long) {
      tagged.put("long", (Long) v);
    } else if (v instanceof Short) {
      tagged.put("short", (Short) v);
    } else if (v instanceof Byte) {
      tagged.put("byte", (Byte) v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      if (Double.isFinite(d) && !(d == 0 && 1 / d < 0)) {
        tagged.put("double", d);
      } else {
        tagged.put("double", Double.toString(d));
      }
    } else if (v instanceof Float) {
      float f = (Float) v;
      if (Float.isFinite(f) && !(f == 0 && 1 / f < 0)) {
        tagged.put("float", f);
      } else {
        tagged.put("float", Float.toString(f));
      }
    } else if (v instanceof BigInteger) {
      tagged.put("bigint", v.toString());
    } else if (v instanceof BigDecimal) {
      tagged.put("decimal", v.toString());
    } else if (v instanceof List) {
      ArrayNode a = tagged.putArray("list");
      int k = 0;
      for (Object e : (List<?>) v) {
        a.add(writeValue(e, path + "[" + k++ + "]"));
      }
    } else if (v instanceof Map) {
      ObjectNode o = tagged.putObject("map");
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new WireFormatException("a map key is a " + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
              + "; history JSON holds maps with string keys only", path);
        }
        o.set((String) e.getKey(), writeValue(e.getValue(), path + "." + e.getKey()));
      }
    } else {
      throw new WireFormatException("the value is a " + v.getClass().getName() + ", which history JSON cannot hold;"
          + " store a String, Boolean, Integer, Long, Short, Byte, Double, Float, BigInteger, BigDecimal, Jackson"
          + " JsonNode, or a List or Map of those", path);
    }
    return tagged;
  }

  // ---------------------------------------------------------------- reading

  /** The history that {@code root} holds. */
  public static List<Message> read(JsonNode root) {
    ObjectNode r = Json.object(root, "(history)", "a history document");
    String format = Json.optString(r, "format", "(history)");
    if (format != null && !format.equals(FORMAT)) {
      throw new WireFormatException("format is '" + format + "'; a history document has format '" + FORMAT + "'", "format");
    }
    JsonNode version = r.get("version");
    if (version == null || !version.canConvertToInt()) {
      throw new WireFormatException("version is " + Json.describe(version) + "; a history document has version "
          + VERSION, "version");
    }
    if (version.intValue() != VERSION) {
      throw new WireFormatException("version is " + version.asText() + "; this toolguard reads version " + VERSION
          + " (a newer toolguard wrote it?)", "version");
    }
    JsonNode messages = r.get("messages");
    if (messages == null || !messages.isArray()) {
      throw new WireFormatException("messages is " + Json.describe(messages) + " where an array of messages is expected",
          "messages");
    }
    List<Message> history = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      String path = "messages[" + i + "]";
      ObjectNode m = Json.object(messages.get(i), path, "a message");
      String roleName = Json.reqString(m, "role", path, "a message needs a role (system, user, assistant, tool)");
      Role role;
      try {
        role = Role.valueOf(roleName.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new WireFormatException("role is '" + roleName + "'; use system, user, assistant or tool", path + ".role");
      }
      JsonNode contents = m.get("contents");
      if (contents == null || !contents.isArray()) {
        throw new WireFormatException("contents is " + Json.describe(contents) + " where an array is expected",
            path + ".contents");
      }
      List<Content> list = new ArrayList<>(contents.size());
      for (int k = 0; k < contents.size(); k++) {
        list.add(readContent(contents.get(k), path + ".contents[" + k + "]"));
      }
      Map<String, Object> metadata = readMetadata(m, path);
      try {
        history.add(new Message(role, list, metadata));
      } catch (InvalidMessageException e) {
        throw new WireFormatException(e.getMessage(), path, e);
      }
    }
    return history;
  }

  private static Content readContent(JsonNode node, String path) {
    ObjectNode c = Json.object(node, path, "a content");
    String type = Json.reqString(c, "type", path,
        "a content needs a type (text, tool_call, tool_result, approval_request, approval_response, opaque)");
    Map<String, Object> metadata = readMetadata(c, path);
    try {
      switch (type) {
        case "text":
          return new Text(Json.reqString(c, "text", path, "a text needs its text"), metadata);
        case "tool_call":
          return readCall(c, path, metadata);
        case "tool_result":
          return new ToolResult(Json.reqString(c, "callId", path, "a tool_result needs the callId it answers"),
              Json.optString(c, "name", path), Json.reqString(c, "output", path, "a tool_result needs its output"),
              Json.optBoolean(c, "error", path), metadata);
        case "approval_request": {
          String callId = Json.reqString(c, "callId", path, "an approval_request needs a callId");
          ToolCall call = readCall(Json.reqObject(c, "call", path, "an approval_request carries its call"),
              path + ".call", null);
          return new ApprovalRequest(callId, call, metadata);
        }
        case "approval_response": {
          String callId = Json.reqString(c, "callId", path, "an approval_response needs a callId");
          ToolCall call = readCall(Json.reqObject(c, "call", path, "an approval_response carries its call"),
              path + ".call", null);
          ObjectNode d = Json.reqObject(c, "decision", path, "an approval_response needs a decision");
          return new ApprovalResponse(callId, call, readDecision(d, path + ".decision"), metadata);
        }
        case "opaque": {
          String kind = Json.reqString(c, "kind", path, "an opaque content needs a kind");
          JsonNode payload = c.get("payload");
          if (payload == null || payload.isNull()) {
            throw new WireFormatException("payload is missing; an opaque content needs a payload", path + ".payload");
          }
          return new Opaque(kind, readValue(payload, path + ".payload"), metadata);
        }
        default:
          throw new WireFormatException("type is '" + type + "'; use text, tool_call, tool_result, approval_request,"
              + " approval_response or opaque", path + ".type");
      }
    } catch (InvalidMessageException e) {
      throw new WireFormatException(e.getMessage(), path, e);
    }
  }

  private static ToolCall readCall(ObjectNode c, String path, @Nullable Map<String, Object> metadata) {
    String type = Json.optString(c, "type", path);
    if (type != null && !type.equals("tool_call")) {
      throw new WireFormatException("type is '" + type + "' where a tool_call is expected", path + ".type");
    }
    return new ToolCall(Json.reqString(c, "callId", path, "a tool_call needs a callId (it may be empty)"),
        Json.reqString(c, "name", path, "a tool_call needs the tool's name"),
        Json.reqString(c, "arguments", path, "a tool_call needs its arguments"),
        Json.optBoolean(c, "informational", path), metadata == null ? readMetadata(c, path) : metadata);
  }

  private static Decision readDecision(ObjectNode d, String path) {
    String type = Json.reqString(d, "type", path, "a decision needs a type (approve, approve_edited, reject, respond)");
    switch (type) {
      case "approve":
        return new Decision.Approve();
      case "approve_edited":
        return new Decision.ApproveEdited(Json.reqString(d, "arguments", path, "approve_edited needs the arguments to run"));
      case "reject":
        return new Decision.Reject(Json.optString(d, "reason", path));
      case "respond":
        return new Decision.Respond(Json.reqString(d, "output", path, "respond needs the output to give"));
      default:
        throw new WireFormatException("type is '" + type + "'; use approve, approve_edited, reject or respond",
            path + ".type");
    }
  }

  private static Map<String, Object> readMetadata(ObjectNode o, String path) {
    JsonNode m = o.get("metadata");
    if (m == null || m.isNull()) {
      return Map.of();
    }
    ObjectNode mo = Json.object(m, path + ".metadata", "a metadata object");
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = mo.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String where = path + ".metadata." + f.getKey();
      if (f.getValue().isNull()) {
        throw new WireFormatException("the value is null; metadata holds no null values", where);
      }
      out.put(f.getKey(), readValue(f.getValue(), where));
    }
    return Collections.unmodifiableMap(out);
  }

  private static @Nullable Object readValue(JsonNode v, String path) {
    if (v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (!v.isObject() || v.size() != 1) {
      throw new WireFormatException(Json.describe(v) + " where a value is expected: a string, a boolean, or an object"
          + " with one field naming the type (json, int, long, short, byte, double, float, bigint, decimal, list,"
          + " map)", path);
    }
    Map.Entry<String, JsonNode> e = v.fields().next();
    String tag = e.getKey();
    JsonNode x = e.getValue();
    String where = path + "." + tag;
    switch (tag) {
      case "json":
        return x.deepCopy();
      case "int":
        requireIntegral(x, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return x.intValue();
      case "long":
        requireIntegral(x, where, Long.MIN_VALUE, Long.MAX_VALUE);
        return x.longValue();
      case "short":
        requireIntegral(x, where, Short.MIN_VALUE, Short.MAX_VALUE);
        return (short) x.intValue();
      case "byte":
        requireIntegral(x, where, Byte.MIN_VALUE, Byte.MAX_VALUE);
        return (byte) x.intValue();
      case "double":
        return x.isTextual() ? parseDouble(x.asText(), where) : requireNumber(x, where).doubleValue();
      case "float":
        return x.isTextual() ? (float) parseDouble(x.asText(), where) : requireNumber(x, where).floatValue();
      case "bigint":
        try {
          return new BigInteger(requireText(x, where));
        } catch (NumberFormatException ex) {
          throw new WireFormatException("'" + x.asText() + "' is not an integer", where, ex);
        }
      case "decimal":
        try {
          return new BigDecimal(requireText(x, where));
        } catch (NumberFormatException ex) {
          throw new WireFormatException("'" + x.asText() + "' is not a decimal number", where, ex);
        }
      case "list": {
        if (!x.isArray()) {
          throw new WireFormatException(Json.describe(x) + " where an array is expected", where);
        }
        List<Object> list = new ArrayList<>(x.size());
        for (int k = 0; k < x.size(); k++) {
          list.add(readValue(x.get(k), where + "[" + k + "]"));
        }
        return Collections.unmodifiableList(list);
      }
      case "map": {
        ObjectNode o = Json.object(x, where, "a map");
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          map.put(f.getKey(), readValue(f.getValue(), where + "." + f.getKey()));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        throw new WireFormatException("the type '" + tag + "' is unknown; use json, int, long, short, byte, double,"
            + " float, bigint, decimal, list or map", path);
    }
  }

  private static void requireIntegral(JsonNode x, String where, long min, long max) {
    if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < min || x.longValue() > max) {
      throw new WireFormatException(Json.describe(x) + " where an integer from " + min + " to " + max + " is expected",
          where);
    }
  }

  private static JsonNode requireNumber(JsonNode x, String where) {
    if (!x.isNumber()) {
      throw new WireFormatException(Json.describe(x) + " where a number is expected", where);
    }
    return x;
  }

  private static String requireText(JsonNode x, String where) {
    if (!x.isTextual()) {
      throw new WireFormatException(Json.describe(x) + " where a string is expected", where);
    }
    return x.asText();
  }

  private static double parseDouble(String s, String where) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new WireFormatException("'" + s + "' is not a number", where, e);
    }
  }
}
