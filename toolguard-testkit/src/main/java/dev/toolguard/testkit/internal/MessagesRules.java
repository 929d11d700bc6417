package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Anthropic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of Anthropic's {@code POST /v1/messages}, on the JSON tree of the body.
 *
 * <p>Consecutive messages of the same role are merged into one turn, as the API does; then the
 * tool_result blocks of a user turn must answer the tool_use blocks of the assistant turn right before
 * it, all of them, and must come first in that turn.
 */
public final class MessagesRules {

  /** The pattern of tool_use ids and tool_use_id references. */
  public static final Pattern ID_PATTERN = Pattern.compile("^[a-zA-Z0-9_-]+$");

  /** Content block types the endpoint accepts in messages. */
  /** The fields of the block types whose fields the referee knows; any other field is refused. */
  public static final java.util.Map<String, java.util.Set<String>> BLOCK_FIELDS = java.util.Map.of(
      "text", java.util.Set.of("type", "text", "citations", "cache_control"),
      "tool_use", java.util.Set.of("type", "id", "name", "input", "cache_control", "caller"),
      "tool_result", java.util.Set.of("type", "tool_use_id", "content", "is_error", "cache_control"),
      "thinking", java.util.Set.of("type", "thinking", "signature"),
      "redacted_thinking", java.util.Set.of("type", "data"),
      "image", java.util.Set.of("type", "source", "cache_control"));

  public static final List<String> BLOCK_TYPES = List.of(
      "text", "image", "document", "search_result", "thinking", "redacted_thinking", "tool_use",
      "tool_result", "server_tool_use", "web_search_tool_result", "web_fetch_tool_result",
      "code_execution_tool_result", "mcp_tool_use", "mcp_tool_result", "container_upload");

  private MessagesRules() {}

  /** One content block of the conversation with its position in the request. */
  private record Block(int message, int index, JsonNode node, String type) {}

  /** Consecutive messages of one role, merged. */
  private record Turn(String role, int firstMessage, int lastMessage, List<Block> blocks) {}

  /** The first rule the body breaks, or null when it is valid. */
  public static @Nullable Rejection check(JsonNode body) {
    try {
      validate(body);
      return null;
    } catch (Rejected r) {
      return r.rejection();
    }
  }

