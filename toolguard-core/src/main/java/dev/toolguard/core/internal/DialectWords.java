package dev.toolguard.core.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The words the providers of the newer dialects answer for the violations of a history, as they meet
 * the faults in the body a codec writes for it in the dialect's plain shape (system messages in {@code
 * systemInstruction} / {@code system}, what is never sent left out).
 *
 * <ul>
 *   <li>Gemini: one content per message, the results of a turn in one function response turn. A
 *       result in a turn that does not directly follow a call turn: "function response turn comes
 *       immediately after a function call turn"; a call turn answered by fewer or more parts: "the number
 *       of function response parts"; a call turn after a model turn or first: "function call turn comes
 *       immediately after a user turn".
 *   <li>Bedrock Converse: consecutive messages of one role in one message ({@code user} for user and
 *       tool messages), as the roles must alternate. The unanswered ids of an assistant message are listed
 *       together at the next message ({@code Expected toolResult blocks at messages.N.content for the
 *       following Ids: …}); a user message with more results than the assistant message before it has
 *       calls: {@code The number of toolResult blocks at messages.N.content exceeds …}; an id that breaks
 *       the rule in AWS's validation format (1-based member indexes).
 *   <li>Mistral and Ollama: the code's words (Mistral's are the same for every body; Ollama answers no
 *       400 for these).
 * </ul>
 */
final class DialectWords {

  private DialectWords() {}

  /** True for the dialects worded here. */
  static boolean covers(Dialect dialect) {
    return dialect == Dialect.GEMINI || dialect == Dialect.BEDROCK_CONVERSE || dialect == Dialect.MISTRAL
        || dialect == Dialect.OLLAMA;
  }

  static List<Violation> word(List<Message> history, Dialect dialect, List<Violation> violations) {
    Wire wire = new Wire(history, dialect);
    List<Violation> out = new ArrayList<>(violations.size());
    for (Violation v : violations) {
      String words = switch (dialect) {
        case GEMINI -> gemini(v, wire);
        case BEDROCK_CONVERSE -> bedrock(v, history, wire);
        default -> null;
      };
      if (words == null) {
        words = v.code().providerError(dialect, v.callId(), v.messageIndex());
      }
      out.add(words.isEmpty() ? v : v.withBodyError(dialect, words));
    }
    return List.copyOf(out);
  }

  /** The plain body: the wire message of each message, and each wire message's calls and results. */
  private static final class Wire {
    /** For each message of the history, its wire message, or -1 when it is not sent. */
    final int[] of;
    /** For each message and content, its block index in its wire message, or -1. */
    final List<int[]> blocks = new ArrayList<>();
    final List<String> roles = new ArrayList<>();
    final List<List<String>> calls = new ArrayList<>();
    final List<List<String>> results = new ArrayList<>();
    /** The wire message of the first call of each id. */
    final java.util.Map<String, Integer> firstCall = new java.util.HashMap<>();

    Wire(List<Message> history, Dialect dialect) {
      of = new int[history.size()];
      int[] next = {0};
      for (int i = 0; i < history.size(); i++) {
        Message m = history.get(i);
        int[] b = new int[m.contents().size()];
        java.util.Arrays.fill(b, -1);
        blocks.add(b);
        of[i] = -1;
        if (m.role() == Role.SYSTEM || !DialectChecks.sends(m)) {
          continue;
        }
        String role = switch (m.role()) {
          case ASSISTANT -> "assistant";
          case TOOL -> dialect == Dialect.GEMINI ? "function" : "user";
          default -> "user";
        };
        boolean join = !roles.isEmpty() && roles.get(roles.size() - 1).equals(role)
            && (dialect == Dialect.BEDROCK_CONVERSE || role.equals("function"));
        if (!join) {
          roles.add(role);
          calls.add(new ArrayList<>());
          results.add(new ArrayList<>());
          next[0] = 0;
        }
        int w = roles.size() - 1;
        of[i] = w;
        for (int k = 0; k < m.contents().size(); k++) {
          Content c = m.contents().get(k);
          if (ProviderView.informational(c)) {
            continue;
          }
          b[k] = next[0]++;
          if (c instanceof ToolCall call) {
            calls.get(w).add(call.callId());
            firstCall.putIfAbsent(call.callId(), w);
          } else if (c instanceof ToolResult r) {
            results.get(w).add(r.callId());
          }
        }
      }
    }

    boolean callTurn(int w) {
      return w >= 0 && w < roles.size() && roles.get(w).equals("assistant") && !calls.get(w).isEmpty();
    }

