package dev.toolguard.json.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What OpenAI Chat Completions answers for a violation of the pairing, worded as the provider words
 * it for the body at hand: a tool message that stands in the tool messages of an assistant message
 * whose {@code tool_calls} lack its id is "not found in 'tool_calls' of previous message"; one that
 * stands after anything else "must be a response to a preceeding message with 'tool_calls'"; a second
 * tool message for an id in the same block is a "Duplicate value for 'tool_call_id'"; and the calls of
 * a message that are not all answered right after it are listed together, in call order.
 *
 * <p>Made once per body, in one pass; each block is looked at once, when a violation first needs it.
 */
public final class ChatErrors {

  /** Provider text: a tool message that follows no assistant tool calls. */
  static final String TOOL_MESSAGE_WITHOUT_CALL =
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";

  private final List<Message> history;
  private final Encoded written;
  /** For each message, the assistant message whose block of TOOL messages it stands in, or -1. */
  private final int[] owner;
  /** Per block (by its assistant message): the wire index of the first tool message of each id in it. */
  private final Map<Integer, Map<String, Integer>> blocks = new HashMap<>();

  /** The predictor for {@code history} as written in {@code written}. */
  public ChatErrors(List<Message> history, Encoded written) {
    this.history = history;
    this.written = written;
    this.owner = new int[history.size()];
    for (int i = 0; i < owner.length; i++) {
      Message m = history.get(i);
      if (m.role() != Role.TOOL || i == 0) {
        owner[i] = -1;
      } else if (history.get(i - 1).role() == Role.TOOL) {
        owner[i] = owner[i - 1];
      } else {
        owner[i] = history.get(i - 1).role() == Role.ASSISTANT && hasCalls(history.get(i - 1)) ? i - 1 : -1;
      }
    }
  }

  private static boolean hasCalls(Message m) {
    for (Content c : m.contents()) {
      if (c instanceof ToolCall && !((ToolCall) c).informational()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The provider's words for {@code v}, or null to keep the code's own text. {@code callMessage} is
   * the message that holds the call of {@code v}'s id, or -1; {@code path} is where {@code v} is in
   * the body.
   */
  public @Nullable String error(Violation v, int callMessage, String path) {
    int j = v.messageIndex();
    switch (v.code()) {
      case EMPTY_CALL_ID:
        return path.contains(".tool_calls[") ? "Missing required parameter: '" + path + ".id'." : null;
      case MISSING_RESULT:
        return withoutResponses(j);
      case MISPLACED_RESULT:
        if (callMessage >= 0 && callMessage < j && owner[j] != callMessage && !missing(callMessage).isEmpty()) {
          // the provider meets the end of the call's block first, without this result (a result in that
          // very block, a second one for a call answered there, is met before the block ends)
          return withoutResponses(callMessage);
        }
        // before its call (or the answer of a later call that reuses the id): the tool message itself
        return stray(v, j);
      case ORPHAN_RESULT:
      case DUPLICATE_RESULT:
        return stray(v, j);
      case EMPTY_RESULT_ID:
        // a tool_call_id given as "" is met as any id the block's calls lack; an absent one is missing
        return written.body().path("messages").path(wireIndexOf(j, "")).has("tool_call_id") ? stray(v, j) : null;
      case DUPLICATE_CALL_ID:
      case REPEATED_CALL:
        return duplicateCall(v.callId(), j);
      default:
        return null;
    }
  }

  /** "Duplicate value for 'id'": the first call of {@code id} and the one of message {@code j} after it. */
  private @Nullable String duplicateCall(String id, int j) {
    int[] first = null;
    int[] second = null;
    for (int i = 0; i <= j && second == null; i++) {
      List<Content> contents = history.get(i).contents();
      for (int k = 0; k < contents.size(); k++) {
        if (contents.get(k) instanceof ToolCall && !((ToolCall) contents.get(k)).informational()
            && ((ToolCall) contents.get(k)).callId().equals(id)) {
          int[] at = {written.contentIndex(i, k), written.contentSub(i, k)};
          if (first == null) {
            first = at;
          } else if (i == j) {
            second = at;
            break;
          }
        }
      }
    }
    if (first == null || second == null) {
      return null;
    }
    return String.format(Locale.ROOT,
        "Invalid parameter: Duplicate value for 'id' of '%s', in messages[%d].tool_calls[%d] and"
            + " messages[%d].tool_calls[%d].", id, first[0], first[1], second[0], second[1]);
  }

  /** The words for a result at message {@code j} that its block does not take. */
  private String stray(Violation v, int j) {
    int a = owner[j];
    if (a < 0) {
      return TOOL_MESSAGE_WITHOUT_CALL;
    }
    String id = v.callId();
    int wire = wireIndexOf(j, id);
    Integer first = block(a).get(id);
    if (first != null && first < wire) {
      return String.format(Locale.ROOT,
          "Invalid parameter: Duplicate value for 'tool_call_id' of '%s', in messages[%d] and messages[%d].", id, first,
          wire);
    }
    return String.format(Locale.ROOT,
        "Invalid parameter: 'tool_call_id' of '%s' not found in 'tool_calls' of previous message.", id);
  }

  /** The wire index of the tool message at history index {@code j} that answers {@code id}. */
  private int wireIndexOf(int j, String id) {
    List<Content> contents = history.get(j).contents();
    for (int k = 0; k < contents.size(); k++) {
      if (contents.get(k) instanceof ToolResult && ((ToolResult) contents.get(k)).callId().equals(id)) {
        int at = written.contentIndex(j, k);
        return at < 0 ? written.messageIndex(j) : at;
      }
    }
    return written.messageIndex(j);
  }

  /** The wire index of the first tool message of each id in the block of assistant message {@code a}. */
  private Map<String, Integer> block(int a) {
    return blocks.computeIfAbsent(a, x -> {
      Map<String, Integer> first = new HashMap<>();
      for (int j = a + 1; j < history.size() && history.get(j).role() == Role.TOOL; j++) {
        List<Content> contents = history.get(j).contents();
        for (int k = 0; k < contents.size(); k++) {
          String id = ((ToolResult) contents.get(k)).callId();
          int at = written.contentIndex(j, k);
          first.putIfAbsent(id, at < 0 ? written.messageIndex(j) : at);
        }
      }
      return first;
    });
  }

  /** "… did not have response messages: ids", for the calls of message {@code a} not answered in its block. */
  private String withoutResponses(int a) {
    return "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
        + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
        + String.join(", ", missing(a));
  }

  /** The ids of the calls of message {@code a} that its block does not answer, in call order. */
  private List<String> missing(int a) {
    Set<String> answered = new HashSet<>(block(a).keySet());
    LinkedHashSet<String> missing = new LinkedHashSet<>();
    for (Content c : history.get(a).contents()) {
      if (c instanceof ToolCall && !((ToolCall) c).informational() && !((ToolCall) c).callId().isEmpty()
          && !answered.contains(((ToolCall) c).callId())) {
        missing.add(((ToolCall) c).callId());
      }
    }
    return new ArrayList<>(missing);
  }
}
