package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loop's edge cases, with exact outcomes (found by PIT: no test told these apart): the argument
 * limit's edge, and the names the loop and the guard give themselves.
 */
class LoopEdgeCasesTest {

  @Test
  void argumentsOfExactlyTheLimitRunAndOneCharacterMoreAreRefused() {
    String args = "{\"q\":\"abcd\"}"; // 12 characters
    for (int limit : new int[] {12, 11}) {
      ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "t", args)).thenText("ok");
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
          .tools(LoopTool.of(ToolSpec.of("t", ""), a -> "ran"))
          .config(LoopConfig.custom().maxArgumentsLength(limit).build()).build();

      LoopResult r = loop.run(List.of(Message.user("go")));

      assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
      ToolResult result = r.history().get(2).toolResults().get(0);
      if (limit == 12) {
        assertThat(result.output()).isEqualTo("ran");
      } else {
        assertThat(result.output()).startsWith("The arguments of this call are 12 characters long; the limit is 11.");
      }
    }
  }

  @Test
  void theLoopAndTheGuardNameThemselves() {
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(new ScriptedBackend())
        .tools(LoopTool.of(ToolSpec.of("weather", ""), a -> "sunny")).build();
    assertThat(loop.toString()).startsWith("FunctionInvokingLoop[").contains("weather");
    assertThat(HistoryGuard.ofDefaults().toString()).startsWith("HistoryGuard[");
  }

  @Test
  void exactlyTheCallLimitRunsEveryCall() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "t", "{}"), ToolCall.of("c2", "t", "{}"))
        .thenCalls(ToolCall.of("c3", "t", "{}")).thenText("ok");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(LoopTool.of(ToolSpec.of("t", ""), a -> "ran"))
        .config(LoopConfig.custom().maxCallsPerRequest(3).build()).build();

    LoopResult r = loop.run(List.of(Message.user("go")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output).containsExactly("ran", "ran");
    assertThat(r.history().get(4).toolResults()).extracting(ToolResult::output).containsExactly("ran");
  }

  @Test
  void aCallWhoseApprovalPredicateFailsWaitsForApproval() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
        .tools(LoopTool.of(ToolSpec.of("pay", ""), a -> "paid"))
        .approvalRequiredWhen(call -> {
          throw new IllegalStateException("rules unavailable");
        })
        .build();

    LoopResult r = loop.run(List.of(Message.user("pay")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.AWAITING);
    assertThat(r.pending()).singleElement().satisfies(p -> {
      assertThat(p.callId()).isEqualTo("c1");
      assertThat(p.metadata()).containsEntry(dev.toolguard.core.Metadata.PENDING,
          dev.toolguard.core.Metadata.PENDING_APPROVAL);
    });
  }

  @Test
  void toolsOnTheSharedPoolRunOnDaemonThreadsAndAtMostMaxConcurrencyAtOnce() throws Exception {
    // with maxConcurrency 1, the second call can only start after the first ended: the first waits
    // for a start of the second that must not come before it ends
    java.util.concurrent.CountDownLatch secondStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("c1", "first", "{}"), ToolCall.of("c2", "second", "{}")).thenText("ok");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
        .tools(LoopTool.of(ToolSpec.of("first", ""), a -> {
              overlapped.set(secondStarted.await(300, java.util.concurrent.TimeUnit.MILLISECONDS));
              return "daemon=" + Thread.currentThread().isDaemon();
            }),
            LoopTool.of(ToolSpec.of("second", ""), a -> {
              secondStarted.countDown();
              return "daemon=" + Thread.currentThread().isDaemon();
            }))
        .config(LoopConfig.custom().maxConcurrency(1).build()).build();

    LoopResult r = loop.run(List.of(Message.user("go")));

    assertThat(overlapped).as("the second call started while the first ran").isFalse();
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output)
        .containsExactly("daemon=true", "daemon=true");
  }
  @Test
  void threadsTheSharedPoolMakesForMoreCallsThanItHasAreDaemons() throws Exception {
    // more calls at once than the pool has threads: it must make new ones, which this test then sees
    // (the pool is shared by the whole JVM, so idle threads of earlier tests are counted first)
    int alive = (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("toolguard-tool-")).count();
    int calls = alive + 2;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(calls);
    ToolCall[] asked = new ToolCall[calls];
    for (int i = 0; i < calls; i++) {
      asked[i] = ToolCall.of("c" + i, "wait", "{}");
    }
    ScriptedBackend model = new ScriptedBackend().thenCalls(asked).thenText("ok");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
        .tools(LoopTool.of(ToolSpec.of("wait", ""), a -> {
          together.await(10, java.util.concurrent.TimeUnit.SECONDS); // all at once, each on its own thread
          return "daemon=" + Thread.currentThread().isDaemon();
        }))
        .config(LoopConfig.custom().maxConcurrency(calls).maxCallsPerRequest(Math.max(64, calls)).build()).build();

    LoopResult r = loop.run(List.of(Message.user("go")));

    assertThat(r.history().get(2).toolResults()).hasSize(calls).extracting(ToolResult::output)
        .containsOnly("daemon=true");
  }
}
