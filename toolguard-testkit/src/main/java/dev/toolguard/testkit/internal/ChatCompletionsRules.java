package dev.toolguard.testkit.internal;

import static dev.toolguard.testkit.ErrorMessages.OpenAi.emptyArray;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.emptyString;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.invalidType;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.invalidValue;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.missingParameter;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.stringTooLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Chat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules of {@code POST /v1/chat/completions}, on the JSON tree of the body.
 *
 * <p>First the shape of every message (as the provider's schema validation does), then the pairing
 * of tool calls and tool messages: the tool messages right after an assistant message with {@code
 * tool_calls} answer exactly those calls, one each, and nothing else answers anything.
 */
public final class ChatCompletionsRules {

  /** Maximum length of a tool call id. */
  public static final int MAX_CALL_ID_LENGTH = 40;

  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

  private ChatCompletionsRules() {}

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
      throw reject(invalidType("body", "an object", Json.openAiTypeName(body)), null, "invalid_type");
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw reject(Chat.MODEL_MISSING, null, null);
    }
    if (!model.isTextual()) {
      throw reject(invalidType("model", "a string", Json.openAiTypeName(model)), "model", "invalid_type");
    }
    JsonNode messages = body.get("messages");
    if (messages == null) {
      throw reject(missingParameter("messages"), "messages", "missing_required_parameter");
    }
    if (!messages.isArray()) {
      throw reject(
          invalidType("messages", "an array", Json.openAiTypeName(messages)), "messages", "invalid_type");
    }
    if (messages.isEmpty()) {
      throw reject(emptyArray("messages"), "messages", "empty_array");
    }
    for (int i = 0; i < messages.size(); i++) {
      checkShape(messages.get(i), i);
    }
    checkPairing(messages);
  }

  private static void checkShape(JsonNode m, int i) {
    String at = "messages[" + i + "]";
    if (!m.isObject()) {
      throw reject(invalidType(at, "an object", Json.openAiTypeName(m)), at, "invalid_type");
    }
    JsonNode role = m.get("role");
    if (role == null || role.isNull()) {
      throw reject(missingParameter(at + ".role"), at + ".role", "missing_required_parameter");
    }
    if (!role.isTextual()) {
      throw reject(invalidType(at + ".role", "a string", Json.openAiTypeName(role)), at + ".role", "invalid_type");
    }
    String r = role.asText();
    if (!ROLES.contains(r)) {
      throw reject(invalidValue(r, Chat.ROLES), at + ".role", "invalid_value");
    }
    switch (r) {
      case "assistant":
        checkAssistant(m, at);
        break;
      case "tool":
        requireString(m, "tool_call_id", at);
        requireContent(m, at);
        break;
      case "function":
        requireString(m, "name", at);
        if (!m.has("content")) {
          throw reject(missingParameter(at + ".content"), at + ".content", "missing_required_parameter");
        }
        break;
      default:
        requireContent(m, at);
        break;
    }
  }

  private static void checkAssistant(JsonNode m, String at) {
    JsonNode calls = m.get("tool_calls");
    boolean hasCalls = calls != null && !calls.isNull();
    if (hasCalls) {
      if (!calls.isArray()) {
        throw reject(
            invalidType(at + ".tool_calls", "an array", Json.openAiTypeName(calls)), at + ".tool_calls", "invalid_type");
      }
      if (calls.isEmpty()) {
        throw reject(emptyArray(at + ".tool_calls"), at + ".tool_calls", "empty_array");
      }
      for (int j = 0; j < calls.size(); j++) {
        checkToolCall(calls.get(j), at + ".tool_calls[" + j + "]");
      }
    }
    JsonNode content = m.get("content");
    boolean hasOther = !Json.absentOrNull(m, "function_call") || !Json.absentOrNull(m, "audio")
        || !Json.absentOrNull(m, "refusal");
    if ((content == null || content.isNull()) && !hasCalls && !hasOther) {
      throw reject(Chat.ASSISTANT_CONTENT_NULL, at + ".content", null);
    }
    if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
      throw reject(
          invalidType(at + ".content", "one of a string or array of objects", Json.openAiTypeName(content)),
          at + ".content",
          "invalid_type");
    }
  }

  private static void checkToolCall(JsonNode call, String at) {
    if (!call.isObject()) {
      throw reject(invalidType(at, "an object", Json.openAiTypeName(call)), at, "invalid_type");
    }
    String id = requireString(call, "id", at);
    if (id.length() > MAX_CALL_ID_LENGTH) {
      throw reject(stringTooLong(at + ".id", MAX_CALL_ID_LENGTH, id.length()), at + ".id", "string_above_max_length");
    }
    String type = requireString(call, "type", at);
    if (type.equals("function")) {
      JsonNode function = requireObject(call, "function", at);
      String fat = at + ".function";
      String name = requireString(function, "name", fat);
      if (name.isEmpty()) {
        throw reject(emptyString(fat + ".name"), fat + ".name", "empty_string");
      }
      requireString(function, "arguments", fat);
    } else if (type.equals("custom")) {
      JsonNode custom = requireObject(call, "custom", at);
      String cat = at + ".custom";
      String name = requireString(custom, "name", cat);
      if (name.isEmpty()) {
        throw reject(emptyString(cat + ".name"), cat + ".name", "empty_string");
      }
      requireString(custom, "input", cat);
    } else {
      throw reject(invalidValue(type, "'function' and 'custom'"), at + ".type", "invalid_value");
    }
  }

  private static void requireContent(JsonNode m, String at) {
    JsonNode content = m.get("content");
    if (content == null) {
      throw reject(missingParameter(at + ".content"), at + ".content", "missing_required_parameter");
    }
    if (!content.isTextual() && !content.isArray()) {
      throw reject(
          invalidType(at + ".content", "one of a string or array of objects", Json.openAiTypeName(content)),
          at + ".content",
          "invalid_type");
    }
  }

  private static String requireString(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    String path = at + "." + field;
    if (v == null || v.isNull()) {
      throw reject(missingParameter(path), path, "missing_required_parameter");
    }
    if (!v.isTextual()) {
      throw reject(invalidType(path, "a string", Json.openAiTypeName(v)), path, "invalid_type");
    }
    return v.asText();
  }

  private static JsonNode requireObject(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    String path = at + "." + field;
    if (v == null || v.isNull()) {
      throw reject(missingParameter(path), path, "missing_required_parameter");
    }
    if (!v.isObject()) {
      throw reject(invalidType(path, "an object", Json.openAiTypeName(v)), path, "invalid_type");
    }
    return v;
  }

  /** Tool calls and tool messages, in order; the shapes are already known to be right. */
  private static void checkPairing(JsonNode messages) {
    Map<String, int[]> callPositions = new HashMap<>();
    // the open block: ids of the last assistant message with tool_calls, while tool messages follow it
    LinkedHashSet<String> open = null;
    Map<String, Integer> answeredAt = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.get("role").asText();
      if (role.equals("tool")) {
        String id = m.get("tool_call_id").asText();
        if (open == null) {
          throw reject(Chat.TOOL_MESSAGE_WITHOUT_CALL, "messages.[" + i + "].role", null);
        }
        Integer first = answeredAt.get(id);
        if (first != null) {
          throw reject(Chat.duplicateToolCallId(id, first, i), "messages.[" + i + "].tool_call_id", null);
        }
        if (!open.contains(id)) {
          throw reject(Chat.unknownToolCallId(id), "messages.[" + i + "].tool_call_id", null);
        }
        answeredAt.put(id, i);
        continue;
      }
      if (open != null) {
        List<String> missing = new ArrayList<>();
        for (String id : open) {
          if (!answeredAt.containsKey(id)) {
            missing.add(id);
          }
        }
        if (!missing.isEmpty()) {
          throw reject(Chat.toolCallsWithoutResponses(missing), "messages.[" + i + "].role", null);
        }
        open = null;
        answeredAt.clear();
      }
      JsonNode calls = m.get("tool_calls");
      if (role.equals("assistant") && calls != null && calls.isArray()) {
        open = new LinkedHashSet<>();
        for (int j = 0; j < calls.size(); j++) {
          String id = calls.get(j).get("id").asText();
          int[] first = callPositions.putIfAbsent(id, new int[] {i, j});
          if (first != null) {
            throw reject(
                Chat.duplicateCallId(id, first[0], first[1], i, j), "messages.[" + i + "].tool_calls", null);
          }
          open.add(id);
        }
      }
    }
    if (open != null) {
      List<String> missing = new ArrayList<>();
      for (String id : open) {
        if (!answeredAt.containsKey(id)) {
          missing.add(id);
        }
      }
      if (!missing.isEmpty()) {
        throw reject(Chat.toolCallsWithoutResponses(missing), "messages.[" + messages.size() + "].role", null);
      }
    }
  }

  private static Rejected reject(String message, @Nullable String param, @Nullable String code) {
    return new Rejected(Rejection.openAi(message, param, code));
  }
}
