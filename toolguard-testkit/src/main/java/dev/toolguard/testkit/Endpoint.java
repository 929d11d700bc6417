package dev.toolguard.testkit;

import org.jspecify.annotations.Nullable;

/** The provider endpoints the referee serves, each with its provider's request and response shapes. */
public enum Endpoint {
  /** OpenAI Chat Completions: {@code POST /v1/chat/completions}. */
  CHAT_COMPLETIONS("/v1/chat/completions"),
  /** OpenAI Responses: {@code POST /v1/responses} (and {@code GET /v1/responses/{id}}). */
  RESPONSES("/v1/responses"),
  /** Anthropic Messages: {@code POST /v1/messages}. */
  MESSAGES("/v1/messages");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /** The request path, e.g. {@code /v1/chat/completions}. */
  public String path() {
    return path;
  }

  /** True for the two OpenAI endpoints (OpenAI error body shape), false for Anthropic. */
  public boolean isOpenAi() {
    return this != MESSAGES;
  }

  /** The endpoint whose path is {@code path} exactly, or null. */
  public static @Nullable Endpoint forPath(String path) {
    for (Endpoint e : values()) {
      if (e.path.equals(path)) {
        return e;
      }
    }
    return null;
  }
}
