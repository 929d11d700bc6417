package dev.toolguard.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import java.util.List;

/**
 * A request body of one dialect, split into the conversation, as a core history, and the rest of
 * the body.
 *
 * <p>The envelope is everything else of the body (model, tools, temperature, system, instructions,
 * previous_response_id, …) in its original order; its history field ({@code messages}, or {@code
 * input} for OpenAI Responses) holds an empty placeholder of the type it had, so that writing puts
 * the history back in place. The record keeps its own copy of the envelope and hands out copies.
 *
 * @param dialect the wire format
 * @param history the conversation in the core model
 * @param envelope the rest of the body
 */
public record WireRequest(Dialect dialect, List<Message> history, ObjectNode envelope) {

  /** Validates and copies the components. */
  public WireRequest {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect is null; give the dialect of the body");
    }
    if (history == null) {
      throw new IllegalArgumentException("history is null; give a list of messages (it may be empty)");
    }
    if (envelope == null) {
      throw new IllegalArgumentException("envelope is null; give the rest of the body (it may be an empty object)");
    }
    history = List.copyOf(history);
    envelope = envelope.deepCopy();
  }

  /** A copy of the rest of the body. */
  @Override
  public ObjectNode envelope() {
    return envelope.deepCopy();
  }

  /** This request with another history and the same dialect and envelope. */
  public WireRequest withHistory(List<Message> newHistory) {
    return new WireRequest(dialect, newHistory, envelope);
  }
}
