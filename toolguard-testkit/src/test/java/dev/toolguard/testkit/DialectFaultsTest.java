package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Injected faults on the Gemini, Bedrock, Mistral and Ollama endpoints answer in each provider's shape. */
class DialectFaultsTest extends RefereeTestBase {

  static final String GEMINI = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
  static final String BEDROCK = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}";
  static final String MISTRAL = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String OLLAMA = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  static String gemini() {
    return referee.url(Endpoint.GEMINI, "gemini-2.5-flash");
  }

  static String bedrock() {
    return referee.url(Endpoint.BEDROCK_CONVERSE, "m");
  }

  @Test
  void serverErrorsInEachShape() {
    referee.faults().add(Fault.serverError().times(4));
    Http.Result g = Http.postUrl(gemini(), GEMINI);
    assertThat(g.status()).isEqualTo(500);
    assertThat(g.json().at("/error/status").asText()).isEqualTo("INTERNAL");
    assertThat(g.json().at("/error/code").asInt()).isEqualTo(500);
    Http.Result b = Http.postUrl(bedrock(), BEDROCK);
    assertThat(b.status()).isEqualTo(500);
    assertThat(b.header("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("InternalServerException:"));
    assertThat(b.json().get("message").asText()).isEqualTo(ErrorMessages.Bedrock.SERVER_ERROR);
    Http.Result m = Http.postUrl(referee.url(Endpoint.MISTRAL), MISTRAL);
    assertThat(m.status()).isEqualTo(500);
    assertThat(m.json().get("object").asText()).isEqualTo("error");
    Http.Result o = Http.postUrl(referee.url(Endpoint.OLLAMA), OLLAMA);
    assertThat(o.status()).isEqualTo(500);
    assertThat(o.json().get("error").asText()).isEqualTo(ErrorMessages.Ollama.SERVER_ERROR);
  }

  @Test
  void rateLimitsInEachShape() {
    referee.faults().add(Fault.rateLimited(Duration.ofSeconds(2)).on(Endpoint.GEMINI),
        Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.BEDROCK_CONVERSE));
    Http.Result g = Http.postUrl(gemini(), GEMINI);
    assertThat(g.status()).isEqualTo(429);
    assertThat(g.json().at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(g.header("retry-after")).hasValue("2");
    Http.Result b = Http.postUrl(bedrock(), BEDROCK);
    assertThat(b.status()).isEqualTo(429);
    assertThat(b.header("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("ThrottlingException:"));
  }

  @Test
  void aDroppedNdjsonStreamEndsAfterItsLines() {
    referee.script().enqueue(Reply.text("one two three"));
    referee.faults().add(Fault.dropStreamAfter(2).on(Endpoint.OLLAMA));
    assertThatThrownBy(() -> Http.postUrl(referee.url(Endpoint.OLLAMA), OLLAMA)).isInstanceOf(UncheckedIOException.class);
    assertThat(referee.lastRequest().status()).isEqualTo(200);
    assertThat(referee.lastRequest().fault().kind()).isEqualTo(Fault.Kind.DROP_STREAM);
  }
}
