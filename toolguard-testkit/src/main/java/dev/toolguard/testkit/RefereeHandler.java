package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.toolguard.testkit.internal.ChatCompletionsRenderer;
import dev.toolguard.testkit.internal.ChatCompletionsRules;
import dev.toolguard.testkit.internal.Json;
import dev.toolguard.testkit.internal.MessagesRenderer;
import dev.toolguard.testkit.internal.MessagesRules;
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
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    Endpoint endpoint = Endpoint.forPath(path);
    if (endpoint == null && path.startsWith(RESPONSES_PREFIX)) {
      endpoint = Endpoint.RESPONSES;
    }
    JsonNode json = body.isEmpty() ? null : Json.parseOrNull(body);
    boolean stream = json != null && json.path("stream").asBoolean(false) && json.get("stream").isBoolean();
    RecordedRequest request = new RecordedRequest(
        seq, endpoint, method, path, headers, body, json, stream, 0, null, null, received);
    try {
      if (endpoint != null && method.equals("POST") && path.equals(endpoint.path())) {
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
          Rejection error = new Rejection(500, endpoint.isOpenAi() ? "server_error" : "api_error",
              endpoint.isOpenAi() ? ErrorMessages.OpenAi.SERVER_ERROR : ErrorMessages.Anthropic.SERVER_ERROR, null, null);
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
      rejection = endpoint.isOpenAi()
          ? Rejection.openAi(ErrorMessages.OpenAi.NOT_JSON, null, null)
          : Rejection.anthropic(ErrorMessages.Anthropic.NOT_JSON);
    } else if (endpoint == Endpoint.CHAT_COMPLETIONS) {
      rejection = ChatCompletionsRules.check(json);
    } else if (endpoint == Endpoint.RESPONSES) {
      outcome = ResponsesRules.check(json, referee.responses().rulesView());
      rejection = outcome.rejection();
    } else {
      rejection = MessagesRules.check(json);
    }
    if (rejection != null || json == null) {
      Rejection r = rejection != null ? rejection : Rejection.openAi(ErrorMessages.OpenAi.NOT_JSON, null, null);
      finish(exchange, request.answered(r.status(), r.message(), fault), errorAnswer(endpoint, r, request));
      return;
    }

    RecordedRequest accepted = request.answered(200, null, fault);
    Reply reply;
    try {
      reply = referee.script().next(accepted);
    } catch (RuntimeException e) {
      String message = "The scripted model failed: " + e;
      Rejection failed = new Rejection(500, endpoint.isOpenAi() ? "server_error" : "api_error", message, null, null);
      finish(exchange, request.answered(500, message, fault), errorAnswer(endpoint, failed, request));
      return;
    }

    long now = Instant.now().getEpochSecond();
    int length = request.body().length();
    String body = null;
    List<SseEvent> events = null;
    String requestIdHeader = endpoint.isOpenAi() ? "x-request-id" : "request-id";
    if (endpoint == Endpoint.CHAT_COMPLETIONS) {
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
    LOG.debug("#{} POST {} -> 200{}", request.sequence(), endpoint.path(), request.stream() ? " (stream)" : "");
    String requestId = "req_" + request.sequence();
    if (events != null) {
      stream(exchange, requestIdHeader, requestId, events, dropStream && fault != null ? fault.events() : -1);
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

  private void stream(HttpExchange exchange, String requestIdHeader, String requestId, List<SseEvent> events, int dropAfter)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.getResponseHeaders().set(requestIdHeader, requestId);
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    int sent = 0;
    for (SseEvent e : events) {
      if (dropAfter >= 0 && sent == dropAfter) {
        out.flush();
        throw new Dropped();
      }
      out.write(e.bytes());
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
    Rejection r = endpoint.isOpenAi()
        ? new Rejection(429, "requests", String.format(Locale.ROOT, ErrorMessages.OpenAi.RATE_LIMITED, wait), null,
            "rate_limit_exceeded")
        : new Rejection(429, "rate_limit_error", String.format(Locale.ROOT, ErrorMessages.Anthropic.RATE_LIMITED, wait),
            null, null);
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
    LOG.warn("#{} {} {} -> 404: the referee serves POST {}, {} and {} (is the client's base URL right?)",
        request.sequence(), request.method(), request.path(), Endpoint.CHAT_COMPLETIONS.path(),
        Endpoint.RESPONSES.path(), Endpoint.MESSAGES.path());
    finish(exchange, request.answered(404, r.message(), null),
        errorAnswer(anthropic ? Endpoint.MESSAGES : Endpoint.CHAT_COMPLETIONS, r, request));
  }

  private static Answer errorAnswer(Endpoint endpoint, Rejection r, RecordedRequest request) {
    String requestId = "req_" + request.sequence();
    if (endpoint.isOpenAi()) {
      return new Answer(r.status(), Map.of("Content-Type", "application/json", "x-request-id", requestId),
          Json.write(r.openAiBody()));
    }
    return new Answer(r.status(), Map.of("Content-Type", "application/json", "request-id", requestId),
        Json.write(r.anthropicBody(requestId)));
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
