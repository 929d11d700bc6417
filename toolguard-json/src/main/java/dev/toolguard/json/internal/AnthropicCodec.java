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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages: {@code messages} of role user and assistant, content a string or blocks;
 * {@code system} stays in the envelope.
 *
 * <p>The API combines consecutive turns of the same role, and so does the reader for assistant
 * turns: a run of assistant messages is one ASSISTANT message (the first content of each later wire
 * message carries its template under {@link WireMetadata#MESSAGE}). A user message is split into
 * runs: its {@code tool_result} blocks make TOOL messages, its other blocks USER messages; every
 * part after the first is marked {@link WireMetadata#JOINED} and written back into the same wire
 * message. {@code tool_use} is a {@link ToolCall} whose arguments are the compact JSON of {@code
 * input}; {@code thinking}, {@code redacted_thinking} and every other block are {@link Opaque}s that
 * keep their place.
 */
final class AnthropicCodec extends DialectCodec {

  static final AnthropicCodec INSTANCE = new AnthropicCodec();

  private AnthropicCodec() {
    super(Dialect.ANTHROPIC, "messages");
  }

  // ---------------------------------------------------------------- reading

  @Override
  WireRequest decode(ObjectNode body) {
    JsonNode messages = requireMessages(body, "Anthropic");
    ObjectNode envelope = envelopeOf(body, "messages");
    List<Message> history = new ArrayList<>(messages.size());
    boolean lastWasAssistant = false;
    for (int i = 0; i < messages.size(); i++) {
      Path path = Path.of("messages", i);
      ObjectNode m = Json.object(messages.get(i), path, "a message");
      String role = Json.reqString(m, "role", path, "every message needs a role (user or assistant)");
      if (role.equals("assistant")) {
        List<Content> contents = readBlocks(m, path, true);
        ObjectNode template = m;
        if (lastWasAssistant && !contents.isEmpty()) {
          Message previous = history.remove(history.size() - 1);
          List<Content> merged = new ArrayList<>(previous.contents());
          merged.add(Contents.with(contents.get(0), WireMetadata.MESSAGE, template));
          merged.addAll(contents.subList(1, contents.size()));
          history.add(previous.withContents(merged));
        } else {
          history.add(new Message(Role.ASSISTANT, contents, Map.of(WireMetadata.NODE, template)));
        }
        lastWasAssistant = true;
      } else if (role.equals("user")) {
        addUserRuns(m, readBlocks(m, path, false), history);
        lastWasAssistant = false;
      } else if (role.equals("system")) {
        throw new WireFormatException("role is 'system'; Anthropic takes the system prompt in the top-level system"
            + " field, not as a message", path + ".role");
      } else {
        throw new WireFormatException("role is '" + role + "'; Anthropic messages have role user or assistant"
            + (role.equals("tool") || role.equals("developer")
                ? " (is it an OpenAI Chat body? try --dialect openai-chat)" : ""), path + ".role");
      }
    }
    return new WireRequest(Dialect.ANTHROPIC, history, envelope);
  }

  private static List<Content> readBlocks(ObjectNode m, Object path, boolean assistant) {
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      throw new WireFormatException("content is " + (content == null ? "missing" : "null")
          + "; every message needs content: a string or an array of content blocks", path + ".content");
    }
    if (content.isTextual()) {
      return List.of(Text.of(content.asText())); // Message keeps an immutable list as it is
    }
    if (!content.isArray()) {
      throw new WireFormatException(Json.describe(content)
          + " where the content is expected: a string or an array of content blocks", path + ".content");
    }
    List<Content> out = new ArrayList<>(Math.max(2, content.size()));
    for (int k = 0; k < content.size(); k++) {
      Path blockPath = Path.of(path, ".content", k);
      ObjectNode b = Json.object(content.get(k), blockPath, "a content block");
      String type = Json.reqString(b, "type", blockPath, "every content block needs a type (text, tool_use, …)");
      switch (type) {
        case "text":
          out.add(new Text(Json.reqString(b, "text", blockPath, "a text block needs its text"),
              Map.of(WireMetadata.NODE, b)));
          break;
        case "tool_use":
          if (!assistant) {
            throw new WireFormatException("a tool_use block stands in a user message; the assistant's calls belong"
                + " in assistant messages", blockPath.toString());
          }
          out.add(readCall(b, blockPath));
          break;
        case "tool_result":
          if (assistant) {
            throw new WireFormatException("a tool_result block stands in an assistant message; tool results belong"
                + " in the user message after the calls", blockPath.toString());
          }
          out.add(readResult(b, blockPath));
          break;
        default:
          out.add(Opaque.of(type, b));
      }
    }
    return out;
  }

  private static ToolCall readCall(ObjectNode b, Object path) {
    String id = Json.optString(b, "id", path);
    String name = Json.reqString(b, "name", path, "a tool_use block needs the tool's name");
    JsonNode input = b.get("input");
    if (input == null) {
      throw new WireFormatException("input is missing; a tool_use block needs its input object ({} for none)",
          path + ".input");
    }
    if (!input.isObject()) {
      // Anthropic refuses such a block when it is sent back ("Input should be a valid dictionary")
      throw new WireFormatException("input is " + Json.describe(input) + "; a tool_use input must be a JSON object"
          + " ({} for none)", path + ".input");
    }
    String arguments = Json.compact(input);
    if (arguments.length() > KEPT_INPUT) {
      Json.blankInPlace(b, "input"); // a large input is not held twice, as a tree and as the arguments
    }
    return new ToolCall(id == null ? "" : id, name, arguments, false, Map.of(WireMetadata.NODE, b));
  }

  /**
   * The longest {@code tool_use} input (as compact JSON) that its template keeps: the arguments are
   * a new text, not the input's tree, so a longer input is blanked to save holding it twice.
   */
  static final int KEPT_INPUT = 1024;

  private static ToolResult readResult(ObjectNode b, Object path) {
    String id = Json.optString(b, "tool_use_id", path);
    boolean error = Json.optBoolean(b, "is_error", path);
    String output = readOutput(b, "content", path, "a content block",
        "the tool output is expected: a string or an array of content blocks", "text");
    return new ToolResult(id == null ? "" : id, null, output, error, Map.of(WireMetadata.NODE, b));
  }

  // ---------------------------------------------------------------- writing

  /** A wire message being written. */
  private static final class Wire {
    private final @Nullable ObjectNode template;
    /** The message being written from the template; made at the first edit. */
    private @Nullable Patch object;
    final String role;
    final @Nullable JsonNode shape;
    /** The blocks written so far; made when a message has a block (a lone text may go as a string). */
    private @Nullable ArrayNode blocks;
    /** The first content written into this message, and how many were. */
    @Nullable Content first;
    /** Where {@link #first} is in the history, while it is a text not yet written as a block. */
    private int firstMessage = -1;
    private int firstContent;
    int sources;
    final int index;

    final boolean share;

    Wire(@Nullable ObjectNode template, String role, int index, boolean share) {
      this.share = share;
      this.template = template;
      this.role = role;
      this.shape = template == null ? null : template.get("content");
      this.index = index;
    }

    private Patch object() {
      if (object == null) {
        object = template == null ? Patch.of(null, share).put("role", role) : Patch.of(template, share, "content");
      }
      return object;
    }

    /** Adds the fields of {@code template} that this message lacks (when two wire messages become one). */
    void absorb(@Nullable ObjectNode template) {
      if (template == null) {
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!object().has(f.getKey())) {
          object().set(f.getKey(), Json.copy(f.getValue(), share));
        }
      }
    }

    /**
     * Adds content {@code k} of message {@code i}. A text that comes first is written as a block
     * only when the message turns out to need blocks (a text cannot fail to be written).
     */
    void add(Content c, int i, int k) {
      if (sources == 0 && c instanceof Text) {
        firstMessage = i;
        firstContent = k;
      } else {
        writePending();
        blocks().add(writeBlock(c, i, k, share));
      }
      if (sources++ == 0) {
        first = c;
      }
    }

    private void writePending() {
      if (firstMessage >= 0) {
        blocks().add(writeBlock(first, firstMessage, firstContent, share));
        firstMessage = -1;
      }
    }

    private ArrayNode blocks() {
      if (blocks == null) {
        blocks = Json.array(4);
      }
      return blocks;
    }

    JsonNode finish() {
      if (shape != null && shape.isTextual() && sources == 1 && first instanceof Text
          && !first.metadata().containsKey(WireMetadata.NODE)) {
        String text = ((Text) first).text();
        if (unchanged(text)) {
          return template;
        }
        object().put("content", text);
      } else if (shape == null && sources == 1 && first instanceof Text && first.metadata().isEmpty()) {
        object().put("content", ((Text) first).text());
      } else {
        writePending();
        if (unchanged(blocks())) {
          return template;
        }
        object().set("content", blocks());
      }
      return object().node();
    }

    /** True when a body only serialized can take the template as it is, with {@code content} for its content. */
    private boolean unchanged(Object content) {
      return share && object == null && shape != null && Patch.same(shape, content);
    }
  }

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText) {
    return encodeChecked(request, forText, !forText);
  }

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText, boolean track) {
    List<Message> history = request.history();
    Encoded encoded = new Encoded("messages", history, track);
    List<Wire> wires = new ArrayList<>(history.size());
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (m.role() == Role.SYSTEM) {
        throw new WireFormatException("a SYSTEM message cannot be written into Anthropic messages; put its text into"
            + " the request's top-level system field (the envelope)", "history[" + i + "]");
      }
      String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
      List<Content> contents = m.contents();
      boolean anyWritten = contents.isEmpty();
      for (Content c : contents) {
        anyWritten |= !Contents.informational(c);
      }
      Wire last = wires.isEmpty() ? null : wires.get(wires.size() - 1);
      if (!anyWritten) {
        encoded.start(i, last == null ? 0 : last.index + 1);
        continue; // nothing but approvals and informational calls: never sent
      }
      ObjectNode template = Json.template(m.metadata(), WireMetadata.NODE);
      Wire wire;
      if (Json.flag(m.metadata(), WireMetadata.JOINED) && last != null && last.role.equals(role)) {
        wire = last;
        wire.absorb(template);
      } else {
        wire = new Wire(template, role, wires.size(), forText);
        wires.add(wire);
      }
      encoded.start(i, wire.index);
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        if (Contents.informational(c)) {
          continue;
        }
        ObjectNode startsMessage = Json.template(c.metadata(), WireMetadata.MESSAGE);
        if (startsMessage != null && m.role() == Role.ASSISTANT) {
          wire = new Wire(startsMessage, role, wires.size(), forText);
          wires.add(wire);
        }
        encoded.content(i, k, wire.index, ".content", wire.sources);
        wire.add(c, i, k);
      }
    }
    ArrayNode out = Json.array(wires.size());
    for (Wire w : wires) {
      out.add(w.finish());
    }
    ObjectNode body = request.envelope();
    body.set("messages", out);
    encoded.body(body);
    return encoded;
  }

  private static JsonNode writeBlock(Content c, int i, int k, boolean share) {
    ObjectNode template = Json.template(c.metadata(), WireMetadata.NODE);
    if (c instanceof Text) {
      if (share && template != null && Json.hasText(template, "text", ((Text) c).text())) {
        return template; // as read
      }
      Patch w = template == null ? Patch.of(null, share).put("type", "text") : Patch.of(template, share);
      w.put("text", ((Text) c).text());
      return w.node();
    } else if (c instanceof ToolCall) {
      ToolCall call = (ToolCall) c;
      Patch w;
      if (template == null) {
        w = Patch.of(null, share).put("type", "tool_use").put("id", call.callId()).put("name", call.name());
      } else {
        boolean id = OpenAiChatCodec.idChanged(template, "id", call.callId());
        boolean name = !Json.hasText(template, "name", call.name());
        JsonNode old = template.get("input");
        boolean asRead = old != null && Json.isCompactOf(old, call.argumentsJson());
        if (share && !id && !name && asRead) {
          return template; // as read
        }
        w = Patch.of(template, share);
        if (id) {
          w.put("id", call.callId());
        }
        if (name) {
          w.put("name", call.name());
        }
        if (asRead) {
          return w.node(); // the input as read
        }
      }
      JsonNode input;
      boolean object;
      try {
        // a body only serialized takes compact plain arguments as they are: the same text
        if (share && Json.isPlainCompact(call.argumentsJson())) {
          input = Json.raw(call.argumentsJson());
          object = call.argumentsJson().startsWith("{");
        } else {
          input = Json.parseValue(call.argumentsJson());
          object = input.isObject();
        }
      } catch (WireFormatException e) {
        throw new WireFormatException("the arguments of call " + call.callId() + " are not JSON; an Anthropic"
            + " tool_use input must be a JSON object", "history[" + i + "].contents[" + k + "]", e);
      }
      if (!object) {
        throw new WireFormatException("the arguments of call " + call.callId() + " are JSON but not an object; an"
            + " Anthropic tool_use input must be a JSON object", "history[" + i + "].contents[" + k + "]");
      }
      w.set("input", input);
      return w.node();
    } else if (c instanceof ToolResult) {
      ToolResult r = (ToolResult) c;
      if (template == null) {
        Patch w = Patch.of(null, share).put("type", "tool_result").put("tool_use_id", r.callId());
        w.put("content", r.output());
        if (r.error()) {
          w.put("is_error", true);
        }
        return w.node();
      }
      boolean id = OpenAiChatCodec.idChanged(template, "tool_use_id", r.callId());
      boolean output = OpenAiChatCodec.outputChanged(template.get("content"), r.output(), "text");
      // is_error is written when true, and set to false where the template has a boolean
      JsonNode isError = template.get("is_error");
      boolean wasError = isError != null && isError.isBoolean() && isError.booleanValue();
      boolean error = r.error() ? !wasError : wasError;
      if (share && !id && !output && !error) {
        return template; // as read
      }
      Patch w = Patch.of(template, share);
      if (id) {
        w.put("tool_use_id", r.callId());
      }
      if (output) {
        w.put("content", r.output());
      }
      if (error) {
        w.put("is_error", r.error());
      }
      return w.node();
    }
    return OpenAiChatCodec.payload(c, i, k, share);
  }
}
