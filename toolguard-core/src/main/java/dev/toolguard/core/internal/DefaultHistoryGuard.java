package dev.toolguard.core.internal;

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
    return HistoryChecker.check(history);
  }

  @Override
  public RepairResult repair(List<Message> history) {
    if (HistoryChecker.isValid(history)) {
      return new RepairResult(history, List.of());
    }
    HistoryRepairer repairer = new HistoryRepairer(history, policy);
    List<Message> repaired = repairer.repair();
    return new RepairResult(repaired, repairer.actions());
  }

  @Override
  public String toString() {
    return "HistoryGuard[" + policy + "]";
  }
}
