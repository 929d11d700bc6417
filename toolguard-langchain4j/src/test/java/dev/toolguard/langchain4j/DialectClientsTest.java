package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.langchain4j.model.mistralai.MistralAiChatModel;
import dev.langchain4j.model.mistralai.MistralAiStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LangChain4j's own Gemini, Mistral and Ollama clients, pointed at the referee's endpoints for those
 * providers: a tool round goes through in each provider's request and response shapes (streamed too),
 * and a broken history sent bare comes back as the provider's 400 through the client's exception.
 * (LangChain4j's Bedrock module is not served here: see the README.)
 */
class DialectClientsTest extends RefereeTest {

  /** A LangChain4j client of one of the referee's other dialects. */
  enum Client {
    GEMINI(Endpoint.GEMINI, false),
    GEMINI_STREAMING(Endpoint.GEMINI, true),
    MISTRAL(Endpoint.MISTRAL, false),
    MISTRAL_STREAMING(Endpoint.MISTRAL, true),
    OLLAMA(Endpoint.OLLAMA, false),
    OLLAMA_STREAMING(Endpoint.OLLAMA, true);

    final Endpoint endpoint;
    final boolean streaming;

    Client(Endpoint endpoint, boolean streaming) {
      this.endpoint = endpoint;
      this.streaming = streaming;
    }
  }

  static final ToolSpecification WEATHER = ToolSpecification.builder()
      .name("get_weather")
      .description("The weather in a city")
      .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
      .build();

  ChatModel chatModel(Client c) {
    return chatModel(c, referee);
  }

  /** LangChain4j's own client {@code c} (not streaming), pointed at {@code referee}. */
  static ChatModel chatModel(Client c, ProviderReferee referee) {
    Duration timeout = Duration.ofSeconds(10);
    switch (c.endpoint) {
      case GEMINI:
        return GoogleAiGeminiChatModel.builder().baseUrl(referee.baseUrl() + "/v1beta").apiKey("test")
            .modelName("gemini-2.5-flash").maxRetries(0).timeout(timeout).build();
      case MISTRAL:
        return MistralAiChatModel.builder().baseUrl(referee.mistralBaseUrl() + "/v1").apiKey("test")
            .modelName("mistral-large-latest").maxRetries(0).timeout(timeout).build();
      default:
        return OllamaChatModel.builder().baseUrl(referee.baseUrl()).modelName("llama3.2").maxRetries(0)
            .timeout(timeout).build();
    }
  }

  StreamingChatModel streamingModel(Client c) {
    return streamingModel(c, referee);
  }

  /** LangChain4j's own streaming client {@code c}, pointed at {@code referee}. */
  static StreamingChatModel streamingModel(Client c, ProviderReferee referee) {
    Duration timeout = Duration.ofSeconds(10);
    switch (c.endpoint) {
      case GEMINI:
        return GoogleAiGeminiStreamingChatModel.builder().baseUrl(referee.baseUrl() + "/v1beta").apiKey("test")
            .modelName("gemini-2.5-flash").timeout(timeout).build();
      case MISTRAL:
        return MistralAiStreamingChatModel.builder().baseUrl(referee.mistralBaseUrl() + "/v1").apiKey("test")
            .modelName("mistral-large-latest").timeout(timeout).build();
      default:
        return OllamaStreamingChatModel.builder().baseUrl(referee.baseUrl()).modelName("llama3.2").timeout(timeout)
            .build();
    }
  }

  ChatResponse send(Client c, List<ChatMessage> messages) {
    ChatRequest request = ChatRequest.builder().messages(messages).toolSpecifications(WEATHER).build();
    return c.streaming ? Provider.stream(streamingModel(c), request) : chatModel(c).chat(request);
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void aToolRoundGoesThroughTheProvidersShapes(Client c) {
    referee.script().enqueue(Reply.textAndToolCalls("Let me check.", Reply.call("get_weather", "{\"city\":\"Paris\"}")),
        Reply.text("It is sunny in Paris."));
    List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.from("What is the weather in Paris?")));

    ChatResponse first = send(c, history);
    AiMessage call = first.aiMessage();
    assertThat(call.toolExecutionRequests()).hasSize(1);
    ToolExecutionRequest request = call.toolExecutionRequests().get(0);
    assertThat(request.name()).isEqualTo("get_weather");
    assertThat(request.arguments()).contains("Paris");
    if (c.endpoint == Endpoint.MISTRAL) {
      assertThat(request.id()).matches("[a-zA-Z0-9]{9}");
    }

    history.add(call);
    history.add(ToolExecutionResultMessage.from(request, "sunny, 21 C"));
    ChatResponse second = send(c, history);
    assertThat(second.aiMessage().text()).isEqualTo("It is sunny in Paris.");

    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(c.endpoint);
    assertThat(requests).hasSize(2);
    assertThat(requests).allSatisfy(r -> assertThat(r.stream()).isEqualTo(c.streaming));
    RecordedRequest last = requests.get(1);
    assertThat(last.lastToolResult()).isEqualTo("sunny, 21 C");
    assertThat(last.endsWithToolResult()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"GEMINI", "GEMINI_STREAMING"})
  void geminiRefusesAResponseTurnShortOfItsCallTurnBare(Client c) {
    assertThatThrownBy(() -> send(c, parallelCallsOneResult("a1", "a2")))
        .satisfies(e -> assertThat(Provider.messages(e)).contains(ErrorMessages.Gemini.SAME_COUNT));
    assertThat(referee.rejections()).singleElement()
        .satisfies(r -> assertThat(r.errorMessage()).isEqualTo(ErrorMessages.Gemini.SAME_COUNT));
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"MISTRAL", "MISTRAL_STREAMING"})
  void mistralRefusesAnOpenAiStyleCallIdBare(Client c) {
    List<ChatMessage> history = List.of(UserMessage.from("Weather in Paris?"),
        AiMessage.from(ToolExecutionRequest.builder().id("call_0fypS1hVX").name("get_weather")
            .arguments("{\"city\":\"Paris\"}").build()),
        ToolExecutionResultMessage.from("call_0fypS1hVX", "get_weather", "22C"));
    String text = ErrorMessages.Mistral.badId("call_0fypS1hVX");
    assertThatThrownBy(() -> send(c, history)).satisfies(e -> assertThat(Provider.messages(e)).contains(text));
    assertThat(referee.rejections()).singleElement().satisfies(r -> assertThat(r.errorMessage()).isEqualTo(text));
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"MISTRAL", "MISTRAL_STREAMING"})
  void mistralRefusesParallelCallsWithAResultMissingBare(Client c) {
    assertThatThrownBy(() -> send(c, parallelCallsOneResult("abcd12345", "abcd12346")))
        .satisfies(e -> assertThat(Provider.messages(e)).contains(ErrorMessages.Mistral.COUNT));
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"OLLAMA", "OLLAMA_STREAMING"})
  void ollamaTakesAnUnansweredCallAsTheRealServerDoes(Client c) {
    // Ollama checks no pairing: the broken history reaches the model (the referee records it) with no 400
    List<ChatMessage> history = List.of(UserMessage.from("Weather in Paris?"),
        AiMessage.from(ToolExecutionRequest.builder().name("get_weather").arguments("{\"city\":\"Paris\"}").build()),
        UserMessage.from("And in Rome?"));
    assertThat(send(c, history).aiMessage().text()).isEqualTo("You said: And in Rome?");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().json().at("/messages/1/tool_calls/0/function/arguments").isObject()).isTrue();
  }

  private static List<ChatMessage> parallelCallsOneResult(String id1, String id2) {
    ToolExecutionRequest paris = ToolExecutionRequest.builder().id(id1).name("get_weather")
        .arguments("{\"city\":\"Paris\"}").build();
    ToolExecutionRequest rome = ToolExecutionRequest.builder().id(id2).name("get_weather")
        .arguments("{\"city\":\"Rome\"}").build();
    return List.of(UserMessage.from("Weather in Paris and Rome?"), AiMessage.from(paris, rome),
        ToolExecutionResultMessage.from(paris, "22C"));
  }
}
