package dev.toolguard.benchmarks.springai;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.springai.ToolGuardSpringAi;
import dev.toolguard.testkit.ProviderReferee;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;

/**
 * Tools in parallel: the model asks for 8 calls of a tool that takes 50 ms in one answer, then answers
 * the results; one operation is that whole turn (two requests through ChatClient to the referee).
 * {@code springAiSequential} is Spring AI's own tool loop ({@code ToolCallingAdvisor} and {@code
 * ToolCallingManager}, one call after the other); {@code toolguardAdvisor} is {@code ToolGuardAdvisor}
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
  private ChatClient bare;
  private ChatClient guarded;
  private final Fixtures.Slow slow = new Fixtures.Slow();

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.eightSlowCalls());
    OpenAiChatModel model = Fixtures.model(referee);
    bare = ChatClient.builder(model).build();
    guarded = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.advisor()
        .config(LoopConfig.custom().maxConcurrency(8).build()).build()).build();
    for (Supplier<String> way : List.<Supplier<String>>of(this::springAiSequential, this::toolguardAdvisor)) {
      referee.clearRequests();
      way.get();
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
  public String springAiSequential() {
    return bare.prompt().user("Fetch the eight items").tools(slow).call().content();
  }

  @Benchmark
  public String toolguardAdvisor() {
    return guarded.prompt().user("Fetch the eight items").tools(slow).call().content();
  }
}
