package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.google.genai.GoogleGenAiChatModel;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Every failure class, as a Spring AI history, through ChatClient and Spring AI's own GoogleGenAiChatModel
 * and OllamaChatModel to the referee's Gemini and Ollama endpoints, called and streamed: bare, Gemini's
 * 400 through the client's exception (Ollama checks no pairing, as the real server: the broken history
 * reaches the model); guarded by the {@link ToolGuardAdvisor} or the {@link ToolGuardRepairAdvisor}, whose
 * dialect is picked from the request's options, the referee accepts the body and it keeps the dialect's
 * rules: Gemini's response turns have as many parts as their call turns, Ollama's results follow their
 * calls in call order, naming the call's tool.
 */
class GuardedDialectClientsTest extends DialectRefereeSupport {

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

  /** How a history is sent: bare, or through one of the two advisors; called or streamed. */
  enum Way {
    ADVISOR_CALL, ADVISOR_STREAM, REPAIR_ADVISOR_CALL, REPAIR_ADVISOR_STREAM;

    boolean streams() {
      return this == ADVISOR_STREAM || this == REPAIR_ADVISOR_STREAM;
    }

    Advisor advisor() {
      return this == ADVISOR_CALL || this == ADVISOR_STREAM ? ToolGuardAdvisor.builder().build()
          : ToolGuardRepairAdvisor.create();
    }
  }

  static String send(ChatModel model, @Nullable Advisor advisor, boolean stream, List<Message> history) {
    ChatClient.Builder b = ChatClient.builder(model);
    if (advisor != null) {
      b.defaultAdvisors(advisor);
    }
    ChatClient client = b.build();
    if (stream) {
      return String.join("", client.prompt().messages(history).stream().content().collectList().block());
    }
    return client.prompt().messages(history).call().content();
  }

