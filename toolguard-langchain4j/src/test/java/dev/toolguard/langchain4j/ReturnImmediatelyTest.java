package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.ToolExecution;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tools that return immediately ({@code @Tool(returnBehavior = IMMEDIATE)}) in the toolguard loop,
 * over LangChain4j's own OpenAI and Anthropic clients (plain and streaming) against the referee: the
 * run ends with the tool's result and no further model request, the memory keeps the call with its
 * result, and the next request is accepted; and the same turns through AiServices' own loop, to show
 * where the loop does what AiServices does and where it does not.
 */
class ReturnImmediatelyTest extends RefereeTest {

  /** What the chart tool returns: an object, which the caller gets as it is. */
  record Chart(String title, int bars) {}

  static final class Reports {
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Tool(value = "Draws a chart", returnBehavior = ReturnBehavior.IMMEDIATE)
    Chart chart(@P("the title") String title) {
      ran.add("chart " + title);
      if (title.equals("none")) {
        throw new IllegalArgumentException("nothing to draw");
      }
      return new Chart(title, 3);
    }

    @Tool(value = "Exports the report", returnBehavior = ReturnBehavior.IMMEDIATE_IF_LAST)
    String export(@P("the format") String format) {
      ran.add("export " + format);
      return "report." + format;
    }

    @Tool("Looks up a figure")
    int figure(@P("the figure's name") String name) {
      ran.add("figure " + name);
      return 42;
    }
  }

  interface Analyst {
    Result<String> chat(String message);
  }

  private static Reply.Call call(String name) {
    if (name.equals("chart")) {
      return Reply.call("chart", "{\"title\":\"sales\"}");
    }
    if (name.equals("chart!")) {
      return Reply.call("chart", "{\"title\":\"none\"}");
    }
    if (name.equals("export")) {
      return Reply.call("export", "{\"format\":\"pdf\"}");
    }
    return Reply.call("figure", "{\"name\":\"sales\"}");
  }

