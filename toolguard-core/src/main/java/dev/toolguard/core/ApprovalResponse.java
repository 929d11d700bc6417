package dev.toolguard.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A human's answer to an {@link ApprovalRequest}. It stands in a user message; it is matched to its
 * request by {@code callId} (never by object identity) and must carry the same tool name and
 * arguments as the call it answers. The call it carries is always informational.
 *
 * @param callId the id of the call it answers
 * @param call a copy of the call as the request showed it, marked informational
 * @param decision what the human decided
 * @param metadata attributes, including the signature copied from the request
 */
public record ApprovalResponse(String callId, ToolCall call, Decision decision, Map<String, Object> metadata)
    implements Content {

  /** Validates the components and marks the call informational. */
  public ApprovalResponse {
    Checks.requiredNonBlank(callId, "ApprovalResponse", "callId");
    Checks.required(call, "ApprovalResponse", "call");
    Checks.required(decision, "ApprovalResponse", "decision");
    if (!callId.equals(call.callId())) {
      throw new InvalidMessageException(
          "ApprovalResponse " + callId + " carries a call with callId '" + call.callId()
              + "'; the response and its call must have the same callId");
    }
    call = call.asInformational();
    metadata = Metadata.copyOf(metadata, "ApprovalResponse ", callId);
  }

  /** Approves the call of {@code request} as it stands. */
  public static ApprovalResponse approve(ApprovalRequest request) {
    return answer(request, new Decision.Approve());
  }

  /** Approves the call of {@code request}, run with {@code argumentsJson} instead of the model's. */
  public static ApprovalResponse approveWithArguments(ApprovalRequest request, String argumentsJson) {
    return answer(request, new Decision.ApproveEdited(argumentsJson));
  }

  /** Rejects the call of {@code request}; {@code reason} is shown to the model. */
  public static ApprovalResponse reject(ApprovalRequest request, @Nullable String reason) {
    return answer(request, new Decision.Reject(reason));
  }

  /** Answers the call of {@code request} with a result the human gives instead of running the tool. */
  public static ApprovalResponse respondWith(ApprovalRequest request, String output) {
    return answer(request, new Decision.Respond(output));
  }

  private static ApprovalResponse answer(ApprovalRequest request, Decision decision) {
    Checks.required(request, "ApprovalResponse", "request");
    return new ApprovalResponse(request.callId(), request.call(), decision, request.metadata());
  }

  /** True when the call may run (as it stands or with edited arguments). */
  public boolean approved() {
    return decision instanceof Decision.Approve || decision instanceof Decision.ApproveEdited;
  }

  /** The reason of a rejection, or null. */
  public @Nullable String reason() {
    return decision instanceof Decision.Reject reject ? reject.reason() : null;
  }

  /** What a human decided about a call that waited for approval. */
  public sealed interface Decision {

    /** Run the call as the model wrote it. */
    record Approve() implements Decision {}

    /**
     * Run the call with other arguments; the call in the history is updated so that the model sees
     * the arguments that really ran.
     *
     * @param argumentsJson the arguments to run with
     */
    record ApproveEdited(String argumentsJson) implements Decision {
      /** Validates the arguments. */
      public ApproveEdited {
        Checks.required(argumentsJson, "ApproveEdited", "argumentsJson");
      }
    }

    /**
     * Do not run the call; the model gets a rejection result.
     *
     * @param reason why, shown to the model; may be null
     */
    record Reject(@Nullable String reason) implements Decision {}

    /**
     * Do not run the call; the model gets {@code output} as its result.
     *
     * @param output the result the human gives
     */
    record Respond(String output) implements Decision {
      /** Validates the output. */
      public Respond {
        Checks.required(output, "Respond", "output");
      }
    }
  }
}