  static AssistantMessage calls(String... idsAndNames) {
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < idsAndNames.length; i += 2) {
      calls.add(new AssistantMessage.ToolCall(idsAndNames[i], "function", idsAndNames[i + 1], "{\"city\":\"Paris\"}"));
    }
    return AssistantMessage.builder().content("").toolCalls(calls).build();
  }

  static ToolResponseMessage results(String... idsNamesAndTexts) {
    List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
    for (int i = 0; i < idsNamesAndTexts.length; i += 3) {
      responses.add(new ToolResponseMessage.ToolResponse(idsNamesAndTexts[i], idsNamesAndTexts[i + 1],
          idsNamesAndTexts[i + 2]));
    }
    return ToolResponseMessage.builder().responses(responses).build();
  }

  /**
   * A broken history and Gemini's answer for it bare (null: Gemini takes it); Ollama takes every one.
   */
  record Broken(String name, List<Message> history, @Nullable String gemini) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Broken> broken() {
    UserMessage ask = new UserMessage("Weather in Paris?");
    AssistantMessage weather = calls("a1", "get_weather");
    ToolResponseMessage sunny = results("a1", "get_weather", "\"sunny\"");
    String sameCount = ErrorMessages.Gemini.SAME_COUNT;
    return List.of(
        new Broken("a user message between the call and its result",
            List.of(ask, weather, new UserMessage("typed while the tool ran"), sunny, new UserMessage("thanks")),
            sameCount),
        new Broken("a window evicted the call and kept its result",
            List.of(sunny, new AssistantMessage("Sunny."), new UserMessage("and tomorrow?")),
            ErrorMessages.Gemini.RESPONSE_AFTER_CALL),
        new Broken("the crash left a call without a result",
            List.of(ask, weather, new UserMessage("hello? did it work?")), sameCount),
        new Broken("a duplicate result after a retry",
            List.of(ask, weather, sunny, sunny, new UserMessage("so?")), ErrorMessages.Gemini.RESPONSE_AFTER_CALL),
        new Broken("parallel calls, one result",
            List.of(ask, calls("a1", "get_weather", "a2", "get_time"), sunny, new UserMessage("quick!")), sameCount),
        new Broken("a window cut the user message before a call",
            List.of(weather, sunny, new UserMessage("and tomorrow?")), ErrorMessages.Gemini.CALL_AFTER_USER),
        new Broken("a call turn right after another assistant turn",
            List.of(ask, new AssistantMessage("Let me check."), weather, sunny, new UserMessage("so?")),
            ErrorMessages.Gemini.CALL_AFTER_USER),
        new Broken("parallel results out of call order",
            List.of(ask, calls("a1", "get_weather", "a2", "get_time"),
                results("a2", "get_time", "\"noon\"", "a1", "get_weather", "\"sunny\""), new UserMessage("so?")),
            null));
  }

  static Stream<Arguments> bare() {
    List<Arguments> out = new ArrayList<>();
    for (Api api : Api.values()) {
      for (boolean stream : new boolean[] {false, true}) {
        for (Broken b : broken()) {
          out.add(Arguments.of(api, stream, b));
        }
      }
    }
    return out.stream();
  }

  static Stream<Arguments> guarded() {
    List<Arguments> out = new ArrayList<>();
    for (Api api : Api.values()) {
      for (Way way : Way.values()) {
        for (Broken b : broken()) {
          out.add(Arguments.of(api, way, b));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} streamed={1}: {2}")
  @MethodSource("bare")
  void bareTheProvidersAnswer(Api api, boolean stream, Broken broken) {
    referee.script().enqueue(Reply.text("bare answer"));
    Throwable bare = catchThrowable(() -> send(api.model(), null, stream, broken.history()));
    String expected = api == Api.GEMINI ? broken.gemini() : null;
    if (expected != null) {
      assertThat(bare).as("the bare client must fail").isNotNull();
      assertThat(referee.rejections()).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).isEqualTo(expected);
      });
      assertThat(messages(bare)).contains(expected.strip());
    } else {
      assertThat(bare).as("the provider takes this history").isNull();
      assertThat(referee.rejections()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("guarded")
  void guardedTheRefereeAcceptsABodyInTheDialectsRules(Api api, Way way, Broken broken) {
    referee.script().enqueue(Reply.text("It is sunny in Paris."));
    String answer = send(api.model(), way.advisor(), way.streams(), broken.history());

    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(api.endpoint);
    assertThat(requests).singleElement().satisfies(r -> assertThat(r.stream()).isEqualTo(way.streams()));
    JsonNode body = requests.get(0).json();
    if (api == Api.GEMINI) {
      assertGeminiTurns(body);
    } else {
      assertOllamaPairs(body);
    }
    for (Message m : broken.history()) {
      if (m instanceof UserMessage u) {
        assertThat(body.toString()).as("nothing the user said is lost").contains(u.getText());
      }
    }
  }

  /** The results of the failure classes, by the tool that gave them: the text tells a result's call. */
  static final Map<String, List<String>> RESULTS =
      Map.of("get_weather", List.of("\"sunny\""), "get_time", List.of("\"noon\""));

  /**
   * An Ollama body, whose calls carry no ids: right after each assistant message with calls, one tool
   * message per call, in call order, holding a result of that call's tool (or the error result the repair
   * made up), and naming the tool if it has a {@code tool_name} (Spring AI 2.0.1's OllamaChatModel sends
   * none: results are matched by order, which the repair keeps); no tool message elsewhere.
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
        if (t.has("tool_name") && !t.path("tool_name").asText().isEmpty()) {
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
      assertThat(responses).containsExactlyInAnyOrderElementsOf(calls);
    }
  }

  @Test
  void theDialectIsPickedFromTheModelsClassOrItsOptions() {
    assertThat(ToolGuardSpringAi.dialectOf(gemini)).isEqualTo(Dialect.GEMINI);
    assertThat(ToolGuardSpringAi.dialectOf(ollama)).isEqualTo(Dialect.OLLAMA);
    OpenAiChatModel openAi = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
        .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(0).build()).build();
    assertThat(ToolGuardSpringAi.dialectOf(openAi)).isEqualTo(Dialect.OPENAI_CHAT);
    assertThat(ToolGuardAdvisor.builder().build().dialect()).isNull();
    assertThat(ToolGuardAdvisor.builder().dialect(Dialect.MISTRAL).build().dialect()).isEqualTo(Dialect.MISTRAL);
    assertThat(ToolGuardRepairAdvisor.create().withDialect(Dialect.MISTRAL).dialect()).isEqualTo(Dialect.MISTRAL);
  }

  /** Spring AI's OpenAI model pointed at the referee's Mistral endpoint (OpenAI's shapes, Mistral's rules). */
  static OpenAiChatModel openAiOnMistral() {
    return OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
        .baseUrl(referee.mistralBaseUrl() + "/v1").apiKey("test").model("mistral-large-latest").maxRetries(0)
        .build()).build();
  }

  static Stream<Arguments> overrides() {
    return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false),
        Arguments.of(true, true));
  }

  @ParameterizedTest(name = "repairAdvisor={0} streamed={1}")
  @MethodSource("overrides")
  void theDialectSetOnTheAdvisorWinsOverTheModelsClass(boolean repairAdvisor, boolean stream) {
    // OpenAI-style ids, one reused by two calls: picked from the model's class (OpenAI) the repair renames
    // the second to call_1_2 and Mistral refuses the ids; with the dialect set every id, the renamed one
    // too, is 9 letters and digits
    List<Message> history = List.of(new UserMessage("Weather in Paris?"), calls("call_1", "get_weather"),
        results("call_1", "get_weather", "sunny"), new AssistantMessage("Sunny."), new UserMessage("And Rome?"),
        AssistantMessage.builder().content("").toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function",
            "get_weather", "{\"city\":\"Rome\"}"))).build(),
        results("call_1", "get_weather", "rainy"));
    Advisor picked = repairAdvisor ? ToolGuardRepairAdvisor.create() : ToolGuardAdvisor.builder().build();
    Throwable asOpenAi = catchThrowable(() -> send(openAiOnMistral(), picked, stream, history));
    assertThat(messages(asOpenAi)).contains("but must be a-z, A-Z, 0-9, with a length of 9.");

    referee.reset();
    referee.script().enqueue(Reply.text("Rainy in Rome."));
    Advisor set = repairAdvisor ? ToolGuardRepairAdvisor.create().withDialect(Dialect.MISTRAL)
        : ToolGuardAdvisor.builder().dialect(Dialect.MISTRAL).build();
    assertThat(send(openAiOnMistral(), set, stream, history)).isEqualTo("Rainy in Rome.");
    assertThat(referee.rejections()).isEmpty();
    List<String> ids = new ArrayList<>();
    for (JsonNode m : referee.lastRequest().json().get("messages")) {
      for (JsonNode tc : m.path("tool_calls")) {
        ids.add(tc.get("id").asText());
      }
      if (m.has("tool_call_id")) {
        assertThat(m.get("tool_call_id").asText()).matches("[a-zA-Z0-9]{9}");
      }
    }
    assertThat(ids).hasSize(2).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9]{9}"));
  }

  private static String messages(@Nullable Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString().replace("\\\"", "\"");
  }
}
