package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Race;
import dev.toolguard.testkit.Reply;
import dev.toolguard.testkit.SameIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tool call belongs to its conversation: {@link ToolLoop} over LangChain4j's {@code OpenAiChatModel}
 * against the referee, keyed by the memory id. One loop serves two conversations whose model sends
 * the same call ids; an approval resumed twice at once, or again from a stale copy, pays once; and
 * the approval of one conversation is refused in another.
 */
class ConversationKeyTest extends RefereeTest {

  static final String PAY_ARGUMENTS = "{\"to\":\"bob\",\"amount\":40}";

  /** The two tools of {@link SameIds}, each answering for the conversation (memory id) it ran in. */
  static final class Bank {
    final SameIds ledger = new SameIds();

    @Tool(name = SameIds.APPROVED_TOOL, value = "The balance of an account")
    String balance(@ToolMemoryId Object conversation, @P("account") String account) {
      return ledger.run(String.valueOf(conversation), SameIds.APPROVED_TOOL);
    }

    @Tool(name = SameIds.FREE_TOOL, value = "The interest rate of an account")
    String rate(@ToolMemoryId Object conversation, @P("account") String account) {
      return ledger.run(String.valueOf(conversation), SameIds.FREE_TOOL);
    }
  }

  /** A payment that passes {@link #gate} before it pays. */
  static final class Payments {
    final Gate gate;
    final AtomicInteger paid = new AtomicInteger();

    Payments(Gate gate) {
      this.gate = gate;
    }

    @Tool("Pays someone")
    String pay(@P("who") String to, @P("amount in euros") int amount) throws InterruptedException {
      gate.pass();
      return "paid " + amount + " to " + to + ", payment " + paid.incrementAndGet();
    }
  }

