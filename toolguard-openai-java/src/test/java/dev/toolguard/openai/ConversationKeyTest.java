package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.openai.LoopRefereeTest.Api;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Race;
import dev.toolguard.testkit.Reply;
import dev.toolguard.testkit.SameIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tool call belongs to its conversation: an openai-java client, {@link OpenAiToolGuard#chatCompletions} or
 * {@link OpenAiToolGuard#responses}, and the {@link FunctionInvokingLoop} over it, against the referee, each
 * run with its conversation key. One loop serves two conversations whose model sends the same call
 * ids; an approval resumed twice at once, or again from a stale copy, pays once; and the approval of
 * one conversation is refused in another. Histories are stored as {@link OpenAiHistory} JSON.
 */
class ConversationKeyTest extends RefereeClientTest {

  private static final String PAY_ARGUMENTS = "{\"to\":\"bob\",\"amount\":40}";

  private final SameIds ledger = new SameIds();
  /** The conversation the test runs now: what the two {@link SameIds} tools answer for. */
  private volatile String current = "";
  private final Race race = new Race();
  private Gate gate = race.gate();
  private final AtomicInteger paid = new AtomicInteger();

  private LoopTool sameIdsTool(String name) {
    return LoopTool.of(new ToolSpec(name, "A lookup of an account",
        "{\"type\":\"object\",\"properties\":{\"account\":{\"type\":\"string\"}}}"), args -> ledger.run(current, name));
  }

  private FunctionInvokingLoop payLoop(Api api, CallJournal journal, Duration claimWait) {
    LoopTool pay = LoopTool.of(new ToolSpec("pay", "Pays someone", "{\"type\":\"object\"}"), args -> {
      gate.pass();
      return "paid 40 to bob, payment " + paid.incrementAndGet();
    });
    return FunctionInvokingLoop.builder(api.backend.apply(client)).tools(pay).journal(journal)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).claimWait(claimWait).build()).build();
  }

  private static List<Message> plus(List<Message> history, Message message) {
    List<Message> out = new ArrayList<>(history);
    out.add(message);
    return out;
  }

  /** {@code history} as a store gives it back: through {@link OpenAiHistory}'s JSON. */
  private static List<Message> stored(List<Message> history) {
    return OpenAiHistory.fromJson(OpenAiHistory.toJson(history));
  }

  private static Message approve(ApprovalRequest request) {
    return Message.of(Role.USER, ApprovalResponse.approve(request));
  }

  private static List<String> toolResults(List<Message> history) {
    List<String> out = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolResult r) {
          out.add(r.callId() + " " + r.output());
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aSecondConversationWithTheSameCallIdsRunsItsOwnCalls(Api api) {
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(api.backend.apply(client))
        .tools(sameIdsTool(SameIds.APPROVED_TOOL), sameIdsTool(SameIds.FREE_TOOL))
        .config(LoopConfig.custom().approvalRequired(Set.of(SameIds.APPROVED_TOOL)).build()).build();

    List<Message> historyOfB = List.of();
    for (String conversation : SameIds.CONVERSATIONS) {
      current = conversation;
      SameIds.script(referee.script());
      LoopResult waiting = loop.run(conversation, List.of(Message.user("My balance and rate?")));
      assertThat(waiting.status()).isEqualTo(Status.AWAITING);
      assertThat(waiting.pending()).extracting(ApprovalRequest::callId).containsExactly(SameIds.APPROVED_ID);

      List<Message> history = stored(waiting.history());
      LoopResult done = loop.run(conversation, plus(history, approve(waiting.pending().get(0))));
      assertThat(done.status()).isEqualTo(Status.COMPLETED);
      assertThat(done.text()).isEqualTo(SameIds.ANSWER);
      historyOfB = done.history();
    }

    ledger.checkEachRanOncePerConversation();
    assertThat(toolResults(historyOfB)).containsExactlyInAnyOrderElementsOf(SameIds.resultsOfSecond());
    SameIds.checkLastRequestOfSecond(referee.lastRequest());
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "{0}, claimWait={1}s")
  @CsvSource({"CHAT, 0", "CHAT, 20", "RESPONSES, 0", "RESPONSES, 20"})
  void anApprovalResumedTwiceAtOnceOnTwoInstancesPaysOnce(Api api, int claimWaitSeconds) {
    CallJournal journal = race.watch(CallJournal.class, CallJournal.inMemory(100), "claim", c -> c instanceof Claim.Held);
    Duration claimWait = Duration.ofSeconds(claimWaitSeconds);
    referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS), Reply.text("Paid."), Reply.text("Paid."));
    LoopResult waiting = payLoop(api, journal, claimWait).run("u1", List.of(Message.user("pay bob 40")));
    ApprovalRequest request = waiting.pending().get(0);
    String json = OpenAiHistory.toJson(plus(waiting.history(), approve(request)));

    // two instances, each reading the stored history with the approval, resume it at once
    Race.Settled<LoopResult> settled = race.twice(() -> payLoop(api, journal, claimWait).run("u1",
        OpenAiHistory.fromJson(json)), claimWaitSeconds > 0, CallInProgressException.class);

    assertThat(paid).hasValue(1);
    for (LoopResult r : settled.values()) {
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(toolResults(r.history())).containsExactly(request.callId() + " paid 40 to bob, payment 1");
    }
    if (settled.refusal() != null) {
      assertThat(settled.refusal()).hasMessageStartingWith("call " + request.callId() + " of tool 'pay' in"
          + " conversation 'u1' is being settled by another run");
    }
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStaleCopyReusesTheResultAndAnotherConversationIsRefused(Api api) {
    gate = Gate.alwaysOpen();
    CallJournal journal = CallJournal.inMemory(100);
    referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS), Reply.text("Paid 40 to bob."),
        Reply.text("You're welcome."), Reply.text("Paid 40 to bob."));
    FunctionInvokingLoop first = payLoop(api, journal, Duration.ofSeconds(10));
    LoopResult waiting = first.run("u1", List.of(Message.user("pay bob 40")));
    ApprovalRequest request = waiting.pending().get(0);
    String stale = OpenAiHistory.toJson(plus(waiting.history(), approve(request)));
    LoopResult paidOnce = first.run("u1", OpenAiHistory.fromJson(stale));
    LoopResult thanks = first.run("u1", plus(stored(paidOnce.history()), Message.user("thanks")));
    assertThat(thanks.text()).isEqualTo("You're welcome.");
    assertThat(paid).hasValue(1);

    // another instance, the old copy of the history with the approval, again
    LoopResult again = payLoop(api, journal, Duration.ofSeconds(10)).run("u1", OpenAiHistory.fromJson(stale));

    assertThat(paid).hasValue(1);
    assertThat(again.status()).isEqualTo(Status.COMPLETED);
    assertThat(toolResults(again.history())).containsExactly(request.callId() + " paid 40 to bob, payment 1");
    int requests = referee.requests().size();

    // the same pending history and approval in another conversation: refused, nothing runs
    ApprovalException refused = catchThrowableOfType(() -> payLoop(api, journal, Duration.ofSeconds(10))
        .run("u2", OpenAiHistory.fromJson(stale)), ApprovalException.class);
    assertThat(refused).hasMessage("call " + request.callId() + " waits in another conversation than this run's"
        + " 'u2' (rule: a waiting call and its answers belong to one conversation); resume it with the key of the"
        + " conversation that stored it");
    assertThat(refused.reason()).isEqualTo(ApprovalException.Reason.FOREIGN_CONVERSATION);
    assertThat(paid).hasValue(1);
    assertThat(referee.requests()).hasSize(requests);
    assertThat(referee.rejections()).isEmpty();
  }
}
