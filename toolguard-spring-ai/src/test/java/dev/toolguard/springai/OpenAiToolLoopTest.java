package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;

/** Tool round trips through ChatClient and Spring AI's OpenAiChatModel against the referee, call and stream. */
class OpenAiToolLoopTest extends RefereeSupport {

  static String ask(ChatClient.ChatClientRequestSpec spec, boolean stream) {
    return stream ? String.join("", spec.stream().content().collectList().block()) : spec.call().content();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void toolRoundTrip(boolean stream) {
    referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny in Paris."));
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();

    String answer = ask(client.prompt().user("Weather in Paris?").tools(weather), stream);

    assertThat(answer).isEqualTo("Sunny in Paris.");
    assertThat(weather.calls).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).body()).contains("\"weather\"");
    assertThat(requests.get(1).toolResultIds()).containsExactly("call_1");
    assertThat(requests.get(1).lastToolResult()).contains("sunny in Paris");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void parallelCalls(boolean stream) {
    referee.script().enqueue(
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"), Reply.call("weather", "{\"city\":\"Rome\"}")),
        Reply.text("Both sunny."));
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(weather).build()).build();

    assertThat(ask(client.prompt().user("Paris and Rome?"), stream)).isEqualTo("Both sunny.");

    assertThat(weather.calls).hasValue(2);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests().get(1).toolResultIds()).containsExactly("call_1", "call_2");
  }
}
