package dev.toolguard.benchmarks.langchain4j;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import dev.toolguard.langchain4j.LangChain4jToolGuard;
import dev.toolguard.langchain4j.ToolLoop;
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
 * One chat request with one tool round through LangChain4j's {@code AiServices} over {@code
 * OpenAiChatModel}, over HTTP to the testkit referee on 127.0.0.1: the model asks for {@code lookup},
 * AiServices runs it, the model answers. Two model requests per operation, and the chat memory starts
 * each operation with {@code history} messages (the realistic mix: calls, results, texts).
 *
 * <ul>
 *   <li>{@code bare}: AiServices over the model and a {@code MessageWindowChatMemory};
 *   <li>{@code guarded}: the same with the model and the memory wrapped by {@link LangChain4jToolGuard}
 *       (every read of the memory and every request is checked);
 *   <li>{@code toolLoop}: toolguard's {@link ToolLoop} over the same model, memory and tool, instead of
 *       AiServices.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class RoundTripBenchmark {

  /** Messages in the memory before the request (0 or 200). */
  @Param({"0", "200"})
  public int history;

  private ProviderReferee referee;
  private List<ChatMessage> prefill;
  private InMemoryChatMemoryStore bareStore;
  private InMemoryChatMemoryStore guardedStore;
  private InMemoryChatMemoryStore loopStore;
  private Fixtures.Assistant bare;
  private Fixtures.Assistant guarded;
  private ToolLoop loop;
  private ChatMemory loopMemory;

  @Setup(Level.Trial)
  public void setUp() {
    referee = BenchReferee.start(BenchReferee.oneLookup());
    ChatModel model = Fixtures.model(referee);
    prefill = Fixtures.history(history);
    bareStore = new InMemoryChatMemoryStore();
    guardedStore = new InMemoryChatMemoryStore();
    loopStore = new InMemoryChatMemoryStore();
    bare = AiServices.builder(Fixtures.Assistant.class).chatModel(model).chatMemory(memory(bareStore))
        .tools(new Fixtures.Lookup()).build();
    guarded = AiServices.builder(Fixtures.Assistant.class).chatModel(LangChain4jToolGuard.wrap(model))
        .chatMemory(LangChain4jToolGuard.wrap(memory(guardedStore))).tools(new Fixtures.Lookup()).build();
    loop = ToolLoop.builder(model).tools(new Fixtures.Lookup()).build();
    loopMemory = memory(loopStore);
    // each way once: it must get through the referee with one tool round
    for (Runnable way : List.<Runnable>of(this::bare, this::guarded, this::toolLoop)) {
      referee.clearRequests();
      way.run();
      BenchReferee.requireAccepted(referee, 2);
      if (referee.requests().get(0).json().get("messages").size() != history + 1) {
        throw new IllegalStateException("the first request does not carry the " + history + " messages");
      }
    }
  }

  private static ChatMemory memory(InMemoryChatMemoryStore store) {
    return MessageWindowChatMemory.builder().id("bench").maxMessages(10_000).chatMemoryStore(store).build();
  }

  /** The referee keeps every request; forget them between iterations. */
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
    bareStore.updateMessages("bench", new ArrayList<>(prefill));
    return bare.chat("What is the weather in Paris?");
  }

  @Benchmark
  public String guarded() {
    guardedStore.updateMessages("bench", new ArrayList<>(prefill));
    return guarded.chat("What is the weather in Paris?");
  }

  @Benchmark
  public String toolLoop() {
    loopStore.updateMessages("bench", new ArrayList<>(prefill));
    return loop.run(loopMemory, UserMessage.from("What is the weather in Paris?")).text();
  }
}
