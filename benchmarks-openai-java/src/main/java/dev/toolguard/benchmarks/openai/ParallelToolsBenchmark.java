package dev.toolguard.benchmarks.openai;

import dev.toolguard.benchmarks.support.BenchReferee;
import com.openai.client.OpenAIClient;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.openai.OpenAiToolGuard;
import dev.toolguard.testkit.ProviderReferee;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tools in parallel: the model asks for 8 calls of a tool that takes 50 ms in one answer, then answers
 * the results; one operation is that whole turn (two requests through openai-java to the referee).
 * {@code handLoopSequential} is the loop an application writes by hand (one call after the other);
 * {@code toolguardLoop} is {@link FunctionInvokingLoop} over {@link OpenAiToolGuard#chatCompletions}
 * with {@code maxConcurrency(8)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class ParallelToolsBenchmark {

  private ProviderReferee referee;
  private OpenAIClient client;
  private FunctionInvokingLoop loop;

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.eightSlowCalls());
    client = Fixtures.client(referee);
    loop = FunctionInvokingLoop.builder(OpenAiToolGuard.chatCompletions(client, b -> b.model("gpt-test")))
        .tools(Fixtures.loopTool("slow")).config(LoopConfig.custom().maxConcurrency(8).build()).build();
    for (Runnable way : List.<Runnable>of(this::handLoopSequential, this::toolguardLoop)) {
      referee.clearRequests();
      way.run();
      BenchReferee.requireAccepted(referee, 2, 8);
    }
  }

  @TearDown(Level.Iteration)
  public void forgetRequests() {
    referee.clearRequests();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    referee.close();
  }

  @Benchmark
  public String handLoopSequential() {
    return Fixtures.handLoop(client, List.of(), "Fetch the eight items", "slow");
  }

  @Benchmark
  public String toolguardLoop() {
    LoopResult r = loop.run("bench", List.of(Message.user("Fetch the eight items")));
    if (r.status() != LoopResult.Status.COMPLETED) {
      throw new IllegalStateException("the run did not complete: " + r.status());
    }
    return r.text();
  }
}
