package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Race;
import dev.toolguard.testkit.Reply;
import dev.toolguard.testkit.SameIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;

/**
 * A tool call belongs to its conversation: {@code ChatClient} with {@link ToolGuardAdvisor} over
 * Spring AI's {@code OpenAiChatModel} against the referee, keyed by the conversation id, with and
 * without the advisor's memory. One advisor serves two conversations whose model sends the same call
 * ids; an approval resumed twice at once, or again from a stale copy, pays once; and the approval of
 * one conversation is refused in another.
 */
class OpenAiConversationKeyTest extends RefereeSupport {

  /** The tool context entry that tells a tool its conversation. */
  static final String CONVERSATION = "conversation";

  /** The two tools of {@link SameIds}, each answering for the conversation of its tool context. */
  static final class Bank {
    final SameIds ledger = new SameIds();

    @Tool(name = SameIds.APPROVED_TOOL, description = "The balance of an account")
    String balance(String account, ToolContext context) {
      return ledger.run(String.valueOf(context.getContext().get(CONVERSATION)), SameIds.APPROVED_TOOL);
    }

    @Tool(name = SameIds.FREE_TOOL, description = "The interest rate of an account")
    String rate(String account, ToolContext context) {
      return ledger.run(String.valueOf(context.getContext().get(CONVERSATION)), SameIds.FREE_TOOL);
    }
  }

  /** A payment that passes {@link #gate} before it pays. */
  static final class Payments {
    final Gate gate;
    final AtomicInteger paid = new AtomicInteger();

    Payments(Gate gate) {
      this.gate = gate;
    }

    @Tool(description = "Pays someone")
    String pay(String to, int amount) throws InterruptedException {
      gate.pass();
      return "paid " + amount + " to " + to + ", payment " + paid.incrementAndGet();
    }
  }

