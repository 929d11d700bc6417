package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireMetadata;
import dev.toolguard.json.WireRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Chat Completions: {@code messages} of role system, developer, user, assistant and tool.
 *
 * <p>One wire message is one core message, except that a TOOL message with several results is
 * written as one {@code tool} message per result. An assistant message's {@code content} comes
 * first (a string is one {@link Text}; an array gives a {@link Text} per {@code text} part and an
 * {@link Opaque} per other part), then its {@code tool_calls} as {@link ToolCall}s ({@code function}
 * and {@code custom} calls). A {@code tool} message is a TOOL message with one {@link ToolResult}.
 * Messages of the deprecated {@code function} role are kept whole ({@link WireMetadata#VERBATIM}).
 */
final class OpenAiChatCodec extends DialectCodec {

  static final OpenAiChatCodec INSTANCE = new OpenAiChatCodec(Dialect.OPENAI_CHAT, "OpenAI Chat");

  /**
   * Mistral chat completions ({@code /v1/chat/completions}): the OpenAI Chat shape, a call's {@code
   * arguments} a JSON string or a JSON object (kept as it came; a new call's is a string).
   */
  static final OpenAiChatCodec MISTRAL = new OpenAiChatCodec(Dialect.MISTRAL, "Mistral");

  /**
   * Ollama {@code /api/chat}: the OpenAI Chat shape without ids: a call's {@code arguments} is a JSON
   * object, a {@code tool} message names its tool in {@code tool_name}. Reading makes up the ids core
   * needs ({@code toolguard_M_K} for call K of message M, unique in the body) and binds each tool
   * message after an assistant message to its first unanswered call of the same tool ({@code
   * tool_name}), or by order when it names none; writing never writes an id the body did not have.
   */
  static final OpenAiChatCodec OLLAMA = new OpenAiChatCodec(Dialect.OLLAMA, "Ollama");

  private final String api;

  private OpenAiChatCodec(Dialect dialect, String api) {
    super(dialect, "messages");
    this.api = api;
  }

  private boolean ollama() {
    return dialect() == Dialect.OLLAMA;
  }

  // ---------------------------------------------------------------- reading

  @Override
  WireRequest decode(ObjectNode body) {
    JsonNode messages = requireMessages(body, api);
    ObjectNode envelope = envelopeOf(body, "messages");
    List<Message> history = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      history.add(readMessage(messages.get(i), Path.of("messages", i)));
    }
    if (ollama()) {
      history = OllamaIds.bind(history);
    }
    return new WireRequest(dialect(), history, envelope);
  }

  private Message readMessage(JsonNode node, Object path) {
    ObjectNode m = Json.object(node, path, "a message");
    String role = Json.reqString(m, "role", path, "every message needs a role");
    switch (role) {
      case "system":
      case "developer":
        return new Message(Role.SYSTEM, readParts(m, path), Map.of(WireMetadata.NODE, m));
      case "user":
        return new Message(Role.USER, readParts(m, path), Map.of(WireMetadata.NODE, m));
      case "assistant":
        return readAssistant(m, path);
      case "tool":
        return Message.tool(readResult(m, path));
      case "function":
        return new Message(Role.USER, List.of(Opaque.of("function", m)), Map.of(WireMetadata.VERBATIM, true));
      default:
        throw new WireFormatException("role is '" + role + "'; " + api + " messages have role system"
            + (dialect() == Dialect.OPENAI_CHAT ? ", developer" : "") + ", user, assistant or tool", path + ".role");
    }
  }

  private static List<Content> readParts(ObjectNode m, Object path) {
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      return List.of();
    }
    if (content.isTextual()) {
      return List.of(Text.of(content.asText())); // Message keeps an immutable list as it is
    }
    if (!content.isArray()) {
      throw new WireFormatException(Json.describe(content)
          + " where the content is expected: a string, an array of content parts or null", path + ".content");
    }
    List<Content> parts = new ArrayList<>(Math.max(2, content.size()));
    for (int k = 0; k < content.size(); k++) {
      Path partPath = Path.of(path, ".content", k);
      ObjectNode part = Json.object(content.get(k), partPath, "a content part");
      String type = Json.reqString(part, "type", partPath, "every content part needs a type (text, image_url, …)");
      if (type.equals("text")) {
        String text = Json.reqString(part, "text", partPath, "a text part needs its text");
        parts.add(new Text(text, Map.of(WireMetadata.NODE, part)));
      } else if (type.equals("tool_use") || type.equals("tool_result")) {
        throw new WireFormatException("a " + type + " block is Anthropic's, not an OpenAI Chat content part:"
            + " is it an Anthropic body (--dialect anthropic)?", partPath + ".type");
      } else {
        parts.add(Opaque.of(type, part));
      }
    }
    return parts;
  }

  private Message readAssistant(ObjectNode m, Object path) {
    List<Content> contents = readParts(m, path);
    JsonNode calls = m.get("tool_calls");
    if (calls != null && !calls.isNull()) {
      if (!calls.isArray()) {
        throw new WireFormatException(Json.describe(calls) + " where the array of tool calls is expected",
            path + ".tool_calls");
      }
      List<Content> parts = contents;
      contents = new ArrayList<>(parts.size() + calls.size());
      contents.addAll(parts);
      // each call's template is its node, which the message's tool_calls hold too
      for (int k = 0; k < calls.size(); k++) {
        JsonNode c = calls.get(k);
        if (!(c instanceof ObjectNode)) {
          Json.object(c, Path.of(path, ".tool_calls", k), "a tool call"); // fails, naming the path
        }
        contents.add(readCall((ObjectNode) c, path, k));
      }
    }
    return new Message(Role.ASSISTANT, contents, Map.of(WireMetadata.NODE, m));
  }

  /** Reads call {@code k} of the message at {@code messagePath}; its node becomes its template. */
  private ToolCall readCall(ObjectNode c, Object messagePath, int k) {
    if (dialect() != Dialect.OPENAI_CHAT) {
      return readCallOfObjects(c, Path.of(messagePath, ".tool_calls", k));
    }
    String id = Json.text(c, "id");
    String type = Json.text(c, "type");
    JsonNode function = c.get("function");
    String name = function instanceof ObjectNode ? Json.text((ObjectNode) function, "name") : null;
    String arguments = function instanceof ObjectNode ? Json.text((ObjectNode) function, "arguments") : null;
    if (id == null || type == null || name == null || arguments == null || !type.equals("function")) {
      // anything but the common shape: the checked path, with the path named in errors
      return readCallChecked(c, Path.of(messagePath, ".tool_calls", k));
    }
    return new ToolCall(id, name, arguments, false, Map.of(WireMetadata.NODE, c));
  }

  /**
   * Mistral and Ollama: a function call whose {@code arguments} may be a JSON object (Ollama's always
   * is), read as its compact text; Ollama's carries no id (made up later, {@link OllamaIds}).
   */
  private ToolCall readCallOfObjects(ObjectNode c, Object path) {
    String id = Json.optString(c, "id", path);
    ObjectNode function = Json.reqObject(c, "function", path,
        "a tool call needs a function object with name and arguments");
    String name = Json.reqString(function, "name", path + ".function", "a tool call needs the tool's name");
    JsonNode args = function.get("arguments");
    String arguments;
    if (args != null && args.isObject()) {
      arguments = Json.write(args);
    } else if (args != null && args.isTextual() && !ollama()) {
      arguments = args.asText();
    } else {
      throw new WireFormatException(Json.describe(args) + " where the arguments are expected: "
          + (ollama() ? "a JSON object" : "a JSON string or object"), path + ".function.arguments");
    }
    return new ToolCall(id == null ? "" : id, name, arguments, false, Map.of(WireMetadata.NODE, c));
  }

  private static ToolCall readCallChecked(ObjectNode c, Object path) {
    String id = Json.optString(c, "id", path);
    String type = Json.optString(c, "type", path);
    String name;
    String arguments;
    if ("custom".equals(type)) {
      ObjectNode custom = Json.reqObject(c, "custom", path, "a custom tool call needs a custom object with name and input");
      name = Json.reqString(custom, "name", path + ".custom", "a tool call needs the tool's name");
      arguments = Json.reqString(custom, "input", path + ".custom", "a custom tool call needs its input");
    } else {
      ObjectNode function = Json.reqObject(c, "function", path,
          "a function tool call needs a function object with name and arguments");
      name = Json.reqString(function, "name", path + ".function", "a tool call needs the tool's name");
      arguments = Json.reqString(function, "arguments", path + ".function",
          "a tool call needs its arguments as a JSON string (\"{}\" for none)");
    }
    return new ToolCall(id == null ? "" : id, name, arguments, false, Map.of(WireMetadata.NODE, c));
  }

  private ToolResult readResult(ObjectNode m, Object path) {
    String id = Json.optString(m, "tool_call_id", path);
    String name = Json.optString(m, ollama() ? "tool_name" : "name", path);
    String output = readOutput(m, "content", path, "a content part",
        "the tool output is expected: a string or an array of text parts", "text");
    return new ToolResult(id == null ? "" : id, name, output, false, Map.of(WireMetadata.NODE, m));
  }

  // ---------------------------------------------------------------- writing

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText) {
    return encodeChecked(request, forText, !forText);
  }

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText, boolean track) {
    List<Message> history = request.history();
    Encoded encoded = new Encoded("messages", history, track);
    ArrayNode out = Json.array(history.size());
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      encoded.start(i, out.size());
      List<Content> contents = m.contents();
      if (m.role() == Role.TOOL) {
        for (int k = 0; k < contents.size(); k++) {
          encoded.content(i, k, out.size(), "", -1);
          out.add(writeResult((ToolResult) contents.get(k), forText));
        }
      } else if (Json.flag(m.metadata(), WireMetadata.VERBATIM)) {
        for (int k = 0; k < contents.size(); k++) {
          Content c = contents.get(k);
          if (Contents.informational(c)) {
            continue;
          }
          encoded.content(i, k, out.size(), "", -1);
          out.add(payload(c, i, k, forText));
        }
      } else {
        JsonNode written = writeMessage(m, i, out.size(), encoded, forText);
        if (written != null) {
          out.add(written);
        }
      }
    }
    ObjectNode body = request.envelope();
    body.set("messages", out);
    encoded.body(body);
    return encoded;
  }

  private @Nullable JsonNode writeMessage(Message m, int i, int wireIndex, Encoded encoded, boolean share) {
    List<Content> contents = m.contents();
    // which contents are parts and which calls (informational ones are neither): counted, then
    // walked again where they are written
    int partCount = 0;
    int callCount = 0;
    int firstPart = -1;
    for (int k = 0; k < contents.size(); k++) {
      Content c = contents.get(k);
      if (Contents.informational(c)) {
        continue;
      }
      if (c instanceof ToolCall) {
        callCount++;
      } else {
        if (partCount++ == 0) {
          firstPart = k;
        }
      }
    }
    if (partCount == 0 && callCount == 0 && !contents.isEmpty()) {
      return null; // nothing but approvals and informational calls: never sent
    }
    ObjectNode template = Json.template(m.metadata(), WireMetadata.NODE);
    JsonNode shape = template == null ? null : template.get("content");
    boolean assistant = m.role() == Role.ASSISTANT;
    // what goes into content and tool_calls (KEEP: the template's), then written over the template
    Object content = KEEP;
    if (partCount == 1 && contents.get(firstPart) instanceof Text
        && !contents.get(firstPart).metadata().containsKey(WireMetadata.NODE)
        && (template == null || (shape != null && shape.isTextual()))) {
      content = ((Text) contents.get(firstPart)).text();
      encoded.content(i, firstPart, wireIndex, ".content", -1);
    } else if (partCount == 0) {
      if (template == null || (shape != null && shape.isTextual())) {
        content = assistant && !ollama() ? Json.NODES.nullNode() : "";
      } else if (shape != null && shape.isArray() && shape.size() > 0) {
        content = Json.array(); // its parts are gone
      }
      // otherwise keep the template's null, [] or absent content
    } else {
      ArrayNode array = Json.array(contents.size());
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        if (Contents.informational(c) || c instanceof ToolCall) {
          continue;
        }
        encoded.content(i, k, wireIndex, ".content", array.size());
        if (c instanceof Text) {
          ObjectNode partTemplate = Json.template(c.metadata(), WireMetadata.NODE);
          if (share && partTemplate != null && Json.hasText(partTemplate, "text", ((Text) c).text())) {
            array.add(partTemplate); // as read
            continue;
          }
          Patch part = Patch.of(partTemplate, share);
          if (partTemplate == null) {
            part.put("type", "text");
          }
          part.put("text", ((Text) c).text());
          array.add(part.node());
        } else {
          array.add(payload(c, i, k, share));
        }
      }
      content = array;
    }
    Object calls = KEEP;
    if (callCount > 0) {
      if (!assistant) {
        throw new WireFormatException("a " + m.role() + " message holds a tool call; only assistant messages can",
            "history[" + i + "]");
      }
      ArrayNode array = Json.array(contents.size());
      for (int k = 0; k < contents.size(); k++) {
        if (!(contents.get(k) instanceof ToolCall) || Contents.informational(contents.get(k))) {
          continue;
        }
        encoded.content(i, k, wireIndex, ".tool_calls", array.size());
        array.add(writeCall((ToolCall) contents.get(k), share));
      }
      calls = array;
    } else if (template != null && template.path("tool_calls").isArray() && template.get("tool_calls").size() > 0) {
      calls = REMOVE; // its calls are gone (an empty array would be rejected)
    }
    if (share && template != null && (content == KEEP || (shape != null && Patch.same(shape, content)))
        && (calls == KEEP || (calls != REMOVE && Patch.same(template.get("tool_calls"), calls)))) {
      return template; // as read
    }
    Patch w = template == null ? freshMessage(m.role(), share) : Patch.of(template, share, "content");
    if (content instanceof String) {
      w.put("content", (String) content);
    } else if (content != KEEP) {
      w.set("content", (JsonNode) content);
    }
    if (calls == REMOVE) {
      w.remove("tool_calls");
    } else if (calls != KEEP) {
      w.set("tool_calls", (JsonNode) calls);
    }
    return w.node();
  }

  /** A field the message writer leaves as the template has it, or removes. */
  private static final Object KEEP = new Object();
  private static final Object REMOVE = new Object();

  private static Patch freshMessage(Role role, boolean share) {
    return Patch.of(null, share).put("role", roleName(role));
  }

  /** The wire role of a SYSTEM, USER or ASSISTANT message of the OpenAI dialects. */
  static String roleName(Role role) {
    return role == Role.SYSTEM ? "system" : role == Role.USER ? "user" : "assistant";
  }

  private JsonNode writeCall(ToolCall call, boolean share) {
    ObjectNode template = Json.template(call.metadata(), WireMetadata.NODE);
    if (dialect() != Dialect.OPENAI_CHAT) {
      return writeCallOfObjects(call, template, share);
    }
    if (template == null) {
      Patch w = Patch.of(null, share).put("id", call.callId()).put("type", "function");
      w.object("function").put("name", call.name()).put("arguments", call.argumentsJson());
      return w.node();
    }
    boolean id = idChanged(template, "id", call.callId());
    boolean custom = "custom".equals(template.path("type").asText(null))
        || (template.has("custom") && !template.has("function"));
    String field = custom ? "custom" : "function";
    String value = custom ? "input" : "arguments";
    JsonNode inner = template.get(field);
    boolean changed = !(inner instanceof ObjectNode) || !Json.hasText(inner, "name", call.name())
        || !Json.hasText(inner, value, call.argumentsJson());
    if (share && !id && !changed) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("id", call.callId());
    }
    if (changed) {
      w.object(field).put("name", call.name()).put(value, call.argumentsJson());
    }
    return w.node();
  }

  /**
   * Mistral and Ollama: a call written as read while its name and arguments (as a JSON value) stand;
   * arguments in the form read (a string, or an object), a new call's a string (Mistral) or an object
   * (Ollama); Ollama's id only where the body had one.
   */
  private JsonNode writeCallOfObjects(ToolCall call, @Nullable ObjectNode template, boolean share) {
    JsonNode old = template == null ? null : template.path("function").get("arguments");
    boolean asObject = old != null ? old.isObject() : ollama();
    JsonNode args;
    if (asObject) {
      JsonNode value = Json.parseValue(call.argumentsJson());
      if (!value.isObject()) {
        throw new WireFormatException("the arguments of call " + call.callId() + " are " + Json.describe(value)
            + "; " + api + " takes a JSON object", "(call " + call.callId() + ")");
      }
      args = value;
    } else {
      args = Json.NODES.textNode(call.argumentsJson());
    }
    boolean keepId = !ollama() || (template != null && template.has("id"));
    if (template == null) {
      Patch w = Patch.of(null, share);
      if (keepId) {
        w.put("id", call.callId()).put("type", "function");
      }
      w.object("function").put("name", call.name()).set("arguments", args);
      return w.node();
    }
    boolean id = keepId && idChanged(template, "id", call.callId());
    JsonNode function = template.get("function");
    boolean changed = !(function instanceof ObjectNode) || !Json.hasText(function, "name", call.name())
        || !args.equals(old);
    if (share && !id && !changed) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("id", call.callId());
    }
    if (changed) {
      w.object("function").put("name", call.name()).set("arguments", args);
    }
    return w.node();
  }

  private JsonNode writeResult(ToolResult r, boolean share) {
    ObjectNode template = Json.template(r.metadata(), WireMetadata.NODE);
    if (ollama()) {
      return writeOllamaResult(r, template, share);
    }
    if (template == null) {
      return Patch.of(null, share).put("role", "tool").put("tool_call_id", r.callId()).put("content", r.output())
          .node();
    }
    boolean id = idChanged(template, "tool_call_id", r.callId());
    boolean output = outputChanged(template.get("content"), r.output(), "text");
    boolean name = r.name() != null && template.has("name") && !Json.hasText(template, "name", r.name());
    if (share && !id && !output && !name) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("tool_call_id", r.callId());
    }
    if (output) {
      w.put("content", r.output());
    }
    if (name) {
      w.put("name", r.name());
    }
    return w.node();
  }

  /** Ollama: a tool message with {@code tool_name}; its {@code tool_call_id} only where the body had one. */
  private static JsonNode writeOllamaResult(ToolResult r, @Nullable ObjectNode template, boolean share) {
    if (template == null) {
      Patch w = Patch.of(null, share).put("role", "tool").put("content", r.output());
      if (r.name() != null) {
        w.put("tool_name", r.name());
      }
      return w.node();
    }
    boolean id = template.has("tool_call_id") && idChanged(template, "tool_call_id", r.callId());
    boolean output = outputChanged(template.get("content"), r.output(), "text");
    boolean name = r.name() != null && !Json.hasText(template, "tool_name", r.name());
    if (share && !id && !output && !name) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("tool_call_id", r.callId());
    }
    if (output) {
      w.put("content", r.output());
    }
    if (name) {
      w.put("tool_name", r.name());
    }
    return w.node();
  }

  /**
   * True when an id field is to be written: not for an empty id where the template has none (so a
   * missing id stays missing), nor for the id it has.
   */
  static boolean idChanged(ObjectNode template, String field, String id) {
    JsonNode old = template.get(field);
    if (old == null || old.isNull()) {
      return !id.isEmpty();
    }
    return !id.equals(old.textValue());
  }

  /**
   * True when the output field holding {@code old} is to be written as {@code output}: parts (of
   * {@code types}) are kept while their texts still give the output, a missing or null output
   * while the output is empty.
   */
  static boolean outputChanged(@Nullable JsonNode old, String output, String... types) {
    if (old != null && old.isArray()) {
      return !Json.joinTexts((ArrayNode) old, types).equals(output);
    }
    if (old == null || old.isNull()) {
      return !output.isEmpty();
    }
    return !(old.isTextual() && old.textValue().equals(output));
  }

  /** The JSON object an {@link Opaque} carries, content {@code k} of message {@code i}; shared or a copy. */
  static ObjectNode payload(Content c, int i, int k, boolean share) {
    if (c instanceof Opaque && ((Opaque) c).payload() instanceof ObjectNode) {
      ObjectNode payload = (ObjectNode) ((Opaque) c).payload();
      return share ? payload : payload.deepCopy();
    }
    return payload(c, "history[" + i + "].contents[" + k + "]");
  }

  /** The JSON object an {@link Opaque} carries. */
  static ObjectNode payload(Content c, String where) {
    if (c instanceof Opaque && ((Opaque) c).payload() instanceof ObjectNode) {
      return ((ObjectNode) ((Opaque) c).payload()).deepCopy();
    }
    if (c instanceof Opaque) {
      throw new WireFormatException("the payload of opaque '" + ((Opaque) c).kind() + "' is a "
          + ((Opaque) c).payload().getClass().getName() + "; a codec writes only JSON object payloads (ObjectNode)", where);
    }
    throw new WireFormatException("a " + c.getClass().getSimpleName() + " cannot stand here", where);
  }
}
