package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Google Gemini {@code generateContent}: {@code contents} of role {@code user} or {@code model}, each a
 * list of {@code parts}; {@code systemInstruction} stays in the envelope.
 *
 * <p>A {@code model} content is an ASSISTANT message: a {@code text} part (not a thought) is a {@link
 * Text}, a {@code functionCall} part a {@link ToolCall} whose arguments are the compact JSON of {@code
 * args}, every other part (thoughts, inline data, …) an {@link Opaque} that keeps its place; a part's
 * other fields ({@code thoughtSignature}) stay with it. A {@code user} (or legacy {@code function})
 * content is split into runs: its {@code functionResponse} parts make TOOL messages (output: the compact
 * JSON of {@code response}), its other parts USER messages; every run after the first is marked {@link
 * WireMetadata#JOINED} and written back into the same content, and consecutive TOOL messages are written
 * as one function response turn, as Gemini wants all responses of a call turn together.
 *
 * <p>Ids are optional: a call without one gets {@code toolguard_M_K} (call K of content M, unique in the
 * body), and the responses right after a call turn are bound to its calls by position and name (as
 * {@link OllamaIds} does); an id is written only where the body had one. A new result's {@code
 * response} is its output when that is a JSON object, else {@code {"result": output}} ({@code
 * {"error": output}} for an error).
 */
final class GeminiCodec extends DialectCodec {

  static final GeminiCodec INSTANCE = new GeminiCodec();

  private GeminiCodec() {
    super(Dialect.GEMINI, "contents");
  }

  // ---------------------------------------------------------------- reading

  @Override
  WireRequest decode(ObjectNode body) {
    JsonNode contents = body.get("contents");
    if (contents == null || contents.isNull()) {
      throw new WireFormatException("the body has no contents array"
          + (body.has("messages") ? "; it has messages: is it a chat completions or Messages body?"
              : "; a Gemini request holds its conversation in contents"), "contents");
    }
    if (!contents.isArray()) {
      throw new WireFormatException(Json.describe(contents) + " where the array of contents is expected", "contents");
    }
    ObjectNode envelope = envelopeOf(body, "contents");
    List<Message> history = new ArrayList<>(contents.size());
    for (int i = 0; i < contents.size(); i++) {
      Path path = Path.of("contents", i);
      ObjectNode c = Json.object(contents.get(i), path, "a content");
      String role = Json.optString(c, "role", path);
      List<Content> parts = readParts(c, path, "model".equals(role));
      if ("model".equals(role)) {
        history.add(new Message(Role.ASSISTANT, parts, Map.of(WireMetadata.NODE, c)));
      } else if (role == null || role.equals("user") || role.equals("function")) {
        addUserRuns(c, parts, history);
      } else {
        throw new WireFormatException("role is '" + role + "'; Gemini contents have role user or model"
            + (role.equals("assistant") || role.equals("system") ? " (the system prompt goes in systemInstruction)"
                : ""), path + ".role");
      }
    }
    return new WireRequest(Dialect.GEMINI, OllamaIds.bind(history), envelope);
  }

