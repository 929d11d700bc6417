package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.annotation.Tool;

/**
 * {@code returnDirect} tools through ChatClient and Spring AI's OpenAiChatModel against the referee:
 * the caller gets the results as Spring AI's own tool loop hands them over, the history keeps the
 * calls with their results, and the next request is accepted.
 */
class OpenAiReturnDirectTest extends RefereeSupport {

  static final class Reports {
    final AtomicInteger reports = new AtomicInteger();
    final AtomicInteger charts = new AtomicInteger();
    final AtomicInteger lookups = new AtomicInteger();

    @Tool(description = "Builds a report; shown to the user as it is", returnDirect = true)
    String report(String topic) {
      reports.incrementAndGet();
      return "report on " + topic;
    }

    @Tool(description = "Draws a chart; shown to the user as it is", returnDirect = true)
    String chart(String topic) {
      charts.incrementAndGet();
      return "chart of " + topic;
    }

    @Tool(description = "Looks a topic up")
    String lookup(String topic) {
      lookups.incrementAndGet();
      return "facts on " + topic;
    }
  }

  /** The last response of a call, or of a stream (which carries the context entries). */
  static ChatClientResponse respond(ChatClient.ChatClientRequestSpec spec, boolean stream) {
    if (!stream) {
      return spec.call().chatClientResponse();
    }
    List<ChatClientResponse> all = spec.stream().chatClientResponse().collectList().block();
    assertThat(all).isNotEmpty();
    return all.get(all.size() - 1);
  }

  /** What a caller sees of a generation: its text and metadata. */
  static List<Object> shape(ChatClientResponse response) {
    return response.chatResponse().getResults().stream()
        .<Object>map(g -> List.of(g.getOutput().getText(), g.getOutput().hasToolCalls(),
            g.getMetadata().getFinishReason(),
            String.valueOf(g.getMetadata().<Object>get(ToolExecutionResult.METADATA_TOOL_ID)),
            String.valueOf(g.getMetadata().<Object>get(ToolExecutionResult.METADATA_TOOL_NAME))))
        .toList();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theCallerGetsTheResultsAsSpringAisOwnLoopReturnsThem(boolean stream) {
    Reply both = Reply.toolCalls(Reply.call("report", "{\"topic\":\"sales\"}"),
        Reply.call("chart", "{\"topic\":\"costs\"}"));

    referee.script().enqueue(both);
    ChatClientResponse springs = respond(ChatClient.builder(model).build().prompt().user("Sales report and costs chart")
        .tools(new Reports()), stream);
    assertThat(referee.requests()).hasSize(1);

    referee.reset();
    referee.script().enqueue(both);
    Reports reports = new Reports();
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory)
        .defaultConversationId("d").toolObjects(reports).build()).build();
    ChatClientResponse ours = respond(client.prompt().user("Sales report and costs chart"), stream);

    assertThat(shape(ours)).isEqualTo(shape(springs)).containsExactly(
        List.of("\"report on sales\"", false, ToolExecutionResult.FINISH_REASON, "call_1", "report"),
        List.of("\"chart of costs\"", false, ToolExecutionResult.FINISH_REASON, "call_2", "chart"));
    assertThat(ours.chatResponse().getMetadata().getModel()).isEqualTo(springs.chatResponse().getMetadata().getModel());
    assertThat(ours.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.RETURNED_DIRECT)
        .containsEntry(ToolGuardAdvisor.PENDING, List.of());
    assertThat(referee.requests()).hasSize(1);
    assertThat(reports.reports).hasValue(1);
    assertThat(reports.charts).hasValue(1);

