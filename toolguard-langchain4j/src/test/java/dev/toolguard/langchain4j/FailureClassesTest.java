package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure class of the design, as a LangChain4j history, sent through LangChain4j's own OpenAI
 * and Anthropic clients (plain and streaming) to the testkit referee: the bare model gets the
 * provider's 400, the guarded model gets an answer.
 */
class FailureClassesTest extends RefereeTest {

  static ToolExecutionRequest call(String id, String name) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments("{\"city\":\"Paris\"}").build();
  }

  static ToolExecutionResultMessage result(String id, String name, String text) {
    return ToolExecutionResultMessage.from(id, name, text);
  }

  /**
   * A broken history and a piece of the 400 each provider answers for it.
   *
   * @param name the failure class
   * @param history what the application sends
   * @param openAi a piece of OpenAI's error text
   * @param anthropic a piece of Anthropic's error text
   */
  record Broken(String name, List<ChatMessage> history, String openAi, String anthropic) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Broken> broken() {
    SystemMessage system = SystemMessage.from("You report the weather.");
    UserMessage ask = UserMessage.from("Weather in Paris?");
    AiMessage weather = AiMessage.from(call("call_1", "weather"));
    String missing = "did not have response messages: call_1";
    String noResultAfter = "`tool_use` ids were found without `tool_result` blocks immediately after";
    String notAfterCalls = "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'";
    String unexpected = "unexpected `tool_use_id` found in `tool_result` blocks";
    List<Broken> all = new ArrayList<>();
    all.add(new Broken("1 a user message between the call and its result",
        List.of(system, ask, weather, UserMessage.from("hurry up"), result("call_1", "weather", "sunny")),
        missing, noResultAfter));
    all.add(new Broken("2 a window evicted the call and kept its result",
        List.of(system, ask, result("call_1", "weather", "sunny"), AiMessage.from("Sunny."),
            UserMessage.from("and tomorrow?")),
        notAfterCalls, unexpected));
    all.add(new Broken("3 the crash left a call without a result",
        List.of(system, ask, weather, UserMessage.from("hello? did it work?")), missing, noResultAfter));
    all.add(new Broken("4 a replayed mcp_ output whose call never was",
        List.of(system, ask, AiMessage.from("Let me ask the server."), result("mcp_1", "weather", "{\"status\":\"ok\"}"),
            UserMessage.from("so?")),
        notAfterCalls, unexpected));
    all.add(new Broken("5 the store rewrote the result's id",
        List.of(system, ask, weather, result("call_9f3a1c2e-4b7d-4e58-9a61-0c2f5d8e7b13", "weather", "sunny")),
        "not found in 'tool_calls' of previous message", noResultAfter + ": call_1"));
    all.add(new Broken("6a a duplicate result after a retry",
        List.of(system, ask, weather, result("call_1", "weather", "sunny"), result("call_1", "weather", "sunny")),
        "Duplicate value for 'tool_call_id' of 'call_1'", "each tool_use must have a single result"));
    all.add(new Broken("6b a late result after the next answer",
        List.of(system, ask, weather, UserMessage.from("never mind"), AiMessage.from("OK."),
            result("call_1", "weather", "sunny")),
        missing, noResultAfter));
    all.add(new Broken("6c an early result before its call",
        List.of(system, ask, result("call_1", "weather", "sunny"), weather), notAfterCalls, unexpected));
    all.add(new Broken("7 parallel calls split by a user message",
        List.of(system, ask, AiMessage.from(call("call_1", "weather"), call("call_2", "time")),
            result("call_1", "weather", "sunny"), UserMessage.from("quick!"), result("call_2", "time", "noon")),
        "did not have response messages: call_2", noResultAfter));
    return all;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Provider p : Provider.values()) {
      for (Broken b : broken()) {
        out.add(Arguments.of(p, b));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void theBareClientGetsTheProviders400AndTheGuardedOneAnAnswer(Provider provider, Broken broken) {
    Throwable bare = catchThrowable(() -> provider.send(referee, false, broken.history()));

    assertThat(bare).as("the bare client must fail").isNotNull();
    assertThat(referee.rejections()).hasSize(1);
    RecordedRequest rejected = referee.rejections().get(0);
    assertThat(rejected.status()).isEqualTo(400);
    boolean anthropic = provider == Provider.ANTHROPIC || provider == Provider.ANTHROPIC_STREAMING;
    assertThat(rejected.errorMessage()).contains(anthropic ? broken.anthropic() : broken.openAi());
    assertThat(Provider.messages(bare)).contains(rejected.errorMessage());

    referee.clearRequests();
    referee.script().enqueue(Reply.text("It is sunny in Paris."));
    ChatResponse guarded = provider.send(referee, true, broken.history());

    assertThat(guarded.aiMessage().text()).isEqualTo("It is sunny in Paris.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(1);
  }
}
