package dev.toolguard.core.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Observes a loop. Every method does nothing by default; {@link #NOOP} is the listener that ignores
 * all. Methods are called on the loop's threads (tool events on the executor's) and must not block.
 */
public interface LoopListener {

  /** The listener that ignores everything. */
  LoopListener NOOP = new LoopListener() {};

  /** A request is about to be sent (iteration counts from 1). */
  default void onRequest(ChatRequest request, int iteration) {}

  /** A response arrived. */
  default void onResponse(ChatResponse response, int iteration) {}

  /** A tool call starts. */
  default void onToolStarted(ToolCall call) {}

  /**
   * A tool call ended with {@code result}; {@code failure} is what it threw, or null.
   */
  default void onToolFinished(ToolCall call, ToolResult result, @Nullable Throwable failure, Duration took) {}

  /** The history handed to the loop was repaired before a request. */
  default void onRepair(RepairResult repair) {}

  /** A call waits for approval (or for the application, for client-side tools). */
  default void onApprovalRequested(ApprovalRequest request) {}
}
