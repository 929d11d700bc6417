package dev.toolguard.json;

import dev.toolguard.core.ToolguardException;

/**
 * A body or a history JSON is not what it must be: not JSON at all, not a request body of the
 * dialect, a field of the wrong type, a required field missing; or a history holds something that
 * cannot be written in the format asked for.
 *
 * <p>{@link #problem()} says what is wrong and what to do, {@link #path()} where: a JSON path such
 * as {@code messages[3].tool_calls[0].id}, or {@code line 4, column 17} for text that is not JSON.
 */
public class WireFormatException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final String problem;
  private final String path;

  /** Creates the exception for {@code problem} found at {@code path}. */
  public WireFormatException(String problem, String path) {
    super(problem + " (at " + path + ")");
    this.problem = problem;
    this.path = path;
  }

  /** Creates the exception for {@code problem} found at {@code path}, caused by {@code cause}. */
  public WireFormatException(String problem, String path, Throwable cause) {
    super(problem + " (at " + path + ")", cause);
    this.problem = problem;
    this.path = path;
  }

  /** What is wrong, and what to do about it, in one line. */
  public String problem() {
    return problem;
  }

  /** Where: a JSON path ({@code messages[3].tool_call_id}), or a line and column for text that is not JSON. */
  public String path() {
    return path;
  }
}
