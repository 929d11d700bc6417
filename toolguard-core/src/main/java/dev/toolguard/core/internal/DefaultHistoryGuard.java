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
    Rules rules = Rules.of(requireDialect(dialect));
    if (rules.extra()) {
      // the newer dialects walk the history more than once: each walks a copy read once
      history = snapshot(history);
    }
    List<Violation> violations = HistoryChecker.check(history, rules);
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

  /** {@code history} copied into an array-backed list (null messages kept, for check to name them). */
  private static List<Message> snapshot(List<Message> history) {
    return new java.util.ArrayList<>(HistoryChecker.requireHistory(history));
  }

  private RepairResult repair(List<Message> given, Rules rules) {
    // the newer dialects walk the history more than once: each walks a copy read once
    List<Message> history = rules.extra() ? snapshot(given) : given;
    if (HistoryChecker.isValid(history, rules)) {
      return new RepairResult(given, List.of());
    }
    if (rules.extra() && HistoryChecker.holdsInvariant(history, rules)) {
      // only the newer dialects' own rules are broken
      List<dev.toolguard.core.RepairAction> actions = new java.util.ArrayList<>();
      List<Message> repaired = DialectRepairs.apply(history, rules, policy, actions);
      return new RepairResult(repaired == history ? given : repaired, actions);
    }
    HistoryRepairer repairer = new HistoryRepairer(history, policy, rules);
    List<Message> repaired = repairer.repair();
    if (rules.extra()) {
      // the newer dialects' own rules, on the history that now holds the invariant
      List<dev.toolguard.core.RepairAction> actions = new java.util.ArrayList<>(repairer.actions());
      repaired = DialectRepairs.apply(repaired, rules, policy, actions);
      return new RepairResult(repaired, actions);
    }
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
