package dev.toolguard.core;

/**
 * The root of every exception that toolguard throws on purpose. Messages name the rule that was
 * broken and, where there is one, the call id.
 */
public class ToolguardException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what was wrong, where, and what to do. */
  public ToolguardException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the exception that caused it. */
  public ToolguardException(String message, Throwable cause) {
    super(message, cause);
  }
}
