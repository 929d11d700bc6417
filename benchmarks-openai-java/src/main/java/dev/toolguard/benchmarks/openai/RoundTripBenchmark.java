package dev.toolguard.benchmarks.openai;

import dev.toolguard.benchmarks.support.BenchReferee;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.openai.OpenAiHistory;
import dev.toolguard.openai.OpenAiToolGuard;
import dev.toolguard.testkit.ProviderReferee;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * One chat request with one tool round through openai-java's {@code OpenAIOkHttpClient} (Chat
 * Completions), over HTTP to the testkit referee on 127.0.0.1: the model asks for {@code lookup}, the
 * application runs it, the model answers. Two requests per operation, after {@code history} messages.
 *
 * <ul>
 *   <li>{@code bare}: the tool loop an application writes by hand, on the bare client;
 *   <li>{@code guarded}: the same loop on the client wrapped by {@link OpenAiToolGuard#wrap} (every
 *       request's history is checked);
 *   <li>{@code toolguardLoop}: toolguard's {@link FunctionInvokingLoop} over {@link
 *       OpenAiToolGuard#chatCompletions}, the history converted from the same openai-java messages.
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
  private OpenAIClient bare;
  private OpenAIClient guarded;
  private FunctionInvokingLoop loop;
  private List<ChatCompletionMessageParam> prefill;

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.oneLookup());
    bare = Fixtures.client(referee);
    guarded = OpenAiToolGuard.wrap(bare);
    loop = FunctionInvokingLoop.builder(OpenAiToolGuard.chatCompletions(bare, b -> b.model("gpt-test")))
        .tools(Fixtures.loopTool("lookup")).build();
    prefill = Fixtures.history(history);
    for (Runnable way : List.<Runnable>of(this::bare, this::guarded, this::toolguardLoop)) {
      referee.clearRequests();
      way.run();
      BenchReferee.requireAccepted(referee, 2);
      if (referee.requests().get(0).json().get("messages").size() != history + 1) {
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
    bare.close();
    referee.close();
  }

  @Benchmark
  public String bare() {
    return Fixtures.handLoop(bare, prefill, "What is the weather in Paris?", "lookup");
  }

  @Benchmark
  public String guarded() {
    return Fixtures.handLoop(guarded, prefill, "What is the weather in Paris?", "lookup");
  }

  @Benchmark
  public String toolguardLoop() {
    List<ChatCompletionMessageParam> messages = new ArrayList<>(prefill);
    messages.add(Fixtures.user("What is the weather in Paris?"));
    List<Message> history = OpenAiHistory.fromChat(messages);
    LoopResult r = loop.run("bench", history);
    if (r.status() != LoopResult.Status.COMPLETED) {
      throw new IllegalStateException("the run did not complete: " + r.status());
    }
    return r.text();
  }
}
