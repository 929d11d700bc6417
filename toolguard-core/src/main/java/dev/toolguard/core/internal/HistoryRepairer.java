package dev.toolguard.core.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairAction.Kind;
import dev.toolguard.core.RepairPolicy;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a broken history: every call gets exactly its results right after it, and nothing that
 * was said changes place relative to anything else that was said.
 *
 * <p>One repair is one instance; it is not thread-safe and not reused.
 */
final class HistoryRepairer {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.repair");

  private final List<Message> in;
  private final RepairPolicy policy;
  private final Rules rules;
  private final List<RepairAction> actions = new ArrayList<>();

  /** Every id that occurs anywhere, so fresh ids never collide; collected when the first is needed. */
  private @Nullable IdMap<Boolean> usedIds;
  /** The first call slot of each original call id; the others of the same id follow by {@link Slot#next}. */
  private final IdMap<Slot> slotsById;
  /** Call slots by message index, in content order; null for a message without calls. */
  private final Slot[][] slotsByMessage;
  /** True when the history holds an approval request or response. */
  private boolean approvals;
  /** Results that no call claims (yet). */
  private final List<Located> unbound = new ArrayList<>();
  /** Ids of calls that wait as approval requests, with no call of the same id. */
  private Set<String> waiting = Set.of(); // a HashSet from the first id on
  /** Results that answer a waiting call: they stay where they stand. */
  private Set<Long> waitingAnswers = Set.of();
  /** Approval responses to drop, by message index and position ({@link #at}). */
  private Set<Long> droppedResponses = Set.of();
  /** Calls that repeat the first call of their id exactly, to drop, by {@link #at}. */
  private Set<Long> repeatedCalls = Set.of();
  /** With results allowed after their calls: the kept results that stay where they stand, by {@link #at}. */
  private Map<Long, Slot> inPlace = Map.of();
  /** For each message of a run of TOOL messages, the index where the run starts; -1 for others. Made when first needed. */
  private int @Nullable [] toolRunStart;
  /** For each message, the index of the last assistant message before it, or -1. Made when first needed. */
  private int @Nullable [] assistantBefore;

  HistoryRepairer(List<Message> in, RepairPolicy policy, Rules rules) {
    this.in = in;
    this.policy = policy;
    this.rules = rules;
    this.slotsById = new IdMap<>(in.size() / 4);
    this.slotsByMessage = new Slot[in.size()][];
  }

  /** A tool result and the index of the message it stands in. */
  private record Located(int messageIndex, int position, ToolResult result) {}

  /** One call that must be answered, and what repair decides about it. */
  private static final class Slot {
    final int messageIndex;
    final int position;
    final ToolCall call;
    String finalId;
    /** The results that answer this call: the first, and the others when there are more. */
    @Nullable Located first;
    @Nullable List<Located> more;
    @Nullable Located kept;
    boolean rebound;
    /** The next call of the same original id, in history order. */
    @Nullable Slot next;

    Slot(int messageIndex, int position, ToolCall call) {
      this.messageIndex = messageIndex;
      this.position = position;
      this.call = call;
      this.finalId = call.callId();
    }

    boolean unanswered() {
      return first == null;
    }

    void add(Located result) {
      if (first == null) {
        first = result;
      } else {
        if (more == null) {
          more = new ArrayList<>(2);
        }
        more.add(result);
      }
    }
  }

  List<RepairAction> actions() {
    return actions;
  }

  List<Message> repair() {
    List<String> requested = assignCalls();
    for (String id : requested) {
      if (!slotsById.containsKey(id)) {
        if (waiting.isEmpty()) {
          waiting = new HashSet<>();
        }
        waiting.add(id);
      }
    }
    assignResults();
    if (policy.rebind()) {
      rebind();
    }
    chooseResults();
    if (rules.resultsAfterCall()) {
      findResultsInPlace();
    }
    if (approvals) {
      findStrayApprovals();
    }
    List<Message> out = rebuild();
    if (rules.userFirst()) {
      out = userFirst(out);
    }
    for (RepairAction a : actions) {
      LOG.warn("toolguard repair: {}", a);
    }
    return out;
  }

