package dev.toolguard.json.internal;

import dev.toolguard.core.Dialect;

/** The codec instances, one per dialect. */
public final class Codecs {

  private Codecs() {}

  /** The dialects that have a codec, in declaration order. */
  public static final java.util.Set<Dialect> SUPPORTED = java.util.Collections.unmodifiableSet(
      java.util.EnumSet.of(Dialect.OPENAI_CHAT, Dialect.OPENAI_RESPONSES, Dialect.ANTHROPIC, Dialect.GEMINI,
          Dialect.BEDROCK_CONVERSE, Dialect.MISTRAL, Dialect.OLLAMA));

  /**
   * The codec of {@code dialect}.
   *
   * @throws IllegalArgumentException naming the dialect and the dialects that have a codec, when it has none
   */
  public static DialectCodec of(Dialect dialect) {
    switch (dialect) {
      case OPENAI_CHAT:
        return OpenAiChatCodec.INSTANCE;
      case OPENAI_RESPONSES:
        return OpenAiResponsesCodec.INSTANCE;
      case ANTHROPIC:
        return AnthropicCodec.INSTANCE;
      case GEMINI:
        return GeminiCodec.INSTANCE;
      case BEDROCK_CONVERSE:
        return BedrockCodec.INSTANCE;
      case MISTRAL:
        return OpenAiChatCodec.MISTRAL;
      case OLLAMA:
        return OpenAiChatCodec.OLLAMA;
      default:
        throw new IllegalArgumentException(unsupported(dialect, "codec"));
    }
  }

  /** The message for a dialect that has no {@code what} in toolguard-json. */
  public static String unsupported(Dialect dialect, String what) {
    return unsupported(dialect, what, SUPPORTED);
  }

  /** The message for a dialect that has no {@code what} in toolguard-json, which {@code supported} have. */
  public static String unsupported(Dialect dialect, String what, java.util.Set<Dialect> supported) {
    StringBuilder ids = new StringBuilder();
    for (Dialect d : supported) {
      ids.append(ids.length() == 0 ? "" : ", ").append(d.id());
    }
    return "toolguard-json has no " + what + " for dialect " + dialect.id() + " yet (core checks and repairs its"
        + " histories: HistoryGuard.check/repair(history, Dialect." + dialect.name() + ")); it has one for " + ids;
  }
}
