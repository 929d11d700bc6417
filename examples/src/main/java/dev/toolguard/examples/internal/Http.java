package dev.toolguard.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Plain HTTP with the JDK client: POST a JSON body, read the answer. */
public final class Http {

  /** The JSON mapper of the tour. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  private Http() {}

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param body the body as text
   */
  public record Answer(int status, String body) {

    /** True for a 2xx status. */
    public boolean ok() {
      return status / 100 == 2;
    }

    /** The body as JSON, or null when it is not JSON. */
    public @Nullable JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }

    /** The provider's error message ({@code error.message}), or the body itself. */
    public String errorMessage() {
      JsonNode json = json();
      if (json != null && json.path("error").path("message").isTextual()) {
        return json.path("error").path("message").asText();
      }
      return body;
    }
  }

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException if it is not JSON
   */
  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * POSTs {@code body} as JSON to {@code url}, with {@code Authorization: Bearer apiKey} when a key is
   * given.
   *
   * @throws IllegalStateException when no answer came (connection refused, timeout)
   */
  public static Answer post(String url, String body, @Nullable String apiKey, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException("POST " + url + " got no answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while POSTing to " + url, e);
    }
  }
}
