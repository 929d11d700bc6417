package dev.toolguard.core;

/**
 * One place where a history breaks the invariant.
 *
 * @param code the rule that is broken (stable)
 * @param messageIndex the index of the message where it is broken
 * @param callId the call id concerned (empty when the content has none)
 * @param detail what was found, in words
 */
public record Violation(ViolationCode code, int messageIndex, String callId, String detail) {

  /** Validates the components. */
  public Violation {
    Checks.required(code, "Violation", "code");
    Checks.required(callId, "Violation", "callId");
    Checks.required(detail, "Violation", "detail");
  }

  /** The error the provider of {@code dialect} answers when this history is sent. */
  public String providerError(Dialect dialect) {
    return code.providerError(dialect, callId, messageIndex);
  }

  /** One line: code, message index, call id and detail. */
  @Override
  public String toString() {
    return code + " at message " + messageIndex + (callId.isEmpty() ? "" : " (callId " + callId + ")") + ": "
        + detail;
  }
}
