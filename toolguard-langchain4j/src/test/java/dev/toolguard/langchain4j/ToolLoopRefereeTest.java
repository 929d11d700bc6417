package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The toolguard loop over LangChain4j's own OpenAI and Anthropic clients (plain and streaming) against
 * the referee: approvals that wait through LangChain4j's JSON store and another process, client-side
 * tools, and tools that throw.
 */
class ToolLoopRefereeTest extends RefereeTest {

  static final class Payments {
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Tool("Pays someone")
    String pay(@P("who") String to, @P("amount in euros") int amount) {
      ran.add("pay " + to + " " + amount);
      return "paid " + amount + " to " + to;
    }

    @Tool("Looks up a contact")
    String contact(@P("name") String name) {
      ran.add("contact " + name);
      if (name.equals("nobody")) {
        throw new IllegalArgumentException("no such contact");
      }
      return name + "@example.com";
    }
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void anApprovalIsMatchedAfterSerializationAndTheCallRunsOnce(Provider provider) {
    // bare: the app stores the waiting call as a plain tool call and the user's "yes" after it
    ToolExecutionRequest pay = ToolExecutionRequest.builder().id("call_7").name("pay")
        .arguments("{\"to\":\"bob\",\"amount\":40}").build();
    Throwable bare = catchThrowable(() -> provider.send(referee, false,
        List.of(UserMessage.from("pay bob 40"), AiMessage.from(pay), UserMessage.from("yes, approved"))));
    assertThat(bare).isNotNull();
    assertThat(referee.rejections()).hasSize(1);
    referee.reset();

    // guarded: the loop keeps the call waiting in the history, through JSON, into another process
    JsonStore store = new JsonStore();
    Payments payments = new Payments();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("pay")).build();
    referee.script().enqueue(
        Reply.toolCalls(Reply.call("contact", "{\"name\":\"bob\"}"), Reply.call("pay", "{\"to\":\"bob\",\"amount\":40}")),
        Reply.text("Paid 40 EUR to bob."));

    ToolLoop.Result waiting = loop(provider).tools(payments).config(config).build()
        .run(memory(store), UserMessage.from("pay bob 40"));

    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    assertThat(payments.ran).containsExactly("contact bob");
    ToolLoop.PendingCall pending = waiting.pending().get(0);
    assertThat(pending.request().name()).isEqualTo("pay");

    ToolLoop later = loop(provider).tools(payments).config(config).build();
    ToolLoop.Result done = later.run(memory(store), ToolLoop.answers("go ahead", pending.approve()));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("Paid 40 EUR to bob.");
    assertThat(payments.ran).containsExactly("contact bob", "pay bob 40");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("go ahead");

    assertThatThrownBy(() -> later.run(memory(store), ToolLoop.answers(pending.approve())))
        .isInstanceOf(ApprovalException.class);
    assertThat(payments.ran).containsExactly("contact bob", "pay bob 40");
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aClientSideToolWaitsForItsResultAcrossProcesses(Provider provider) {
    JsonStore store = new JsonStore();
    ToolSpecification location = ToolSpecification.builder().name("location").description("where the user is")
        .parameters(JsonObjectSchema.builder().build()).build();
    referee.script().enqueue(Reply.toolCall("location", "{}"), Reply.text("You are in Lyon."));

    ToolLoop.Result waiting = loop(provider).clientTool(location).build().run(memory(store),
        UserMessage.from("where am I?"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ToolExecutionRequest request = waiting.pending().get(0).request();

    ToolLoop.Result done = loop(provider).clientTool(location).build().run(memory(store),
        ToolExecutionResultMessage.from(request, "45.76,4.83"));

    assertThat(done.text()).isEqualTo("You are in Lyon.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().lastToolResult()).isEqualTo("45.76,4.83");
    List<ChatMessage> stored = store.getMessages("u1");
    assertThat(stored).extracting(m -> m.type().name()).containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aToolThatThrowsIsAnErrorResultAndTheRunGoesOn(Provider provider) {
    Payments payments = new Payments();
    referee.script().enqueue(Reply.toolCall("contact", "{\"name\":\"nobody\"}"), Reply.text("I found nobody."));

    ToolLoop.Result r = loop(provider).tools(payments).build().run(List.of(UserMessage.from("mail nobody")));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("I found nobody.");
    assertThat(r.loopResult().toolFailures()).hasSize(1);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().endsWithToolResult()).isTrue();
  }
}
