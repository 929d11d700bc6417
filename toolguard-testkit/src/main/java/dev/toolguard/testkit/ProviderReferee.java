package dev.toolguard.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.toolguard.testkit.internal.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict provider referee: a real HTTP server on loopback that speaks OpenAI Chat Completions,
 * OpenAI Responses, Anthropic Messages, Google Gemini, AWS Bedrock Converse, Mistral and Ollama (see
 * {@link Endpoint}), checks every request against the providers' tool call rules, answers violations
 * with the provider's own 400, and answers valid requests with a scripted model.
 *
 * <pre>{@code
 * try (ProviderReferee referee = ProviderReferee.start()) {
 *   referee.script().enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
 *   // point a client at referee.openAiBaseUrl() (OpenAI) or referee.baseUrl() (Anthropic SDKs)
 *   assertThat(referee.rejections()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Base URLs: OpenAI clients take {@link #openAiBaseUrl()} ({@code http://127.0.0.1:PORT/v1}) and
 * append {@code /chat/completions} or {@code /responses}; Anthropic SDK clients take {@link #baseUrl()}
 * ({@code http://127.0.0.1:PORT}) and append {@code /v1/messages}; Gemini, Bedrock and Ollama clients
 * take {@link #baseUrl()} too, Mistral clients {@link #mistralBaseUrl()}. Thread-safe: many
 * conversations can run at once.
 */
public final class ProviderReferee implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderReferee.class);

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final String baseUrl;
  private final ScriptedModel script = new ScriptedModel();
  private final Faults faults = new Faults();
  private final StoredResponses responses = new StoredResponses();
  private final Ids ids = new Ids();
  private final AtomicLong sequence = new AtomicLong();
  private final List<RecordedRequest> log = new ArrayList<>();

  private ProviderReferee(Builder b) {
    ThreadFactory threads = new ThreadFactory() {
      private final AtomicInteger n = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r) {
        Thread t = new Thread(r, "toolguard-referee-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      }
    };
    this.executor =
        new ThreadPoolExecutor(b.threads, b.threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    executor.allowCoreThreadTimeOut(true);
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(b.host), b.port), b.backlog);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e);
    }
    server.createContext("/", new RefereeHandler(this));
    server.setExecutor(executor);
    server.start();
    String host = server.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.baseUrl = "http://" + host + ":" + server.getAddress().getPort();
    LOG.debug("toolguard referee listening on {}", baseUrl);
  }

  /** Starts a referee on an ephemeral port of 127.0.0.1. */
  public static ProviderReferee start() {
    return builder().start();
  }

  /** A builder to choose host, port and threads. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's root, {@code http://127.0.0.1:PORT}, without {@code /v1}: for Anthropic SDK clients. */
  public String baseUrl() {
    return baseUrl;
  }

  /** {@link #baseUrl()} + {@code /v1}: the base URL OpenAI clients expect. */
  public String openAiBaseUrl() {
    return baseUrl + "/v1";
  }

  /**
   * The base URL of the Mistral endpoint, {@code http://127.0.0.1:PORT/mistral}: Mistral clients append
   * {@code /v1/chat/completions} (LangChain4j's takes {@code mistralBaseUrl() + "/v1"}).
   */
  public String mistralBaseUrl() {
    return baseUrl + "/mistral";
  }

  /**
   * The full URL of an endpoint, e.g. {@code http://127.0.0.1:PORT/v1/messages}; for Gemini and Bedrock,
   * whose paths name the model, use {@link #url(Endpoint, String)}.
   */
  public String url(Endpoint endpoint) {
    return baseUrl + endpoint.path();
  }

  /**
   * The full URL of an endpoint for a model, e.g. {@code http://127.0.0.1:PORT/v1beta/models/gemini-2.5-flash:generateContent}
   * (the model is part of the path for Gemini and Bedrock; ignored by the others).
   */
  public String url(Endpoint endpoint, String model) {
    return baseUrl + endpoint.path(model);
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The scripted model that answers valid requests. */
  public ScriptedModel script() {
    return script;
  }

  /** The injected faults. */
  public Faults faults() {
    return faults;
  }

  /** The stored Responses API responses and the orphan-output replay switch. */
  public StoredResponses responses() {
    return responses;
  }

  /** Every request received so far, in order of arrival (a snapshot). */
  public List<RecordedRequest> requests() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The requests received so far for one endpoint. */
  public List<RecordedRequest> requests(Endpoint endpoint) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests()) {
      if (r.endpoint() == endpoint) {
        out.add(r);
      }
    }
    return out;
  }

  /** The requests answered with a 400 (rule or shape violations). */
  public List<RecordedRequest> rejections() {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests()) {
      if (r.rejected()) {
        out.add(r);
      }
    }
    return out;
  }

  /** The last request received, or null. */
  public @Nullable RecordedRequest lastRequest() {
    synchronized (log) {
      return log.isEmpty() ? null : log.get(log.size() - 1);
    }
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    synchronized (log) {
      log.clear();
    }
  }

  /**
   * Back to a fresh state: no recorded requests, script, faults or stored responses, replay switch off,
   * id counters from 1 again. For a referee shared by several tests.
   */
  public void reset() {
    clearRequests();
    script.clear();
    faults.clear();
    responses.clear();
    responses.replayOrphanOutputs(false);
    ids.reset();
    sequence.set(0);
  }

  /** Stops the server at once and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.debug("toolguard referee on {} stopped", baseUrl);
  }

  Ids ids() {
    return ids;
  }

  long nextSequence() {
    return sequence.incrementAndGet();
  }

  void record(RecordedRequest request) {
    synchronized (log) {
      log.add(request);
      log.notifyAll();
    }
  }

  /**
   * Waits until at least {@code count} requests are recorded (a delayed answer is recorded when it is
   * sent), woken by each recording: an event, not a poll. True when they are; false when {@code
   * timeout} passed first (a bound for a broken test, not a measurement).
   */
  public boolean awaitRequests(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (log) {
      while (log.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(log, left);
      }
      return true;
    }
  }

  /** Configuration of a referee; {@link #start()} starts it. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private int threads = 32;
    private int backlog = 512;

    private Builder() {}

    /** The address to listen on; {@code 127.0.0.1} by default. */
    public Builder host(String address) {
      this.host = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port; 0 (the default) for an ephemeral one. */
    public Builder port(int number) {
      if (number < 0 || number > 65535) {
        throw new IllegalArgumentException("port out of range: " + number);
      }
      this.port = number;
      return this;
    }

    /** The number of threads that answer requests (a fixed pool); 32 by default. */
    public Builder threads(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.threads = count;
      return this;
    }

    /** The listen backlog (pending connections); 512 by default. */
    public Builder backlog(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("backlog must be at least 1");
      }
      this.backlog = size;
      return this;
    }

    /** Starts the referee. */
    public ProviderReferee start() {
      return new ProviderReferee(this);
    }
  }
}
