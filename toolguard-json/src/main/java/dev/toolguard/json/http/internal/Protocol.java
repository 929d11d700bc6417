package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolCallAssembler;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.WireAction;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireGuard;
import dev.toolguard.json.WireRepair;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.json.http.ProviderException;
import dev.toolguard.json.internal.Codecs;
import dev.toolguard.json.internal.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one dialect's endpoint speaks: its path and headers, the request body (written by the
 * dialect's {@link WireCodec}, then held to the dialect's limits by {@link WireGuard}), the answer
 * and the stream of events, read back into one assistant message through the same codec so that
 * what the model sent goes back on the next request exactly.
 */
public abstract class Protocol {

  static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.http");

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  /** The longest provider error text quoted when the error body is not the provider's JSON. */
  private static final int MAX_QUOTE = 500;

  private final Dialect dialect;
  private final String path;
  private final URI defaultBaseUrl;
  private final String historyField;

  Protocol(Dialect dialect, String path, URI defaultBaseUrl) {
    this.dialect = dialect;
    this.path = path;
    this.defaultBaseUrl = defaultBaseUrl;
    this.historyField = Codecs.of(dialect).historyField();
  }

  /** The dialects that have an HTTP backend. */
  public static final java.util.Set<Dialect> SUPPORTED = java.util.Collections.unmodifiableSet(
      java.util.EnumSet.of(Dialect.OPENAI_CHAT, Dialect.OPENAI_RESPONSES, Dialect.ANTHROPIC, Dialect.GEMINI,
          Dialect.BEDROCK_CONVERSE, Dialect.MISTRAL, Dialect.OLLAMA));

  /** How a streamed answer is framed. */
  public enum Framing {
    /** Server-sent events ({@code text/event-stream}). */
    SSE,
    /** One JSON object a line ({@code application/x-ndjson}, Ollama). */
    NDJSON,
    /**
     * No stream is read: the request goes to the non-streaming endpoint and the whole answer's text is
     * handed over at once (Bedrock, whose {@code converse-stream} is AWS event-stream framed).
     */
    WHOLE
  }

  /** The protocol of {@code dialect}. */
  public static Protocol of(Dialect dialect) {
    switch (dialect) {
      case OPENAI_CHAT:
        return OpenAiChatProtocol.INSTANCE;
      case OPENAI_RESPONSES:
        return OpenAiResponsesProtocol.INSTANCE;
      case ANTHROPIC:
        return AnthropicProtocol.INSTANCE;
      case MISTRAL:
        return OpenAiChatProtocol.MISTRAL;
      case GEMINI:
        return GeminiProtocol.INSTANCE;
      case OLLAMA:
        return OllamaProtocol.INSTANCE;
      case BEDROCK_CONVERSE:
        return BedrockProtocol.INSTANCE;
      default:
        throw new IllegalArgumentException(Codecs.unsupported(dialect, "HTTP backend", SUPPORTED));
    }
  }

  /** The dialect. */
  public final Dialect dialect() {
    return dialect;
  }

  /** The endpoint's path after the base URL: {@code /chat/completions}, {@code /responses}, {@code /messages}. */
  public final String path() {
    return path;
  }

  /**
   * The URL of a request to {@code base} for {@code model}: by default {@code base + path()}; Gemini
   * and Bedrock put the model into the path, and Gemini streams at another one.
   */
  public URI endpoint(URI base, String model, boolean stream) {
    return URI.create(base + path);
  }

  /** How a streamed answer is framed: server-sent events unless the dialect says otherwise. */
  public Framing framing() {
    return Framing.SSE;
  }

  /** True when the body names the model ({@code model}); false where the model is in the path. */
  boolean modelInBody() {
    return true;
  }

  /** Puts the function tools into the body: by default as a top-level {@code tools} array. */
  void putTools(ObjectNode body, ArrayNode tools) {
    body.set("tools", tools);
  }

  /** Says in the body whether the answer is streamed: by default {@code "stream": true} when it is. */
  void putStream(ObjectNode body, boolean stream) {
    if (stream) {
      body.put("stream", true);
    }
  }

