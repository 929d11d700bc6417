package dev.toolguard.jdbc;

import dev.toolguard.core.ToolguardException;
import org.jspecify.annotations.Nullable;

/**
 * {@link JdbcConversationStore} could not load or save a conversation: the database failed, the table is
 * missing, or the key does not fit. The message names the conversation, the step, the table, why it
 * failed and what to do; a failed save wrote nothing.
 */
public class ConversationStoreException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final String conversation;

  /**
   * Creates the exception.
   *
   * @param conversation the conversation key
   * @param message what failed, why, and what to do
   * @param cause the database's or the codec's exception, if any
   */
  public ConversationStoreException(String conversation, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.conversation = conversation;
  }

  /** The conversation key. */
  public String conversation() {
    return conversation;
  }
}
