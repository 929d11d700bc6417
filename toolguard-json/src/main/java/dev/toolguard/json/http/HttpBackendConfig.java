package dev.toolguard.json.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.json.http.internal.Values;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link HttpChatBackend} reaches its endpoint: base URL, API key, model, timeouts, extra
 * headers, extra body fields and, optionally, the {@link HttpClient} to use. Immutable; built by a
 * {@link Builder} that checks every value.
 *
 * <pre>{@code
 * HttpBackendConfig config = HttpBackendConfig.builder()
 *     .apiKey(System.getenv("OPENAI_API_KEY"))
 *     .model("gpt-4.1-mini")
 *     .bodyField("temperature", 0.2)
 *     .build();
 * }</pre>
 */
public final class HttpBackendConfig {

  /** The default connect timeout: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default request timeout: 10 minutes, as the providers' own SDKs. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

  /** Headers the JDK client or the backend sets itself. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

  /** Body fields that have their own setting or belong to the backend. */
  private static final Map<String, String> RESERVED_FIELDS = Map.of(
      "model", "set it with model(…)",
      "stream", "the backend sets it: call stream(…) to stream",
      "messages", "the backend writes the history there",
      "input", "the backend writes the history there");

  private final @Nullable URI baseUrl;
  private final @Nullable String apiKey;
  private final String model;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Map<String, String> headers;
  private final Map<String, JsonNode> bodyFields;
  private final @Nullable HttpClient httpClient;

