package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.internal.Transcript;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request the referee received, and what it answered.
 *
 * @param sequence the request's number, from 1, in order of arrival
 * @param endpoint the endpoint, or null for a path the referee does not serve (answered 404)
 * @param method the HTTP method
 * @param path the request path
 * @param headers the request headers, names in lower case
 * @param body the raw body, decoded as UTF-8
 * @param json the body parsed as JSON, or null when it is not JSON
 * @param stream true when the body asks for a stream ({@code "stream": true})
 * @param status the HTTP status answered; 0 when the connection was dropped before any answer
 * @param errorMessage the error message answered (rejections, injected 500/429), or null
 * @param fault the injected fault that shaped the answer, or null
 * @param receivedAt when the request arrived
 */
public record RecordedRequest(
    long sequence,
    @Nullable Endpoint endpoint,
    String method,
    String path,
    Map<String, List<String>> headers,
    String body,
    @Nullable JsonNode json,
    boolean stream,
    int status,
    @Nullable String errorMessage,
    @Nullable Fault fault,
    Instant receivedAt) {

  /** Copies the headers. */
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of a header (name in any case), or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** True when the referee refused the request with a 400 (a rule or shape violation). */
  public boolean rejected() {
    return status == 400;
  }

  /** The {@code model} of the body, or of the path (Gemini, Bedrock), or null. */
  public @Nullable String model() {
    JsonNode m = json == null ? null : json.get("model");
    if (m != null && m.isTextual()) {
      return m.asText();
    }
    return Endpoint.modelInPath(path);
  }

  /** The text of the last user message of the body (in any dialect), or null. */
  public @Nullable String lastUserText() {
    return transcript().lastUserText();
  }

  /** The output of the last tool result of the body (tool message, function_call_output, tool_result), or null. */
  public @Nullable String lastToolResult() {
    return transcript().lastToolResult();
  }

  /** True when the body's last turn is a tool result rather than user text. */
  public boolean endsWithToolResult() {
    return transcript().endsWithToolResult();
  }

  /** The call ids that the body's tool results answer, in order. */
  public List<String> toolResultIds() {
    return transcript().toolResultIds();
  }

  /** A copy of this record with another status, message and fault (used by the referee). */
  RecordedRequest answered(int newStatus, @Nullable String message, @Nullable Fault newFault) {
    return new RecordedRequest(
        sequence, endpoint, method, path, headers, body, json, stream, newStatus, message, newFault, receivedAt);
  }

  private Transcript transcript() {
    return endpoint == null ? Transcript.of(Endpoint.CHAT_COMPLETIONS, null) : Transcript.of(endpoint, json);
  }

  @Override
  public String toString() {
    return "RecordedRequest[#" + sequence + " " + method + " " + path + " -> " + status
        + (errorMessage == null ? "" : " (" + errorMessage + ")")
        + (fault == null ? "" : " fault=" + fault.kind()) + "]";
  }
}
