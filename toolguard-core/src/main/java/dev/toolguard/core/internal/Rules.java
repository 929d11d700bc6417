package dev.toolguard.core.internal;

import dev.toolguard.core.Dialect;
import org.jspecify.annotations.Nullable;

/**
 * The rules that check and repair apply beside the invariant, by dialect.
 *
 * @param resultsAfterCall a result may stand anywhere after its call, with other messages between
 *     them (OpenAI Responses: a {@code function_call_output} needs its {@code function_call} before it,
 *     not right before it); without it a result must be in the block right after its call
 * @param userFirst the first message that is not a system message must be the user's (Anthropic)
 */
record Rules(boolean resultsAfterCall, boolean userFirst) {

  /** The invariant alone, for a history whose dialect is not known: the strictest adjacency. */
  static final Rules STRICT = new Rules(false, false);

  private static final Rules RESPONSES = new Rules(true, false);
  private static final Rules ANTHROPIC = new Rules(false, true);

  /** The rules of {@code dialect}; {@link #STRICT} for null. */
  static Rules of(@Nullable Dialect dialect) {
    if (dialect == null) {
      return STRICT;
    }
    return switch (dialect) {
      case OPENAI_CHAT -> STRICT;
      case OPENAI_RESPONSES -> RESPONSES;
      case ANTHROPIC -> ANTHROPIC;
    };
  }
}
