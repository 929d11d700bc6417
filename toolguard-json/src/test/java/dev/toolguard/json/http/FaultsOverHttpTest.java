package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.assertAllAccepted;
import static dev.toolguard.json.http.Http.assertBalanced;
import static dev.toolguard.json.http.Http.backend;
import static dev.toolguard.json.http.Http.plus;
import static dev.toolguard.json.http.Http.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.Http.Case;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every atomic-turn fault over HTTP, in every dialect, with and without streaming: a tool throws, a
 * tool hangs, the caller interrupts mid-tool or mid-request, the backend fails on the second
 * iteration (an error status, a dropped stream), a cap is reached while the model still asks for
 * tools. In every case each open call has a result, the history passes core's check, and the next
 * request made from it is accepted by the referee.
 */
class FaultsOverHttpTest {

  private static ProviderReferee referee;
  private static ExecutorService callers;

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    callers = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    callers.shutdownNow();
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.reset();
  }

  static List<Case> cases() {
    return Http.cases();
  }

  private static LoopTool tool(String name, LoopTool.Function body) {
    return LoopTool.of(ToolSpec.of(name, "The " + name + " tool"), body);
  }

  private static FunctionInvokingLoop loop(Case c, LoopConfig config, LoopTool... tools) {
    return FunctionInvokingLoop.builder(backend(c.dialect(), referee)).tools(tools).config(config).build();
  }

  /** Every call of the history has exactly one result (core's check) and none is left open. */
  private static void assertEveryCallAnswered(List<Message> history) {
    assertBalanced(history);
    long calls = history.stream().mapToLong(m -> m.toolCalls().size()).sum();
    long results = history.stream().mapToLong(m -> m.toolResults().size()).sum();
    assertThat(results).isEqualTo(calls);
  }

  /**
   * Sends the next request from {@code history} (plus a user message) with a new loop over a new
   * backend, and checks that the referee accepts it and that it carries the history's results.
   */
  private static void assertNextRequestAccepted(Case c, List<Message> history) {
    int before = referee.requests().size();
    referee.script().clear();
    referee.faults().clear();
    referee.script().enqueue(Reply.text("Carrying on."));
    LoopResult next = run(loop(c, LoopConfig.ofDefaults(), tool("weather", a -> "sunny"), tool("slow", a -> "done")),
        plus(history, Message.user("Go on.")), c.mode());
    assertThat(next.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(next.text()).isEqualTo("Carrying on.");
    assertThat(referee.requests()).hasSize(before + 1);
    RecordedRequest last = referee.lastRequest();
    assertThat(last.status()).as("the next request: %s", last.errorMessage()).isEqualTo(200);
    long results = history.stream().mapToLong(m -> m.toolResults().size()).sum();
    assertThat(last.toolResultIds()).hasSize((int) results);
    assertAllAccepted(referee, c.mode());
  }

  private static ToolResult onlyResultOf(List<Message> history, int message) {
    assertThat(history.get(message).role()).isEqualTo(Role.TOOL);
    assertThat(history.get(message).toolResults()).hasSize(1);
    return history.get(message).toolResults().get(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aToolThatThrowsGetsAnErrorResultAndTheRunGoesOn(Case c) {
    referee.script().enqueue(Reply.toolCall("weather", "{}"), Reply.text("The weather service is down."));

    LoopResult r = run(loop(c, LoopConfig.ofDefaults(), tool("weather", a -> {
      throw new IllegalStateException("disk full");
    })), List.of(Message.user("Weather?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    ToolResult result = onlyResultOf(r.history(), 2);
    assertThat(result.error()).isTrue();
    assertThat(result.output()).isEqualTo("Tool 'weather' failed.");
    assertThat(r.toolFailures()).containsKey(result.callId());
    assertThat(referee.requests().get(1).lastToolResult()).isEqualTo("Tool 'weather' failed.");
    assertAllAccepted(referee, c.mode());
    assertEveryCallAnswered(r.history());
    assertNextRequestAccepted(c, r.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aToolThatHangsPastItsTimeoutIsStoppedAndAnswered(Case c) {
    referee.script().enqueue(Reply.toolCall("slow", "{}"), Reply.text("It took too long."));
    AtomicReference<Boolean> interrupted = new AtomicReference<>(false);

    LoopResult r = run(loop(c, LoopConfig.custom().callTimeout(Duration.ofMillis(200)).build(), tool("slow", a -> {
      try {
        new CountDownLatch(1).await(); // until the timeout interrupts it
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
      return "never";
    })), List.of(Message.user("Go")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    ToolResult result = onlyResultOf(r.history(), 2);
    assertThat(result.error()).isTrue();
    assertThat(result.output()).contains("did not finish within 200 ms");
    assertThat(interrupted.get()).isTrue();
    assertAllAccepted(referee, c.mode());
    assertEveryCallAnswered(r.history());
    assertNextRequestAccepted(c, r.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interruptingTheCallerMidToolAnswersEveryOpenCallAndReportsCancellation(Case c) throws Exception {
    referee.script().enqueue(Reply.toolCalls(Reply.call("slow", "{\"n\":1}"), Reply.call("slow", "{\"n\":2}")));
    CountDownLatch started = new CountDownLatch(2);
    FunctionInvokingLoop loop = loop(c, LoopConfig.custom().maxConcurrency(2).build(), tool("slow", a -> {
      started.countDown();
      new CountDownLatch(1).await(); // until interrupted
      return "never";
    }));
    AtomicReference<Thread> caller = new AtomicReference<>();
    Future<LoopException> outcome = callers.submit(() -> {
      caller.set(Thread.currentThread());
      try {
        run(loop, List.of(Message.user("Go")), c.mode());
        return null;
      } catch (LoopException e) {
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        Thread.interrupted();
        return e;
      }
    });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    caller.get().interrupt();
    LoopException e = outcome.get(10, TimeUnit.SECONDS);

    assertThat(e).isNotNull();
    assertThat(e.cancelled()).isTrue();
    List<Message> history = e.history();
    assertThat(history).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
    assertThat(history.get(2).toolResults()).hasSize(2).allSatisfy(result -> {
      assertThat(result.error()).isTrue();
      assertThat(result.output()).contains("was cancelled before it finished");
      assertThat(result.metadata()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP);
    });
    assertEveryCallAnswered(history);
    assertAllAccepted(referee, c.mode());
    assertNextRequestAccepted(c, history);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interruptingTheCallerMidRequestCancelsTheExchange(Case c) throws Exception {
    referee.script().enqueue(Reply.toolCall("weather", "{}"));
    // the first request goes through and its call runs; the second is held by the referee (3 s) until
    // the caller gives up: the caller must end before the referee answers it, which it records only then
    referee.faults().add(Fault.delay(Duration.ZERO), Fault.delay(Duration.ofSeconds(3)));
    CountDownLatch secondRequest = new CountDownLatch(1);
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), referee))
        .tools(tool("weather", a -> "sunny")).listener(new LoopListener() {
          @Override
          public void onRequest(dev.toolguard.core.loop.ChatRequest request, int iteration) {
            if (iteration == 2) {
              secondRequest.countDown();
            }
          }
        }).build();
    AtomicReference<Thread> caller = new AtomicReference<>();
    Future<LoopException> outcome = callers.submit(() -> {
      caller.set(Thread.currentThread());
      try {
        run(loop, List.of(Message.user("Weather?")), c.mode());
        return null;
      } catch (LoopException e) {
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag is kept").isTrue();
        Thread.interrupted();
        return e;
      }
    });
    assertThat(secondRequest.await(10, TimeUnit.SECONDS)).as("the second request is on its way").isTrue();
    // the referee takes the delay when the request reaches it: from then on the exchange is in flight
    assertThat(referee.faults().awaitTaken(Duration.ofSeconds(10))).as("the second request reached the referee")
        .isTrue();
    caller.get().interrupt();
    LoopException e = outcome.get(30, TimeUnit.SECONDS);

    assertThat(referee.requests()).as("cancelled before the referee answered the second request").hasSize(1);
    assertThat(e).isNotNull();
    assertThat(e.cancelled()).isTrue();
    assertThat(e.getCause()).isInstanceOf(CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(e.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
    assertThat(onlyResultOf(e.history(), 2).output()).isEqualTo("sunny");
    assertEveryCallAnswered(e.history());
    // the referee answers the abandoned request into the void; wait for it, so that it is not counted later
    assertThat(referee.awaitRequests(2, Duration.ofSeconds(10))).isTrue();
    assertThat(referee.requests()).hasSize(2);
    assertNextRequestAccepted(c, e.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theBackendFailingOnTheSecondIterationLeavesABalancedHistoryToRetryFrom(Case c) {
    referee.script().enqueue(Reply.toolCall("weather", "{}"), Reply.text("Sunny."));
    referee.faults().add(Fault.delay(Duration.ZERO), Fault.serverError());
    AtomicInteger runs = new AtomicInteger();
    FunctionInvokingLoop loop = loop(c, LoopConfig.ofDefaults(), tool("weather", a -> {
      runs.incrementAndGet();
      return "sunny";
    }));

    LoopException e = catchLoopException(() -> run(loop, List.of(Message.user("Weather?")), c.mode()));

    assertThat(e.cancelled()).isFalse();
    assertThat(e.getCause()).isInstanceOfSatisfying(ProviderException.class, p -> {
      assertThat(p.status()).isEqualTo(500);
      assertThat(p.retryable()).isTrue();
      assertThat(p.providerMessage()).isEqualTo(c.dialect() == Dialect.ANTHROPIC
          ? ErrorMessages.Anthropic.SERVER_ERROR : ErrorMessages.OpenAi.SERVER_ERROR);
      assertThat(p.requestId()).isEqualTo("req_2");
    });
    assertThat(e.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
    assertEveryCallAnswered(e.history());

    // the caller retries from the carried history: the call does not run again, the request is accepted
    LoopResult retried = run(loop, e.history(), c.mode());
    assertThat(retried.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(retried.text()).isEqualTo("Sunny.");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(referee.lastRequest().status()).isEqualTo(200);
    assertThat(referee.rejections()).isEmpty();
    assertNextRequestAccepted(c, retried.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aDroppedAnswerOnTheSecondIterationLeavesABalancedHistoryToRetryFrom(Case c) {
    referee.script().enqueue(Reply.toolCall("weather", "{}"), Reply.text("Sunny and warm today."));
    referee.faults().add(Fault.delay(Duration.ZERO), Fault.dropStreamAfter(4));
    FunctionInvokingLoop loop = loop(c, LoopConfig.ofDefaults(), tool("weather", a -> "sunny"));

    LoopException e = catchLoopException(() -> run(loop, List.of(Message.user("Weather?")), c.mode()));

    assertThat(e.cancelled()).isFalse();
    assertThat(e.getCause()).isInstanceOfSatisfying(ProviderException.class, p -> {
      assertThat(p.retryable()).isTrue();
      assertThat(p.providerMessage()).containsAnyOf("cut off", "failed");
    });
    assertEveryCallAnswered(e.history());
    assertThat(e.history()).hasSize(3);
    assertNextRequestAccepted(c, e.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theIterationCapEndsTheRunWithEveryCallAnswered(Case c) {
    referee.script().respondWith(r -> Reply.toolCall("weather", "{\"again\":true}"));

    LoopResult r = run(loop(c, LoopConfig.custom().maxIterations(3).build(), tool("weather", a -> "sunny")),
        List.of(Message.user("Weather?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.ITERATION_LIMIT);
    assertThat(r.iterations()).isEqualTo(3);
    assertThat(referee.requests()).hasSize(3);
    ToolResult last = onlyResultOf(r.history(), r.history().size() - 1);
    assertThat(last.output()).contains("was not run", "limit of 3 model requests");
    assertThat(last.metadata()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP);
    assertAllAccepted(referee, c.mode());
    assertEveryCallAnswered(r.history());
    assertNextRequestAccepted(c, r.history());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theCallCapEndsTheRunWithEveryCallAnswered(Case c) {
    referee.script().respondWith(r -> Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"),
        Reply.call("weather", "{\"city\":\"Rome\"}")));
    AtomicInteger runs = new AtomicInteger();

    LoopResult r = run(loop(c, LoopConfig.custom().maxCallsPerRequest(3).build(), tool("weather", a -> {
      runs.incrementAndGet();
      return "sunny";
    })), List.of(Message.user("Weather?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.CALL_LIMIT);
    assertThat(runs.get()).isEqualTo(2);
    Message lastBlock = r.history().get(r.history().size() - 1);
    assertThat(lastBlock.toolResults()).hasSize(2)
        .allSatisfy(t -> assertThat(t.output()).contains("limit of 3 tool calls"));
    List<String> lastCalls = r.history().get(r.history().size() - 2).toolCalls().stream()
        .map(ToolCall::callId).toList();
    assertThat(lastBlock.toolResults()).extracting(ToolResult::callId).containsExactlyElementsOf(lastCalls);
    assertAllAccepted(referee, c.mode());
    assertEveryCallAnswered(r.history());
    assertNextRequestAccepted(c, r.history());
  }

  private static LoopException catchLoopException(Runnable run) {
    try {
      run.run();
    } catch (LoopException e) {
      return e;
    }
    throw new AssertionError("the run did not fail");
  }
}
