package dev.toolguard.json;

import dev.toolguard.core.RepairAction;
import org.jspecify.annotations.Nullable;

/**
 * One change that {@link WireGuard#repair} made to a request body: a core {@link RepairAction}
 * placed in the body, or a change for a limit of the dialect.
 *
 * @param kind what was done
 * @param callId the call id concerned, as it was before the change (empty when there is none)
 * @param newCallId the call id after a rename or rebind, else null
 * @param from where the thing changed stood in the body that came in, or {@code -} (made up, or
 *     not traced)
 * @param to where it stands in the body that goes out, or {@code -} (removed)
 * @param detail what was done, in words (ids only, never arguments or outputs); core's words count
 *     messages of the core history, which may differ from the indexes of the body
 */
public record WireAction(
    RepairAction.Kind kind, String callId, @Nullable String newCallId, String from, String to, String detail) {

  /** Validates the components. */
  public WireAction {
    if (kind == null || callId == null || from == null || to == null || detail == null) {
      throw new IllegalArgumentException("a WireAction component is null; only newCallId may be null");
    }
  }

  /** One line: kind, ids, places and detail. */
  @Override
  public String toString() {
    return kind + " " + (callId.isEmpty() ? "(no id)" : callId) + (newCallId == null ? "" : " -> " + newCallId)
        + " [" + from + " -> " + to + "]: " + detail;
  }
}