  /** The base URL when none is configured. */
  public final URI defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** Sets the key and version headers of the dialect: by default the key as a bearer token (OpenAI). */
  public void authorize(HttpRequest.Builder request, @Nullable String apiKey) {
    if (apiKey != null) {
      request.setHeader("Authorization", "Bearer " + apiKey);
    }
  }

  /** The body field that holds the history, as the dialect's codec names it: {@code messages} or {@code input}. */
  final String historyField() {
    return historyField;
  }

  /** The dialect's definition of a function tool. */
  abstract ObjectNode tool(ToolSpec spec, ObjectNode schema);

  /** Puts what the dialect requires and nobody set (Anthropic's {@code max_tokens}). */
  void defaults(ObjectNode body) {}

  /** True when SYSTEM messages go into a top-level {@code system} field (Anthropic). */
  boolean systemOnTop() {
    return false;
  }

  /** Reads a complete (non-streamed) answer. */
  public abstract ChatResponse answer(JsonNode body, @Nullable String requestId);

  /** A reader of one streamed answer, which passes text to {@code handler} as it arrives. */
  public abstract StreamState stream(StreamHandler handler, @Nullable String requestId);

  /**
   * The common part of a streamed answer: the handler that takes text as it arrives, the request id
   * that errors name, and whether the final event came.
   */
  abstract class Stream implements StreamState {
    final StreamHandler handler;
    final @Nullable String requestId;
    boolean done;

    Stream(StreamHandler handler, @Nullable String requestId) {
      this.handler = handler;
      this.requestId = requestId;
    }

    @Override
    public final boolean done() {
      return done;
    }

    /** The calls the stream assembled, in the order of their indexes. */
    final List<ToolCall> calls(ToolCallAssembler calls) {
      try {
        return calls.calls();
      } catch (InvalidMessageException e) {
        throw malformed(e.getMessage(), requestId, e);
      }
    }

    /** The calls the stream assembled by the index of the block or item they came in ({@code indexes}, ascending). */
    final Map<Integer, ToolCall> callsByIndex(ToolCallAssembler calls, Iterable<Integer> indexes) {
      List<ToolCall> list = calls(calls);
      Map<Integer, ToolCall> assembled = new HashMap<>();
      int k = 0;
      for (int index : indexes) {
        assembled.put(index, list.get(k++));
      }
      return assembled;
    }
  }

  /** The type of a stream event: the data's {@code type}, else the event's name, else empty. */
  static String eventType(JsonNode data, SseParser.Event event) {
    String type = text(data, "type");
    if (type == null) {
      type = event.type() == null ? "" : event.type();
    }
    return type;
  }

  // ---------------------------------------------------------------- the request body

  /**
   * The request body: {@code model}, the history, the tools, the configured body fields, the
   * request's options (which replace fields of the same name), and {@code stream} when streaming.
   *
   * @throws IllegalArgumentException for an option the backend owns ({@code stream}, the history field)
   * @throws WireFormatException if a tool's schema is not a JSON object, or the history cannot be written
   */
  public final String body(ChatRequest request, HttpBackendConfig config, boolean stream) {
    ObjectNode body = Json.object();
    if (modelInBody()) {
      body.put("model", config.model());
    }
    List<Message> history = request.history();
    List<String> system = new ArrayList<>();
    if (systemOnTop()) {
      history = new ArrayList<>(history.size());
      for (Message m : request.history()) {
        if (m.role() == Role.SYSTEM) {
          system.add(systemText(m));
        } else {
          history.add(m);
        }
      }
    }
    body.set(historyField(), Json.array());
    if (!request.tools().isEmpty()) {
      ArrayNode tools = Json.array();
      for (ToolSpec spec : request.tools()) {
        tools.add(tool(spec, schema(spec)));
      }
      putTools(body, tools);
    }
    for (Map.Entry<String, JsonNode> e : config.bodyFields().entrySet()) {
      merge(body, e.getKey(), e.getValue(), "body field");
    }
    for (Map.Entry<String, Object> e : request.options().entrySet()) {
      String key = e.getKey();
      if (key.equals("stream")) {
        throw new IllegalArgumentException("option 'stream' is set by the backend; call the loop's stream(…) to"
            + " stream");
      }
      if (key.equals(historyField())) {
        throw new IllegalArgumentException("option '" + key + "' is where the backend writes the history; it"
            + " cannot be an option");
      }
      merge(body, key, Values.toJson(e.getValue(), "option " + key), "option");
    }
    if (!system.isEmpty()) {
      putSystem(body, String.join("\n\n", system));
    }
    defaults(body);
    putStream(body, stream);
    WireRepair written = GUARD.repair(new WireRequest(dialect(), history, body));
    for (WireAction a : written.actions()) {
      LOG.warn("{} request: {} call {}{}: {} (the history is kept as it is; only the body sent changes)",
          dialect().id(), a.kind(), a.callId(), a.newCallId() == null ? "" : " -> " + a.newCallId(), a.to());
    }
    return written.body();
  }

