package dev.toolguard.core.internal;

import dev.toolguard.core.Dialect;
import org.jspecify.annotations.Nullable;

/**
 * The rules that check and repair apply beside the invariant, by dialect.
 *
 * @param resultsAfterCall a result may stand anywhere after its call, with other messages between
 *     them (OpenAI Responses: a {@code function_call_output} needs its {@code function_call} before it,
 *     not right before it); without it a result must be in the block right after its call
 * @param userFirst the first message that is not a system message must be the user's (Anthropic,
 *     Bedrock Converse)
 * @param dialect the dialect whose call id rule every renamed or synthesized id obeys, or null
 * @param checkIds call ids must obey the dialect's rule ({@link CallIds#accepts}): Mistral, Bedrock
 * @param callTurnAfterUser a message with calls comes right after a user message or results, never
 *     first nor after another assistant message (Gemini)
 * @param errorResultsHaveText an error result has a non-blank output (Bedrock Converse)
 * @param resultsInCallOrder the results of a turn come in the order of its calls, each naming its
 *     call's tool when it names one (Ollama: matched by order and name)
 */
record Rules(boolean resultsAfterCall, boolean userFirst, @Nullable Dialect dialect, boolean checkIds,
    boolean callTurnAfterUser, boolean errorResultsHaveText, boolean resultsInCallOrder) {

  /** The invariant alone, for a history whose dialect is not known: the strictest adjacency. */
  static final Rules STRICT = new Rules(false, false, null, false, false, false, false);

  private static final Rules CHAT = new Rules(false, false, Dialect.OPENAI_CHAT, false, false, false, false);
  private static final Rules RESPONSES = new Rules(true, false, Dialect.OPENAI_RESPONSES, false, false, false, false);
  private static final Rules ANTHROPIC = new Rules(false, true, Dialect.ANTHROPIC, false, false, false, false);
  private static final Rules GEMINI = new Rules(false, false, Dialect.GEMINI, false, true, false, false);
  private static final Rules BEDROCK = new Rules(false, true, Dialect.BEDROCK_CONVERSE, true, false, true, false);
  private static final Rules MISTRAL = new Rules(false, false, Dialect.MISTRAL, true, false, false, false);
  private static final Rules OLLAMA = new Rules(false, false, Dialect.OLLAMA, false, false, false, true);

  /** The rules of {@code dialect}; {@link #STRICT} for null. */
  static Rules of(@Nullable Dialect dialect) {
    if (dialect == null) {
      return STRICT;
    }
    return switch (dialect) {
      case OPENAI_CHAT -> CHAT;
      case OPENAI_RESPONSES -> RESPONSES;
      case ANTHROPIC -> ANTHROPIC;
      case GEMINI -> GEMINI;
      case BEDROCK_CONVERSE -> BEDROCK;
      case MISTRAL -> MISTRAL;
      case OLLAMA -> OLLAMA;
    };
  }

  /** True when a rule beyond the invariant, user-first and results-after-call applies. */
  boolean extra() {
    return checkIds || callTurnAfterUser || errorResultsHaveText || resultsInCallOrder;
  }
}
