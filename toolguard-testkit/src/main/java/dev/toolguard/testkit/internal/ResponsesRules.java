package dev.toolguard.testkit.internal;

import static dev.toolguard.testkit.ErrorMessages.OpenAi.emptyArray;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.emptyString;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.invalidType;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.invalidValue;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.missingParameter;
import static dev.toolguard.testkit.ErrorMessages.OpenAi.stringTooLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.ErrorMessages.Responses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The rules of {@code POST /v1/responses}, on the JSON tree of the body and the stored responses.
 *
 * <p>The conversation checked is the stored chain reached through {@code previous_response_id} (its
 * inputs and outputs) followed by the new {@code input}. Stored items were checked when they were
 * stored; the new items are checked against the whole.
 */
public final class ResponsesRules {

  /** Maximum length of a {@code call_id}. */
  public static final int MAX_CALL_ID_LENGTH = 64;

  /** Item types the endpoint accepts in {@code input}. */
  public static final Set<String> ITEM_TYPES = Set.of(
      "message", "function_call", "function_call_output", "reasoning", "item_reference",
      "mcp_approval_request", "mcp_approval_response", "mcp_call", "mcp_list_tools",
      "file_search_call", "web_search_call", "computer_call", "computer_call_output",
      "image_generation_call", "code_interpreter_call", "local_shell_call", "local_shell_call_output",
      "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output",
      "custom_tool_call", "custom_tool_call_output", "compaction");

  /** The prefix of the item id of each item type that has one (the referee's model of the service's ids). */
  public static final java.util.Map<String, String> ID_PREFIXES = java.util.Map.of(
      "reasoning", "rs", "function_call", "fc", "message", "msg", "mcp_approval_request", "mcpr",
      "mcp_call", "mcp", "mcp_list_tools", "mcp");

  /** The fields of the item types whose fields the referee knows; any other field is refused. */
  public static final java.util.Map<String, Set<String>> ITEM_FIELDS = java.util.Map.of(
      "message", Set.of("type", "role", "content", "id", "status", "phase"),
      "function_call", Set.of("type", "id", "call_id", "name", "arguments", "status"),
      "function_call_output", Set.of("type", "id", "call_id", "output", "status"),
      "reasoning", Set.of("type", "id", "summary", "content", "encrypted_content", "status"),
      "item_reference", Set.of("type", "id"),
      "mcp_approval_request", Set.of("type", "id", "name", "server_label", "arguments"),
      "mcp_approval_response", Set.of("type", "id", "approval_request_id", "approve", "reason"),
      "mcp_call", Set.of("type", "id", "name", "server_label", "arguments", "output", "error", "status",
          "approval_request_id"));

  /** The fields of the text parts of a message item. */
  private static final java.util.Map<String, Set<String>> PART_FIELDS = java.util.Map.of(
      "input_text", Set.of("type", "text"),
      "output_text", Set.of("type", "text", "annotations", "logprobs"),
      "refusal", Set.of("type", "refusal"));

  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
  private static final Set<String> INPUT_PARTS = Set.of("input_text", "input_image", "input_file", "input_audio");
  private static final Set<String> OUTPUT_PARTS = Set.of("output_text", "refusal");
  /** Items an assistant turn produces, which a reasoning item may precede. */
  private static final Set<String> FOLLOWS_REASONING = Set.of(
      "function_call", "custom_tool_call", "mcp_call", "mcp_list_tools", "mcp_approval_request",
      "file_search_call", "web_search_call", "computer_call", "image_generation_call",
      "code_interpreter_call", "local_shell_call", "shell_call", "apply_patch_call");

  private ResponsesRules() {}

  /**
   * The outcome of the rules.
   *
   * @param rejection the first rule broken, or null
   * @param conversation the whole conversation (stored chain + new input, item references resolved)
   * @param input the new input items as given (a string input as one user message)
   */
  public record Outcome(@Nullable Rejection rejection, List<JsonNode> conversation, List<JsonNode> input) {}

  /** What the rules need to know of the stored responses. */
  public interface Store {
    /** The stored response with this id, or null. */
    @Nullable StoredResponse response(String responseId);

    /** A stored item (input or output of any stored response) with this item id, or null. */
    @Nullable JsonNode item(String itemId);

    /**
     * The id of the reasoning item produced directly before the output item {@code itemId}, or null
     * when the service produced no reasoning item right before it (or did not produce it).
     */
    default @Nullable String reasoningBefore(String itemId) {
      return null;
    }

