package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.RepairAction;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.ErrorMessages;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * Every way a history breaks in the field, sent through ChatClient and Spring AI's OpenAiChatModel to
 * the referee: the bare client gets the provider's 400, the guarded one an answer.
 */
class OpenAiFailureClassesTest extends RefereeSupport {

  static UserMessage user(String text) {
    return new UserMessage(text);
  }

  static AssistantMessage calls(String... ids) {
    List<AssistantMessage.ToolCall> calls = Stream.of(ids)
        .map(id -> new AssistantMessage.ToolCall(id, "function", "weather", "{\"city\":\"Paris\"}")).toList();
    return AssistantMessage.builder().content("").toolCalls(calls).build();
  }

  static ToolResponseMessage result(String id) {
    return ToolResponseMessage.builder()
        .responses(List.of(new ToolResponseMessage.ToolResponse(id, "weather", "sunny"))).build();
  }

  static Stream<Arguments> failureClasses() {
    String notFollowed = "An assistant message with 'tool_calls' must be followed by tool messages";
    return Stream.of(
        Arguments.of("user message between call and result",
            List.of(user("weather?"), calls("call_1"), user("typed while the tool ran"), result("call_1"),
                user("thanks")),
            notFollowed, RepairAction.Kind.MOVE),
        Arguments.of("evicted call (memory window)",
            List.of(result("call_1"), new AssistantMessage("Sunny."), user("and tomorrow?")),
            ErrorMessages.Chat.TOOL_MESSAGE_WITHOUT_CALL, RepairAction.Kind.DROP),
        Arguments.of("result whose call is gone (replayed mcp_ output)",
            List.of(user("weather?"), calls("call_1"), result("call_1"), result("mcp_5d1e0c"), user("and now?")),
            ErrorMessages.Chat.unknownToolCallId("mcp_5d1e0c"), RepairAction.Kind.DROP),
        Arguments.of("crash after the assistant message",
            List.of(user("weather?"), calls("call_1"), user("hello?")),
            notFollowed, RepairAction.Kind.SYNTHESIZE),
        Arguments.of("rewritten id (call_{db uuid})",
            List.of(user("weather?"), calls("call_1"), result("call_9b2e4f0a-7c1d"), user("so?")),
            ErrorMessages.Chat.unknownToolCallId("call_9b2e4f0a-7c1d"), RepairAction.Kind.REBIND),
        Arguments.of("duplicate result after a retry",
            List.of(user("weather?"), calls("call_1"), result("call_1"), result("call_1"), user("so?")),
            "Invalid parameter: Duplicate value for 'tool_call_id' of 'call_1'", RepairAction.Kind.DEDUPLICATE),
        Arguments.of("late result",
            List.of(user("weather?"), calls("call_1"), user("anyone?"), new AssistantMessage("Still looking."),
                result("call_1"), user("so?")),
            notFollowed, RepairAction.Kind.MOVE),
        Arguments.of("early result",
            List.of(user("weather?"), result("call_1"), calls("call_1"), user("so?")),
            ErrorMessages.Chat.TOOL_MESSAGE_WITHOUT_CALL, RepairAction.Kind.MOVE),
        Arguments.of("parallel calls split up",
            List.of(user("Paris and Rome?"), calls("call_1", "call_2"), result("call_1"), user("hurry"),
                result("call_2"), user("so?")),
            notFollowed, RepairAction.Kind.MOVE),
        Arguments.of("call id reused in a later turn",
            List.of(user("weather?"), calls("call_1"), result("call_1"), new AssistantMessage("Sunny."),
                user("again?"), AssistantMessage.builder().content("").toolCalls(List.of(new AssistantMessage.ToolCall(
                    "call_1", "function", "weather", "{\"city\":\"Rome\"}"))).build(), result("call_1"), user("so?")),
            "Invalid parameter: Duplicate value for 'id' of 'call_1'", RepairAction.Kind.RENAME),
        Arguments.of("the same call replayed with its result",
            List.of(user("weather?"), calls("call_1"), result("call_1"), new AssistantMessage("Sunny."),
                user("again?"), calls("call_1"), result("call_1"), user("so?")),
            "Invalid parameter: Duplicate value for 'id' of 'call_1'", RepairAction.Kind.DEDUPLICATE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failureClasses")
  void failsBareAndSucceedsGuarded(String name, List<Message> history, String providerError,
      RepairAction.Kind repair) {
    ChatClient bare = ChatClient.builder(model).build();
    assertThatThrownBy(() -> bare.prompt().messages(history).call().content())
        .hasMessageContaining("400")
        .hasMessageContaining(providerError);
    assertThat(referee.rejections()).hasSize(1);

    referee.reset();
    ChatClient guarded = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();
    ChatClientResponse response = guarded.prompt().messages(history).call().chatClientResponse();

    assertThat(response.chatResponse().getResult().getOutput().getText()).isNotBlank();
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(1);
    LoopResult result = (LoopResult) response.context().get(ToolGuardAdvisor.LOOP_RESULT);
    assertThat(result.repairs()).extracting(RepairAction::kind).contains(repair);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failureClasses")
  void failsBareAndSucceedsGuardedStreaming(String name, List<Message> history, String providerError,
      RepairAction.Kind repair) {
    ChatClient bare = ChatClient.builder(model).build();
    assertThatThrownBy(() -> bare.prompt().messages(history).stream().content().collectList().block())
        .hasMessageContaining("400");
    assertThat(referee.rejections()).hasSize(1);
    assertThat(referee.rejections().get(0).errorMessage()).contains(providerError);

    referee.reset();
    ChatClient guarded = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();
    List<String> parts = guarded.prompt().messages(history).stream().content().collectList().block();

    assertThat(String.join("", parts)).isNotBlank();
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failureClasses")
  void theRepairOnlyAdvisorFixesThemUnderSpringAisOwnLoop(String name, List<Message> history, String providerError,
      RepairAction.Kind repair) {
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.repairAdvisor()).build();

    assertThat(client.prompt().messages(history).call().content()).isNotBlank();
    assertThat(referee.rejections()).isEmpty();
  }
}
