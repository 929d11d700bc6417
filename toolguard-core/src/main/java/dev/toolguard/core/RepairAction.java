package dev.toolguard.core;

import org.jspecify.annotations.Nullable;

/**
 * One change that {@link HistoryGuard#repair} made.
 *
 * @param kind what was done
 * @param callId the call id concerned, as it was before the change (empty when it had none)
 * @param newCallId the call id after a {@link Kind#RENAME} or {@link Kind#REBIND}, else null
 * @param fromIndex the index of the message in the input that the change started from, or -1 (synthesized)
 * @param toIndex the index of the message in the output that the change put there, or -1 (dropped)
 * @param detail what was done, in words (ids only, never arguments or outputs)
 */
public record RepairAction(
    Kind kind, String callId, @Nullable String newCallId, int fromIndex, int toIndex, String detail) {

  /** Validates the components. */
  public RepairAction {
    Checks.required(kind, "RepairAction", "kind");
    Checks.required(callId, "RepairAction", "callId");
    Checks.required(detail, "RepairAction", "detail");
  }

  /** The kinds of change, in the order repair prefers them. */
  public enum Kind {
    /** A result was moved to directly after its call. */
    MOVE,
    /** A result whose id matched no call was bound to the one unanswered call it can belong to. */
    REBIND,
    /** A second result for the same call was removed; the kept one is named in the detail. */
    DEDUPLICATE,
    /** A call id that was empty or used twice was renamed (call and result together). */
    RENAME,
    /** An error result was made up for a call that had none. */
    SYNTHESIZE,
    /** Something that belongs nowhere was removed (an orphan result, an empty message, a stray approval). */
    DROP
  }

  /** One line: kind, ids, indexes and detail. */
  @Override
  public String toString() {
    return kind + " " + (callId.isEmpty() ? "(no id)" : callId)
        + (newCallId == null ? "" : " -> " + newCallId)
        + " [" + (fromIndex < 0 ? "-" : Integer.toString(fromIndex)) + " -> "
        + (toIndex < 0 ? "-" : Integer.toString(toIndex)) + "]: " + detail;
  }
}
