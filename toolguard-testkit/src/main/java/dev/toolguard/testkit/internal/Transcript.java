package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a request body says last, read the same way for every dialect: the last user text, the last
 * tool result and the ids the tool results answer.
 *
 * @param lastUserText the text of the last user message, or null
 * @param lastToolResult the output of the last tool result, or null
 * @param endsWithToolResult true when a tool result comes after the last user text
 * @param toolResultIds the call ids that tool results answer, in request order
 */
public record Transcript(
    @Nullable String lastUserText, @Nullable String lastToolResult, boolean endsWithToolResult, List<String> toolResultIds) {

  /** Copies the list. */
  public Transcript {
    toolResultIds = List.copyOf(toolResultIds);
  }

  /** Reads the body of a request to {@code endpoint}; a body of the wrong shape reads as empty. */
  public static Transcript of(Endpoint endpoint, @Nullable JsonNode body) {
    Reader r = new Reader();
    if (body == null || !body.isObject()) {
      return r.done();
    }
    switch (endpoint) {
      case CHAT_COMPLETIONS:
        for (JsonNode m : body.path("messages")) {
          String role = m.path("role").asText();
          if (role.equals("user")) {
            r.user(text(m.get("content")));
          } else if (role.equals("tool")) {
            r.result(m.path("tool_call_id").asText(), text(m.get("content")));
          }
        }
        break;
      case RESPONSES:
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
          r.user(input.asText());
        }
        for (JsonNode item : body.path("input")) {
          String type = ResponsesRules.typeOf(item);
          if (type.equals("message") && "user".equals(Json.text(item, "role"))) {
            r.user(text(item.get("content")));
          } else if (type.equals("function_call_output")) {
            r.result(item.path("call_id").asText(), text(item.get("output")));
          }
        }
        break;
      case MESSAGES:
        for (JsonNode m : body.path("messages")) {
          if (!"user".equals(Json.text(m, "role"))) {
            continue;
          }
          JsonNode content = m.get("content");
          if (content != null && content.isTextual()) {
            r.user(content.asText());
            continue;
          }
          for (JsonNode block : m.path("content")) {
            String type = block.path("type").asText();
            if (type.equals("text")) {
              r.user(block.path("text").asText());
            } else if (type.equals("tool_result")) {
              r.result(block.path("tool_use_id").asText(), text(block.get("content")));
            }
          }
        }
        break;
      case MISTRAL:
        for (JsonNode m : body.path("messages")) {
          String role = m.path("role").asText();
          if (role.equals("user")) {
            r.user(text(m.get("content")));
          } else if (role.equals("tool")) {
            r.result(m.path("tool_call_id").asText(), text(m.get("content")));
          }
        }
        break;
      case OLLAMA:
        // no call ids: a result is known by its tool_name
        for (JsonNode m : body.path("messages")) {
          String role = m.path("role").asText();
          if (role.equals("user")) {
            r.user(text(m.get("content")));
          } else if (role.equals("tool")) {
            r.result(m.path("tool_name").asText(""), text(m.get("content")));
          }
        }
        break;
      case GEMINI:
        for (JsonNode c : body.path("contents")) {
          if (c.path("role").asText("user").equals("model")) {
            continue;
          }
          for (JsonNode part : c.path("parts")) {
            if (part.hasNonNull("text")) {
              r.user(part.get("text").asText());
            } else if (part.hasNonNull("functionResponse")) {
              JsonNode fr = part.get("functionResponse");
              String id = fr.hasNonNull("id") ? fr.get("id").asText() : fr.path("name").asText("");
              r.result(id, structured(fr.get("response")));
            }
          }
        }
        break;
      case BEDROCK_CONVERSE:
        for (JsonNode m : body.path("messages")) {
          if (!"user".equals(Json.text(m, "role"))) {
            continue;
          }
          for (JsonNode block : m.path("content")) {
            if (block.hasNonNull("text")) {
              r.user(block.get("text").asText());
            } else if (block.hasNonNull("toolResult")) {
              JsonNode tr = block.get("toolResult");
              StringBuilder sb = new StringBuilder();
              for (JsonNode part : tr.path("content")) {
                sb.append(sb.length() == 0 ? "" : " ")
                    .append(part.hasNonNull("text") ? part.get("text").asText() : structured(part.get("json")));
              }
              r.result(tr.path("toolUseId").asText(), sb.toString());
            }
          }
        }
        break;
      default:
        break;
    }
    return r.done();
  }

  /** The text of a string, or of the text parts of an array of parts; empty for anything else. */
  static String text(@Nullable JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      JsonNode t = part.get("text");
      if (t != null && t.isTextual()) {
        sb.append(sb.length() == 0 ? "" : " ").append(t.asText());
      }
    }
    return sb.toString();
  }

  /**
   * The text of a structured result: the value of its only field when that is a string ({@code
   * {"result":"sunny"}} reads {@code sunny}), else its JSON.
   */
  static String structured(@Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isObject() && value.size() == 1 && value.elements().next().isTextual()) {
      return value.elements().next().asText();
    }
    return Json.write(value);
  }

  private static final class Reader {
    private @Nullable String user;
    private @Nullable String result;
    private boolean resultLast;
    private final List<String> ids = new ArrayList<>();

    void user(String text) {
      user = text;
      resultLast = false;
    }

    void result(String id, String output) {
      result = output;
      resultLast = true;
      ids.add(id);
    }

    Transcript done() {
      return new Transcript(user, result, resultLast, ids);
    }
  }
}
