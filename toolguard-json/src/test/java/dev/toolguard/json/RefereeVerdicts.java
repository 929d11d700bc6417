package dev.toolguard.json;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Posts a raw request body to the referee's endpoint of a dialect, as the provider's client would, for its verdict. */
final class RefereeVerdicts {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RefereeVerdicts() {}

  /** The referee's answer to one body. */
  record Verdict(int status, String body) {

    /** The provider's error message ({@code error.message}) of a refused body. */
    String errorMessage() {
      return dev.toolguard.json.internal.Json.parse(body).path("error").path("message").asText();
    }

    /** {@code "accepted"} for a 200, else the provider's error message. */
    String acceptedOrError() {
      return status == 200 ? "accepted" : errorMessage();
    }
  }

  /** {@code body} posted to {@code referee}'s endpoint for {@code dialect}, with that provider's headers. */
  static Verdict post(ProviderReferee referee, Dialect dialect, String body) {
    Endpoint endpoint = dialect == Dialect.OPENAI_CHAT ? Endpoint.CHAT_COMPLETIONS
        : dialect == Dialect.OPENAI_RESPONSES ? Endpoint.RESPONSES : Endpoint.MESSAGES;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(referee.url(endpoint)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (endpoint == Endpoint.MESSAGES) {
      request.header("x-api-key", "test").header("anthropic-version", "2023-06-01");
    } else {
      request.header("Authorization", "Bearer test");
    }
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Verdict(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the referee judged a body", e);
    }
  }

  /** {@link #post}, then the referee's recorded requests cleared: for many bodies against one referee. */
  static Verdict judge(ProviderReferee referee, Dialect dialect, String body) {
    try {
      return post(referee, dialect, body);
    } finally {
      referee.clearRequests();
    }
  }

  /** The provider's error message for {@code body}, which the referee must refuse with a 400. */
  static String refusal(ProviderReferee referee, Dialect dialect, String body) {
    Verdict v = post(referee, dialect, body);
    if (v.status() != 400) {
      throw new AssertionError("expected the referee to refuse the body with a 400, got " + v.status() + ": "
          + v.body());
    }
    return v.errorMessage();
  }

  /** The provider's error of each violation check finds in {@code body}, in order. */
  static java.util.List<String> predicted(Dialect dialect, String body) {
    return WireGuard.ofDefaults().check(dialect, body).stream().map(WireViolation::providerError).toList();
  }
}
