package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.toolguard.core.Dialect;
import dev.toolguard.langchain4j.DialectClientsTest.Client;
import dev.toolguard.langchain4j.internal.HistoryGate;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure class, as a LangChain4j history, through LangChain4j's own Gemini, Mistral and Ollama
 * clients (called and streamed) to the referee's endpoints for those providers: bare, the provider's
 * 400 comes back through the client's exception (Ollama checks no pairing, as the real server: the broken
 * history reaches the model); guarded ({@link LangChain4jToolGuard#wrap}, the dialect picked from the
 * model's {@code ModelProvider}), the referee accepts the body and the repair keeps the dialect's rules: a
 * Mistral id renamed or made up is 9 letters and digits, Ollama's results follow their calls in call order
 * with the call's tool name, Gemini's response turns have as many parts as their call turns.
 */
class GuardedDialectClientsTest extends RefereeTest {

  static ToolExecutionRequest call(String id, String name) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments("{\"city\":\"Paris\"}").build();
  }

  static ToolExecutionResultMessage result(String id, String name, String text) {
    return ToolExecutionResultMessage.from(id, name, text);
  }

  /**
   * A broken history and what each provider answers for it bare.
   *
   * @param name the failure class
   * @param history what the application sends
   * @param refused the provider's error text, by endpoint; an endpoint not in it takes the history (Ollama
   *     always: it checks no pairing)
   */
  record Broken(String name, List<ChatMessage> history, Map<Endpoint, String> refused) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<Endpoint, String> refused(@Nullable String gemini, @Nullable String mistral) {
    Map<Endpoint, String> m = new EnumMap<>(Endpoint.class);
    if (gemini != null) {
      m.put(Endpoint.GEMINI, gemini);
    }
    if (mistral != null) {
      m.put(Endpoint.MISTRAL, mistral);
    }
    return m;
  }

  /** The failure classes; ids are 9 letters and digits (Mistral's rule) except where the id is the fault. */
  static List<Broken> broken() {
    SystemMessage system = SystemMessage.from("You report the weather.");
    UserMessage ask = UserMessage.from("Weather in Paris?");
    AiMessage weather = AiMessage.from(call("callA0001", "get_weather"));
    String sameCount = ErrorMessages.Gemini.SAME_COUNT;
    String responseAfterCall = ErrorMessages.Gemini.RESPONSE_AFTER_CALL;
    String callAfterUser = ErrorMessages.Gemini.CALL_AFTER_USER;
    String count = ErrorMessages.Mistral.COUNT;
    List<Broken> all = new ArrayList<>();
    all.add(new Broken("1 a user message between the call and its result",
        List.of(system, ask, weather, UserMessage.from("hurry up"), result("callA0001", "get_weather", "sunny")),
        refused(sameCount, count)));
    all.add(new Broken("2 a window evicted the call and kept its result",
        List.of(system, ask, result("callA0001", "get_weather", "sunny"), AiMessage.from("Sunny."),
            UserMessage.from("and tomorrow?")),
        refused(responseAfterCall, count)));
    all.add(new Broken("3 the crash left a call without a result",
        List.of(system, ask, weather, UserMessage.from("hello? did it work?")), refused(sameCount, count)));
    all.add(new Broken("4 a replayed output whose call never was",
        List.of(system, ask, AiMessage.from("Let me ask the server."), result("mcpX00001", "get_weather", "ok"),
            UserMessage.from("so?")),
        refused(responseAfterCall, count)));
    all.add(new Broken("6a a duplicate result after a retry",
        List.of(system, ask, weather, result("callA0001", "get_weather", "sunny"),
            result("callA0001", "get_weather", "sunny")),
        refused(responseAfterCall, count)));
    all.add(new Broken("6b a late result after the next answer",
        List.of(system, ask, weather, UserMessage.from("never mind"), AiMessage.from("OK."),
            result("callA0001", "get_weather", "sunny"), UserMessage.from("oh, it came")),
        refused(sameCount, count)));
    all.add(new Broken("6c an early result before its call",
        List.of(system, ask, result("callA0001", "get_weather", "sunny"), weather, UserMessage.from("so?")),
        refused(responseAfterCall, count)));
    all.add(new Broken("7 parallel calls split by a user message",
        List.of(system, ask, AiMessage.from(call("callA0001", "get_weather"), call("callB0002", "get_time")),
            result("callA0001", "get_weather", "sunny"), UserMessage.from("quick!"),
            result("callB0002", "get_time", "noon")),
        refused(sameCount, count)));
    all.add(new Broken("8 a window cut the user message before a call",
        List.of(system, weather, result("callA0001", "get_weather", "sunny"), UserMessage.from("and tomorrow?")),
        refused(callAfterUser, null)));
    all.add(new Broken("9 a call turn right after another assistant turn",
        List.of(system, ask, AiMessage.from("Let me check."), weather, result("callA0001", "get_weather", "sunny")),
        refused(callAfterUser, null)));
    all.add(new Broken("10 an OpenAI-style id the model of another provider gave",
        List.of(system, ask, AiMessage.from(call("call_0fypS1hVX", "get_weather")),
            result("call_0fypS1hVX", "get_weather", "sunny")),
        refused(null, ErrorMessages.Mistral.badId("call_0fypS1hVX"))));
    all.add(new Broken("11 one id used by two calls (a model that numbers its calls per turn)",
        List.of(system, ask, weather, result("callA0001", "get_weather", "sunny"), AiMessage.from("Sunny."),
            UserMessage.from("and Rome?"), AiMessage.from(ToolExecutionRequest.builder().id("callA0001")
                .name("get_weather").arguments("{\"city\":\"Rome\"}").build()),
            result("callA0001", "get_weather", "rainy")),
        refused(null, null)));
    all.add(new Broken("12 parallel results out of call order",
        List.of(system, ask, AiMessage.from(call("callA0001", "get_weather"), call("callB0002", "get_time")),
            result("callB0002", "get_time", "noon"), result("callA0001", "get_weather", "sunny")),
        refused(sameCount, null)));
    return all;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Client c : Client.values()) {
      for (Broken b : broken()) {
        // LangChain4j's Gemini client sends each result in a turn of its own, so no history with parallel
        // calls reaches Gemini valid through it, repaired or not (see geminiClientSplitsParallelResults)
        if (c.endpoint != Endpoint.GEMINI || !parallel(b.history())) {
          out.add(Arguments.of(c, b));
        }
      }
    }
    return out.stream();
  }

  private static boolean parallel(List<ChatMessage> history) {
    return history.stream().anyMatch(m -> m instanceof AiMessage a && a.toolExecutionRequests().size() > 1);
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"GEMINI", "GEMINI_STREAMING"})
  void geminiClientSplitsParallelResults(Client c) {
    // a valid history with two calls answered in order: LangChain4j 1.19.0's Gemini client maps each
    // ToolExecutionResultMessage to a user turn of its own, so the call turn of two calls is followed by a
    // response turn of one part, which Gemini refuses; no history repair can change that (a known limit of
    // the client, in the README)
    List<ChatMessage> valid = List.of(UserMessage.from("Weather and time in Paris?"),
        AiMessage.from(call("callA0001", "get_weather"), call("callB0002", "get_time")),
        result("callA0001", "get_weather", "sunny"), result("callB0002", "get_time", "noon"));
    assertThat(LangChain4jToolGuard.ofDefaults().repair(valid)).isSameAs(valid);
    Throwable e = catchThrowable(() -> send(c, true, valid));
    assertThat(Provider.messages(e)).contains(ErrorMessages.Gemini.SAME_COUNT);
    JsonNode contents = referee.rejections().get(0).json().get("contents");
    assertThat(contents.get(2).get("parts")).hasSize(1);
    assertThat(contents.get(3).get("parts")).hasSize(1);
  }

  private ChatResponse send(Client c, boolean guarded, List<ChatMessage> messages) {
    ChatRequest request = ChatRequest.builder().messages(messages)
        .toolSpecifications(DialectClientsTest.WEATHER).build();
    if (!c.streaming) {
      ChatModel model = DialectClientsTest.chatModel(c, referee);
      return (guarded ? LangChain4jToolGuard.wrap(model) : model).chat(request);
    }
    StreamingChatModel model = DialectClientsTest.streamingModel(c, referee);
    return Provider.stream(guarded ? LangChain4jToolGuard.wrap(model) : model, request);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void bareTheProvidersAnswerGuardedABodyInTheDialectsRules(Client c, Broken broken) {
    String expected = broken.refused().get(c.endpoint);
    referee.script().enqueue(Reply.text("bare answer"));
    Throwable bare = catchThrowable(() -> send(c, false, broken.history()));
    if (expected != null) {
      assertThat(bare).as("the bare client must fail").isNotNull();
      assertThat(referee.rejections()).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).isEqualTo(expected);
      });
      assertThat(Provider.messages(bare)).contains(expected.strip());
    } else {
      assertThat(bare).as("the provider takes this history").isNull();
      assertThat(referee.rejections()).isEmpty();
    }

    referee.reset();
    referee.script().enqueue(Reply.text("It is sunny in Paris."));
    ChatResponse guarded = send(c, true, broken.history());

    assertThat(guarded.aiMessage().text()).isEqualTo("It is sunny in Paris.");
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(c.endpoint);
    assertThat(requests).singleElement().satisfies(r -> assertThat(r.stream()).isEqualTo(c.streaming));
    JsonNode body = requests.get(0).json();
    switch (c.endpoint) {
      case MISTRAL -> assertMistralIds(body);
      case OLLAMA -> assertOllamaPairs(body);
      default -> assertGeminiTurns(body);
    }
    assertThat(said(body)).as("nothing the user said is lost").contains(userTexts(broken.history()));
  }

  /** Every call id and result id of a Mistral body: 9 letters and digits, results answering calls. */
  static void assertMistralIds(JsonNode body) {
    List<String> calls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (JsonNode m : body.get("messages")) {
      for (JsonNode tc : m.path("tool_calls")) {
        calls.add(tc.get("id").asText());
      }
      if (m.has("tool_call_id")) {
        results.add(m.get("tool_call_id").asText());
      }
    }
    assertThat(calls).allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9]{9}")).doesNotHaveDuplicates();
    assertThat(results).allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9]{9}"));
    assertThat(calls).containsExactlyInAnyOrderElementsOf(results);
  }

  /** The results of the failure classes, by the tool that gave them: the text tells a result's call. */
  static final Map<String, List<String>> RESULTS = Map.of(
      "get_weather", List.of("sunny", "rainy", "ok"), "get_time", List.of("noon"));

  /**
   * An Ollama body, whose calls carry no ids: right after each assistant message with calls, one tool
   * message per call, in call order, naming the call's tool when the client sends {@code tool_name}, and
   * holding a result of that call's tool (or the error result the repair made up for it); no tool
   * message anywhere else.
   */
  static void assertOllamaPairs(JsonNode body) {
    JsonNode messages = body.get("messages");
    int i = 0;
    while (i < messages.size()) {
      JsonNode m = messages.get(i);
      assertThat(m.path("role").asText()).as("message %d", i).isNotEqualTo("tool");
      i++;
      for (JsonNode tc : m.path("tool_calls")) {
        String name = tc.at("/function/name").asText();
        JsonNode t = messages.get(i);
        assertThat(t).as("a result for the call of %s at message %d", name, i).isNotNull();
        assertThat(t.path("role").asText()).as("message %d", i).isEqualTo("tool");
        if (t.has("tool_name")) {
          assertThat(t.path("tool_name").asText()).isEqualTo(name);
        }
        String content = t.path("content").asText();
        int at = i;
        RESULTS.forEach((tool, texts) -> {
          if (!tool.equals(name)) {
            assertThat(texts).as("the result at message %d answers a call of %s", at, name).doesNotContain(content);
          }
        });
        i++;
      }
    }
  }

  /** A Gemini body: each call turn right after a user turn, answered by as many response parts, by name. */
  static void assertGeminiTurns(JsonNode body) {
    JsonNode contents = body.get("contents");
    for (int i = 0; i < contents.size(); i++) {
      List<String> calls = new ArrayList<>();
      for (JsonNode p : contents.get(i).path("parts")) {
        if (p.has("functionCall")) {
          calls.add(p.at("/functionCall/name").asText());
        }
      }
      if (calls.isEmpty()) {
        continue;
      }
      assertThat(i).as("a call turn does not start the contents").isPositive();
      assertThat(contents.get(i - 1).path("role").asText()).isEqualTo("user");
      List<String> responses = new ArrayList<>();
      for (JsonNode p : contents.get(i + 1).path("parts")) {
        if (p.has("functionResponse")) {
          responses.add(p.at("/functionResponse/name").asText());
        }
      }
      assertThat(responses).isEqualTo(calls);
    }
  }

  private static String said(JsonNode body) {
    return body.toString();
  }

  private static List<String> userTexts(List<ChatMessage> history) {
    List<String> out = new ArrayList<>();
    for (ChatMessage m : history) {
      if (m instanceof UserMessage u) {
        out.add(u.singleText());
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = Client.class, names = {"MISTRAL", "MISTRAL_STREAMING"})
  void aRenamedMistralIdIsNineLettersAndDigitsNeverTheUsualSuffix(Client c) {
    referee.script().enqueue(Reply.text("ok"));
    send(c, true, broken().get(11).history());
    JsonNode body = referee.lastRequest().json();
    List<String> ids = new ArrayList<>();
    for (JsonNode m : body.get("messages")) {
      for (JsonNode tc : m.path("tool_calls")) {
        ids.add(tc.get("id").asText());
      }
    }
    assertThat(ids).hasSize(2).doesNotHaveDuplicates().contains("callA0001")
        .allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9]{9}").doesNotContain("_"));
  }

  /** Each provider LangChain4j names, and the dialect its models are guarded for. */
  @ParameterizedTest
  @EnumSource(ModelProvider.class)
  void everyProviderWithADialectIsMapped(ModelProvider provider) {
    Dialect expected = switch (provider) {
      case OPEN_AI, AZURE_OPEN_AI -> Dialect.OPENAI_CHAT;
      case ANTHROPIC, GOOGLE_VERTEX_AI_ANTHROPIC -> Dialect.ANTHROPIC;
      case GOOGLE_AI_GEMINI, GOOGLE_GENAI, GOOGLE_VERTEX_AI_GEMINI -> Dialect.GEMINI;
      case AMAZON_BEDROCK -> Dialect.BEDROCK_CONVERSE;
      case MISTRAL_AI -> Dialect.MISTRAL;
      case OLLAMA -> Dialect.OLLAMA;
      default -> null;
    };
    assertThat(HistoryGate.dialectOf(provider)).isEqualTo(expected);
  }

  @Test
  void theGuardedClientsOfEachProviderPickItsDialect() {
    for (Client c : Client.values()) {
      Dialect expected = switch (c.endpoint) {
        case GEMINI -> Dialect.GEMINI;
        case MISTRAL -> Dialect.MISTRAL;
        default -> Dialect.OLLAMA;
      };
      ModelProvider provider = c.streaming ? DialectClientsTest.streamingModel(c, referee).provider()
          : DialectClientsTest.chatModel(c, referee).provider();
      assertThat(LangChain4jToolGuard.ofDefaults().gate().dialectFor(provider)).as(c.name()).isEqualTo(expected);
    }
  }

  /** LangChain4j's OpenAI client pointed at Mistral's OpenAI-compatible endpoint. */
  private ChatModel openAiOnMistral() {
    return OpenAiChatModel.builder().baseUrl(referee.mistralBaseUrl() + "/v1").apiKey("test")
        .modelName("mistral-large-latest").maxRetries(0).timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void theDialectSetOnTheBuilderWinsOverTheModelsProvider() {
    List<ChatMessage> history = broken().get(10).history();
    ChatRequest request = ChatRequest.builder().messages(history).build();
    // picked from the provider (OpenAI): the id is fine for OpenAI, so Mistral refuses it
    Throwable asOpenAi = catchThrowable(() -> LangChain4jToolGuard.wrap(openAiOnMistral()).chat(request));
    assertThat(Provider.messages(asOpenAi)).contains(ErrorMessages.Mistral.badId("call_0fypS1hVX"));

    referee.reset();
    referee.script().enqueue(Reply.text("It is sunny in Paris."));
    ChatModel asMistral = LangChain4jToolGuard.custom().dialect(Dialect.MISTRAL).build().guard(openAiOnMistral());
    assertThat(asMistral.chat(request).aiMessage().text()).isEqualTo("It is sunny in Paris.");
    assertThat(referee.rejections()).isEmpty();
    assertMistralIds(referee.lastRequest().json());
    assertThat(referee.lastRequest().body()).doesNotContain("call_0fypS1hVX");
  }

  @Test
  void theToolLoopTakesTheDialectFromTheModelOrTheBuilder() {
    assertThat(ToolLoop.builder(DialectClientsTest.chatModel(Client.MISTRAL, referee)).build().dialect())
        .isEqualTo(Dialect.MISTRAL);
    assertThat(ToolLoop.builder(DialectClientsTest.streamingModel(Client.OLLAMA_STREAMING, referee)).build()
        .dialect()).isEqualTo(Dialect.OLLAMA);
    assertThat(ToolLoop.builder(openAiOnMistral()).dialect(Dialect.MISTRAL).build().dialect())
        .isEqualTo(Dialect.MISTRAL);
  }
}
