package dev.toolguard.core;

import org.jspecify.annotations.Nullable;

/**
 * One place where a history breaks the invariant.
 *
 * @param code the rule that is broken (stable)
 * @param messageIndex the index of the message where it is broken
 * @param callId the call id concerned (empty when the content has none)
 * @param detail what was found, in words
 * @param dialect the dialect whose provider's words {@code bodyError} are, or null
 * @param bodyError the error that provider answers for this history, worded as it meets the fault in
 *     the body (its indexes, the ids it lists together), or null when only the code's words are known
 */
public record Violation(ViolationCode code, int messageIndex, String callId, String detail,
    @Nullable Dialect dialect, @Nullable String bodyError) {

  /** Validates the components. */
  public Violation {
    Checks.required(code, "Violation", "code");
    Checks.required(callId, "Violation", "callId");
    Checks.required(detail, "Violation", "detail");
    if ((dialect == null) != (bodyError == null)) {
      throw new IllegalArgumentException(
          "Violation.dialect and Violation.bodyError go together: give both (the provider's words for the body) or"
              + " neither");
    }
  }

  /** A violation worded by its code alone. */
  public Violation(ViolationCode code, int messageIndex, String callId, String detail) {
    this(code, messageIndex, callId, detail, null, null);
  }

  /** This violation with the words {@code dialect}'s provider answers for the body it was found in. */
  public Violation withBodyError(Dialect dialect, String bodyError) {
    Checks.required(dialect, "Violation", "dialect");
    Checks.required(bodyError, "Violation", "bodyError");
    return new Violation(code, messageIndex, callId, detail, dialect, bodyError);
  }

  /**
   * The error the provider of {@code dialect} answers when this history is sent: the words for this
   * very history when the check was made for {@code dialect} ({@link HistoryGuard#check(java.util.List,
   * Dialect)}), else the code's.
   */
  public String providerError(Dialect dialect) {
    if (dialect == this.dialect && bodyError != null) {
      return bodyError;
    }
    return code.providerError(dialect, callId, messageIndex);
  }

  /** One line: code, message index, call id and detail. */
  @Override
  public String toString() {
    return code + " at message " + messageIndex + (callId.isEmpty() ? "" : " (callId " + callId + ")") + ": "
        + detail;
  }
}
