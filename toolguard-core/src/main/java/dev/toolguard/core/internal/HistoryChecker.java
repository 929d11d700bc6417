package dev.toolguard.core.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a history against the invariant in one pass over the messages; the rare histories with
 * faults get a second pass that tells misplaced, duplicate and orphan results apart.
 */
final class HistoryChecker {

  /** Blocks with more calls than this match their results through a hash map. */
  private static final int LINEAR_MATCH_LIMIT = 16;

  private HistoryChecker() {}

  static List<Message> requireHistory(List<Message> history) {
    if (history == null) {
      throw new InvalidMessageException("history is null; pass a list of messages (it may be empty)");
    }
    return history;
  }

  static Message requireMessage(List<Message> history, int index) {
    Message m = history.get(index);
    if (m == null) {
      throw new InvalidMessageException("history[" + index + "] is null; a history holds no null messages");
    }
    return m;
  }

  /** Where a stray result (one outside the block of its call) stands. */
  private record Stray(int messageIndex, ToolResult result) {}

  /** A call whose block has no result for it. */
  private record Unanswered(int messageIndex, String callId) {}

  /** The strays and open calls left when results may stand anywhere after their calls; each null when none. */
  private record Left(@Nullable List<Stray> strays, @Nullable List<Unanswered> open) {}

  static List<Violation> check(List<Message> history, Rules rules) {
    List<Violation> violations = run(history, false, rules);
    List<Violation> base = violations == null ? List.of() : violations;
    if (!rules.extra()) {
      return base;
    }
    // the newer dialects' own rules (DialectChecks), in message order with the invariant's
    List<Violation> extra = DialectChecks.check(history, rules);
    if (extra.isEmpty()) {
      return base;
    }
    List<Violation> all = new ArrayList<>(base.size() + extra.size());
    all.addAll(base);
    all.addAll(extra);
    all.sort(Comparator.comparingInt(Violation::messageIndex));
    return List.copyOf(all);
  }

  /** True when {@code history} holds the invariant with the adjacency of {@code rules}, the newer dialects' own rules aside. */
  static boolean holdsInvariant(List<Message> history, Rules rules) {
    return run(history, true, rules) != null;
  }

  /** True when {@code history} is valid; as {@link #check} is empty, without telling faults apart. */
  static boolean isValid(List<Message> history, Rules rules) {
    return run(history, true, rules) != null && (!rules.extra() || DialectChecks.check(history, rules).isEmpty());
  }

  /**
   * True when {@code call} is an exact copy of {@code first}, the first call with its id: same tool,
   * arguments of the same JSON value and the same provider attributes (metadata).
   */
  static boolean sameCall(ToolCall first, ToolCall call) {
    return first.name().equals(call.name()) && first.metadata().equals(call.metadata())
        && Json.sameValue(first.argumentsJson(), call.argumentsJson());
  }

