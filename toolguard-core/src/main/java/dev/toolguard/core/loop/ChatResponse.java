package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import java.util.Map;

/**
 * A model's answer to one {@link ChatRequest}: one assistant message (text, calls, opaque items).
 *
 * @param message the assistant message
 * @param metadata provider attributes of the response (id, finish reason, usage, …)
 */
public record ChatResponse(Message message, Map<String, Object> metadata) {

  /** Validates the components. */
  public ChatResponse {
    if (message == null) {
      throw new InvalidMessageException("ChatResponse.message is null; a backend must answer with a message");
    }
    if (message.role() != Role.ASSISTANT) {
      throw new InvalidMessageException("ChatResponse.message has role " + message.role()
          + "; a model answers with an ASSISTANT message");
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A response of {@code message} without metadata. */
  public static ChatResponse of(Message message) {
    return new ChatResponse(message, Map.of());
  }
}
