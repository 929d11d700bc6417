package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * How the loop runs tools, with exact outcomes: what the listener hears of a call that timed out (run
 * on the loop's thread or on the pool), the durations it is told (never longer than the run that
 * contains them), and where the output limit cuts (found by PIT: no test told these apart).
 */
class ToolRunsTest {

  /** What {@link LoopListener#onToolFinished} was told, in order. */
  private static final class Heard implements LoopListener {
    final List<String> finished = new CopyOnWriteArrayList<>();
    final List<Duration> took = new CopyOnWriteArrayList<>();

    @Override
    public void onToolFinished(ToolCall call, ToolResult result, @Nullable Throwable failure, Duration took) {
      finished.add(call.callId() + ": " + result.output() + (result.error() ? " (error)" : "")
          + (failure == null ? "" : " [" + failure.getClass().getSimpleName() + "]"));
      this.took.add(took);
    }
  }

  /** A tool that waits until it is interrupted (the timeout), then ends as an interrupted tool does. */
  private static LoopTool hanging(String name) {
    return LoopTool.of(ToolSpec.of(name, ""), args -> {
      new CountDownLatch(1).await();
      return "never";
    });
  }

  private static final String TIMED_OUT = "Tool 'slow' did not finish within 100 ms; it was interrupted and its"
      + " outcome is unknown. (error)";

  /** Runs the loop; asserts that every duration heard lies within the run. */
  private static LoopResult run(FunctionInvokingLoop loop, Heard heard) {
    long start = System.nanoTime();
    LoopResult r = loop.run(List.of(Message.user("go")));
    List<Duration> took = List.copyOf(heard.took); // each heard before this line, so within the time below
    Duration whole = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isNotEmpty().allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, whole));
    return r;
  }

  @Test
  void aCallThatTimesOutOnTheLoopsThreadIsHeardAsTimedOut() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "slow", "{}")).thenText("ok");
    Heard heard = new Heard();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(hanging("slow")).listener(heard)
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).inlineSingleCalls(true).build()).build();

    LoopResult r = run(loop, heard);

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    // the tool's own end (interrupted) is heard too; the timeout is heard before the run goes on
    assertThat(heard.finished).contains("c1: " + TIMED_OUT);
    assertThat(r.history().get(2).toolResults()).singleElement().extracting(ToolResult::output)
        .isEqualTo(TIMED_OUT.replace(" (error)", ""));
  }

  @Test
  void aCallThatTimesOutOnThePoolIsHeardAsTimedOut() {
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("c1", "slow", "{}"), ToolCall.of("c2", "fast", "{}")).thenText("ok");
    Heard heard = new Heard();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
        .tools(hanging("slow"), LoopTool.of(ToolSpec.of("fast", ""), args -> "quick"))
        .listener(heard)
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).build()).build();

    LoopResult r = run(loop, heard);

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(heard.finished).contains("c1: " + TIMED_OUT, "c2: quick");
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output)
        .containsExactly(TIMED_OUT.replace(" (error)", ""), "quick");
  }

  @Test
  void anOutputOfExactlyTheLimitIsKeptWholeAndOneCharacterMoreIsCut() {
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("c1", "ten", "{}"), ToolCall.of("c2", "eleven", "{}")).thenText("ok");
    Heard heard = new Heard();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
        .tools(LoopTool.of(ToolSpec.of("ten", ""), args -> "0123456789"),
            LoopTool.of(ToolSpec.of("eleven", ""), args -> "0123456789A"))
        .listener(heard)
        .config(LoopConfig.custom().maxOutputLength(10).build()).build();

    LoopResult r = run(loop, heard);

    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output).containsExactly("0123456789",
        "0123456789\n[output cut by toolguard: it was 11 characters, the limit is 10]");
  }
}
