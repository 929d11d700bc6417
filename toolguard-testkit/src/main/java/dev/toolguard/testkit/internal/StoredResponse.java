package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A response the referee keeps (a Responses request with {@code store} not false).
 *
 * @param id the response id, {@code resp_…}
 * @param conversation the conversation state a continuation starts from: the items of the whole chain
 *     up to and including this response's input and output (without replayed orphan outputs)
 * @param response the response object as it was answered
 */
public record StoredResponse(String id, List<JsonNode> conversation, ObjectNode response) {

  /** Copies the list. */
  public StoredResponse {
    conversation = List.copyOf(conversation);
  }
}
