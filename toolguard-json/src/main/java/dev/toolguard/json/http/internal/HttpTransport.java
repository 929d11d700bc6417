package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.ProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests of one protocol to one endpoint over the JDK {@link HttpClient}, on the caller's
 * thread: the request timeout bounds the wait, interruption cancels the exchange, and every failure
 * becomes a {@link ProviderException} (or a {@link CancellationException} for interruption).
 */
public final class HttpTransport {

  /** The most of an error body kept when streaming. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final Protocol protocol;
  private final HttpBackendConfig config;
  private final HttpClient client;
  private final URI endpoint;
  private final URI streamEndpoint;

  /** A transport for {@code protocol} as {@code config} says. */
  public HttpTransport(Protocol protocol, HttpBackendConfig config) {
    this.protocol = protocol;
    this.config = config;
    HttpClient given = config.httpClient();
    this.client = given != null ? given
        : HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    URI base = config.baseUrl() != null ? config.baseUrl() : protocol.defaultBaseUrl();
    this.endpoint = protocol.endpoint(base, config.model(), false);
    this.streamEndpoint = protocol.endpoint(base, config.model(), true);
  }

  /** The URL requests go to. */
  public URI endpoint() {
    return endpoint;
  }

  /** Sends {@code request} and reads the whole answer. */
  public ChatResponse send(ChatRequest request) {
    return send(request, null);
  }