    // the memory keeps the calls with their results; the next request carries them and is accepted
    List<Message> stored = memory.get("d");
    assertThat(stored).hasSize(3);
    assertThat(stored.get(1)).isInstanceOfSatisfying(AssistantMessage.class, a -> assertThat(a.getToolCalls())
        .extracting(AssistantMessage.ToolCall::name).containsExactly("report", "chart"));
    assertThat(stored.get(2)).isInstanceOfSatisfying(ToolResponseMessage.class, t -> assertThat(t.getResponses())
        .extracting(ToolResponseMessage.ToolResponse::id).containsExactly("call_1", "call_2"));
    referee.script().enqueue(Reply.text("Anything else?"));
    assertThat(OpenAiToolLoopTest.ask(client.prompt().user("Thanks"), stream)).isEqualTo("Anything else?");
    assertThat(referee.rejections()).isEmpty();
    RecordedRequest next = referee.requests().get(1);
    assertThat(next.toolResultIds()).containsExactly("call_1", "call_2");
    assertThat(next.lastUserText()).isEqualTo("Thanks");
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(memory.get("d")))).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aMixedTurnGoesBackToTheModelAsInSpringAi(boolean stream) {
    referee.script().enqueue(Reply.toolCalls(Reply.call("report", "{\"topic\":\"sales\"}"),
        Reply.call("lookup", "{\"topic\":\"sales\"}")), Reply.text("Sales are up."));
    Reports reports = new Reports();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(reports).build()).build();

    ChatClientResponse response = respond(client.prompt().user("Sales?"), stream);

    assertThat(response.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    if (!stream) {
      assertThat(response.chatResponse().getResult().getOutput().getText()).isEqualTo("Sales are up.");
    }
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.requests().get(1).toolResultIds()).containsExactly("call_1", "call_2");
    assertThat(reports.reports).hasValue(1);
    assertThat(reports.lookups).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void anOuterMemoryAdvisorStoresTheDirectResultAsTheAnswer() {
    referee.script().enqueue(Reply.toolCall("report", "{\"topic\":\"sales\"}"), Reply.text("Glad it helps."));
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(),
        ToolGuardAdvisor.builder().toolObjects(new Reports()).build()).build();

    String direct = client.prompt().user("Sales report")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "m")).call().content();
    assertThat(direct).isEqualTo("\"report on sales\"");
    assertThat(memory.get("m")).extracting(Message::getText).containsExactly("Sales report", direct);

    assertThat(client.prompt().user("Thanks").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "m")).call()
        .content()).isEqualTo("Glad it helps.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anApprovedDirectCallReturnsDirectlyOnResumeWithoutAModelRequest(boolean stream) {
    referee.script().enqueue(Reply.toolCall("report", "{\"topic\":\"salaries\"}"), Reply.text("You're welcome."));
    Reports reports = new Reports();
    ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder()
        .chatMemoryRepository(new JsonChatMemoryRepository()).build());
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder()
        .config(LoopConfig.custom().approvalRequired(Set.of("report")).build())
        .chatMemory(memory).defaultConversationId("a").toolObjects(reports).build()).build();

    ChatClientResponse waiting = respond(client.prompt().user("Salary report"), stream);
    assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    assertThat(reports.reports).hasValue(0);
    ApprovalRequest request = ToolGuardSpringAi.pending(memory.get("a")).get(0);

    ChatClientResponse done = respond(client.prompt().user("Yes, go ahead.")
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(request))), stream);

    assertThat(done.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.RETURNED_DIRECT);
    assertThat(done.chatResponse().getResults()).extracting(Generation::getOutput).extracting(Message::getText)
        .containsExactly("\"report on salaries\"");
    assertThat(reports.reports).hasValue(1);
    assertThat(referee.requests()).hasSize(1);

    assertThat(OpenAiToolLoopTest.ask(client.prompt().user("Thanks"), stream)).isEqualTo("You're welcome.");
    assertThat(referee.rejections()).isEmpty();
    RecordedRequest next = referee.requests().get(1);
    assertThat(next.toolResultIds()).containsExactly("call_1");
    assertThat(next.lastToolResult()).contains("report on salaries");
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(memory.get("a")))).isEmpty();
  }
}
