package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers the referee does not give, from a small canned server: an endpoint that does not stream,
 * an HTML error page, streams with comments, CRLF line ends and no {@code [DONE]}, errors reported
 * inside a stream, Anthropic thinking blocks, Chat refusals.
 */
class UnusualAnswersTest {

  /** What the server answers next. */
  private record Canned(int status, String contentType, String body) {}

  private static HttpServer server;
  private static final AtomicReference<Canned> NEXT = new AtomicReference<>();
  private static final AtomicReference<String> LAST_BODY = new AtomicReference<>();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      LAST_BODY.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Canned c = NEXT.get();
      byte[] bytes = c.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", c.contentType());
      exchange.sendResponseHeaders(c.status(), c.contentType().startsWith("text/event-stream") ? 0 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static HttpChatBackend backend(Dialect d) {
    return HttpChatBackend.of(d, HttpBackendConfig.builder()
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
        .model("m")
        .httpClient(Http.CLIENT)
        .build());
  }

  private static final ChatRequest HI = ChatRequest.of(List.of(Message.user("Hi")));

  @Test
  void anEndpointThatAnswersAStreamRequestInOnePieceIsReadAsSuch() {
    NEXT.set(new Canned(200, "application/json", "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello there.\"},\"finish_reason\":\"stop\"}]}"));
    List<String> deltas = new ArrayList<>();

    ChatResponse r = backend(Dialect.OPENAI_CHAT).stream(HI, deltas::add);

    assertThat(r.message().text()).isEqualTo("Hello there.");
    assertThat(deltas).containsExactly("Hello there.");
    assertThat(Json.parse(LAST_BODY.get()).get("stream").asBoolean()).isTrue();
  }

  @Test
  void anErrorPageThatIsNotJsonIsQuoted() {
    NEXT.set(new Canned(502, "text/html", "<html><body><h1>502 Bad Gateway</h1>\n</body></html>"));

    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC).send(HI)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.retryable()).isTrue();
      assertThat(e.errorType()).isNull();
      assertThat(e.providerMessage()).isEqualTo("<html><body><h1>502 Bad Gateway</h1> </body></html>");
    });
    assertThatThrownBy(() -> backend(Dialect.OPENAI_CHAT).stream(HI, t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.status()).isEqualTo(502));
  }

  @Test
  void aChatStreamWithCommentsCrLfAndNoDoneEndsAtItsFinishReason() {
    NEXT.set(new Canned(200, "text/event-stream", ": keep-alive\r\n\r\n"
        + "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\r\n\r\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\r\n\r\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\","
        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}\r\n\r\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        + "\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}\r\n\r\n"));
    List<String> deltas = new ArrayList<>();

    ChatResponse r = backend(Dialect.OPENAI_CHAT).stream(HI, deltas::add);

    assertThat(deltas).containsExactly("Hel", "lo");
    assertThat(r.message().text()).isEqualTo("Hello");
    assertThat(r.message().toolCalls()).containsExactly(
        ToolCall.of("call_9", "f", "{\"a\":1}").withMetadata("toolguard.json.node",
            r.message().toolCalls().get(0).metadata().get("toolguard.json.node")));
    assertThat(r.metadata()).containsEntry(HttpChatBackend.FINISH_REASON, "tool_calls");
  }

  @Test
  void aStreamThatEndsWithoutItsFinalEventIsCutOff() {
    NEXT.set(new Canned(200, "text/event-stream; charset=utf-8",
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\"}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"));

    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC).stream(HI, t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(200);
          assertThat(e.retryable()).isTrue();
          assertThat(e.providerMessage()).isEqualTo("the stream ended before the answer was complete (no final event)");
        });
  }

  @Test
  void errorsReportedInsideAStreamAreProviderExceptions() {
    NEXT.set(new Canned(200, "text/event-stream", "event: message_start\ndata: {\"type\":\"message_start\","
        + "\"message\":{\"id\":\"msg_1\"}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":"
        + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"));
    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC).stream(HI, t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.errorType()).isEqualTo("overloaded_error");
          assertThat(e.providerMessage()).isEqualTo("Overloaded");
          assertThat(e.retryable()).isTrue();
        });

    NEXT.set(new Canned(200, "text/event-stream",
        "data: {\"error\":{\"message\":\"The model is busy\",\"type\":\"server_error\",\"code\":null}}\n\n"));
    assertThatThrownBy(() -> backend(Dialect.OPENAI_CHAT).stream(HI, t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.errorType()).isEqualTo("server_error");
          assertThat(e.providerMessage()).isEqualTo("The model is busy");
        });

    NEXT.set(new Canned(200, "text/event-stream", "event: response.failed\ndata: {\"type\":\"response.failed\","
        + "\"response\":{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
        + "\"message\":\"Something went wrong\"}}}\n\n"));
    assertThatThrownBy(() -> backend(Dialect.OPENAI_RESPONSES).stream(HI, t -> {}))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.errorType()).isEqualTo("server_error");
          assertThat(e.providerMessage()).isEqualTo("Something went wrong");
        });
  }

  @Test
  void anthropicThinkingBlocksGoBackExactlyAsStreamed() {
    NEXT.set(new Canned(200, "text/event-stream", String.join("",
        sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_7\",\"model\":\"m\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"),
        sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
            + "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"thinking_delta\",\"thinking\":\"The user wants \"}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"thinking_delta\",\"thinking\":\"the weather.\"}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}}"),
        sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
        sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
            + "{\"type\":\"redacted_thinking\",\"data\":\"c2VjcmV0\"}}"),
        sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
        sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
            + "{\"type\":\"text\",\"text\":\"\"}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
            + "{\"type\":\"text_delta\",\"text\":\"Checking.\"}}"),
        sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
        sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_7\",\"name\":\"weather\",\"input\":{}}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":"
            + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}"),
        sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":"
            + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"),
        sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":3}"),
        sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
            + "\"usage\":{\"output_tokens\":40}}"),
        sse("message_stop", "{\"type\":\"message_stop\"}"))));
    List<String> deltas = new ArrayList<>();

    ChatResponse r = backend(Dialect.ANTHROPIC).stream(HI, deltas::add);

    assertThat(deltas).containsExactly("Checking.");
    List<Content> contents = r.message().contents();
    assertThat(contents).hasSize(4);
    assertThat(contents.get(0)).isInstanceOfSatisfying(Opaque.class, o -> assertThat(o.kind()).isEqualTo("thinking"));
    assertThat(contents.get(1)).isInstanceOfSatisfying(Opaque.class,
        o -> assertThat(o.kind()).isEqualTo("redacted_thinking"));
    assertThat(contents.get(2)).isInstanceOf(Text.class);
    assertThat(r.message().toolCalls()).extracting(ToolCall::argumentsJson).containsExactly("{\"city\":\"Paris\"}");
    assertThat(r.metadata()).containsEntry(HttpChatBackend.FINISH_REASON, "tool_use");
    assertThat(r.metadata().get(HttpChatBackend.USAGE).toString())
        .isEqualTo("{\"input_tokens\":9,\"output_tokens\":40}");

    // the next request carries the thinking blocks exactly as they were streamed
    List<Message> next = List.of(Message.user("Hi"), r.message(),
        Message.tool(ToolResult.of("toolu_7", "weather", "sunny")));
    ObjectNode body = WireCodec.anthropic().writeTree(new WireRequest(Dialect.ANTHROPIC, next, Json.object()));
    assertThat(body.get("messages").get(1).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":["
        + "{\"type\":\"thinking\",\"thinking\":\"The user wants the weather.\",\"signature\":\"EqQBCgIYAhIM\"},"
        + "{\"type\":\"redacted_thinking\",\"data\":\"c2VjcmV0\"},"
        + "{\"type\":\"text\",\"text\":\"Checking.\"},"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_7\",\"name\":\"weather\",\"input\":{\"city\":\"Paris\"}}]}");
  }

  @Test
  void aChatRefusalIsKeptAsARefusalPart() {
    NEXT.set(new Canned(200, "application/json", "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":"
        + "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"},"
        + "\"finish_reason\":\"stop\"}]}"));

    ChatResponse r = backend(Dialect.OPENAI_CHAT).send(HI);

    assertThat(r.message().contents()).singleElement().isInstanceOfSatisfying(Opaque.class,
        o -> assertThat(o.kind()).isEqualTo("refusal"));
    ObjectNode body = WireCodec.openAiChat().writeTree(new WireRequest(Dialect.OPENAI_CHAT,
        List.of(Message.user("Hi"), r.message()), Json.object()));
    assertThat(body.get("messages").get(1).toString()).isEqualTo(
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}");
  }

  @Test
  void anAnswerThatIsNotTheDialectsIsAProviderException() {
    NEXT.set(new Canned(200, "application/json", "{\"object\":\"list\",\"data\":[]}"));
    assertThatThrownBy(() -> backend(Dialect.OPENAI_CHAT).send(HI)).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.providerMessage()).isEqualTo("the answer could not be read: it has no choices[0].message"));

    NEXT.set(new Canned(200, "application/json", "not json"));
    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC).send(HI)).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.providerMessage()).isEqualTo("the answer is not JSON: not json"));

    NEXT.set(new Canned(200, "application/json", "{\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\"}]}"));
    assertThatThrownBy(() -> backend(Dialect.ANTHROPIC).send(HI)).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.providerMessage()).startsWith("the answer could not be read: its message cannot be read"));
  }

  @Test
  void anEmptyAnswerLeavesAValidHistoryThatTheNextRequestCanCarry() {
    // Anthropic sometimes ends a turn with no content at all (stop_reason end_turn, content [])
    NEXT.set(new Canned(200, "application/json", "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"content\":[],\"stop_reason\":\"end_turn\"}"));
    dev.toolguard.core.loop.FunctionInvokingLoop loop =
        dev.toolguard.core.loop.FunctionInvokingLoop.builder(backend(Dialect.ANTHROPIC)).build();
    List<Message> earlier = List.of(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Anything new?"));

    dev.toolguard.core.loop.LoopResult r = loop.run(earlier);

    assertThat(r.status()).isEqualTo(dev.toolguard.core.loop.LoopResult.Status.COMPLETED);
    Http.assertBalanced(r.history());
    assertThat(r.text()).as("the model said nothing this time").isEmpty();

    NEXT.set(new Canned(200, "application/json", "{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"Nothing new.\"}],\"stop_reason\":\"end_turn\"}"));
    dev.toolguard.core.loop.LoopResult next = loop.run(Http.plus(r.history(), Message.user("Well?")));
    assertThat(next.text()).isEqualTo("Nothing new.");
    assertThat(Json.parse(LAST_BODY.get()).get("messages")).hasSize(4)
        .allSatisfy(m -> assertThat(m.get("content").toString()).isNotIn("[]", "\"\""));
  }

  private static String sse(String event, String data) {
    return "event: " + event + "\ndata: " + data + "\n\n";
  }
}
