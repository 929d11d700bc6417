package dev.toolguard.json.http;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.json.http.internal.HttpTransport;
import dev.toolguard.json.http.internal.Protocol;
import java.net.URI;

/**
 * A {@link ChatBackend} that talks HTTP to an OpenAI Chat Completions, OpenAI Responses, Anthropic
 * Messages, Google Gemini {@code generateContent}, AWS Bedrock Converse, Mistral chat completions or
 * Ollama {@code /api/chat} endpoint (or a compatible one) through the JDK {@code HttpClient}, so that
 * the function-invoking loop runs without a framework.
 *
 * <pre>{@code
 * ChatBackend backend = HttpChatBackend.openAiChat(HttpBackendConfig.builder()
 *     .apiKey(System.getenv("OPENAI_API_KEY")).model("gpt-4.1-mini").build());
 * FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend).tools(weather).build();
 * }</pre>
 *
 * <p>Each request body is written by the dialect's {@link dev.toolguard.json.WireCodec} (history,
 * the request's tools as the dialect's function tools, configured body fields, then the request's
 * options) and held to the dialect's limits by {@link dev.toolguard.json.WireGuard}. The answer
 * becomes one assistant message read by the same codec, so reasoning items, thinking blocks and
 * every field of the model's calls go back on the next request exactly. OpenAI Responses requests
 * carry the whole history each time (no {@code previous_response_id}).
 *
 * <p>{@link #stream} reads server-sent events (Ollama: one JSON object a line): text reaches the
 * handler as it arrives, on the calling thread; tool call pieces are put together with core's {@link
 * dev.toolguard.core.loop.ToolCallAssembler}. Bedrock's {@code converse-stream} (AWS event-stream
 * framing) is not read: a streamed Bedrock request goes to {@code converse} and its text reaches the
 * handler at once.
 *
 * <p>Gemini and Bedrock take the model in the path ({@code {baseUrl}/models/{model}:generateContent},
 * {@code {baseUrl}/model/{modelId}/converse}): it is the configured model, and a {@code model} option
 * does not change it. Gemini and Ollama answers carry no call ids: each call gets one unique in the
 * conversation, which is never sent (their results are bound by position and name). Bedrock requests
 * are not SigV4-signed: a key is sent as a bearer token (a Bedrock API key); otherwise put a signing
 * proxy in front, or give the signed headers with {@link HttpBackendConfig.Builder#header}.
 *
 * <p>Failures are {@link ProviderException}s with the HTTP status and the provider's message, never a
 * raw {@code IOException}; interruption of the calling thread cancels the exchange and is thrown as a
 * {@link java.util.concurrent.CancellationException} caused by an {@link InterruptedException}, with
 * the interrupt flag set again (so the loop reports the run as cancelled). Nothing is retried.
 *
 * <p>Instances are immutable and thread-safe: one backend serves many loops and conversations.
 */
public final class HttpChatBackend implements ChatBackend {

  /** {@link ChatResponse#metadata()} key: the provider's id of the answer ({@code chatcmpl-…}, {@code resp_…}, {@code msg_…}). */
  public static final String RESPONSE_ID = "id";

  /** {@link ChatResponse#metadata()} key: the model that answered. */
  public static final String MODEL = "model";

  /**
   * {@link ChatResponse#metadata()} key: why the answer ended, in the provider's words: Chat {@code
   * finish_reason} ({@code stop}, {@code tool_calls}, {@code length}), Anthropic {@code stop_reason}
   * ({@code end_turn}, {@code tool_use}, {@code max_tokens}), Responses {@code status} ({@code
   * completed}) or, for an incomplete response, its reason ({@code max_output_tokens}).
   */
  public static final String FINISH_REASON = "finish_reason";

  /** {@link ChatResponse#metadata()} key: the provider's {@code usage} object, as a Jackson {@code ObjectNode}. */
  public static final String USAGE = "usage";

  /** {@link ChatResponse#metadata()} key: the provider's request id header ({@code x-request-id}, {@code request-id}). */
  public static final String REQUEST_ID = "request_id";

  private final Dialect dialect;
  private final HttpBackendConfig config;
  private final HttpTransport transport;

