package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.assertAllAccepted;
import static dev.toolguard.json.http.Http.assertBalanced;
import static dev.toolguard.json.http.Http.backend;
import static dev.toolguard.json.http.Http.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP backends of Gemini, Bedrock Converse, Mistral and Ollama against the referee, through
 * core's loop: a tool round whole and streamed, parallel calls, ids as the dialect wants them, and each
 * provider's typical broken history refused bare (the provider's 400) and accepted through the backend.
 */
class DialectsOverHttpTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  static List<Http.Case> cases() {
    return Http.cases(Http.MORE);
  }

  private static LoopTool tool(String name, LoopTool.Function body) {
    return LoopTool.of(new ToolSpec(name, "The " + name + " tool",
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), body);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aToolRoundRunsTheToolAndFeedsItsResultBack(Http.Case c) {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("It is sunny in Paris."));
    Http.Strict strict = new Http.Strict(c.dialect());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> "sunny, 21 C")).listener(strict).build();
    List<String> deltas = new ArrayList<>();

    LoopResult r = run(loop, List.of(Message.system("Be brief."), Message.user("Weather in Paris?")), c.mode(), deltas);

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.history()).hasSize(5);
    ToolCall call = r.history().get(2).toolCalls().get(0);
    assertThat(call.name()).isEqualTo("weather");
    assertThat(call.argumentsJson()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(c.dialect().acceptsCallId(call.callId())).isTrue();
    assertThat(r.history().get(3).toolResults()).extracting(ToolResult::callId).containsExactly(call.callId());
    assertThat(r.history().get(4).text()).isEqualTo("It is sunny in Paris.");
    if (c.mode() == Http.Mode.STREAM) {
      assertThat(String.join("", deltas)).isEqualTo("It is sunny in Paris.");
      if (Http.streams(c.dialect())) {
        assertThat(deltas).hasSizeGreaterThan(1); // piece by piece, not at once
      }
    }
    assertBalanced(r.history());
    strict.assertClean();
    assertAllAccepted(REFEREE.get(), c.mode());
    List<RecordedRequest> requests = REFEREE.get().requests();
    assertThat(requests).hasSize(2).allSatisfy(q -> assertThat(q.endpoint()).isEqualTo(Http.endpoint(c.dialect())));
    assertThat(requests.get(1).lastToolResult()).contains("sunny, 21 C");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parallelCallsRunTogetherAndTheirResultsGoBackInCallOrder(Http.Case c) {
    REFEREE.get().script().enqueue(
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"), Reply.call("weather", "{\"city\":\"Rome\"}")),
        Reply.text("Both sunny."));
    CyclicBarrier together = new CyclicBarrier(2);
    Http.Strict strict = new Http.Strict(c.dialect());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> {
          together.await(5, TimeUnit.SECONDS); // both calls must be running at once
          return "sunny in " + (args.contains("Rome") ? "Rome" : "Paris");
        }))
        .config(LoopConfig.custom().maxConcurrency(4).build())
        .listener(strict)
        .build();

    LoopResult r = run(loop, List.of(Message.user("Paris and Rome?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    List<String> ids = r.history().get(1).toolCalls().stream().map(ToolCall::callId).toList();
    assertThat(ids).hasSize(2).doesNotHaveDuplicates().allSatisfy(id -> assertThat(c.dialect().acceptsCallId(id)).isTrue());
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactlyElementsOf(ids);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output)
        .containsExactly("sunny in Paris", "sunny in Rome");
    assertBalanced(r.history());
    strict.assertClean();
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(resultsOnTheWire(c.dialect(), REFEREE.get().requests().get(1).json()))
        .containsExactly("sunny in Paris", "sunny in Rome");
  }

  @Test
  void aMistralCallIdIsNineAlphanumericsAndTheNextRoundsCallsGetNewOnes() {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"),
        Reply.toolCall("weather", "{\"city\":\"Rome\"}"), Reply.text("Done."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(Dialect.MISTRAL, REFEREE.get()))
        .tools(tool("weather", args -> "sunny")).build();

    LoopResult r = loop.run(List.of(Message.user("Paris, then Rome?")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    List<String> ids = new ArrayList<>();
    for (Message m : r.history()) {
      m.toolCalls().forEach(call -> ids.add(call.callId()));
    }
    assertThat(ids).hasSize(2).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-zA-Z0-9]{9}"));
    assertThat(REFEREE.get().rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"GEMINI", "BEDROCK_CONVERSE", "MISTRAL"})
  void theProvidersTypicalBrokenHistoryIsRefusedBareAndAcceptedThroughTheBackend(Dialect d) throws Exception {
    List<Message> broken = broken(d);
    HttpResponse<String> refused = postBare(d, broken);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(refused.body()).toString()).contains(Json.MAPPER.writeValueAsString(expected(d))
        .replaceAll("^\"|\"$", ""));

    ChatResponse answer = backend(d, REFEREE.get()).send(ChatRequest.of(broken));

    assertThat(answer.message().text()).isNotEmpty();
    assertThat(REFEREE.get().lastRequest().status()).isEqualTo(200);
    assertThat(REFEREE.get().lastRequest().endpoint()).isEqualTo(Http.endpoint(d));
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"GEMINI", "BEDROCK_CONVERSE", "MISTRAL", "OLLAMA"})
  void anErrorTheProviderAnswersIsAProviderExceptionWithItsStatusAndWords(Dialect d) {
    REFEREE.get().faults().add(Fault.rateLimited(Duration.ofSeconds(2)), Fault.serverError());
    HttpChatBackend backend = backend(d, REFEREE.get());
    ChatRequest hi = ChatRequest.of(List.of(Message.user("Hi")));
    String[] words = switch (d) {
      case GEMINI -> new String[] {ErrorMessages.Gemini.RATE_LIMITED, ErrorMessages.Gemini.SERVER_ERROR};
      case BEDROCK_CONVERSE -> new String[] {ErrorMessages.Bedrock.RATE_LIMITED, ErrorMessages.Bedrock.SERVER_ERROR};
      case MISTRAL -> new String[] {ErrorMessages.Mistral.RATE_LIMITED, ErrorMessages.Mistral.SERVER_ERROR};
      default -> new String[] {ErrorMessages.Ollama.RATE_LIMITED, ErrorMessages.Ollama.SERVER_ERROR};
    };

    assertThatThrownBy(() -> backend.send(hi)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryable()).isTrue();
      assertThat(e.providerMessage()).isEqualTo(words[0]);
    });
    assertThatThrownBy(() -> backend.send(hi)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.retryable()).isTrue();
      assertThat(e.providerMessage()).isEqualTo(words[1]);
    });
    // the backend does not retry: the next request is answered
    assertThat(backend.send(hi).message().text()).isNotEmpty();
  }

  @Test
  void aMistralHistoryThatEndsWithTheAssistantIsRefusedAsAProviderException() {
    // core does not flag it (a stored history may end so); Mistral refuses to answer after it
    ChatRequest last = ChatRequest.of(List.of(Message.user("Hi"), Message.assistant("Hello.")));
    assertThatThrownBy(() -> backend(Dialect.MISTRAL, REFEREE.get()).send(last))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.retryable()).isFalse();
          assertThat(e.providerMessage()).isEqualTo(ErrorMessages.Mistral.lastRole("assistant"));
        });
  }

  @Test
  void ollamaResultsOutOfCallOrderAreBoundToTheWrongCallsBareAndInCallOrderThroughTheBackend() throws Exception {
    List<Message> history = List.of(Message.user("Weather and time in Paris?"),
        Message.assistant(ToolCall.of("c1", "weather", "{\"city\":\"Paris\"}"),
            ToolCall.of("c2", "time", "{\"city\":\"Paris\"}")),
        Message.tool(ToolResult.of("c2", "time", "14:05")),
        Message.tool(ToolResult.of("c1", "weather", "sunny")));
    HttpResponse<String> bare = postBare(Dialect.OLLAMA, history);
    assertThat(bare.statusCode()).isEqualTo(200); // Ollama checks no pairing: it binds by order
    assertThat(toolNames(REFEREE.get().lastRequest().json())).containsExactly("time", "weather");

    backend(Dialect.OLLAMA, REFEREE.get()).send(ChatRequest.of(history));

    assertThat(REFEREE.get().lastRequest().status()).isEqualTo(200);
    assertThat(toolNames(REFEREE.get().lastRequest().json())).containsExactly("weather", "time");
    assertThat(resultsOnTheWire(Dialect.OLLAMA, REFEREE.get().lastRequest().json())).containsExactly("sunny", "14:05");
  }

  @Test
  void theEndpointsPutTheModelWhereTheProviderWantsIt() {
    HttpBackendConfig config = HttpBackendConfig.builder().model("gemini-2.5-flash").build();
    assertThat(HttpChatBackend.gemini(config).endpoint()).isEqualTo(
        URI.create("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"));
    assertThat(HttpChatBackend.bedrockConverse(HttpBackendConfig.builder().model("arn:aws:bedrock:x/y").build())
        .endpoint()).isEqualTo(URI.create(
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Ax%2Fy/converse"));
    assertThat(HttpChatBackend.mistral(config).endpoint()).isEqualTo(URI.create("https://api.mistral.ai/v1/chat/completions"));
    assertThat(HttpChatBackend.ollama(config).endpoint()).isEqualTo(URI.create("http://localhost:11434/api/chat"));
    assertThat(HttpChatBackend.supported()).containsExactlyInAnyOrder(Dialect.values());
  }

  // ---------------------------------------------------------------- helpers

  /** Each provider's most typical broken history. */
  static List<Message> broken(Dialect d) {
    switch (d) {
      case GEMINI: // a memory window dropped the call turn: its function response turn follows a user turn
        return List.of(Message.user("Weather in Paris?"),
            Message.tool(ToolResult.of("c1", "weather", "sunny")),
            Message.assistant("It is sunny."),
            Message.user("And tomorrow?"));
      case BEDROCK_CONVERSE: // a toolUse without its toolResult
        return List.of(Message.user("Weather in Paris and Rome?"),
            Message.assistant(ToolCall.of("tooluse_a", "weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("tooluse_b", "weather", "{\"city\":\"Rome\"}")),
            Message.tool(ToolResult.of("tooluse_a", "weather", "sunny")));
      default: // MISTRAL: a call id another component renamed in OpenAI's style
        return List.of(Message.user("Weather in Paris?"),
            Message.assistant(ToolCall.of("call_0fypS1hVX", "weather", "{\"city\":\"Paris\"}")),
            Message.tool(ToolResult.of("call_0fypS1hVX", "weather", "sunny")));
    }
  }

  private static String expected(Dialect d) {
    switch (d) {
      case GEMINI:
        return ErrorMessages.Gemini.RESPONSE_AFTER_CALL;
      case BEDROCK_CONVERSE:
        return ErrorMessages.Bedrock.expectedToolResults(2, List.of("tooluse_b"));
      default:
        return String.format(ErrorMessages.Mistral.BAD_ID, "call_0fypS1hVX");
    }
  }

  /** POSTs {@code history} as the codec writes it, without any repair. */
  static HttpResponse<String> postBare(Dialect d, List<Message> history) throws Exception {
    ObjectNode envelope = Json.object();
    if (d != Dialect.GEMINI && d != Dialect.BEDROCK_CONVERSE) {
      envelope.put("model", Http.model(d));
    }
    if (d == Dialect.OLLAMA) {
      envelope.put("stream", false);
    }
    String bare = WireCodec.of(d).write(new WireRequest(d, history, envelope));
    URI uri = d == Dialect.GEMINI || d == Dialect.BEDROCK_CONVERSE
        ? URI.create(REFEREE.get().url(Http.endpoint(d), Http.model(d))) : URI.create(REFEREE.get().url(Http.endpoint(d)));
    return Http.CLIENT.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(bare)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> toolNames(JsonNode body) {
    List<String> names = new ArrayList<>();
    for (JsonNode m : body.path("messages")) {
      if ("tool".equals(m.path("role").asText())) {
        names.add(m.path("tool_name").asText());
      }
    }
    return names;
  }

  /** The outputs of the results in the last request's body, in their order on the wire. */
  private static List<String> resultsOnTheWire(Dialect d, JsonNode body) {
    List<String> out = new ArrayList<>();
    switch (d) {
      case GEMINI:
        for (JsonNode c : body.path("contents")) {
          for (JsonNode p : c.path("parts")) {
            if (p.has("functionResponse")) {
              out.add(p.path("functionResponse").path("response").path("result").asText());
            }
          }
        }
        break;
      case BEDROCK_CONVERSE:
        for (JsonNode m : body.path("messages")) {
          for (JsonNode b : m.path("content")) {
            if (b.has("toolResult")) {
              out.add(b.path("toolResult").path("content").path(0).path("text").asText());
            }
          }
        }
        break;
      default:
        for (JsonNode m : body.path("messages")) {
          if ("tool".equals(m.path("role").asText())) {
            out.add(m.path("content").asText());
          }
        }
    }
    return out;
  }
}