    /** The ids of wire message {@code w}'s calls that wire message {@code w + 1} does not answer, in order. */
    List<String> unanswered(int w) {
      Set<String> answered = w + 1 < results.size() ? new HashSet<>(results.get(w + 1)) : Set.of();
      LinkedHashSet<String> missing = new LinkedHashSet<>();
      for (String id : calls.get(w)) {
        if (!answered.contains(id)) {
          missing.add(id);
        }
      }
      return new ArrayList<>(missing);
    }
  }

  /** The position of the call (or, with {@code result}, the last result) of {@code id} in message {@code i}, or -1. */
  private static int content(List<Message> history, int i, String id, boolean result) {
    List<Content> contents = history.get(i).contents();
    int found = -1;
    for (int k = 0; k < contents.size(); k++) {
      Content c = contents.get(k);
      if (result ? c instanceof ToolResult r && r.callId().equals(id)
          : c instanceof ToolCall call && !call.informational() && call.callId().equals(id)) {
        found = k;
        if (!result) {
          return k;
        }
      }
    }
    return found;
  }


  // ---------------------------------------------------------------- Gemini

  private static @Nullable String gemini(Violation v, Wire wire) {
    int w = wire.of[v.messageIndex()];
    switch (v.code()) {
      case MISPLACED_RESULT:
      case ORPHAN_RESULT:
      case DUPLICATE_RESULT:
      case EMPTY_RESULT_ID:
        // the code's words are Gemini's, which are the same for every body
        return (wire.callTurn(w - 1) ? ViolationCode.MISSING_RESULT : ViolationCode.MISPLACED_RESULT)
            .providerError(Dialect.GEMINI, v.callId(), v.messageIndex());
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------- Bedrock Converse

  private static @Nullable String bedrock(Violation v, List<Message> history, Wire wire) {
    int i = v.messageIndex();
    int w = wire.of[i];
    String id = v.callId();
    switch (v.code()) {
      case MISSING_RESULT:
        return w < 0 ? null : expected(wire, w, id);
      case MISPLACED_RESULT: {
        int c = wire.firstCall.getOrDefault(id, -1);
        if (c >= 0 && wire.unanswered(c).contains(id)) {
          return expected(wire, c, id);
        }
        return w < 0 ? null : exceeds(w);
      }
      case ORPHAN_RESULT:
      case DUPLICATE_RESULT:
      case EMPTY_RESULT_ID: {
        if (w < 0) {
          return null;
        }
        int uses = wire.callTurn(w - 1) ? wire.calls.get(w - 1).size() : 0;
        if (wire.results.get(w).size() <= uses && uses > 0 && !wire.unanswered(w - 1).isEmpty()) {
          return expected(wire, w - 1, id);
        }
        return exceeds(w);
      }
      case EMPTY_CALL_ID:
      case INVALID_CALL_ID: {
        int k = content(history, i, id, false);
        if (w < 0 || k < 0) {
          return null;
        }
        String constraint = id.isEmpty() ? "Member must have length greater than or equal to 1"
            : id.length() > CallIds.BEDROCK_MAX ? "Member must have length less than or equal to " + CallIds.BEDROCK_MAX
            : "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+";
        return "1 validation error detected: Value '" + id + "' at 'messages." + (w + 1) + ".member.content."
            + (wire.blocks.get(i)[k] + 1) + ".member.toolUse.toolUseId' failed to satisfy constraint: " + constraint;
      }
      case EMPTY_ERROR_RESULT: {
        int k = content(history, i, id, true);
        if (w < 0 || k < 0) {
          return null;
        }
        return "The content field at messages." + w + ".content." + wire.blocks.get(i)[k]
            + ".toolResult cannot be empty when status value is error.";
      }
      case EMPTY_MESSAGE:
        return w < 0 ? null : "The content field in the Message object at messages." + w
            + " is empty. Add a ContentBlock object to the content field and try again.";
      default:
        return null;
    }
  }

  private static String expected(Wire wire, int w, String id) {
    List<String> missing = wire.unanswered(w);
    if (missing.isEmpty()) {
      missing = List.of(id);
    }
    return "Expected toolResult blocks at messages." + (w + 1) + ".content for the following Ids: "
        + String.join(", ", missing);
  }

  private static String exceeds(int w) {
    return "The number of toolResult blocks at messages." + w + ".content exceeds the number of toolUse blocks of"
        + " previous turn.";
  }
}
