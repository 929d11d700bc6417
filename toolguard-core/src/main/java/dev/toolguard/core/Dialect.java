package dev.toolguard.core;

/** A provider wire format, used to word the error a provider would answer for a violation. */
public enum Dialect {
  /** OpenAI Chat Completions ({@code /v1/chat/completions}) and compatible endpoints. */
  OPENAI_CHAT("openai-chat"),
  /** OpenAI Responses ({@code /v1/responses}). */
  OPENAI_RESPONSES("openai-responses"),
  /** Anthropic Messages ({@code /v1/messages}). */
  ANTHROPIC("anthropic");

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /** The dialect's name on the command line: {@code openai-chat}, {@code openai-responses}, {@code anthropic}. */
  public String id() {
    return id;
  }

  /**
   * The dialect named {@code id}.
   *
   * @throws IllegalArgumentException naming the known dialects if {@code id} is none of them
   */
  public static Dialect fromId(String id) {
    for (Dialect d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown dialect '" + id + "'; use one of openai-chat, openai-responses, anthropic");
  }
}
