package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.google.genai.GoogleGenAiChatModel;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Spring AI's own GoogleGenAiChatModel (on the google-genai SDK) and OllamaChatModel, pointed at the
 * referee's Gemini and Ollama endpoints: a tool round runs through Spring AI's own tool execution, called
 * and streamed, in each provider's shapes; a broken history sent bare gets the provider's 400 through the
 * client's exception (Ollama refuses no pairing, as the real server). Spring AI's Bedrock Converse and
 * Mistral modules are not served here: see the README.
 */
class DialectClientsTest extends DialectRefereeSupport {

  enum Api {
    GEMINI(Endpoint.GEMINI), OLLAMA(Endpoint.OLLAMA);

    final Endpoint endpoint;

    Api(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    ChatModel model() {
      return this == GEMINI ? gemini : ollama;
    }
  }

  /** The tool of the round. */
  static final class Weather {
    @Tool(name = "get_weather", description = "The weather in a city")
    String weather(String city) {
      return "sunny, 21 C in " + city;
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aToolRoundRunsThroughSpringAisToolExecution(Api api) {
    referee.script().enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"), Reply.text("It is sunny in Paris."));
    String answer = ChatClient.create(api.model()).prompt().user("Weather in Paris?").tools(new Weather()).call()
        .content();
    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertRound(api, false);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStreamedToolRoundRunsThroughSpringAisToolExecution(Api api) {
    referee.script().enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"), Reply.text("It is sunny in Paris."));
    List<String> pieces = ChatClient.create(api.model()).prompt().user("Weather in Paris?").tools(new Weather())
        .stream().content().collectList().block();
    assertThat(String.join("", pieces)).isEqualTo("It is sunny in Paris.");
    assertRound(api, true);
  }

  private static void assertRound(Api api, boolean streamed) {
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(api.endpoint);
    assertThat(requests).hasSize(2);
    assertThat(requests).allSatisfy(r -> assertThat(r.stream()).isEqualTo(streamed));
    assertThat(requests.get(1).endsWithToolResult()).isTrue();
    assertThat(requests.get(1).lastToolResult()).contains("sunny, 21 C in Paris");
  }

  @Test
  void geminiRefusesAResponseTurnShortOfItsCallTurnBare() {
    AssistantMessage calls = AssistantMessage.builder().content("").toolCalls(List.of(
        new AssistantMessage.ToolCall("a1", "function", "get_weather", "{\"city\":\"Paris\"}"),
        new AssistantMessage.ToolCall("a2", "function", "get_weather", "{\"city\":\"Rome\"}"))).build();
    ToolResponseMessage one = ToolResponseMessage.builder()
        .responses(List.of(new ToolResponseMessage.ToolResponse("a1", "get_weather", "\"22C\""))).build();
    Prompt prompt = new Prompt(List.of(new UserMessage("Paris and Rome?"), calls, one));
    assertThatThrownBy(() -> gemini.call(prompt))
        .satisfies(e -> assertThat(messages(e)).contains(ErrorMessages.Gemini.SAME_COUNT));
    assertThat(referee.rejections()).singleElement()
        .satisfies(r -> assertThat(r.errorMessage()).isEqualTo(ErrorMessages.Gemini.SAME_COUNT));
  }

  @Test
  void ollamaTakesAnUnansweredCallAsTheRealServerDoes() {
    AssistantMessage call = AssistantMessage.builder().content("").toolCalls(List.of(
        new AssistantMessage.ToolCall("a1", "function", "get_weather", "{\"city\":\"Paris\"}"))).build();
    Prompt prompt = new Prompt(List.of(new UserMessage("Paris?"), call, new UserMessage("And Rome?")));
    assertThat(ollama.call(prompt).getResult().getOutput().getText()).isEqualTo("You said: And Rome?");
    assertThat(referee.rejections()).isEmpty();
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString().replace("\\\"", "\"");
  }
}
