package dev.toolguard.core.loop;

import dev.toolguard.core.ToolguardException;

/**
 * The call journal failed (its database is down, its table is missing, …) while the loop claimed or
 * settled a call. When it is thrown nothing was run for that call and the history handed in is
 * unchanged: store nothing, fix the journal, and resume again.
 */
public class CallJournalException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final String callId;

  /** Creates the exception; the message says what failed, for which call, and what to do. */
  public CallJournalException(String callId, String message, Throwable cause) {
    super(message, cause);
    this.callId = callId;
  }

  /** The call id of the call the journal failed on. */
  public String callId() {
    return callId;
  }
}