  /**
   * A history that starts with the assistant (its first turns were cut) gets a user turn first that
   * says so: a dialect whose first turn must be the user's refuses it otherwise.
   */
  private List<Message> userFirst(List<Message> out) {
    int f = 0;
    while (f < out.size() && out.get(f).role() == Role.SYSTEM) {
      f++;
    }
    if (f == out.size() || out.get(f).role() != Role.ASSISTANT) {
      return out;
    }
    List<Message> with = new ArrayList<>(out.size() + 1);
    with.addAll(out.subList(0, f));
    with.add(new Message(Role.USER, List.of(Text.of(policy.cutHistoryText())),
        Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR)));
    with.addAll(out.subList(f, out.size()));
    // the messages from f on moved one place down
    for (int k = 0; k < actions.size(); k++) {
      RepairAction a = actions.get(k);
      if (a.toIndex() >= f) {
        actions.set(k, new RepairAction(a.kind(), a.callId(), a.newCallId(), a.fromIndex(), a.toIndex() + 1,
            a.detail()));
      }
    }
    act(Kind.SYNTHESIZE, "", null, -1, f, "the history starts with an assistant message (its first turns were"
        + " cut); put a user turn first that says so, as the first turn must be the user's");
    return List.copyOf(with);
  }

  /**
   * With results allowed after their calls: each kept result that stands after its call, beyond the
   * block right after it, stays there (the block right after a call is rebuilt as without the rule).
   */
  private void findResultsInPlace() {
    for (Slot[] slots : slotsByMessage) {
      if (slots == null) {
        continue;
      }
      for (Slot s : slots) {
        if (staysInPlace(s)) {
          if (inPlace.isEmpty()) {
            inPlace = new HashMap<>();
          }
          inPlace.put(at(s.kept.messageIndex(), s.kept.position()), s);
        }
      }
    }
  }

  private IdMap<Boolean> collectIds() {
    IdMap<Boolean> usedIds = IdMap.set(in.size());
    for (Message m : in) {
      List<Content> cs = m.contents();
      for (int ci = 0; ci < cs.size(); ci++) {
        Content c = cs.get(ci);
        if (c instanceof ToolCall call) {
          usedIds.add(call.callId());
        } else if (c instanceof ToolResult r) {
          usedIds.add(r.callId());
        } else if (c instanceof ApprovalRequest r) {
          usedIds.add(r.callId());
        } else if (c instanceof ApprovalResponse r) {
          usedIds.add(r.callId());
        }
      }
    }
    return usedIds;
  }

  /** Makes the call slots; returns the ids of the approval requests. */
  private List<String> assignCalls() {
    List<String> requested = List.of();
    for (int i = 0; i < in.size(); i++) {
      Message m = in.get(i);
      if (m.role() == Role.USER && !approvals) {
        List<Content> cs = m.contents();
        for (int ci = 0; ci < cs.size(); ci++) {
          Content c = cs.get(ci);
          approvals |= c instanceof ApprovalResponse;
        }
      }
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = m.contents();
      int calls = 0;
      for (int ci = 0; ci < contents.size(); ci++) {
        Content c = contents.get(ci);
        if (c instanceof ToolCall call && !call.informational()) {
          calls++;
        } else if (c instanceof ApprovalRequest r) {
          approvals = true;
          if (requested.isEmpty()) {
            requested = new ArrayList<>();
          }
          requested.add(r.callId());
        }
      }
      if (calls == 0) {
        continue;
      }
      Slot[] slots = new Slot[calls];
      int n = 0;
      for (int p = 0; p < contents.size(); p++) {
        if (!(contents.get(p) instanceof ToolCall call) || call.informational()) {
          continue;
        }
        String id = call.callId();
        Slot earlier = id.isEmpty() ? null : slotsById.get(id);
        if (earlier != null && HistoryChecker.sameCall(earlier.call, call)) {
          // a replay of the same call: it goes, and its results answer the first one
          if (repeatedCalls.isEmpty()) {
            repeatedCalls = new HashSet<>();
          }
          repeatedCalls.add(at(i, p));
          act(Kind.DEDUPLICATE, id, null, i, -1, "removed call " + id + " of tool '" + call.name()
              + "': an exact copy of the call in message " + earlier.messageIndex + " (same id, tool and arguments);"
              + " its results answer that call");
          continue;
        }
        Slot slot = new Slot(i, p, call);
        Slot first = slotsById.putIfAbsent(id, slot);
        if (first != null) {
          Slot last = first;
          while (last.next != null) {
            last = last.next;
          }
          last.next = slot;
        }
        if (id.isEmpty() || first != null) {
          slot.finalId = freshId(id);
        }
        slots[n++] = slot;
      }
      if (n == 0) {
        dropThinkingOfReplayedTurn(contents, i);
      }
      if (n > 0) {
        slotsByMessage[i] = n == calls ? slots : java.util.Arrays.copyOf(slots, n);
      }
    }
    return requested;
  }

  /**
   * An assistant turn whose calls are all exact copies of earlier ones is a replay: its thinking
   * blocks ({@code Opaque} of kind {@code thinking} or {@code redacted_thinking}) directly before a
   * copied call go with it, so that no thinking block stays behind without the call it preceded.
   */
  private void dropThinkingOfReplayedTurn(List<Content> contents, int i) {
    for (int p = 0; p < contents.size(); p++) {
      if (!repeatedCalls.contains(at(i, p))) {
        continue;
      }
      String id = ((ToolCall) contents.get(p)).callId();
      for (int q = p - 1; q >= 0 && contents.get(q) instanceof Opaque o
          && (o.kind().equals("thinking") || o.kind().equals("redacted_thinking")); q--) {
        repeatedCalls.add(at(i, q));
        act(Kind.DROP, id, null, i, -1, "removed a " + o.kind() + " block before call " + id + ": it goes with the"
            + " exact copy of the call it precedes");
      }
    }
  }

  private String freshId(String base) {
    if (usedIds == null) {
      usedIds = collectIds();
    }
    // base_2, base_3, … where the dialect takes it; else derived in the dialect's id rule (CallIds)
    return CallIds.derive(rules.dialect(), base, usedIds::add);
  }

  private void assignResults() {
    for (int j = 0; j < in.size(); j++) {
      Message m = in.get(j);
      if (m.role() != Role.TOOL) {
        continue;
      }
      List<Content> contents = m.contents();
      for (int q = 0; q < contents.size(); q++) {
        ToolResult r = (ToolResult) contents.get(q);
        Located located = new Located(j, q, r);
        Slot owners = r.callId().isEmpty() ? null : slotsById.get(r.callId());
        if (owners == null && !waiting.isEmpty() && waiting.contains(r.callId())) {
          if (waitingAnswers.isEmpty()) {
            waitingAnswers = new HashSet<>();
          }
          waitingAnswers.add(at(j, q));
        } else if (owners == null) {
          unbound.add(located);
        } else {
          owner(owners, j).add(located);
        }
      }
    }
  }

  /**
   * Of the calls that share an id, the one a result at {@code j} answers: a call of the latest
   * message before the result (the first of them still unanswered), else one of the first message.
   */
  private static Slot owner(Slot owners, int j) {
    if (owners.next == null) {
      return owners; // the one call of this id
    }
    int message = -1;
    for (Slot s = owners; s != null; s = s.next) {
      if (s.messageIndex < j) {
        message = s.messageIndex;
      }
    }
    if (message < 0) {
      message = owners.messageIndex;
    }
    Slot first = null;
    for (Slot s = owners; s != null; s = s.next) {
      if (s.messageIndex == message) {
        if (first == null) {
          first = s;
        }
        if (s.unanswered()) {
          return s;
        }
      }
    }
    return first;
  }

  /** Binds a result with an unknown id to the one unanswered call of its turn it can belong to. */
  private void rebind() {
    if (unbound.isEmpty()) {
      return;
    }
    Map<Located, Slot> choice = new HashMap<>();
    Map<Slot, Integer> claims = new IdentityHashMap<>();
    for (Located u : unbound) {
      int a = turnOf(u.messageIndex());
      if (a < 0) {
        continue;
      }
      Slot only = null;
      int candidates = 0;
      for (Slot s : slotsByMessage[a]) {
        if (s.unanswered() && (u.result().name() == null || u.result().name().equals(s.call.name()))) {
          only = s;
          candidates++;
        }
      }
      if (candidates == 1) {
        choice.put(u, only);
        claims.merge(only, 1, Integer::sum);
      }
    }
    List<Located> stillUnbound = new ArrayList<>();
    for (Located u : unbound) {
      Slot s = choice.get(u);
      if (s != null && claims.get(s) == 1) {
        s.add(u);
        s.rebound = true;
      } else {
        stillUnbound.add(u);
      }
    }
    unbound.clear();
    unbound.addAll(stillUnbound);
  }

  /**
   * The assistant message with calls whose turn a result at {@code j} stands in: the latest such
   * message before {@code j} with no other assistant message in between; -1 if none.
   */
  private int turnOf(int j) {
    if (assistantBefore == null) {
      int[] before = new int[in.size()];
      int last = -1;
      for (int k = 0; k < before.length; k++) {
        before[k] = last;
        if (in.get(k).role() == Role.ASSISTANT) {
          last = k;
        }
      }
      assistantBefore = before;
    }
    int i = assistantBefore[j];
    return i >= 0 && slotsByMessage[i] != null ? i : -1;
  }

  /** True when the kept result of {@code s} stays where it stands: after its call, beyond the block right after it. */
  private boolean staysInPlace(Slot s) {
    return rules.resultsAfterCall() && s.kept != null && s.kept.messageIndex() > s.messageIndex
        && !inBlock(s.kept.messageIndex(), s.messageIndex);
  }

  private void chooseResults() {
    for (Slot[] slots : slotsByMessage) {
      if (slots == null) {
        continue;
      }
      for (Slot s : slots) {
        if (s.first == null) {
          continue;
        }
        if (s.more == null) {
          s.kept = s.first; // one result: nothing to choose
          continue;
        }
        List<Located> results = new ArrayList<>(1 + s.more.size());
        results.add(s.first);
        results.addAll(s.more);
        Located best = results.get(0);
        for (Located r : results) {
          if (better(r, best, s)) {
            best = r;
          }
        }
        s.kept = best;
        for (Located r : results) {
          if (r != best) {
            act(Kind.DEDUPLICATE, r.result().callId(), null, r.messageIndex(), -1,
                "removed a second result for call " + s.finalId + "; kept "
                    + (best.result().error() ? "the first one" : "the first successful one"));
          }
        }
      }
    }
  }

  /**
   * A result that is not an error beats one that is; then one in its place (in the call's block, or
   * after the call where results may stand anywhere after it); then the earlier.
   */
  private boolean better(Located a, Located b, Slot s) {
    if (a.result().error() != b.result().error()) {
      return !a.result().error();
    }
    boolean aInBlock = placed(a.messageIndex(), s.messageIndex);
    boolean bInBlock = placed(b.messageIndex(), s.messageIndex);
    if (aInBlock != bInBlock) {
      return aInBlock;
    }
    return a.messageIndex() < b.messageIndex()
        || (a.messageIndex() == b.messageIndex() && a.position() < b.position());
  }

  /** True when a result in message {@code j} is where the rules want the result of a call in message {@code i}. */
  private boolean placed(int j, int i) {
    return rules.resultsAfterCall() ? j > i : inBlock(j, i);
  }

  /** True when message {@code j} is one of the TOOL messages right after message {@code i}. */
  private boolean inBlock(int j, int i) {
    if (j <= i) {
      return false;
    }
    if (toolRunStart == null) {
      int[] start = new int[in.size()];
      for (int k = 0; k < start.length; k++) {
        start[k] = in.get(k).role() != Role.TOOL ? -1 : k > 0 && start[k - 1] >= 0 ? start[k - 1] : k;
      }
      toolRunStart = start;
    }
    return toolRunStart[j] == i + 1;
  }

  /** Approval responses that answer no request, do not match it, or answer it twice. */
  private void findStrayApprovals() {
    Map<String, ApprovalRequest> requests = new HashMap<>();
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      List<Content> contents = in.get(i).contents();
      for (int p = 0; p < contents.size(); p++) {
        Content c = contents.get(p);
        if (c instanceof ApprovalRequest r) {
          requests.putIfAbsent(r.callId(), r);
        } else if (c instanceof ApprovalResponse r) {
          ApprovalRequest request = requests.get(r.callId());
          String why;
          if (request == null) {
            why = "it answers no approval request";
          } else if (!request.call().name().equals(r.call().name())
              || !Json.sameValue(request.call().argumentsJson(), r.call().argumentsJson())) {
            why = "its tool name or arguments differ from the request's";
          } else if (!answered.add(r.callId())) {
            why = "the request is already answered";
          } else {
            continue;
          }
          if (droppedResponses.isEmpty()) {
            droppedResponses = new HashSet<>();
          }
          droppedResponses.add(at(i, p));
          act(Kind.DROP, r.callId(), null, i, -1, "removed an approval response for " + r.callId() + ": " + why);
        }
      }
    }
  }

  private List<Message> rebuild() {
    List<Message> out = new ArrayList<>(in.size() + 4);
    for (int i = 0; i < in.size(); i++) {
      Message m = in.get(i);
      if (m.role() == Role.TOOL) {
        if (m.contents().isEmpty()) {
          act(Kind.DROP, "", null, i, -1, "removed an empty tool message");
        }
        Message answers = inPlace.isEmpty() && waitingAnswers.isEmpty() ? null : resultsInPlace(m, i, out.size());
        if (answers != null) {
          out.add(answers);
        }
        continue; // results are placed with their calls
      }
      if (m.contents().isEmpty()) {
        act(Kind.DROP, "", null, i, -1, "removed an empty " + m.role() + " message");
        continue;
      }
      if (m.role() == Role.USER && !droppedResponses.isEmpty()) {
        m = withoutDroppedResponses(m, i);
        if (m == null) {
          continue;
        }
      }
      Slot[] slots = slotsByMessage[i];
      if (slots != null) {
        m = renamed(m, i, slots, out.size());
      }
      if (!repeatedCalls.isEmpty() && m.role() == Role.ASSISTANT) {
        m = withoutRepeatedCalls(m, i);
        if (m == null) {
          continue; // it held copies of calls only
        }
      }
      out.add(m);
      if (slots != null) {
        emitBlock(i, slots, out);
      }
    }
    for (Located u : unbound) {
      act(Kind.DROP, u.result().callId(), null, u.messageIndex(), -1,
          "removed result " + describeId(u.result().callId()) + ": it answers no call in the history");
    }
    return List.copyOf(out);
  }

  /**
   * The results of TOOL message {@code i} that stay in place: the answers of waiting calls, and where
   * results may stand anywhere after their calls, those beyond their call's block (renamed with their
   * call, or rebound); or null when none does.
   */
  private @Nullable Message resultsInPlace(Message m, int i, int to) {
    List<Content> kept = null;
    boolean changed = false;
    for (int q = 0; q < m.contents().size(); q++) {
      ToolResult r = (ToolResult) m.contents().get(q);
      long key = at(i, q);
      Slot s = inPlace.get(key);
      if (s == null && !waitingAnswers.contains(key)) {
        changed = true; // moved, dropped or deduplicated: reported where that is decided
        continue;
      }
      if (s != null && !r.callId().equals(s.finalId)) {
        r = r.withCallId(s.finalId).withMetadata(Metadata.ORIGINAL_CALL_ID, r.callId());
        changed = true;
      }
      if (s != null && s.rebound) {
        act(Kind.REBIND, s.kept.result().callId(), s.finalId, i, to,
            "result " + describeId(s.kept.result().callId()) + " matched no call; bound it to call " + s.finalId
                + " of tool '" + s.call.name() + "', the only unanswered call of its turn it can answer");
      }
      if (kept == null) {
        kept = new ArrayList<>(m.contents().size());
      }
      kept.add(r);
    }
    if (kept == null) {
      return null;
    }
    return changed ? m.withContents(kept) : m;
  }

  private @Nullable Message withoutRepeatedCalls(Message m, int i) {
    List<Content> kept = null;
    for (int p = 0; p < m.contents().size(); p++) {
      if (repeatedCalls.contains(at(i, p))) {
        if (kept == null) {
          kept = new ArrayList<>(m.contents().subList(0, p));
        }
      } else if (kept != null) {
        kept.add(m.contents().get(p));
      }
    }
    if (kept == null) {
      return m;
    }
    return kept.isEmpty() ? null : m.withContents(kept);
  }

  private static long at(int messageIndex, int position) {
    return ((long) messageIndex << 32) | position;
  }

  private @Nullable Message withoutDroppedResponses(Message m, int i) {
    List<Content> kept = new ArrayList<>(m.contents().size());
    for (int p = 0; p < m.contents().size(); p++) {
      if (!droppedResponses.contains(at(i, p))) {
        kept.add(m.contents().get(p));
      }
    }
    if (kept.size() == m.contents().size()) {
      return m;
    }
    return kept.isEmpty() ? null : m.withContents(kept);
  }

  private Message renamed(Message m, int i, Slot[] slots, int at) {
    List<Content> contents = null;
    for (Slot s : slots) {
      String id = s.call.callId();
      if (s.finalId.equals(id)) {
        continue;
      }
      if (contents == null) {
        contents = new ArrayList<>(m.contents());
      }
      contents.set(s.position, s.call.withCallId(s.finalId).withMetadata(Metadata.ORIGINAL_CALL_ID, id));
      act(Kind.RENAME, id, s.finalId, i, at,
          id.isEmpty()
              ? "the call of tool '" + s.call.name() + "' had no id; gave it " + s.finalId + " (and its result)"
              : "call id " + id + " was already used by an earlier call; renamed this call and its result to "
                  + s.finalId);
    }
    return contents == null ? m : m.withContents(contents);
  }

  /**
   * Emits the results of the calls of message {@code i}; an intact block is kept as it was. Where
   * results may stand anywhere after their calls, those beyond the block stay where they are and are
   * not emitted here.
   */
  private void emitBlock(int i, Slot[] slots, List<Message> out) {
    if (blockIntact(i, slots)) {
      for (int j = i + 1; j < in.size() && in.get(j).role() == Role.TOOL; j++) {
        if (!in.get(j).contents().isEmpty()) {
          out.add(in.get(j));
        }
      }
      return;
    }
    int sourceMessage = Integer.MIN_VALUE;
    List<Content> group = new ArrayList<>();
    for (Slot s : slots) {
      if (staysInPlace(s)) {
        continue; // stays where it stands
      }
      ToolResult result;
      int source;
      if (s.kept == null) {
        result = new ToolResult(s.finalId, s.call.name(), policy.missingResultText(s.call.withCallId(s.finalId)),
            true, Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR));
        source = -1;
      } else {
        result = s.kept.result();
        if (!result.callId().equals(s.finalId)) {
          result = result.withCallId(s.finalId).withMetadata(Metadata.ORIGINAL_CALL_ID, result.callId());
        }
        source = s.kept.messageIndex();
      }
      if (source != sourceMessage && !group.isEmpty()) {
        out.add(groupMessage(sourceMessage, group));
        group = new ArrayList<>();
      }
      sourceMessage = source;
      group.add(result);
      int at = out.size();
      if (s.rebound) {
        act(Kind.REBIND, s.kept.result().callId(), s.finalId, s.kept.messageIndex(), at,
            "result " + describeId(s.kept.result().callId()) + " matched no call; bound it to call " + s.finalId
                + " of tool '" + s.call.name() + "', the only unanswered call of its turn it can answer");
      }
      if (s.kept == null) {
        act(Kind.SYNTHESIZE, s.finalId, null, -1, at,
            "call " + s.finalId + " of tool '" + s.call.name() + "' had no result anywhere; added an error result");
      } else if (!inBlock(s.kept.messageIndex(), i)) {
        act(Kind.MOVE, s.kept.result().callId(), null, s.kept.messageIndex(), at,
            "moved the result of call " + s.finalId + " to directly after its call");
      }
    }
    if (!group.isEmpty()) {
      out.add(groupMessage(sourceMessage, group));
    }
  }

  private Message groupMessage(int source, List<Content> group) {
    if (source < 0) {
      return new Message(Role.TOOL, group, Map.of());
    }
    Message original = in.get(source);
    return original.contents().equals(group) ? original : original.withContents(group);
  }

  /**
   * True when the TOOL messages right after message {@code i} hold exactly the kept, unchanged
   * results of its calls and nothing else.
   */
  private boolean blockIntact(int i, Slot[] slots) {
    int inBlock = 0;
    for (int j = i + 1; j < in.size() && in.get(j).role() == Role.TOOL; j++) {
      inBlock += in.get(j).contents().size();
    }
    if (inBlock != slots.length) {
      return false;
    }
    for (Slot s : slots) {
      if (s.kept == null || !inBlock(s.kept.messageIndex(), i) || !s.finalId.equals(s.call.callId())
          || !s.kept.result().callId().equals(s.finalId)) {
        return false;
      }
    }
    return true;
  }

  private static String describeId(String id) {
    return id.isEmpty() ? "(without id)" : id;
  }

  /** Records an action; each is logged once at the end of the repair, with its final indexes. */
  private void act(Kind kind, String callId, @Nullable String newCallId, int from, int to, String detail) {
    actions.add(new RepairAction(kind, callId, newCallId, from, to, detail));
  }
}
