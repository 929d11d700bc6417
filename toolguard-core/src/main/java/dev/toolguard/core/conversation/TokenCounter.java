package dev.toolguard.core.conversation;

import dev.toolguard.core.Message;

/**
 * Counts the tokens a message takes in a request, for a {@link TurnWindow#ofTokens token window}. An
 * estimate is enough: the window keeps whole turns and only compares sums with its limit.
 *
 * <p>toolguard-langchain4j adapts LangChain4j's {@code TokenCountEstimator} to this ({@code
 * LangChain4jToolGuard.tokenCounter(estimator)}); any function of a message's text will do, for example
 * {@code m -> tokenizer.encode(m.text()).size() + 4}. Implementations are thread-safe and return 0 or
 * more.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The tokens {@code message} takes, 0 or more. */
  int count(Message message);
}
