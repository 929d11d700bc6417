package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.LoopListener.ApprovalOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The listener SPI: the run hooks, in pairs also on failure; approval outcomes; composition; the older hooks. */
class LoopListenerTest {

  /** Writes each event as one line, with the run's conversation key. */
  static final class Recorder implements LoopListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRunStarted(LoopRun run) {
      events.add("start " + run.conversationKey() + " " + run.dialect());
    }

    @Override
    public void onRunFinished(LoopRun run, @Nullable LoopResult result, @Nullable Throwable failure) {
      events.add("end " + (result != null ? result.status() : failure.getClass().getSimpleName()));
    }

    @Override
    public void onRequest(LoopRun run, ChatRequest request, int iteration) {
      events.add("request " + iteration);
    }

    @Override
    public void onRequestFailed(LoopRun run, ChatRequest request, int iteration, Throwable failure) {
      events.add("request failed " + iteration + " " + failure.getMessage());
    }

    @Override
    public void onToolStarted(LoopRun run, ToolCall call) {
      events.add("tool " + call.name());
    }

    @Override
    public void onViolations(LoopRun run, List<Violation> violations) {
      violations.forEach(v -> events.add("violation " + v.code()));
    }

    @Override
    public void onRepair(LoopRun run, RepairResult repair) {
      repair.actions().forEach(a -> events.add("repair " + a.kind()));
    }

    @Override
    public void onApprovalRequested(LoopRun run, ApprovalRequest request) {
      events.add("asked " + request.callId());
    }

    @Override
    public void onApprovalDecided(LoopRun run, ApprovalRequest request, ApprovalOutcome outcome) {
      events.add("decided " + request.callId() + " " + outcome);
    }
  }

  private static LoopTool tool(String name) {
    return LoopTool.of(new ToolSpec(name, name, "{\"type\":\"object\"}"), args -> name + " done");
  }

  @Test
  void aFailedRunEndsInTheListenerToo() {
    Recorder r = new Recorder();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(new ScriptedBackend()
            .thenFail(new IllegalStateException("provider down")))
        .dialect(Dialect.ANTHROPIC).listener(r).build();

    assertThatThrownBy(() -> loop.run("k1", List.of(Message.user("hi")))).isInstanceOf(LoopException.class);

    assertThat(r.events).containsExactly("start k1 ANTHROPIC", "request 1", "request failed 1 provider down",
        "end LoopException");
  }

  @Test
  void aRejectedHistoryIsReportedAsViolationsAndTheRunEnds() {
    Recorder r = new Recorder();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(new ScriptedBackend())
        .config(LoopConfig.custom().historyPolicy(LoopConfig.HistoryPolicy.REJECT).build()).listener(r).build();
    List<Message> broken = List.of(Message.user("hi"), Message.tool(ToolResult.of("c9", "x", "orphan")));

    assertThatThrownBy(() -> loop.run(broken)).isInstanceOf(InvalidHistoryException.class);

    assertThat(r.events).containsExactly("start null null", "violation ORPHAN_RESULT", "end InvalidHistoryException");
  }

  @Test
  void everyWayOfSettlingAWaitingCallIsToldOnce() {
    Recorder r = new Recorder();
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("a", "pay", "{}"), ToolCall.of("b", "pay", "{}"), ToolCall.of("c", "pay", "{}"),
            ToolCall.of("d", "pay", "{}"))
        .thenText("ok");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(tool("pay"))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).listener(r).build();
    LoopResult asked = loop.run("k2", List.of(Message.user("pay four")));
    assertThat(asked.pending()).hasSize(4);
    List<Message> answered = new ArrayList<>(asked.history());
    answered.add(Message.of(Role.USER, ApprovalResponse.approve(asked.pending().get(0)),
        ApprovalResponse.approveWithArguments(asked.pending().get(1), "{\"amount\":1}"),
        ApprovalResponse.reject(asked.pending().get(2), "no"),
        ApprovalResponse.respondWith(asked.pending().get(3), "paid by hand")));
    r.events.clear();

    LoopResult done = loop.run("k2", answered);

    assertThat(done.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.events).containsSubsequence("start k2 null", "decided a APPROVED", "decided b APPROVED_EDITED",
        "decided c REJECTED", "decided d RESPONDED", "tool pay", "request 1", "end COMPLETED");
    assertThat(r.events.stream().filter(e -> e.startsWith("decided"))).hasSize(4);

    // the same answers again (a double click): settled before, nothing is decided twice
    r.events.clear();
    loop.run("k2", answered);
    assertThat(r.events).noneMatch(e -> e.startsWith("decided"));
  }

  @Test
  void allHandsEveryEventToEachListenerInOrderAndOldStyleListenersStillHear() {
    Recorder first = new Recorder();
    List<String> old = Collections.synchronizedList(new ArrayList<>());
    LoopListener oldStyle = new LoopListener() {
      @Override
      public void onRequest(ChatRequest request, int iteration) {
        old.add("request " + iteration);
      }

      @Override
      public void onToolFinished(ToolCall call, ToolResult result, @Nullable Throwable failure, Duration took) {
        old.add("finished " + call.name());
      }
    };
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(new ScriptedBackend()
            .thenCalls(ToolCall.of("c1", "lookup", "{}")).thenText("done"))
        .tools(tool("lookup")).listener(LoopListener.all(List.of(first, oldStyle))).build();

    loop.run(List.of(Message.user("look it up")));

    assertThat(first.events).containsExactly("start null null", "request 1", "tool lookup", "request 2",
        "end COMPLETED");
    assertThat(old).containsExactly("request 1", "finished lookup", "request 2");
    assertThatThrownBy(() -> LoopListener.all(java.util.Arrays.asList(first, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("listeners[1] is null");
    assertThat(LoopListener.all(List.of(first))).isSameAs(first);
  }
}
