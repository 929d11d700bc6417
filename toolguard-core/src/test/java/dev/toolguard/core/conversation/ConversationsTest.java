package dev.toolguard.core.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.ScriptedBackend;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one flow: load, append, run under the conversation's key, save with the version read. */
class ConversationsTest {

  private final ConversationStore store = ConversationStore.inMemory();
  private final CallJournal journal = CallJournal.inMemory(100);
  private final AtomicInteger paid = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private volatile CountDownLatch payStarted = new CountDownLatch(0);
  private volatile CountDownLatch payMayFinish = new CountDownLatch(0);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** One application instance: its own loop and model, the shared store and journal. */
  private Conversations instance(ScriptedBackend model) {
    return instance(model, journal);
  }

  private Conversations instance(ScriptedBackend model, CallJournal journal) {
    LoopTool pay = LoopTool.of(ToolSpec.of("pay", "pays"), args -> {
      int n = paid.incrementAndGet();
      payStarted.countDown();
      payMayFinish.await(10, TimeUnit.SECONDS);
      return "payment " + n;
    });
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(pay)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).journal(journal).build();
    return Conversations.of(loop, store);
  }

  private static ScriptedBackend asksToPay() {
    return new ScriptedBackend().thenCalls(ToolCall.of("call_0", "pay", "{\"amount\":5}"));
  }

  private Message approval(String key) {
    return Message.of(Role.USER, ApprovalResponse.approve(
        FunctionInvokingLoop.waiting(store.load(key).messages()).get(0)));
  }

  private static List<ToolResult> results(List<Message> history) {
    List<ToolResult> out = new ArrayList<>();
    history.forEach(m -> out.addAll(m.toolResults()));
    return out;
  }

  @Test
  void aConversationWaitsInTheStoreAndIsApprovedOnAnotherInstance() {
    LoopResult asked = instance(asksToPay()).run("user-42", Message.user("pay my bill"));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    assertThat(store.load("user-42").version()).isEqualTo(1);
    assertThat(store.load("user-42").messages()).isEqualTo(asked.history());

    LoopResult done = instance(new ScriptedBackend().thenText("Paid.")).run("user-42", approval("user-42"));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    ConversationStore.Snapshot stored = store.load("user-42");
    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.messages()).isEqualTo(done.history());
    assertThat(results(stored.messages())).extracting(ToolResult::output).containsExactly("payment 1");
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
  }

  @Test
  void aDoubleClickedApprovalPaysOnceOneClickSavesAndTheOtherGetsATypedConflict() throws Exception {
    instance(asksToPay()).run("user-42", Message.user("pay my bill"));
    Message click = approval("user-42");
    payStarted = new CountDownLatch(1);
    payMayFinish = new CountDownLatch(1);
    CountDownLatch secondHeld = new CountDownLatch(1);
    CallJournal watched = new dev.toolguard.core.loop.WatchedJournal(journal, secondHeld);
    Conversations a = instance(new ScriptedBackend().thenText("Paid (a)."), watched);
    Conversations b = instance(new ScriptedBackend().thenText("Paid (b)."), watched);
    Future<LoopResult> first = threads.submit(() -> a.run("user-42", click));
    assertThat(payStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // the second click loads the conversation while the first one pays: its claim finds the call held
    Future<LoopResult> second = threads.submit(() -> b.run("user-42", click));
    assertThat(secondHeld.await(10, TimeUnit.SECONDS)).isTrue();
    payMayFinish.countDown();

    List<Throwable> failures = new ArrayList<>();
    List<LoopResult> results = new ArrayList<>();
    for (Future<LoopResult> f : List.of(first, second)) {
      try {
        results.add(f.get(20, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(e.getCause());
      }
    }
    assertThat(paid).hasValue(1);
    assertThat(results).hasSize(1);
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).isInstanceOfSatisfying(ConversationConflictException.class, e -> {
      assertThat(e.conversation()).isEqualTo("user-42");
      assertThat(e.expectedVersion()).isEqualTo(1);
      assertThat(e.actualVersion()).isEqualTo(2);
    }).hasMessage("conversation 'user-42' was saved by another writer since this run loaded it (version 1, now 2;"
        + " rule: a save names the version it read); nothing was written. Load it again and repeat the request:"
        + " calls already settled are not run twice.");
    ConversationStore.Snapshot stored = store.load("user-42");
    assertThat(stored.messages()).isEqualTo(results.get(0).history());
    assertThat(results(stored.messages())).extracting(ToolResult::output).containsExactly("payment 1");

    // the loser repeats its request on the fresh conversation: the answer was used, so it is refused
    assertThatThrownBy(() -> b.run("user-42", click)).isInstanceOfSatisfying(ApprovalException.class,
        e -> assertThat(e.reason()).isEqualTo(ApprovalException.Reason.ALREADY_ANSWERED));
    assertThat(paid).hasValue(1);
  }

  @Test
  void aFailedRunSavesItsBalancedHistoryAndARefusedAnswerSavesNothing() {
    instance(asksToPay()).run("user-42", Message.user("pay my bill"));
    Message click = approval("user-42");
    ApprovalResponse forged = new ApprovalResponse("call_0", ToolCall.of("call_0", "pay", "{\"amount\":5000}"),
        new ApprovalResponse.Decision.Approve(), java.util.Map.of());
    assertThatThrownBy(() -> instance(new ScriptedBackend()).run("user-42", Message.of(Role.USER, forged)))
        .isInstanceOf(ApprovalException.class);
    assertThat(store.load("user-42").version()).as("nothing saved").isEqualTo(1);

    Conversations failing = instance(new ScriptedBackend().thenFail(new IllegalStateException("HTTP 503")));
    assertThatThrownBy(() -> failing.run("user-42", click)).isInstanceOf(LoopException.class);
    ConversationStore.Snapshot stored = store.load("user-42");
    assertThat(stored.version()).isEqualTo(2);
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
    assertThat(results(stored.messages())).extracting(ToolResult::output).containsExactly("payment 1");
  }

  @Test
  void instructionsAreSentFirstInEveryRunAndNeverStored() {
    ScriptedBackend model = asksToPay();
    Message system = Message.system("You pay bills.");
    instance(model).withInstructions(List.of(system)).run("user-42", Message.user("pay my bill"));
    assertThat(model.last().history().get(0)).isEqualTo(system);
    assertThat(store.load("user-42").messages()).doesNotContain(system).first().isEqualTo(Message.user("pay my bill"));
    ScriptedBackend next = new ScriptedBackend().thenText("Paid.");
    Message newer = Message.system("You pay bills, politely.");
    instance(next).withInstructions(List.of(newer)).run("user-42", approval("user-42"));
    assertThat(next.last().history().get(0)).isEqualTo(newer);
    assertThat(store.load("user-42").messages()).doesNotContain(system, newer);
  }

  @Test
  void badArgumentsAreRefusedNamingWhatToPass() {
    Conversations c = instance(new ScriptedBackend());
    assertThatThrownBy(() -> Conversations.of(null, store)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loop must not be null: build one with FunctionInvokingLoop.builder(backend)");
    assertThatThrownBy(() -> c.run(" ", Message.user("hi"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the conversation key must not be blank: pass the id that names the conversation (a user's"
            + " session id, a chat id)");
    assertThatThrownBy(() -> c.run("k", (List<Message>) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("newMessages must not be null; pass an empty list to run on the stored conversation as it is");
    assertThatThrownBy(() -> store.save("k", 3, List.of())).isInstanceOf(ConversationConflictException.class);
  }
}