  /** One request of conversation {@code conversation}: {@code messages} sent, the approvals in the context. */
  static ChatClientResponse send(ChatClient client, String conversation, List<Message> messages,
      ApprovalResponse... approvals) {
    ChatClient.ChatClientRequestSpec spec = client.prompt().toolContext(Map.of(CONVERSATION, conversation))
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation));
    if (!messages.isEmpty()) {
      spec = spec.messages(messages);
    }
    if (approvals.length > 0) {
      spec = spec.advisors(ToolGuardSpringAi.approvals(approvals));
    }
    return spec.call().chatClientResponse();
  }

  @SuppressWarnings("unchecked")
  static List<Message> history(ChatClientResponse response) {
    return (List<Message>) response.context().get(ToolGuardAdvisor.HISTORY);
  }

  /** The tool results of {@code history} as "id output". */
  static List<String> toolResults(List<Message> history) {
    List<String> out = new ArrayList<>();
    for (Message m : history) {
      if (m instanceof ToolResponseMessage t) {
        t.getResponses().forEach(r -> out.add(r.id() + " " + r.responseData()));
      }
    }
    return out;
  }

  /** A text a tool returned, as Spring AI's method tools send it on: a JSON string (the texts here need no escapes). */
  static String json(String text) {
    return "\"" + text + "\"";
  }

  static List<Message> plus(List<Message> history, Message message) {
    List<Message> out = new ArrayList<>(history);
    out.add(message);
    return out;
  }

  private static ChatClient payClient(Payments payments, CallJournal journal, Duration claimWait) {
    return ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(payments).journal(journal)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).claimWait(claimWait).build()).build()).build();
  }

  @ParameterizedTest(name = "advisor keeps memory={0}")
  @ValueSource(booleans = {false, true})
  void aSecondConversationWithTheSameCallIdsRunsItsOwnCalls(boolean keepsMemory) {
    Bank bank = new Bank();
    ToolGuardAdvisor.Builder advisor = ToolGuardAdvisor.builder().toolObjects(bank)
        .config(LoopConfig.custom().approvalRequired(Set.of(SameIds.APPROVED_TOOL)).build());
    if (keepsMemory) {
      advisor.chatMemory(MessageWindowChatMemory.builder().build());
    }
    ChatClient client = ChatClient.builder(model).defaultAdvisors(advisor.build()).build();

    List<Message> historyOfB = List.of();
    for (String conversation : SameIds.CONVERSATIONS) {
      SameIds.script(referee.script());
      ChatClientResponse waiting = send(client, conversation, List.of(new UserMessage("My balance and rate?")));
      assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
      ApprovalRequest request = ToolGuardSpringAi.pending(waiting).get(0);
      assertThat(request.callId()).isEqualTo(SameIds.APPROVED_ID);

      ChatClientResponse done = send(client, conversation, keepsMemory ? List.of() : history(waiting),
          ApprovalResponse.approve(request));
      assertThat(done.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
      assertThat(done.chatResponse().getResult().getOutput().getText()).isEqualTo(SameIds.ANSWER);
      historyOfB = history(done);
    }

    bank.ledger.checkEachRanOncePerConversation();
    assertThat(toolResults(historyOfB)).containsExactlyInAnyOrderElementsOf(
        SameIds.resultsOfSecond().stream().map(r -> r.replaceFirst(" (.*)", " \"$1\"")).toList());
    SameIds.checkLastRequestOfSecond(referee.lastRequest());
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void aStaleCopyReusesTheResultAndAnotherConversationIsRefused() {
    Payments payments = new Payments(Gate.alwaysOpen());
    CallJournal journal = CallJournal.inMemory(100);
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"), Reply.text("Paid 40 to bob."),
        Reply.text("You're welcome."), Reply.text("Paid 40 to bob."));
    ChatClient first = payClient(payments, journal, Duration.ofSeconds(10));
    ChatClientResponse waiting = send(first, "u1", List.of(new UserMessage("pay bob 40")));
    List<Message> stale = history(waiting);
    ApprovalResponse approval = ApprovalResponse.approve(ToolGuardSpringAi.pending(waiting).get(0));
    String callId = approval.callId();
    ChatClientResponse paid = send(first, "u1", stale, approval);
    ChatClientResponse thanks = send(first, "u1", plus(history(paid), new UserMessage("thanks")));
    assertThat(thanks.chatResponse().getResult().getOutput().getText()).isEqualTo("You're welcome.");
    assertThat(payments.paid).hasValue(1);

    // another instance, the old copy of the history, the same approval again
    ChatClientResponse again = send(payClient(payments, journal, Duration.ofSeconds(10)), "u1", stale, approval);

    assertThat(payments.paid).hasValue(1);
    assertThat(again.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    assertThat(toolResults(history(again))).containsExactly(callId + " " + json("paid 40 to bob, payment 1"));
    int requests = referee.requests().size();

    // the same pending history and approval in another conversation: refused, nothing runs
    ApprovalException refused = catchThrowableOfType(
        () -> send(payClient(payments, journal, Duration.ofSeconds(10)), "u2", stale, approval),
        ApprovalException.class);
    assertThat(refused).hasMessage("call " + callId + " waits in another conversation than this run's 'u2' (rule: a"
        + " waiting call and its answers belong to one conversation); resume it with the key of the conversation"
        + " that stored it");
    assertThat(refused.reason()).isEqualTo(ApprovalException.Reason.FOREIGN_CONVERSATION);
    assertThat(payments.paid).hasValue(1);
    assertThat(referee.requests()).hasSize(requests);
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "claimWait={0}s")
  @ValueSource(ints = {0, 20})
  void anApprovalResumedTwiceAtOnceOnTwoInstancesPaysOnce(int claimWaitSeconds) {
    // the model asks to pay, then answers each resume that gets to ask it
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"), Reply.text("Paid."),
        Reply.text("Paid."));
    Race race = new Race();
    CallJournal journal = race.watch(CallJournal.class, CallJournal.inMemory(100), "claim", c -> c instanceof Claim.Held);
    Payments payments = new Payments(race.gate());
    Duration claimWait = Duration.ofSeconds(claimWaitSeconds);
    ChatClientResponse waiting = send(payClient(payments, journal, claimWait), "u1",
        List.of(new UserMessage("pay bob 40")));
    List<Message> stored = history(waiting);
    ApprovalRequest request = ToolGuardSpringAi.pending(waiting).get(0);

    // two instances, each with the stored history, resume the same approval at once
    Race.Settled<ChatClientResponse> settled = race.twice(() -> send(payClient(payments, journal, claimWait), "u1",
        stored, ApprovalResponse.approve(request)), claimWaitSeconds > 0, CallInProgressException.class);

    assertThat(payments.paid).hasValue(1);
    for (ChatClientResponse r : settled.values()) {
      assertThat(r.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
      assertThat(toolResults(history(r))).containsExactly(request.callId() + " " + json("paid 40 to bob, payment 1"));
    }
    if (settled.refusal() != null) {
      assertThat(settled.refusal()).hasMessageStartingWith("call " + request.callId() + " of tool 'pay' in"
          + " conversation 'u1' is being settled by another run");
    }
    assertThat(referee.rejections()).isEmpty();
  }
}
