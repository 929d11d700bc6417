package dev.toolguard.core;

/**
 * A {@link Message} or a {@link Content} could not be built from the values given: a required
 * value is missing, or a content was put under a role that cannot hold it.
 */
public class InvalidMessageException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the field and the rule. */
  public InvalidMessageException(String message) {
    super(message);
  }
}
