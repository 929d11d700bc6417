package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import java.util.List;
import java.util.Map;

/**
 * One request to a model: the history to send (valid, without informational contents), the tools
 * to offer, and backend-specific options.
 *
 * @param history the messages, in order
 * @param tools the tools offered to the model
 * @param options options for the backend (model, temperature, …); toolguard does not read them
 */
public record ChatRequest(List<Message> history, List<ToolSpec> tools, Map<String, Object> options) {

  /** Validates and copies the components. */
  public ChatRequest {
    if (history == null) {
      throw new InvalidMessageException("ChatRequest.history is null");
    }
    history = List.copyOf(history);
    tools = tools == null ? List.of() : List.copyOf(tools);
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** A request for {@code history} with no tools and no options. */
  public static ChatRequest of(List<Message> history) {
    return new ChatRequest(history, List.of(), Map.of());
  }
}
