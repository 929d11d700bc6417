package dev.toolguard.core.loop;

import dev.toolguard.core.ToolguardException;

/**
 * An approval response, or a result for a waiting call, was refused. Nothing ran and nothing in
 * the history changed; fix the answer and resume again.
 */
public class ApprovalException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  /** Why an answer was refused. */
  public enum Reason {
    /** No call with that id waits in the history. */
    UNKNOWN_CALL,
    /** The response names another tool or other arguments than the waiting call. */
    MISMATCH,
    /** The call was already answered (a replayed or second response). */
    ALREADY_ANSWERED,
    /** Signing is on and the response carries no signature. */
    UNSIGNED,
    /** Signing is on and the signature does not match the call. */
    FORGED,
    /** The answer does not fit the waiting call (for example approving a client-side call). */
    WRONG_KIND,
    /** A new user message came while calls wait, and the pending policy is to fail. */
    UNANSWERED,
    /** The approval request's time to live ended before it was approved. */
    EXPIRED,
    /** The waiting call belongs to another conversation than the run's. */
    FOREIGN_CONVERSATION
  }

  private final Reason reason;
  private final String callId;

  /** Creates the exception; the message names the call id and the rule. */
  public ApprovalException(Reason reason, String callId, String message) {
    super(message);
    this.reason = reason;
    this.callId = callId;
  }

  /** Why the answer was refused. */
  public Reason reason() {
    return reason;
  }

  /** The call id of the refused answer. */
  public String callId() {
    return callId;
  }
}
