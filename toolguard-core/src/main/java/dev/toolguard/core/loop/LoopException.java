package dev.toolguard.core.loop;

import dev.toolguard.core.Message;
import dev.toolguard.core.ToolguardException;
import java.util.List;

/**
 * A run could not finish: the backend failed, or the run was cancelled or interrupted. The history
 * it carries is valid — every open call got an error result before the loop let go — so store it
 * and go on from it.
 */
public class LoopException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final transient List<Message> history;
  private final transient List<Message> added;

  /** Creates the exception with the balanced history at the moment the run stopped. */
  public LoopException(String message, Throwable cause, List<Message> history, List<Message> added) {
    super(message, cause);
    this.history = List.copyOf(history);
    this.added = List.copyOf(added);
  }

  /** The whole history when the run stopped: valid, with every open call answered. */
  public List<Message> history() {
    return history;
  }

  /** The messages the run had added when it stopped. */
  public List<Message> added() {
    return added;
  }

  /** True when the run stopped because it was cancelled or its thread was interrupted. */
  public boolean cancelled() {
    return getCause() instanceof InterruptedException
        || getCause() instanceof java.util.concurrent.CancellationException;
  }
}
