package dev.toolguard.core.loop;

import static dev.toolguard.core.loop.ApprovalTest.copy;
import static dev.toolguard.core.loop.ApprovalTest.plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException.Reason;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tool call belongs to its conversation and is claimed before it runs: the three measured failures
 * of one loop serving many conversations (another conversation's output, a double run of one
 * approved call, a stale copy run again), and the claim's other outcomes (a dead holder, a journal
 * that fails, an expired or foreign approval).
 */
class ConversationScopeTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  private final ManualClock clock = ManualClock.startingAt(Instant.parse("2026-12-07T10:00:00Z"));
  private final CallJournal journal = CallJournal.inMemory(1_000);
  /** How often each tool ran, per conversation (what the tool itself saw). */
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private volatile CountDownLatch payStarted = new CountDownLatch(0);
  private volatile CountDownLatch payMayFinish = new CountDownLatch(0);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private LoopTool counting(String name, boolean idempotent) {
    LoopTool base = LoopTool.of(ToolSpec.of(name, ""), args -> {
      int n = runs.computeIfAbsent(name + args, k -> new AtomicInteger()).incrementAndGet();
      if (name.equals("pay")) {
        payStarted.countDown();
        payMayFinish.await(10, TimeUnit.SECONDS);
      }
      return name + " " + args + " run " + n;
    });
    return idempotent ? base.asIdempotent() : base;
  }

  private FunctionInvokingLoop.Builder instance(ScriptedBackend model, LoopConfig.Builder config) {
    return FunctionInvokingLoop.builder(model)
        .tools(counting("pay", false), counting("get_balance", false), counting("refresh", true))
        .config(config.approvalRequired(Set.of("pay", "refresh")).build())
        .journal(journal)
        .clock(clock);
  }

  private FunctionInvokingLoop instance(ScriptedBackend model) {
    return instance(model, LoopConfig.custom()).build();
  }

  private static ToolCall pay() {
    return ToolCall.of("call_0", "pay", "{\"amount\":5}");
  }

  private int ran(String name, String args) {
    AtomicInteger n = runs.get(name + args);
    return n == null ? 0 : n.get();
  }

  /** The history of conversation {@code key} after the model asked to pay, waiting for approval. */
  private LoopResult askToPay(String key) {
    LoopResult asked = instance(new ScriptedBackend().thenCalls(pay())).run(key, List.of(Message.user("pay")));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    return asked;
  }

  private static List<Message> approved(LoopResult asked) {
    return plus(copy(asked.history()), Message.of(Role.USER, ApprovalResponse.approve(asked.pending().get(0))));
  }

  private static String output(LoopResult r, String callId) {
    for (Message m : r.history()) {
      for (ToolResult t : m.toolResults()) {
        if (t.callId().equals(callId)) {
          return t.output();
        }
      }
    }
    throw new AssertionError("no result for " + callId + " in " + r.history());
  }

  @Test
  void oneLoopServingTwoConversationsWithTheSameIdsRunsEachConversationsCalls() {
    // Ollama, Gemini and many OpenAI-compatible servers send the same ids in every conversation
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(pay(), ToolCall.of("call_1", "get_balance", "{}"))
        .thenText("A: paid")
        .thenCalls(pay(), ToolCall.of("call_1", "get_balance", "{}"))
        .thenText("B: paid");
    FunctionInvokingLoop loop = instance(model);

    LoopResult a = loop.run("user-a", List.of(Message.user("pay")));
    LoopResult aDone = loop.run("user-a", approved(a));
    LoopResult b = loop.run("user-b", List.of(Message.user("pay")));
    LoopResult bDone = loop.run("user-b", approved(b));

    assertThat(ran("get_balance", "{}")).as("get_balance ran for each conversation").isEqualTo(2);
    assertThat(ran("pay", "{\"amount\":5}")).as("pay ran for each conversation").isEqualTo(2);
    assertThat(output(aDone, "call_1")).isEqualTo("get_balance {} run 1");
    assertThat(output(bDone, "call_1")).isEqualTo("get_balance {} run 2");
    assertThat(output(aDone, "call_0")).isEqualTo("pay {\"amount\":5} run 1");
    assertThat(output(bDone, "call_0")).as("B never gets A's output").isEqualTo("pay {\"amount\":5} run 2");
    assertThat(HistoryGuard.ofDefaults().check(bDone.history())).isEmpty();
  }

  @Test
  void withMistralIdsTheSameModelIdsInTwoConversationsAreRenamedAndStillRunEachConversationsCalls() {
    // the model's ids break Mistral's rule, so the loop gives them fresh ids in it; whatever they are,
    // the journal keeps the conversations apart
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(pay(), ToolCall.of("call_1", "get_balance", "{}"))
        .thenText("A: paid")
        .thenCalls(pay(), ToolCall.of("call_1", "get_balance", "{}"))
        .thenText("B: paid");
    FunctionInvokingLoop loop = instance(model, LoopConfig.custom()).dialect(Dialect.MISTRAL).build();

    LoopResult a = loop.run("user-a", List.of(Message.user("pay")));
    LoopResult aDone = loop.run("user-a", approved(a));
    LoopResult b = loop.run("user-b", List.of(Message.user("pay")));
    LoopResult bDone = loop.run("user-b", approved(b));

    String payA = a.pending().get(0).callId();
    String payB = b.pending().get(0).callId();
    assertThat(List.of(payA, payB)).allMatch(id -> id.matches("[a-zA-Z0-9]{9}"));
    assertThat(ran("get_balance", "{}")).as("get_balance ran for each conversation").isEqualTo(2);
    assertThat(ran("pay", "{\"amount\":5}")).as("pay ran for each conversation").isEqualTo(2);
    assertThat(output(aDone, payA)).isEqualTo("pay {\"amount\":5} run 1");
    assertThat(output(bDone, payB)).as("B never gets A's output").isEqualTo("pay {\"amount\":5} run 2");
    assertThat(HistoryGuard.ofDefaults().check(bDone.history(), Dialect.MISTRAL)).isEmpty();
  }

  @Test
  void twoConcurrentResumesOfOneApprovedCallRunItOnceAndBothCarryItsResult() throws Exception {
    List<Message> resume = approved(askToPay("conv-1"));
    payStarted = new CountDownLatch(1);
    payMayFinish = new CountDownLatch(1);
    CountDownLatch secondWaits = new CountDownLatch(1);
    CallJournal watched = new WatchedJournal(journal, secondWaits);
    CyclicBarrier start = new CyclicBarrier(2);
    FunctionInvokingLoop first = instance(new ScriptedBackend().thenText("paid"), LoopConfig.custom()).journal(watched).build();
    FunctionInvokingLoop second = instance(new ScriptedBackend().thenText("paid too"), LoopConfig.custom()).journal(watched).build();

    Future<LoopResult> one = threads.submit(() -> {
      start.await();
      return first.run("conv-1", resume);
    });
    start.await();
    assertThat(payStarted.await(10, TimeUnit.SECONDS)).as("the first resume runs pay").isTrue();
    Future<LoopResult> two = threads.submit(() -> second.run("conv-1", copy(resume)));
    assertThat(secondWaits.await(10, TimeUnit.SECONDS)).as("the second resume finds the call held").isTrue();
    payMayFinish.countDown();

    LoopResult r1 = one.get(10, TimeUnit.SECONDS);
    LoopResult r2 = two.get(10, TimeUnit.SECONDS);
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
    assertThat(output(r1, "call_0")).isEqualTo("pay {\"amount\":5} run 1");
    assertThat(output(r2, "call_0")).isEqualTo("pay {\"amount\":5} run 1");
    assertThat(r2.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void aResumeThatFindsTheCallHeldPastItsWaitFailsTypedAndRunsNothing() throws Exception {
    List<Message> resume = approved(askToPay("conv-1"));
    payStarted = new CountDownLatch(1);
    payMayFinish = new CountDownLatch(1);
    FunctionInvokingLoop first = instance(new ScriptedBackend().thenText("paid"));
    Future<LoopResult> one = threads.submit(() -> first.run("conv-1", resume));
    assertThat(payStarted.await(10, TimeUnit.SECONDS)).isTrue();

    FunctionInvokingLoop impatient = instance(new ScriptedBackend(), LoopConfig.custom().claimWait(Duration.ZERO))
        .build();
    List<Message> same = copy(resume);
    assertThatThrownBy(() -> impatient.run("conv-1", same))
        .isInstanceOfSatisfying(CallInProgressException.class, e -> {
          assertThat(e.callId()).isEqualTo("call_0");
          assertThat(e.conversation()).isEqualTo("conv-1");
        })
        .hasMessage("call call_0 of tool 'pay' in conversation 'conv-1' is being settled by another run (its claim"
            + " lasts until 2026-12-07T10:01:30Z); this run waited PT0S (LoopConfig.claimWait) and ran nothing"
            + " (rule: a call runs once). Reload the conversation: the other run stores its result.");
    payMayFinish.countDown();
    assertThat(one.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.COMPLETED);
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
  }

  @Test
  void aStaleCopyOfTheAnsweredHistoryResumedOnAnotherInstanceReusesTheResult() {
    List<Message> resume = approved(askToPay("conv-1"));
    LoopResult done = instance(new ScriptedBackend().thenText("paid")).run("conv-1", resume);
    assertThat(done.status()).isEqualTo(Status.COMPLETED);

    LoopResult again = instance(new ScriptedBackend().thenText("paid again")).run("conv-1", copy(resume));
    assertThat(again.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
    assertThat(output(again, "call_0")).isEqualTo(output(done, "call_0"));

    // a rejection sent later for the same call changes nothing: the call was settled once, by the approval
    List<Message> rejected = plus(copy(askToPayAgainFrom(resume)), Message.of(Role.USER,
        ApprovalResponse.reject(FunctionInvokingLoop.waiting(resume).get(0), "changed my mind")));
    LoopResult late = instance(new ScriptedBackend().thenText("ok")).run("conv-1", rejected);
    assertThat(output(late, "call_0")).isEqualTo(output(done, "call_0"));
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
  }

  /** The stored history that still waits (the resume without its answer). */
  private static List<Message> askToPayAgainFrom(List<Message> resume) {
    return new ArrayList<>(resume.subList(0, resume.size() - 1));
  }

  @Test
  void anAnswerResumedInAnotherConversationIsRefusedAndNothingRuns() {
    List<Message> resume = approved(askToPay("conv-1"));
    assertThatThrownBy(() -> instance(new ScriptedBackend()).run("conv-2", resume))
        .isInstanceOfSatisfying(ApprovalException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.FOREIGN_CONVERSATION);
          assertThat(e.callId()).isEqualTo("call_0");
        })
        .hasMessage("call call_0 waits in another conversation than this run's 'conv-2' (rule: a waiting call and"
            + " its answers belong to one conversation); resume it with the key of the conversation that stored it");
    assertThatThrownBy(() -> instance(new ScriptedBackend()).run(resume))
        .isInstanceOfSatisfying(ApprovalException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.FOREIGN_CONVERSATION));
    assertThat(ran("pay", "{\"amount\":5}")).isZero();
  }

  @Test
  void aSignedRequestMovedToAnotherConversationIsForgedEvenWithItsConversationStripped() {
    ApprovalSigner signer = ApprovalSigner.hmacSha256(KEY);
    LoopResult asked = instance(new ScriptedBackend().thenCalls(pay()), LoopConfig.custom()).signApprovals(signer)
        .build().run("conv-1", List.of(Message.user("pay")));
    ApprovalRequest request = asked.pending().get(0);
    Map<String, Object> stripped = new LinkedHashMap<>(request.metadata());
    stripped.remove(Metadata.CONVERSATION);
    ApprovalRequest moved = new ApprovalRequest(request.callId(), request.call(), stripped);
    List<Message> history = List.of(Message.user("pay"), Message.assistant(moved),
        Message.of(Role.USER, ApprovalResponse.approve(moved)));
    assertThatThrownBy(() -> instance(new ScriptedBackend(), LoopConfig.custom()).signApprovals(signer).build()
        .run("conv-2", history))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FORGED))
        .hasMessageStartingWith("the approval request for call call_0 in the history is not signed by this"
            + " application");
    // in its own conversation the signed answer is honoured
    LoopResult paid = instance(new ScriptedBackend().thenText("paid"), LoopConfig.custom()).signApprovals(signer)
        .build().run("conv-1", approved(asked));
    assertThat(paid.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
  }

  @Test
  void anApprovalAfterItsTimeToLiveIsRefusedButCanStillBeRejected() {
    LoopResult asked = askToPay("conv-1");
    ApprovalRequest request = asked.pending().get(0);
    assertThat(request.metadata()).containsEntry(Metadata.ISSUED_AT, "2026-12-07T10:00:00Z")
        .containsEntry(Metadata.EXPIRES_AT, "2026-12-14T10:00:00Z");
    clock.advance(Duration.ofDays(7).plusMillis(1));
    assertThatThrownBy(() -> instance(new ScriptedBackend()).run("conv-1", approved(asked)))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED))
        .hasMessage("the approval request for call call_0 of tool 'pay' expired at 2026-12-14T10:00:00Z (rule: an"
            + " approval request may be approved within LoopConfig.approvalTtl, here PT168H); reject it or let the"
            + " user go on, and the model may ask again");
    LoopResult rejected = instance(new ScriptedBackend().thenText("ok")).run("conv-1",
        plus(asked.history(), Message.of(Role.USER, ApprovalResponse.reject(request, "too late"))));
    assertThat(rejected.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran("pay", "{\"amount\":5}")).isZero();
  }

  @Test
  void aCallWhoseHolderDiedIsAnsweredOutcomeUnknownUnlessTheToolIsIdempotent() {
    LoopResult asked = instance(new ScriptedBackend().thenCalls(pay(), ToolCall.of("call_1", "refresh", "{}")))
        .run("conv-1", List.of(Message.user("pay and refresh")));
    assertThat(asked.pending()).hasSize(2);
    // an instance claimed both calls and died mid-call: its claims stay until their lease ends
    for (ApprovalRequest r : asked.pending()) {
      CallKey key = CallKey.of("conv-1", r.call().asInvocable(), r.metadata().get(Metadata.NONCE).toString());
      assertThat(journal.claim(key, "dead-instance", clock.instant(), Duration.ofSeconds(90)))
          .isInstanceOf(Claim.Acquired.class);
    }
    clock.advance(Duration.ofSeconds(91));
    List<Message> resume = plus(copy(asked.history()), Message.of(Role.USER,
        ApprovalResponse.approve(asked.pending().get(0)), ApprovalResponse.approve(asked.pending().get(1))));
    LoopResult r = instance(new ScriptedBackend().thenText("checked")).run("conv-1", resume);

    assertThat(output(r, "call_0")).isEqualTo("Tool 'pay' may or may not have run: the run that started this call"
        + " stopped before it finished, so its outcome is unknown. Check its effect before calling it again.");
    assertThat(ran("pay", "{\"amount\":5}")).as("pay is not idempotent: it is not run again").isZero();
    assertThat(output(r, "call_1")).as("refresh is idempotent: it runs again").isEqualTo("refresh {} run 1");
    // everyone after agrees on the outcome
    LoopResult later = instance(new ScriptedBackend().thenText("checked")).run("conv-1", copy(resume));
    assertThat(output(later, "call_0")).isEqualTo(output(r, "call_0"));
    assertThat(output(later, "call_1")).isEqualTo("refresh {} run 1");
    assertThat(HistoryGuard.ofDefaults().check(later.history())).isEmpty();
  }

  @Test
  void aJournalThatFailsStopsTheResumeBeforeAnythingRunsNamingTheCall() {
    List<Message> resume = approved(askToPay("conv-1"));
    CallJournal down = new WatchedJournal(journal, new CountDownLatch(1)) {
      @Override
      public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
        throw new IllegalStateException("connection refused");
      }
    };
    assertThatThrownBy(() -> instance(new ScriptedBackend(), LoopConfig.custom()).journal(down).build().run("conv-1", resume))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_0"))
        .hasMessage("the call journal failed while claiming call call_0 of tool 'pay' in conversation 'conv-1':"
            + " IllegalStateException: connection refused. Nothing ran and the history is unchanged: store nothing,"
            + " fix the journal and resume again.");
    assertThat(ran("pay", "{\"amount\":5}")).isZero();
    // once the journal is back, the same resume pays once
    assertThat(instance(new ScriptedBackend().thenText("paid")).run("conv-1", resume).status())
        .isEqualTo(Status.COMPLETED);
    assertThat(ran("pay", "{\"amount\":5}")).isEqualTo(1);
  }

  @Test
  void conversationKeysMustNotBeBlank() {
    FunctionInvokingLoop loop = instance(new ScriptedBackend());
    assertThatThrownBy(() -> loop.run(" ", List.of(Message.user("hi"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("conversationKey must not be blank: pass the id that names this conversation (a chat memory id,"
            + " a session id), or run without one");
    assertThatThrownBy(() -> loop.run((String) null, List.of(Message.user("hi"))))
        .hasMessageStartingWith("conversationKey must not be null");
  }

  @Test
  void claimSettingsAreCheckedEagerlyNamingTheSetting() {
    assertThat(LoopConfig.ofDefaults().claimLease()).isEqualTo(Duration.ofSeconds(90));
    assertThat(LoopConfig.custom().callTimeout(Duration.ofMinutes(5)).build().claimLease())
        .as("the default lease follows the call timeout").isEqualTo(Duration.ofSeconds(330));
    assertThatThrownBy(() -> LoopConfig.custom().claimLease(Duration.ofSeconds(60)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claimLease (PT1M) must be longer than callTimeout (PT1M): a claim whose lease ends while its"
            + " call still runs lets another run take it over");
    assertThatThrownBy(() -> LoopConfig.custom().claimWait(Duration.ofSeconds(-1)))
        .hasMessage("claimWait must be zero or a positive duration, was PT-1S");
    assertThatThrownBy(() -> LoopConfig.custom().approvalTtl(Duration.ZERO))
        .hasMessage("approvalTtl must be a positive duration, was PT0S");
  }
}
