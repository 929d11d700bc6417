package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.LoopResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FunctionInvokingLoopTest {

  private final ScriptedBackend model = new ScriptedBackend();
  private final HistoryGuard guard = HistoryGuard.ofDefaults();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  static LoopTool echo(String name) {
    return LoopTool.of(ToolSpec.of(name, "echoes"), args -> name + ":" + args);
  }

  static ToolCall call(String id, String name) {
    return ToolCall.of(id, name, "{\"id\":\"" + id + "\"}");
  }

  private void assertBalanced(List<Message> history) {
    assertThat(guard.check(history)).as("history is valid").isEmpty();
  }

  @Test
  void multiStepToolUseEndsWithTheAnswerAndAValidHistory() {
    model.thenCalls(call("c1", "weather")).thenCalls(call("c2", "time")).thenText("sunny at noon");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(echo("weather"), echo("time")).build();

    LoopResult r = loop.run(List.of(Message.user("weather and time?")));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("sunny at noon");
    assertThat(r.iterations()).isEqualTo(3);
    assertThat(r.history()).hasSize(6);
    assertThat(r.added()).hasSize(5);
    assertThat(r.history().get(2).toolResults()).containsExactly(
        ToolResult.of("c1", "weather", "weather:{\"id\":\"c1\"}"));
    assertBalanced(r.history());
    assertThat(model.requests).hasSize(3);
    assertThat(model.requests.get(0).tools()).extracting(ToolSpec::name).containsExactly("weather", "time");
  }

  @Test
  void parallelCallsRunConcurrentlyAndResultsKeepCallOrder() {
    CountDownLatch allStarted = new CountDownLatch(3);
    LoopTool slow = LoopTool.of(ToolSpec.of("slow", "waits for the others"), args -> {
      allStarted.countDown();
      if (!allStarted.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("calls did not run at the same time");
      }
      return args;
    });
    model.thenCalls(call("a", "slow"), call("b", "slow"), call("c", "slow")).thenText("done");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(slow).build().run(List.of(Message.user("go")));
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("a", "b", "c");
    assertThat(r.history().get(2).toolResults()).noneMatch(ToolResult::error);
  }

  @Test
  void concurrencyIsBoundedAndSequentialToolsRunAlone() {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    List<String> alone = new CopyOnWriteArrayList<>();
    // calls 1 and 2 each wait until both are inside: they end only if the loop runs two at once
    java.util.concurrent.CountDownLatch bothInside = new java.util.concurrent.CountDownLatch(2);
    LoopTool.Function body = args -> {
      int n = now.incrementAndGet();
      peak.accumulateAndGet(n, Math::max);
      try {
        if (args.contains("\"pair\"")) {
          bothInside.countDown();
          if (!bothInside.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other call of the pair never ran beside this one");
          }
        }
        return "ok";
      } finally {
        now.decrementAndGet();
      }
    };
    LoopTool parallel = LoopTool.of(ToolSpec.of("p", ""), body);
    LoopTool single = LoopTool.of(ToolSpec.of("s", ""), args -> {
      alone.add(now.get() == 0 ? "alone" : "not alone");
      return body.apply(args);
    });
    model.thenCalls(ToolCall.of("1", "p", "{\"pair\":1}"), ToolCall.of("2", "p", "{\"pair\":2}"), call("3", "s"),
        call("4", "p"), call("5", "p"), call("6", "p"))
        .thenText("done");
    LoopConfig config = LoopConfig.custom().maxConcurrency(2).sequentialTools(Set.of("s")).build();
    LoopResult r = FunctionInvokingLoop.builder(model).tools(parallel, single).config(config).build()
        .run(List.of(Message.user("go")));
    assertThat(peak.get()).as("two at once, never more").isEqualTo(2);
    assertThat(alone).containsExactly("alone");
    assertThat(r.history().get(2).toolResults()).noneMatch(ToolResult::error);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId)
        .containsExactly("1", "2", "3", "4", "5", "6");
  }

  @Test
  void aToolThatThrowsBecomesAnErrorResultAndTheExceptionIsKept() {
    LoopTool broken = LoopTool.of(ToolSpec.of("pay", ""), args -> {
      throw new IllegalStateException("card 4111 declined");
    });
    model.thenCalls(call("c1", "pay")).thenText("sorry");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(broken).build().run(List.of(Message.user("pay")));
    ToolResult result = r.history().get(2).toolResults().get(0);
    assertThat(result.error()).isTrue();
    assertThat(result.output()).isEqualTo("Tool 'pay' failed.");
    assertThat(result.metadata()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP);
    assertThat(r.toolFailures().get("c1")).hasMessage("card 4111 declined");
    assertBalanced(r.history());

    ScriptedBackend detailed = new ScriptedBackend().thenCalls(call("c1", "pay")).thenText("sorry");
    LoopResult d = FunctionInvokingLoop.builder(detailed).tools(broken)
        .config(LoopConfig.custom().detailedErrors(true).build()).build().run(List.of(Message.user("pay")));
    assertThat(d.history().get(2).toolResults().get(0).output())
        .isEqualTo("Tool 'pay' failed: IllegalStateException: card 4111 declined");
  }

  @Test
  void aToolThatHangsPastItsTimeoutIsStoppedAndAnswered() {
    CountDownLatch interrupted = new CountDownLatch(1);
    LoopTool hangs = LoopTool.of(ToolSpec.of("hang", ""), args -> {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "never";
    });
    model.thenCalls(call("c1", "hang"), call("c2", "fast")).thenText("gave up");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(hangs, echo("fast"))
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(200)).build()).build()
        .run(List.of(Message.user("go")));
    List<ToolResult> results = r.history().get(2).toolResults();
    assertThat(results.get(0).output()).isEqualTo("Tool 'hang' did not finish within 200 ms; it was interrupted and its outcome is unknown.");
    assertThat(results.get(1).error()).isFalse();
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertBalanced(r.history());
  }

  @Test
  void interruptingTheCallerMidToolBalancesTheHistoryAndSaysSo() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    LoopTool hangs = LoopTool.of(ToolSpec.of("hang", ""), args -> {
      started.countDown();
      Thread.sleep(60_000);
      return "never";
    });
    model.thenCalls(call("c1", "hang"), call("c2", "hang"));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(hangs).build();
    assertThat(interruptWhileRunning(loop, started).thrown()).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertBalanced(e.history());
      assertThat(e.history().get(2).toolResults()).extracting(ToolResult::output).containsExactly(
          "Tool 'hang' was cancelled before it finished.", "Tool 'hang' was cancelled before it finished.");
    });
  }

  @Test
  void aSingleCallRunsOnTheCallersThreadUnderTheSameTimeout() {
    List<String> threads = new CopyOnWriteArrayList<>();
    LoopTool hangs = LoopTool.of(ToolSpec.of("hang", ""), args -> {
      threads.add(Thread.currentThread().getName());
      Thread.sleep(60_000);
      return "never";
    });
    model.thenCalls(call("c1", "hang")).thenText("gave up");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(hangs)
        .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).build()).build()
        .run(List.of(Message.user("go")));
    assertThat(threads).containsExactly(Thread.currentThread().getName());
    assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt is cleared").isFalse();
    assertThat(r.history().get(2).toolResults().get(0).output())
        .isEqualTo("Tool 'hang' did not finish within 100 ms; it was interrupted and its outcome is unknown.");
    assertThat(r.toolFailures().get("c1")).isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertBalanced(r.history());
  }

  @Test
  void aToolThatIgnoresInterruptsIsAbandonedWhenNotInline() {
    CountDownLatch release = new CountDownLatch(1);
    LoopTool stubborn = LoopTool.of(ToolSpec.of("stubborn", ""), args -> {
      while (release.getCount() > 0) {
        try {
          release.await();
        } catch (InterruptedException ignored) {
          // a tool that ignores interrupts
        }
      }
      return "late";
    });
    model.thenCalls(call("c1", "stubborn")).thenText("gave up");
    try {
      LoopResult r = FunctionInvokingLoop.builder(model).tools(stubborn)
          .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).inlineSingleCalls(false).build()).build()
          .run(List.of(Message.user("go")));
      assertThat(r.history().get(2).toolResults().get(0).output()).startsWith("Tool 'stubborn' did not finish");
      assertBalanced(r.history());
    } finally {
      release.countDown();
    }
  }

  @Test
  void interruptingTheCallerDuringAnInlineCallCancelsIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    LoopTool hangs = LoopTool.of(ToolSpec.of("hang", ""), args -> {
      started.countDown();
      Thread.sleep(60_000);
      return "never";
    });
    model.thenCalls(call("c1", "hang"));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(hangs).build();
    Interrupted outcome = interruptWhileRunning(loop, started);
    assertThat(outcome.stillInterrupted()).as("the caller's interrupt status is kept").isTrue();
    assertThat(outcome.thrown()).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertBalanced(e.history());
      assertThat(e.history().get(2).toolResults().get(0).output())
          .isEqualTo("Tool 'hang' was cancelled before it finished.");
    });
  }

  @Test
  void aToolThatWrapsTheInterruptStillEndsTheRunAsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    LoopTool wrapping = LoopTool.of(ToolSpec.of("wrap", ""), args -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("tool interrupted", e);
      }
      return "never";
    });
    model.thenCalls(call("c1", "wrap")).thenText("must not be asked");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(wrapping).build();
    assertThat(interruptWhileRunning(loop, started).thrown()).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertBalanced(e.history());
    });
    assertThat(model.requests).hasSize(1);
  }

  /** What a run did when its thread was interrupted once {@code started} opened. */
  record Interrupted(Throwable thrown, boolean stillInterrupted) {}

  private static Interrupted interruptWhileRunning(FunctionInvokingLoop loop, CountDownLatch started)
      throws InterruptedException {
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        loop.run(List.of(Message.user("go")));
      } catch (Throwable t) {
        thrown.set(t);
        stillInterrupted.set(Thread.currentThread().isInterrupted());
      }
    });
    caller.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(5_000);
    return new Interrupted(thrown.get(), stillInterrupted.get());
  }

  @Test
  void theBackendFailingOnTheSecondIterationLeavesABalancedHistory() {
    model.thenCalls(call("c1", "weather")).thenFail(new IllegalStateException("HTTP 500"));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(echo("weather")).build();
    assertThatThrownBy(() -> loop.run(List.of(Message.user("go"))))
        .isInstanceOfSatisfying(LoopException.class, e -> {
          assertThat(e.getMessage()).startsWith("the backend failed on request 2 of this run");
          assertThat(e.cancelled()).isFalse();
          assertThat(e.history()).hasSize(3);
          assertThat(e.added()).hasSize(2);
          assertBalanced(e.history());
        });
  }

  @Test
  void theIterationLimitEndsWithEveryCallAnswered() {
    model.thenCalls(call("c1", "t")).thenCalls(call("c2", "t")).thenCalls(call("c3", "t"));
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("t"))
        .config(LoopConfig.custom().maxIterations(2).build()).build().run(List.of(Message.user("go")));
    assertThat(r.status()).isEqualTo(Status.ITERATION_LIMIT);
    assertThat(r.iterations()).isEqualTo(2);
    ToolResult last = r.history().get(r.history().size() - 1).toolResults().get(0);
    assertThat(last.output()).isEqualTo("Tool 't' was not run: the limit of 2 model requests per run is reached.");
    assertBalanced(r.history());
  }

  @Test
  void theCallLimitEndsWithEveryCallAnswered() {
    model.thenCalls(call("c1", "t"), call("c2", "t")).thenCalls(call("c3", "t"), call("c4", "t"));
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("t"))
        .config(LoopConfig.custom().maxCallsPerRequest(3).build()).build().run(List.of(Message.user("go")));
    assertThat(r.status()).isEqualTo(Status.CALL_LIMIT);
    assertThat(r.history().get(4).toolResults()).allMatch(ToolResult::error).hasSize(2);
    assertBalanced(r.history());
  }

  @Test
  void repeatedFailuresEndTheLoop() {
    LoopTool broken = LoopTool.of(ToolSpec.of("t", ""), args -> {
      throw new RuntimeException("down");
    });
    for (int i = 0; i < 5; i++) {
      model.thenCalls(call("c" + i, "t"));
    }
    LoopResult r = FunctionInvokingLoop.builder(model).tools(broken)
        .config(LoopConfig.custom().maxConsecutiveErrors(2).build()).build().run(List.of(Message.user("go")));
    assertThat(r.status()).isEqualTo(Status.ERROR_LIMIT);
    assertThat(r.iterations()).isEqualTo(2);
    assertBalanced(r.history());
  }

  @Test
  void unknownToolsGetAnErrorResultOrEndTheLoop() {
    model.thenCalls(call("c1", "nope")).thenText("ok");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("weather")).build()
        .run(List.of(Message.user("go")));
    assertThat(r.history().get(2).toolResults().get(0).output())
        .isEqualTo("There is no tool named 'nope'. Call one of: weather.");

    ScriptedBackend m2 = new ScriptedBackend().thenCalls(call("c1", "nope"), call("c2", "weather")).thenText("ok");
    FunctionInvokingLoop ending = FunctionInvokingLoop.builder(m2).tools(echo("weather"))
        .config(LoopConfig.custom().unknownToolPolicy(LoopConfig.UnknownToolPolicy.END_LOOP).build()).build();
    LoopResult handedBack = ending.run(List.of(Message.user("go")));
    assertThat(handedBack.status()).isEqualTo(Status.AWAITING);
    assertThat(handedBack.pending()).singleElement().satisfies(p -> {
      assertThat(p.callId()).isEqualTo("c1");
      assertThat(p.metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_UNKNOWN_TOOL);
    });
    assertBalanced(handedBack.history());
    List<Message> answered = new ArrayList<>(handedBack.history());
    answered.add(Message.tool(ToolResult.of("c1", "nope", "handled by the app")));
    LoopResult done = ending.run(answered);
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.history().get(1).toolCalls()).extracting(ToolCall::callId).containsExactly("c1", "c2");
    assertThat(done.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(done.history().get(3).toolResults()).extracting(ToolResult::output)
        .containsExactly("handled by the app");
    assertBalanced(done.history());
  }

  @Test
  void malformedOrOversizedArgumentsAreAnsweredWithoutRunningTheTool() {
    AtomicInteger runs = new AtomicInteger();
    LoopTool t = LoopTool.of(ToolSpec.of("t", ""), args -> "ran " + runs.incrementAndGet());
    model.thenCalls(ToolCall.of("c1", "t", "{not json"), ToolCall.of("c2", "t", "{\"x\":\"" + "y".repeat(100) + "\"}"))
        .thenText("ok");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(t)
        .config(LoopConfig.custom().maxArgumentsLength(50).build()).build().run(List.of(Message.user("go")));
    assertThat(runs.get()).isZero();
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output).containsExactly(
        "The arguments of this call are not a JSON object. Call 't' again with arguments that are a JSON object"
            + " matching its schema.",
        "The arguments of this call are 108 characters long; the limit is 50. Call the tool with shorter"
            + " arguments.");
  }

  @Test
  void hiddenToolsRunButAreNotAdvertised() {
    model.thenCalls(call("c1", "secret")).thenText("ok");
    LoopResult r = FunctionInvokingLoop.builder(model)
        .tools(ToolRegistry.of(List.of(echo("public")), List.of(echo("secret")))).build()
        .run(List.of(Message.user("go")));
    assertThat(model.requests.get(0).tools()).extracting(ToolSpec::name).containsExactly("public");
    assertThat(r.history().get(2).toolResults().get(0).error()).isFalse();
  }

  @Test
  void aBrokenHistoryIsRepairedOrRejectedByPolicy() {
    List<Message> broken = List.of(Message.user("go"), Message.assistant(call("c0", "t")), Message.user("again"));
    List<RepairResult> seen = new ArrayList<>();
    model.thenText("fine");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("t")).listener(new LoopListener() {
      @Override
      public void onRepair(RepairResult repair) {
        seen.add(repair);
      }
    }).build().run(broken);
    assertThat(r.repairs()).hasSize(1);
    assertThat(seen).hasSize(1);
    assertThat(r.history()).hasSize(5);
    assertThat(r.added()).containsExactly(Message.assistant("fine"));

    FunctionInvokingLoop strict = FunctionInvokingLoop.builder(new ScriptedBackend()).tools(echo("t"))
        .config(LoopConfig.custom().historyPolicy(LoopConfig.HistoryPolicy.REJECT).build()).build();
    assertThatThrownBy(() -> strict.run(broken)).isInstanceOf(InvalidHistoryException.class)
        .hasMessageContaining("MISSING_RESULT at message 1 (callId c0)");
  }

  @Test
  void theListenerSeesRequestsToolsAndApprovals() {
    List<String> events = new CopyOnWriteArrayList<>();
    LoopListener listener = new LoopListener() {
      @Override
      public void onRequest(ChatRequest request, int iteration) {
        events.add("request " + iteration);
      }

      @Override
      public void onToolStarted(ToolCall call) {
        events.add("start " + call.callId());
      }

      @Override
      public void onToolFinished(ToolCall call, ToolResult result, Throwable failure, Duration took) {
        events.add("finish " + call.callId());
      }

      @Override
      public void onApprovalRequested(dev.toolguard.core.ApprovalRequest request) {
        events.add("approval " + request.callId());
      }
    };
    model.thenCalls(call("c1", "t")).thenCalls(call("c2", "pay"));
    FunctionInvokingLoop.builder(model).tools(echo("t"), echo("pay")).listener(listener)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).build()
        .run(List.of(Message.user("go")));
    assertThat(events).containsExactly("request 1", "start c1", "finish c1", "request 2", "approval c2");
  }

  @Test
  void streamingPassesTextThroughInEveryRound() {
    model.then(Message.assistant(dev.toolguard.core.Text.of("let me look "), call("c1", "t")))
        .thenText("it is sunny today");
    List<String> deltas = new ArrayList<>();
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("t")).build()
        .stream(List.of(Message.user("weather?")), deltas::add);
    assertThat(deltas).containsExactly("let ", "me ", "look ", "it ", "is ", "sunny ", "today");
    assertThat(r.text()).isEqualTo("it is sunny today");
    assertBalanced(r.history());
  }

  @Test
  void anEmptyAnswerIsNotStoredAndTheHistoryStaysValid() {
    // a provider can end a turn with no content at all (Anthropic: content [], stop_reason end_turn)
    model.then(new Message(Role.ASSISTANT, List.of(), java.util.Map.of()))
        .thenCalls(call("c1", "t")).then(new Message(Role.ASSISTANT, List.of(), java.util.Map.of()));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(echo("t")).build();
    List<Message> earlier = List.of(Message.user("hi"), Message.assistant("hello"), Message.user("news?"));

    LoopResult r = loop.run(earlier);
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.history()).isEqualTo(earlier);
    assertThat(r.added()).isEmpty();
    assertThat(r.text()).as("not the answer of an earlier run").isEmpty();
    assertBalanced(r.history());

    LoopResult after = loop.run(r.history());
    assertThat(after.status()).isEqualTo(Status.COMPLETED);
    assertThat(after.history()).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.TOOL);
    assertThat(after.text()).isEmpty();
    assertBalanced(after.history());
  }

  @Test
  void withTheAnthropicDialectAHistoryCutToStartWithTheAssistantGetsAUserTurnFirst() {
    // a window evicted the user's first message: the history starts with the assistant's greeting
    List<Message> cut = List.of(Message.system("Be brief."), Message.assistant("Hello! How can I help?"),
        Message.user("What's the time?"));
    model.thenText("Noon.");
    LoopResult r = FunctionInvokingLoop.builder(model).dialect(dev.toolguard.core.Dialect.ANTHROPIC).build().run(cut);
    List<Message> sent = model.last().history();
    assertThat(sent).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
    assertThat(sent.get(1).text()).isEqualTo(dev.toolguard.core.RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
    assertThat(sent.get(2).text()).as("the greeting stays").isEqualTo("Hello! How can I help?");
    assertThat(r.repairs()).extracting(a -> a.kind()).containsExactly(dev.toolguard.core.RepairAction.Kind.SYNTHESIZE);

    // without a dialect the invariant's rules alone apply: the history goes out as it is
    model.thenText("Noon.");
    FunctionInvokingLoop.builder(model).build().run(cut);
    assertThat(model.last().history()).isEqualTo(cut);
  }

  @Test
  void emptyOrReusedIdsFromTheModelAreReplaced() {
    model.thenCalls(ToolCall.of("", "t", "{}")).thenCalls(ToolCall.of("c1", "t", "{}"), ToolCall.of("c1", "t", "{}"))
        .thenText("ok");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(echo("t")).build().run(List.of(Message.user("go")));
    String first = r.history().get(1).toolCalls().get(0).callId();
    // fresh ids are random, so that they repeat in no other conversation (not "toolguard_call_2" in each)
    assertThat(first).matches("call_[A-Za-z0-9]{24}");
    assertThat(r.history().get(1).toolCalls().get(0).metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "");
    List<ToolCall> second = r.history().get(3).toolCalls();
    assertThat(second.get(0).callId()).isEqualTo("c1");
    assertThat(second.get(1).callId()).matches("call_[A-Za-z0-9]{24}").isNotEqualTo(first);
    assertThat(second.get(1).metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID, "c1");
    assertBalanced(r.history());

    // the same model in another conversation gets other fresh ids
    model.thenCalls(ToolCall.of("", "t", "{}")).thenText("ok");
    LoopResult other = FunctionInvokingLoop.builder(model).tools(echo("t")).build().run(List.of(Message.user("go")));
    assertThat(other.history().get(1).toolCalls().get(0).callId()).matches("call_[A-Za-z0-9]{24}")
        .isNotEqualTo(first);
  }

  @Test
  void configIsValidatedEagerlyWithTheSettingsName() {
    assertThatThrownBy(() -> LoopConfig.custom().maxIterations(0))
        .hasMessage("maxIterations must be at least 1, was 0");
    assertThatThrownBy(() -> LoopConfig.custom().callTimeout(Duration.ZERO))
        .hasMessage("callTimeout must be a positive duration, was PT0S");
    assertThatThrownBy(() -> LoopConfig.custom().maxConcurrency(-2))
        .hasMessage("maxConcurrency must be at least 1, was -2");
    assertThatThrownBy(() -> FunctionInvokingLoop.builder(null))
        .hasMessage("backend must not be null: the loop needs a model to talk to");
    assertThatThrownBy(() -> FunctionInvokingLoop.builder(model).tools(echo("t")).clientTool(ToolSpec.of("t", ""))
        .build()).hasMessage("client-side tool 't' has the name of another tool; tool names must be unique");
    assertThat(Role.values()).hasSize(4);
    assertThatThrownBy(() -> FunctionInvokingLoop.builder().tools(echo("t")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no backend: set the model the loop talks to with backend(…) before build()");
    assertThatThrownBy(() -> FunctionInvokingLoop.builder().backend(null))
        .hasMessage("backend must not be null: the loop needs a model to talk to");
  }

  @Test
  void aCopiedBuilderKeepsTheSettingsSharesTheJournalAndChangesAlone() {
    AtomicInteger paid = new AtomicInteger();
    LoopTool pay = LoopTool.of(ToolSpec.of("pay", "pays"), args -> "paid " + paid.incrementAndGet());
    FunctionInvokingLoop.Builder settings = FunctionInvokingLoop.builder()
        .tools(pay)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build());

    // the first loop asks for approval; a loop from a copy over another backend resumes it
    model.thenCalls(call("p1", "pay"));
    LoopResult asked = settings.copy().backend(model).build().run(List.of(Message.user("pay")));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    ScriptedBackend other = new ScriptedBackend().thenText("done");
    List<Message> resumed = new ArrayList<>(asked.history());
    resumed.add(Message.of(Role.USER, ApprovalResponse.approve(asked.pending().get(0))));
    LoopResult done = settings.copy().backend(other).build().run(resumed);
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(paid).hasValue(1);
    assertThat(other.requests).hasSize(1);

    // the shared journal: the same resume through a third copy runs nothing again
    ScriptedBackend third = new ScriptedBackend().thenText("done again");
    settings.copy().backend(third).build().run(resumed);
    assertThat(paid).hasValue(1);

    // a change to a copy leaves the original as it is
    settings.copy().tools(echo("other"));
    ScriptedBackend fourth = new ScriptedBackend().thenText("hi");
    settings.copy().backend(fourth).build().run(List.of(Message.user("hi")));
    assertThat(fourth.requests.get(0).tools()).extracting(ToolSpec::name).containsExactly("pay");
  }
}
