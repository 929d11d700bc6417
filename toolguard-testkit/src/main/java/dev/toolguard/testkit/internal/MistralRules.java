package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Mistral;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of Mistral {@code /v1/chat/completions}, on the JSON tree of the body.
 *
 * <p>OpenAI's message shapes, with Mistral's own checks: every tool call id (in {@code tool_calls} and
 * in {@code tool_call_id}) is exactly 9 of {@code [a-zA-Z0-9]}; the tool messages right after an
 * assistant message with {@code tool_calls} are as many as its calls (and no tool message stands
 * elsewhere); the last message is a user or tool message, or an assistant message with {@code prefix: true}.
 */
public final class MistralRules {

  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{9}");
  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  private MistralRules() {}

  /** The first rule the body breaks, or null when it is valid. */
  public static @Nullable Rejection check(JsonNode body) {
    if (!body.isObject() || Json.absentOrNull(body, "model")) {
      return Rejection.mistral(Mistral.MODEL_MISSING);
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      return Rejection.mistral(Mistral.MESSAGES_MISSING);
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = Json.text(m, "role");
      if (role == null || !ROLES.contains(role)) {
        return Rejection.mistral(Mistral.role(i));
      }
      for (JsonNode call : m.path("tool_calls")) {
        String id = call.path("id").asText("null");
        if (!ID.matcher(id).matches()) {
          return Rejection.mistral(Mistral.badId(id));
        }
      }
      if (role.equals("tool")) {
        String id = m.path("tool_call_id").asText("null");
        if (!ID.matcher(id).matches()) {
          return Rejection.mistral(Mistral.badId(id));
        }
      }
    }
    int open = -1;
    int answered = 0;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.get("role").asText();
      if (role.equals("tool")) {
        if (open < 0 || answered == open) {
          return Rejection.mistral(Mistral.COUNT);
        }
        answered++;
        continue;
      }
      if (open >= 0 && answered != open) {
        return Rejection.mistral(Mistral.COUNT);
      }
      JsonNode calls = m.get("tool_calls");
      open = role.equals("assistant") && calls != null && calls.isArray() && !calls.isEmpty() ? calls.size() : -1;
      answered = 0;
    }
    if (open >= 0 && answered != open) {
      return Rejection.mistral(Mistral.COUNT);
    }
    JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last != null) {
      String role = last.get("role").asText();
      boolean prefix = role.equals("assistant") && last.path("prefix").asBoolean(false);
      if (!role.equals("user") && !role.equals("tool") && !prefix) {
        return Rejection.mistral(Mistral.lastRole(role));
      }
    }
    return null;
  }
}
