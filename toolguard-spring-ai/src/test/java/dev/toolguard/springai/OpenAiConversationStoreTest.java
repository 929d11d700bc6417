package dev.toolguard.springai;

import static dev.toolguard.springai.OpenAiConversationKeyTest.json;
import static dev.toolguard.springai.OpenAiConversationKeyTest.send;
import static dev.toolguard.springai.OpenAiConversationKeyTest.toolResults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Role;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.springai.OpenAiConversationKeyTest.Payments;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Race;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * The advisor keeping conversations in a {@link ConversationStore}: core's one flow, whole and
 * versioned, through {@code ChatClient} over Spring AI's {@code OpenAiChatModel} against the referee.
 * Two advisors sharing the store and the journal stand for two instances of an application.
 */
class OpenAiConversationStoreTest extends RefereeSupport {

  private final ConversationStore store = ConversationStore.inMemory();
  private final CallJournal journal = CallJournal.inMemory(100);

  private ChatClient instance(Payments payments, CallJournal journal) {
    return ChatClient.builder(model).defaultSystem("You pay bills.")
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(payments).journal(journal).conversationStore(store)
            .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).build())
        .build();
  }

  @Test
  void aWaitingCallIsKeptWholeInTheStoreAndApprovedOnAnotherInstance() {
    Payments payments = new Payments(Gate.alwaysOpen());
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"), Reply.text("Paid 40 to bob."));
    ChatClientResponse waiting = send(instance(payments, journal), "u1", List.of(new UserMessage("pay bob 40")));
    assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    ConversationStore.Snapshot stored = store.load("u1");
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.messages()).extracting(dev.toolguard.core.Message::role)
        .as("the system prompt is sent, never stored").containsExactly(Role.USER, Role.ASSISTANT);
    ApprovalRequest request = FunctionInvokingLoop.waiting(stored.messages()).get(0);

    ChatClientResponse paid = send(instance(payments, journal), "u1", List.of(), ApprovalResponse.approve(request));
    assertThat(paid.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    assertThat(payments.paid).hasValue(1);
    stored = store.load("u1");
    assertThat(stored.version()).isEqualTo(2);
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
    assertThat(stored.messages()).extracting(dev.toolguard.core.Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    assertThat(referee.lastRequest().json().get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void anApprovalClickedTwiceOnTwoInstancesPaysOnceAndTheSecondSaveIsATypedConflict() {
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"), Reply.text("Paid."),
        Reply.text("Paid."));
    Race race = new Race();
    CallJournal watched = race.watch(CallJournal.class, journal, "claim", c -> c instanceof Claim.Held);
    Payments payments = new Payments(race.gate());
    send(instance(payments, watched), "u1", List.of(new UserMessage("pay bob 40")));
    ApprovalRequest request = FunctionInvokingLoop.waiting(store.load("u1").messages()).get(0);

    Race.Settled<ChatClientResponse> settled = race.twice(() -> send(instance(payments, watched), "u1", List.of(),
        ApprovalResponse.approve(request)), false, ConversationConflictException.class);

    assertThat(payments.paid).hasValue(1);
    assertThat(settled.refusal()).hasMessage("conversation 'u1' was saved by another writer since this run loaded it"
        + " (version 1, now 2; rule: a save names the version it read); nothing was written. Load it again and"
        + " repeat the request: calls already settled are not run twice.");
    ConversationStore.Snapshot stored = store.load("u1");
    assertThat(stored.version()).isEqualTo(2);
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
    assertThat(toolResults(OpenAiConversationKeyTest.history(settled.values().get(0))))
        .containsExactly(request.callId() + " " + json("paid 40 to bob, payment 1"));
  }

  @Test
  void aStoreAndAChatMemoryAreNotBothKept() {
    assertThatThrownBy(() -> ToolGuardAdvisor.builder().conversationStore(store)
        .chatMemory(org.springframework.ai.chat.memory.MessageWindowChatMemory.builder().build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("chatMemory and conversationStore are both set; keep conversations in one");
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().conversationStore(store).build()).build();
    assertThatThrownBy(() -> client.prompt().user("hi").call().content())
        .hasMessageContaining("the request names no conversation");
  }
}
