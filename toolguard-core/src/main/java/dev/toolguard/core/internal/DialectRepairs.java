package dev.toolguard.core.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the newer dialects' rules ({@link DialectChecks}) to a history that holds the invariant
 * (the output of {@link HistoryRepairer}):
 *
 * <ul>
 *   <li>an id that breaks the dialect's rule is renamed, call and results together, to an id derived
 *       from it in the rule ({@link CallIds#derive}), unique in the history (RENAME);
 *   <li>Bedrock Converse: an error result with no content gets {@link #EMPTY_ERROR_TEXT} (SYNTHESIZE);
 *   <li>Ollama: the results of a turn are put in the order of its calls (MOVE) and name their call's
 *       tool (REBIND);
 *   <li>Gemini: a turn with calls that follows another assistant turn joins it, after what it said
 *       (MOVE); one that starts the history gets a user turn first that says earlier messages were cut
 *       ({@link RepairPolicy#cutHistoryText()}, SYNTHESIZE).
 * </ul>
 *
 * <p>Nothing said is dropped or reordered. The indexes of the actions given are moved with the messages.
 */
final class DialectRepairs {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.repair");

  /** The text given to an error result that has none, for a dialect that refuses it empty (Bedrock Converse). */
  static final String EMPTY_ERROR_TEXT = "The tool failed and gave no reason.";

  private DialectRepairs() {}

  /**
   * {@code history} with the extra rules of {@code rules} applied (the caller asks only for rules that
   * have some); the actions taken are appended to {@code actions} (whose output indexes are moved
   * along) and logged at WARN.
   */
  static List<Message> apply(List<Message> history, Rules rules, RepairPolicy policy, List<RepairAction> actions) {
    List<RepairAction> own = new ArrayList<>();
    List<Message> out = new ArrayList<>(history);
    if (rules.checkIds()) {
      renameIds(out, rules, own);
    }
    if (rules.errorResultsHaveText()) {
      giveErrorsText(out, own);
    }
    if (rules.resultsInCallOrder()) {
      orderResults(out, own);
    }
    if (rules.callTurnAfterUser()) {
      out = callTurnsAfterUser(out, policy, actions, own);
    }
    if (own.isEmpty()) {
      return history;
    }
    for (RepairAction a : own) {
      LOG.warn("toolguard repair: {}", a);
    }
    actions.addAll(own);
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- ids

  private static void renameIds(List<Message> out, Rules rules, List<RepairAction> own) {
    Set<String> used = new HashSet<>();
    for (Message m : out) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall call) {
          used.add(call.callId());
        } else if (c instanceof ToolResult r) {
          used.add(r.callId());
        } else if (c instanceof ApprovalRequest r) {
          used.add(r.callId());
        } else if (c instanceof ApprovalResponse r) {
          used.add(r.callId());
        }
      }
    }
    for (int i = 0; i < out.size(); i++) {
      Message m = out.get(i);
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      Map<String, String> renamed = new HashMap<>();
      List<Content> contents = null;
      for (int k = 0; k < m.contents().size(); k++) {
        if (!(m.contents().get(k) instanceof ToolCall call) || call.informational() || call.callId().isEmpty()
            || CallIds.accepts(rules.dialect(), call.callId())) {
          continue;
        }
        String id = call.callId();
        String fresh = CallIds.derive(rules.dialect(), id, used::add);
        renamed.put(id, fresh);
        if (contents == null) {
          contents = new ArrayList<>(m.contents());
        }
        contents.set(k, call.withCallId(fresh).withMetadata(Metadata.ORIGINAL_CALL_ID, id));
        own.add(new RepairAction(Kind.RENAME, id, fresh, -1, i, "call id " + id + " breaks the " + rules.dialect().id()
            + " id rule (" + CallIds.rule(rules.dialect()) + "); renamed the call and its result to " + fresh));
      }
      if (contents == null) {
        continue;
      }
      out.set(i, m.withContents(contents));
      for (int j = i + 1; j < out.size() && out.get(j).role() == Role.TOOL; j++) {
        Message t = out.get(j);
        List<Content> results = null;
        for (int k = 0; k < t.contents().size(); k++) {
          ToolResult r = (ToolResult) t.contents().get(k);
          String fresh = renamed.get(r.callId());
          if (fresh != null) {
            if (results == null) {
              results = new ArrayList<>(t.contents());
            }
            results.set(k, r.withCallId(fresh).withMetadata(Metadata.ORIGINAL_CALL_ID, r.callId()));
          }
        }
        if (results != null) {
          out.set(j, t.withContents(results));
        }
      }
    }
  }

  // ---------------------------------------------------------------- Bedrock: error results with content

  private static void giveErrorsText(List<Message> out, List<RepairAction> own) {
    for (int i = 0; i < out.size(); i++) {
      Message m = out.get(i);
      if (m.role() != Role.TOOL) {
        continue;
      }
      List<Content> contents = null;
      for (int k = 0; k < m.contents().size(); k++) {
        ToolResult r = (ToolResult) m.contents().get(k);
        if (r.error() && r.output().isBlank()) {
          if (contents == null) {
            contents = new ArrayList<>(m.contents());
          }
          contents.set(k, new ToolResult(r.callId(), r.name(), EMPTY_ERROR_TEXT, true, r.metadata()));
          own.add(new RepairAction(Kind.SYNTHESIZE, r.callId(), null, -1, i, "the error result of call "
              + (r.callId().isEmpty() ? "(without id)" : r.callId()) + " had no content, which the provider refuses;"
              + " gave it a text that says the tool failed"));
        }
      }
      if (contents != null) {
        out.set(i, m.withContents(contents));
      }
    }
  }

  // ---------------------------------------------------------------- Ollama: results in call order, named

  private static void orderResults(List<Message> out, List<RepairAction> own) {
    for (int i = 0; i < out.size(); i++) {
      Message m = out.get(i);
      if (m.role() != Role.ASSISTANT || !m.hasToolCalls()) {
        continue;
      }
      Map<String, ToolCall> calls = new LinkedHashMap<>();
      for (ToolCall call : m.toolCalls()) {
        calls.putIfAbsent(call.callId(), call);
      }
      int end = i + 1;
      while (end < out.size() && out.get(end).role() == Role.TOOL) {
        end++;
      }
      // the block's answers of these calls, by id, and the slots they fill in block order
      Map<String, ToolResult> answers = new HashMap<>();
      List<int[]> slots = new ArrayList<>();
      for (int j = i + 1; j < end; j++) {
        List<Content> cs = out.get(j).contents();
        for (int k = 0; k < cs.size(); k++) {
          ToolResult r = (ToolResult) cs.get(k);
          if (calls.containsKey(r.callId()) && !answers.containsKey(r.callId())) {
            answers.put(r.callId(), r);
            slots.add(new int[] {j, k});
          }
        }
      }
      List<ToolResult> ordered = new ArrayList<>(answers.size());
      for (String id : calls.keySet()) {
        ToolResult r = answers.get(id);
        if (r != null) {
          ordered.add(r);
        }
      }
      List<List<Content>> blocks = new ArrayList<>();
      for (int j = i + 1; j < end; j++) {
        blocks.add(new ArrayList<>(out.get(j).contents()));
      }
      boolean changed = false;
      for (int s = 0; s < slots.size(); s++) {
        int[] slot = slots.get(s);
        ToolResult r = ordered.get(s);
        ToolResult was = (ToolResult) blocks.get(slot[0] - i - 1).get(slot[1]);
        String tool = calls.get(r.callId()).name();
        if (r != was) {
          changed = true;
          own.add(new RepairAction(Kind.MOVE, r.callId(), null, -1, slot[0], "moved the result of call " + r.callId()
              + " to its call's place in the order of its turn's calls (the provider matches results by order)"));
        }
        if (r.name() != null && !r.name().equals(tool)) {
          own.add(new RepairAction(Kind.REBIND, r.callId(), r.callId(), -1, slot[0], "the result of call "
              + r.callId() + " named tool '" + r.name() + "'; named it '" + tool + "', its call's tool (the provider"
              + " matches results by name)"));
          r = new ToolResult(r.callId(), tool, r.output(), r.error(), r.metadata());
          changed = true;
        }
        blocks.get(slot[0] - i - 1).set(slot[1], r);
      }
      if (changed) {
        for (int j = i + 1; j < end; j++) {
          out.set(j, out.get(j).withContents(blocks.get(j - i - 1)));
        }
      }
    }
  }

  // ---------------------------------------------------------------- Gemini: a call turn after the user's

  /** Index {@code k} of out after the messages at {@code run} (ascending) were joined into one at {@code at}. */
  private static int moved(int k, List<Integer> run, int at) {
    if (run.contains(k)) {
      return at;
    }
    int before = 0;
    for (int r : run) {
      if (r < k) {
        before++;
      }
    }
    return k - before;
  }

  private static List<Message> callTurnsAfterUser(List<Message> in, RepairPolicy policy, List<RepairAction> actions,
      List<RepairAction> own) {
    int[] map = new int[in.size()];
    List<Message> out = new ArrayList<>(in.size() + 1);
    // the indexes in out of the messages that send something and are not system messages, in order
    List<Integer> sent = new ArrayList<>();
    List<RepairAction> merged = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      Message m = in.get(i);
      if (m.role() == Role.ASSISTANT && m.hasToolCalls() && !sent.isEmpty()
          && out.get(sent.get(sent.size() - 1)).role() == Role.ASSISTANT) {
        // the assistant turns right before it (only messages that send nothing between them) and it: one turn
        List<Integer> run = new ArrayList<>();
        while (!sent.isEmpty() && out.get(sent.get(sent.size() - 1)).role() == Role.ASSISTANT) {
          run.add(0, sent.remove(sent.size() - 1));
        }
        List<Content> contents = new ArrayList<>();
        Map<String, Object> metadata = new LinkedHashMap<>(m.metadata());
        for (int k = run.size() - 1; k >= 0; k--) {
          metadata.putAll(out.get(run.get(k)).metadata());
        }
        for (int r : run) {
          contents.addAll(out.get(r).contents());
        }
        contents.addAll(m.contents());
        for (int k = run.size() - 1; k >= 0; k--) {
          out.remove((int) run.get(k));
        }
        // the joined turn goes where the calls were, so that their results still follow them directly
        out.add(new Message(Role.ASSISTANT, contents, metadata));
        int at = out.size() - 1;
        for (int k = 0; k < i; k++) {
          map[k] = moved(map[k], run, at);
        }
        for (int k = 0; k < merged.size(); k++) {
          RepairAction a = merged.get(k);
          merged.set(k, new RepairAction(a.kind(), a.callId(), a.newCallId(), a.fromIndex(), moved(a.toIndex(), run, at),
              a.detail()));
        }
        map[i] = at;
        sent.add(at);
        merged.add(new RepairAction(Kind.MOVE, m.toolCalls().get(0).callId(), null, -1, at,
            "a turn with calls followed another assistant turn; joined it to that turn, after what it said (a turn"
                + " with calls must come right after a user turn or results)"));
        continue;
      }
      map[i] = out.size();
      out.add(m);
      if (m.role() != Role.SYSTEM && DialectChecks.sends(m)) {
        sent.add(out.size() - 1);
      }
    }
    // a history whose first turn is one with calls gets a user turn first
    int first = -1;
    for (int k = 0; k < out.size(); k++) {
      if (out.get(k).role() != Role.SYSTEM && DialectChecks.sends(out.get(k))) {
        first = k;
        break;
      }
    }
    boolean cut = first >= 0 && out.get(first).role() == Role.ASSISTANT && out.get(first).hasToolCalls();
    if (merged.isEmpty() && !cut) {
      return in;
    }
    if (cut) {
      out.add(first, new Message(Role.USER, List.of(Text.of(policy.cutHistoryText())),
          Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR)));
      for (int k = 0; k < map.length; k++) {
        if (map[k] >= first) {
          map[k]++;
        }
      }
    }
    // the indexes of the actions so far, moved with their messages
    for (List<RepairAction> list : List.of(actions, own)) {
      for (int k = 0; k < list.size(); k++) {
        RepairAction a = list.get(k);
        if (a.toIndex() >= 0 && a.toIndex() < map.length) {
          list.set(k, new RepairAction(a.kind(), a.callId(), a.newCallId(), a.fromIndex(), map[a.toIndex()],
              a.detail()));
        }
      }
    }
    for (RepairAction a : merged) {
      own.add(new RepairAction(a.kind(), a.callId(), a.newCallId(), a.fromIndex(),
          cut && a.toIndex() >= first ? a.toIndex() + 1 : a.toIndex(), a.detail()));
    }
    if (cut) {
      own.add(new RepairAction(Kind.SYNTHESIZE, "", null, -1, first, "the history starts with a turn with calls (its"
          + " first turns were cut); put a user turn first that says so, as a turn with calls must come right after a"
          + " user turn"));
    }
    return out;
  }
}
