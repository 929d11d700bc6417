package dev.toolguard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the standalone referee answers, read from a JSON file ({@code --script FILE}), so that an
 * application in another process can be tested through a tool round trip.
 *
 * <pre>{@code
 * {
 *   "replies": [                                   // answered in order, one per valid request
 *     {"toolCalls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
 *     {"text": "It is sunny in Paris."}
 *   ],
 *   "byLastUserText": {                            // for a request whose last user text is the key:
 *     "Pay Bob 40": [                              //   its replies in order, one per such request
 *       {"text": "Let me pay.", "toolCalls": [{"name": "pay", "arguments": {"to": "Bob", "amount": 40}, "id": "call_pay"}]},
 *       "Paid."                                    // a string is a text reply
 *     ]
 *   }
 * }
 * }</pre>
 *
 * <p>A file that is a JSON array is the {@code replies} alone. A reply is an object with {@code text}
 * and/or {@code toolCalls} (each {@code name}, {@code arguments} — a JSON object, or a string holding
 * one — and an optional fixed {@code id}) and an optional {@code reasoning} (Responses only), or a string
 * (a text reply). A valid request gets the next of {@code replies}; when they are used up, the next
 * reply of its last user text in {@code byLastUserText}; when there is none, the default reply ({@link
 * ScriptedModel#defaultReply(RecordedRequest)}). A tool result keeps the last user text of its turn, so
 * the second reply of a key answers the request that carries the first one's tool result.
 *
 * @param replies the replies answered in order
 * @param byLastUserText the replies per last user text, each list answered in order
 */
public record RefereeScript(List<Reply> replies, Map<String, List<Reply>> byLastUserText) {

  private static final Set<String> REPLY_FIELDS = Set.of("text", "toolCalls", "reasoning");
  private static final Set<String> CALL_FIELDS = Set.of("name", "arguments", "id");

  /** Copies the components. */
  public RefereeScript {
    replies = List.copyOf(replies);
    Map<String, List<Reply>> copy = new LinkedHashMap<>();
    byLastUserText.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), List.copyOf(v)));
    byLastUserText = java.util.Collections.unmodifiableMap(copy);
  }

  /** A script that is not what this class reads: the message names the file, the place and what to write. */
  public static final class ScriptException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ScriptException(String message) {
      super(message);
    }
  }

  /**
   * Reads a script file.
   *
   * @throws ScriptException when the file cannot be read or is not a script (the message says where)
   */
  public static RefereeScript read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ScriptException("script " + file + ": no such file");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ScriptException("script " + file + ": cannot be read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a script; {@code source} names it in error messages.
   *
   * @throws ScriptException when it is not a script (the message names the field and what to write)
   */
  public static RefereeScript parse(String json, String source) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new ScriptException("script " + source + ": not JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"));
    }
    if (root == null || root.isMissingNode()) {
      throw new ScriptException("script " + source + ": the file is empty; write {\"replies\": [...]}");
    }
    Where where = new Where(source);
    if (root.isArray()) {
      return new RefereeScript(replies(root, "", where), Map.of());
    }
    if (!root.isObject()) {
      throw where.error("", "is " + kind(root) + "; a script is an object with replies and/or byLastUserText,"
          + " or an array of replies");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("replies") && !name.equals("byLastUserText")) {
        throw where.error(name, "is not a field of a script; use replies and/or byLastUserText");
      }
    }
    List<Reply> replies = root.has("replies") ? replies(root.get("replies"), "replies", where) : List.of();
    Map<String, List<Reply>> keyed = new LinkedHashMap<>();
    JsonNode byText = root.get("byLastUserText");
    if (byText != null) {
      if (!byText.isObject()) {
        throw where.error("byLastUserText", "is " + kind(byText) + "; write an object from a user text to its replies");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = byText.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "byLastUserText[" + Json.mapper().valueToTree(e.getKey()) + "]";
        JsonNode value = e.getValue();
        keyed.put(e.getKey(), value.isArray() ? replies(value, path, where) : List.of(reply(value, path, where)));
      }
    }
    if (replies.isEmpty() && keyed.isEmpty()) {
      throw where.error("", "has no replies; write {\"replies\": [...]} and/or {\"byLastUserText\": {...}}");
    }
    return new RefereeScript(replies, keyed);
  }

  /** Makes {@code model} answer from this script (it replaces the model's queue and function). */
  public void applyTo(ScriptedModel model) {
    model.clear();
    model.enqueue(replies.toArray(Reply[]::new));
    if (byLastUserText.isEmpty()) {
      return;
    }
    Map<String, Deque<Reply>> left = new LinkedHashMap<>();
    byLastUserText.forEach((k, v) -> left.put(k, new ArrayDeque<>(v)));
    model.respondWith(request -> {
      String user = request.lastUserText();
      Reply next = null;
      if (user != null) {
        synchronized (left) {
          Deque<Reply> queue = left.get(user);
          next = queue == null ? null : queue.poll();
        }
      }
      return next != null ? next : ScriptedModel.defaultReply(request);
    });
  }

  private static List<Reply> replies(JsonNode array, String path, Where where) {
    if (!array.isArray()) {
      throw where.error(path, "is " + kind(array) + "; write an array of replies");
    }
    List<Reply> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(reply(array.get(i), path + "[" + i + "]", where));
    }
    return out;
  }

  private static Reply reply(JsonNode node, String path, Where where) {
    if (node.isTextual()) {
      return Reply.text(node.asText());
    }
    if (!node.isObject()) {
      throw where.error(path, "is " + kind(node) + "; a reply is a string or an object with text and/or toolCalls");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!REPLY_FIELDS.contains(name)) {
        throw where.error(path + "." + name, "is not a field of a reply; use text, toolCalls, reasoning");
      }
    }
    String text = optionalText(node, "text", path, where);
    String reasoning = optionalText(node, "reasoning", path, where);
    List<Reply.Call> calls = new ArrayList<>();
    JsonNode toolCalls = node.get("toolCalls");
    if (toolCalls != null) {
      if (!toolCalls.isArray()) {
        throw where.error(path + ".toolCalls", "is " + kind(toolCalls) + "; write an array of {\"name\": ..., \"arguments\": {...}}");
      }
      for (int i = 0; i < toolCalls.size(); i++) {
        calls.add(call(toolCalls.get(i), path + ".toolCalls[" + i + "]", where));
      }
    }
    if (text == null && calls.isEmpty()) {
      throw where.error(path, "has neither text nor toolCalls; a reply needs one of them");
    }
    return new Reply(text, calls, reasoning);
  }

  private static Reply.Call call(JsonNode node, String path, Where where) {
    if (!node.isObject()) {
      throw where.error(path, "is " + kind(node) + "; write {\"name\": ..., \"arguments\": {...}}");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!CALL_FIELDS.contains(name)) {
        throw where.error(path + "." + name, "is not a field of a tool call; use name, arguments, id");
      }
    }
    String name = optionalText(node, "name", path, where);
    if (name == null || name.isEmpty()) {
      throw where.error(path + ".name", "is missing; a tool call needs the tool's name");
    }
    JsonNode arguments = node.get("arguments");
    String argumentsJson;
    if (arguments == null || arguments.isNull()) {
      argumentsJson = "{}";
    } else if (arguments.isObject()) {
      argumentsJson = Json.write(arguments);
    } else if (arguments.isTextual() && isObject(Json.parseOrNull(arguments.asText()))) {
      argumentsJson = arguments.asText();
    } else {
      throw where.error(path + ".arguments", "is " + kind(arguments) + "; write a JSON object (or a string holding one)");
    }
    String id = optionalText(node, "id", path, where);
    if (id != null && id.isEmpty()) {
      throw where.error(path + ".id", "is empty; leave it out for a generated id");
    }
    return new Reply.Call(name, argumentsJson, id);
  }

  private static @Nullable String optionalText(JsonNode node, String field, String path, Where where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw where.error(path + "." + field, "is " + kind(value) + "; write a string");
    }
    return value.asText();
  }

  private static boolean isObject(@Nullable JsonNode node) {
    return node != null && node.isObject();
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> "null";
    };
  }

  /** The file an error is in. */
  private record Where(String source) {
    ScriptException error(String path, String problem) {
      return new ScriptException("script " + source + ": " + (path.isEmpty() ? "the script" : path) + " " + problem);
    }
  }
}
