package dev.toolguard.examples.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.examples.internal.Http;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The provider rows of the loop way: each provider's typical broken history, its bare POST, its backend. */
final class Providers {

  private Providers() {}

  /** The model named in a request of {@code d}. */
  static String model(Dialect d) {
    switch (d) {
      case GEMINI:
        return "gemini-2.5-flash";
      case BEDROCK_CONVERSE:
        return "anthropic.claude-3-5-haiku-20241022-v1:0";
      case MISTRAL:
        return "mistral-large-latest";
      default:
        return "llama3.1";
    }
  }

  /** The configuration of {@code d}'s HTTP backend pointed at {@code referee}. */
  static HttpBackendConfig config(ProviderReferee referee, Dialect d) {
    String base = d == Dialect.GEMINI ? referee.baseUrl() + "/v1beta"
        : d == Dialect.MISTRAL ? referee.mistralBaseUrl() + "/v1" : referee.baseUrl();
    return HttpBackendConfig.builder().baseUrl(base).apiKey("test").model(model(d))
        .requestTimeout(Duration.ofSeconds(60)).build();
  }

  /** The provider's most typical broken history. */
  static List<Message> history(Dialect d) {
    switch (d) {
      case GEMINI: // a memory window dropped the call turn: its function response turn follows a user turn
        return List.of(Message.user("Weather in Paris?"), Message.tool(ToolResult.of("c1", "weather", "sunny")),
            Message.assistant("It is sunny."), Message.user("And tomorrow?"));
      case MISTRAL: // another component renamed the call id in OpenAI's style
        return List.of(Message.user("Weather in Paris?"),
            Message.assistant(ToolCall.of("call_0fypS1hVX", "weather", "{\"city\":\"Paris\"}")),
            Message.tool(ToolResult.of("call_0fypS1hVX", "weather", "sunny")));
      case BEDROCK_CONVERSE: // a toolUse without its toolResult
        return List.of(Message.user("Weather and time in Paris?"),
            Message.assistant(ToolCall.of("tooluse_a", "weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("tooluse_b", "time", "{\"city\":\"Paris\"}")),
            Message.tool(ToolResult.of("tooluse_a", "weather", "sunny")));
      default: // OLLAMA: the results stored out of call order
        return List.of(Message.user("Weather and time in Paris?"),
            Message.assistant(ToolCall.of("c1", "weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("c2", "time", "{\"city\":\"Paris\"}")),
            Message.tool(ToolResult.of("c2", "time", "14:05")),
            Message.tool(ToolResult.of("c1", "weather", "sunny")));
    }
  }

  /** POSTs {@code history} as the provider's JSON (toolguard-json's codec, which changes nothing), as it is. */
  static Http.Answer postBare(ProviderReferee referee, Dialect d, List<Message> history) {
    ObjectNode envelope = Http.JSON.createObjectNode();
    boolean modelInPath = d == Dialect.GEMINI || d == Dialect.BEDROCK_CONVERSE;
    if (!modelInPath) {
      envelope.put("model", model(d));
    }
    if (d == Dialect.OLLAMA) {
      envelope.put("stream", false);
    }
    String body = WireCodec.of(d).write(new WireRequest(d, history, envelope));
    Endpoint endpoint = d == Dialect.GEMINI ? Endpoint.GEMINI : d == Dialect.BEDROCK_CONVERSE ? Endpoint.BEDROCK_CONVERSE
        : d == Dialect.MISTRAL ? Endpoint.MISTRAL : Endpoint.OLLAMA;
    String url = modelInPath ? referee.url(endpoint, model(d)) : referee.url(endpoint);
    return Http.post(url, body, "test", Duration.ofSeconds(60));
  }

  /**
   * The provider's message in an error answer: Gemini's {@code error.message}, Bedrock's and Mistral's
   * {@code message}, else the answer's own reading of it.
   */
  static String message(Http.Answer answer) {
    JsonNode json = answer.json();
    if (json != null && json.path("error").path("message").isTextual()) {
      return json.path("error").path("message").asText();
    }
    if (json != null && json.path("message").isTextual()) {
      return json.path("message").asText();
    }
    return answer.errorMessage();
  }

  /** The call id of the first tool call in the referee's last Mistral request, as it went on the wire. */
  static String mistralCallId(ProviderReferee referee) {
    List<RecordedRequest> requests = referee.requests(Endpoint.MISTRAL);
    JsonNode body = requests.isEmpty() ? null : requests.get(requests.size() - 1).json();
    if (body != null) {
      for (JsonNode m : body.path("messages")) {
        if (m.path("tool_calls").isArray() && m.path("tool_calls").size() > 0) {
          return m.path("tool_calls").path(0).path("id").asText();
        }
      }
    }
    throw new IllegalStateException("no Mistral request with a tool call reached the referee");
  }

  /** The {@code tool_name}s of the tool messages of the referee's last Ollama request, in order. */
  static List<String> ollamaResultOrder(ProviderReferee referee) {
    List<RecordedRequest> requests = referee.requests(Endpoint.OLLAMA);
    List<String> names = new ArrayList<>();
    if (requests.isEmpty() || requests.get(requests.size() - 1).json() == null) {
      return names;
    }
    for (JsonNode m : requests.get(requests.size() - 1).json().path("messages")) {
      if ("tool".equals(m.path("role").asText())) {
        names.add(m.path("tool_name").asText());
      }
    }
    return names;
  }
}
