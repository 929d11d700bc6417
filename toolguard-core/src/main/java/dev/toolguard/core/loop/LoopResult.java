package dev.toolguard.core.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
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
    ERROR_LIMIT,
    /**
     * Every call of the last turn ran a tool that returns its result directly ({@link
     * LoopTool#returnDirect()}): the results are for the caller ({@link #directResults()}), and the
     * model was not asked again. The history ends with the turn's calls and results, valid as ever.
     */
    RETURNED_DIRECT
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
   * The results a {@link Status#RETURNED_DIRECT} run hands to the caller: those of the last turn
   * with calls in the history, in call order. Empty for any other status.
   */
  public List<ToolResult> directResults() {
    if (status != Status.RETURNED_DIRECT) {
      return List.of();
    }
    for (int i = history.size() - 1; i >= 0; i--) {
      Message m = history.get(i);
      if (m.role() != Role.ASSISTANT || !m.hasToolCalls()) {
        continue;
      }
      Map<String, ToolResult> byId = new HashMap<>();
      for (int j = i + 1; j < history.size() && history.get(j).role() == Role.TOOL; j++) {
        for (ToolResult r : history.get(j).toolResults()) {
          byId.putIfAbsent(r.callId(), r);
        }
      }
      List<ToolResult> out = new ArrayList<>();
      for (ToolCall call : m.toolCalls()) {
        ToolResult r = byId.get(call.callId());
        if (r != null) {
          out.add(r);
        }
      }
      return List.copyOf(out);
    }
    return List.of();
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
