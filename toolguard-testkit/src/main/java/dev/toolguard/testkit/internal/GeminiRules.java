package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Gemini;
import org.jspecify.annotations.Nullable;

/**
 * The rules of Gemini {@code generateContent}, on the JSON tree of the body.
 *
 * <p>Contents alternate {@code user} and {@code model} turns made of parts. A model turn with {@code
 * functionCall} parts (a call turn) comes right after a user turn or a function response turn (never
 * first); the turn right after a call turn is a function response turn (a user turn whose parts are
 * {@code functionResponse}s) with exactly as many response parts as the call turn has calls. Ids are
 * optional: responses are matched by position and name, as the provider does.
 */
public final class GeminiRules {

  private enum Kind { USER, RESPONSES, MODEL, CALLS }

  private GeminiRules() {}

  /** The first rule the body breaks, or null when it is valid. */
  public static @Nullable Rejection check(JsonNode body) {
    JsonNode contents = body.isObject() ? body.get("contents") : null;
    if (contents == null || contents.isNull() || !contents.isArray() || contents.isEmpty()) {
      return Rejection.gemini(Gemini.CONTENTS_MISSING);
    }
    Kind previous = null;
    int previousCalls = 0;
    for (int i = 0; i < contents.size(); i++) {
      JsonNode content = contents.get(i);
      String role = Json.text(content, "role");
      if (role == null || role.isEmpty()) {
        role = "user";
      }
      if (!role.equals("user") && !role.equals("model")) {
        return Rejection.gemini(Gemini.INVALID_ROLE);
      }
      JsonNode parts = content.get("parts");
      if (parts == null || !parts.isArray() || parts.isEmpty()) {
        return Rejection.gemini(Gemini.partsEmpty(i));
      }
      int calls = count(parts, "functionCall");
      int responses = count(parts, "functionResponse");
      Kind kind;
      if (role.equals("model")) {
        kind = calls > 0 ? Kind.CALLS : Kind.MODEL;
      } else {
        kind = responses > 0 ? Kind.RESPONSES : Kind.USER;
      }
      if (kind == Kind.CALLS && previous != Kind.USER && previous != Kind.RESPONSES) {
        return Rejection.gemini(Gemini.CALL_AFTER_USER);
      }
      if (kind == Kind.RESPONSES && previous != Kind.CALLS) {
        return Rejection.gemini(Gemini.RESPONSE_AFTER_CALL);
      }
      if (previous == Kind.CALLS && responses != previousCalls) {
        return Rejection.gemini(Gemini.SAME_COUNT);
      }
      previous = kind;
      previousCalls = calls;
    }
    if (previous == Kind.CALLS) {
      return Rejection.gemini(Gemini.SAME_COUNT);
    }
    return null;
  }

  private static int count(JsonNode parts, String field) {
    int n = 0;
    for (JsonNode part : parts) {
      if (part.isObject() && part.hasNonNull(field)) {
        n++;
      }
    }
    return n;
  }
}
