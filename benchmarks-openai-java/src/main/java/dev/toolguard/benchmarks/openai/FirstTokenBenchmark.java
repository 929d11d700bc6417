package dev.toolguard.benchmarks.openai;

import dev.toolguard.benchmarks.support.BenchReferee;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import dev.toolguard.openai.OpenAiToolGuard;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 * First-token latency: from {@code chat().completions().createStreaming(params)} to the first chunk with
 * text, on the bare client and on the client wrapped by {@link OpenAiToolGuard#wrap}, with {@code history}
 * messages before the user message. The rest of the stream is read outside the measured time (an
 * invocation-level tear-down).
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
  private OpenAIClient bare;
  private OpenAIClient guarded;
  private ChatCompletionCreateParams params;
  private @Nullable StreamResponse<ChatCompletionChunk> open;
  private @Nullable Iterator<ChatCompletionChunk> rest;

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(Reply.text("unused"));
    referee.script().respondWith(r -> Reply.text("The weather in Paris is sunny, with a light breeze from the west."));
    bare = Fixtures.client(referee);
    guarded = OpenAiToolGuard.wrap(bare);
    List<ChatCompletionMessageParam> messages = new ArrayList<>(Fixtures.history(history));
    messages.add(Fixtures.user("What is the weather in Paris?"));
    params = Fixtures.params(messages, "lookup");
    for (OpenAIClient client : List.of(bare, guarded)) {
      firstToken(client);
      drain();
    }
    if (!referee.rejections().isEmpty() || referee.requests().size() != 2) {
      throw new IllegalStateException("expected two accepted requests, got " + referee.requests());
    }
  }

  @TearDown(Level.Invocation)
  public void drain() {
    if (open != null) {
      while (rest.hasNext()) {
        rest.next();
      }
      open.close();
      open = null;
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
    return firstToken(bare);
  }

  @Benchmark
  public String guarded() {
    return firstToken(guarded);
  }

  private String firstToken(OpenAIClient client) {
    open = client.chat().completions().createStreaming(params);
    rest = open.stream().iterator();
    while (rest.hasNext()) {
      ChatCompletionChunk chunk = rest.next();
      for (ChatCompletionChunk.Choice choice : chunk.choices()) {
        String text = choice.delta().content().orElse("");
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    throw new IllegalStateException("the stream ended without text");
  }
}
