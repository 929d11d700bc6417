package dev.toolguard.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result of a tool call, answering the {@link ToolCall} with the same {@code callId}.
 *
 * @param callId the id of the call it answers; may be empty only in a broken history
 * @param name the tool's name, when the wire format carries it
 * @param output what the tool returned (or the error text)
 * @param error true when the tool failed
 * @param metadata provider attributes; {@link Metadata#SYNTHETIC} marks a made-up result
 */
public record ToolResult(
    String callId, @Nullable String name, String output, boolean error, Map<String, Object> metadata)
    implements Content {

  /** Validates and copies the components. */
  public ToolResult {
    Checks.required(callId, "ToolResult", "callId");
    Checks.required(output, "ToolResult", "output");
    metadata = Metadata.copyOf(metadata, "ToolResult ", callId);
  }

  /** A successful result without metadata. */
  public static ToolResult of(String callId, @Nullable String name, String output) {
    return new ToolResult(callId, name, output, false, Map.of());
  }

  /** An error result without metadata. */
  public static ToolResult error(String callId, @Nullable String name, String output) {
    return new ToolResult(callId, name, output, true, Map.of());
  }

  /** This result with another call id; the same instance if the id is unchanged. */
  public ToolResult withCallId(String newCallId) {
    return newCallId.equals(callId) ? this : new ToolResult(newCallId, name, output, error, metadata);
  }

  /** This result with a metadata entry added or replaced. */
  public ToolResult withMetadata(String key, Object value) {
    return new ToolResult(callId, name, output, error, Metadata.with(metadata, key, value));
  }

  /** Whether toolguard made this result up instead of a tool (see {@link Metadata#SYNTHETIC}). */
  public boolean synthetic() {
    return metadata.containsKey(Metadata.SYNTHETIC);
  }
}
