package dev.toolguard.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.testkit.ProviderReferee;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model that writes what no well-behaved model writes: a proxy on loopback in front of the referee
 * that, once armed, replaces in the next answer the arguments a scripted call carries ({@link
 * #PLACEHOLDER}) with any text at all (not JSON, an array, a truncated object). Requests still go to
 * the referee, which judges them as ever. The referee itself only scripts calls whose arguments are
 * a JSON object, so this is how malformed arguments reach a real client.
 */
final class HostileModel implements AutoCloseable {

  /** The arguments to script on the referee's call; the proxy replaces them. */
  static final String PLACEHOLDER = "{\"hostile\":true}";

  private final ProviderReferee referee;
  private final HttpServer server;
  private final AtomicReference<String> armed = new AtomicReference<>();

  HostileModel(ProviderReferee referee) {
    this.referee = referee;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::forward);
    server.start();
  }

  /** The base URL OpenAI clients take. */
  String openAiBaseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The next answer's placeholder arguments become {@code arguments}, verbatim. */
  void nextArguments(String arguments) {
    armed.set(arguments);
  }

  private void forward(HttpExchange exchange) throws IOException {
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
    String quotedPlaceholder = quote(PLACEHOLDER);
    if (status == 200 && answer.contains(quotedPlaceholder)) {
      String arguments = armed.getAndSet(null);
      if (arguments != null) {
        answer = answer.replace(quotedPlaceholder, quote(arguments));
      }
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    String type = c.getContentType();
    exchange.getResponseHeaders().set("Content-Type", type == null ? "application/json" : type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** {@code s} as a JSON string literal. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        sb.append('\\').append(ch);
      } else if (ch < 0x20) {
        sb.append(String.format("\\u%04x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
