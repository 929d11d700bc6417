package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.LoopResult.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resuming a run that waits for approval, edge cases with exact outcomes (found by PIT: no test
 * told these apart): a tool failure on resume, a resume interrupted while its tools run, the
 * messages a resume reports as added, a waiting call in the first message, and waiting calls in
 * two assistant messages with a user message between them.
 */
class ResumeEdgeCasesTest {

  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private LoopTool tool(String name) {
    return LoopTool.of(ToolSpec.of(name, ""), args -> {
      ran.add(name);
      return name + " ran";
    });
  }

  private static FunctionInvokingLoop.Builder approving(ScriptedBackend model, LoopTool... tools) {
    return FunctionInvokingLoop.builder(model).tools(tools)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay", "fail", "report")).build());
  }

  private static void assertValid(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("history is valid").isEmpty();
  }

  @Test
  void aToolThatFailsOnResumeIsInTheResultsFailures() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "fail", "{}")).thenText("sorry");
    IllegalStateException boom = new IllegalStateException("bank down");
    FunctionInvokingLoop loop = approving(model, LoopTool.of(ToolSpec.of("fail", ""), a -> {
      throw boom;
    })).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));

    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.toolFailures()).containsOnlyKeys("c1");
    assertThat(done.toolFailures().get("c1")).isSameAs(boom);
    assertValid(done.history());
  }

  @Test
  void aResumeReportsAsAddedTheResultsAfterTheWaitingTurnAndWhatFollows() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("paid");
    FunctionInvokingLoop loop = approving(model, tool("pay")).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));
    assertThat(asked.history()).hasSize(2);

    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.history()).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    // the results of the waiting turn and what follows; not the user's message nor the turn (the
    // message carrying only the approval is consumed)
    assertThat(done.added()).isEqualTo(done.history().subList(2, 4));
    assertThat(done.added().get(0).toolResults()).extracting(ToolResult::output).containsExactly("pay ran");
    assertThat(done.text()).isEqualTo("paid");
  }

  @Test
  void aResumeInterruptedWhileItsToolRunsThrowsWithABalancedHistoryAndTheFlagSet() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"))
        .thenText("must not be asked");
    // the caller's interrupt arrives while the tool runs: the tool sees the flag and fails
    FunctionInvokingLoop loop = approving(model, LoopTool.of(ToolSpec.of("pay", ""), a -> {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("aborted");
    })).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));
    List<Message> resumed = ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0))));

    assertThatThrownBy(() -> loop.run(resumed)).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertThat(e.getMessage()).startsWith("the resume was interrupted while tools ran");
      assertValid(e.history());
      assertThat(e.history()).extracting(Message::role)
          .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
      assertThat(e.history().get(2).toolResults()).extracting(ToolResult::output)
          .containsExactly("Tool 'pay' was cancelled before it finished.");
    });
    assertThat(Thread.interrupted()).as("the caller's interrupt flag is set again").isTrue();
    assertThat(model.requests).as("the model is not asked again").hasSize(1);
  }

  /** The history as a caller may hold it: the waiting turn first, the run's user message cut. */
  private static List<Message> fromTheWaitingTurn(LoopResult asked) {
    return new ArrayList<>(asked.history().subList(1, asked.history().size()));
  }

  @Test
  void anApprovedCallInTheFirstMessageOfTheHistoryReturnsDirectly() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "report", "{}"));
    FunctionInvokingLoop loop = approving(model, tool("report").returningDirect()).build();
    LoopResult asked = loop.run(List.of(Message.user("report")));
    List<Message> history = fromTheWaitingTurn(asked);
    assertThat(history.get(0).role()).isEqualTo(Role.ASSISTANT);

    LoopResult done = loop.run(ApprovalTest.plus(history,
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(done.directResults()).extracting(ToolResult::output).containsExactly("report ran");
    assertThat(model.requests).hasSize(1);
  }

  @Test
  void aNewUserMessageAfterAWaitingCallInTheFirstMessageAnswersItAsNotAnswered() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("ok, something else");
    FunctionInvokingLoop loop = approving(model, tool("pay")).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));

    LoopResult done = loop.run(ApprovalTest.plus(fromTheWaitingTurn(asked), Message.user("never mind")));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.pending()).isEmpty();
    assertThat(ran).isEmpty();
    assertThat(done.history()).extracting(Message::role)
        .containsExactly(Role.ASSISTANT, Role.TOOL, Role.USER, Role.ASSISTANT);
    assertThat(done.history().get(1).toolResults()).singleElement()
        .satisfies(r -> assertThat(r.callId()).isEqualTo("c1"));
    assertThat(done.text()).isEqualTo("ok, something else");
    assertValid(done.history());
  }

  @Test
  void aUserMessageBetweenTwoWaitingTurnsDoesNotSettleTheEarlierOne() {
    ScriptedBackend first = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"));
    ScriptedBackend second = new ScriptedBackend().thenCalls(ToolCall.of("c2", "pay", "{}")).thenText("c2 done");
    LoopResult one = approving(first, tool("pay")).build().run(List.of(Message.user("pay bob")));
    FunctionInvokingLoop loop = approving(second, tool("pay")).build();
    LoopResult two = loop.run(List.of(Message.user("pay eve")));
    // [user, assistant(c1 waits), user, assistant(c2 waits), user(approves c2)]
    List<Message> history = new ArrayList<>(one.history());
    history.addAll(two.history());
    history.add(ApprovalTest.answers(ApprovalResponse.approve(two.pending().get(0))));

    LoopResult r = loop.run(history);

    // only a user message after the last waiting turn moves on; c1 still waits, c2 ran
    assertThat(r.status()).isEqualTo(Status.AWAITING);
    assertThat(r.pending()).extracting(ApprovalRequest::callId).containsExactly("c1");
    assertThat(ran).containsExactly("pay");
    assertThat(second.requests).hasSize(1);
  }

  @Test
  void withSignedApprovalsACallWaitingForApprovalRefusesABareResultAndAClientCallTakesIt() {
    ApprovalSigner signer = ApprovalSigner.hmacSha256("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"), ToolCall.of("c2", "locate", "{}"))
        .thenText("paid in Oslo");
    FunctionInvokingLoop loop = approving(model, tool("pay")).clientTool(ToolSpec.of("locate", ""))
        .signApprovals(signer).build();
    LoopResult asked = loop.run(List.of(Message.user("pay where I am")));
    assertThat(asked.pending()).extracting(ApprovalRequest::callId).containsExactly("c1", "c2");

    List<Message> bare = ApprovalTest.plus(asked.history(),
        Message.tool(ToolResult.of("c1", "pay", "paid"), ToolResult.of("c2", "locate", "Oslo")));
    assertThatThrownBy(() -> loop.run(bare)).isInstanceOfSatisfying(ApprovalException.class, e -> {
      assertThat(e.reason()).isEqualTo(ApprovalException.Reason.UNSIGNED);
      assertThat(e.getMessage()).contains("call c1 waits for approval and was answered with a bare tool result");
    });
    assertThat(ran).isEmpty();

    // the client-side call's bare result is its answer; the call waiting for approval is approved
    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        Message.tool(ToolResult.of("c2", "locate", "Oslo")),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).containsExactly("pay");
    assertThat(done.text()).isEqualTo("paid in Oslo");
    assertValid(done.history());
  }

  /** A journal in which another run holds every call, and that interrupts the claiming thread. */
  private static final class HeldElsewhere implements CallJournal {
    @Override
    public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
      Thread.currentThread().interrupt(); // the caller's interrupt, while the claim is held elsewhere
      return new Claim.Held("another run", now.plusSeconds(60));
    }

    @Override
    public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
      throw new AssertionError("nothing expired");
    }

    @Override
    public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
      throw new AssertionError("nothing was claimed");
    }

    @Override
    public void release(CallKey key, String holder) {
      throw new AssertionError("nothing was claimed");
    }

    @Override
    public int prune(Instant before) {
      return 0;
    }
  }

  @Test
  void aResumeInterruptedWhileItWaitsForAnotherRunsClaimRunsNothingAndKeepsTheFlag() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("must not be asked");
    LoopResult asked = approving(model, tool("pay")).build().run(List.of(Message.user("pay bob")));
    List<Message> resumed = ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0))));
    FunctionInvokingLoop loop = approving(model, tool("pay")).journal(new HeldElsewhere()).build();

    assertThatThrownBy(() -> loop.run(resumed)).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.getMessage()).startsWith("the run was interrupted while it waited for call c1, which another run holds");
      assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
      assertThat(e.history()).isEqualTo(resumed);
    });
    assertThat(Thread.interrupted()).as("the caller's interrupt flag is set again").isTrue();
    assertThat(ran).isEmpty();
    assertThat(model.requests).hasSize(1);
  }

  @Test
  void aResultTheJournalDoesNotRecordIsKeptAndLogged() {
    CallJournal memory = CallJournal.inMemory(100);
    CallJournal losing = new CallJournal() {
      @Override
      public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
        return memory.claim(key, holder, now, lease);
      }

      @Override
      public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
        return memory.takeOver(key, expiredHolder, holder, now, lease);
      }

      @Override
      public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
        return false; // another run took the claim over meanwhile
      }

      @Override
      public void release(CallKey key, String holder) {
        memory.release(key, holder);
      }

      @Override
      public int prune(Instant before) {
        return memory.prune(before);
      }
    };
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("paid");
    FunctionInvokingLoop loop = approving(model, tool("pay")).journal(losing).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));
    AtomicReference<LoopResult> done = new AtomicReference<>();

    String log = capture(() -> done.set(loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))))));

    assertThat(done.get().status()).isEqualTo(Status.COMPLETED);
    assertThat(done.get().history().get(2).toolResults()).extracting(ToolResult::output).containsExactly("pay ran");
    assertThat(log).contains("WARN").contains("the claim of call c1 ended and another run took it over before its"
        + " result was recorded");
  }

  @Test
  void aCallIdTooLongToClaimIsSettledWithoutAClaimAndLoggedShort() {
    String id = "x".repeat(CallKey.MAX_LENGTH + 1);
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of(id, "pay", "{}")).thenText("paid");
    FunctionInvokingLoop loop = approving(model, tool("pay")).journal(CallJournal.inMemory(100)).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));
    assertThat(asked.pending()).extracting(ApprovalRequest::callId).containsExactly(id);
    AtomicReference<LoopResult> done = new AtomicReference<>();

    String log = capture(() -> done.set(loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))))));

    assertThat(done.get().status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).containsExactly("pay");
    assertThat(log).contains("call " + "x".repeat(64) + "… cannot be claimed in the journal").doesNotContain(id);
  }

  private static String capture(Runnable r) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aResumeInterruptedWhileItsToolsRunOnThePoolSetsTheCallersFlagAgain() throws Exception {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"), ToolCall.of("c2", "pay", "{}"))
        .thenText("must not be asked");
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    FunctionInvokingLoop loop = approving(model, LoopTool.of(ToolSpec.of("pay", ""), a -> {
      started.countDown();
      Thread.sleep(30_000); // interrupted when the run is cancelled
      return "never";
    })).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob and eve")));
    List<Message> resumed = ApprovalTest.plus(asked.history(), ApprovalTest.answers(
        ApprovalResponse.approve(asked.pending().get(0)), ApprovalResponse.approve(asked.pending().get(1))));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean flagAfter = new java.util.concurrent.atomic.AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        loop.run(resumed);
      } catch (Throwable t) {
        thrown.set(t);
        flagAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    caller.start();
    assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(5_000);

    assertThat(thrown.get()).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertThat(e.getMessage()).startsWith("the resume was interrupted while tools ran");
      assertValid(e.history());
      assertThat(e.history().get(2).toolResults()).extracting(ToolResult::output).containsExactly(
          "Tool 'pay' was cancelled before it finished.", "Tool 'pay' was cancelled before it finished.");
    });
    assertThat(flagAfter).as("the caller's interrupt flag is set again").isTrue();
    assertThat(model.requests).hasSize(1);
  }

  @Test
  void aRequestWithoutANonceInARunWithoutAKeyIsNotClaimed() {
    java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
    CallJournal counting = new WatchedJournal(CallJournal.inMemory(100), new java.util.concurrent.CountDownLatch(1)) {
      @Override
      public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
        claims.incrementAndGet();
        return super.claim(key, holder, now, lease);
      }
    };
    ScriptedBackend model = new ScriptedBackend().thenText("paid");
    FunctionInvokingLoop loop = approving(model, tool("pay")).journal(counting).build();
    // a request stored before requests carried a nonce
    ApprovalRequest old = ApprovalRequest.of(ToolCall.of("c7", "pay", "{}"));
    List<Message> history = List.of(Message.user("pay"), Message.assistant(old),
        ApprovalTest.answers(ApprovalResponse.approve(old)));

    LoopResult done = loop.run(history);

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).containsExactly("pay");
    assertThat(claims).as("claims taken").hasValue(0);
  }

  @Test
  void aCallIdOfExactly64CharactersIsLoggedWhole() {
    String id = "y".repeat(64);
    String name = "t".repeat(CallKey.MAX_LENGTH + 1); // the tool's name cannot be journaled
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of(id, name, "{}")).thenText("done");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(tool(name))
        .config(LoopConfig.custom().approvalRequired(Set.of(name)).build()).journal(CallJournal.inMemory(100)).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));
    AtomicReference<LoopResult> done = new AtomicReference<>();

    String log = capture(() -> done.set(loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))))));

    assertThat(done.get().status()).isEqualTo(Status.COMPLETED);
    assertThat(log).contains("call " + id + " cannot be claimed in the journal").doesNotContain(id + "…");
  }

  @Test
  void anEarlierWaitingTurnsToolThatDoesNotReturnDirectlyLeavesTheLastTurnReturningDirectly() {
    ScriptedBackend first = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"));
    ScriptedBackend second = new ScriptedBackend().thenCalls(ToolCall.of("c2", "report", "{}"));
    LoopResult one = approving(first, tool("pay"), tool("report").returningDirect()).build()
        .run(List.of(Message.user("pay bob")));
    FunctionInvokingLoop loop = approving(second, tool("pay"), tool("report").returningDirect()).build();
    LoopResult two = loop.run(List.of(Message.user("report")));
    // [user, assistant(c1 of pay waits), user, assistant(c2 of report waits), user(approves both)]
    List<Message> history = new ArrayList<>(one.history());
    history.addAll(two.history());
    history.add(ApprovalTest.answers(ApprovalResponse.approve(one.pending().get(0)),
        ApprovalResponse.approve(two.pending().get(0))));

    LoopResult r = loop.run(history);

    // whether the run returns directly is decided by the last turn's tools alone
    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(r.directResults()).extracting(ToolResult::output).containsExactly("report ran");
    assertThat(ran).containsExactlyInAnyOrder("pay", "report");
    assertThat(second.requests).hasSize(1);
    assertValid(r.history());
  }
}
