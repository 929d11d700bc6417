package dev.toolguard.benchmarks.langchain4j;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.langchain4j.ToolLoop;
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
 * the results; one operation is that whole turn (two model requests over HTTP to the referee).
 *
 * <ul>
 *   <li>{@code aiServicesSequential}: AiServices as it comes, one call after the other;
 *   <li>{@code aiServicesConcurrent}: AiServices with {@code executeToolsConcurrently()};
 *   <li>{@code toolLoop}: toolguard's {@link ToolLoop} with {@code maxConcurrency(8)}.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class ParallelToolsBenchmark {

  private ProviderReferee referee;
  private Fixtures.Assistant sequential;
  private Fixtures.Assistant concurrent;
  private ToolLoop loop;

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.eightSlowCalls());
    ChatModel model = Fixtures.model(referee);
    sequential = AiServices.builder(Fixtures.Assistant.class).chatModel(model).tools(new Fixtures.Slow()).build();
    concurrent = AiServices.builder(Fixtures.Assistant.class).chatModel(model).tools(new Fixtures.Slow())
        .executeToolsConcurrently().build();
    loop = ToolLoop.builder(model).tools(new Fixtures.Slow())
        .config(LoopConfig.custom().maxConcurrency(8).build()).build();
    for (Runnable way : List.<Runnable>of(this::aiServicesSequential, this::aiServicesConcurrent, this::toolLoop)) {
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
    referee.close();
  }

  @Benchmark
  public String aiServicesSequential() {
    return sequential.chat("Fetch the eight items");
  }

  @Benchmark
  public String aiServicesConcurrent() {
    return concurrent.chat("Fetch the eight items");
  }

  @Benchmark
  public String toolLoop() {
    return loop.run(MessageWindowChatMemory.withMaxMessages(50), UserMessage.from("Fetch the eight items")).text();
  }
}
