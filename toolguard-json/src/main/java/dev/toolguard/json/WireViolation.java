package dev.toolguard.json;

/**
 * One place where a request body breaks the tool call invariant of core or a limit of its dialect.
 *
 * @param code the rule broken: a core {@link dev.toolguard.core.ViolationCode} name, or a dialect
 *     rule ({@code CALL_ID_TOO_LONG}, {@code CALL_ID_CHARACTERS}, {@code EMPTY_TOOL_CALLS}, {@code
 *     REASONING_WITHOUT_FOLLOWING_ITEM}, {@code ITEM_WITHOUT_REASONING}, {@code ITEM_ID_PREFIX}, {@code DUPLICATE_ITEM_ID}, {@code
 *     UNMATCHED_MCP_APPROVAL}, {@code THINKING_NOT_FIRST})
 * @param path where in the body, such as {@code messages[3].tool_calls[0]}
 * @param callId the call id concerned; empty when there is none
 * @param detail what was found, in words
 * @param providerError the error the provider answers (with HTTP 400) for it; empty when the
 *     violation concerns what is never sent to a provider
 */
public record WireViolation(String code, String path, String callId, String detail, String providerError) {

  /** Validates the components. */
  public WireViolation {
    if (code == null || path == null || callId == null || detail == null || providerError == null) {
      throw new IllegalArgumentException("a WireViolation component is null; every component needs a value");
    }
  }

  /** One line: code, path, call id, detail and the provider's error. */
  @Override
  public String toString() {
    return code + " at " + path + (callId.isEmpty() ? "" : " (callId " + callId + ")") + ": " + detail
        + (providerError.isEmpty() ? "" : " | provider answers: " + providerError);
  }
}
