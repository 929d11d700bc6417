package dev.toolguard.benchmarks.langchain4j;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.toolguard.langchain4j.LangChain4jToolGuard;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
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

/**
 * First-token latency: from {@code chat(request, handler)} on {@code OpenAiStreamingChatModel} to the
 * first {@code onPartialResponse}, bare and wrapped by {@link LangChain4jToolGuard}, with {@code
 * history} messages before the user message. The rest of the stream is drained outside the measured
 * time (an invocation-level tear-down), so that streams never overlap.
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
  private StreamingChatModel bare;
  private StreamingChatModel guarded;
  private ChatRequest request;
  private CompletableFuture<ChatResponse> done = CompletableFuture.completedFuture(null);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    referee = BenchReferee.start(Reply.text("unused"));
    referee.script().respondWith(r -> Reply.text("The weather in Paris is sunny, with a light breeze from the west."));
    bare = Fixtures.streamingModel(referee);
    guarded = LangChain4jToolGuard.wrap(bare);
    List<ChatMessage> messages = new ArrayList<>(Fixtures.history(history));
    messages.add(UserMessage.from("What is the weather in Paris?"));
    request = ChatRequest.builder().messages(messages).build();
    for (StreamingChatModel model : List.of(bare, guarded)) {
      firstToken(model);
      awaitEnd();
    }
    if (!referee.rejections().isEmpty() || referee.requests().size() != 2) {
      throw new IllegalStateException("expected two accepted requests, got " + referee.requests());
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
  public String guarded() throws Exception {
    return firstToken(guarded);
  }

  private String firstToken(StreamingChatModel model) throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<ChatResponse> end = new CompletableFuture<>();
    done = end;
    model.chat(request, new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partialResponse) {
        first.complete(partialResponse);
      }

      @Override
      public void onCompleteResponse(ChatResponse completeResponse) {
        first.complete("");
        end.complete(completeResponse);
      }

      @Override
      public void onError(Throwable error) {
        first.completeExceptionally(error);
        end.completeExceptionally(error);
      }
    });
    return first.get(10, TimeUnit.SECONDS);
  }
}
