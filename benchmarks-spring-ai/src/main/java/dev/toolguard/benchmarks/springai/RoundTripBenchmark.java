package dev.toolguard.benchmarks.springai;

import dev.toolguard.benchmarks.support.BenchReferee;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.openai.OpenAiChatModel;

/**
 * One chat request with one tool round through Spring AI's {@code ChatClient} over its {@code
 * OpenAiChatModel}, over HTTP to the testkit referee on 127.0.0.1: the model asks for {@code lookup},
 * the tool runs, the model answers. Two model requests per operation, after {@code history} messages
 * given with {@code .messages(…)}.
 *
 * <ul>
 *   <li>{@code bare}: ChatClient as it comes (Spring AI's {@code ToolCallingAdvisor} and {@code
 *       ToolCallingManager} run the tool);
 *   <li>{@code repairAdvisor}: the same with {@code ToolGuardSpringAi.repairAdvisor()}, which checks the
 *       history of every round before the model;
 *   <li>{@code guarded}: {@code ToolGuardAdvisor}, toolguard's loop in the advisor chain, instead of
 *       Spring AI's.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class RoundTripBenchmark {

  /** Messages before the user message (0 or 200). */
  @Param({"0", "200"})
  public int history;

  private ProviderReferee referee;
  private List<Message> prefill;
  private ChatClient bare;
  private ChatClient repairing;
  private ChatClient guarded;
  private final Fixtures.Lookup lookup = new Fixtures.Lookup();

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.oneLookup());
    OpenAiChatModel model = Fixtures.model(referee);
    prefill = Fixtures.history(history);
    bare = ChatClient.builder(model).build();
    repairing = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.repairAdvisor()).build();
    guarded = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.advisor().build()).build();
    for (Supplier<String> way : List.<Supplier<String>>of(this::bare, this::repairAdvisor, this::guarded)) {
      referee.clearRequests();
      String answer = way.get();
      if (referee.requests().size() != 2 || !referee.rejections().isEmpty()
          || !"Done: the tool answered.".equals(answer)) {
        throw new IllegalStateException("expected two accepted requests, got " + referee.requests());
      }
      if (referee.requests().get(0).json().get("messages").size() != Fixtures.wireMessages(prefill) + 1) {
        throw new IllegalStateException("the first request does not carry the " + history + " messages");
      }
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
  public String bare() {
    return bare.prompt().messages(prefill).user("What is the weather in Paris?").tools(lookup).call().content();
  }

  @Benchmark
  public String repairAdvisor() {
    return repairing.prompt().messages(prefill).user("What is the weather in Paris?").tools(lookup).call().content();
  }

  @Benchmark
  public String guarded() {
    return guarded.prompt().messages(prefill).user("What is the weather in Paris?").tools(lookup).call().content();
  }
}
