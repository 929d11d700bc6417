package dev.toolguard.hosting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.hosting.internal.HostedError;
import dev.toolguard.hosting.internal.ResponsesService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guarded agent served over the OpenAI Responses API, on the JDK HTTP server:
 *
 * <ul>
 *   <li>{@code POST /v1/responses} runs the agent's {@link FunctionInvokingLoop} over the request's
 *       {@code input}, continuing the stored conversation of {@code previous_response_id}, or from the
 *       input alone; the Response's {@code output} holds messages, {@code mcp_call} items for the
 *       agent's calls that ran, {@code function_call} items for client-side tools and {@code
 *       mcp_approval_request} items for calls that wait for approval;
 *   <li>With {@code stream: true} the answer is the Responses Server-Sent Events, in order, as the run
 *       goes: {@code response.created}, {@code response.output_item.added/done}, {@code
 *       response.output_text.delta}, …, {@code response.completed}.
 *   <li>{@code GET /v1/responses/{id}} returns a stored response.
 * </ul>
 *
 * <p>The id of a waiting call is a signed token that carries its conversation, call, tool, a digest of
 * its arguments and its expiry, so an {@code mcp_approval_response} (or a {@code function_call_output})
 * resumes it on any instance with no side store; with a shared {@link CallJournal} each answer runs
 * its call once across instances. A forged, expired, foreign or replayed id is a 400 in OpenAI's
 * error shape and nothing runs.
 *
 * <pre>{@code
 * ResponsesServer server = ResponsesServer.builder(backend, FunctionInvokingLoop.builder().tools(refund)
 *         .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build()))
 *     .secret(key).journal(JdbcCallJournal.of(ds)).conversations(JdbcConversationStore.of(ds, HistoryJson.codec()))
 *     .responses(JdbcResponseStore.of(ds).createTable()).port(8080).start();
 * }</pre>
 */
