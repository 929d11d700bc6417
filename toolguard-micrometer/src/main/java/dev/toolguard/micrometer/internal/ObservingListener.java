package dev.toolguard.micrometer.internal;

import static dev.toolguard.micrometer.ToolguardObservations.APPROVAL;
import static dev.toolguard.micrometer.ToolguardObservations.APPROVAL_OUTCOME;
import static dev.toolguard.micrometer.ToolguardObservations.CHAT;
import static dev.toolguard.micrometer.ToolguardObservations.CONVERSATION_ID;
import static dev.toolguard.micrometer.ToolguardObservations.DIALECT;
import static dev.toolguard.micrometer.ToolguardObservations.EXECUTE_TOOL;
import static dev.toolguard.micrometer.ToolguardObservations.ITERATIONS;
import static dev.toolguard.micrometer.ToolguardObservations.MODEL_REQUEST;
import static dev.toolguard.micrometer.ToolguardObservations.OPERATION_NAME;
import static dev.toolguard.micrometer.ToolguardObservations.REPAIR;
import static dev.toolguard.micrometer.ToolguardObservations.REPAIR_ACTION;
import static dev.toolguard.micrometer.ToolguardObservations.RUN;
import static dev.toolguard.micrometer.ToolguardObservations.STATUS;
import static dev.toolguard.micrometer.ToolguardObservations.TOOL_CALL;
import static dev.toolguard.micrometer.ToolguardObservations.TOOL_CALL_ID;
import static dev.toolguard.micrometer.ToolguardObservations.TOOL_NAME;
import static dev.toolguard.micrometer.ToolguardObservations.VIOLATION;
import static dev.toolguard.micrometer.ToolguardObservations.VIOLATION_CODE;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopRun;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The listener of {@link dev.toolguard.micrometer.ToolguardObservations}. A run's observation is open
 * (in scope) on the loop's thread from start to end; a model request's within it; a tool call's on the
 * thread that runs the tool, its parent the run's, so that what the tool observes itself (an HTTP
 * client, Spring AI's tool observation) nests under it. Repairs, violations and approvals are
 * observations without duration, children of the run's.
 */
public final class ObservingListener implements LoopListener {

  private static final String NO_DIALECT = "none";

  private final ObservationRegistry registry;
  private final @Nullable Tally tally;

  /** Observes into {@code registry}; counts into {@code tally} when there is one. */
  public ObservingListener(ObservationRegistry registry, @Nullable Tally tally) {
    this.registry = registry;
    this.tally = tally;
  }

  /** What this listener keeps of one run. */
  private static final class RunState {
    final Observation run;
    final Observation.Scope scope;
    /** The open request, touched on the loop's thread only. */
    @Nullable Observation request;
    Observation.@Nullable Scope requestScope;
    final Map<ToolCall, ToolObservation> tools = Collections.synchronizedMap(new IdentityHashMap<>());
    final AtomicBoolean ended = new AtomicBoolean();

    RunState(Observation run, Observation.Scope scope) {
      this.run = run;
      this.scope = scope;
    }
  }

  /** A tool call's observation, the scope it opened on {@code thread}, and whether it was stopped. */
  private record ToolObservation(Observation observation, Observation.Scope scope, Thread thread,
      AtomicBoolean stopped) {}

  private @Nullable RunState state(LoopRun run) {
    return (RunState) run.attributes().get(this);
  }

  private static String dialect(LoopRun run) {
    return run.dialect() == null ? NO_DIALECT : run.dialect().id();
  }

  /** A new observation of {@code run}: its dialect, conversation and parent. */
  private Observation child(String name, LoopRun run) {
    Observation o = Observation.createNotStarted(name, registry)
        .lowCardinalityKeyValue(DIALECT, dialect(run));
    String key = run.conversationKey();
    if (key != null) {
      o.highCardinalityKeyValue(CONVERSATION_ID, key);
    }
    RunState s = state(run);
    if (s != null) {
      o.parentObservation(s.run);
    }
    return o;
  }

  @Override
  public void onRunStarted(LoopRun run) {
    Observation o = Observation.createNotStarted(RUN, registry)
        .contextualName("toolguard run")
        .lowCardinalityKeyValue(DIALECT, dialect(run));
    String key = run.conversationKey();
    if (key != null) {
      o.highCardinalityKeyValue(CONVERSATION_ID, key);
    }
    o.start();
    run.attributes().put(this, new RunState(o, o.openScope()));
  }

  @Override
  public void onRunFinished(LoopRun run, @Nullable LoopResult result, @Nullable Throwable failure) {
    // the state stays with the run: a tool abandoned at its timeout still finds its scope when it returns
    RunState s = state(run);
    if (s == null || !s.ended.compareAndSet(false, true)) {
      return;
    }
    closeRequest(s, failure);
    if (result != null) {
      s.run.lowCardinalityKeyValue(STATUS, result.status().name().toLowerCase(Locale.ROOT));
      s.run.highCardinalityKeyValue(ITERATIONS, Integer.toString(result.iterations()));
    } else {
      s.run.lowCardinalityKeyValue(STATUS, "error");
      if (failure != null) {
        s.run.error(failure);
      }
    }
    s.scope.close();
    s.run.stop();
  }

