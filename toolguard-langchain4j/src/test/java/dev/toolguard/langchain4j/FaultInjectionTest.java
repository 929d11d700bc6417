package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults injected by the referee while the toolguard loop runs over LangChain4j's own OpenAI and
 * Anthropic clients (plain and streaming) with a persistent memory: a 500 and a 429 in the middle of a
 * tool loop (with and without the client's retries), a connection dropped in the middle of an answer,
 * a {@code @Tool} method that throws, hangs or is interrupted, and a crash between storing the
 * assistant message and its results, resumed by a new process (the toolguard loop, and an unchanged
 * {@code AiServices} app with guarded model and memory). Every time the stored history is balanced, the
 * next request is accepted, no tool runs twice and no result is sent twice.
 */
class FaultInjectionTest extends RefereeTest {

  /** The tools: a lookup that counts its runs and does what the test asks, and one that blocks. */
  static final class Tools {
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger waits = new AtomicInteger();
    volatile Runnable onLookup = () -> { };
    final CountDownLatch waiting = new CountDownLatch(1);
    /** Counted down when the timeout of its call interrupted {@code slow}. */
    final CountDownLatch interrupted = new CountDownLatch(1);

    @Tool("Looks something up")
    String lookup(@P("what") String q) {
      lookups.incrementAndGet();
      onLookup.run();
      return "found " + q;
    }

    @Tool("Waits for a slow system")
    String slow() throws InterruptedException {
      waits.incrementAndGet();
      waiting.countDown();
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "done";
    }

    @Tool("Always fails")
    String broken() {
      throw new IllegalStateException("database down");
    }
  }

  private static Endpoint endpoint(Provider p) {
    return p == Provider.OPENAI || p == Provider.OPENAI_STREAMING ? Endpoint.CHAT_COMPLETIONS : Endpoint.MESSAGES;
  }

  private static void assertBalanced(List<ChatMessage> stored) {
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).as("violations of %s", stored).isEmpty();
    List<String> calls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (ChatMessage m : stored) {
      if (m instanceof AiMessage ai) {
        ai.toolExecutionRequests().forEach(r -> calls.add(r.id()));
      } else if (m instanceof ToolExecutionResultMessage r) {
        results.add(r.id());
      }
    }
    assertThat(results).containsExactlyInAnyOrderElementsOf(calls);
  }

  private void assertAcceptedWithoutDuplicates(Endpoint endpoint) {
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(endpoint);
    for (RecordedRequest r : requests) {
      assertThat(new HashSet<>(r.toolResultIds())).as("results sent in %s", r).hasSize(r.toolResultIds().size());
    }
    assertThat(requests.get(requests.size() - 1).status()).isEqualTo(200);
  }

  static Stream<Arguments> providersAndFaults() {
    List<Arguments> out = new ArrayList<>();
    for (Provider p : Provider.values()) {
      out.add(Arguments.of(p, Fault.serverError()));
      out.add(Arguments.of(p, Fault.rateLimited(Duration.ofMillis(30))));
      out.add(Arguments.of(p, Fault.dropStreamAfter(2)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndFaults")
  void aFaultMidLoopStoresABalancedHistoryAndANewProcessGoesOnRunningNoToolTwice(Provider provider, Fault fault) {
    Endpoint endpoint = endpoint(provider);
    JsonStore store = new JsonStore();
    Tools tools = new Tools();
    tools.onLookup = () -> referee.faults().add(fault.on(endpoint));
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"a\"}"), Reply.text("Found a, as you asked me to."));

    Throwable failed = catchThrowable(() -> run(provider, loop(provider).tools(tools).build(), memory(store),
        UserMessage.from("look up a")));

    assertThat(failed).as("a %s mid-loop must fail the run, not pass for an answer", fault.kind())
        .isInstanceOf(LoopException.class);
    assertThat(tools.lookups).hasValue(1);
    List<ChatMessage> stored = store.getMessages("u1");
    assertBalanced(stored);
    assertThat(stored).extracting(m -> m.type().name()).containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT");
    assertThat(referee.requests(endpoint)).hasSize(2);

    // a new process: a new loop over a new memory on the same store
    tools.onLookup = () -> { };
    referee.script().clear(); // a 500 or 429 came before the model: its queued answer is still there
    referee.script().enqueue(Reply.text("Found a."));
    ToolLoop.Result resumed = run(provider, loop(provider).tools(tools).build(), memory(store));

    assertThat(resumed.status()).isEqualTo(Status.COMPLETED);
    assertThat(resumed.text()).isEqualTo("Found a.");
    assertThat(tools.lookups).as("the tool ran once, before the fault").hasValue(1);
    assertBalanced(store.getMessages("u1"));
    assertAcceptedWithoutDuplicates(endpoint);
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void theClientsOwnRetriesOf500And429RunNoToolTwiceAndSendNoResultTwice(Provider provider) {
    Endpoint endpoint = endpoint(provider);
    ChatModel retrying = provider == Provider.OPENAI
        ? OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-4o-mini")
            .maxRetries(2).timeout(Duration.ofSeconds(10)).build()
        : AnthropicChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("claude-sonnet-4-5")
            .maxTokens(256).maxRetries(2).timeout(Duration.ofSeconds(10)).build();
    Tools tools = new Tools();
    tools.onLookup = () -> referee.faults().add(Fault.serverError().on(endpoint),
        Fault.rateLimited(Duration.ofMillis(30)).on(endpoint));
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"b\"}"), Reply.text("Found b."));
    JsonStore store = new JsonStore();

    ToolLoop.Result r = ToolLoop.builder(retrying).tools(tools).build().run(memory(store), UserMessage.from("look up b"));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Found b.");
    assertThat(tools.lookups).hasValue(1);
    List<RecordedRequest> requests = referee.requests(endpoint);
    assertThat(requests).extracting(RecordedRequest::status).containsExactly(200, 500, 429, 200);
    assertThat(requests.get(3).body()).isEqualTo(requests.get(1).body());
    assertBalanced(store.getMessages("u1"));
    assertAcceptedWithoutDuplicates(endpoint);
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aToolThatThrowsOrHangsIsAnsweredWithAnErrorAndTheRunGoesOn(Provider provider) throws InterruptedException {
    Endpoint endpoint = endpoint(provider);
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCalls(Reply.call("broken", "{}"), Reply.call("slow", "{}"),
        Reply.call("lookup", "{\"q\":\"c\"}")), Reply.text("Partly done."));
    JsonStore store = new JsonStore();

    ToolLoop.Result r = run(provider, loop(provider).tools(tools)
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(300)).build()).build(), memory(store),
        UserMessage.from("do three things"));

    assertThat(tools.interrupted.await(30, TimeUnit.SECONDS)).as("the hung tool was interrupted by its call's timeout")
        .isTrue();
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.loopResult().toolFailures()).hasSize(2);
    assertThat(tools.lookups).hasValue(1);
    RecordedRequest second = referee.requests(endpoint).get(1);
    assertThat(second.toolResultIds()).hasSize(3);
    assertThat(second.body()).contains("did not finish within 300 ms").doesNotContain("database down");
    assertBalanced(store.getMessages("u1"));
    assertAcceptedWithoutDuplicates(endpoint);
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aRunInterruptedWhileAToolRunsStoresABalancedHistoryAndTheResumeRunsNothingAgain(Provider provider)
      throws Exception {
    Endpoint endpoint = endpoint(provider);
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCall("slow", "{}"));
    JsonStore store = new JsonStore();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        run(provider, loop(provider).tools(tools).build(), memory(store), UserMessage.from("wait for it"));
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    worker.start();
    assertThat(tools.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    worker.interrupt();
    worker.join(10_000);

    assertThat(thrown.get()).as("an interrupted run ends, cancelled").isInstanceOf(LoopException.class);
    assertThat(((LoopException) thrown.get()).cancelled()).isTrue();
    assertThat(referee.requests(endpoint)).as("the interrupted run asks the model nothing more").hasSize(1);
    assertBalanced(store.getMessages("u1"));

    referee.script().enqueue(Reply.text("It was stopped."));
    ToolLoop.Result resumed = run(provider, loop(provider).tools(tools).build(), memory(store),
        UserMessage.from("what happened?"));
    assertThat(resumed.text()).isEqualTo("It was stopped.");
    assertThat(tools.waits).as("the interrupted call is answered, not run again").hasValue(1);
    assertThat(referee.lastRequest().body()).contains("was cancelled before it finished");
    assertAcceptedWithoutDuplicates(endpoint);
  }

  /** What a process left when it died after storing the model's calls: one result of two. */
  private static void crashedState(JsonStore store) {
    ToolExecutionRequest a = ToolExecutionRequest.builder().id("call_a").name("lookup").arguments("{\"q\":\"a\"}").build();
    ToolExecutionRequest b = ToolExecutionRequest.builder().id("call_b").name("lookup").arguments("{\"q\":\"b\"}").build();
    store.updateMessages("u1", List.of(SystemMessage.from("Be brief."), UserMessage.from("look up a and b"),
        AiMessage.from(a, b), ToolExecutionResultMessage.from(a, "found a")));
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aCrashBetweenStoringTheAssistantMessageAndItsResultsIsResumedByTheLoop(Provider provider) {
    Endpoint endpoint = endpoint(provider);
    JsonStore store = new JsonStore();
    crashedState(store);
    List<ChatMessage> next = new ArrayList<>(store.getMessages("u1"));
    next.add(UserMessage.from("still there?"));
    assertThat(catchThrowable(() -> provider.send(referee, false, next))).as("the bare client gets the 400")
        .isNotNull();
    assertThat(referee.rejections()).hasSize(1);
    referee.clearRequests();

    Tools tools = new Tools();
    referee.script().enqueue(Reply.text("a was found; b did not finish."));
    ToolLoop.Result r = run(provider, loop(provider).tools(tools).build(), memory(store), UserMessage.from("still there?"));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(tools.lookups).as("nothing runs again on resume").hasValue(0);
    assertThat(referee.lastRequest().toolResultIds()).containsExactlyInAnyOrder("call_a", "call_b");
    assertBalanced(store.getMessages("u1"));
    assertAcceptedWithoutDuplicates(endpoint);
  }

  interface Assistant {
    String chat(String message);
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aCrashBetweenStoringTheAssistantMessageAndItsResultsIsResumedByAnAiServicesApp(Provider provider) {
    Endpoint endpoint = endpoint(provider);
    JsonStore store = new JsonStore();
    crashedState(store);
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"c\"}"), Reply.text("a found, b lost, c found."));

    Assistant assistant = AiServices.builder(Assistant.class)
        .chatModel(LangChain4jToolGuard.wrap(Provider.chatModel(provider, referee)))
        .chatMemoryProvider(id -> memory(store))
        .tools(tools)
        .build();
    String answer = assistant.chat("and c?");

    assertThat(answer).isEqualTo("a found, b lost, c found.");
    assertThat(tools.lookups).as("only the new call ran").hasValue(1);
    assertThat(referee.requests(endpoint).get(0).toolResultIds()).containsExactlyInAnyOrder("call_a", "call_b");
    // the guarded memory repairs on every read and writes nothing back: what anyone reads is balanced
    assertBalanced(memory(store).messages());
    assertAcceptedWithoutDuplicates(endpoint);
  }
}
