package dev.toolguard.core;

import java.util.List;
import java.util.stream.Collectors;

/** A history breaks the invariant and the policy is to fail rather than repair it. */
public class InvalidHistoryException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  /** Creates the exception for {@code violations} (at least one). */
  public InvalidHistoryException(List<Violation> violations) {
    super(describe(violations));
    this.violations = List.copyOf(violations);
  }

  private static String describe(List<Violation> violations) {
    return "the history breaks the tool call invariant (" + violations.size() + " violation"
        + (violations.size() == 1 ? "" : "s") + "); repair it with HistoryGuard.repair or fix the store:\n  "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  "));
  }

  /** The violations found, in history order. */
  public List<Violation> violations() {
    return violations;
  }
}
