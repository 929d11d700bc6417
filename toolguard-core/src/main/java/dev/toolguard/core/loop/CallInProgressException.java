package dev.toolguard.core.loop;

import dev.toolguard.core.ToolguardException;
import java.time.Instant;

/**
 * A call that this run was to settle is held by another run (another instance, a double-clicked
 * approval, a retry) whose lease has not ended, and it did not finish within {@link
 * LoopConfig#claimWait()}. Nothing ran here and the history handed in is unchanged: the other run
 * settles the call; reload the conversation later and its result is there.
 */
public class CallInProgressException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final String conversation;
  private final String callId;
  private final Instant leaseUntil;

  /** Creates the exception; the message names the conversation, the call and the rule. */
  public CallInProgressException(String conversation, String callId, Instant leaseUntil, String message) {
    super(message);
    this.conversation = conversation;
    this.callId = callId;
    this.leaseUntil = leaseUntil;
  }

  /** The conversation key of the run, or {@link CallKey#NO_CONVERSATION}. */
  public String conversation() {
    return conversation;
  }

  /** The id of the call in progress elsewhere. */
  public String callId() {
    return callId;
  }

  /** When the other run's lease ends. */
  public Instant leaseUntil() {
    return leaseUntil;
  }
}
