package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Ollama;
import org.jspecify.annotations.Nullable;

/**
 * The checks of Ollama {@code /api/chat}, on the JSON tree of the body: what Ollama's server refuses.
 *
 * <p>Ollama decodes the body into Go structs, so a value of the wrong JSON type (tool call {@code
 * arguments} as a string instead of an object, the classic) is a 400 with Go's decoding error; then it
 * requires a {@code model}. It does <em>not</em> check how tool calls and tool messages pair up: tool
 * calls carry no ids, and a {@code tool} message (with {@code tool_name}) is matched by order and name
 * by the model's template only. So a history with an unanswered call or a stray tool result is accepted
 * here too, as by the real server; the referee records it ({@link dev.toolguard.testkit.RecordedRequest})
 * for a test to look at.
 */
public final class OllamaRules {

  private OllamaRules() {}

  /** The first rule the body breaks, or null when it is valid. */
  public static @Nullable Rejection check(JsonNode body) {
    if (!body.isObject()) {
      return Rejection.ollama("json: cannot unmarshal " + goType(body) + " into Go value of type api.ChatRequest");
    }
    JsonNode messages = body.get("messages");
    if (messages != null && !messages.isNull()) {
      if (!messages.isArray()) {
        return Rejection.ollama(Ollama.unmarshal(goType(messages), "ChatRequest.messages", "[]api.Message"));
      }
      for (JsonNode m : messages) {
        if (m.isNull()) {
          continue;
        }
        if (!m.isObject()) {
          return Rejection.ollama(Ollama.unmarshal(goType(m), "ChatRequest.messages", "api.Message"));
        }
        for (String field : new String[] {"role", "content", "tool_name"}) {
          JsonNode v = m.get(field);
          if (v != null && !v.isNull() && !v.isTextual()) {
            return Rejection.ollama(Ollama.unmarshal(goType(v), "ChatRequest.messages." + field, "string"));
          }
        }
        JsonNode calls = m.get("tool_calls");
        if (calls == null || calls.isNull()) {
          continue;
        }
        if (!calls.isArray()) {
          return Rejection.ollama(Ollama.unmarshal(goType(calls), "ChatRequest.messages.tool_calls", "[]api.ToolCall"));
        }
        for (JsonNode call : calls) {
          JsonNode arguments = call.path("function").get("arguments");
          if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return Rejection.ollama(Ollama.unmarshal(goType(arguments),
                "ChatRequest.messages.tool_calls.function.arguments", "api.ToolCallFunctionArguments"));
          }
        }
      }
    }
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isEmpty()) {
      return Rejection.ollama(Ollama.MODEL_REQUIRED);
    }
    return null;
  }

  /** The body of a request that is not JSON: Go's decoder error for its first character. */
  public static Rejection notJson(String body) {
    String trimmed = body.strip();
    if (!trimmed.isEmpty() && "{[\"-0123456789tfn".indexOf(trimmed.charAt(0)) < 0) {
      return Rejection.ollama("invalid character '" + trimmed.charAt(0) + "' looking for beginning of value");
    }
    return Rejection.ollama(Ollama.NOT_JSON);
  }

  /** Go's name of a JSON value's type in decoding errors. */
  private static String goType(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isArray()) {
      return "array";
    }
    return "object";
  }
}
