package dev.toolguard.json.internal;

import dev.toolguard.core.Dialect;

/** The codec instances, one per dialect. */
public final class Codecs {

  private Codecs() {}

  /** The codec of {@code dialect}. */
  public static DialectCodec of(Dialect dialect) {
    switch (dialect) {
      case OPENAI_CHAT:
        return OpenAiChatCodec.INSTANCE;
      case OPENAI_RESPONSES:
        return OpenAiResponsesCodec.INSTANCE;
      case ANTHROPIC:
        return AnthropicCodec.INSTANCE;
      default:
        throw new IllegalArgumentException("no codec for dialect " + dialect);
    }
  }
}
