package dev.toolguard.core.conversation;

import dev.toolguard.core.ToolguardException;

/**
 * A conversation was saved by another writer (another instance, a double-clicked request) after this
 * one loaded it; nothing was written. Tool calls that this run settled are in the call journal, so
 * running the same request again on the fresh conversation runs none of them twice.
 */
public class ConversationConflictException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final String conversation;
  private final long expectedVersion;
  private final long actualVersion;

  /** Creates the exception; the message names the conversation and both versions. */
  public ConversationConflictException(String conversation, long expectedVersion, long actualVersion) {
    super("conversation '" + conversation + "' was saved by another writer since this run loaded it (version "
        + expectedVersion + ", now " + actualVersion + "; rule: a save names the version it read); nothing was"
        + " written. Load it again and repeat the request: calls already settled are not run twice.");
    this.conversation = conversation;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /** The conversation key. */
  public String conversation() {
    return conversation;
  }

  /** The version this run read. */
  public long expectedVersion() {
    return expectedVersion;
  }

  /** The version the store holds now. */
  public long actualVersion() {
    return actualVersion;
  }
}
