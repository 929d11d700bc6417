package dev.toolguard.core;

import java.util.Map;

/**
 * The assistant's tool call waits for a human decision. It stands in an assistant message in place
 * of the call; the call it carries is always informational.
 *
 * @param callId the id of the call that waits; equals {@code call.callId()}
 * @param call the call, marked informational
 * @param metadata attributes, including the optional signature
 */
public record ApprovalRequest(String callId, ToolCall call, Map<String, Object> metadata) implements Content {

  /** Validates the components and marks the call informational. */
  public ApprovalRequest {
    Checks.requiredNonBlank(callId, "ApprovalRequest", "callId");
    Checks.required(call, "ApprovalRequest", "call");
    if (!callId.equals(call.callId())) {
      throw new InvalidMessageException(
          "ApprovalRequest " + callId + " carries a call with callId '" + call.callId()
              + "'; the request and its call must have the same callId");
    }
    call = call.asInformational();
    metadata = Metadata.copyOf(metadata, "ApprovalRequest ", callId);
  }

  /** A request for {@code call}, without metadata. */
  public static ApprovalRequest of(ToolCall call) {
    Checks.required(call, "ApprovalRequest", "call");
    return new ApprovalRequest(call.callId(), call, Map.of());
  }
}
