package dev.toolguard.core.internal;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairPolicy;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Violation;
import java.util.List;

/** The {@link HistoryGuard} of toolguard-core. */
public final class DefaultHistoryGuard implements HistoryGuard {

  /** The guard with the default policy. */
  public static final DefaultHistoryGuard DEFAULT = new DefaultHistoryGuard(RepairPolicy.ofDefaults());

  private final RepairPolicy policy;

  /** A guard that repairs by {@code policy}. */
  public DefaultHistoryGuard(RepairPolicy policy) {
    this.policy = policy;
  }

  @Override
  public RepairPolicy policy() {
    return policy;
  }

  @Override
  public List<Violation> check(List<Message> history) {
    return HistoryChecker.check(history, Rules.STRICT);
  }

  @Override
  public List<Violation> check(List<Message> history, Dialect dialect) {
    List<Violation> violations = HistoryChecker.check(history, Rules.of(requireDialect(dialect)));
    // the provider's words for this very history, as it meets each fault in the body
    return ProviderErrors.word(history, dialect, violations);
  }

  @Override
  public RepairResult repair(List<Message> history) {
    return repair(history, Rules.STRICT);
  }

  @Override
  public RepairResult repair(List<Message> history, Dialect dialect) {
    return repair(history, Rules.of(requireDialect(dialect)));
  }

  private RepairResult repair(List<Message> history, Rules rules) {
    if (HistoryChecker.isValid(history, rules)) {
      return new RepairResult(history, List.of());
    }
    HistoryRepairer repairer = new HistoryRepairer(history, policy, rules);
    List<Message> repaired = repairer.repair();
    return new RepairResult(repaired, repairer.actions());
  }

  private static Dialect requireDialect(Dialect dialect) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect is null; use check(history) or repair(history) when it is not known");
    }
    return dialect;
  }

  @Override
  public String toString() {
    return "HistoryGuard[" + policy + "]";
  }
}