    /** The id of the item produced directly after the reasoning item {@code reasoningId}, or null. */
    default @Nullable String itemAfter(String reasoningId) {
      return null;
    }
  }

  /** Checks {@code body} against the rules and the stored responses. */
  public static Outcome check(JsonNode body, Store stored) {
    List<JsonNode> conversation = new ArrayList<>();
    List<JsonNode> input = new ArrayList<>();
    try {
      validate(body, stored, conversation, input);
      return new Outcome(null, conversation, input);
    } catch (Rejected r) {
      return new Outcome(r.rejection(), List.of(), List.of());
    }
  }

  private static void validate(
      JsonNode body, Store stored, List<JsonNode> conversation, List<JsonNode> input) {
    if (!body.isObject()) {
      throw reject(invalidType("body", "an object", Json.openAiTypeName(body)), null, "invalid_type");
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw reject(missingParameter("model"), "model", "missing_required_parameter");
    }
    if (!model.isTextual()) {
      throw reject(invalidType("model", "a string", Json.openAiTypeName(model)), "model", "invalid_type");
    }
    JsonNode in = body.get("input");
    if (in == null || in.isNull()) {
      throw reject(missingParameter("input"), "input", "missing_required_parameter");
    }
    if (in.isTextual()) {
      ObjectNode message = Json.object();
      message.put("type", "message");
      message.put("role", "user");
      message.put("content", in.asText());
      input.add(message);
    } else if (in.isArray()) {
      if (in.isEmpty()) {
        throw reject(emptyArray("input"), "input", "empty_array");
      }
      for (int i = 0; i < in.size(); i++) {
        checkItem(in.get(i), i);
        input.add(in.get(i));
      }
    } else {
      throw reject(
          invalidType("input", "one of a string or array of input items", Json.openAiTypeName(in)), "input", "invalid_type");
    }

    JsonNode previous = body.get("previous_response_id");
    if (previous != null && !previous.isNull()) {
      if (!previous.isTextual()) {
        throw reject(
            invalidType("previous_response_id", "a string", Json.openAiTypeName(previous)),
            "previous_response_id",
            "invalid_type");
      }
      StoredResponse chain = stored.response(previous.asText());
      if (chain == null) {
        throw reject(
            Responses.previousResponseNotFound(previous.asText()), "previous_response_id", "previous_response_not_found");
      }
      conversation.addAll(chain.conversation());
    }
    int chainSize = conversation.size();
    for (JsonNode item : input) {
      conversation.add(resolveReference(item, conversation, stored));
    }
    checkConversation(conversation, chainSize, stored);
  }

  /** The item an {@code item_reference} stands for: an earlier item of this request, or a stored one. */
  private static JsonNode resolveReference(JsonNode item, List<JsonNode> known, Store stored) {
    if (!"item_reference".equals(Json.text(item, "type"))) {
      return item;
    }
    String id = item.get("id").asText();
    for (JsonNode k : known) {
      if (id.equals(Json.text(k, "id"))) {
        return k;
      }
    }
    JsonNode found = stored.item(id);
    if (found == null) {
      throw reject(Responses.itemNotFound(id), "input", null);
    }
    return found;
  }

