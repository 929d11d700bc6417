package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.RepairPolicy;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The README's snippets, compiled and run on LangChain4j's OpenAiChatModel against the testkit referee. */
class ReadmeSnippetsTest extends RefereeTest {

  @Test
  void configuration() {
    AtomicInteger repairs = new AtomicInteger();
    referee.script().enqueue(Reply.text("ok"));
    ChatModel model = Provider.chatModel(Provider.OPENAI, referee);
    LangChain4jToolGuard guard = LangChain4jToolGuard.custom()
        .historyPolicy(HistoryPolicy.REJECT)
        .historyGuard(HistoryGuard.of(RepairPolicy.builder()
            .missingResultText("Call {callId} ({name}) was lost; do not assume it ran.").build()))
        .onRepair(repair -> repairs.incrementAndGet())
        .build();
    ChatModel strict = guard.guard(model);
    ChatMemory memory = guard.guard(MessageWindowChatMemory.withMaxMessages(20));
    List<ChatMessage> messages = List.of(UserMessage.from("hi"));
    List<ChatMessage> wouldSend = guard.repair(messages);

    assertThat(strict.chat(messages).aiMessage().text()).isEqualTo("ok");
    assertThat(referee.requests()).singleElement().satisfies(req -> assertThat(req.status()).isEqualTo(200));
    assertThat(memory.messages()).isEmpty();
    assertThat(wouldSend).isSameAs(messages);
  }

  @Test
  void theLoop() {
    referee.script().enqueue(Reply.text("Nothing to do."));
    ChatModel model = Provider.chatModel(Provider.OPENAI, referee);
    ToolSpecification clockSpec = ToolSpecification.builder().name("clock").description("the time")
        .parameters(JsonObjectSchema.builder().build()).build();
    ToolSpecification locationSpec = ToolSpecification.builder().name("location").description("where").build();
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(20));

    ToolLoop loop = ToolLoop.builder(model)
        .tools(new ToolLoopTest.Travel())
        .tool(clockSpec, (request, memoryId) -> Instant.now().toString())
        .clientTool(locationSpec)
        .config(LoopConfig.custom()
            .approvalRequired(Set.of("pay"))
            .callTimeout(Duration.ofSeconds(20))
            .maxIterations(8)
            .build())
        .approvalRequiredWhen(request -> request.arguments().contains("\"amount\":1000"))
        .parameters(ChatRequestParameters.builder().temperature(0.0).build())
        .build();

    ToolLoop.Result r = loop.run(memory, UserMessage.from("Send 40 EUR to Bob"));

    assertThat(r.text()).isEqualTo("Nothing to do.");
    assertThat(memory.messages()).hasSize(2);
    assertThat(referee.requests()).singleElement().satisfies(req -> assertThat(req.status()).isEqualTo(200));
  }

  record Chart(String title) {}

  static class Reports {
    @Tool(value = "Draws a chart", returnBehavior = ReturnBehavior.IMMEDIATE)
    Chart chart(@P("the title") String title) {
      return new Chart(title);
    }
  }

  @Test
  void toolsThatReturnImmediately() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("chart", "{\"title\":\"sales\"}").withId("c1")));
    ChatModel model = Provider.chatModel(Provider.OPENAI, referee);
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(20));
    ToolLoop loop = ToolLoop.builder(model).tools(new Reports()).build();

    ToolLoop.Result r = loop.run(memory, UserMessage.from("Chart the sales"));
    Chart chart = null;
    if (r.status() == LoopResult.Status.RETURNED_DIRECT) {
      chart = (Chart) r.directResults().get(0).resultObject();
    }

    assertThat(chart).isEqualTo(new Chart("sales"));
    assertThat(memory.messages()).hasSize(3);
    assertThat(referee.requests()).singleElement().satisfies(req -> assertThat(req.status()).isEqualTo(200));
  }
}
