package dev.toolguard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.testkit.internal.Json;
import dev.toolguard.testkit.internal.Pieces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A model that writes what no well-behaved model writes: a proxy on 127.0.0.1 in front of a referee that,
 * once armed, replaces in the next answer the arguments of a scripted call ({@link #PLACEHOLDER}) with
 * any text at all — not JSON, an array, a truncated object — in a whole answer, in the argument deltas of
 * a stream (the referee streams arguments in three pieces), and in an Anthropic answer's {@code input}
 * value. Requests still go to the referee, which judges them as ever. The referee only scripts calls
 * whose arguments are a JSON object, so this is how malformed arguments reach a real client.
 *
 * <pre>{@code
 * try (HostileModel hostile = HostileModel.start(referee)) {
 *   hostile.nextArguments("{\"amount\": 5");           // truncated
 *   referee.script().enqueue(Reply.toolCall("pay", HostileModel.PLACEHOLDER), Reply.text("Sorry."));
 *   // point the client at hostile.openAiBaseUrl() (or baseUrl() for Anthropic clients)
 * }
 * }</pre>
 */
public final class HostileModel implements AutoCloseable {

  /** The arguments to script on the referee's call; the proxy replaces them when armed. */
  public static final String PLACEHOLDER = "{\"placeholder\":1}";

  private final ProviderReferee referee;
  private final HttpServer server;
  private final AtomicReference<@Nullable String> armed = new AtomicReference<>();

  private HostileModel(ProviderReferee referee, HttpServer server) {
    this.referee = referee;
    this.server = server;
  }

  /** Starts a proxy on an ephemeral loopback port in front of {@code referee}. */
  public static HostileModel start(ProviderReferee referee) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("could not bind a loopback port for the hostile model", e);
    }
    HostileModel hostile = new HostileModel(referee, server);
    server.createContext("/", hostile::forward);
    server.start();
    return hostile;
  }

  /** The proxy's root URL (as {@link ProviderReferee#baseUrl()}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The base URL OpenAI clients take: {@link #baseUrl()} with {@code /v1}. */
  public String openAiBaseUrl() {
    return baseUrl() + "/v1";
  }

  /** The next answer's placeholder arguments become {@code arguments}, verbatim (null: disarm). */
  public void nextArguments(@Nullable String arguments) {
    armed.set(arguments);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpURLConnection c = (HttpURLConnection) URI.create(referee.baseUrl() + exchange.getRequestURI())
          .toURL().openConnection();
      c.setRequestMethod(exchange.getRequestMethod());
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) {
          c.setRequestProperty(h.getKey(), String.join(",", h.getValue()));
        }
      }
      if (body.length > 0) {
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      String answer;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (status == 200) {
        answer = spoil(answer);
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      String type = c.getContentType();
      exchange.getResponseHeaders().set("Content-Type", type == null ? "application/json" : type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String spoil(String answer) {
    List<String> from = new ArrayList<>(List.of(PLACEHOLDER));
    from.addAll(Pieces.thirds(PLACEHOLDER));
    boolean found = answer.contains(PLACEHOLDER);
    for (String f : from) {
      found |= answer.contains(quote(f));
    }
    String arguments = found ? armed.getAndSet(null) : null;
    if (arguments == null) {
      return answer;
    }
    List<String> to = new ArrayList<>(List.of(arguments));
    List<String> pieces = new ArrayList<>(Pieces.thirds(arguments));
    while (pieces.size() < 3) {
      pieces.add("");
    }
    to.addAll(pieces);
    for (int i = 0; i < from.size(); i++) {
      answer = answer.replace(quote(from.get(i)), quote(to.get(i)));
    }
    // an Anthropic answer carries the input as a JSON value, not as text
    return answer.replace(PLACEHOLDER, arguments);
  }

  /** {@code s} as a JSON string literal, as Jackson writes it. */
  private static String quote(String s) {
    try {
      return Json.mapper().writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the proxy (not the referee). */
  @Override
  public void close() {
    server.stop(0);
  }
}
