package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest extends RefereeTestBase {

  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String CHAT_STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String MESSAGES = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void serverErrorInEachShape() {
    referee.faults().add(Fault.serverError().times(2));
    Http.Result openAi = post(Endpoint.CHAT_COMPLETIONS, CHAT);
    assertThat(openAi.status()).isEqualTo(500);
    assertThat(openAi.json().at("/error/type").asText()).isEqualTo("server_error");
    assertThat(openAi.errorMessage()).isEqualTo(ErrorMessages.OpenAi.SERVER_ERROR);
    Http.Result anthropic = post(Endpoint.MESSAGES, MESSAGES);
    assertThat(anthropic.status()).isEqualTo(500);
    assertThat(anthropic.json().get("type").asText()).isEqualTo("error");
    assertThat(anthropic.json().at("/error/type").asText()).isEqualTo("api_error");
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).status()).isEqualTo(200);
    assertThat(referee.requests()).extracting(RecordedRequest::status).containsExactly(500, 500, 200);
    assertThat(referee.requests().get(0).fault().kind()).isEqualTo(Fault.Kind.SERVER_ERROR);
    assertThat(referee.faults().pending()).isEmpty();
  }

  @Test
  void serverErrorSkipsValidation() {
    referee.faults().add(Fault.serverError());
    assertThat(post(Endpoint.CHAT_COMPLETIONS, "{}").status()).isEqualTo(500);
  }

  @Test
  void rateLimitedWithRetryAfter() {
    referee.faults().add(Fault.rateLimited(Duration.ofMillis(1500)));
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, CHAT);
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("retry-after")).hasValue("2");
    assertThat(r.header("retry-after-ms")).hasValue("1500");
    assertThat(r.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    referee.faults().add(Fault.rateLimited(Duration.ofSeconds(3)).on(Endpoint.MESSAGES));
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).status()).isEqualTo(200);
    Http.Result anthropic = post(Endpoint.MESSAGES, MESSAGES);
    assertThat(anthropic.status()).isEqualTo(429);
    assertThat(anthropic.header("retry-after")).hasValue("3");
    assertThat(anthropic.json().at("/error/type").asText()).isEqualTo("rate_limit_error");
  }

  @Test
  void perEndpointFaultsWaitForTheirEndpoint() {
    referee.faults().add(Fault.serverError().on(Endpoint.RESPONSES));
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).status()).isEqualTo(200);
    assertThat(referee.faults().pending()).singleElement().satisfies(f -> assertThat(f.endpoint()).isEqualTo(Endpoint.RESPONSES));
    assertThat(post(Endpoint.RESPONSES, "{\"model\":\"m\",\"input\":\"hi\"}").status()).isEqualTo(500);
  }

  @Test
  void delayThenNormalAnswer() {
    referee.faults().add(Fault.delay(Duration.ofMillis(300)));
    long start = System.nanoTime();
    Http.Result r = post(Endpoint.CHAT_COMPLETIONS, CHAT);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(200);
    assertThat(millis).isGreaterThanOrEqualTo(300);
    assertThat(referee.lastRequest().fault().kind()).isEqualTo(Fault.Kind.DELAY);
  }

  @Test
  void droppedStreamSendsSomeEventsThenCloses() throws Exception {
    referee.faults().add(Fault.dropStreamAfter(2));
    // a raw socket, to see exactly what arrived before the connection was closed
    String raw;
    try (Socket socket = new Socket("127.0.0.1", referee.port())) {
      socket.setSoTimeout(10_000);
      byte[] body = CHAT_STREAM.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(raw).startsWith("HTTP/1.1 200");
    assertThat(raw).containsIgnoringCase("transfer-encoding: chunked");
    assertThat(raw.split("data: ", -1)).hasSize(3);
    assertThat(raw).doesNotContain("[DONE]").doesNotEndWith("0\r\n\r\n");
    RecordedRequest recorded = referee.lastRequest();
    assertThat(recorded.status()).isEqualTo(200);
    assertThat(recorded.fault().kind()).isEqualTo(Fault.Kind.DROP_STREAM);
    // the JDK client sees the truncated stream as an error
    referee.faults().add(Fault.dropStreamAfter(1));
    assertThatThrownBy(() -> post(Endpoint.CHAT_COMPLETIONS, CHAT_STREAM)).hasCauseInstanceOf(IOException.class);
    // the next request is answered in full
    Http.Result next = post(Endpoint.CHAT_COMPLETIONS, CHAT_STREAM);
    assertThat(Sse.parse(next.body())).last().satisfies(e -> assertThat(e.data()).isEqualTo("[DONE]"));
  }

  @Test
  void droppedNonStreamingAnswerIsCutMidBody() {
    referee.faults().add(Fault.dropStreamAfter(0));
    assertThatThrownBy(() -> post(Endpoint.CHAT_COMPLETIONS, CHAT)).hasCauseInstanceOf(IOException.class);
    assertThat(post(Endpoint.CHAT_COMPLETIONS, CHAT).status()).isEqualTo(200);
  }

  @Test
  void droppedConnection() {
    referee.faults().add(Fault.dropConnection());
    assertThatThrownBy(() -> post(Endpoint.MESSAGES, MESSAGES)).hasCauseInstanceOf(IOException.class);
    assertThat(referee.lastRequest().status()).isZero();
    assertThat(post(Endpoint.MESSAGES, MESSAGES).status()).isEqualTo(200);
  }

  @Test
  void faultValidation() {
    assertThatThrownBy(() -> Fault.serverError().times(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    referee.faults().add(Fault.serverError().times(3));
    assertThat(referee.faults().pending()).singleElement().satisfies(f -> assertThat(f.times()).isEqualTo(3));
    referee.faults().clear();
    assertThat(referee.faults().pending()).isEmpty();
  }
}