  /**
   * The violations; with {@code quick}, an empty list when there are none and null when there are
   * some, without classifying them.
   */
  private static @Nullable List<Violation> run(List<Message> history, boolean quick, Rules rules) {
    requireHistory(history);
    int n = history.size();
    List<Violation> violations = null;
    // the first call of every call id, in a map that allocates nothing per id; sized for a call every
    // third message
    IdMap<ToolCall> callIndex = new IdMap<>(n / 3);
    List<Stray> strays = null;
    List<Unanswered> unanswered = null;
    Map<String, ApprovalRequest> approvalRequests = null;
    Set<String> approvalAnswered = null;
    if (rules.userFirst()) {
      violations = checkUserFirst(history, violations);
    }

    int i = 0;
    while (i < n) {
      if (quick && (violations != null || (unanswered != null && !rules.resultsAfterCall()))) {
        // invalid for sure (only strays can turn out valid, as answers of waiting calls, or with
        // results after their calls, as answers of open calls): the rest is only checked for null
        // messages
        for (; i < n; i++) {
          requireMessage(history, i);
        }
        return null;
      }
      Message m = requireMessage(history, i);
      List<Content> contents = m.contents();
      if (contents.isEmpty()) {
        violations = add(violations, new Violation(ViolationCode.EMPTY_MESSAGE, i, "",
            "a " + m.role() + " message has no content"));
        i++;
        continue;
      }
      Role role = m.role();
      if (role == Role.TOOL) {
        for (int ci = 0; ci < contents.size(); ci++) {
          Content c = contents.get(ci);
          strays = addStray(strays, new Stray(i, (ToolResult) c));
        }
        i++;
        continue;
      }
      if (role == Role.USER) {
        for (int ci = 0; ci < contents.size(); ci++) {
          Content c = contents.get(ci);
          if (c instanceof ApprovalResponse response) {
            if (approvalAnswered == null) {
              approvalAnswered = new HashSet<>();
            }
            violations = checkApprovalResponse(i, response, approvalRequests, approvalAnswered, violations);
          }
        }
        i++;
        continue;
      }
      if (role != Role.ASSISTANT) {
        i++;
        continue;
      }
      int calls = 0;
      int size = contents.size();
      // a repeated call (an exact copy of the first call of its id) answers nothing: its position
      // counts as answered already, so that a result for it is a stray of the first call
      long repeatedBits = 0;
      boolean[] repeated = null;
      for (int ci = 0; ci < size; ci++) {
        Content c = contents.get(ci);
        if (c instanceof ToolCall call && !call.informational()) {
          String id = call.callId();
          if (id.isEmpty()) {
            calls++;
            violations = add(violations, new Violation(ViolationCode.EMPTY_CALL_ID, i, "",
                "the call of tool '" + call.name() + "' has no call id"));
            continue;
          }
          ToolCall first = callIndex.putIfAbsent(id, call);
          if (first == null) {
            calls++;
          } else if (sameCall(first, call)) {
            violations = add(violations, new Violation(ViolationCode.REPEATED_CALL, i, id,
                "call " + id + " of tool '" + call.name() + "' is an exact copy of an earlier call"));
            if (size > 64) {
              if (repeated == null) {
                repeated = new boolean[size];
              }
              repeated[ci] = true;
            } else {
              repeatedBits |= 1L << ci;
            }
          } else {
            calls++;
            violations = add(violations, new Violation(ViolationCode.DUPLICATE_CALL_ID, i, id,
                "call id " + id + " is already used by an earlier call"));
          }
        } else if (c instanceof ApprovalRequest request) {
          if (approvalRequests == null) {
            approvalRequests = new HashMap<>();
          }
          approvalRequests.putIfAbsent(request.callId(), request);
        }
      }
      if (calls == 0 && repeatedBits == 0 && repeated == null) {
        i++;
        continue;
      }
      // the block: the TOOL messages right after this one; which contents are answered is a bit
      // mask, or an array for a message of more than 64 contents
      long answeredBits = repeatedBits;
      boolean[] answered = size > 64 ? (repeated != null ? repeated : new boolean[size]) : null;
      Map<String, Integer> positions = calls > LINEAR_MATCH_LIMIT ? positions(contents) : null;
      int nextCall = 0;
      int j = i + 1;
      while (j < n) {
        Message next = requireMessage(history, j);
        if (next.role() != Role.TOOL) {
          break;
        }
        if (next.contents().isEmpty()) {
          violations = add(violations, new Violation(ViolationCode.EMPTY_MESSAGE, j, "",
              "a TOOL message has no content"));
        }
        List<Content> cs = next.contents();
        for (int ci = 0; ci < cs.size(); ci++) {
          Content c = cs.get(ci);
          ToolResult r = (ToolResult) c;
          // results mostly come in the order of their calls: try the next call first
          int p = r.callId().isEmpty() ? -1
              : nextCall < size && contents.get(nextCall) instanceof ToolCall call && !call.informational()
                  && call.callId().equals(r.callId()) ? nextCall : find(contents, positions, r.callId());
          nextCall = p + 1;
          if (p >= 0 && answered == null && (answeredBits & (1L << p)) == 0) {
            answeredBits |= 1L << p;
          } else if (p >= 0 && answered != null && !answered[p]) {
            answered[p] = true;
          } else {
            strays = addStray(strays, new Stray(j, r));
          }
        }
        j++;
      }
      for (int p = 0; p < size; p++) {
        boolean done = answered == null ? (answeredBits & (1L << p)) != 0 : answered[p];
        if (!done && contents.get(p) instanceof ToolCall call && !call.informational()
            && !call.callId().isEmpty()) {
          if (unanswered == null) {
            unanswered = new ArrayList<>();
          }
          unanswered.add(new Unanswered(i, call.callId()));
        }
      }
      i = j;
    }

    if (strays != null && approvalRequests != null) {
      strays = withoutWaitingAnswers(strays, approvalRequests, callIndex);
    }
    if (strays != null && unanswered != null && rules.resultsAfterCall()) {
      Left left = answerAfterCalls(strays, unanswered);
      strays = left.strays();
      unanswered = left.open();
    }
    if (quick) {
      return violations == null && strays == null && unanswered == null ? List.of() : null;
    }
    if (strays != null || unanswered != null) {
      violations = classify(history, callIndex, strays, unanswered, violations);
    }
    if (violations == null) {
      return List.of();
    }
    violations.sort(Comparator.comparingInt(Violation::messageIndex));
    return List.copyOf(violations);
  }

