package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP backend on its own against the referee: what it sends, what it reads back, how it fails. */
class HttpChatBackendTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  private static final ToolSpec WEATHER = new ToolSpec("weather", "The weather in a city",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  // ---------------------------------------------------------------- what is sent

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void theRequestCarriesKeyModelToolsFieldsAndOptionsAsTheDialectWantsThem(Dialect d) {
    HttpChatBackend backend = backend(d, REFEREE.get(), b -> b
        .header("X-Trace", "abc")
        .bodyField("temperature", 0.2)
        .bodyField("metadata", Map.of("app", "test")));
    ChatRequest request = new ChatRequest(List.of(Message.system("Be brief."), Message.user("Weather in Paris?")),
        List.of(WEATHER), Map.of("temperature", 0.5, "top_p", 1));

    ChatResponse response = backend.send(request);

    assertThat(response.message().text()).isEqualTo("You said: Weather in Paris?");
    RecordedRequest sent = REFEREE.get().lastRequest();
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    assertThat(sent.header("x-trace")).isEqualTo("abc");
    JsonNode body = sent.json();
    assertThat(body.get("model").asText()).isEqualTo(Http.model(d));
    assertThat(body.get("temperature").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(body.get("top_p").asInt()).isEqualTo(1);
    assertThat(body.get("metadata").toString()).isEqualTo("{\"app\":\"test\"}");
    assertThat(body.has("stream")).isFalse();
    String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    switch (d) {
      case OPENAI_CHAT:
        assertThat(sent.header("authorization")).isEqualTo("Bearer test-key");
        assertThat(body.get("tools").toString()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"weather\","
            + "\"description\":\"The weather in a city\",\"parameters\":" + schema + "}}]");
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]");
        break;
      case OPENAI_RESPONSES:
        assertThat(sent.header("authorization")).isEqualTo("Bearer test-key");
        assertThat(body.get("tools").toString()).isEqualTo("[{\"type\":\"function\",\"name\":\"weather\","
            + "\"description\":\"The weather in a city\",\"parameters\":" + schema + ",\"strict\":false}]");
        assertThat(body.get("input").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]");
        assertThat(body.has("previous_response_id")).isFalse();
        break;
      default:
        assertThat(sent.header("x-api-key")).isEqualTo("test-key");
        assertThat(sent.header("authorization")).isNull();
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(body.get("tools").toString()).isEqualTo("[{\"name\":\"weather\","
            + "\"description\":\"The weather in a city\",\"input_schema\":" + schema + "}]");
        assertThat(body.get("system").asText()).isEqualTo("Be brief.");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]");
    }
    assertThat(response.metadata().get(HttpChatBackend.MODEL)).isEqualTo(Http.model(d));
    assertThat(response.metadata().get(HttpChatBackend.REQUEST_ID)).isEqualTo("req_" + sent.sequence());
    assertThat(response.metadata().get(HttpChatBackend.USAGE)).isInstanceOf(JsonNode.class);
  }

  @Test
  void anthropicTakesItsSystemPromptAndMaxTokensFromTheConfigurationToo() {
    HttpChatBackend backend = backend(Dialect.ANTHROPIC, REFEREE.get(), b -> b
        .bodyField("system", "You are a weather bot.")
        .bodyField("max_tokens", 100));

    backend.send(ChatRequest.of(List.of(Message.system("Be brief."), Message.user("Hi"))));

    JsonNode body = REFEREE.get().lastRequest().json();
    assertThat(body.get("system").asText()).isEqualTo("You are a weather bot.\n\nBe brief.");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void optionsTheBackendOwnsAreRefused(Dialect d) {
    HttpChatBackend backend = backend(d, REFEREE.get());
    assertThatThrownBy(() -> backend.send(new ChatRequest(List.of(Message.user("Hi")), List.of(),
        Map.of("stream", true)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'stream'");
    String field = d == Dialect.OPENAI_RESPONSES ? "input" : "messages";
    assertThatThrownBy(() -> backend.send(new ChatRequest(List.of(Message.user("Hi")), List.of(),
        Map.of(field, List.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    assertThatThrownBy(() -> backend.send(new ChatRequest(List.of(Message.user("Hi")),
        List.of(new ToolSpec("bad", "", "[1]")), Map.of())))
        .isInstanceOf(dev.toolguard.json.WireFormatException.class).hasMessageContaining("tool 'bad'");
    assertThat(REFEREE.get().requests()).isEmpty();
  }

  // ---------------------------------------------------------------- the dialect's limits

  /** A valid core history whose call id breaks the dialect's own rule for ids. */
  private static List<Message> historyWithAnIdTheDialectRefuses(Dialect d) {
    String id;
    switch (d) {
      case OPENAI_CHAT:
        id = "call_" + "x".repeat(40); // over 40 characters
        break;
      case OPENAI_RESPONSES:
        id = "call_" + "x".repeat(64); // over 64 characters
        break;
      default:
        id = "call.1/from-elsewhere"; // not ^[a-zA-Z0-9_-]+$
    }
    return List.of(Message.user("Weather?"), Message.assistant(ToolCall.of(id, "weather", "{\"city\":\"Paris\"}")),
        Message.tool(ToolResult.of(id, "weather", "sunny")));
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void aHistoryWithinCoreRulesButOutsideTheDialectsLimitsFailsBareAndPassesThroughTheBackend(Dialect d)
      throws Exception {
    List<Message> history = historyWithAnIdTheDialectRefuses(d);
    com.fasterxml.jackson.databind.node.ObjectNode envelope = Json.object().put("model", Http.model(d));
    if (d == Dialect.ANTHROPIC) {
      envelope.put("max_tokens", 100);
    }
    String bare = WireCodec.of(d).write(new WireRequest(d, history, envelope));
    HttpResponse<String> refused = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(REFEREE.get().url(Http.endpoint(d))))
        .header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
        .POST(HttpRequest.BodyPublishers.ofString(bare)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains(d == Dialect.ANTHROPIC ? "String should match pattern" : "string too long");

    ChatResponse answer = backend(d, REFEREE.get()).send(ChatRequest.of(history));

    assertThat(answer.message().text()).isEqualTo("Tool result received: sunny");
    assertThat(REFEREE.get().lastRequest().status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- failures

  @Test
  void aRequestTheProviderRefusesIsAProviderExceptionWithItsStatusAndMessage() {
    assertThatThrownBy(() -> backend(Dialect.OPENAI_CHAT, REFEREE.get()).send(ChatRequest.of(List.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.dialect()).isEqualTo(Dialect.OPENAI_CHAT);
          assertThat(e.providerMessage()).isEqualTo(ErrorMessages.OpenAi.emptyArray("messages"));
          assertThat(e.errorType()).isEqualTo("empty_array");
          assertThat(e.retryable()).isFalse();
          assertThat(e.requestId()).isEqualTo("req_1");
          assertThat(e.getMessage()).isEqualTo("openai-chat: HTTP 400 empty_array: "
              + ErrorMessages.OpenAi.emptyArray("messages") + " (request req_1)");
        });
    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC, REFEREE.get()).stream(ChatRequest.of(List.of()), t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.providerMessage()).isEqualTo(ErrorMessages.Anthropic.NO_MESSAGES);
          assertThat(e.errorType()).isEqualTo("invalid_request_error");
        });
    assertThatThrownBy(() -> backend(Dialect.OPENAI_RESPONSES, REFEREE.get(), b -> b.bodyField("previous_response_id", "resp_x"))
        .send(ChatRequest.of(List.of(Message.user("Hi")))))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.providerMessage()).isEqualTo(ErrorMessages.Responses.previousResponseNotFound("resp_x"));
          assertThat(e.errorType()).isEqualTo("previous_response_not_found");
        });
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void rateLimitsAndServerErrorsAreRetryable(Dialect d) {
    REFEREE.get().faults().add(Fault.rateLimited(Duration.ofMillis(200)), Fault.serverError());
    HttpChatBackend backend = backend(d, REFEREE.get());
    ChatRequest request = ChatRequest.of(List.of(Message.user("Hi")));

    assertThatThrownBy(() -> backend.send(request)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryable()).isTrue();
      assertThat(e.errorType()).isEqualTo(d == Dialect.ANTHROPIC ? "rate_limit_error" : "rate_limit_exceeded");
    });
    assertThatThrownBy(() -> backend.stream(request, t -> {})).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.retryable()).isTrue();
    });
    assertThat(backend.send(request).message().text()).isEqualTo("You said: Hi");
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void aDroppedConnectionIsAProviderExceptionNotAnIoException(Dialect d) {
    REFEREE.get().faults().add(Fault.dropConnection().times(2));
    HttpChatBackend backend = backend(d, REFEREE.get());
    ChatRequest request = ChatRequest.of(List.of(Message.user("Hi")));

    assertThatThrownBy(() -> backend.send(request)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isZero();
      assertThat(e.retryable()).isTrue();
      assertThat(e.getCause()).isInstanceOf(IOException.class);
    });
    assertThatThrownBy(() -> backend.stream(request, t -> {})).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isZero();
      assertThat(e.getCause()).isInstanceOf(IOException.class);
    });
  }

  @Test
  void aServerThatIsNotThereIsAProviderException() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HttpChatBackend backend = HttpChatBackend.openAiChat(HttpBackendConfig.builder()
        .baseUrl("http://127.0.0.1:" + port + "/v1").model("m").connectTimeout(Duration.ofSeconds(2)).build());

    assertThatThrownBy(() -> backend.send(ChatRequest.of(List.of(Message.user("Hi")))))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.retryable()).isTrue();
          assertThat(e.providerMessage()).startsWith("could not connect to http://127.0.0.1:" + port
              + "/v1/chat/completions");
        });
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void noAnswerWithinTheRequestTimeoutIsAProviderException(Dialect d) throws InterruptedException {
    HttpChatBackend backend = backend(d, REFEREE.get(), b -> b.requestTimeout(Duration.ofMillis(150)));
    ChatRequest request = ChatRequest.of(List.of(Message.user("Hi")));
    warmUp(d);
    REFEREE.get().faults().add(Fault.delay(Duration.ofMillis(700)).times(2));

    assertThatThrownBy(() -> backend.send(request)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isZero();
      assertThat(e.retryable()).isTrue();
      assertThat(e.providerMessage()).startsWith("no complete answer within 150 ms");
    });
    assertThatThrownBy(() -> backend.stream(request, t -> {})).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.providerMessage()).startsWith("no answer within 150 ms"));
    awaitRecorded(2);
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void interruptionCancelsTheExchangeAndKeepsTheInterruptFlag(Dialect d) throws Exception {
    HttpChatBackend backend = backend(d, REFEREE.get());
    warmUp(d);
    // the referee answers only after 3 s: a caller that ends before the answer is recorded was cancelled
    REFEREE.get().faults().add(Fault.delay(Duration.ofSeconds(3)));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        backend.send(ChatRequest.of(List.of(Message.user("Hi"))));
      } catch (RuntimeException e) {
        thrown.set(e);
        flag.set(Thread.currentThread().isInterrupted());
      }
    });
    caller.start();
    // the referee takes the delay when the request reaches it: from then on the exchange is in flight
    assertThat(REFEREE.get().faults().awaitTaken(Duration.ofSeconds(10))).as("the request reached the referee")
        .isTrue();
    caller.interrupt();
    caller.join(5_000);

    assertThat(caller.isAlive()).as("the caller ended").isFalse();
    assertThat(REFEREE.get().requests()).as("it ended before the referee answered").isEmpty();
    assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasCauseInstanceOf(InterruptedException.class);
    assertThat(flag.get()).isTrue();
    awaitRecorded(1);
  }

  @Test
  void anInterruptedThreadSendsNothing() throws InterruptedException {
    HttpChatBackend backend = backend(Dialect.OPENAI_CHAT, REFEREE.get());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> backend.stream(ChatRequest.of(List.of(Message.user("Hi"))), t -> {}))
          .isInstanceOf(CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    // the next request of this thread, not interrupted, is the first the referee sees
    backend.send(ChatRequest.of(List.of(Message.user("after"))));
    assertThat(REFEREE.get().requests()).singleElement().satisfies(r -> assertThat(r.body()).contains("after"));
  }

  // ---------------------------------------------------------------- reading answers

  @Test
  void anOutputThatAnswersNoCallOfTheTurnIsLeftOutAndTheNextRequestIsAccepted() {
    REFEREE.get().responses().replayOrphanOutputs(true);
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(Dialect.OPENAI_RESPONSES, REFEREE.get()))
        .tools(LoopTool.of(WEATHER, args -> "sunny"))
        .build();

    LoopResult r = loop.run(List.of(Message.user("Weather?")));

    assertThat(REFEREE.get().requests().get(0).status()).isEqualTo(200);
    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(REFEREE.get().rejections()).isEmpty();
    assertThat(REFEREE.get().requests().get(1).body()).doesNotContain("mcp_");
  }

  @Test
  void metadataNamesTheAnswerAndWhyItEnded() {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{}"), Reply.toolCall("weather", "{}"),
        Reply.toolCall("weather", "{}"));
    ChatRequest request = ChatRequest.of(List.of(Message.user("Hi")));

    assertThat(backend(Dialect.OPENAI_CHAT, REFEREE.get()).send(request).metadata())
        .containsEntry(HttpChatBackend.RESPONSE_ID, "chatcmpl-1")
        .containsEntry(HttpChatBackend.FINISH_REASON, "tool_calls");
    assertThat(backend(Dialect.OPENAI_RESPONSES, REFEREE.get()).send(request).metadata())
        .containsEntry(HttpChatBackend.RESPONSE_ID, "resp_1")
        .containsEntry(HttpChatBackend.FINISH_REASON, "completed");
    assertThat(backend(Dialect.ANTHROPIC, REFEREE.get()).send(request).metadata())
        .containsEntry(HttpChatBackend.RESPONSE_ID, "msg_1")
        .containsEntry(HttpChatBackend.FINISH_REASON, "tool_use");
  }

  @Test
  void theBackendNamesItsEndpointButNeverTheKey() {
    HttpChatBackend backend = HttpChatBackend.anthropic(HttpBackendConfig.builder()
        .apiKey("sk-ant-secret").model("claude-sonnet-4-5").build());
    assertThat(backend.endpoint()).isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
    assertThat(backend.toString()).contains("anthropic", "https://api.anthropic.com/v1/messages")
        .doesNotContain("secret");
    assertThat(backend.config().toString()).doesNotContain("secret");
    assertThat(HttpChatBackend.openAiResponses(HttpBackendConfig.builder().model("m").build()).endpoint())
        .isEqualTo(URI.create("https://api.openai.com/v1/responses"));
    assertThat(HttpChatBackend.openAiChat(HttpBackendConfig.builder().model("m").baseUrl("http://localhost:11434/v1/")
        .build()).endpoint()).isEqualTo(URI.create("http://localhost:11434/v1/chat/completions"));
  }

  /** One request answered at once, so that a cold client does not count against a short timeout. */
  private static void warmUp(Dialect d) {
    backend(d, REFEREE.get()).send(ChatRequest.of(List.of(Message.user("warm up"))));
    REFEREE.get().clearRequests();
  }

  /** Waits until the referee recorded {@code n} requests (a delayed answer is recorded when it is sent). */
  private static void awaitRecorded(int n) throws InterruptedException {
    assertThat(REFEREE.get().awaitRequests(n, Duration.ofSeconds(10))).as("%s requests recorded", n).isTrue();
    assertThat(REFEREE.get().requests()).hasSize(n);
  }
}
