package dev.toolguard.hosting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.hosting.internal.HostedError;
import dev.toolguard.hosting.internal.RecentConversations;
import dev.toolguard.hosting.internal.ResponsesService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted Responses endpoint without a transport: {@code POST {base}/responses} and {@code GET
 * {base}/responses/{id}} of a guarded agent, answered through an {@link Exchange} that an HTTP server
 * provides. {@link ResponsesServer} serves it on the JDK HTTP server; {@code toolguard-hosting-spring-boot}
 * serves the same endpoint from a Spring MVC controller. Thread-safe: one endpoint serves every request.
 *
 * <pre>{@code
 * ResponsesEndpoint endpoint = ResponsesEndpoint.builder(backend, FunctionInvokingLoop.builder().tools(refund)
 *         .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build()))
 *     .secret(key).journal(JdbcCallJournal.of(ds)).responses(JdbcResponseStore.of(ds).createTable()).build();
 * endpoint.handle("POST", "/v1/responses", "application/json", body, exchange);
 * }</pre>
 */
public final class ResponsesEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(ResponsesEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How an HTTP server answers one request for the endpoint: one {@link #json} answer, or a stream of
   * {@link #event}s (the first one starts the {@code text/event-stream} answer with status 200).
   */
  public interface Exchange {
    /** Answers {@code body} (JSON) with {@code status} and {@code Content-Type: application/json}. */
    void json(int status, String body) throws IOException;

    /**
     * Sends one Server-Sent Event ({@code event: TYPE}, {@code data: DATA}) and flushes it; the first
     * call starts the answer: status 200, {@code Content-Type: text/event-stream}.
     */
    void event(String type, String data) throws IOException;
  }

  private final ResponsesService service;
  private final String path;
  private final int maxBodyBytes;

  private ResponsesEndpoint(Builder b) {
    this.service = new ResponsesService(b.model, b.agent, b.journal, b.conversations, b.responses,
        Objects.requireNonNull(b.secret), b.serverLabel, b.modelName, b.clock, b.answerLease);
    this.path = b.basePath + "/responses";
    this.maxBodyBytes = b.maxBodyBytes;
  }

  /**
   * A builder of the endpoint serving the agent whose model is {@code model} and whose loop settings
   * (tools, client-side tools, config, approval rules, signer, listener) are {@code agent}, made with
   * {@link FunctionInvokingLoop#builder()}; its backend is set to {@code model} (wrapped per streamed
   * request to report each round), its journal and clock to the endpoint's.
   */
  public static Builder builder(ChatBackend model, FunctionInvokingLoop.Builder agent) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null: pass the ChatBackend the agent talks to");
    }
    if (agent == null) {
      throw new IllegalArgumentException("agent must not be null: pass FunctionInvokingLoop.builder() with the"
          + " agent's tools and config");
    }
    return new Builder(model, agent);
  }

  /** The path of {@code POST}, e.g. {@code /v1/responses}; {@code GET} takes {@code PATH/{id}}. */
  public String path() {
    return path;
  }

  /** The largest request body taken, in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Answers one request: {@code method} and {@code requestPath} (without the query) as the client sent
   * them, the {@code Content-Type} header (or null) and the body. Every refusal is answered in
   * OpenAI's error shape with its status; only a failure of the exchange itself is thrown.
   *
   * @throws IOException if the exchange could not be written (the client went away)
   */
  public void handle(String method, String requestPath, @Nullable String contentType, InputStream body,
      Exchange exchange) throws IOException {
    boolean[] streaming = new boolean[1];
    try {
      if (requestPath.equals(path) || requestPath.equals(path + "/")) {
        if (!method.equals("POST")) {
          throw new HostedError(405, "invalid_request_error", null, "method_not_allowed", method + " " + path
              + " is not supported; create a response with POST " + path);
        }
        JsonNode request = readBody(contentType, body);
        if (service.wantsStream(request)) {
          service.create(request, (type, data) -> {
            try {
              streaming[0] = true;
              exchange.event(type, data.toString());
            } catch (IOException e) {
              throw new UncheckedIOException("the client went away while the response streamed", e);
            }
          });
        } else {
          exchange.json(200, Objects.requireNonNull(service.create(request, null)).toString());
        }
      } else if (requestPath.startsWith(path + "/")) {
        String id = requestPath.substring(path.length() + 1);
        if (!method.equals("GET")) {
          throw new HostedError(405, "invalid_request_error", null, "method_not_allowed", method + " " + requestPath
              + " is not supported; read a response with GET " + path + "/{id}");
        }
        if (id.isEmpty() || id.contains("/") || id.length() > 64) {
          throw new HostedError(404, "invalid_request_error", null, "response_not_found", "Response with id '"
              + (id.length() > 64 ? id.substring(0, 64) + "…" : id) + "' not found.");
        }
        exchange.json(200, service.get(id).toString());
      } else {
        throw new HostedError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: "
            + method + " " + requestPath + ". This server serves POST " + path + " and GET " + path + "/{id}");
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (HostedError e) {
      if (streaming[0]) {
        throw new IllegalStateException("a refusal after the stream started must be an error event", e);
      }
      exchange.json(e.status(), errorBody(e));
    } catch (RuntimeException e) {
      LOG.error("the hosted endpoint failed on {} {}", method, requestPath, e);
      if (!streaming[0]) {
        exchange.json(500, errorBody(new HostedError(500, "server_error", null, null, "the server failed while"
            + " handling the request (" + e.getClass().getSimpleName() + "); see its log")));
      }
    }
  }

  private JsonNode readBody(@Nullable String type, InputStream in) throws IOException {
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new HostedError(415, "invalid_request_error", null, "unsupported_media_type", "the request body must"
          + " be JSON with Content-Type: application/json, was " + (type == null ? "no Content-Type" : type));
    }
    byte[] body;
    try (in) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      throw new HostedError(413, "invalid_request_error", null, "request_too_large", "the request body is larger"
          + " than this server takes (" + maxBodyBytes + " bytes); send a shorter input");
    }
    if (body.length == 0) {
      throw HostedError.invalid(null, "invalid_json", "the request body is empty; send a JSON object with 'model'"
          + " and 'input'");
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw HostedError.invalid(null, "invalid_json", "the request body is not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
          + e.getOriginalMessage());
    }
  }

  private static String errorBody(HostedError e) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", e.getMessage());
    error.put("type", e.type());
    if (e.param() == null) {
      error.putNull("param");
    } else {
      error.put("param", e.param());
    }
    if (e.code() == null) {
      error.putNull("code");
    } else {
      error.put("code", e.code());
    }
    return body.toString();
  }

  @Override
  public String toString() {
    return "ResponsesEndpoint[" + path + "]";
  }

  /** Builds a {@link ResponsesEndpoint}; every setter checks its value at once. */
  public static final class Builder {
    private final ChatBackend model;
    private final FunctionInvokingLoop.Builder agent;
    private byte @Nullable [] secret;
    private CallJournal journal = CallJournal.inMemory(10_000);
    private ConversationStore conversations = new RecentConversations(10_000);
    private ResponseStore responses = ResponseStore.inMemory(10_000);
    private String serverLabel = "toolguard";
    private String modelName = "toolguard-agent";
    private String basePath = "/v1";
    private int maxBodyBytes = 1 << 20;
    private Clock clock = Clock.systemUTC();
    private Duration answerLease = Duration.ofMinutes(10);

    private Builder(ChatBackend model, FunctionInvokingLoop.Builder agent) {
      this.model = model;
      this.agent = agent;
    }

    /**
     * The secret that signs the ids of waiting calls (at least 32 bytes; required). Every instance
     * that should resume another's calls needs the same secret.
     */
    public Builder secret(byte[] key) {
      if (key == null || key.length < 32) {
        throw new IllegalArgumentException("secret must have at least 32 bytes, had "
            + (key == null ? "none" : key.length));
      }
      this.secret = key.clone();
      return this;
    }

    /** The claim journal (default in memory); share one (toolguard-jdbc) between instances. */
    public Builder journal(CallJournal journal) {
      this.journal = require("journal", journal);
      return this;
    }

    /**
     * Where the conversation state after each stored response is kept, under the response's id
     * (default the last 10,000 in memory); share one between instances.
     */
    public Builder conversations(ConversationStore store) {
      this.conversations = require("conversations", store);
      return this;
    }

    /** Where responses are kept (default the last 10,000 in memory); share one between instances. */
    public Builder responses(ResponseStore store) {
      this.responses = require("responses", store);
      return this;
    }

    /** The {@code server_label} of approval requests and calls (default {@code toolguard}). */
    public Builder serverLabel(String label) {
      this.serverLabel = requireText("serverLabel", label);
      return this;
    }

    /** The model name answered when a request names none (default {@code toolguard-agent}). */
    public Builder modelName(String name) {
      this.modelName = requireText("modelName", name);
      return this;
    }

    /**
     * The path before {@code /responses} (default {@code /v1}): starts with {@code /}, does not end
     * with one; clients take {@code http://HOST:PORT} + this as their base URL.
     */
    public Builder basePath(String path) {
      if (path == null || !path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))
          || path.contains("{") || path.contains("*") || path.contains("?") || path.contains("//")) {
        throw new IllegalArgumentException("basePath must start with '/' and not end with one (e.g. /v1), with no"
            + " '{', '*', '?' or '//', was " + (path == null ? "null" : "'" + path + "'"));
      }
      this.basePath = path.equals("/") ? "" : path;
      return this;
    }

    /** The largest request body taken, in bytes (default 1 MiB). */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The clock of approval times and response timestamps (default the system clock in UTC). */
    public Builder clock(Clock clock) {
      this.clock = require("clock", clock);
      return this;
    }

    /**
     * How long a request holds the answers it uses before another request may take them over
     * (default 10 minutes): longer than a run of the agent takes. When the instance that holds one
     * dies, the answer can be sent again once this lease ended; until then the answer is refused
     * with 409 {@code call_in_progress}.
     */
    public Builder answerLease(Duration lease) {
      if (lease == null || lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("answerLease must be positive, was " + lease);
      }
      this.answerLease = lease;
      return this;
    }

    /**
     * Builds the endpoint.
     *
     * @throws IllegalStateException if no secret was set
     */
    public ResponsesEndpoint build() {
      if (secret == null) {
        throw new IllegalStateException("no secret: set the key that signs the ids of waiting calls with"
            + " secret(byte[]) (32 bytes or more, the same on every instance)");
      }
      return new ResponsesEndpoint(this);
    }

    private static <T> T require(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }

    private static String requireText(String name, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be null or blank");
      }
      return value;
    }
  }
}