  private HttpBackendConfig(Builder b, String model) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.model = model;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    b.bodyFields.forEach((k, v) -> fields.put(k, v.deepCopy()));
    this.bodyFields = Collections.unmodifiableMap(fields);
    this.httpClient = b.httpClient;
  }

  /** A builder; {@link Builder#model} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The base URL, up to and including the API version ({@code https://api.openai.com/v1}), without a
   * trailing slash; null for the dialect's default.
   */
  public @Nullable URI baseUrl() {
    return baseUrl;
  }

  /** The API key, or null for an endpoint that takes none. */
  public @Nullable String apiKey() {
    return apiKey;
  }

  /** The model sent with every request (a request's {@code model} option overrides it). */
  public String model() {
    return model;
  }

  /** How long to wait for a connection (used only when the backend makes its own client). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long to wait for a complete answer; when streaming, how long to wait for the answer to start
   * and then for each next line of the stream.
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Extra headers, sent with every request after the backend's own (so they may replace them). */
  public Map<String, String> headers() {
    return headers;
  }

  /** Extra body fields (copies), written into every request body after the backend's own fields. */
  public Map<String, JsonNode> bodyFields() {
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    bodyFields.forEach((k, v) -> copy.put(k, v.deepCopy()));
    return Collections.unmodifiableMap(copy);
  }

  /** The client to send with, or null when the backend makes its own. */
  public @Nullable HttpClient httpClient() {
    return httpClient;
  }

  /** This configuration as a builder, to change a value. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.apiKey = apiKey;
    b.model = model;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.headers.putAll(headers);
    bodyFields.forEach((k, v) -> b.bodyFields.put(k, v.deepCopy()));
    b.httpClient = httpClient;
    return b;
  }

  /** Names the values but never the API key. */
  @Override
  public String toString() {
    return "HttpBackendConfig[baseUrl=" + (baseUrl == null ? "(the dialect's default)" : baseUrl)
        + ", apiKey=" + (apiKey == null ? "none" : "***") + ", model=" + model
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", headers=" + headers.keySet() + ", bodyFields=" + bodyFields.keySet()
        + (httpClient == null ? "" : ", httpClient=given") + "]";
  }

  /** Builds an {@link HttpBackendConfig}; each setter checks its value and says what is wrong. */
  public static final class Builder {
    private @Nullable URI baseUrl;
    private @Nullable String apiKey;
    private @Nullable String model;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, JsonNode> bodyFields = new LinkedHashMap<>();
    private @Nullable HttpClient httpClient;

    private Builder() {}

    /**
     * The base URL up to and including the API version, to which the backend appends {@code
     * /chat/completions}, {@code /responses} or {@code /messages}: {@code https://api.openai.com/v1}
     * and {@code https://api.anthropic.com/v1} (the defaults), or a compatible server's ({@code
     * http://localhost:11434/v1}).
     *
     * @throws IllegalArgumentException if it is not an absolute http or https URL without query or fragment
     */
    public Builder baseUrl(String url) {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("baseUrl is " + (url == null ? "null" : "blank")
            + "; give the URL up to the API version, such as https://api.openai.com/v1, or leave it out for the default");
      }
      URI uri;
      try {
        uri = new URI(url.strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl '" + url + "' is not a URL: " + e.getMessage(), e);
      }
      return baseUrl(uri);
    }

    /**
     * The base URL as a URI.
     *
     * @throws IllegalArgumentException as {@link #baseUrl(String)}
     */
    public Builder baseUrl(URI url) {
      if (url == null) {
        throw new IllegalArgumentException("baseUrl is null; leave it out for the dialect's default");
      }
      String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("baseUrl '" + url + "' is not an http or https URL");
      }
      if (url.getHost() == null || url.getHost().isEmpty()) {
        throw new IllegalArgumentException("baseUrl '" + url + "' has no host");
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException("baseUrl '" + url + "' has a query or a fragment; give the URL up to"
            + " the API version only (the backend appends the endpoint's path)");
      }
      String s = url.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      this.baseUrl = URI.create(s);
      return this;
    }

    /**
     * The API key: sent as {@code Authorization: Bearer …} to OpenAI endpoints and as {@code x-api-key}
     * to Anthropic. Leave it out for an endpoint that takes no key.
     *
     * @throws IllegalArgumentException if it is null or blank (an environment variable that is not set?)
     */
    public Builder apiKey(String key) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("apiKey is " + (key == null ? "null" : "blank")
            + "; is the environment variable set? Leave apiKey out for an endpoint that takes no key");
      }
      if (key.indexOf('\r') >= 0 || key.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("apiKey contains a line break; copy the key without it");
      }
      this.apiKey = key.strip();
      return this;
    }

    /**
     * The model, such as {@code gpt-4.1-mini} or {@code claude-sonnet-4-5}. Required.
     *
     * @throws IllegalArgumentException if it is null or blank
     */
    public Builder model(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("model is " + (name == null ? "null" : "blank")
            + "; give the model's name, such as gpt-4.1-mini");
      }
      this.model = name;
      return this;
    }

    /**
     * How long to wait for a connection (default 10 seconds); used only when the backend makes its
     * own client.
     *
     * @throws IllegalArgumentException if it is null, zero or negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * How long to wait for a complete answer (default 10 minutes); when streaming, for the answer to
     * start and then for each next line.
     *
     * @throws IllegalArgumentException if it is null, zero or negative
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * An extra header for every request ({@code OpenAI-Organization}, {@code anthropic-beta}, a
     * proxy's key, …). It replaces a header of the same name that the backend sets ({@code
     * anthropic-version}, {@code Authorization}).
     *
     * @throws IllegalArgumentException if the name is not a header name, the value has a line break,
     *     or the header is one the HTTP client or the backend must set itself
     */
    public Builder header(String name, String value) {
      if (name == null || name.isBlank() || !name.chars().allMatch(Builder::tokenChar)) {
        throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP header name");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header '" + name + "' is set by the HTTP client or the backend;"
            + " it cannot be configured");
      }
      if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header '" + name + "' has " + (value == null ? "a null value"
            : "a value with a line break"));
      }
      headers.put(name, value);
      return this;
    }

    /**
     * An extra field for every request body ({@code temperature}, {@code max_tokens}, {@code store},
     * {@code reasoning}, {@code tools} of the provider's own, …). The value is a string, number,
     * boolean, null, a Jackson {@code JsonNode}, or a {@code Map<String, ?>} / {@code List<?>} of
     * those. A request's options (the loop's {@code options(…)}) replace a field of the same name.
     *
     * @throws IllegalArgumentException if the name is blank or reserved ({@code model}, {@code stream},
     *     {@code messages}, {@code input}), or the value is of another type
     */
    public Builder bodyField(String name, @Nullable Object value) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a body field name is " + (name == null ? "null" : "blank"));
      }
      String why = RESERVED_FIELDS.get(name);
      if (why != null) {
        throw new IllegalArgumentException("body field '" + name + "' cannot be configured: " + why);
      }
      bodyFields.put(name, Values.toJson(value, name));
      return this;
    }

    /**
     * The client to send with: for a proxy, an executor, TLS settings or an authenticator. Its own
     * connect timeout applies then. By default each backend makes a client of its own.
     *
     * @throws IllegalArgumentException if it is null
     */
    public Builder httpClient(HttpClient client) {
      if (client == null) {
        throw new IllegalArgumentException("httpClient is null; leave it out to let the backend make one");
      }
      this.httpClient = client;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if no model was given
     */
    public HttpBackendConfig build() {
      if (model == null) {
        throw new IllegalArgumentException("no model given; call model(\"…\") with the model's name");
      }
      return new HttpBackendConfig(this, model);
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " is " + d + "; give a positive duration");
      }
      return d;
    }

    private static boolean tokenChar(int c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
  }
}
