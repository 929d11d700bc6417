package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ProviderReferee;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Faults injected by the referee while {@link ToolGuardAdvisor} runs the tool loop of a {@code
 * ChatClient} over Spring AI's own {@code OpenAiChatModel}, call and stream, with a chat memory that
 * goes through JSON: a 500, a 429 and a dropped answer in the middle of a tool loop (with and without
 * the client's retries), a {@code @Tool} method that throws, hangs or is interrupted, and a crash
 * between storing the assistant message and its results. Every time the memory holds a balanced
 * history, a new process goes on from it, the next request is accepted, no tool runs twice and no
 * result is sent twice.
 */
class FaultInjectionTest extends RefereeSupport {

  static final class Tools {
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger waits = new AtomicInteger();
    final CountDownLatch waiting = new CountDownLatch(1);
    /** Counted down when the timeout of its call interrupted {@code slow}. */
    final CountDownLatch interrupted = new CountDownLatch(1);
    volatile Runnable onLookup = () -> { };

    @Tool(description = "Looks something up")
    String lookup(String q) {
      lookups.incrementAndGet();
      onLookup.run();
      return "found " + q;
    }

    @Tool(description = "Waits for a slow system")
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

    @Tool(description = "Always fails")
    String broken() {
      throw new IllegalStateException("database down");
    }
  }

  private static ChatClient client(OpenAiChatModel chatModel, JsonChatMemoryRepository store, Tools tools,
      LoopConfig config) {
    ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(store).build();
    return ChatClient.builder(chatModel).defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory)
        .defaultConversationId("conv").toolObjects(tools).config(config).build()).build();
  }

  private static ChatClient client(JsonChatMemoryRepository store, Tools tools) {
    return client(model, store, tools, LoopConfig.ofDefaults());
  }

  private static String ask(ChatClient.ChatClientRequestSpec spec, boolean stream) {
    return OpenAiToolLoopTest.ask(spec, stream);
  }

  private static void assertBalanced(List<Message> stored) {
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).as("violations of %s", stored)
        .isEmpty();
    List<String> calls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (Message m : stored) {
      if (m instanceof AssistantMessage a) {
        a.getToolCalls().forEach(c -> calls.add(c.id()));
      } else if (m instanceof ToolResponseMessage t) {
        t.getResponses().forEach(r -> results.add(r.id()));
      }
    }
    assertThat(results).containsExactlyInAnyOrderElementsOf(calls);
  }

  private static void assertAcceptedWithoutDuplicates() {
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(Endpoint.CHAT_COMPLETIONS);
    for (RecordedRequest r : requests) {
      assertThat(new HashSet<>(r.toolResultIds())).as("results sent in %s", r).hasSize(r.toolResultIds().size());
    }
    assertThat(requests.get(requests.size() - 1).status()).isEqualTo(200);
  }

  static Stream<Arguments> faults() {
    List<Arguments> out = new ArrayList<>();
    for (boolean stream : new boolean[] {false, true}) {
      out.add(Arguments.of(stream, Fault.serverError()));
      out.add(Arguments.of(stream, Fault.rateLimited(Duration.ofMillis(30))));
      out.add(Arguments.of(stream, Fault.dropStreamAfter(2)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "stream={0} {1}")
  @MethodSource("faults")
  void aFaultMidLoopStoresABalancedHistoryAndANewProcessGoesOnRunningNoToolTwice(boolean stream, Fault fault) {
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    Tools tools = new Tools();
    tools.onLookup = () -> referee.faults().add(fault.on(Endpoint.CHAT_COMPLETIONS));
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"a\"}"), Reply.text("Found a, as you asked me to."));

    Throwable failed = catchThrowable(() -> ask(client(store, tools).prompt().user("look up a"), stream));

    assertThat(failed).as("a %s mid-loop must fail the run, not pass for an answer", fault.kind()).isNotNull();
    assertThat(causes(failed)).anySatisfy(c -> assertThat(c).isInstanceOf(LoopException.class));
    assertThat(tools.lookups).hasValue(1);
    List<Message> stored = store.findByConversationId("conv");
    assertBalanced(stored);
    assertThat(stored).extracting(m -> m.getMessageType().name()).containsExactly("USER", "ASSISTANT", "TOOL");

    // a new process: a new advisor over a new memory on the same repository
    tools.onLookup = () -> { };
    referee.script().clear(); // a 500 or 429 came before the model: its queued answer is still there
    referee.script().enqueue(Reply.text("Found a."));
    String answer = ask(client(store, tools).prompt(), stream);

    assertThat(answer).isEqualTo("Found a.");
    assertThat(tools.lookups).as("the tool ran once, before the fault").hasValue(1);
    assertBalanced(store.findByConversationId("conv"));
    assertAcceptedWithoutDuplicates();
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable c = t; c != null && out.size() < 10; c = c.getCause()) {
      out.add(c);
    }
    return out;
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theClientsOwnRetriesOf500And429RunNoToolTwiceAndSendNoResultTwice(boolean stream) {
    OpenAiChatModel retrying = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
        .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(2).build()).build();
    Tools tools = new Tools();
    tools.onLookup = () -> referee.faults().add(Fault.serverError().on(Endpoint.CHAT_COMPLETIONS),
        Fault.rateLimited(Duration.ofMillis(30)).on(Endpoint.CHAT_COMPLETIONS));
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"b\"}"), Reply.text("Found b."));
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();

    String answer = ask(client(retrying, store, tools, LoopConfig.ofDefaults()).prompt().user("look up b"), stream);

    assertThat(answer).isEqualTo("Found b.");
    assertThat(tools.lookups).hasValue(1);
    List<RecordedRequest> requests = referee.requests(Endpoint.CHAT_COMPLETIONS);
    assertThat(requests).extracting(RecordedRequest::status).containsExactly(200, 500, 429, 200);
    assertThat(requests.get(3).body()).isEqualTo(requests.get(1).body());
    assertBalanced(store.findByConversationId("conv"));
    assertAcceptedWithoutDuplicates();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aToolThatThrowsOrHangsIsAnsweredWithAnErrorAndTheRunGoesOn(boolean stream) throws InterruptedException {
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCalls(Reply.call("broken", "{}"), Reply.call("slow", "{}"),
        Reply.call("lookup", "{\"q\":\"c\"}")), Reply.text("Partly done."));
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();

    String answer = ask(client(model, store, tools, LoopConfig.custom().callTimeout(Duration.ofMillis(300)).build())
        .prompt().user("do three things"), stream);

    assertThat(tools.interrupted.await(30, TimeUnit.SECONDS)).as("the hung tool was interrupted by its call's timeout")
        .isTrue();
    assertThat(answer).isEqualTo("Partly done.");
    assertThat(tools.lookups).hasValue(1);
    RecordedRequest second = referee.requests(Endpoint.CHAT_COMPLETIONS).get(1);
    assertThat(second.toolResultIds()).hasSize(3);
    assertThat(second.body()).contains("did not finish within 300 ms").doesNotContain("database down");
    assertBalanced(store.findByConversationId("conv"));
    assertAcceptedWithoutDuplicates();
  }

  @Test
  void aCallInterruptedWhileAToolRunsStoresABalancedHistoryAndTheResumeRunsNothingAgain() throws Exception {
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCall("slow", "{}"));
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        client(store, tools).prompt().user("wait for it").call().content();
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    worker.start();
    assertThat(tools.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    worker.interrupt();
    worker.join(10_000);

    assertThat(thrown.get()).as("an interrupted run ends, cancelled").isNotNull();
    assertThat(causes(thrown.get())).anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(LoopException.class,
        e -> assertThat(e.cancelled()).isTrue()));
    assertThat(referee.requests()).as("the interrupted run asks the model nothing more").hasSize(1);
    assertBalanced(store.findByConversationId("conv"));

    referee.script().enqueue(Reply.text("It was stopped."));
    assertThat(client(store, tools).prompt().user("what happened?").call().content()).isEqualTo("It was stopped.");
    assertThat(tools.waits).as("the interrupted call is answered, not run again").hasValue(1);
    assertThat(referee.lastRequest().body()).contains("was cancelled before it finished");
    assertAcceptedWithoutDuplicates();
  }

  @Test
  void aDisposedStreamInterruptsTheRunAndStoresABalancedHistory() throws Exception {
    Tools tools = new Tools();
    referee.script().enqueue(Reply.toolCall("slow", "{}"));
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();

    reactor.core.Disposable subscription = client(store, tools).prompt().user("wait for it").stream().content()
        .subscribe(s -> { }, e -> { });
    assertThat(tools.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    subscription.dispose();

    assertThat(store.awaitSaved("conv", 10)).as("the cancelled run stored its history").isTrue();
    List<Message> stored = store.findByConversationId("conv");
    assertBalanced(stored);
    assertThat(stored).extracting(m -> m.getMessageType().name()).containsExactly("USER", "ASSISTANT", "TOOL");
    assertThat(referee.requests()).hasSize(1);

    referee.script().enqueue(Reply.text("It was stopped."));
    assertThat(ask(client(store, tools).prompt().user("what happened?"), true)).isEqualTo("It was stopped.");
    assertThat(tools.waits).hasValue(1);
    assertAcceptedWithoutDuplicates();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCrashBetweenStoringTheAssistantMessageAndItsResultsIsResumedByANewProcess(boolean stream) {
    // what a process left when it died after storing the model's calls: one result of two
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    store.saveAll("conv", List.of(new UserMessage("look up a and b"),
        AssistantMessage.builder().content("").toolCalls(List.of(
            new AssistantMessage.ToolCall("call_a", "function", "lookup", "{\"q\":\"a\"}"),
            new AssistantMessage.ToolCall("call_b", "function", "lookup", "{\"q\":\"b\"}"))).build(),
        ToolResponseMessage.builder().responses(List.of(
            new ToolResponseMessage.ToolResponse("call_a", "lookup", "found a"))).build()));

    List<Message> left = store.findByConversationId("conv");
    ChatClient bare = ChatClient.builder(model).defaultAdvisors(MessageChatMemoryAdvisor.builder(
        MessageWindowChatMemory.builder().chatMemoryRepository(store).build()).build()).build();
    assertThat(catchThrowable(() -> bare.prompt().user("still there?")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv")).call().content()))
        .hasMessageContaining("did not have response messages: call_b");
    referee.clearRequests();
    store.saveAll("conv", left); // the bare advisor stored its user message; the new process starts from the crash

    Tools tools = new Tools();
    referee.script().enqueue(Reply.text("a was found; b did not finish."));
    String answer = ask(client(store, tools).prompt().user("still there?"), stream);

    assertThat(answer).isEqualTo("a was found; b did not finish.");
    assertThat(tools.lookups).as("nothing runs again on resume").hasValue(0);
    assertThat(referee.lastRequest().toolResultIds()).containsExactlyInAnyOrder("call_a", "call_b");
    assertBalanced(store.findByConversationId("conv"));
    assertAcceptedWithoutDuplicates();
  }
}
