package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A JDK HttpClient over real HTTP to a referee, for tests. */
final class Http {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status, headers and body. */
  record Result(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The OpenAI error message, or the Anthropic one. */
    String errorMessage() {
      JsonNode j = json();
      return j.path("error").path("message").asText();
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private Http() {}

  /** POSTs {@code body}; Anthropic requests get the usual {@code x-api-key} and {@code anthropic-version}. */
  static Result post(ProviderReferee referee, Endpoint endpoint, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(referee.url(endpoint)))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (endpoint == Endpoint.MESSAGES) {
      b.header("x-api-key", "test-key").header("anthropic-version", "2023-06-01");
    } else {
      b.header("Authorization", "Bearer test-key");
    }
    return send(b.build());
  }

  /** POSTs {@code body} to {@code url} as JSON. */
  static Result postUrl(String url, String body) {
    return send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  /** POSTs {@code body} to {@code url} and returns the raw bytes of the answer (event streams). */
  static HttpResponse<byte[]> postBytes(String url, String body) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result get(ProviderReferee referee, String path) {
    return send(HttpRequest.newBuilder(URI.create(referee.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  static Result send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Result(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
