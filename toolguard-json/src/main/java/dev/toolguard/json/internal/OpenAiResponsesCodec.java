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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Responses: {@code input}, a string or an array of items.
 *
 * <p>Consecutive items of the model's side (assistant {@code message}, {@code reasoning}, {@code
 * function_call}, {@code custom_tool_call}, {@code mcp_*}, {@code item_reference}, server tool calls
 * and any unknown type) make one ASSISTANT message, in order; {@code function_call_output} and
 * {@code custom_tool_call_output} make a TOOL message each; user messages a USER message, system and
 * developer messages a SYSTEM message; other {@code *_output} items and {@code
 * mcp_approval_response} a USER message holding one {@link Opaque}. Whole items that are not
 * modelled are {@link Opaque}s whose payload is the item, kept verbatim.
 *
 * <p>When the body continues a stored conversation ({@code previous_response_id}, {@code
 * conversation}, or {@code item_reference} items), an output whose call is not in the body answers a
 * call stored on the server: the reader adds a {@link WireMetadata#VIRTUAL} call for it, which is
 * never written, so that core does not take it for an orphan.
 */
final class OpenAiResponsesCodec extends DialectCodec {

  static final OpenAiResponsesCodec INSTANCE = new OpenAiResponsesCodec();

  /** The tool name of a virtual call. */
  static final String VIRTUAL_NAME = "(stored call)";

  private OpenAiResponsesCodec() {
    super(Dialect.OPENAI_RESPONSES, "input");
  }

  static boolean isCallType(String type) {
    return type.equals("function_call") || type.equals("custom_tool_call");
  }

  static boolean isOutputType(String type) {
    return type.equals("function_call_output") || type.equals("custom_tool_call_output");
  }

  /** Items of the user's side that are not modelled: outputs of server or client tools, approval answers. */
  static boolean isUserSideOpaque(String type) {
    return type.endsWith("_output") || type.equals("mcp_approval_response");
  }

  // ---------------------------------------------------------------- reading

  /** A message under construction: most hold one content, kept without a list. */
  private static final class Draft {
    final Role role;
    private @Nullable Content only;
    private @Nullable List<Content> contents;

    Draft(Role role) {
      this.role = role;
    }

    void add(Content c) {
      if (contents != null) {
        contents.add(c);
      } else if (only == null) {
        only = c;
      } else {
        contents = new ArrayList<>(4);
        contents.add(only);
        contents.add(c);
      }
    }

    Message message() {
      return new Message(role, contents != null ? contents : only != null ? List.of(only) : List.of(), Map.of());
    }
  }

  @Override
  WireRequest decode(ObjectNode body) {
    JsonNode input = body.get("input");
    ObjectNode envelope = Json.copy(body, true); // WireRequest copies it
    if (input == null || input.isNull()) {
      if (body.has("messages")) {
        throw new WireFormatException("the body has no input but has messages: is it an OpenAI Chat or Anthropic"
            + " body (--dialect openai-chat or anthropic)?", "input");
      }
      return new WireRequest(Dialect.OPENAI_RESPONSES, List.of(), envelope);
    }
    if (input.isTextual()) {
      envelope.put("input", "");
      return new WireRequest(Dialect.OPENAI_RESPONSES, List.of(Message.user(input.asText())), envelope);
    }
    if (!input.isArray()) {
      throw new WireFormatException(Json.describe(input) + " where the input is expected: a string or an array of"
          + " items", "input");
    }
    envelope.set("input", Json.array());

    boolean stored = hasValue(body, "previous_response_id") || hasValue(body, "conversation");
    List<ObjectNode> items = new ArrayList<>(input.size());
    List<String> types = new ArrayList<>(input.size());
    for (int j = 0; j < input.size(); j++) {
      Path path = Path.of("input", j);
      ObjectNode item = Json.object(input.get(j), path, "an input item");
      String type = Json.optString(item, "type", path);
      if (type == null) {
        if (!item.has("role")) {
          throw new WireFormatException("the item has neither a type nor a role; give it a type (message,"
              + " function_call, function_call_output, …)", path.toString());
        }
        type = "message";
      }
      if (isCallType(type)) {
        Json.optString(item, "call_id", path); // a string or nothing
      }
      stored |= type.equals("item_reference");
      items.add(item);
      types.add(type);
    }
    // the ids of the calls in the body matter only when it continues a stored conversation
    Set<String> callIds = stored ? new HashSet<>() : Set.of();
    if (stored) {
      for (int j = 0; j < items.size(); j++) {
        String id = isCallType(types.get(j)) ? Json.text(items.get(j), "call_id") : null;
        if (id != null) {
          callIds.add(id);
        }
      }
    }

    // a reasoning item and the item of the model's side with a server id read directly after it
    String[] paired = new String[items.size()];
    for (int j = 0; j + 1 < items.size(); j++) {
      String reasoning = types.get(j).equals("reasoning") ? Json.text(items.get(j), "id") : null;
      String next = Json.text(items.get(j + 1), "id");
      if (reasoning != null && !reasoning.isEmpty() && next != null && !next.isEmpty()
          && modelSide(types.get(j + 1), items.get(j + 1))) {
        paired[j] = next;
        paired[j + 1] = reasoning;
      }
    }

    List<Draft> drafts = new ArrayList<>();
    Draft group = null;
    int toolRunStart = -1;
    Set<String> virtual = new HashSet<>();
    for (int j = 0; j < items.size(); j++) {
      ObjectNode item = items.get(j);
      String type = types.get(j);
      Path path = Path.of("input", j);
      if (type.equals("message")) {
        String role = Json.reqString(item, "role", path, "a message item needs a role (user, assistant, system,"
            + " developer)");
        switch (role) {
          case "assistant":
            if (group == null) {
              group = new Draft(Role.ASSISTANT);
              drafts.add(group);
            }
            readMessageParts(item, path, group, paired[j]);
            break;
          case "user":
          case "system":
          case "developer":
            group = null;
            Draft d = new Draft(role.equals("user") ? Role.USER : Role.SYSTEM);
            readMessageParts(item, path, d, null);
            drafts.add(d);
            break;
          default:
            throw new WireFormatException("role is '" + role + "'; a message item has role user, assistant, system"
                + " or developer", path + ".role");
        }
        toolRunStart = -1;
      } else if (isCallType(type)) {
        if (group == null) {
          group = new Draft(Role.ASSISTANT);
          drafts.add(group);
        }
        group.add(paired(readCall(item, type, path), paired[j]));
        toolRunStart = -1;
      } else if (isOutputType(type)) {
        group = null;
        ToolResult result = readResult(item, type, path);
        if (toolRunStart < 0) {
          toolRunStart = drafts.size();
        }
        if (stored && !callIds.contains(result.callId()) && !result.callId().isEmpty()
            && virtual.add(result.callId())) {
          ToolCall call = new ToolCall(result.callId(), VIRTUAL_NAME, "{}", false, Map.of(WireMetadata.VIRTUAL, true));
          Draft before = toolRunStart > 0 ? drafts.get(toolRunStart - 1) : null;
          if (before != null && before.role == Role.ASSISTANT) {
            before.add(call);
          } else {
            Draft v = new Draft(Role.ASSISTANT);
            v.add(call);
            drafts.add(toolRunStart, v);
            toolRunStart++;
          }
        }
        Draft t = new Draft(Role.TOOL);
        t.add(result);
        drafts.add(t);
      } else if (isUserSideOpaque(type)) {
        group = null;
        Draft d = new Draft(Role.USER);
        d.add(Opaque.of(type, item));
        drafts.add(d);
        toolRunStart = -1;
      } else {
        if (group == null) {
          group = new Draft(Role.ASSISTANT);
          drafts.add(group);
        }
        group.add(paired(Opaque.of(type, item), paired[j]));
        toolRunStart = -1;
      }
    }
    List<Message> history = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      history.add(d.message());
    }
    return new WireRequest(Dialect.OPENAI_RESPONSES, history, envelope);
  }

  /** True for an item of the model's side that a reasoning item may precede (not a reasoning item). */
  private static boolean modelSide(String type, ObjectNode item) {
    if (type.equals("message")) {
      return "assistant".equals(Json.text(item, "role"));
    }
    return !type.equals("reasoning") && !type.equals("item_reference") && !isOutputType(type) && !isUserSideOpaque(type);
  }

  private static Content paired(Content c, @Nullable String with) {
    return with == null ? c : Contents.with(c, WireMetadata.PAIRED, with);
  }

  private static boolean hasValue(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    return v != null && !v.isNull() && !(v.isTextual() && v.asText().isEmpty());
  }

  /** Adds the parts of a message item; the first carries the item's template, the others {@link WireMetadata#JOINED}. */
  private static void readMessageParts(ObjectNode item, Object path, Draft out, @Nullable String paired) {
    JsonNode content = item.get("content");
    if (content == null || content.isNull()) {
      throw new WireFormatException("content is " + (content == null ? "missing" : "null")
          + "; a message item needs content: a string or an array of content parts", path + ".content");
    }
    if (content.isTextual()) {
      String text = content.asText();
      out.add(paired(new Text(text, Map.of(WireMetadata.ITEM, item)), paired));
      return;
    }
    if (!content.isArray()) {
      throw new WireFormatException(Json.describe(content)
          + " where the content is expected: a string or an array of content parts", path + ".content");
    }
    if (content.size() == 0) {
      out.add(paired(Opaque.of("message", item), paired)); // an empty message item travels whole
      return;
    }
    // the item's node becomes its template, and each part's node the part's
    for (int k = 0; k < content.size(); k++) {
      Path partPath = Path.of(path, ".content", k);
      ObjectNode part = Json.object(content.get(k), partPath, "a content part");
      String type = Json.reqString(part, "type", partPath, "every content part needs a type (input_text, …)");
      Map<String, Object> position = k == 0 ? paired == null ? Map.of(WireMetadata.ITEM, item)
          : Map.of(WireMetadata.ITEM, item, WireMetadata.PAIRED, paired) : Map.of(WireMetadata.JOINED, true);
      if (type.equals("input_text") || type.equals("output_text") || type.equals("text")) {
        String text = Json.reqString(part, "text", partPath, "a text part needs its text");
        out.add(new Text(text, Contents.with(position, WireMetadata.NODE, part)));
      } else {
        out.add(new Opaque(type, part, Contents.with(position, WireMetadata.PART, true)));
      }
    }
  }

  private static ToolCall readCall(ObjectNode item, String type, Object path) {
    String id = Json.optString(item, "call_id", path);
    String name = Json.text(item, "name");
    if (name == null) {
      name = Json.reqString(item, "name", path, "a " + type + " item needs the tool's name"); // fails
    }
    String field = type.equals("custom_tool_call") ? "input" : "arguments";
    String arguments = Json.text(item, field);
    if (arguments == null) {
      arguments = Json.reqString(item, field, path, "a " + type + " item needs its " + field // fails
          + (field.equals("arguments") ? " as a JSON string (\"{}\" for none)" : ""));
    }
    return new ToolCall(id == null ? "" : id, name, arguments, false,
        Map.of(WireMetadata.NODE, item));
  }

  private static ToolResult readResult(ObjectNode item, String type, Object path) {
    String id = Json.optString(item, "call_id", path);
    JsonNode output = item.get("output");
    if (output == null || output.isNull()) {
      throw new WireFormatException("output is " + (output == null ? "missing" : "null") + "; a " + type
          + " item needs its output: a string or an array of content parts", path + ".output");
    }
    String text = readOutput(item, "output", path, "a content part",
        "the output is expected: a string or an array of content parts", "input_text", "output_text", "text");
    return new ToolResult(id == null ? "" : id, null, text, false, Map.of(WireMetadata.NODE, item));
  }

  // ---------------------------------------------------------------- writing

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText) {
    return encodeChecked(request, forText, !forText);
  }

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText, boolean track) {
    List<Message> history = request.history();
    Encoded encoded = new Encoded("input", history, track);
    ObjectNode body = request.envelope();
    JsonNode placeholder = body.get("input");
    if (history.isEmpty() && placeholder == null) {
      encoded.body(body);
      return encoded;
    }
    if (placeholder != null && placeholder.isTextual() && history.size() == 1
        && history.get(0).role() == Role.USER && history.get(0).metadata().isEmpty()
        && history.get(0).contents().size() == 1 && history.get(0).contents().get(0) instanceof Text
        && history.get(0).contents().get(0).metadata().isEmpty()) {
      body.put("input", ((Text) history.get(0).contents().get(0)).text());
      encoded.start(0, 0);
      encoded.content(0, 0, 0, "", -1);
      encoded.body(body);
      return encoded;
    }
    Set<String> customCalls = null; // made when a result without a template needs it
    ArrayNode out = Json.array(history.size());
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      encoded.start(i, out.size());
      ItemWriter open = null;
      List<Content> contents = m.contents();
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        if (Contents.informational(c) || (c instanceof ToolCall && Json.flag(c.metadata(), WireMetadata.VIRTUAL))) {
          continue;
        }
        if (c instanceof ToolCall) {
          open = finish(open, out);
          encoded.content(i, k, out.size(), "", -1);
          out.add(writeCall((ToolCall) c, forText));
        } else if (c instanceof ToolResult) {
          open = finish(open, out);
          encoded.content(i, k, out.size(), "", -1);
          if (customCalls == null && Json.template(c.metadata(), WireMetadata.NODE) == null) {
            customCalls = customCalls(history);
          }
          out.add(writeResult((ToolResult) c, customCalls, forText));
        } else if (c instanceof Opaque && !Json.flag(c.metadata(), WireMetadata.PART)) {
          open = finish(open, out);
          encoded.content(i, k, out.size(), "", -1);
          out.add(OpenAiChatCodec.payload(c, i, k, forText));
        } else {
          ObjectNode itemTemplate = Json.template(c.metadata(), WireMetadata.ITEM);
          if (open == null || itemTemplate != null || !Json.flag(c.metadata(), WireMetadata.JOINED)) {
            open = finish(open, out);
            open = new ItemWriter(itemTemplate, m.role(), forText);
          }
          encoded.content(i, k, out.size(), ".content", open.sources);
          open.add(c, i, k);
        }
      }
      finish(open, out);
    }
    body.set("input", out);
    encoded.body(body);
    return encoded;
  }

  private static @Nullable ItemWriter finish(@Nullable ItemWriter open, ArrayNode out) {
    if (open != null) {
      out.add(open.finish());
    }
    return null;
  }

  /** A message item being written. */
  private static final class ItemWriter {
    private final @Nullable ObjectNode template;
    /** The item being written from the template; made at the first edit. */
    private @Nullable Patch object;
    final @Nullable JsonNode shape;
    final Role role;
    /** The parts written so far; made when the item has a part (a lone text may go as a string). */
    private @Nullable ArrayNode parts;
    /** The first content written into this item, and how many were. */
    @Nullable Content first;
    /** Where {@link #first} is in the history, while it is a text not yet written as a part. */
    private int firstMessage = -1;
    private int firstContent;
    int sources;
    final boolean share;

    ItemWriter(@Nullable ObjectNode template, Role role, boolean share) {
      this.template = template;
      this.role = role;
      this.share = share;
      this.shape = template == null ? null : template.get("content");
    }

    private Patch object() {
      if (object == null) {
        object = template == null
            ? Patch.of(null, share).put("role", OpenAiChatCodec.roleName(role))
            : Patch.of(template, share, "content");
      }
      return object;
    }

    /**
     * Adds content {@code k} of message {@code i}. A text that comes first is written as a part
     * only when the item turns out to need parts (a text cannot fail to be written).
     */
    void add(Content c, int i, int k) {
      if (sources == 0 && c instanceof Text) {
        firstMessage = i;
        firstContent = k;
      } else {
        writePending();
        parts().add(write(c, i, k));
      }
      if (sources++ == 0) {
        first = c;
      }
    }

    private JsonNode write(Content c, int i, int k) {
      if (c instanceof Text) {
        ObjectNode template = Json.template(c.metadata(), WireMetadata.NODE);
        if (share && template != null && Json.hasText(template, "text", ((Text) c).text())) {
          return template; // as read
        }
        Patch part = template == null
            ? Patch.of(null, share).put("type", role == Role.ASSISTANT ? "output_text" : "input_text")
            : Patch.of(template, share);
        part.put("text", ((Text) c).text());
        return part.node();
      }
      return OpenAiChatCodec.payload(c, i, k, share);
    }

    private void writePending() {
      if (firstMessage >= 0) {
        parts().add(write(first, firstMessage, firstContent));
        firstMessage = -1;
      }
    }

    private ArrayNode parts() {
      if (parts == null) {
        parts = Json.array(4);
      }
      return parts;
    }

    JsonNode finish() {
      boolean single = sources == 1 && first instanceof Text && !first.metadata().containsKey(WireMetadata.NODE);
      if (single && (shape == null || shape.isTextual())) {
        String text = ((Text) first).text();
        if (unchanged(text)) {
          return template;
        }
        object().put("content", text);
      } else {
        writePending();
        if (unchanged(parts())) {
          return template;
        }
        object().set("content", parts());
      }
      return object().node();
    }

    /** True when a body only serialized can take the template as it is, with {@code content} for its content. */
    private boolean unchanged(Object content) {
      return share && object == null && shape != null && Patch.same(shape, content);
    }
  }

  private static @Nullable String typeOf(Content c) {
    ObjectNode template = Json.template(c.metadata(), WireMetadata.NODE);
    return template == null ? null : template.path("type").asText(null);
  }

  private static JsonNode writeCall(ToolCall call, boolean share) {
    ObjectNode template = Json.template(call.metadata(), WireMetadata.NODE);
    if (template == null) {
      return Patch.of(null, share).put("type", "function_call").put("call_id", call.callId()).put("name", call.name())
          .put("arguments", call.argumentsJson()).node();
    }
    boolean id = OpenAiChatCodec.idChanged(template, "call_id", call.callId());
    boolean name = !Json.hasText(template, "name", call.name());
    String field = "custom_tool_call".equals(template.path("type").asText(null)) ? "input" : "arguments";
    boolean arguments = !Json.hasText(template, field, call.argumentsJson());
    if (share && !id && !name && !arguments) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("call_id", call.callId());
    }
    if (name) {
      w.put("name", call.name());
    }
    if (arguments) {
      w.put(field, call.argumentsJson());
    }
    return w.node();
  }

  /** The ids of the custom tool calls of {@code history}. */
  private static Set<String> customCalls(List<Message> history) {
    Set<String> customCalls = new HashSet<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall && "custom_tool_call".equals(typeOf(c))) {
          customCalls.add(((ToolCall) c).callId());
        }
      }
    }
    return customCalls;
  }

  private static JsonNode writeResult(ToolResult r, @Nullable Set<String> customCalls, boolean share) {
    ObjectNode template = Json.template(r.metadata(), WireMetadata.NODE);
    if (template == null) {
      return Patch.of(null, share)
          .put("type", customCalls != null && customCalls.contains(r.callId()) ? "custom_tool_call_output"
              : "function_call_output")
          .put("call_id", r.callId())
          .put("output", r.output())
          .node();
    }
    boolean id = OpenAiChatCodec.idChanged(template, "call_id", r.callId());
    JsonNode old = template.get("output");
    // parts are kept while their texts still give the output; anything else is the output as text
    boolean output = old != null && old.isArray()
        ? !Json.joinTexts((ArrayNode) old, "input_text", "output_text", "text").equals(r.output())
        : !(old != null && old.isTextual() && old.textValue().equals(r.output()));
    if (share && !id && !output) {
      return template; // as read
    }
    Patch w = Patch.of(template, share);
    if (id) {
      w.put("call_id", r.callId());
    }
    if (output) {
      w.put("output", r.output());
    }
    return w.node();
  }
}