  /** Anthropic: the first message that is not a system message must be the user's (or results, sent as the user's). */
  private static @Nullable List<Violation> checkUserFirst(List<Message> history, @Nullable List<Violation> violations) {
    for (int i = 0; i < history.size(); i++) {
      Message m = requireMessage(history, i);
      if (m.role() == Role.SYSTEM) {
        continue;
      }
      if (m.role() == Role.ASSISTANT) {
        return add(violations, new Violation(ViolationCode.FIRST_MESSAGE_NOT_USER, i, "",
            "the history starts with an assistant message; the first turn must be the user's"));
      }
      return violations;
    }
    return violations;
  }

  /**
   * With results allowed anywhere after their calls: each stray that answers an open call before it
   * (the first open call of its id, once) is the answer of that call. Returns the strays and open
   * calls left. One pass over each list.
   */
  private static Left answerAfterCalls(List<Stray> strays, List<Unanswered> unanswered) {
    Map<String, Unanswered> open = new HashMap<>(unanswered.size() * 2);
    for (Unanswered u : unanswered) {
      open.putIfAbsent(u.callId(), u);
    }
    Set<Unanswered> answered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Stray> leftStrays = null;
    for (Stray s : strays) {
      Unanswered u = s.result().callId().isEmpty() ? null : open.get(s.result().callId());
      if (u != null && u.messageIndex() < s.messageIndex() && answered.add(u)) {
        continue;
      }
      leftStrays = addStray(leftStrays, s);
    }
    List<Unanswered> leftOpen = null;
    for (Unanswered u : unanswered) {
      if (!answered.contains(u)) {
        if (leftOpen == null) {
          leftOpen = new ArrayList<>();
        }
        leftOpen.add(u);
      }
    }
    return new Left(leftStrays, leftOpen);
  }

  private static List<Violation> checkApprovalResponse(
      int i,
      ApprovalResponse response,
      Map<String, ApprovalRequest> requests,
      Set<String> answered,
      List<Violation> violations) {
    String id = response.callId();
    ApprovalRequest request = requests == null ? null : requests.get(id);
    if (request == null) {
      return add(violations, new Violation(ViolationCode.UNMATCHED_APPROVAL, i, id,
          "no approval request with call id " + id + " comes before this response"));
    }
    if (!request.call().name().equals(response.call().name())
        || !Json.sameValue(request.call().argumentsJson(), response.call().argumentsJson())) {
      return add(violations, new Violation(ViolationCode.APPROVAL_MISMATCH, i, id,
          "the response names tool '" + response.call().name() + "' or other arguments than the request for "
              + "tool '" + request.call().name() + "'"));
    }
    if (!answered.add(id)) {
      return add(violations, new Violation(ViolationCode.DUPLICATE_APPROVAL, i, id,
          "approval request " + id + " is already answered by an earlier response"));
    }
    return violations;
  }

