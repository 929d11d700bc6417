package dev.toolguard.hosting;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>The endpoint itself is a {@link ResponsesEndpoint}; this class is its JDK HTTP transport.
 */
public final class ResponsesServer implements AutoCloseable {

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final ResponsesEndpoint endpoint;

  private ResponsesServer(Builder b) throws IOException {
    this.endpoint = b.endpoint.build();
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
  public static Builder builder(ChatBackend model, FunctionInvokingLoop.Builder agent) {
    return new Builder(ResponsesEndpoint.builder(model, agent));
  }

  /** {@code http://HOST:PORT/v1}: the base URL OpenAI clients take. */
  public String baseUrl() {
    String path = endpoint.path();
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
        + path.substring(0, path.length() - "/responses".length());
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
      OutputStream[] stream = new OutputStream[1];
      try {
        endpoint.handle(ex.getRequestMethod(), ex.getRequestURI().getPath(),
            ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestBody(), new ResponsesEndpoint.Exchange() {
              @Override
              public void json(int status, String body) throws IOException {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                  out.write(bytes);
                }
              }

              @Override
              public void event(String type, String data) throws IOException {
                if (stream[0] == null) {
                  ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                  ex.getResponseHeaders().set("Cache-Control", "no-cache");
                  ex.sendResponseHeaders(200, 0);
                  stream[0] = ex.getResponseBody();
                }
                stream[0].write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                stream[0].flush();
              }
            });
      } finally {
        if (stream[0] != null) {
          stream[0].close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "ResponsesServer[" + baseUrl() + "]";
  }

  /**
   * Builds and starts a {@link ResponsesServer}: the settings of its {@link ResponsesEndpoint} and of
   * the HTTP server; every setter checks its value at once.
   */
  public static final class Builder {
    private final ResponsesEndpoint.Builder endpoint;
    private String host = "127.0.0.1";
    private int port;
    private int threads = 8;
    private int queue = 64;
    private int backlog = 64;

    private Builder(ResponsesEndpoint.Builder endpoint) {
      this.endpoint = endpoint;
    }

    /** See {@link ResponsesEndpoint.Builder#secret}: required, at least 32 bytes, the same on every instance. */
    public Builder secret(byte[] key) {
      endpoint.secret(key);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#journal}. */
    public Builder journal(CallJournal journal) {
      endpoint.journal(journal);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#conversations}. */
    public Builder conversations(ConversationStore store) {
      endpoint.conversations(store);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#responses}. */
    public Builder responses(ResponseStore store) {
      endpoint.responses(store);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#serverLabel}. */
    public Builder serverLabel(String label) {
      endpoint.serverLabel(label);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#modelName}. */
    public Builder modelName(String name) {
      endpoint.modelName(name);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#basePath} (default {@code /v1}). */
    public Builder basePath(String path) {
      endpoint.basePath(path);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#maxBodyBytes}. */
    public Builder maxBodyBytes(int bytes) {
      endpoint.maxBodyBytes(bytes);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#clock}. */
    public Builder clock(Clock clock) {
      endpoint.clock(clock);
      return this;
    }

    /** See {@link ResponsesEndpoint.Builder#answerLease}. */
    public Builder answerLease(Duration lease) {
      endpoint.answerLease(lease);
      return this;
    }

    /** The address to listen on (default {@code 127.0.0.1}). */
    public Builder host(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("host must not be null or blank");
      }
      this.host = address;
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

    /**
     * Starts the server.
     *
     * @throws IllegalStateException if no secret was set
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public ResponsesServer start() {
      try {
        return new ResponsesServer(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("could not listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
