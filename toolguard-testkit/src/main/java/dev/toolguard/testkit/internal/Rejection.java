package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * A request the referee refuses, and how: HTTP status, message and the fields of the error body.
 *
 * @param status the HTTP status, 400 for a rule
 * @param type the error type ({@code invalid_request_error}, {@code server_error}, …)
 * @param message the message text
 * @param param the OpenAI {@code param} (null for none; unused by Anthropic)
 * @param code the OpenAI {@code code} (null for none; unused by Anthropic)
 */
public record Rejection(int status, String type, String message, @Nullable String param, @Nullable String code) {

  /** A 400 {@code invalid_request_error} in the OpenAI shape. */
  public static Rejection openAi(String message, @Nullable String param, @Nullable String code) {
    return new Rejection(400, "invalid_request_error", message, param, code);
  }

  /** A 400 {@code invalid_request_error} in the Anthropic shape. */
  public static Rejection anthropic(String message) {
    return new Rejection(400, "invalid_request_error", message, null, null);
  }

  /** A 400 {@code INVALID_ARGUMENT} in the Gemini shape. */
  public static Rejection gemini(String message) {
    return new Rejection(400, "INVALID_ARGUMENT", message, null, null);
  }

  /** A 400 {@code ValidationException} in the Bedrock shape. */
  public static Rejection bedrock(String message) {
    return new Rejection(400, "ValidationException", message, null, null);
  }

  /** A 400 {@code invalid_request_error} in the Mistral shape. */
  public static Rejection mistral(String message) {
    return new Rejection(400, "invalid_request_error", message, null, null);
  }

  /** A 400 in the Ollama shape ({@code {"error":…}}). */
  public static Rejection ollama(String message) {
    return new Rejection(400, "error", message, null, null);
  }

  /** {@code {"error":{"code":400,"message","status":"INVALID_ARGUMENT"}}}: Google's error shape. */
  public ObjectNode geminiBody() {
    ObjectNode error = Json.object();
    error.put("code", status);
    error.put("message", message);
    error.put("status", type);
    ObjectNode body = Json.object();
    body.set("error", error);
    return body;
  }

  /** {@code {"message":…}}: AWS's JSON error body (the type travels in {@code x-amzn-ErrorType}). */
  public ObjectNode bedrockBody() {
    ObjectNode body = Json.object();
    body.put("message", message);
    return body;
  }

  /** {@code {"object":"error","message","type","param":null,"code":null}}: Mistral's error shape. */
  public ObjectNode mistralBody() {
    ObjectNode body = Json.object();
    body.put("object", "error");
    body.put("message", message);
    body.put("type", type);
    body.putNull("param");
    body.putNull("code");
    return body;
  }

  /** {@code {"error":…}}: Ollama's error shape. */
  public ObjectNode ollamaBody() {
    ObjectNode body = Json.object();
    body.put("error", message);
    return body;
  }

  /** {@code {"error":{"message","type","param","code"}}}. */
  public ObjectNode openAiBody() {
    ObjectNode error = Json.object();
    error.put("message", message);
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    ObjectNode body = Json.object();
    body.set("error", error);
    return body;
  }

  /** {@code {"type":"error","error":{"type","message"},"request_id"}}. */
  public ObjectNode anthropicBody(String requestId) {
    ObjectNode error = Json.object();
    error.put("type", type);
    error.put("message", message);
    ObjectNode body = Json.object();
    body.put("type", "error");
    body.set("error", error);
    body.put("request_id", requestId);
    return body;
  }
}