  private static void validate(JsonNode body) {
    if (!body.isObject()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_DICTIONARY, "body"));
    }
    if (Json.absentOrNull(body, "model")) {
      throw reject(Anthropic.fieldRequired("model"));
    }
    if (!body.get("model").isTextual()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_STRING, "model"));
    }
    if (Json.absentOrNull(body, "max_tokens")) {
      throw reject(Anthropic.fieldRequired("max_tokens"));
    }
    if (!body.get("max_tokens").isIntegralNumber()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_INTEGER, "max_tokens"));
    }
    if (Json.absentOrNull(body, "messages")) {
      throw reject(Anthropic.fieldRequired("messages"));
    }
    JsonNode messages = body.get("messages");
    if (!messages.isArray()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_LIST, "messages"));
    }
    if (messages.isEmpty()) {
      throw reject(Anthropic.NO_MESSAGES);
    }
    JsonNode system = body.get("system");
    if (system != null && !system.isNull() && !system.isTextual()) {
      if (!system.isArray()) {
        throw reject(String.format(Locale.ROOT, Anthropic.INVALID_LIST, "system"));
      }
      for (int j = 0; j < system.size(); j++) {
        JsonNode b = system.get(j);
        if (!"text".equals(Json.text(b, "type")) || Json.text(b, "text") == null) {
          throw reject(Anthropic.fieldRequired("system." + j + ".text"));
        }
      }
    }
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      List<Block> blocks = checkMessage(m, i, i == messages.size() - 1);
      String role = m.get("role").asText();
      Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
      if (last != null && last.role().equals(role)) {
        List<Block> merged = new ArrayList<>(last.blocks());
        merged.addAll(blocks);
        turns.set(turns.size() - 1, new Turn(role, last.firstMessage(), i, merged));
      } else {
        turns.add(new Turn(role, i, i, blocks));
      }
    }
    if (!turns.get(0).role().equals("user")) {
      throw reject(Anthropic.FIRST_MESSAGE_NOT_USER);
    }
    checkPairing(turns);
    checkThinking(body, turns);
  }

  /**
   * With {@code thinking} enabled, when the last user turn answers tool_use blocks (the model is in
   * the middle of a tool loop), the assistant turn before it must start with a thinking or
   * redacted_thinking block.
   */
  private static void checkThinking(JsonNode body, List<Turn> turns) {
    JsonNode thinking = body.get("thinking");
    String type = thinking == null ? null : Json.text(thinking, "type");
    if (!"enabled".equals(type) && !"adaptive".equals(type)) {
      return;
    }
    Turn last = turns.get(turns.size() - 1);
    if (!last.role().equals("user") || turns.size() < 2
        || last.blocks().stream().noneMatch(b -> b.type().equals("tool_result"))) {
      return;
    }
    Turn assistant = turns.get(turns.size() - 2);
    if (assistant.blocks().isEmpty()) {
      return;
    }
    Block first = assistant.blocks().get(0);
    if (!first.type().equals("thinking") && !first.type().equals("redacted_thinking")) {
      throw reject(Anthropic.thinkingNotFirst(first.message(), first.type()));
    }
  }

  private static List<Block> checkMessage(JsonNode m, int i, boolean last) {
    String at = "messages." + i;
    if (!m.isObject()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_DICTIONARY, at));
    }
    if (Json.absentOrNull(m, "role")) {
      throw reject(Anthropic.fieldRequired(at + ".role"));
    }
    String role = m.get("role").asText();
    if (role.equals("system")) {
      throw reject(Anthropic.SYSTEM_ROLE);
    }
    if (!role.equals("user") && !role.equals("assistant")) {
      throw reject(Anthropic.invalidRole(i));
    }
    if (!m.has("content")) {
      throw reject(Anthropic.fieldRequired(at + ".content"));
    }
    java.util.Iterator<String> names = m.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("role") && !name.equals("content")) {
        throw reject(Anthropic.extraInput(at + "." + name));
      }
    }
    JsonNode content = m.get("content");
    boolean finalAssistant = last && role.equals("assistant");
    List<Block> blocks = new ArrayList<>();
    if (content.isTextual()) {
      if (content.asText().isEmpty() && !finalAssistant) {
        throw reject(Anthropic.emptyContent(i));
      }
      if (!content.asText().isEmpty()) {
        blocks.add(new Block(i, 0, content, "text"));
      }
      return blocks;
    }
    if (!content.isArray()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_LIST, at + ".content"));
    }
    if (content.isEmpty() && !finalAssistant) {
      throw reject(Anthropic.emptyContent(i));
    }
    for (int j = 0; j < content.size(); j++) {
      blocks.add(checkBlock(content.get(j), i, j, role));
    }
    return blocks;
  }

  private static Block checkBlock(JsonNode b, int i, int j, String role) {
    String at = "messages." + i + ".content." + j;
    if (!b.isObject()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_DICTIONARY, at));
    }
    String type = Json.text(b, "type");
    if (type == null) {
      throw reject(Anthropic.fieldRequired(at + ".type"));
    }
    if (!BLOCK_TYPES.contains(type)) {
      StringBuilder tags = new StringBuilder();
      for (String t : BLOCK_TYPES) {
        tags.append(tags.length() == 0 ? "" : ", ").append('\'').append(t).append('\'');
      }
      throw reject(String.format(Locale.ROOT, Anthropic.UNKNOWN_BLOCK_TYPE, at, type, tags));
    }
    switch (type) {
      case "text":
        JsonNode text = b.get("text");
        if (text == null || text.isNull()) {
          throw reject(Anthropic.fieldRequired(at + ".text.text"));
        }
        if (!text.isTextual()) {
          throw reject(String.format(Locale.ROOT, Anthropic.INVALID_STRING, at + ".text.text"));
        }
        if (text.asText().isEmpty()) {
          throw reject(Anthropic.EMPTY_TEXT_BLOCK);
        }
        break;
      case "tool_use":
        if (!role.equals("assistant")) {
          throw reject(String.format(Locale.ROOT, Anthropic.TOOL_USE_NOT_IN_ASSISTANT, i, j));
        }
        requireId(b, "id", i, j, "tool_use");
        if (Json.text(b, "name") == null) {
          throw reject(Anthropic.fieldRequired(at + ".tool_use.name"));
        }
        JsonNode input = b.get("input");
        if (input == null) {
          throw reject(Anthropic.fieldRequired(at + ".tool_use.input"));
        }
        if (!input.isObject()) {
          throw reject(String.format(Locale.ROOT, Anthropic.INVALID_DICTIONARY, at + ".tool_use.input"));
        }
        break;
      case "tool_result":
        if (!role.equals("user")) {
          throw reject(String.format(Locale.ROOT, Anthropic.TOOL_RESULT_NOT_IN_USER, i, j));
        }
        requireId(b, "tool_use_id", i, j, "tool_result");
        JsonNode resultContent = b.get("content");
        if (resultContent != null && !resultContent.isNull() && !resultContent.isTextual() && !resultContent.isArray()) {
          throw reject(String.format(Locale.ROOT, Anthropic.INVALID_LIST, at + ".tool_result.content"));
        }
        break;
      case "thinking":
        if (Json.text(b, "signature") == null) {
          throw reject(Anthropic.fieldRequired(at + ".thinking.signature"));
        }
        break;
      default:
        break;
    }
    java.util.Set<String> fields = BLOCK_FIELDS.get(type);
    if (fields != null) {
      java.util.Iterator<String> names = b.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!fields.contains(name)) {
          throw reject(Anthropic.extraInput(at + "." + type + "." + name));
        }
      }
    }
    return new Block(i, j, b, type);
  }

  private static void requireId(JsonNode b, String field, int i, int j, String blockType) {
    JsonNode id = b.get(field);
    String path = "messages." + i + ".content." + j + "." + blockType + "." + field;
    if (id == null || id.isNull()) {
      throw reject(Anthropic.fieldRequired(path));
    }
    if (!id.isTextual()) {
      throw reject(String.format(Locale.ROOT, Anthropic.INVALID_STRING, path));
    }
    if (!ID_PATTERN.matcher(id.asText()).matches()) {
      throw reject(Anthropic.idPattern(i, j, blockType, field));
    }
  }

  private static void checkPairing(List<Turn> turns) {
    Set<String> allToolUseIds = new HashSet<>();
    for (int t = 0; t < turns.size(); t++) {
      Turn turn = turns.get(t);
      if (turn.role().equals("user")) {
        checkResults(turn, t > 0 ? turns.get(t - 1) : null);
        continue;
      }
      // assistant turn: unique ids, then answered first thing in the next turn
      Map<String, Block> uses = new HashMap<>();
      LinkedHashSet<String> order = new LinkedHashSet<>();
      for (Block b : turn.blocks()) {
        if (b.type().equals("tool_use")) {
          String id = b.node().get("id").asText();
          if (!allToolUseIds.add(id)) {
            throw reject(Anthropic.duplicateToolUseId(b.message(), b.index()));
          }
          uses.put(id, b);
          order.add(id);
        }
      }
      if (order.isEmpty()) {
        continue;
      }
      Set<String> leading = new HashSet<>();
      Turn next = t + 1 < turns.size() ? turns.get(t + 1) : null;
      if (next != null) {
        for (Block b : next.blocks()) {
          if (!b.type().equals("tool_result")) {
            break;
          }
          leading.add(b.node().get("tool_use_id").asText());
        }
      }
      List<String> missing = new ArrayList<>();
      for (String id : order) {
        if (!leading.contains(id)) {
          missing.add(id);
        }
      }
      if (!missing.isEmpty()) {
        throw reject(Anthropic.toolUseWithoutResult(uses.get(missing.get(0)).message(), missing));
      }
    }
  }

  private static void checkResults(Turn user, @Nullable Turn previous) {
    Set<String> uses = new HashSet<>();
    if (previous != null) {
      for (Block b : previous.blocks()) {
        if (b.type().equals("tool_use")) {
          uses.add(b.node().get("id").asText());
        }
      }
    }
    Set<String> answered = new HashSet<>();
    for (Block b : user.blocks()) {
      if (!b.type().equals("tool_result")) {
        continue;
      }
      String id = b.node().get("tool_use_id").asText();
      if (!uses.contains(id)) {
        throw reject(Anthropic.unexpectedToolUseId(b.message(), b.index(), id));
      }
      if (!answered.add(id)) {
        throw reject(Anthropic.duplicateToolResult(b.message(), b.index(), id));
      }
    }
  }

  private static Rejected reject(String message) {
    return new Rejected(Rejection.anthropic(message));
  }
}
