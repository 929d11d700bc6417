package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;

/** Approvals and chat memory through ChatClient and Spring AI's OpenAiChatModel against the referee. */
class OpenAiApprovalAndMemoryTest extends RefereeSupport {

  static final byte[] KEY = "a secret of at least thirty-two bytes!".getBytes(StandardCharsets.UTF_8);

  static String ask(ChatClient.ChatClientRequestSpec spec, boolean stream) {
    return OpenAiToolLoopTest.ask(spec, stream);
  }

  /** Spring AI's own way to let a human approve a call: no tool loop; the call waits in the history. */
  @Test
  void bareApprovalLeavesACallWithoutResultAndTheNextMessageIsRefused() {
    referee.script().enqueue(Reply.toolCall("pay", "{\"amount\":5}"));
    ChatClient bare = ChatClient.builder(model)
        .defaultAdvisors(AdvisorParams.toolCallingAdvisorAutoRegister(false)).build();
    List<Message> history = new ArrayList<>();
    history.add(new UserMessage("Pay 5"));
    AssistantMessage waiting = bare.prompt().messages(history).tools(new ToolGuardAdvisorTest.Payments()).call()
        .chatResponse().getResult().getOutput();
    assertThat(waiting.hasToolCalls()).isTrue();
    history.add(waiting); // stored while the human decides

    history.add(new UserMessage("Yes, go ahead."));
    assertThatThrownBy(() -> bare.prompt().messages(history).call().content())
        .hasMessageContaining("400")
        .hasMessageContaining("An assistant message with 'tool_calls' must be followed by tool messages");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void approvalSuspendsSerializesAndResumesInAnotherProcess(boolean stream) {
    referee.script().enqueue(
        Reply.toolCalls(Reply.call("pay", "{\"amount\":5}"), Reply.call("balance", "{}")),
        Reply.text("Paid 5; your balance is 100."));
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("pay")).build();

    ToolGuardAdvisorTest.Payments first = new ToolGuardAdvisorTest.Payments();
    ChatClient one = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().config(config)
        .signApprovals(ApprovalSigner.hmacSha256(KEY))
        .chatMemory(MessageWindowChatMemory.builder().chatMemoryRepository(store).build())
        .toolObjects(first).build()).build();
    String said = ask(one.prompt().user("Pay 5 and show my balance")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv")), stream);
    assertThat(said).isEmpty();
    assertThat(first.paid).hasValue(0);
    assertThat(first.lookups).hasValue(1);
    assertThat(referee.requests()).hasSize(1);

    // another process: a new advisor, a new memory over the same JSON documents, the same key
    ToolGuardAdvisorTest.Payments second = new ToolGuardAdvisorTest.Payments();
    ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().chatMemoryRepository(store).build());
    ChatClient two = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().config(config)
        .signApprovals(ApprovalSigner.hmacSha256(KEY)).chatMemory(memory).toolObjects(second).build()).build();
    List<ApprovalRequest> pending = ToolGuardSpringAi.pending(memory.get("conv"));
    assertThat(pending).extracting(r -> r.call().name()).containsExactly("pay");

    String answer = ask(two.prompt().user("Yes, go ahead.")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv"))
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(pending.get(0)))), stream);

    assertThat(answer).isEqualTo("Paid 5; your balance is 100.");
    assertThat(second.paid).hasValue(1);
    assertThat(second.lookups).hasValue(0);
    assertThat(referee.rejections()).isEmpty();
    RecordedRequest resumed = referee.requests().get(1);
    assertThat(resumed.toolResultIds()).containsExactlyInAnyOrder("call_1", "call_2");
    assertThat(resumed.lastUserText()).isEqualTo("Yes, go ahead.");
    List<Message> stored = memory.get("conv");
    assertThat(ToolGuardSpringAi.pending(stored)).isEmpty();
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
  }

  @Test
  void aMemoryWindowCutThroughACallIsRefusedBareAndRepairedGuarded() {
    MessageWindowChatMemory window = MessageWindowChatMemory.builder().maxMessages(4).build();
    window.add("conv", List.of(new UserMessage("weather?"), OpenAiFailureClassesTest.calls("call_1"),
        new UserMessage("typed while the tool ran"), OpenAiFailureClassesTest.result("call_1"),
        new AssistantMessage("Sunny."), new UserMessage("thanks")));

    ChatClient bare = ChatClient.builder(model)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(window).build()).build();
    assertThatThrownBy(() -> bare.prompt().user("and tomorrow?")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv")).call().content())
        .hasMessageContaining("400")
        .hasMessageContaining("messages with role 'tool' must be a response to a preceeding message");

    referee.reset();
    ChatClient guarded = ChatClient.builder(model)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(ToolGuardChatMemory.of(window)).build()).build();
    assertThat(guarded.prompt().user("and tomorrow?")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv")).call().content()).isNotBlank();
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void toolTurnsInASmallMemoryWindowStayValidTurnAfterTurn(boolean stream) {
    referee.script().respondWith(r -> r.endsWithToolResult()
        ? Reply.text("Done: " + r.lastToolResult())
        : Reply.toolCall("weather", "{\"city\":\"" + r.lastUserText() + "\"}"));
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().maxMessages(5).build());
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory).defaultConversationId("w").build()).build();

    for (String city : List.of("Paris", "Rome", "Oslo", "Lima")) {
      assertThat(ask(client.prompt().user(city).tools(weather), stream)).contains("sunny in " + city);
      assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(memory.get("w")))).isEmpty();
    }
    assertThat(weather.calls).hasValue(4);
    assertThat(referee.requests()).hasSize(8);
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void aRejectedApprovalTellsTheModelAndRunsNothing() {
    referee.script().enqueue(Reply.toolCall("pay", "{\"amount\":500}"), Reply.text("Understood, no payment."));
    ToolGuardAdvisorTest.Payments payments = new ToolGuardAdvisorTest.Payments();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder()
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .chatMemory(MessageWindowChatMemory.builder().build()).defaultConversationId("r")
        .toolObjects(payments).build()).build();

    ChatClientResponse waiting = client.prompt().user("Pay 500").call().chatClientResponse();
    assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    ApprovalRequest request = ToolGuardSpringAi.pending(waiting).get(0);

    String answer = client.prompt()
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.reject(request, "too much"))).call().content();

    assertThat(answer).isEqualTo("Understood, no payment.");
    assertThat(payments.paid).hasValue(0);
    assertThat(referee.requests().get(1).lastToolResult()).contains("too much");
    assertThat(referee.rejections()).isEmpty();
  }
}
