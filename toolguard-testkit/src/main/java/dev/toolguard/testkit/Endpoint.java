package dev.toolguard.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The provider endpoints the referee serves, each with its provider's request and response shapes. */
public enum Endpoint {
  /** OpenAI Chat Completions: {@code POST /v1/chat/completions}. */
  CHAT_COMPLETIONS("/v1/chat/completions"),
  /** OpenAI Responses: {@code POST /v1/responses} (and {@code GET /v1/responses/{id}}). */
  RESPONSES("/v1/responses"),
  /** Anthropic Messages: {@code POST /v1/messages}. */
  MESSAGES("/v1/messages"),
  /**
   * Google Gemini: {@code POST /v1beta/models/{model}:generateContent}, streamed by {@code
   * :streamGenerateContent?alt=sse} ({@code /v1/models/…} is served too).
   */
  GEMINI("/v1beta/models/{model}:generateContent"),
  /**
   * AWS Bedrock Converse: {@code POST /model/{modelId}/converse}, streamed by {@code
   * /model/{modelId}/converse-stream} (AWS event stream framing).
   */
  BEDROCK_CONVERSE("/model/{modelId}/converse"),
  /**
   * Mistral chat completions: the provider's {@code POST /v1/chat/completions} under the referee's
   * {@code /mistral} prefix ({@link ProviderReferee#mistralBaseUrl()}), since OpenAI's has that path.
   */
  MISTRAL("/mistral/v1/chat/completions"),
  /** Ollama chat: {@code POST /api/chat} (NDJSON streaming, on unless {@code "stream": false}). */
  OLLAMA("/api/chat");

  private static final Pattern GEMINI_PATH =
      Pattern.compile("/(?:v1beta|v1)/models/([^/:]+):(generateContent|streamGenerateContent)");
  private static final Pattern BEDROCK_PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /**
   * The request path, e.g. {@code /v1/chat/completions}; a template with {@code {model}} or {@code
   * {modelId}} for Gemini and Bedrock (see {@link ProviderReferee#url(Endpoint, String)}).
   */
  public String path() {
    return path;
  }

  /** The path of this endpoint for {@code model} (the model is part of the path for Gemini and Bedrock). */
  public String path(String model) {
    return path.replace("{model}", model).replace("{modelId}", model);
  }

  /** True for the two OpenAI endpoints (OpenAI error body shape). */
  public boolean isOpenAi() {
    return this == CHAT_COMPLETIONS || this == RESPONSES;
  }

  /** The endpoint whose request path (raw, as sent) is {@code path}, or null. */
  public static @Nullable Endpoint forPath(String path) {
    for (Endpoint e : values()) {
      if (e != GEMINI && e != BEDROCK_CONVERSE && e.path.equals(path)) {
        return e;
      }
    }
    if (GEMINI_PATH.matcher(path).matches()) {
      return GEMINI;
    }
    if (BEDROCK_PATH.matcher(path).matches()) {
      return BEDROCK_CONVERSE;
    }
    return null;
  }

  /** True when the path itself asks for a stream (Gemini {@code :streamGenerateContent}, Bedrock {@code /converse-stream}). */
  static boolean streamingPath(String path) {
    Matcher g = GEMINI_PATH.matcher(path);
    if (g.matches()) {
      return g.group(2).equals("streamGenerateContent");
    }
    Matcher b = BEDROCK_PATH.matcher(path);
    return b.matches() && b.group(2).equals("converse-stream");
  }

  /** The model named in a Gemini or Bedrock path (URL-decoded), or null. */
  static @Nullable String modelInPath(String path) {
    Matcher g = GEMINI_PATH.matcher(path);
    if (g.matches()) {
      return URLDecoder.decode(g.group(1), StandardCharsets.UTF_8);
    }
    Matcher b = BEDROCK_PATH.matcher(path);
    return b.matches() ? URLDecoder.decode(b.group(1), StandardCharsets.UTF_8) : null;
  }
}