  private ToolLoop payLoop(Payments payments, CallJournal journal, Duration claimWait) {
    return loop(Provider.OPENAI).tools(payments).journal(journal)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).claimWait(claimWait).build()).build();
  }

  private static List<String> toolResults(List<ChatMessage> history) {
    List<String> out = new ArrayList<>();
    for (ChatMessage m : history) {
      if (m instanceof ToolExecutionResultMessage r) {
        out.add(r.id() + " " + r.text());
      }
    }
    return out;
  }

  @Test
  void aSecondConversationWithTheSameCallIdsRunsItsOwnCalls() {
    Bank bank = new Bank();
    JsonStore store = new JsonStore();
    ToolLoop loop = loop(Provider.OPENAI).tools(bank)
        .config(LoopConfig.custom().approvalRequired(Set.of(SameIds.APPROVED_TOOL)).build()).build();

    for (String conversation : SameIds.CONVERSATIONS) {
      SameIds.script(referee.script());
      ToolLoop.Result waiting = loop.run(memory(store, conversation), UserMessage.from("My balance and rate?"));
      assertThat(waiting.status()).isEqualTo(Status.AWAITING);
      assertThat(waiting.pending()).extracting(p -> p.request().id()).containsExactly(SameIds.APPROVED_ID);

      ToolLoop.Result done = loop.run(memory(store, conversation), ToolLoop.answers(waiting.pending().get(0).approve()));
      assertThat(done.status()).isEqualTo(Status.COMPLETED);
      assertThat(done.text()).isEqualTo(SameIds.ANSWER);
    }

    bank.ledger.checkEachRanOncePerConversation();
    assertThat(toolResults(store.getMessages(SameIds.SECOND))).containsExactlyInAnyOrderElementsOf(SameIds.resultsOfSecond());
    assertThat(store.rows.get(SameIds.SECOND)).doesNotContain(" for " + SameIds.FIRST);
    SameIds.checkLastRequestOfSecond(referee.lastRequest());
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "claimWait={0}s")
  @ValueSource(ints = {0, 20})
  void anApprovalResumedTwiceAtOnceOnTwoInstancesPaysOnce(int claimWaitSeconds) {
    Race race = new Race();
    Payments payments = new Payments(race.gate());
    CallJournal journal = race.watch(CallJournal.class, CallJournal.inMemory(100), "claim", c -> c instanceof Claim.Held);
    Duration claimWait = Duration.ofSeconds(claimWaitSeconds);
    referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS), Reply.text("Paid."), Reply.text("Paid."));
    JsonStore store = new JsonStore();
    ToolLoop.Result waiting = payLoop(payments, journal, claimWait).run(memory(store), UserMessage.from("pay bob 40"));
    String callId = waiting.pending().get(0).request().id();
    UserMessage approval = ToolLoop.answers(waiting.pending().get(0).approve());

    // two instances, each reading the stored conversation, resume the same approval at once
    Race.Settled<ToolLoop.Result> settled = race.twice(() -> payLoop(payments, journal, claimWait)
        .run(memory(store.copy()), approval), claimWaitSeconds > 0, CallInProgressException.class);

    assertThat(payments.paid).hasValue(1);
    for (ToolLoop.Result r : settled.values()) {
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(toolResults(r.messages())).containsExactly(callId + " paid 40 to bob, payment 1");
    }
    if (settled.refusal() instanceof CallInProgressException e) {
      assertThat(e).hasMessage("call " + callId + " of tool 'pay' in conversation 'u1' is being settled by another"
          + " run (its claim lasts until " + e.leaseUntil() + "); this run waited PT0S (LoopConfig.claimWait) and"
          + " ran nothing (rule: a call runs once). Reload the conversation: the other run stores its result.");
      assertThat(e.callId()).isEqualTo(callId);
      assertThat(e.conversation()).isEqualTo("u1");
    }
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void aStaleCopyReusesTheResultAndAnotherConversationIsRefused() {
    Payments payments = new Payments(Gate.alwaysOpen());
    CallJournal journal = CallJournal.inMemory(100);
    referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS), Reply.text("Paid 40 to bob."),
        Reply.text("You're welcome."), Reply.text("Paid 40 to bob."));
    JsonStore store = new JsonStore();
    ToolLoop first = payLoop(payments, journal, Duration.ofSeconds(10));
    ToolLoop.Result waiting = first.run(memory(store), UserMessage.from("pay bob 40"));
    String callId = waiting.pending().get(0).request().id();
    JsonStore stale = store.copy();
    List<ChatMessage> staleHistory = stale.getMessages("u1");
    UserMessage approval = ToolLoop.answers(waiting.pending().get(0).approve());
    assertThat(first.run(memory(store), approval).status()).isEqualTo(Status.COMPLETED);
    assertThat(first.run(memory(store), UserMessage.from("thanks")).text()).isEqualTo("You're welcome.");
    assertThat(payments.paid).hasValue(1);

    // another instance, the old copy of the conversation, the same approval again
    ToolLoop.Result again = payLoop(payments, journal, Duration.ofSeconds(10)).run(memory(stale), approval);

    assertThat(payments.paid).hasValue(1);
    assertThat(again.status()).isEqualTo(Status.COMPLETED);
    assertThat(toolResults(again.messages())).containsExactly(callId + " paid 40 to bob, payment 1");
    int requests = referee.requests().size();

    // the same pending history and approval under another conversation's key: refused, nothing runs
    List<ChatMessage> foreign = new ArrayList<>(staleHistory);
    foreign.add(approval);
    ApprovalException refused = catchThrowableOfType(
        () -> payLoop(payments, journal, Duration.ofSeconds(10)).run("u2", foreign), ApprovalException.class);
    assertThat(refused).hasMessage("call " + callId + " waits in another conversation than this run's 'u2' (rule: a"
        + " waiting call and its answers belong to one conversation); resume it with the key of the conversation"
        + " that stored it");
    assertThat(refused.reason()).isEqualTo(ApprovalException.Reason.FOREIGN_CONVERSATION);
    JsonStore other = new JsonStore();
    other.updateMessages("u2", staleHistory);
    ApprovalException inMemory = catchThrowableOfType(
        () -> payLoop(payments, journal, Duration.ofSeconds(10)).run(memory(other, "u2"), approval),
        ApprovalException.class);
    assertThat(inMemory.reason()).isEqualTo(ApprovalException.Reason.FOREIGN_CONVERSATION);
    assertThat(other.getMessages("u2")).isEqualTo(staleHistory);
    assertThat(payments.paid).hasValue(1);
    assertThat(referee.requests()).hasSize(requests);
    assertThat(referee.rejections()).isEmpty();
  }
}
