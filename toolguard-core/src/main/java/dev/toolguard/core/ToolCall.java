package dev.toolguard.core;

import java.util.Map;

/**
 * The assistant asks for a tool to run.
 *
 * <p>An <em>informational</em> call is a copy carried by an {@link ApprovalRequest} or an {@link
 * ApprovalResponse}: it is never invoked, never sent to a provider and never needs a result.
 *
 * @param callId the id that the result must quote; may be empty only in a broken history
 * @param name the tool's name
 * @param argumentsJson the arguments as the model wrote them (normally a JSON object)
 * @param informational true for a copy that only informs
 * @param metadata provider attributes (item id, status, …)
 */
public record ToolCall(
    String callId, String name, String argumentsJson, boolean informational, Map<String, Object> metadata)
    implements Content {

  /** Validates and copies the components. */
  public ToolCall {
    Checks.required(callId, "ToolCall", "callId");
    Checks.required(name, "ToolCall", "name");
    Checks.required(argumentsJson, "ToolCall", "argumentsJson");
    metadata = Metadata.copyOf(metadata, "ToolCall ", callId);
  }

  /** A call that asks for a tool to run, without metadata. */
  public static ToolCall of(String callId, String name, String argumentsJson) {
    return new ToolCall(callId, name, argumentsJson, false, Map.of());
  }

  /** This call with another id; the same instance if the id is unchanged. */
  public ToolCall withCallId(String newCallId) {
    return newCallId.equals(callId) ? this : new ToolCall(newCallId, name, argumentsJson, informational, metadata);
  }

  /** This call with other arguments. */
  public ToolCall withArguments(String newArgumentsJson) {
    return new ToolCall(callId, name, newArgumentsJson, informational, metadata);
  }

  /** This call marked informational; the same instance if it already is. */
  public ToolCall asInformational() {
    return informational ? this : new ToolCall(callId, name, argumentsJson, true, metadata);
  }

  /** This call as one to invoke (not informational); the same instance if it already is. */
  public ToolCall asInvocable() {
    return informational ? new ToolCall(callId, name, argumentsJson, false, metadata) : this;
  }

  /** This call with a metadata entry added or replaced. */
  public ToolCall withMetadata(String key, Object value) {
    return new ToolCall(callId, name, argumentsJson, informational, Metadata.with(metadata, key, value));
  }
}
