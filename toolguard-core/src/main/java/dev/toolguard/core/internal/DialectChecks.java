package dev.toolguard.core.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of the newer dialects beside the invariant, in one pass over the history ({@link
 * Rules#extra()}): the call id rule (Mistral, Bedrock Converse), a call turn right after a user turn
 * or results (Gemini), an error result with content (Bedrock Converse), and results in the order of
 * their calls, naming their call's tool (Ollama).
 */
final class DialectChecks {

  private DialectChecks() {}

  /** The violations of the extra rules of {@code rules} in {@code history}; empty when none apply or none is broken. */
  static List<Violation> check(List<Message> history, Rules rules) {
    if (!rules.extra()) {
      return List.of();
    }
    List<Violation> out = new ArrayList<>();
    // the last message before i that sends something and is not a system message (Gemini)
    Role previous = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      List<Content> contents = m.contents();
      if (m.role() == Role.ASSISTANT) {
        boolean calls = false;
        for (Content c : contents) {
          if (c instanceof ToolCall call && !call.informational()) {
            calls = true;
            if (rules.checkIds() && !call.callId().isEmpty() && !CallIds.accepts(rules.dialect(), call.callId())) {
              out.add(new Violation(ViolationCode.INVALID_CALL_ID, i, call.callId(),
                  "call id " + call.callId() + " of tool '" + call.name() + "' breaks the " + rules.dialect().id()
                      + " id rule (" + CallIds.rule(rules.dialect()) + ")"));
            }
          }
        }
        if (calls && rules.callTurnAfterUser() && previous != Role.USER && previous != Role.TOOL) {
          out.add(new Violation(ViolationCode.CALL_TURN_NOT_AFTER_USER, i, firstCall(m),
              previous == null
                  ? "the history starts with a turn with calls; the first turn must be the user's"
                  : "a turn with calls follows another assistant turn, not a user turn or results"));
        }
        if (calls && rules.resultsInCallOrder()) {
          checkOrder(history, i, out);
        }
      }
      if (m.role() == Role.TOOL && rules.errorResultsHaveText()) {
        for (Content c : contents) {
          if (c instanceof ToolResult r && r.error() && r.output().isBlank()) {
            out.add(new Violation(ViolationCode.EMPTY_ERROR_RESULT, i, r.callId(),
                "the error result of call " + (r.callId().isEmpty() ? "(without id)" : r.callId())
                    + " has no content"));
          }
        }
      }
      if (m.role() != Role.SYSTEM && sends(m)) {
        previous = m.role();
      }
    }
    return out;
  }

  /** True when {@code m} holds something a provider is sent (or nothing at all: an empty message is sent, and refused). */
  static boolean sends(Message m) {
    if (m.contents().isEmpty()) {
      return true;
    }
    for (Content c : m.contents()) {
      if (!ProviderView.informational(c)) {
        return true;
      }
    }
    return false;
  }

  private static String firstCall(Message m) {
    for (Content c : m.contents()) {
      if (c instanceof ToolCall call && !call.informational()) {
        return call.callId();
      }
    }
    return "";
  }

  /**
   * Ollama: the results in the TOOL messages right after message {@code i} that answer its calls come
   * in call order, and name their call's tool when they name one. Results of other ids (strays, answers
   * of waiting calls) are the invariant's business.
   */
  private static void checkOrder(List<Message> history, int i, List<Violation> out) {
    Map<String, Integer> position = new HashMap<>();
    Map<String, String> tool = new HashMap<>();
    int p = 0;
    for (Content c : history.get(i).contents()) {
      if (c instanceof ToolCall call && !call.informational()) {
        position.putIfAbsent(call.callId(), p++);
        tool.putIfAbsent(call.callId(), call.name());
      }
    }
    int last = -1;
    for (int j = i + 1; j < history.size() && history.get(j).role() == Role.TOOL; j++) {
      for (Content c : history.get(j).contents()) {
        ToolResult r = (ToolResult) c;
        Integer at = r.callId().isEmpty() ? null : position.get(r.callId());
        if (at == null) {
          continue;
        }
        if (at < last) {
          out.add(new Violation(ViolationCode.RESULT_OUT_OF_ORDER, j, r.callId(),
              "the result of call " + r.callId() + " comes after the result of a later call of its turn"));
        }
        last = Math.max(last, at);
        String name = tool.get(r.callId());
        if (r.name() != null && !r.name().equals(name)) {
          out.add(new Violation(ViolationCode.RESULT_NAME_MISMATCH, j, r.callId(),
              "the result of call " + r.callId() + " names tool '" + r.name() + "', its call tool '" + name + "'"));
        }
      }
    }
  }
}