  /**
   * The strays without the results that answer a call waiting as an {@link ApprovalRequest} (a
   * client-side call answered with its output): those are valid; the loop takes them on resume and
   * {@link dev.toolguard.core.ProviderView} never sends them.
   */
  private static List<Stray> withoutWaitingAnswers(
      List<Stray> strays, Map<String, ApprovalRequest> requests, IdMap<ToolCall> callIndex) {
    List<Stray> out = null;
    for (Stray s : strays) {
      String id = s.result().callId();
      if (!id.isEmpty() && requests.containsKey(id) && !callIndex.contains(id)) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(strays.size());
      }
      out.add(s);
    }
    return out;
  }

  private static List<Violation> classify(
      List<Message> history,
      IdMap<ToolCall> callIndex,
      List<Stray> strays,
      List<Unanswered> unanswered,
      List<Violation> violations) {
    Set<String> strayIds = new HashSet<>();
    if (strays != null) {
      for (Stray s : strays) {
        strayIds.add(s.result().callId());
      }
    }
    // a call that has a result in its block is one that is not unanswered
    Set<String> open = new HashSet<>();
    if (unanswered != null) {
      for (Unanswered u : unanswered) {
        open.add(u.callId());
      }
    }
    if (unanswered != null) {
      for (Unanswered u : unanswered) {
        if (!strayIds.contains(u.callId())) {
          violations = add(violations, new Violation(ViolationCode.MISSING_RESULT, u.messageIndex(), u.callId(),
              "no result for call " + u.callId() + " anywhere in the history"));
        }
      }
    }
    if (strays != null) {
      Set<String> misplacedSeen = new HashSet<>();
      for (Stray s : strays) {
        String id = s.result().callId();
        int at = s.messageIndex();
        if (id.isEmpty()) {
          violations = add(violations, new Violation(ViolationCode.EMPTY_RESULT_ID, at, "",
              "a result" + named(s.result()) + " has no call id"));
        } else if (!callIndex.contains(id)) {
          violations = add(violations, new Violation(ViolationCode.ORPHAN_RESULT, at, id,
              "result " + id + named(s.result()) + " answers no call in the history"));
        } else if (!open.contains(id) || !misplacedSeen.add(id)) {
          violations = add(violations, new Violation(ViolationCode.DUPLICATE_RESULT, at, id,
              "call " + id + " already has a result"));
        } else {
          violations = add(violations, new Violation(ViolationCode.MISPLACED_RESULT, at, id,
              "the result of call " + id + " does not directly follow it"));
        }
      }
    }
    return violations;
  }

  private static String named(ToolResult r) {
    return r.name() == null ? "" : " of tool '" + r.name() + "'";
  }

  private static Map<String, Integer> positions(List<Content> contents) {
    Map<String, Integer> map = new HashMap<>(contents.size() * 2);
    for (int p = 0; p < contents.size(); p++) {
      if (contents.get(p) instanceof ToolCall call && !call.informational()) {
        map.putIfAbsent(call.callId(), p);
      }
    }
    return map;
  }

  private static int find(List<Content> contents, Map<String, Integer> positions, String id) {
    if (positions != null) {
      Integer p = positions.get(id);
      return p == null ? -1 : p;
    }
    for (int p = 0; p < contents.size(); p++) {
      if (contents.get(p) instanceof ToolCall call && !call.informational() && call.callId().equals(id)) {
        return p;
      }
    }
    return -1;
  }

  private static List<Violation> add(List<Violation> list, Violation v) {
    List<Violation> l = list == null ? new ArrayList<>() : list;
    l.add(v);
    return l;
  }

  private static List<Stray> addStray(List<Stray> list, Stray s) {
    List<Stray> l = list == null ? new ArrayList<>() : list;
    l.add(s);
    return l;
  }
}
