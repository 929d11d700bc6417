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
 * AWS Bedrock Converse: {@code messages} of role user and assistant, {@code content} an array of blocks
 * named by their one key ({@code text}, {@code toolUse}, {@code toolResult}, {@code image}, {@code
 * reasoningContent}, …); {@code system} stays in the envelope.
 *
 * <p>An assistant message is an ASSISTANT message: a {@code text} block is a {@link Text}, a {@code
 * toolUse} block a {@link ToolCall} whose arguments are the compact JSON of {@code input}, every other
 * block an {@link Opaque} that keeps its place. A user message is split into runs: its {@code toolResult}
 * blocks make TOOL messages (the output is the texts of its {@code content}, a {@code json} part as its
 * compact JSON; {@code status: error} is an error result), its other blocks USER messages; every run after
 * the first is marked {@link WireMetadata#JOINED} and written back into the same message. Converse wants the
 * roles to alternate: a body whose messages do not is read and written as it is, flagged by {@code
 * DialectLimits} ({@code ROLES_NOT_ALTERNATING}), and joined by repair (which marks the later message
 * {@link WireMetadata#JOINED}).
 */
final class BedrockCodec extends DialectCodec {

  static final BedrockCodec INSTANCE = new BedrockCodec();

  private BedrockCodec() {
    super(Dialect.BEDROCK_CONVERSE, "messages");
  }

  // ---------------------------------------------------------------- reading

  @Override
  WireRequest decode(ObjectNode body) {
    JsonNode messages = requireMessages(body, "Bedrock Converse");
    ObjectNode envelope = envelopeOf(body, "messages");
    List<Message> history = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Path path = Path.of("messages", i);
      ObjectNode m = Json.object(messages.get(i), path, "a message");
      String role = Json.reqString(m, "role", path, "every message needs a role (user or assistant)");
      boolean assistant = role.equals("assistant");
      if (!assistant && !role.equals("user")) {
        throw new WireFormatException("role is '" + role + "'; Converse messages have role user or assistant"
            + (role.equals("system") ? " (the system prompt goes in the top-level system field)" : ""), path + ".role");
      }
      List<Content> blocks = readBlocks(m, path, assistant);
      if (assistant) {
        history.add(new Message(Role.ASSISTANT, blocks, Map.of(WireMetadata.NODE, m)));
      } else {
        addUserRuns(m, blocks, history);
      }
    }
    return new WireRequest(Dialect.BEDROCK_CONVERSE, history, envelope);
  }

  private static List<Content> readBlocks(ObjectNode m, Object path, boolean assistant) {
    JsonNode content = m.get("content");
    if (content == null || !content.isArray()) {
      throw new WireFormatException((content == null ? "content is missing" : Json.describe(content) + " where the"
          + " content is expected") + "; a Converse message holds an array of content blocks", path + ".content");
    }
    List<Content> out = new ArrayList<>(content.size());
    for (int k = 0; k < content.size(); k++) {
      Path blockPath = Path.of(path, ".content", k);
      ObjectNode b = Json.object(content.get(k), blockPath, "a content block");
      if (b.has("toolUse")) {
        if (!assistant) {
          throw new WireFormatException("a toolUse block stands in a user message; the assistant's calls belong in"
              + " assistant messages", blockPath + ".toolUse");
        }
        ObjectNode use = Json.reqObject(b, "toolUse", blockPath, "a toolUse block needs toolUseId, name and input");
        String id = Json.optString(use, "toolUseId", blockPath + ".toolUse");
        String name = Json.reqString(use, "name", blockPath + ".toolUse", "a toolUse needs the tool's name");
        JsonNode input = use.get("input");
        if (input == null || !input.isObject()) {
          throw new WireFormatException("input is " + Json.describe(input) + "; a toolUse input must be a JSON object"
              + " ({} for none)", blockPath + ".toolUse.input");
        }
        out.add(new ToolCall(id == null ? "" : id, name, Json.compact(input), false, Map.of(WireMetadata.NODE, b)));
      } else if (b.has("toolResult")) {
        if (assistant) {
          throw new WireFormatException("a toolResult block stands in an assistant message; results belong in the"
              + " user message after the calls", blockPath + ".toolResult");
        }
        ObjectNode result = Json.reqObject(b, "toolResult", blockPath, "a toolResult block needs toolUseId and"
            + " content");
        String id = Json.optString(result, "toolUseId", blockPath + ".toolResult");
        String status = Json.optString(result, "status", blockPath + ".toolResult");
        out.add(new ToolResult(id == null ? "" : id, null, output(result.get("content")), "error".equals(status),
            Map.of(WireMetadata.NODE, b)));
      } else if (b.has("text") && b.get("text").isTextual() && b.size() == 1) {
        out.add(new Text(b.get("text").asText(), Map.of(WireMetadata.NODE, b)));
      } else {
        out.add(Opaque.of(b.size() == 0 ? "block" : b.fieldNames().next(), b));
      }
    }
    return out;
  }

  /** The output of a toolResult's content: its texts, and its json parts as compact JSON, joined by newlines. */
  private static String output(@Nullable JsonNode content) {
    if (content == null || !content.isArray()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      String piece = part.path("text").isTextual() ? part.get("text").asText()
          : part.has("json") ? Json.compact(part.get("json")) : null;
      if (piece != null) {
        sb.append(sb.length() == 0 ? "" : "\n").append(piece);
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- writing

  @Override
  Encoded encodeChecked(WireRequest request, boolean forText) {
    return BlockMessages.encode(request, forText, "messages", "content", SHAPE);
  }

  /** Converse's messages: user and assistant, a run of one role read from one message or joined by repair. */
  private static final BlockMessages.Shape SHAPE = new BlockMessages.Shape() {
    @Override
    public String role(Message m) {
      return m.role() == Role.ASSISTANT ? "assistant" : "user";
    }

    @Override
    public boolean joins(Message m, String role, BlockMessages.Wire last, @Nullable Role lastRole) {
      // a run read from one message, or joined by repair (DialectLimits) as the roles must alternate
      return last.role.equals(role) && Json.flag(m.metadata(), WireMetadata.JOINED);
    }

    @Override
    public boolean joinKeepsAsRead(Message m, @Nullable ObjectNode template) {
      return template == null;
    }

    @Override
    public JsonNode block(Content c, @Nullable ObjectNode template, int i, int k, boolean share) {
      return writeBlock(c, template, i, k, share);
    }

    @Override
    public String systemMessageError() {
      return "a SYSTEM message cannot be written into Converse messages; put its text into the request's top-level"
          + " system field (the envelope)";
    }
  };

  private static JsonNode writeBlock(Content c, @Nullable ObjectNode template, int i, int k, boolean share) {
    if (c instanceof Text t) {
      if (share && template != null && Json.hasText(template, "text", t.text())) {
        return template;
      }
      return Patch.of(template, share).put("text", t.text()).node();
    }
    if (c instanceof ToolCall call) {
      JsonNode use = template == null ? null : template.get("toolUse");
      JsonNode old = use == null ? null : use.get("input");
      boolean inputAsRead = old != null && Json.isCompactOf(old, call.argumentsJson());
      boolean id = use == null || OpenAiChatCodec.idChanged((ObjectNode) use, "toolUseId", call.callId());
      boolean name = use == null || !Json.hasText(use, "name", call.name());
      if (share && template != null && inputAsRead && !id && !name) {
        return template;
      }
      Patch p = Patch.of(template, share);
      Patch u = p.object("toolUse");
      if (id) {
        u.put("toolUseId", call.callId());
      }
      if (name) {
        u.put("name", call.name());
      }
      if (!inputAsRead) {
        JsonNode input;
        try {
          input = Json.parseValue(call.argumentsJson());
        } catch (WireFormatException e) {
          throw new WireFormatException("the arguments of call " + call.callId() + " are not JSON; a Converse toolUse"
              + " input must be a JSON object", "history[" + i + "].contents[" + k + "]", e);
        }
        if (!input.isObject()) {
          throw new WireFormatException("the arguments of call " + call.callId() + " are JSON but not an object; a"
              + " Converse toolUse input must be a JSON object", "history[" + i + "].contents[" + k + "]");
        }
        u.set("input", input);
      }
      return p.node();
    }
    if (c instanceof ToolResult r) {
      JsonNode result = template == null ? null : template.get("toolResult");
      boolean id = result == null || OpenAiChatCodec.idChanged((ObjectNode) result, "toolUseId", r.callId());
      boolean output = result == null || !output(result.get("content")).equals(r.output());
      boolean wasError = result != null && "error".equals(result.path("status").asText(null));
      boolean status = result == null ? r.error() : r.error() != wasError;
      if (share && template != null && !id && !output && !status) {
        return template;
      }
      Patch p = Patch.of(template, share);
      Patch w = p.object("toolResult");
      if (id) {
        w.put("toolUseId", r.callId());
      }
      if (output) {
        ArrayNode content = Json.array(1);
        content.add(Json.object().put("text", r.output()));
        w.set("content", content);
      }
      if (status) {
        w.put("status", r.error() ? "error" : "success");
      }
      return p.node();
    }
    return OpenAiChatCodec.payload(c, i, k, share);
  }
}
