package dev.toolguard.hosting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Role;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code input} and {@code tools} of a Responses request, read item by item; every item that is
 * not understood is refused with its index and what to send instead.
 */
public final class InputItems {

  private InputItems() {}

  /** One input item. */
  public sealed interface Item {
    /** Its index in {@code input}. */
    int index();

    /** The signed id it carries, if any (for finding the conversation of a stateless request). */
    default @Nullable String tokenId() {
      return null;
    }
  }

  /** A message of the user, the system (or developer) or the assistant. */
  public record Say(int index, Role role, String text) implements Item {}

  /** A {@code function_call} item (a client-side call sent back). */
  public record FunctionCall(int index, String callId, String name, String arguments) implements Item {
    @Override
    public String tokenId() {
      return callId;
    }
  }

  /** A {@code function_call_output} item. */
  public record FunctionCallOutput(int index, String callId, String output) implements Item {
    @Override
    public String tokenId() {
      return callId;
    }
  }

  /** An {@code mcp_approval_request} item sent back. */
  public record ApprovalRequestItem(int index, String id, String name, String arguments) implements Item {
    @Override
    public String tokenId() {
      return id;
    }
  }

  /** An {@code mcp_approval_response} item. */
  public record ApprovalResponseItem(int index, String approvalRequestId, boolean approve, @Nullable String reason)
      implements Item {
    @Override
    public String tokenId() {
      return approvalRequestId;
    }
  }

  /** An {@code mcp_call} item sent back (a server-side call that ran, or waits for the others). */
  public record McpCall(int index, String id, String name, String arguments, @Nullable String output,
      @Nullable String error) implements Item {
    @Override
    public String tokenId() {
      return id;
    }
  }

  /** Reads {@code input}: a string (one user message) or an array of items. */
  public static List<Item> parse(JsonNode input) {
    if (input.isTextual()) {
      return List.of(new Say(0, Role.USER, input.asText()));
    }
    if (!input.isArray()) {
      throw HostedError.invalid("input", "invalid_type", "'input' must be a string or an array of input items,"
          + " was a JSON " + type(input));
    }
    if (input.isEmpty()) {
      throw HostedError.invalid("input", "empty_array", "'input' is an empty array; send at least one item");
    }
    List<Item> items = new ArrayList<>(input.size());
    for (int i = 0; i < input.size(); i++) {
      items.add(item(i, input.get(i)));
    }
    return items;
  }

  private static Item item(int i, JsonNode n) {
    String where = "input[" + i + "]";
    if (!n.isObject()) {
      throw HostedError.invalid(where, "invalid_type", where + " must be an object, was a JSON " + type(n));
    }
    JsonNode typeNode = n.get("type");
    String type = typeNode == null || typeNode.isNull() ? (n.has("role") ? "message" : null) : typeNode.asText();
    if (type == null) {
      throw HostedError.invalid(where + ".type", "missing_required_parameter", where + " has no 'type' (and no"
          + " 'role'); give a message, function_call_output or mcp_approval_response item");
    }
    switch (type) {
      case "message":
        return say(i, n, where);
      case "function_call":
        return new FunctionCall(i, text(n, "call_id", where), text(n, "name", where), arguments(n, where));
      case "function_call_output":
        return new FunctionCallOutput(i, text(n, "call_id", where), output(n.get("output"), where + ".output"));
      case "mcp_approval_request":
        return new ApprovalRequestItem(i, text(n, "id", where), text(n, "name", where), arguments(n, where));
      case "mcp_approval_response": {
        JsonNode approve = n.get("approve");
        if (approve == null || !approve.isBoolean()) {
          throw HostedError.invalid(where + ".approve", approve == null ? "missing_required_parameter"
              : "invalid_type", where + ".approve must be true or false, was " + (approve == null ? "missing"
              : approve.toString()));
        }
        JsonNode reason = n.get("reason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
          throw HostedError.invalid(where + ".reason", "invalid_type", where + ".reason must be a string");
        }
        return new ApprovalResponseItem(i, text(n, "approval_request_id", where), approve.asBoolean(),
            reason == null || reason.isNull() ? null : reason.asText());
      }
      case "mcp_call": {
        JsonNode out = n.get("output");
        JsonNode err = n.get("error");
        return new McpCall(i, text(n, "id", where), text(n, "name", where), arguments(n, where),
            out == null || out.isNull() ? null : out.isTextual() ? out.asText() : out.toString(), errorText(err));
      }
      default:
        throw HostedError.invalid(where + ".type", "unsupported_item_type", where + " has type '" + type
            + "', which this server does not take; send message, function_call, function_call_output,"
            + " mcp_approval_request, mcp_approval_response or mcp_call items");
    }
  }

