package dev.toolguard.json.http.internal;

import dev.toolguard.core.loop.ChatResponse;

/** One streamed answer being put together, event by event. Not thread-safe. */
public interface StreamState {

  /**
   * Takes one event; text deltas go to the stream's handler here.
   *
   * @throws dev.toolguard.json.http.ProviderException if the event reports an error or cannot be read
   */
  void event(SseParser.Event event);

  /** True once the stream's final event arrived. */
  boolean done();

  /**
   * True when the answer is complete although the final event did not arrive (an OpenAI-compatible
   * server that ends a Chat stream after the finish reason without {@code [DONE]}).
   */
  default boolean completeWithoutEnd() {
    return false;
  }

  /** The whole answer. */
  ChatResponse finish();
}
