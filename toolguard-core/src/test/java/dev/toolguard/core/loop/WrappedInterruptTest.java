package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A tool run by reflection (a LangChain4j {@code @Tool} method, a Spring AI method tool) that is
 * interrupted throws its {@link InterruptedException} wrapped in the framework's own exception, and
 * the interrupt flag is gone by the time the loop sees it. The loop must still take it for what it
 * is: a cancelled run (when the caller interrupted) or a timeout, never an ordinary tool failure
 * after which the model is asked again. Found by the LangChain4j fault-injection test.
 */
class WrappedInterruptTest {

  /** Like a reflective tool executor: the InterruptedException arrives wrapped, the flag cleared. */
  private static LoopTool wrapping(CountDownLatch started) {
    return LoopTool.of(ToolSpec.of("slow", ""), args -> {
      started.countDown();
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        throw new IllegalStateException("invocation failed", new java.lang.reflect.InvocationTargetException(e));
      }
      return "never";
    });
  }

  @Test
  void aCallerInterruptThatTheToolWrapsCancelsTheRun() throws Exception {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "slow", "{}")).thenText("must not be asked");
    CountDownLatch started = new CountDownLatch(1);
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(wrapping(started)).build();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        loop.run(List.of(Message.user("go")));
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    caller.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(5_000);

    assertThat(thrown.get()).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertThat(HistoryGuard.ofDefaults().check(e.history())).isEmpty();
      assertThat(e.history().get(2).toolResults().get(0).output()).isEqualTo("Tool 'slow' was cancelled before it finished.");
    });
    assertThat(model.requests).as("the model is not asked again").hasSize(1);
  }

  @Test
  void aTimeoutThatTheToolWrapsIsATimeoutAndLeavesTheCallerUninterrupted() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "slow", "{}")).thenText("ok");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(wrapping(new CountDownLatch(1)))
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).build()).build();

    LoopResult r = loop.run(List.of(Message.user("go")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.history().get(2).toolResults().get(0).output()).contains("did not finish within 100 ms");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