  private static void checkItem(JsonNode item, int i) {
    String at = "input[" + i + "]";
    if (!item.isObject()) {
      throw reject(invalidType(at, "an object", Json.openAiTypeName(item)), at, "invalid_type");
    }
    JsonNode typeNode = item.get("type");
    String type;
    if (typeNode == null || typeNode.isNull()) {
      if (!item.has("role")) {
        throw reject(missingParameter(at + ".type"), at + ".type", "missing_required_parameter");
      }
      type = "message";
    } else if (!typeNode.isTextual()) {
      throw reject(invalidType(at + ".type", "a string", Json.openAiTypeName(typeNode)), at + ".type", "invalid_type");
    } else {
      type = typeNode.asText();
    }
    if (!ITEM_TYPES.contains(type)) {
      throw reject(invalidValue(type, quoted(ITEM_TYPES)), at + ".type", "invalid_value");
    }
    Set<String> fields = ITEM_FIELDS.get(type);
    if (fields != null) {
      java.util.Iterator<String> names = item.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!fields.contains(name)) {
          throw reject(Responses.unknownParameter(at + "." + name), at + "." + name, "unknown_parameter");
        }
      }
    }
    String prefix = ID_PREFIXES.get(type);
    JsonNode id = item.get("id");
    if (prefix != null && id != null && id.isTextual() && !id.asText().startsWith(prefix)) {
      throw reject(Responses.idPrefix(at + ".id", id.asText(), prefix), at + ".id", "invalid_value");
    }
    switch (type) {
      case "message":
        checkMessage(item, at);
        break;
      case "function_call":
        checkCallId(item, at);
        String name = requireString(item, "name", at);
        if (name.isEmpty()) {
          throw reject(emptyString(at + ".name"), at + ".name", "empty_string");
        }
        requireString(item, "arguments", at);
        break;
      case "function_call_output":
        checkCallId(item, at);
        JsonNode output = item.get("output");
        if (output == null || output.isNull()) {
          throw reject(missingParameter(at + ".output"), at + ".output", "missing_required_parameter");
        }
        if (!output.isTextual() && !output.isArray()) {
          throw reject(
              invalidType(at + ".output", "one of a string or array of objects", Json.openAiTypeName(output)),
              at + ".output",
              "invalid_type");
        }
        break;
      case "reasoning":
        requireString(item, "id", at);
        JsonNode summary = item.get("summary");
        if (summary == null || summary.isNull()) {
          throw reject(missingParameter(at + ".summary"), at + ".summary", "missing_required_parameter");
        }
        if (!summary.isArray()) {
          throw reject(invalidType(at + ".summary", "an array", Json.openAiTypeName(summary)), at + ".summary", "invalid_type");
        }
        break;
      case "item_reference":
        requireString(item, "id", at);
        break;
      case "mcp_approval_response":
        requireString(item, "approval_request_id", at);
        if (!item.path("approve").isBoolean()) {
          throw reject(missingParameter(at + ".approve"), at + ".approve", "missing_required_parameter");
        }
        break;
      case "mcp_approval_request":
      case "mcp_call":
        requireString(item, "id", at);
        requireString(item, "name", at);
        requireString(item, "server_label", at);
        break;
      default:
        break;
    }
  }

  private static void checkMessage(JsonNode item, String at) {
    String role = requireString(item, "role", at);
    if (!ROLES.contains(role)) {
      throw reject(invalidValue(role, Responses.ROLES), at + ".role", "invalid_value");
    }
    JsonNode content = item.get("content");
    if (content == null || content.isNull()) {
      throw reject(missingParameter(at + ".content"), at + ".content", "missing_required_parameter");
    }
    if (content.isTextual()) {
      return;
    }
    if (!content.isArray()) {
      throw reject(
          invalidType(at + ".content", "one of a string or array of objects", Json.openAiTypeName(content)),
          at + ".content",
          "invalid_type");
    }
    Set<String> allowed = role.equals("assistant") ? OUTPUT_PARTS : INPUT_PARTS;
    for (int j = 0; j < content.size(); j++) {
      String pat = at + ".content[" + j + "]";
      JsonNode part = content.get(j);
      if (!part.isObject()) {
        throw reject(invalidType(pat, "an object", Json.openAiTypeName(part)), pat, "invalid_type");
      }
      String type = requireString(part, "type", pat);
      if (!allowed.contains(type)) {
        throw reject(invalidValue(type, quoted(allowed)), pat + ".type", "invalid_value");
      }
      if (type.endsWith("text")) {
        requireString(part, "text", pat);
      }
      Set<String> fields = PART_FIELDS.get(type);
      if (fields != null) {
        java.util.Iterator<String> names = part.fieldNames();
        while (names.hasNext()) {
          String name = names.next();
          if (!fields.contains(name)) {
            throw reject(Responses.unknownParameter(pat + "." + name), pat + "." + name, "unknown_parameter");
          }
        }
      }
    }
  }

  private static void checkCallId(JsonNode item, String at) {
    String callId = requireString(item, "call_id", at);
    if (callId.length() > MAX_CALL_ID_LENGTH) {
      throw reject(
          stringTooLong(at + ".call_id", MAX_CALL_ID_LENGTH, callId.length()), at + ".call_id", "string_above_max_length");
    }
  }

  /** Pairing, duplicates and reasoning over the whole conversation; items from {@code firstNew} on are new. */
  private static void checkConversation(List<JsonNode> items, int firstNew, Store stored) {
    // 1. every new output answers a call before it
    Set<String> callsSoFar = new HashSet<>();
    for (int k = 0; k < items.size(); k++) {
      JsonNode item = items.get(k);
      String type = typeOf(item);
      if (type.equals("function_call")) {
        callsSoFar.add(item.get("call_id").asText());
      } else if (type.equals("function_call_output") && k >= firstNew) {
        String callId = item.get("call_id").asText();
        if (!callsSoFar.contains(callId)) {
          throw reject(Responses.noToolCall(callId), "input", null);
        }
      }
    }
    // 2. no item id twice, no call id called or answered twice
    Set<String> itemIds = new HashSet<>();
    Set<String> callIds = new HashSet<>();
    Set<String> outputIds = new HashSet<>();
    for (JsonNode item : items) {
      String id = Json.text(item, "id");
      if (id != null && !itemIds.add(id)) {
        throw reject(Responses.duplicateItem(id), "input", null);
      }
      String type = typeOf(item);
      if (type.equals("function_call") && !callIds.add(item.get("call_id").asText())) {
        throw reject(Responses.duplicateCallId(item.get("call_id").asText()), "input", null);
      }
      if (type.equals("function_call_output") && !outputIds.add(item.get("call_id").asText())) {
        throw reject(Responses.duplicateOutput(item.get("call_id").asText()), "input", null);
      }
    }
    // 2b. a new MCP approval response answers an approval request of the conversation, before it
    Set<String> approvalRequests = new HashSet<>();
    for (int k = 0; k < items.size(); k++) {
      JsonNode item = items.get(k);
      String type = typeOf(item);
      if (type.equals("mcp_approval_request")) {
        approvalRequests.add(item.get("id").asText());
      } else if (type.equals("mcp_approval_response") && k >= firstNew) {
        String requestId = item.get("approval_request_id").asText();
        if (!approvalRequests.contains(requestId)) {
          throw reject(Responses.approvalRequestNotFound(requestId), "input", null);
        }
      }
    }
    // 3. a new reasoning item is followed by the item it belongs to: an item of the model's side
    // that carries its id (the service pairs them by id: an assistant message or call sent without
    // its id does not pair, openai-node#1567, vercel/ai#7099), and when the service produced the
    // reasoning item, the very item it produced after it
    for (int k = firstNew; k < items.size(); k++) {
      JsonNode item = items.get(k);
      if (typeOf(item).equals("reasoning")) {
        JsonNode next = k + 1 < items.size() ? items.get(k + 1) : null;
        String produced = stored.itemAfter(item.get("id").asText());
        String nextId = next == null ? null : Json.text(next, "id");
        if (next == null || !followsReasoning(next) || nextId == null || nextId.isEmpty()
            || (produced != null && !produced.equals(nextId))) {
          throw reject(Responses.reasoningWithoutFollowingItem(item.get("id").asText()), "input", null);
        }
      }
    }
    // 3b. a new item that the service produced directly after a reasoning item comes directly after it
    for (int k = firstNew; k < items.size(); k++) {
      JsonNode item = items.get(k);
      String id = Json.text(item, "id");
      String reasoning = id == null || typeOf(item).equals("reasoning") ? null : stored.reasoningBefore(id);
      if (reasoning != null) {
        JsonNode previous = k > 0 ? items.get(k - 1) : null;
        if (previous == null || !typeOf(previous).equals("reasoning") || !reasoning.equals(Json.text(previous, "id"))) {
          throw reject(Responses.withoutRequiredReasoning(id, typeOf(item), reasoning), "input", null);
        }
      }
    }
    // 4. every call is answered
    for (JsonNode item : items) {
      if (typeOf(item).equals("function_call")) {
        String callId = item.get("call_id").asText();
        if (!outputIds.contains(callId)) {
          throw reject(Responses.noToolOutput(callId), "input", null);
        }
      }
    }
  }

  private static boolean followsReasoning(JsonNode next) {
    String type = typeOf(next);
    if (type.equals("message")) {
      return "assistant".equals(Json.text(next, "role"));
    }
    return FOLLOWS_REASONING.contains(type);
  }

  /** The item type, {@code message} for an item with a role and no type. */
  public static String typeOf(JsonNode item) {
    String type = Json.text(item, "type");
    return type != null ? type : "message";
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

  /** {@code 'a', 'b', and 'c'} in sorted order, as OpenAI lists supported values. */
  static String quoted(Set<String> values) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(values));
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < sorted.size(); k++) {
      if (k > 0) {
        sb.append(sorted.size() == 2 ? " and " : k == sorted.size() - 1 ? ", and " : ", ");
      }
      sb.append('\'').append(sorted.get(k)).append('\'');
    }
    return sb.toString();
  }

  private static Rejected reject(String message, @Nullable String param, @Nullable String code) {
    return new Rejected(Rejection.openAi(message, param, code));
  }
}
