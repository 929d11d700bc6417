package dev.toolguard.core.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Observes a loop. Every method does nothing by default; {@link #NOOP} is the listener that ignores
 * all. Methods are called on the loop's threads (tool events on the executor's) and must not block.
 *
 * <p>The loop calls the methods that take a {@link LoopRun}; each of them hands on to the older
 * method without it by default, so a listener written before runs existed keeps working. A listener
 * that keeps state per run (a metrics or tracing bridge such as toolguard-micrometer's) implements the
 * run variants and keeps its state in {@link LoopRun#attributes()}. Every run that starts ends: {@link
 * #onRunFinished} is called once per {@link #onRunStarted}, whether the run completed or failed.
 */
public interface LoopListener {

  /** The listener that ignores everything. */
  LoopListener NOOP = new LoopListener() {};

  /** How a waiting call was settled when a run resumed it. */
  enum ApprovalOutcome {
    /** Approved as asked; it runs. */
    APPROVED,
    /** Approved with edited arguments; it runs with them. */
    APPROVED_EDITED,
    /** Rejected; the model gets the rejection text. */
    REJECTED,
    /** Answered with an output in place of running it. */
    RESPONDED,
    /** A client-side (or unknown) tool's result was handed in by the application. */
    RESULT_GIVEN,
    /** The user went on without answering it; it was declined ({@link LoopConfig.PendingPolicy#DECLINE}). */
    NOT_ANSWERED
  }

  /**
   * The listener that hands every event to each of {@code listeners}, in order.
   *
   * @throws IllegalArgumentException if the list or one of its listeners is null
   */
  static LoopListener all(List<LoopListener> listeners) {
    if (listeners == null) {
      throw new IllegalArgumentException("listeners must not be null; pass List.of() for none");
    }
    for (int i = 0; i < listeners.size(); i++) {
      if (listeners.get(i) == null) {
        throw new IllegalArgumentException("listeners[" + i + "] is null");
      }
    }
    List<LoopListener> copy = List.copyOf(listeners);
    if (copy.size() == 1) {
      return copy.get(0);
    }
    return new dev.toolguard.core.internal.CompositeListener(copy);
  }

  /**
   * A run starts: before waiting calls are resumed and before its first request. The loop's thread
   * carries the conversation key in the slf4j MDC under {@link FunctionInvokingLoop#MDC_CONVERSATION}
   * from here to {@link #onRunFinished}.
   */
  default void onRunStarted(LoopRun run) {}

  /**
   * A run ended, with {@code result} or with {@code failure} (exactly one of them is not null).
   */
  default void onRunFinished(LoopRun run, @Nullable LoopResult result, @Nullable Throwable failure) {}

  /** A request is about to be sent (iteration counts from 1). */
  default void onRequest(ChatRequest request, int iteration) {}

  /** A request of {@code run} is about to be sent (iteration counts from 1); by default {@link #onRequest(ChatRequest, int)}. */
  default void onRequest(LoopRun run, ChatRequest request, int iteration) {
    onRequest(request, iteration);
  }

  /** A response arrived. */
  default void onResponse(ChatResponse response, int iteration) {}

  /** A response of {@code run} arrived; by default {@link #onResponse(ChatResponse, int)}. */
  default void onResponse(LoopRun run, ChatResponse response, int iteration) {
    onResponse(response, iteration);
  }

  /** The backend failed on request {@code iteration} of {@code run}; the run ends with a {@link LoopException}. */
  default void onRequestFailed(LoopRun run, ChatRequest request, int iteration, Throwable failure) {}

  /** A tool call starts. */
  default void onToolStarted(ToolCall call) {}

  /**
   * A tool call of {@code run} starts, on the thread that runs it; by default {@link
   * #onToolStarted(ToolCall)}.
   */
  default void onToolStarted(LoopRun run, ToolCall call) {
    onToolStarted(call);
  }

  /**
   * A tool call ended with {@code result}; {@code failure} is what it threw, or null.
   */
  default void onToolFinished(ToolCall call, ToolResult result, @Nullable Throwable failure, Duration took) {}

  /**
   * A tool call of {@code run} ended; by default {@link #onToolFinished(ToolCall, ToolResult, Throwable,
   * Duration)}. Usually on the thread that ran it; a call that timed out is finished from the loop's
   * thread (the same instance of {@code call} as at its start), and should the tool return later, it
   * is finished a second time from its own thread: a listener counts the first.
   */
  default void onToolFinished(LoopRun run, ToolCall call, ToolResult result, @Nullable Throwable failure,
      Duration took) {
    onToolFinished(call, result, failure, took);
  }

  /** The history handed to the loop was repaired before a request. */
  default void onRepair(RepairResult repair) {}

  /** The history handed to {@code run} was repaired before a request; by default {@link #onRepair(RepairResult)}. */
  default void onRepair(LoopRun run, RepairResult repair) {
    onRepair(repair);
  }

  /**
   * The history handed to {@code run} broke the invariant in these ways (found before it was repaired,
   * or before the run failed with {@link dev.toolguard.core.InvalidHistoryException} under {@link
   * LoopConfig.HistoryPolicy#REJECT}).
   */
  default void onViolations(LoopRun run, List<Violation> violations) {}

  /** A call waits for approval (or for the application, for client-side tools). */
  default void onApprovalRequested(ApprovalRequest request) {}

  /**
   * A call of {@code run} waits for approval (or for the application, for client-side tools); by default
   * {@link #onApprovalRequested(ApprovalRequest)}.
   */
  default void onApprovalRequested(LoopRun run, ApprovalRequest request) {
    onApprovalRequested(request);
  }

  /**
   * A waiting call was settled when {@code run} resumed it: approved, rejected, answered, or declined
   * because the user went on. Called once the answer passed every check, before the call runs.
   */
  default void onApprovalDecided(LoopRun run, ApprovalRequest request, ApprovalOutcome outcome) {}
}
