package dev.toolguard.openai;

import static dev.toolguard.openai.Referee.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults injected by the referee while the loop runs over openai-java's own OkHttp client, for Chat
 * Completions and Responses: a 500 and a 429 in the middle of a tool loop (with and without the
 * client's retries), a connection dropped in the middle of a stream, a tool that throws, hangs or is
 * interrupted, and a crash between storing the assistant message and its results. Every time: the
 * history is balanced, the next request is accepted, no tool runs twice, no result is sent twice.
 */
class FaultInjectionTest {

  /** The two APIs the loop runs over. */
  enum Api {
    CHAT(Endpoint.CHAT_COMPLETIONS, c -> OpenAiToolGuard.chatCompletions(c, (ChatCompletionCreateParams.Builder b) -> b.model("gpt-test"))),
    RESPONSES(Endpoint.RESPONSES, c -> OpenAiToolGuard.responses(c, (ResponseCreateParams.Builder b) -> b.model("gpt-test")));

    final Endpoint endpoint;
    final Function<OpenAIClient, ChatBackend> backend;

    Api(Endpoint endpoint, Function<OpenAIClient, ChatBackend> backend) {
      this.endpoint = endpoint;
      this.backend = backend;
    }
  }

  private static ProviderReferee referee;
  private static OpenAIClient bare;
  private static OpenAIClient retrying;

  /** How often the tool ran, and what it does when it runs (queue a fault, throw, block). */
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicReference<Runnable> onRun = new AtomicReference<>(() -> { });
  private final LoopTool lookup = LoopTool.of(ToolSpec.of("lookup", "Looks something up"), args -> {
    runs.incrementAndGet();
    onRun.get().run();
    return "{\"found\":\"yes\"}";
  });

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    bare = Referee.client(referee);
    retrying = OpenAIOkHttpClient.builder().apiKey("test").baseUrl(referee.openAiBaseUrl()).maxRetries(2).build();
  }

  @AfterAll
  static void stop() {
    bare.close();
    retrying.close();
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.reset();
  }

  private FunctionInvokingLoop loop(Api api, OpenAIClient client, LoopConfig config) {
    return FunctionInvokingLoop.builder(api.backend.apply(client)).tools(lookup).config(config).build();
  }

  private FunctionInvokingLoop loop(Api api, OpenAIClient client) {
    return loop(api, client, LoopConfig.ofDefaults());
  }

  private static List<Message> ask(String text) {
    return List.of(Message.system("Be brief."), Message.user(text));
  }

  /** The history is valid, and every call in it is answered exactly once. */
  private static void assertBalanced(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("violations of %s", history).isEmpty();
    List<String> calls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (Message m : history) {
      m.toolCalls().forEach(c -> calls.add(c.callId()));
      m.toolResults().forEach(r -> results.add(r.callId()));
    }
    assertThat(results).containsExactlyInAnyOrderElementsOf(calls);
  }

  /** Every request the referee accepted sent each result once, and it refused none. */
  private static void assertAcceptedWithoutDuplicates(Api api) {
    assertThat(referee.rejections()).isEmpty();
    for (RecordedRequest r : referee.requests(api.endpoint)) {
      assertThat(new HashSet<>(r.toolResultIds())).as("results sent in %s", r).hasSize(r.toolResultIds().size());
    }
    RecordedRequest last = referee.requests(api.endpoint).get(referee.requests(api.endpoint).size() - 1);
    assertThat(last.status()).isEqualTo(200);
  }

  private static void roundTripThroughAFile(Path dir, List<Message> history) {
    OpenAiHistory.write(dir.resolve("conversation.json"), history);
    assertThat(OpenAiHistory.read(dir.resolve("conversation.json"))).isEqualTo(history);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aServerErrorMidLoopLeavesABalancedHistoryAndTheRetryRunsNoToolTwice(Api api, @TempDir Path dir) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"a\"}"), Reply.text("Found it."));
    onRun.set(() -> referee.faults().add(Fault.serverError().on(api.endpoint)));

    LoopException failed = catchThrowableOfType(LoopException.class, () -> loop(api, bare).run(ask("look up a")));

    assertThat(failed).isNotNull();
    assertThat(runs).hasValue(1);
    assertBalanced(failed.history());
    assertThat(failed.history()).anySatisfy(m -> assertThat(m.toolResults()).isNotEmpty());
    assertThat(referee.requests(api.endpoint)).extracting(RecordedRequest::status).containsExactly(200, 500);
    roundTripThroughAFile(dir, failed.history());

    onRun.set(() -> { });
    LoopResult retried = loop(api, bare).run(OpenAiHistory.read(dir.resolve("conversation.json")));

    assertThat(retried.status()).isEqualTo(Status.COMPLETED);
    assertThat(retried.text()).isEqualTo("Found it.");
    assertThat(runs).as("the tool ran once, before the 500").hasValue(1);
    assertBalanced(retried.history());
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aRateLimitMidLoopWithoutClientRetriesIsResumedLikeAnyFailure(Api api) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"b\"}"), Reply.text("Found b."));
    onRun.set(() -> referee.faults().add(Fault.rateLimited(Duration.ofMillis(30)).on(api.endpoint)));

    LoopException failed = catchThrowableOfType(LoopException.class, () -> loop(api, bare).run(ask("look up b")));

    assertThat(failed).isNotNull();
    assertBalanced(failed.history());
    assertThat(referee.requests(api.endpoint)).extracting(RecordedRequest::status).containsExactly(200, 429);
    onRun.set(() -> { });
    LoopResult resumed = loop(api, bare).run(failed.history());
    assertThat(resumed.text()).isEqualTo("Found b.");
    assertThat(runs).hasValue(1);
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void theClientsOwnRetriesOf500And429RunNoToolTwiceAndSendNoResultTwice(Api api) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"c\"}"), Reply.text("Found c."));
    onRun.set(() -> referee.faults().add(Fault.serverError().on(api.endpoint),
        Fault.rateLimited(Duration.ofMillis(40)).on(api.endpoint)));

    LoopResult r = loop(api, retrying).run(ask("look up c"));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Found c.");
    assertThat(runs).hasValue(1);
    assertBalanced(r.history());
    List<RecordedRequest> requests = referee.requests(api.endpoint);
    assertThat(requests).extracting(RecordedRequest::status).containsExactly(200, 500, 429, 200);
    // the same body three times: a retry, not a new turn; and the client waited as the 429 said
    assertThat(requests.get(2).body()).isEqualTo(requests.get(1).body());
    assertThat(requests.get(3).body()).isEqualTo(requests.get(1).body());
    assertThat(Duration.between(requests.get(2).receivedAt(), requests.get(3).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(40));
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aConnectionDroppedMidStreamLeavesABalancedHistoryAndTheRetryIsAccepted(Api api) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"d\"}"), Reply.text("Found d, and more text after it."));
    onRun.set(() -> referee.faults().add(Fault.dropStreamAfter(2).on(api.endpoint)));
    StringBuilder streamed = new StringBuilder();

    LoopException failed = catchThrowableOfType(LoopException.class,
        () -> loop(api, bare).stream(ask("look up d"), streamed::append));

    assertThat(failed).as("a stream cut short must fail, not pass for a complete answer").isNotNull();
    assertThat(runs).hasValue(1);
    assertBalanced(failed.history());
    assertThat(failed.history().get(failed.history().size() - 1).role()).isEqualTo(Role.TOOL);

    onRun.set(() -> { });
    referee.script().enqueue(Reply.text("Found d."));
    StringBuilder again = new StringBuilder();
    LoopResult resumed = loop(api, bare).stream(failed.history(), again::append);
    assertThat(resumed.status()).isEqualTo(Status.COMPLETED);
    assertThat(again.toString()).isEqualTo("Found d.");
    assertThat(runs).hasValue(1);
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStreamDroppedBeforeTheCallIsCompleteRunsNothing(Api api) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"e\"}"), Reply.toolCall("lookup", "{\"q\":\"e\"}"),
        Reply.text("Found e."));
    referee.faults().add(Fault.dropStreamAfter(1).on(api.endpoint));

    LoopException failed = catchThrowableOfType(LoopException.class,
        () -> loop(api, bare).stream(ask("look up e"), s -> { }));

    assertThat(failed).isNotNull();
    assertThat(runs).as("half a call is never run").hasValue(0);
    assertThat(failed.history()).isEqualTo(ask("look up e"));

    LoopResult retried = loop(api, bare).stream(failed.history(), s -> { });
    assertThat(retried.text()).isEqualTo("Found e.");
    assertThat(runs).hasValue(1);
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aToolThatThrowsOrHangsIsAnsweredWithAnErrorAndTheModelIsAskedAgain(Api api) throws InterruptedException {
    LoopTool broken = LoopTool.of(ToolSpec.of("broken", "Fails"), args -> {
      throw new IllegalStateException("database down");
    });
    CountDownLatch interrupted = new CountDownLatch(1);
    LoopTool stuck = LoopTool.of(ToolSpec.of("stuck", "Hangs"), args -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "never";
    });
    referee.script().enqueue(Reply.toolCalls(Reply.call("broken", "{}"), Reply.call("stuck", "{}"),
        Reply.call("lookup", "{\"q\":\"f\"}")), Reply.text("Partly done."));

    LoopResult r = FunctionInvokingLoop.builder(api.backend.apply(bare)).tools(broken, stuck, lookup)
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(300)).build()).build().run(ask("do three things"));

    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the hung tool was interrupted by its call's timeout").isTrue();
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.toolFailures()).containsOnlyKeys(callIdOf(r, "broken"), callIdOf(r, "stuck"));
    assertThat(runs).hasValue(1);
    assertBalanced(r.history());
    RecordedRequest second = referee.requests(api.endpoint).get(1);
    assertThat(second.toolResultIds()).hasSize(3);
    assertThat(second.body()).contains("failed").contains("did not finish within 300 ms").doesNotContain("database down");
    assertAcceptedWithoutDuplicates(api);
  }

  private static String callIdOf(LoopResult r, String tool) {
    for (Message m : r.history()) {
      for (ToolCall c : m.toolCalls()) {
        if (c.name().equals(tool)) {
          return c.callId();
        }
      }
    }
    throw new AssertionError("no call of " + tool);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aRunInterruptedWhileItsToolRunsIsBalancedAndTheResumeRunsNothingAgain(Api api) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    onRun.set(() -> {
      started.countDown();
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    });
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"g\"}"), Reply.text("Stopped, then answered."));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        loop(api, bare).run(ask("look up g"));
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    worker.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    worker.interrupt();
    worker.join(10_000);

    assertThat(thrown.get()).isInstanceOf(LoopException.class);
    LoopException cancelled = (LoopException) thrown.get();
    assertThat(cancelled.cancelled()).isTrue();
    assertBalanced(cancelled.history());
    assertThat(referee.requests(api.endpoint)).hasSize(1);

    onRun.set(() -> { });
    LoopResult resumed = loop(api, bare).run(cancelled.history());
    assertThat(resumed.text()).isEqualTo("Stopped, then answered.");
    assertThat(runs).as("the interrupted call is answered, not run again").hasValue(1);
    assertThat(referee.lastRequest().lastToolResult()).contains("cancelled");
    assertAcceptedWithoutDuplicates(api);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aCrashBetweenStoringTheAssistantMessageAndItsResultsIsResumedByANewProcess(Api api, @TempDir Path dir) {
    // what a process left when it died: the model's parallel calls stored, one result of two
    List<Message> left = new ArrayList<>(ask("look up h and i"));
    left.add(Message.assistant(ToolCall.of("call_h", "lookup", "{\"q\":\"h\"}"),
        ToolCall.of("call_i", "lookup", "{\"q\":\"i\"}")));
    left.add(Message.tool(ToolResult.of("call_h", "lookup", "{\"found\":\"h\"}")));
    Path file = dir.resolve("conversation.json");
    OpenAiHistory.write(file, left);

    List<Message> stored = OpenAiHistory.read(file);
    List<Message> next = new ArrayList<>(stored);
    next.add(Message.user("are you still there?"));
    if (api == Api.CHAT) {
      rejected(() -> bare.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-test")
          .messages(OpenAiHistory.toChat(next)).build()), "did not have response messages: call_i");
    } else {
      rejected(() -> bare.responses().create(ResponseCreateParams.builder().model("gpt-test").store(false)
          .inputOfResponse(OpenAiHistory.toResponses(next)).build()), "No tool output found for function call call_i");
    }
    referee.clearRequests();

    OpenAIClient restarted = Referee.client(referee);
    try {
      referee.script().enqueue(Reply.text("Yes: h was found; i did not finish."));
      LoopResult r = loop(api, restarted).run(next);
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(runs).as("nothing runs again on resume").hasValue(0);
      assertBalanced(r.history());
      RecordedRequest sent = referee.lastRequest();
      assertThat(sent.toolResultIds()).containsExactlyInAnyOrder("call_h", "call_i");
      assertThat(sent.lastUserText()).isEqualTo("are you still there?");
      assertAcceptedWithoutDuplicates(api);
    } finally {
      restarted.close();
    }
  }
}
