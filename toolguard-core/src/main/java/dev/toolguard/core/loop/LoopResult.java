package dev.toolguard.core.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one run of the loop did. Whatever the status, {@link #history()} is valid: every call in it
 * is answered or waits as an {@link ApprovalRequest}.
 *
 * @param status why the run ended
 * @param history the whole history after the run: store it and pass it to the next run
 * @param added the messages the run added at the end of the history (answers, calls, results)
 * @param pending the calls that wait for an answer from the caller, in order
 * @param repairs what was repaired in the history the run was given
 * @param toolFailures the exceptions of failed tool calls, by call id (kept even when the model
 *     only saw a generic error)
 * @param iterations how many model requests the run made
 */
public record LoopResult(
    Status status,
    List<Message> history,
    List<Message> added,
    List<ApprovalRequest> pending,
    List<RepairAction> repairs,
    Map<String, Throwable> toolFailures,
    int iterations) {

  /** Copies the components. */
  public LoopResult {
    history = List.copyOf(history);
    added = List.copyOf(added);
    pending = List.copyOf(pending);
    repairs = List.copyOf(repairs);
    toolFailures = Map.copyOf(toolFailures);
  }

  /** Why a run ended. */
  public enum Status {
    /** The model answered without calling tools. */
    COMPLETED,
    /** Calls wait: human approval, a client-side tool, or an unknown tool handed back. */
    AWAITING,
    /** The model still asked for tools after the maximum number of iterations. */
    ITERATION_LIMIT,
    /** The model asked for more calls than one run may make. */
    CALL_LIMIT,
    /** Every call failed in too many iterations in a row. */
    ERROR_LIMIT
  }

  /** The last assistant message of the history, or null when there is none. */
  public @Nullable Message lastAssistantMessage() {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).role() == Role.ASSISTANT) {
        return history.get(i);
      }
    }
    return null;
  }

  /**
   * The text of the last assistant message this run added, or an empty string when it added none
   * (the model answered with nothing, or the run only applied answers to waiting calls).
   */
  public String text() {
    for (int i = added.size() - 1; i >= 0; i--) {
      if (added.get(i).role() == Role.ASSISTANT) {
        return added.get(i).text();
      }
    }
    return "";
  }
}
