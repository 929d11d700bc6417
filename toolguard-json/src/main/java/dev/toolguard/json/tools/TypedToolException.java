package dev.toolguard.json.tools;

import dev.toolguard.core.ToolguardException;

/**
 * A typed tool cannot be made from what was given: no annotated method, a parameter name the class
 * file does not keep, a type with no JSON schema, two tools of one name. The message names the method,
 * the parameter or the component, and what to do.
 */
public final class TypedToolException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names what is wrong and where. */
  public TypedToolException(String message) {
    super(message);
  }
}