  private static List<Content> readParts(ObjectNode c, Object path, boolean model) {
    JsonNode parts = c.get("parts");
    if (parts == null || parts.isNull()) {
      return List.of();
    }
    if (!parts.isArray()) {
      throw new WireFormatException(Json.describe(parts) + " where the array of parts is expected", path + ".parts");
    }
    List<Content> out = new ArrayList<>(parts.size());
    for (int k = 0; k < parts.size(); k++) {
      Path partPath = Path.of(path, ".parts", k);
      ObjectNode p = Json.object(parts.get(k), partPath, "a part");
      if (p.has("functionCall")) {
        if (!model) {
          throw new WireFormatException("a functionCall part stands in a user content; the model's calls belong in"
              + " model contents", partPath + ".functionCall");
        }
        ObjectNode call = Json.reqObject(p, "functionCall", partPath, "a functionCall needs its name and args");
        String name = Json.reqString(call, "name", partPath + ".functionCall", "a functionCall needs the tool's name");
        JsonNode args = call.get("args");
        if (args != null && !args.isNull() && !args.isObject()) {
          throw new WireFormatException("args is " + Json.describe(args) + "; functionCall args must be a JSON object",
              partPath + ".functionCall.args");
        }
        String id = Json.optString(call, "id", partPath + ".functionCall");
        out.add(new ToolCall(id == null ? "" : id, name, args == null || args.isNull() ? "{}" : Json.compact(args),
            false, Map.of(WireMetadata.NODE, p)));
      } else if (p.has("functionResponse")) {
        if (model) {
          throw new WireFormatException("a functionResponse part stands in a model content; responses belong in the"
              + " user content after the calls", partPath + ".functionResponse");
        }
        ObjectNode response = Json.reqObject(p, "functionResponse", partPath,
            "a functionResponse needs its name and response");
        String name = Json.optString(response, "name", partPath + ".functionResponse");
        String id = Json.optString(response, "id", partPath + ".functionResponse");
        JsonNode value = response.get("response");
        String output = value == null || value.isNull() ? "" : Json.compact(value);
        boolean error = value != null && value.isObject() && value.size() == 1 && value.has("error");
        out.add(new ToolResult(id == null ? "" : id, name, output, error, Map.of(WireMetadata.NODE, p)));
      } else if (p.has("text") && p.get("text").isTextual() && !p.path("thought").asBoolean(false)) {
        out.add(new Text(p.get("text").asText(), Map.of(WireMetadata.NODE, p)));
      } else {
        String kind = p.size() == 0 ? "part" : p.fieldNames().next();
        out.add(Opaque.of(kind, p));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- writing

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText) {
    return BlockMessages.encode(request, forText, "contents", "parts", SHAPE);
  }

  /**
   * Gemini's contents: user and model; a user run read from one content or joined by repair, and
   * consecutive tool messages written as one function response turn.
   */
  private static final BlockMessages.Shape SHAPE = new BlockMessages.Shape() {
    @Override
    public String role(Message m) {
      return m.role() == Role.ASSISTANT ? "model" : "user";
    }

    @Override
    public boolean joins(Message m, String role, BlockMessages.Wire last, @Nullable Role lastRole) {
      return last.role.equals(role) && m.role() != Role.ASSISTANT
          && (Json.flag(m.metadata(), WireMetadata.JOINED) || (m.role() == Role.TOOL && lastRole == Role.TOOL));
    }

    @Override
    public boolean joinKeepsAsRead(Message m, @Nullable ObjectNode template) {
      return template == null && Json.flag(m.metadata(), WireMetadata.JOINED);
    }

    @Override
    public JsonNode block(Content c, @Nullable ObjectNode template, int i, int k, boolean share) {
      return writePart(c, template, i, k, share);
    }

    @Override
    public String systemMessageError() {
      return "a SYSTEM message cannot be written into Gemini contents; put its text into the request's"
          + " systemInstruction (the envelope)";
    }
  };

  private static JsonNode writePart(Content c, @Nullable ObjectNode template, int i, int k, boolean share) {
    if (c instanceof Text t) {
      if (share && template != null && Json.hasText(template, "text", t.text())) {
        return template;
      }
      return Patch.of(template, share).put("text", t.text()).node();
    }
    if (c instanceof ToolCall call) {
      JsonNode old = template == null ? null : template.path("functionCall").get("args");
      // args left out or null were read as {}: as read while they still are
      boolean argsAsRead = old == null || old.isNull() ? call.argumentsJson().equals("{}")
          : Json.isCompactOf(old, call.argumentsJson());
      boolean id = template != null && template.path("functionCall").has("id")
          && !call.callId().equals(template.path("functionCall").path("id").asText());
      boolean name = template == null || !Json.hasText(template.path("functionCall"), "name", call.name());
      if (share && template != null && argsAsRead && !id && !name) {
        return template;
      }
      Patch p = Patch.of(template, share);
      Patch f = p.object("functionCall");
      if (name) {
        f.put("name", call.name());
      }
      if (id) {
        f.put("id", call.callId());
      }
      if (!argsAsRead || template == null) {
        JsonNode args = arguments(call, i, k);
        f.set("args", args);
      }
      return p.node();
    }
    if (c instanceof ToolResult r) {
      JsonNode fr = template == null ? null : template.get("functionResponse");
      JsonNode old = fr == null ? null : fr.get("response");
      boolean outputAsRead = old == null || old.isNull() ? r.output().isEmpty() : Json.isCompactOf(old, r.output());
      boolean id = fr != null && fr.has("id") && !r.callId().equals(fr.path("id").asText());
      boolean name = r.name() != null && (fr == null || !Json.hasText(fr, "name", r.name()));
      if (share && template != null && outputAsRead && !id && !name) {
        return template;
      }
      Patch p = Patch.of(template, share);
      Patch f = p.object("functionResponse");
      if (name) {
        f.put("name", r.name());
      }
      if (id) {
        f.put("id", r.callId());
      }
      if (!outputAsRead || template == null) {
        f.set("response", response(r));
      }
      return p.node();
    }
    return OpenAiChatCodec.payload(c, i, k, share);
  }

  private static JsonNode arguments(ToolCall call, int i, int k) {
    JsonNode args;
    try {
      args = Json.parseValue(call.argumentsJson());
    } catch (WireFormatException e) {
      throw new WireFormatException("the arguments of call " + call.callId() + " are not JSON; Gemini functionCall"
          + " args must be a JSON object", "history[" + i + "].contents[" + k + "]", e);
    }
    if (!args.isObject()) {
      throw new WireFormatException("the arguments of call " + call.callId() + " are JSON but not an object; Gemini"
          + " functionCall args must be a JSON object", "history[" + i + "].contents[" + k + "]");
    }
    return args;
  }

  /** A result's {@code response}: its output when that is a JSON object, else the output under result or error. */
  private static JsonNode response(ToolResult r) {
    String out = r.output().strip();
    if (out.startsWith("{")) {
      try {
        JsonNode value = Json.parseValue(out);
        if (value.isObject()) {
          return value;
        }
      } catch (WireFormatException e) {
        // not JSON: the text itself
      }
    }
    return Json.object().put(r.error() ? "error" : "result", r.output());
  }
}