  /** Sets a field; a {@code tools} array given besides the function tools is put in front of them. */
  private static void merge(ObjectNode body, String key, JsonNode value, String what) {
    JsonNode ours = body.get(key);
    if (key.equals("tools") && ours != null && ours.isArray()) {
      if (!value.isArray()) {
        throw new IllegalArgumentException(what + " 'tools' is " + Json.describe(value) + "; give an array of the"
            + " provider's tool definitions (they are sent before the loop's function tools)");
      }
      ArrayNode merged = ((ArrayNode) value).deepCopy();
      merged.addAll((ArrayNode) ours);
      body.set(key, merged);
      return;
    }
    body.set(key, value.deepCopy());
  }

  private static ObjectNode schema(ToolSpec spec) {
    JsonNode schema;
    try {
      schema = Json.parse(spec.parametersSchema());
    } catch (WireFormatException e) {
      throw new WireFormatException("the parameters schema of tool '" + spec.name() + "' is not JSON: " + e.problem(),
          "tools[" + spec.name() + "].parametersSchema", e);
    }
    if (!schema.isObject()) {
      throw new WireFormatException("the parameters schema of tool '" + spec.name() + "' is " + Json.describe(schema)
          + "; give a JSON schema object such as {\"type\":\"object\",\"properties\":{}}",
          "tools[" + spec.name() + "].parametersSchema");
    }
    return (ObjectNode) schema;
  }

  private static String systemText(Message m) {
    StringBuilder sb = new StringBuilder();
    for (dev.toolguard.core.Content c : m.contents()) {
      if (!(c instanceof dev.toolguard.core.Text)) {
        throw new WireFormatException("a SYSTEM message holds a " + c.getClass().getSimpleName() + "; the "
            + "top-level system prompt of this dialect takes text only", "(system message)");
      }
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(((dev.toolguard.core.Text) c).text());
    }
    return sb.toString();
  }

  /** Puts the SYSTEM messages' text after a configured {@code system} string or blocks. */
  void putSystem(ObjectNode body, String text) {
    putTopLevelSystem(body, text);
  }

  /** Puts the SYSTEM messages' text after a configured {@code system} string or blocks. */
  static void putTopLevelSystem(ObjectNode body, String text) {
    JsonNode configured = body.get("system");
    if (configured == null || configured.isNull()) {
      body.put("system", text);
    } else if (configured.isTextual()) {
      body.put("system", configured.asText() + "\n\n" + text);
    } else if (configured.isArray()) {
      ((ArrayNode) configured).addObject().put("type", "text").put("text", text);
    } else {
      throw new IllegalArgumentException("the configured system field is " + Json.describe(configured)
          + "; give a string or an array of text blocks");
    }
  }

  // ---------------------------------------------------------------- answers

