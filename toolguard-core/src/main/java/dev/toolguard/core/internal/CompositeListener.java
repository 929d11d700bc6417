package dev.toolguard.core.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopRun;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@link LoopListener#all}: every event to each listener, in order (the run variants, which hand on by default). */
public final class CompositeListener implements LoopListener {

  private final List<LoopListener> listeners;

  /** Use {@link LoopListener#all}. */
  public CompositeListener(List<LoopListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void onRunStarted(LoopRun run) {
    for (LoopListener l : listeners) {
      l.onRunStarted(run);
    }
  }

  @Override
  public void onRunFinished(LoopRun run, @Nullable LoopResult result, @Nullable Throwable failure) {
    for (LoopListener l : listeners) {
      l.onRunFinished(run, result, failure);
    }
  }

  @Override
  public void onRequest(LoopRun run, ChatRequest request, int iteration) {
    for (LoopListener l : listeners) {
      l.onRequest(run, request, iteration);
    }
  }

  @Override
  public void onResponse(LoopRun run, ChatResponse response, int iteration) {
    for (LoopListener l : listeners) {
      l.onResponse(run, response, iteration);
    }
  }

  @Override
  public void onRequestFailed(LoopRun run, ChatRequest request, int iteration, Throwable failure) {
    for (LoopListener l : listeners) {
      l.onRequestFailed(run, request, iteration, failure);
    }
  }

  @Override
  public void onToolStarted(LoopRun run, ToolCall call) {
    for (LoopListener l : listeners) {
      l.onToolStarted(run, call);
    }
  }

  @Override
  public void onToolFinished(LoopRun run, ToolCall call, ToolResult result, @Nullable Throwable failure,
      Duration took) {
    for (LoopListener l : listeners) {
      l.onToolFinished(run, call, result, failure, took);
    }
  }

  @Override
  public void onRepair(LoopRun run, RepairResult repair) {
    for (LoopListener l : listeners) {
      l.onRepair(run, repair);
    }
  }

  @Override
  public void onViolations(LoopRun run, List<Violation> violations) {
    for (LoopListener l : listeners) {
      l.onViolations(run, violations);
    }
  }

  @Override
  public void onApprovalRequested(LoopRun run, ApprovalRequest request) {
    for (LoopListener l : listeners) {
      l.onApprovalRequested(run, request);
    }
  }

  @Override
  public void onApprovalDecided(LoopRun run, ApprovalRequest request, ApprovalOutcome outcome) {
    for (LoopListener l : listeners) {
      l.onApprovalDecided(run, request, outcome);
    }
  }

  @Override
  public String toString() {
    return "LoopListener.all" + listeners;
  }
}