  private static Say say(int i, JsonNode n, String where) {
    String roleName = text(n, "role", where);
    Role role = switch (roleName) {
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      case "system", "developer" -> Role.SYSTEM;
      default -> throw HostedError.invalid(where + ".role", "invalid_value", where + ".role is '" + roleName
          + "'; use user, assistant, system or developer");
    };
    JsonNode content = n.get("content");
    if (content == null || content.isNull()) {
      throw HostedError.invalid(where + ".content", "missing_required_parameter", where + " has no 'content'");
    }
    if (content.isTextual()) {
      return new Say(i, role, content.asText());
    }
    if (!content.isArray()) {
      throw HostedError.invalid(where + ".content", "invalid_type", where + ".content must be a string or an"
          + " array of content parts, was a JSON " + type(content));
    }
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < content.size(); p++) {
      JsonNode part = content.get(p);
      String pw = where + ".content[" + p + "]";
      String pt = part.path("type").asText("");
      if (!(pt.equals("input_text") || pt.equals("output_text") || pt.equals("text"))) {
        throw HostedError.invalid(pw + ".type", "unsupported_content_type", pw + " has type '" + pt
            + "'; this server takes text parts only (input_text, output_text)");
      }
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(text(part, "text", pw));
    }
    return new Say(i, role, sb.toString());
  }

  /** The request's {@code tools}: function tools, run by the client. */
  public static List<ToolSpec> tools(@Nullable JsonNode tools) {
    if (tools == null || tools.isNull()) {
      return List.of();
    }
    if (!tools.isArray()) {
      throw HostedError.invalid("tools", "invalid_type", "'tools' must be an array of function tools");
    }
    List<ToolSpec> out = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String where = "tools[" + i + "]";
      String type = t.path("type").asText("");
      if (!type.equals("function")) {
        throw HostedError.invalid(where + ".type", "unsupported_tool_type", where + " has type '" + type
            + "'; this server takes function tools only (the client runs them); its own tools are the agent's");
      }
      JsonNode params = t.get("parameters");
      JsonNode desc = t.get("description");
      out.add(new ToolSpec(text(t, "name", where), desc == null || desc.isNull() ? "" : desc.asText(),
          params == null || params.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : params.toString()));
    }
    return out;
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw HostedError.invalid(where + "." + field, "missing_required_parameter", where + " has no '" + field
          + "'");
    }
    if (!v.isTextual()) {
      throw HostedError.invalid(where + "." + field, "invalid_type", where + "." + field + " must be a string,"
          + " was a JSON " + type(v));
    }
    return v.asText();
  }

  private static String arguments(JsonNode n, String where) {
    JsonNode v = n.get("arguments");
    if (v == null || v.isNull()) {
      return "{}";
    }
    return v.isTextual() ? v.asText() : v.toString();
  }

  private static String output(@Nullable JsonNode v, String where) {
    if (v == null || v.isNull()) {
      throw HostedError.invalid(where, "missing_required_parameter", where + " is missing; give the tool's"
          + " output as a string");
    }
    return v.isTextual() ? v.asText() : v.toString();
  }

  /** An {@code mcp_call} error: a string, or an object whose text parts are joined; null when none. */
  private static @Nullable String errorText(@Nullable JsonNode err) {
    if (err == null || err.isNull()) {
      return null;
    }
    if (err.isTextual()) {
      return err.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : err.path("content")) {
      if (part.hasNonNull("text")) {
        sb.append(sb.length() > 0 ? "\n" : "").append(part.get("text").asText());
      }
    }
    return sb.length() > 0 ? sb.toString() : err.path("message").asText(err.toString());
  }

  private static String type(JsonNode n) {
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