public final class ResponsesServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResponsesServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/v1/responses";

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final ResponsesService service;
  private final int maxBodyBytes;

  private ResponsesServer(Builder b) throws IOException {
    this.service = new ResponsesService(b.model, b.agent, b.journal, b.conversations, b.responses, b.secret, b.serverLabel,
        b.modelName, b.clock);
    this.maxBodyBytes = b.maxBodyBytes;
    AtomicInteger n = new AtomicInteger();
    // bounded: `threads` requests run, `queue` wait; beyond that the accepting thread runs the request
    // itself, so no more connections are taken until one ends
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.queue), r -> {
          Thread t = new Thread(r, "toolguard-hosting-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), b.backlog);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * A builder serving the agent whose model is {@code model} and whose loop settings (tools,
   * client-side tools, config, approval rules, signer, listener) are {@code agent}, made with {@link
   * FunctionInvokingLoop#builder()}; its backend is set to {@code model} (wrapped per streamed request
   * to report each round), its journal and clock to this server's.
   */
  public static Builder builder(dev.toolguard.core.loop.ChatBackend model, FunctionInvokingLoop.Builder agent) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null: pass the ChatBackend the agent talks to");
    }
    if (agent == null) {
      throw new IllegalArgumentException("agent must not be null: pass FunctionInvokingLoop.builder() with the"
          + " agent's tools and config");
    }
    return new Builder(model, agent);
  }

  /** {@code http://HOST:PORT/v1}: the base URL OpenAI clients take. */
  public String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting requests, lets running ones end (up to 1 second) and stops the threads. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try {
        if (path.equals(PATH) || path.equals(PATH + "/")) {
          if (!method.equals("POST")) {
            throw new HostedError(405, "invalid_request_error", null, "method_not_allowed", method + " "
                + PATH + " is not supported; create a response with POST " + PATH);
          }
          JsonNode body = readBody(ex);
          if (service.wantsStream(body)) {
            stream(ex, body);
          } else {
            send(ex, 200, java.util.Objects.requireNonNull(service.create(body, null)));
          }
        } else if (path.startsWith(PATH + "/")) {
          String id = path.substring(PATH.length() + 1);
          if (!method.equals("GET")) {
            throw new HostedError(405, "invalid_request_error", null, "method_not_allowed", method + " " + path
                + " is not supported; read a response with GET " + PATH + "/{id}");
          }
          if (id.isEmpty() || id.contains("/") || id.length() > 64) {
            throw new HostedError(404, "invalid_request_error", null, "response_not_found", "Response with id '"
                + (id.length() > 64 ? id.substring(0, 64) + "…" : id) + "' not found.");
          }
          send(ex, 200, service.get(id));
        } else {
          throw new HostedError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: "
              + method + " " + path + ". This server serves POST " + PATH + " and GET " + PATH + "/{id}");
        }
      } catch (HostedError e) {
        sendError(ex, e);
      } catch (RuntimeException e) {
        LOG.error("the hosted endpoint failed on {} {}", method, path, e);
        sendError(ex, new HostedError(500, "server_error", null, null, "the server failed while handling the"
            + " request (" + e.getClass().getSimpleName() + "); see its log"));
      }
    }
  }

  /** Answers with Server-Sent Events; a refusal before the first event is a plain JSON error. */
  private void stream(HttpExchange ex, JsonNode body) throws IOException {
    OutputStream[] out = new OutputStream[1];
    try {
      service.create(body, (type, data) -> {
        try {
          if (out[0] == null) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            out[0] = ex.getResponseBody();
          }
          out[0].write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
          out[0].flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("the client went away while the response streamed", e);
        }
      });
    } finally {
      if (out[0] != null) {
        out[0].close();
      }
    }
  }

  private JsonNode readBody(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new HostedError(415, "invalid_request_error", null, "unsupported_media_type", "the request body must"
          + " be JSON with Content-Type: application/json, was " + (type == null ? "no Content-Type" : type));
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
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

  private static void sendError(HttpExchange ex, HostedError e) throws IOException {
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
    send(ex, e.status(), body);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public String toString() {
    return "ResponsesServer[" + baseUrl() + "]";
  }

  /** Builds and starts a {@link ResponsesServer}; every setter checks its value at once. */
  public static final class Builder {
    private final dev.toolguard.core.loop.ChatBackend model;
    private final FunctionInvokingLoop.Builder agent;
    private byte @Nullable [] secret;
    private CallJournal journal = CallJournal.inMemory(10_000);
    private ConversationStore conversations = ConversationStore.inMemory();
    private ResponseStore responses = ResponseStore.inMemory(10_000);
    private String serverLabel = "toolguard";
    private String modelName = "toolguard-agent";
    private String host = "127.0.0.1";
    private int port;
    private int threads = 8;
    private int queue = 64;
    private int backlog = 64;
    private int maxBodyBytes = 1 << 20;
    private Clock clock = Clock.systemUTC();

    private Builder(dev.toolguard.core.loop.ChatBackend model, FunctionInvokingLoop.Builder agent) {
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

    /** Where conversations are kept (default in memory); share one between instances. */
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

    /** The address to listen on (default {@code 127.0.0.1}). */
    public Builder host(String address) {
      this.host = requireText("host", address);
      return this;
    }

    /** The port (default 0: any free port). */
    public Builder port(int number) {
      if (number < 0 || number > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + number);
      }
      this.port = number;
      return this;
    }

    /** How many requests run at once (default 8) and how many more wait (default 64). */
    public Builder threads(int running, int waiting) {
      if (running < 1 || waiting < 1) {
        throw new IllegalArgumentException("threads(running, waiting) must both be at least 1, were " + running
            + ", " + waiting);
      }
      this.threads = running;
      this.queue = waiting;
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
     * Starts the server.
     *
     * @throws IllegalStateException if no secret was set
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public ResponsesServer start() {
      if (secret == null) {
        throw new IllegalStateException("no secret: set the key that signs the ids of waiting calls with"
            + " secret(byte[]) (32 bytes or more, the same on every instance)");
      }
      try {
        return new ResponsesServer(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("could not listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
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