  /**
   * The assistant message of a one-message history body of this dialect ({@code {"messages":[…]}} or
   * {@code {"input":[…]}}), read by the codec so that it carries the templates that write it back
   * exactly; an empty assistant message when the body holds nothing.
   */
  final Message assistant(ObjectNode historyBody, @Nullable String requestId) {
    List<Message> history;
    try {
      history = WireCodec.of(dialect()).read(historyBody).history();
    } catch (WireFormatException e) {
      throw malformed("its message cannot be read: " + e.getMessage(), requestId, e);
    }
    if (history.isEmpty()) {
      return new Message(Role.ASSISTANT, List.of(), Map.of());
    }
    if (history.size() > 1 || history.get(0).role() != Role.ASSISTANT) {
      throw malformed("it is not one assistant message", requestId, null);
    }
    return history.get(0);
  }

  /** The metadata of a response, leaving out what is absent. */
  static Map<String, Object> metadata(@Nullable String id, @Nullable String model, @Nullable String finishReason,
      @Nullable JsonNode usage, @Nullable String requestId) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (id != null) {
      m.put(HttpChatBackend.RESPONSE_ID, id);
    }
    if (model != null) {
      m.put(HttpChatBackend.MODEL, model);
    }
    if (finishReason != null) {
      m.put(HttpChatBackend.FINISH_REASON, finishReason);
    }
    if (usage != null && usage.isObject()) {
      m.put(HttpChatBackend.USAGE, usage.deepCopy());
    }
    if (requestId != null) {
      m.put(HttpChatBackend.REQUEST_ID, requestId);
    }
    return m;
  }

  /** The text field {@code field} of {@code node}, or null. */
  static @Nullable String text(@Nullable JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** Parses a JSON text of the provider's. */
  final JsonNode parse(String text, int status, @Nullable String requestId) {
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw malformed("it is empty", requestId, null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ProviderException(dialect(), status, null, "the answer is not JSON: " + quote(text), requestId, false, e);
    }
  }

  /** An answer that was not what the dialect sends. */
  final ProviderException malformed(String why, @Nullable String requestId, @Nullable Throwable cause) {
    return new ProviderException(dialect(), 200, null, "the answer could not be read: " + why, requestId, false, cause);
  }

  /**
   * The error of an answer with status {@code status}: the provider's message and type or code from
   * an OpenAI ({@code {"error":{"message","type","code"}}}) or Anthropic ({@code
   * {"type":"error","error":{"type","message"}}}) error body, else the body itself, shortened.
   */
  public final ProviderException error(int status, String body, @Nullable String requestId) {
    boolean retryable = status == 408 || status == 409 || status == 429 || status >= 500;
    JsonNode json = null;
    try {
      json = body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      json = null;
    }
    JsonNode error = json == null ? null : json.get("error");
    String message = null;
    String type = null;
    if (error != null && error.isObject()) {
      message = text(error, "message");
      String code = text(error, "code");
      type = code != null ? code : text(error, "type") != null ? text(error, "type") : text(error, "status");
    } else if (error != null && error.isTextual()) {
      message = error.asText();
    } else if (json != null && json.isObject()) {
      message = text(json, "message") != null ? text(json, "message") : text(json, "detail");
      type = text(json, "type");
    }
    if (message == null) {
      message = body.isBlank() ? "(no body)" : quote(body);
    }
    return new ProviderException(dialect(), status, type, message, requestId, retryable, null);
  }

  /** An error reported inside a stream (an {@code error} event, a failed response). */
  final ProviderException streamError(@Nullable JsonNode error, @Nullable String requestId) {
    String message = text(error, "message");
    String code = text(error, "code");
    String type = code != null ? code : text(error, "type");
    boolean retryable = type != null && (type.equals("server_error") || type.equals("api_error")
        || type.equals("overloaded_error") || type.equals("rate_limit_exceeded") || type.equals("rate_limit_error"));
    return new ProviderException(dialect(), 200, type, message == null ? "the stream reported an error" : message,
        requestId, retryable, null);
  }

  static String quote(String text) {
    String one = Json.oneLine(text.strip());
    return one.length() <= MAX_QUOTE ? one : one.substring(0, MAX_QUOTE) + "…";
  }
}
