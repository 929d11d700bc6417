package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * The repair advisor under Spring AI's own tool loop, on Spring AI's OpenAiChatModel and
 * AnthropicChatModel over HTTP to the testkit referee: the bare client gets the provider's 400, the
 * guarded one an answer.
 */
class ToolGuardRepairAdvisorTest extends RefereeSupport {

  /** A user message between a call and its result, as a chat UI that let the user type produces. */
  static List<Message> interleaved() {
    return List.of(new UserMessage("weather?"),
        AssistantMessage.builder().content("")
            .toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "weather", "{\"city\":\"Paris\"}")))
            .build(),
        new UserMessage("and tomorrow?"),
        ToolResponseMessage.builder()
            .responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "weather", "sunny"))).build());
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void repairsTheHistoryBeforeTheModelUnderSpringAisOwnToolLoop(Api api) {
    ChatClient bare = ChatClient.builder(api.model()).build();
    Throwable refused = catchThrowable(() -> bare.prompt().messages(interleaved()).call().content());

    assertThat(refused).as("the bare client must fail").isNotNull();
    assertThat(referee.rejections()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorMessage()).contains(api == Api.OPENAI
          ? "did not have response messages: call_1"
          : "`tool_use` ids were found without `tool_result` blocks immediately after");
    });
    referee.clearRequests();

    List<RepairResult> repairs = new ArrayList<>();
    referee.script().enqueue(Reply.toolCalls(Reply.call("weather", "{\"city\":\"Rome\"}").withId("call_2")),
        Reply.text("Sunny in both."));
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    ChatClient guarded = ChatClient.builder(api.model())
        .defaultAdvisors(ToolGuardRepairAdvisor.create().withListener(repairs::add)).build();

    String answer = guarded.prompt().messages(interleaved()).tools(weather).call().content();

    assertThat(answer).isEqualTo("Sunny in both.");
    assertThat(weather.calls).hasValue(1); // Spring AI's loop ran the tool, once
    assertThat(repairs).isNotEmpty();
    assertThat(repairs.get(0).actions()).extracting(RepairAction::kind).contains(RepairAction.Kind.MOVE);
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(requests.get(0).toolResultIds()).containsExactly("call_1");
    assertThat(requests.get(0).lastUserText()).isEqualTo("and tomorrow?");
    assertThat(requests.get(1).toolResultIds()).containsExactly("call_1", "call_2");
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aValidRequestPassesUntouched(Api api) {
    List<Message> history = List.of(new UserMessage("hi"), new AssistantMessage("hello"), new UserMessage("bye"));
    List<List<Message>> delegated = new ArrayList<>();
    ChatClient client = ChatClient.builder(api.model()).defaultAdvisors(ToolGuardRepairAdvisor.create(),
        new org.springframework.ai.chat.client.advisor.api.CallAdvisor() {
          @Override
          public org.springframework.ai.chat.client.ChatClientResponse adviseCall(
              org.springframework.ai.chat.client.ChatClientRequest request,
              org.springframework.ai.chat.client.advisor.api.CallAdvisorChain chain) {
            delegated.add(request.prompt().getInstructions());
            return chain.nextCall(request);
          }

          @Override
          public String getName() {
            return "recorder";
          }

          @Override
          public int getOrder() {
            return org.springframework.core.Ordered.LOWEST_PRECEDENCE;
          }
        }).build();

    assertThat(client.prompt().messages(history).call().content()).isEqualTo("You said: bye");

    assertThat(delegated).singleElement().satisfies(sent -> {
      for (int i = 0; i < history.size(); i++) {
        assertThat(sent.get(i)).isSameAs(history.get(i));
      }
    });
    assertThat(referee.requests()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(200));
  }
}