  @Override
  public void onRequest(LoopRun run, ChatRequest request, int iteration) {
    RunState s = state(run);
    Observation o = child(MODEL_REQUEST, run)
        .contextualName(CHAT)
        .lowCardinalityKeyValue(OPERATION_NAME, CHAT)
        .start();
    if (s != null) {
      closeRequest(s, null);
      s.request = o;
      s.requestScope = o.openScope();
    } else {
      o.stop();
    }
  }

  @Override
  public void onResponse(LoopRun run, ChatResponse response, int iteration) {
    RunState s = state(run);
    if (s != null) {
      closeRequest(s, null);
    }
  }

  @Override
  public void onRequestFailed(LoopRun run, ChatRequest request, int iteration, Throwable failure) {
    RunState s = state(run);
    if (s != null) {
      closeRequest(s, failure);
    }
  }

  /** Ends the open request of {@code s}, if any: ok, or failed with {@code failure}. */
  private static void closeRequest(RunState s, @Nullable Throwable failure) {
    Observation o = s.request;
    Observation.Scope scope = s.requestScope;
    if (o == null || scope == null) {
      return;
    }
    s.request = null;
    s.requestScope = null;
    o.lowCardinalityKeyValue(STATUS, failure == null ? "ok" : "error");
    if (failure != null) {
      o.error(failure);
    }
    scope.close();
    o.stop();
  }

  @Override
  public void onToolStarted(LoopRun run, ToolCall call) {
    Observation o = child(TOOL_CALL, run)
        .contextualName(EXECUTE_TOOL + " " + call.name())
        .lowCardinalityKeyValue(OPERATION_NAME, EXECUTE_TOOL)
        .lowCardinalityKeyValue(TOOL_NAME, call.name())
        .highCardinalityKeyValue(TOOL_CALL_ID, call.callId())
        .start();
    RunState s = state(run);
    if (s == null) {
      o.stop();
      return;
    }
    s.tools.put(call, new ToolObservation(o, o.openScope(), Thread.currentThread(), new AtomicBoolean()));
  }

  @Override
  public void onToolFinished(LoopRun run, ToolCall call, ToolResult result, @Nullable Throwable failure,
      Duration took) {
    RunState s = state(run);
    if (s == null) {
      return;
    }
    ToolObservation t = s.tools.get(call);
    if (t == null) {
      return;
    }
    boolean own = t.thread() == Thread.currentThread();
    if (own) {
      s.tools.remove(call);
    }
    if (!t.stopped().getAndSet(true)) {
      t.observation().lowCardinalityKeyValue(STATUS, result.error() ? "error" : "ok");
      if (failure != null) {
        t.observation().error(failure);
      }
      if (own) {
        t.scope().close();
      }
      t.observation().stop();
    } else if (own) {
      t.scope().close(); // stopped at its timeout from the loop's thread; the scope is this thread's to close
    }
  }

  @Override
  public void onRepair(LoopRun run, RepairResult repair) {
    for (RepairAction action : repair.actions()) {
      String kind = action.kind().name().toLowerCase(Locale.ROOT);
      Observation o = child(REPAIR, run)
          .contextualName("toolguard repair " + kind)
          .lowCardinalityKeyValue(REPAIR_ACTION, kind);
      if (!action.callId().isEmpty()) {
        o.highCardinalityKeyValue(TOOL_CALL_ID, action.callId());
      }
      o.start().stop();
      if (tally != null) {
        tally.repair(kind);
      }
    }
  }

  @Override
  public void onViolations(LoopRun run, List<Violation> violations) {
    for (Violation v : violations) {
      String code = v.code().name();
      Observation o = child(VIOLATION, run)
          .contextualName("toolguard violation " + code)
          .lowCardinalityKeyValue(VIOLATION_CODE, code);
      if (!v.callId().isEmpty()) {
        o.highCardinalityKeyValue(TOOL_CALL_ID, v.callId());
      }
      o.start().stop();
      if (tally != null) {
        tally.violation(code);
      }
    }
  }

  @Override
  public void onApprovalRequested(LoopRun run, ApprovalRequest request) {
    approval(run, request, "requested");
  }

  @Override
  public void onApprovalDecided(LoopRun run, ApprovalRequest request, ApprovalOutcome outcome) {
    approval(run, request, outcome.name().toLowerCase(Locale.ROOT));
  }

  private void approval(LoopRun run, ApprovalRequest request, String outcome) {
    // a call of a tool the loop does not know names what the model made up: kept out of the tags
    String tool = Metadata.PENDING_UNKNOWN_TOOL.equals(request.metadata().get(Metadata.PENDING))
        ? "(unknown)" : request.call().name();
    child(APPROVAL, run)
        .contextualName("toolguard approval " + outcome)
        .lowCardinalityKeyValue(APPROVAL_OUTCOME, outcome)
        .lowCardinalityKeyValue(TOOL_NAME, tool)
        .highCardinalityKeyValue(TOOL_CALL_ID, request.callId())
        .start()
        .stop();
  }

  @Override
  public String toString() {
    return "ToolguardObservations[" + registry + (tally == null ? "" : ", with counters") + "]";
  }
}