  private HttpChatBackend(Dialect dialect, HttpBackendConfig config) {
    this.dialect = dialect;
    this.config = config;
    this.transport = new HttpTransport(Protocol.of(dialect), config);
  }

  /** A backend for OpenAI Chat Completions ({@code POST {baseUrl}/chat/completions}) and compatible servers. */
  public static HttpChatBackend openAiChat(HttpBackendConfig config) {
    return of(Dialect.OPENAI_CHAT, config);
  }

  /** A backend for OpenAI Responses ({@code POST {baseUrl}/responses}). */
  public static HttpChatBackend openAiResponses(HttpBackendConfig config) {
    return of(Dialect.OPENAI_RESPONSES, config);
  }

  /** A backend for Anthropic Messages ({@code POST {baseUrl}/messages}). */
  public static HttpChatBackend anthropic(HttpBackendConfig config) {
    return of(Dialect.ANTHROPIC, config);
  }

  /**
   * A backend for Google Gemini ({@code POST {baseUrl}/models/{model}:generateContent}, streamed at
   * {@code :streamGenerateContent?alt=sse}; base {@code https://generativelanguage.googleapis.com/v1beta},
   * key in {@code x-goog-api-key}).
   */
  public static HttpChatBackend gemini(HttpBackendConfig config) {
    return of(Dialect.GEMINI, config);
  }

  /** A backend for Mistral chat completions ({@code POST {baseUrl}/chat/completions}, base {@code https://api.mistral.ai/v1}). */
  public static HttpChatBackend mistral(HttpBackendConfig config) {
    return of(Dialect.MISTRAL, config);
  }

  /** A backend for Ollama ({@code POST {baseUrl}/api/chat}, base {@code http://localhost:11434}, NDJSON streaming). */
  public static HttpChatBackend ollama(HttpBackendConfig config) {
    return of(Dialect.OLLAMA, config);
  }

  /**
   * A backend for AWS Bedrock Converse ({@code POST {baseUrl}/model/{modelId}/converse}, base {@code
   * https://bedrock-runtime.us-east-1.amazonaws.com}); requests are not signed (see the class comment).
   */
  public static HttpChatBackend bedrockConverse(HttpBackendConfig config) {
    return of(Dialect.BEDROCK_CONVERSE, config);
  }

  /**
   * A backend for {@code dialect}.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static HttpChatBackend of(Dialect dialect, HttpBackendConfig config) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect is null; give one of " + supported());
    }
    if (config == null) {
      throw new IllegalArgumentException("config is null; build one with HttpBackendConfig.builder()");
    }
    return new HttpChatBackend(dialect, config);
  }

  /** The dialects that have an HTTP backend: all of them. */
  public static java.util.Set<Dialect> supported() {
    return dev.toolguard.json.http.internal.Protocol.SUPPORTED;
  }

  /** The dialect this backend speaks. */
  public Dialect dialect() {
    return dialect;
  }

  /** The configuration. */
  public HttpBackendConfig config() {
    return config;
  }

  /** The URL requests go to. */
  public URI endpoint() {
    return transport.endpoint();
  }

  /**
   * Sends {@code request} and returns the model's answer.
   *
   * @throws ProviderException if the provider answered with an error, or no complete answer arrived
   * @throws java.util.concurrent.CancellationException if the calling thread was interrupted
   * @throws IllegalArgumentException if an option is one the backend sets itself ({@code stream}, the history field)
   * @throws dev.toolguard.json.WireFormatException if the history or a tool schema cannot be written in the dialect
   */
  @Override
  public ChatResponse send(ChatRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request is null");
    }
    return transport.send(request);
  }

  /**
   * Sends {@code request} streaming: text reaches {@code handler} as it arrives, on this thread; the
   * return value is the whole answer. An endpoint that answers in one piece instead is read as such,
   * and its text handed over at once.
   *
   * @throws ProviderException as {@link #send}, and when the stream reports an error or is cut off
   * @throws java.util.concurrent.CancellationException if the calling thread was interrupted
   */
  @Override
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    if (request == null || handler == null) {
      throw new IllegalArgumentException((request == null ? "request" : "handler") + " is null");
    }
    return transport.stream(request, handler);
  }

  @Override
  public String toString() {
    return "HttpChatBackend[" + dialect.id() + " " + endpoint() + ", model " + config.model() + "]";
  }
}
