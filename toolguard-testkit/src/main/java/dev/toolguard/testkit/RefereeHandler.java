package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.toolguard.testkit.internal.BedrockRenderer;
import dev.toolguard.testkit.internal.BedrockRules;
import dev.toolguard.testkit.internal.ChatCompletionsRenderer;
import dev.toolguard.testkit.internal.ChatCompletionsRules;
import dev.toolguard.testkit.internal.GeminiRenderer;
import dev.toolguard.testkit.internal.GeminiRules;
import dev.toolguard.testkit.internal.Json;
import dev.toolguard.testkit.internal.MessagesRenderer;
import dev.toolguard.testkit.internal.MessagesRules;
import dev.toolguard.testkit.internal.MistralRenderer;
import dev.toolguard.testkit.internal.MistralRules;
import dev.toolguard.testkit.internal.OllamaRenderer;
import dev.toolguard.testkit.internal.OllamaRules;
import dev.toolguard.testkit.internal.Rejection;
import dev.toolguard.testkit.internal.ResponsesRenderer;
import dev.toolguard.testkit.internal.ResponsesRules;
import dev.toolguard.testkit.internal.SseEvent;
import dev.toolguard.testkit.internal.StoredResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers every request of a referee: faults, validation, the scripted model, rendering. */
final class RefereeHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderReferee.class);
  private static final String RESPONSES_PREFIX = Endpoint.RESPONSES.path() + "/";

  /** Thrown out of the handler so that the HTTP server closes the connection mid-answer. */
  private static final class Dropped extends IOException {
    private static final long serialVersionUID = 1L;

    Dropped() {
      super("connection dropped by an injected fault", null);
    }
  }

  /** The answer to send: a status, headers and a JSON body. */
  private record Answer(int status, Map<String, String> headers, String body) {}

  private final ProviderReferee referee;

  RefereeHandler(ProviderReferee referee) {
    this.referee = referee;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long seq = referee.nextSequence();
    Instant received = Instant.now();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    // raw: a Bedrock model id may hold an encoded '/' or ':' (inference profile ARNs)
    String path = exchange.getRequestURI().getRawPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    Endpoint endpoint = Endpoint.forPath(path);
    boolean served = endpoint != null;
    if (endpoint == null && path.startsWith(RESPONSES_PREFIX)) {
      endpoint = Endpoint.RESPONSES;
    }
    JsonNode json = body.isEmpty() ? null : Json.parseOrNull(body);
    boolean stream;
    if (endpoint == Endpoint.GEMINI || endpoint == Endpoint.BEDROCK_CONVERSE) {
      stream = Endpoint.streamingPath(path);
    } else if (endpoint == Endpoint.OLLAMA) {
      // Ollama streams unless told "stream": false
      stream = json == null || !json.isObject() || !json.path("stream").isBoolean() || json.get("stream").asBoolean();
    } else {
      stream = json != null && json.path("stream").asBoolean(false) && json.get("stream").isBoolean();
    }
    RecordedRequest request = new RecordedRequest(
        seq, endpoint, method, path, headers, body, json, stream, 0, null, null, received);
    try {
      if (served && method.equals("POST")) {
        post(exchange, endpoint, request);
      } else if (endpoint == Endpoint.RESPONSES && method.equals("GET")) {
        retrieve(exchange, request, path.substring(RESPONSES_PREFIX.length()));
      } else {
        notFound(exchange, request);
      }
    } catch (Dropped d) {
      LOG.debug("#{} {} {}: connection dropped by an injected fault", seq, method, path);
      throw d;
    } catch (RuntimeException e) {
      LOG.warn("#{} {} {}: the referee failed: {}", seq, method, path, e.toString());
      throw e;
    }
  }

  private void post(HttpExchange exchange, Endpoint endpoint, RecordedRequest request) throws IOException {
    Fault fault = referee.faults().take(endpoint);
    boolean dropStream = false;
    if (fault != null) {
      switch (fault.kind()) {
        case DELAY:
          sleep(fault.duration().toMillis());
          break;
        case SERVER_ERROR:
          Rejection error = serverError(endpoint, null);
          finish(exchange, request.answered(500, error.message(), fault), errorAnswer(endpoint, error, request));
          return;
        case RATE_LIMITED:
          rateLimited(exchange, endpoint, request, fault);
          return;
        case DROP_CONNECTION:
          referee.record(request.answered(0, null, fault));
          throw new Dropped();
        case DROP_STREAM:
          dropStream = true;
          break;
        default:
          break;
      }
    }
    JsonNode json = request.json();
    Rejection rejection = null;
    ResponsesRules.Outcome outcome = null;
    if (endpoint == Endpoint.MESSAGES && request.header("anthropic-version") == null) {
      rejection = Rejection.anthropic(ErrorMessages.Anthropic.VERSION_REQUIRED);
    } else if (json == null) {
      rejection = notJson(endpoint, request.body());
    } else {
      switch (endpoint) {
        case CHAT_COMPLETIONS:
          rejection = ChatCompletionsRules.check(json);
          break;
        case RESPONSES:
          outcome = ResponsesRules.check(json, referee.responses().rulesView());
          rejection = outcome.rejection();
          break;
        case MESSAGES:
          rejection = MessagesRules.check(json);
          break;
        case GEMINI:
          rejection = GeminiRules.check(json);
          break;
        case BEDROCK_CONVERSE:
          rejection = BedrockRules.check(json);
          break;
        case MISTRAL:
          rejection = MistralRules.check(json);
          break;
        case OLLAMA:
          rejection = OllamaRules.check(json);
          break;
        default:
          throw new IllegalStateException("no rules for " + endpoint);
      }
    }
    if (rejection != null || json == null) {
      Rejection r = rejection != null ? rejection : notJson(endpoint, request.body());
      finish(exchange, request.answered(r.status(), r.message(), fault), errorAnswer(endpoint, r, request));
      return;
    }

    RecordedRequest accepted = request.answered(200, null, fault);
    Reply reply;
    try {
      reply = referee.script().next(accepted);
    } catch (RuntimeException e) {
      String message = "The scripted model failed: " + e;
      Rejection failed = serverError(endpoint, message);
      finish(exchange, request.answered(500, message, fault), errorAnswer(endpoint, failed, request));
      return;
    }

    long now = Instant.now().getEpochSecond();
    int length = request.body().length();
    String body = null;
    List<SseEvent> events = null;
    List<byte[]> frames = null;
    String streamType = "text/event-stream; charset=utf-8";
    String requestIdHeader = requestIdHeader(endpoint);
    if (endpoint == Endpoint.GEMINI) {
      GeminiRenderer r = new GeminiRenderer(reply, String.valueOf(request.model()), length, referee.ids());
      if (!request.stream()) {
        body = Json.write(r.response());
      } else if ("sse".equals(queryParameter(exchange, "alt"))) {
        events = r.events();
      } else {
        // without alt=sse Gemini streams one JSON array of the partial responses
        List<String> parts = new ArrayList<>();
        for (SseEvent e : r.events()) {
          parts.add(e.data());
        }
        body = "[" + String.join(",\n", parts) + "]";
      }
    } else if (endpoint == Endpoint.BEDROCK_CONVERSE) {
      BedrockRenderer r = new BedrockRenderer(reply, length, referee.ids());
      if (request.stream()) {
        frames = r.frames();
        streamType = "application/vnd.amazon.eventstream";
      } else {
        body = Json.write(r.response());
      }
    } else if (endpoint == Endpoint.MISTRAL) {
      MistralRenderer r = new MistralRenderer(reply, json.path("model").asText(), length, referee.ids(), now);
      if (request.stream()) {
        events = r.chunks();
      } else {
        body = Json.write(r.completion());
      }
    } else if (endpoint == Endpoint.OLLAMA) {
      OllamaRenderer r = new OllamaRenderer(reply, json.path("model").asText(), length, Instant.now());
      if (request.stream()) {
        frames = r.lines();
        streamType = "application/x-ndjson";
      } else {
        body = Json.write(r.response());
      }
    } else if (endpoint == Endpoint.CHAT_COMPLETIONS) {
      ChatCompletionsRenderer r = new ChatCompletionsRenderer(reply, json, length, referee.ids(), now);
      if (request.stream()) {
        events = r.chunks(json.path("stream_options").path("include_usage").asBoolean(false));
      } else {
        body = Json.write(r.completion());
      }
    } else if (endpoint == Endpoint.RESPONSES) {
      boolean store = !json.path("store").isBoolean() || json.path("store").asBoolean();
      ResponsesRenderer r = new ResponsesRenderer(
          reply, json, length, referee.ids(), now, store && referee.responses().replaysOrphanOutputs());
      ObjectNode response = r.response();
      if (store) {
        List<JsonNode> conversation = new ArrayList<>(outcome.conversation());
        conversation.addAll(r.modelItems());
        referee.responses().put(new StoredResponse(r.id(), conversation, response));
      }
      if (request.stream()) {
        events = r.events();
      } else {
        body = Json.write(response);
      }
    } else {
      MessagesRenderer r = new MessagesRenderer(reply, json, length, referee.ids());
      if (request.stream()) {
        events = r.events();
      } else {
        body = Json.write(r.message());
      }
    }
    referee.record(accepted);
    LOG.debug("#{} POST {} -> 200{}", request.sequence(), request.path(), request.stream() ? " (stream)" : "");
    String requestId = "req_" + request.sequence();
    if (events != null) {
      frames = new ArrayList<>();
      for (SseEvent e : events) {
        frames.add(e.bytes());
      }
    }
    if (frames != null) {
      stream(exchange, streamType, requestIdHeader, requestId, frames, dropStream && fault != null ? fault.events() : -1);
    } else {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set(requestIdHeader, requestId);
      exchange.sendResponseHeaders(200, bytes.length);
      OutputStream out = exchange.getResponseBody();
      if (dropStream) {
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        throw new Dropped();
      }
      out.write(bytes);
      out.close();
    }
  }

  private void stream(
      HttpExchange exchange, String contentType, String requestIdHeader, String requestId, List<byte[]> events, int dropAfter)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.getResponseHeaders().set(requestIdHeader, requestId);
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    int sent = 0;
    for (byte[] e : events) {
      if (dropAfter >= 0 && sent == dropAfter) {
        out.flush();
        throw new Dropped();
      }
      out.write(e);
      out.flush();
      sent++;
    }
    if (dropAfter >= 0) {
      throw new Dropped();
    }
    out.close();
  }

  private void rateLimited(HttpExchange exchange, Endpoint endpoint, RecordedRequest request, Fault fault)
      throws IOException {
    long millis = fault.duration().toMillis();
    long seconds = (millis + 999) / 1000;
    String wait = seconds + "s";
    Rejection r;
    switch (endpoint) {
      case CHAT_COMPLETIONS:
      case RESPONSES:
        r = new Rejection(429, "requests", String.format(Locale.ROOT, ErrorMessages.OpenAi.RATE_LIMITED, wait), null,
            "rate_limit_exceeded");
        break;
      case MESSAGES:
        r = new Rejection(429, "rate_limit_error",
            String.format(Locale.ROOT, ErrorMessages.Anthropic.RATE_LIMITED, wait), null, null);
        break;
      case GEMINI:
        r = new Rejection(429, "RESOURCE_EXHAUSTED", ErrorMessages.Gemini.RATE_LIMITED, null, null);
        break;
      case BEDROCK_CONVERSE:
        r = new Rejection(429, "ThrottlingException", ErrorMessages.Bedrock.RATE_LIMITED, null, null);
        break;
      case MISTRAL:
        r = new Rejection(429, "rate_limited", ErrorMessages.Mistral.RATE_LIMITED, null, null);
        break;
      default:
        r = new Rejection(429, "error", ErrorMessages.Ollama.RATE_LIMITED, null, null);
        break;
    }
    Answer a = errorAnswer(endpoint, r, request);
    Map<String, String> headers = new TreeMap<>(a.headers());
    headers.put("retry-after", Long.toString(seconds));
    headers.put("retry-after-ms", Long.toString(millis));
    finish(exchange, request.answered(429, r.message(), fault), new Answer(429, headers, a.body()));
  }

  private void retrieve(HttpExchange exchange, RecordedRequest request, String id) throws IOException {
    StoredResponse stored = referee.responses().lookup(id);
    if (stored == null) {
      Rejection r = new Rejection(404, "invalid_request_error", ErrorMessages.Responses.responseNotFound(id), null, null);
      finish(exchange, request.answered(404, r.message(), null), errorAnswer(Endpoint.RESPONSES, r, request));
      return;
    }
    Map<String, String> headers = Map.of("Content-Type", "application/json", "x-request-id", "req_" + request.sequence());
    finish(exchange, request.answered(200, null, null), new Answer(200, headers, Json.write(stored.response())));
  }

  private void notFound(HttpExchange exchange, RecordedRequest request) throws IOException {
    boolean anthropic = request.path().startsWith(Endpoint.MESSAGES.path()) || request.header("anthropic-version") != null;
    Rejection r = anthropic
        ? new Rejection(404, "not_found_error", ErrorMessages.Anthropic.NOT_FOUND, null, null)
        : new Rejection(404, "invalid_request_error",
            String.format(Locale.ROOT, ErrorMessages.OpenAi.INVALID_URL, request.method(), request.path()), null, null);
    LOG.warn("#{} {} {} -> 404: the referee serves POST {}, {}, {}, {}, {}, {} and {} (is the client's base URL"
            + " right?)",
        request.sequence(), request.method(), request.path(), Endpoint.CHAT_COMPLETIONS.path(),
        Endpoint.RESPONSES.path(), Endpoint.MESSAGES.path(), Endpoint.GEMINI.path(), Endpoint.BEDROCK_CONVERSE.path(),
        Endpoint.MISTRAL.path(), Endpoint.OLLAMA.path());
    finish(exchange, request.answered(404, r.message(), null),
        errorAnswer(anthropic ? Endpoint.MESSAGES : Endpoint.CHAT_COMPLETIONS, r, request));
  }

  private static Answer errorAnswer(Endpoint endpoint, Rejection r, RecordedRequest request) {
    String requestId = "req_" + request.sequence();
    Map<String, String> headers = Map.of("Content-Type", "application/json", requestIdHeader(endpoint), requestId);
    switch (endpoint) {
      case CHAT_COMPLETIONS:
      case RESPONSES:
        return new Answer(r.status(), headers, Json.write(r.openAiBody()));
      case MESSAGES:
        return new Answer(r.status(), headers, Json.write(r.anthropicBody(requestId)));
      case GEMINI:
        return new Answer(r.status(), headers, Json.write(r.geminiBody()));
      case BEDROCK_CONVERSE:
        return new Answer(r.status(),
            Map.of("Content-Type", "application/json", "x-amzn-RequestId", requestId,
                "x-amzn-ErrorType", r.type() + ":http://internal.amazon.com/coral/com.amazon.bedrock/"),
            Json.write(r.bedrockBody()));
      case MISTRAL:
        return new Answer(r.status(), headers, Json.write(r.mistralBody()));
      default:
        return new Answer(r.status(), headers, Json.write(r.ollamaBody()));
    }
  }

  private static String requestIdHeader(Endpoint endpoint) {
    switch (endpoint) {
      case MESSAGES:
        return "request-id";
      case BEDROCK_CONVERSE:
        return "x-amzn-RequestId";
      default:
        return "x-request-id";
    }
  }

  /** The 400 of a body that is not JSON, in the endpoint's shape. */
  private static Rejection notJson(Endpoint endpoint, String body) {
    switch (endpoint) {
      case CHAT_COMPLETIONS:
      case RESPONSES:
        return Rejection.openAi(ErrorMessages.OpenAi.NOT_JSON, null, null);
      case MESSAGES:
        return Rejection.anthropic(ErrorMessages.Anthropic.NOT_JSON);
      case GEMINI:
        return Rejection.gemini(ErrorMessages.Gemini.NOT_JSON);
      case BEDROCK_CONVERSE:
        return new Rejection(400, "SerializationException", ErrorMessages.Bedrock.NOT_JSON, null, null);
      case MISTRAL:
        return Rejection.mistral(ErrorMessages.Mistral.NOT_JSON);
      default:
        return OllamaRules.notJson(body);
    }
  }

  /** A 500 in the endpoint's shape: the provider's text, or {@code message} when given. */
  private static Rejection serverError(Endpoint endpoint, @Nullable String message) {
    switch (endpoint) {
      case CHAT_COMPLETIONS:
      case RESPONSES:
        return new Rejection(500, "server_error", message != null ? message : ErrorMessages.OpenAi.SERVER_ERROR, null,
            null);
      case MESSAGES:
        return new Rejection(500, "api_error", message != null ? message : ErrorMessages.Anthropic.SERVER_ERROR, null,
            null);
      case GEMINI:
        return new Rejection(500, "INTERNAL", message != null ? message : ErrorMessages.Gemini.SERVER_ERROR, null, null);
      case BEDROCK_CONVERSE:
        return new Rejection(500, "InternalServerException",
            message != null ? message : ErrorMessages.Bedrock.SERVER_ERROR, null, null);
      case MISTRAL:
        return new Rejection(500, "internal_server_error",
            message != null ? message : ErrorMessages.Mistral.SERVER_ERROR, null, null);
      default:
        return new Rejection(500, "error", message != null ? message : ErrorMessages.Ollama.SERVER_ERROR, null, null);
    }
  }

  private static @Nullable String queryParameter(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** Records the request, then sends the answer. */
  private void finish(HttpExchange exchange, RecordedRequest recorded, Answer answer) throws IOException {
    referee.record(recorded);
    if (recorded.errorMessage() != null) {
      LOG.debug("#{} {} {} -> {}: {}", recorded.sequence(), recorded.method(), recorded.path(), answer.status(),
          recorded.errorMessage());
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
