package dev.toolguard.core;

import dev.toolguard.core.internal.CallIds;

/**
 * A provider wire format: it words the error a provider would answer for a violation, and it brings
 * the provider's own rules to {@link HistoryGuard#check(java.util.List, Dialect)} and {@link
 * HistoryGuard#repair(java.util.List, Dialect)} (adjacency, counts, the call id rule).
 *
 * <p>Each dialect has a call id rule ({@link #acceptsCallId}, {@link #callIdRule}); an id that
 * toolguard renames or makes up obeys it. Gemini and Ollama carry no ids on the wire (Gemini's are
 * optional, Ollama has none): results are matched by position and name. Core still gives every call a
 * unique id; a codec that reads a body without ids makes them up from the place of the call (the
 * message and the call's position in it), unique in the body, answers each result by position and tool
 * name, and does not write an id it made up.
 */
public enum Dialect {
  /** OpenAI Chat Completions ({@code /v1/chat/completions}) and compatible endpoints. */
  OPENAI_CHAT("openai-chat"),
  /** OpenAI Responses ({@code /v1/responses}). */
  OPENAI_RESPONSES("openai-responses"),
  /** Anthropic Messages ({@code /v1/messages}). */
  ANTHROPIC("anthropic"),
  /**
   * Google Gemini {@code generateContent} ({@code contents} of {@code parts}, {@code functionCall} and
   * {@code functionResponse} parts; ids optional, matched by position and name). A function response
   * turn comes right after its call turn, with as many response parts as the call turn has calls; a
   * call turn comes right after a user turn or a function response turn (a history may not start with
   * one).
   */
  GEMINI("gemini"),
  /**
   * AWS Bedrock Converse ({@code messages} of {@code toolUse} / {@code toolResult} content blocks): all
   * results of a turn in the next user message, no more results than calls, roles alternate starting
   * with the user, an error {@code toolResult} has content; {@code toolUseId} is 1 to 64 of {@code
   * [a-zA-Z0-9_-]}.
   */
  BEDROCK_CONVERSE("bedrock-converse"),
  /**
   * Mistral chat completions ({@code /v1/chat/completions}, OpenAI-like {@code tool_calls}): as many
   * responses as calls, right after them; call ids are exactly 9 of {@code [a-zA-Z0-9]}.
   */
  MISTRAL("mistral"),
  /**
   * Ollama {@code /api/chat}: {@code tool_calls} without ids, tool messages carrying {@code tool_name};
   * results are matched by order and name, so they come in the order of their calls and name their
   * call's tool.
   */
  OLLAMA("ollama");

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /**
   * The dialect's name on the command line: {@code openai-chat}, {@code openai-responses}, {@code
   * anthropic}, {@code gemini}, {@code bedrock-converse}, {@code mistral}, {@code ollama}.
   */
  public String id() {
    return id;
  }

  /**
   * Whether the provider takes {@code id} as a call id (OpenAI Chat: at most 40 characters; Responses:
   * at most 64; Anthropic: {@code [a-zA-Z0-9_-]+}; Bedrock: 1 to 64 of {@code [a-zA-Z0-9_-]}; Mistral:
   * exactly 9 of {@code [a-zA-Z0-9]}; Gemini and Ollama: any non-empty id, as they match by position).
   */
  public boolean acceptsCallId(String id) {
    return id != null && CallIds.accepts(this, id);
  }

  /** The call id rule of this dialect, in words (for messages). */
  public String callIdRule() {
    return CallIds.rule(this);
  }

  /**
   * The dialect named {@code id}.
   *
   * @throws IllegalArgumentException naming the known dialects if {@code id} is none of them
   */
  public static Dialect fromId(String id) {
    StringBuilder known = new StringBuilder();
    for (Dialect d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
      known.append(known.length() == 0 ? "" : ", ").append(d.id);
    }
    throw new IllegalArgumentException("unknown dialect '" + id + "'; use one of " + known);
  }
}
