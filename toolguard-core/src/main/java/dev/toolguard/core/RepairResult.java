package dev.toolguard.core;

import java.util.List;

/**
 * The outcome of {@link HistoryGuard#repair}: the history to send and every change made to it.
 *
 * @param history the repaired history; the input instance itself when nothing had to change
 * @param actions the changes, in the order they were made; empty when nothing changed
 */
public record RepairResult(List<Message> history, List<RepairAction> actions) {

  /** Validates and copies the components (the history list is kept as given). */
  public RepairResult {
    Checks.required(history, "RepairResult", "history");
    actions = List.copyOf(Checks.required(actions, "RepairResult", "actions"));
  }

  /** True when repair changed anything. */
  public boolean changed() {
    return !actions.isEmpty();
  }
}
