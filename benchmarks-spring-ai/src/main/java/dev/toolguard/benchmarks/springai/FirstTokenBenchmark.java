package dev.toolguard.benchmarks.springai;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.toolguard.springai.ToolGuardSpringAi;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.openai.OpenAiChatModel;

/**
 * First-token latency: from {@code prompt()…stream().content()} being subscribed to its first element,
 * on a bare ChatClient (Spring AI's own advisors), with {@code ToolGuardSpringAi.repairAdvisor()} and with
 * {@code ToolGuardAdvisor}, after {@code history} messages. The rest of the stream is awaited outside the
 * measured time (an invocation-level tear-down).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class FirstTokenBenchmark {

  /** Messages before the user message (0 or 200). */
  @Param({"0", "200"})
  public int history;

  private ProviderReferee referee;
  private List<Message> prefill;
  private ChatClient bare;
  private ChatClient repairing;
  private ChatClient guarded;
  private CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    referee = BenchReferee.start(Reply.text("unused"));
    referee.script().respondWith(r -> Reply.text("The weather in Paris is sunny, with a light breeze from the west."));
    OpenAiChatModel model = Fixtures.model(referee);
    prefill = Fixtures.history(history);
    bare = ChatClient.builder(model).build();
    repairing = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.repairAdvisor()).build();
    guarded = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.advisor().build()).build();
    for (ChatClient client : List.of(bare, repairing, guarded)) {
      firstToken(client);
      awaitEnd();
    }
    if (!referee.rejections().isEmpty() || referee.requests().size() != 3) {
      throw new IllegalStateException("expected three accepted requests, got " + referee.requests());
    }
  }

  @TearDown(Level.Invocation)
  public void awaitEnd() throws Exception {
    done.get(10, TimeUnit.SECONDS);
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
  public String bare() throws Exception {
    return firstToken(bare);
  }

  @Benchmark
  public String repairAdvisor() throws Exception {
    return firstToken(repairing);
  }

  @Benchmark
  public String guarded() throws Exception {
    return firstToken(guarded);
  }

  private String firstToken(ChatClient client) throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<Void> end = new CompletableFuture<>();
    done = end;
    client.prompt().messages(prefill).user("What is the weather in Paris?").stream().content().subscribe(
        first::complete,
        error -> {
          first.completeExceptionally(error);
          end.completeExceptionally(error);
        },
        () -> {
          first.complete("");
          end.complete(null);
        });
    return first.get(10, TimeUnit.SECONDS);
  }
}