  /** Sends {@code request} to the non-streaming endpoint; the answer's text goes to {@code handler} at once. */
  private ChatResponse send(ChatRequest request, @Nullable StreamHandler handler) {
    String body = protocol.body(request, config, false);
    checkNotInterrupted();
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(build(body, false), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response = future.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw interrupted(e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut("no complete answer within " + config.requestTimeout().toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw failed(e.getCause() == null ? e : e.getCause());
    }
    String requestId = requestId(response.headers());
    int status = response.statusCode();
    Protocol.LOG.debug("POST {} -> {} in {} ms (request {})", endpoint, status,
        (System.nanoTime() - start) / 1_000_000, requestId);
    if (status < 200 || status > 299) {
      throw protocol.error(status, response.body(), requestId);
    }
    JsonNode json = protocol.parse(response.body(), status, requestId);
    ChatResponse answer = protocol.answer(json, requestId);
    if (handler != null && !answer.message().text().isEmpty()) {
      handler.onText(answer.message().text());
    }
    return answer;
  }

  /** Sends {@code request} streaming; text reaches {@code handler} on this thread as it arrives. */
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    Protocol.Framing framing = protocol.framing();
    if (framing == Protocol.Framing.WHOLE) {
      return send(request, handler);
    }
    String body = protocol.body(request, config, true);
    checkNotInterrupted();
    long start = System.nanoTime();
    long timeout = config.requestTimeout().toNanos();
    LineQueue lines = new LineQueue();
    CompletableFuture<HttpResponse<Void>> future = client.sendAsync(build(body, true, framing), lines);
    future.whenComplete((r, t) -> {
      if (t != null) {
        lines.fail(t);
      }
    });
    try {
      Object first = lines.next(timeout);
      if (first == null) {
        throw timedOut("no answer within " + config.requestTimeout().toMillis() + " ms", null);
      }
      if (first instanceof LineQueue.Failure) {
        throw failed(unwrap(((LineQueue.Failure) first).error()));
      }
      HttpResponse.ResponseInfo info = (HttpResponse.ResponseInfo) first;
      int status = info.statusCode();
      String requestId = requestId(info.headers());
      Protocol.LOG.debug("POST {} -> {} (stream) after {} ms (request {})", streamEndpoint, status,
          (System.nanoTime() - start) / 1_000_000, requestId);
      if (status < 200 || status > 299) {
        throw protocol.error(status, rest(lines, timeout, status, requestId), requestId);
      }
      String type = info.headers().firstValue("content-type").orElse("");
      boolean ndjson = framing == Protocol.Framing.NDJSON;
      if (!type.toLowerCase(java.util.Locale.ROOT).contains(ndjson ? "ndjson" : "text/event-stream")) {
        // the endpoint answered in one piece: read it as such and hand the text over at once
        ChatResponse whole = protocol.answer(protocol.parse(rest(lines, timeout, status, requestId), status, requestId),
            requestId);
        String text = whole.message().text();
        if (!text.isEmpty()) {
          handler.onText(text);
        }
        return whole;
      }
      StreamState state = protocol.stream(handler, requestId);
      SseParser sse = new SseParser();
      while (!state.done()) {
        Object item = lines.next(timeout);
        if (item == null) {
          throw new ProviderException(protocol.dialect(), status, null, "the stream sent nothing for "
              + config.requestTimeout().toMillis() + " ms; it was given up", requestId, true, null);
        }
        if (item == LineQueue.END) {
          if (state.completeWithoutEnd()) {
            break;
          }
          throw new ProviderException(protocol.dialect(), status, null, "the stream ended before the answer was"
              + " complete (no final event)", requestId, true, null);
        }
        if (item instanceof LineQueue.Failure) {
          Throwable error = unwrap(((LineQueue.Failure) item).error());
          if (Thread.currentThread().isInterrupted()) {
            throw interrupted(new InterruptedException("interrupted while the stream was read"));
          }
          throw new ProviderException(protocol.dialect(), status, null, "the stream was cut off before the answer"
              + " was complete: " + describe(error), requestId, true, error);
        }
        String line = (String) item;
        if (ndjson && line.isBlank()) {
          continue;
        }
        SseParser.Event event = ndjson ? new SseParser.Event(null, line) : sse.line(line);
        if (event != null) {
          state.event(event);
        }
      }
      return state.finish();
    } catch (InterruptedException e) {
      throw interrupted(e);
    } finally {
      lines.cancel();
      if (!future.isDone()) {
        future.cancel(true);
      }
    }
  }

  /** The rest of the body as text, for an error or a body that is not a stream. */
  private String rest(LineQueue lines, long timeout, int status, @Nullable String requestId)
      throws InterruptedException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      Object item = lines.next(timeout);
      if (item == null) {
        throw new ProviderException(protocol.dialect(), status, null, "the answer's body did not arrive within "
            + config.requestTimeout().toMillis() + " ms", requestId, true, null);
      }
      if (item == LineQueue.END) {
        return sb.toString();
      }
      if (item instanceof LineQueue.Failure) {
        Throwable error = unwrap(((LineQueue.Failure) item).error());
        throw new ProviderException(protocol.dialect(), status, null, "the answer was cut off: " + describe(error),
            requestId, true, error);
      }
      if (sb.length() < MAX_ERROR_BODY) {
        sb.append((String) item).append('\n');
      }
    }
  }

  private HttpRequest build(String body, boolean stream) {
    return build(body, stream, Protocol.Framing.SSE);
  }

  private HttpRequest build(String body, boolean stream, Protocol.Framing framing) {
    URI to = stream ? streamEndpoint : endpoint;
    HttpRequest.Builder b = HttpRequest.newBuilder(to)
        .header("Content-Type", "application/json")
        .header("Accept", !stream ? "application/json"
            : framing == Protocol.Framing.NDJSON ? "application/x-ndjson" : "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if ("http".equalsIgnoreCase(to.getScheme())) {
      b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade: plain-HTTP servers often mishandle it
    }
    protocol.authorize(b, config.apiKey());
    config.headers().forEach(b::setHeader);
    return b.build();
  }

  private static @Nullable String requestId(HttpHeaders headers) {
    return headers.firstValue("x-request-id").or(() -> headers.firstValue("request-id"))
        .or(() -> headers.firstValue("x-amzn-requestid")).orElse(null);
  }

  private void checkNotInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(new InterruptedException("the thread was interrupted before the request was sent"));
    }
  }

  private CancellationException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    CancellationException c = new CancellationException("the " + protocol.dialect().id() + " request to " + endpoint
        + " was interrupted; the thread's interrupt flag is set again");
    c.initCause(e);
    return c;
  }

  private ProviderException timedOut(String what, @Nullable Throwable cause) {
    return new ProviderException(protocol.dialect(), 0, null, what + " from " + endpoint, null, true, cause);
  }

  private RuntimeException failed(Throwable error) {
    if (error instanceof HttpConnectTimeoutException) {
      return timedOut("no connection within the connect timeout", error);
    }
    if (error instanceof HttpTimeoutException) {
      return timedOut("no answer within the timeout", error);
    }
    if (error instanceof InterruptedException) {
      return interrupted((InterruptedException) error);
    }
    if (error instanceof ConnectException) {
      return new ProviderException(protocol.dialect(), 0, null, "could not connect to " + endpoint + ": "
          + describe(error), null, true, error);
    }
    if (error instanceof IOException) {
      return new ProviderException(protocol.dialect(), 0, null, "the exchange with " + endpoint + " failed: "
          + describe(error), null, true, error);
    }
    if (error instanceof CancellationException) {
      return new ProviderException(protocol.dialect(), 0, null, "the exchange with " + endpoint + " was cancelled",
          null, true, error);
    }
    return new ProviderException(protocol.dialect(), 0, null, "the HTTP client failed: " + describe(error), null,
        false, error);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof java.util.concurrent.CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }
}
