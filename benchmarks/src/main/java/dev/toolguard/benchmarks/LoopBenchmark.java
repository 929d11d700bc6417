package dev.toolguard.benchmarks;

import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's own cost: one round (model asks for a call, the tool runs, the model answers) over a
 * no-op backend and a no-op tool, against making the same two backend calls and the tool call by
 * hand; and the wall time of 8 concurrent calls of a 50 ms tool.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopBenchmark {

  private static final ChatResponse TEXT = ChatResponse.of(Message.assistant("done"));
  private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Answers with a call (a fresh id each time, as a model does) when the last message is the
   * user's, with text after a tool result.
   */
  private static final ChatBackend NO_OP = request -> {
    List<Message> h = request.history();
    return h.get(h.size() - 1).role() == dev.toolguard.core.Role.USER
        ? ChatResponse.of(Message.assistant(ToolCall.of("call_" + IDS.incrementAndGet(), "noop", "{}")))
        : TEXT;
  };

  private final LoopTool noop = LoopTool.of(ToolSpec.of("noop", "does nothing"), args -> "ok");
  private final List<Message> history = List.of(Message.user("go"));
  private FunctionInvokingLoop loop;
  private FunctionInvokingLoop parallelLoop;
  private List<Message> history8;

  @Setup
  public void setUp() {
    loop = FunctionInvokingLoop.builder(NO_OP).tools(noop).build();
    LoopTool sleeper = LoopTool.of(ToolSpec.of("sleep", "sleeps 50 ms"), args -> {
      Thread.sleep(50);
      return "slept";
    });
    ChatBackend parallel = request -> {
      List<Message> h = request.history();
      if (h.get(h.size() - 1).role() != dev.toolguard.core.Role.USER) {
        return TEXT;
      }
      List<ToolCall> eight = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        eight.add(ToolCall.of("call_" + IDS.incrementAndGet(), "sleep", "{}"));
      }
      return ChatResponse.of(Message.assistant(eight.toArray(new ToolCall[0])));
    };
    parallelLoop = FunctionInvokingLoop.builder(parallel).tools(sleeper)
        .config(LoopConfig.custom().maxConcurrency(8).build()).build();
    history8 = List.of(Message.user("go"));
  }

  /**
   * What the loop does, by hand and with nothing else: the backend asked, the tool run, the history
   * extended by the call and its result, the backend asked again.
   */
  @Benchmark
  public ChatResponse baselineDirect() throws Exception {
    ChatResponse first = NO_OP.send(ChatRequest.of(history));
    ToolCall call = first.message().toolCalls().get(0);
    String output = noop.invoke(call);
    List<Message> next = new ArrayList<>(history.size() + 2);
    next.addAll(history);
    next.add(first.message());
    next.add(Message.tool(ToolResult.of(call.callId(), call.name(), output)));
    return NO_OP.send(ChatRequest.of(next));
  }

  /** The same through the loop: one iteration with one tool call and the final answer. */
  @Benchmark
  public LoopResult loopOneRound() {
    return loop.run(history);
  }

  /** Wall time of one round in which 8 calls of a 50 ms tool run concurrently. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 20)
  public LoopResult eightConcurrentCallsOf50ms() {
    return parallelLoop.run(history8);
  }
}