  private static ToolLoop.Result run(Provider provider, ToolLoop loop, ChatMemory memory, StringBuilder streamed,
      ChatMessage... messages) {
    return provider.streaming() ? loop.stream(memory, streamed::append, messages) : loop.run(memory, messages);
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void anImmediateToolEndsTheRunWithItsResultAndTheNextRequestIsAccepted(Provider provider) {
    JsonStore store = new JsonStore();
    Reports reports = new Reports();
    ToolLoop loop = loop(provider).tools(reports).build();
    referee.script().enqueue(Reply.textAndToolCalls("Here it is.", call("chart")), Reply.text("unused"));
    StringBuilder streamed = new StringBuilder();

    ToolLoop.Result r = run(provider, loop, memory(store), streamed, UserMessage.from("chart the sales"));

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(referee.requests()).as("no request after the tool ran").hasSize(1);
    assertThat(reports.ran).containsExactly("chart sales");
    assertThat(r.text()).isEqualTo("Here it is.");
    if (provider.streaming()) {
      assertThat(streamed).hasToString("Here it is.");
    }
    List<ChatMessage> stored = store.getMessages("u1");
    assertThat(stored).extracting(m -> m.type().name()).containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT");
    ToolExecutionResultMessage storedResult = (ToolExecutionResultMessage) stored.get(2);
    ToolExecution execution = r.directResults().get(0);
    assertThat(r.directResults()).hasSize(1);
    assertThat(execution.request().name()).isEqualTo("chart");
    assertThat(execution.request().id()).isEqualTo(storedResult.id());
    assertThat(execution.request().arguments()).contains("sales");
    assertThat(execution.resultObject()).isEqualTo(new Chart("sales", 3));
    assertThat(execution.result()).isEqualTo(storedResult.text()).contains("\"bars\"");
    assertThat(execution.hasFailed()).isFalse();
    assertThat(execution.invocationContext().chatMemoryId()).isEqualTo("u1");

    // the next message goes on from the stored turn: the provider sees the call and its result
    referee.script().clear();
    referee.script().enqueue(Reply.text("Anything else?"));
    ToolLoop.Result next = run(provider, loop, memory(store), new StringBuilder(), UserMessage.from("thanks"));

    assertThat(next.status()).isEqualTo(Status.COMPLETED);
    assertThat(next.text()).isEqualTo("Anything else?");
    assertThat(next.directResults()).isEmpty();
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.lastRequest().toolResultIds()).containsExactly(storedResult.id());
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("thanks");
    assertThat(reports.ran).containsExactly("chart sales");
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void parallelCallsOfImmediateToolsReturnTogetherInCallOrder(Provider provider) {
    JsonStore store = new JsonStore();
    Reports reports = new Reports();
    referee.script().enqueue(Reply.toolCalls(call("export"), call("chart")));

    ToolLoop.Result r = run(provider, loop(provider).tools(reports).build(), memory(store), new StringBuilder(),
        UserMessage.from("export and chart"));

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(referee.requests()).hasSize(1);
    assertThat(r.directResults()).extracting(e -> e.request().name()).containsExactly("export", "chart");
    assertThat(r.directResults()).extracting(ToolExecution::resultObject)
        .containsExactly("report.pdf", new Chart("sales", 3));
    assertThat(store.getMessages("u1")).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "TOOL_EXECUTION_RESULT");
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aTurnWithAToolThatDoesNotReturnImmediatelyGoesBackToTheModel(Provider provider) {
    JsonStore store = new JsonStore();
    Reports reports = new Reports();
    referee.script().enqueue(Reply.toolCalls(call("chart"), call("figure")), Reply.text("Sales are 42."));

    ToolLoop.Result r = run(provider, loop(provider).tools(reports).build(), memory(store), new StringBuilder(),
        UserMessage.from("chart the sales and give me the figure"));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Sales are 42.");
    assertThat(r.directResults()).isEmpty();
    assertThat(reports.ran).containsExactlyInAnyOrder("chart sales", "figure sales");
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().toolResultIds()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC_STREAMING"})
  void anApprovedImmediateToolReturnsInTheNextProcessWithoutAModelRequest(Provider provider) {
    JsonStore store = new JsonStore();
    Reports reports = new Reports();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("export")).build();
    referee.script().enqueue(Reply.toolCalls(call("chart"), call("export")));

    ToolLoop.Result waiting = run(provider, loop(provider).tools(reports).config(config).build(), memory(store),
        new StringBuilder(), UserMessage.from("chart the sales and export the report"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    assertThat(waiting.directResults()).isEmpty();
    assertThat(reports.ran).containsExactly("chart sales");

    // another process: a new loop and a new memory over the same store
    ToolLoop.Result done = run(provider, loop(provider).tools(reports).config(config).build(), memory(store),
        new StringBuilder(), ToolLoop.answers(waiting.pending().get(0).approve()));

    assertThat(done.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(referee.requests()).as("the approved call returns without a model request").hasSize(1);
    assertThat(reports.ran).containsExactly("chart sales", "export pdf");
    assertThat(done.directResults()).extracting(e -> e.request().name()).containsExactly("chart", "export");
    ToolExecution chart = done.directResults().get(0);
    assertThat(chart.resultObject()).as("ran in the first process: read from the history").isNull();
    assertThat(chart.result()).contains("\"bars\"");
    assertThat(done.directResults().get(1).resultObject()).isEqualTo("report.pdf");

    referee.script().enqueue(Reply.text("Done."));
    ToolLoop.Result next = run(provider, loop(provider).tools(reports).config(config).build(), memory(store),
        new StringBuilder(), UserMessage.from("thanks"));
    assertThat(next.status()).isEqualTo(Status.COMPLETED);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().toolResultIds()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "OPENAI_STREAMING"})
  void aRejectedImmediateToolGoesBackToTheModel(Provider provider) {
    JsonStore store = new JsonStore();
    Reports reports = new Reports();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("chart")).build();
    referee.script().enqueue(Reply.toolCall("chart", "{\"title\":\"sales\"}"), Reply.text("No chart, then."));

    ToolLoop.Result waiting = run(provider, loop(provider).tools(reports).config(config).build(), memory(store),
        new StringBuilder(), UserMessage.from("chart the sales"));
    ToolLoop.Result done = run(provider, loop(provider).tools(reports).config(config).build(), memory(store),
        new StringBuilder(), ToolLoop.answers(waiting.pending().get(0).reject("not now")));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("No chart, then.");
    assertThat(done.directResults()).isEmpty();
    assertThat(reports.ran).isEmpty();
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.rejections()).isEmpty();
  }

  /**
   * One turn of calls through AiServices' own loop and through the toolguard loop, over the same
   * client and tools: whether each returned at once (AiServices: a {@code Result} without content and
   * finish reason {@code TOOL_EXECUTION}) and with how many model requests. {@code chart} is {@code
   * IMMEDIATE}, {@code export} {@code IMMEDIATE_IF_LAST}, {@code figure} {@code TO_LLM}; {@code chart!}
   * is a chart call that throws.
   */
  @ParameterizedTest(name = "[{0}]: AiServices immediate={1}, toolguard immediate={2}")
  @CsvSource({
    // the same rule
    "chart, true, true",
    "chart export, true, true",
    "export chart, true, true",
    "export, true, true",
    "chart figure, false, false",
    "figure chart, false, false",
    "export figure, false, false",
    // where the toolguard loop differs: core's rule is "every call returns directly"
    "figure export, true, false",
    "chart!, false, true",
  })
  void aTurnReturnsImmediatelyAsAiServicesDecidesExceptWhereTheReadmeSaysOtherwise(String calls,
      boolean aiServicesImmediate, boolean toolguardImmediate) {
    List<Reply.Call> turn = new ArrayList<>();
    for (String name : calls.split(" ")) {
      turn.add(call(name));
    }
    Reply turnReply = Reply.toolCalls(turn.toArray(new Reply.Call[0]));

    // AiServices, bare
    referee.script().enqueue(turnReply, Reply.text("Back to the model."));
    ChatMemory aiServicesMemory = MessageWindowChatMemory.withMaxMessages(50);
    Analyst analyst = AiServices.builder(Analyst.class)
        .chatModel(Provider.chatModel(Provider.OPENAI, referee))
        .chatMemory(aiServicesMemory)
        .tools(new Reports())
        .build();
    Result<String> result = analyst.chat("go");
    boolean aiServicesReturned = result.content() == null && result.finishReason() == FinishReason.TOOL_EXECUTION;
    assertThat(aiServicesReturned).as("AiServices returned immediately").isEqualTo(aiServicesImmediate);
    assertThat(referee.requests()).hasSize(aiServicesImmediate ? 1 : 2);
    assertThat(result.toolExecutions()).hasSize(turn.size());

    // the toolguard loop, same turn
    referee.reset();
    referee.script().enqueue(turnReply, Reply.text("Back to the model."));
    ToolLoop.Result r = loop(Provider.OPENAI).tools(new Reports()).build().run(List.of(UserMessage.from("go")));

    assertThat(r.status() == Status.RETURNED_DIRECT).as("toolguard returned immediately").isEqualTo(toolguardImmediate);
    assertThat(referee.requests()).hasSize(toolguardImmediate ? 1 : 2);
    assertThat(r.directResults()).hasSize(toolguardImmediate ? turn.size() : 0);
    if (toolguardImmediate) {
      assertThat(r.directResults()).extracting(e -> e.request().name())
          .containsExactlyElementsOf(result.toolExecutions().stream().map(e -> e.request().name()).toList());
      assertThat(r.directResults()).extracting(ToolExecution::hasFailed)
          .containsExactlyElementsOf(result.toolExecutions().stream().map(ToolExecution::hasFailed).toList());
    }
    assertThat(referee.rejections()).isEmpty();
  }
}
