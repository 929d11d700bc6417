package dev.toolguard.json;

import java.util.List;

/**
 * The outcome of {@link WireGuard#repair}: the body to send and every change made.
 *
 * @param request the repaired request
 * @param body the repaired body as JSON text; the text that came in, unchanged, when nothing had to
 *     change
 * @param actions the changes, core's first and then the dialect's; empty when nothing changed
 */
public record WireRepair(WireRequest request, String body, List<WireAction> actions) {

  /** Validates and copies the components. */
  public WireRepair {
    if (request == null || body == null || actions == null) {
      throw new IllegalArgumentException("a WireRepair component is null");
    }
    actions = List.copyOf(actions);
  }

  /** True when repair changed anything. */
  public boolean changed() {
    return !actions.isEmpty();
  }
}
