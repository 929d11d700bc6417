package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What must survive a repair of a whole body, for the properties that repair random bodies
 * ({@link WirePropertiesTest}, and {@link RefereeCrossCheckProperties} with the referee as judge):
 * everything said, the reasoning items, and every complete call/result pair.
 */
final class Survival {

  private Survival() {}

  /** The model's own reasoning (Responses reasoning items, Anthropic thinking blocks): counted apart. */
  static final java.util.Set<String> HIDDEN = java.util.Set.of("reasoning", "thinking", "redacted_thinking");

  /** The thinking blocks of {@code history}. */
  static long thinking(List<Message> history) {
    return count(history, "thinking") + count(history, "redacted_thinking");
  }

  /** The thinking blocks that {@code repair} reports dropped. */
  static long droppedThinking(WireRepair repair) {
    return repair.actions().stream().filter(a -> a.kind() == dev.toolguard.core.RepairAction.Kind.DROP
        && (a.detail().startsWith("removed a thinking block") || a.detail().startsWith("removed a redacted_thinking block")))
        .count();
  }

  /** Texts and opaque items other than reasoning and thinking, with their role, in order. */
  static List<String> said(List<Message> history) {
    List<String> said = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof Text) {
          said.add(m.role() + ": " + ((Text) c).text());
        } else if (c instanceof Opaque && !HIDDEN.contains(((Opaque) c).kind())) {
          said.add(m.role() + ": " + ((Opaque) c).kind() + " " + ((Opaque) c).payload());
        }
      }
    }
    return said;
  }

  /**
   * What {@code sent}, the history of a repaired body, says beside the user turns that say earlier
   * messages were cut, which repair puts in an Anthropic history (each reported as a SYNTHESIZE without
   * call id, at the message it stands): first after the system messages when the history would start
   * with the assistant, and, with thinking on, before the message that starts the final assistant turn
   * with its thinking block. Each reported note must stand where the report says, and there only.
   */
  static List<String> saidBesidesCutNote(List<Message> sent, WireRepair repair, String context) {
    List<String> said = said(sent);
    String note = "USER: " + dev.toolguard.core.RepairPolicy.DEFAULT_CUT_HISTORY_TEXT;
    List<WireAction> notes = repair.actions().stream()
        .filter(a -> a.kind() == dev.toolguard.core.RepairAction.Kind.SYNTHESIZE && a.callId().isEmpty()).toList();
    int first = 0;
    while (first < sent.size() && sent.get(first).role() == dev.toolguard.core.Role.SYSTEM) {
      first++;
    }
    boolean there = first < sent.size() && isNote(sent.get(first));
    boolean reportedFirst = notes.stream().anyMatch(a -> a.detail().startsWith("the history starts with an assistant"));
    assertThat(there).as("the cut note is first exactly when reported: %s", context).isEqualTo(reportedFirst);
    if (!notes.isEmpty()) {
      assertThat(repair.request().dialect()).isEqualTo(dev.toolguard.core.Dialect.ANTHROPIC);
    }
    for (int k = 0; k < notes.size(); k++) {
      assertThat(said.remove(note)).as("reported cut note %s is there: %s", notes.get(k), context).isTrue();
    }
    return said;
  }

  private static boolean isNote(Message m) {
    return m.role() == dev.toolguard.core.Role.USER && !m.contents().isEmpty()
        && m.contents().get(0).equals(Text.of(dev.toolguard.core.RepairPolicy.DEFAULT_CUT_HISTORY_TEXT));
  }

  /**
   * What {@code in} says that repair must keep: everything, but an MCP approval response that repair
   * reports it dropped (it answers no approval request before it, which the provider refuses, and
   * issue #16 has repair drop it and say so) — the first of that request id, as repair drops it — and
   * an MCP item that repair reports it removed because it cannot go without an id the provider
   * refuses (of another kind, or a later copy's).
   */
  static List<String> saidToKeep(List<Message> in, WireRepair repair) {
    List<String> said = said(in);
    for (WireAction a : repair.actions()) {
      // an MCP item that cannot go without its id, removed for its id (of another kind, or a copy's)
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^removed (mcp_\\w+) item (\\S+): ").matcher(a.detail());
      if ((a.kind() == dev.toolguard.core.RepairAction.Kind.DROP || a.kind() == dev.toolguard.core.RepairAction.Kind.DEDUPLICATE)
          && m.find()) {
        String marker = "\"id\":\"" + m.group(2) + "\"";
        int last = -1;
        for (int j = 0; j < said.size(); j++) {
          if (said.get(j).contains(": " + m.group(1) + " ") && said.get(j).contains(marker)) {
            last = j;
            if (a.kind() == dev.toolguard.core.RepairAction.Kind.DROP) {
              break; // the one with the id of another kind
            }
          }
        }
        if (last >= 0) {
          said.remove(last); // a copy: the later one goes
        }
      }
    }
    String prefix = "removed an MCP approval response for ";
    for (WireAction a : repair.actions()) {
      if (a.kind() == dev.toolguard.core.RepairAction.Kind.DROP && a.detail().startsWith(prefix)) {
        String request = a.detail().substring(prefix.length(), a.detail().indexOf(':', prefix.length()));
        String marker = "\"approval_request_id\":\"" + request + "\"";
        for (int j = 0; j < said.size(); j++) {
          if (said.get(j).contains(": mcp_approval_response ") && said.get(j).contains(marker)) {
            said.remove(j);
            break;
          }
        }
      }
    }
    return said;
  }

  /** How many opaque items of {@code kind} the history holds. */
  static long count(List<Message> history, String opaqueKind) {
    return history.stream().flatMap(m -> m.contents().stream())
        .filter(c -> c instanceof Opaque && ((Opaque) c).kind().equals(opaqueKind)).count();
  }

  /**
   * Every call of the input whose id is unique among the calls and that has a result somewhere still
   * stands in the output (under its id, or a new one that remembers it), answered right after its
   * message (for OpenAI Responses: anywhere after it) by one of its own results, not a made-up one.
   */
  static void assertCompletePairsKept(List<Message> in, List<Message> out, String context) {
    assertCompletePairsKept(in, out, context, false);
  }

  /** As {@link #assertCompletePairsKept(List, List, String)}; {@code anywhereAfter} for OpenAI Responses. */
  static void assertCompletePairsKept(List<Message> in, List<Message> out, String context, boolean anywhereAfter) {
    Map<String, Integer> callCount = new HashMap<>();
    Map<String, Set<String>> outputs = new HashMap<>();
    for (Message m : in) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall && !((ToolCall) c).informational() && !((ToolCall) c).callId().isEmpty()) {
          callCount.merge(((ToolCall) c).callId(), 1, Integer::sum);
        } else if (c instanceof ToolResult) {
          outputs.computeIfAbsent(((ToolResult) c).callId(), k -> new HashSet<>()).add(((ToolResult) c).output());
        }
      }
    }
    for (Message m : in) {
      for (ToolCall call : m.toolCalls()) {
        String id = call.callId();
        if (id.isEmpty() || callCount.get(id) != 1 || !outputs.containsKey(id)
            || call.metadata().containsKey(WireMetadata.VIRTUAL)) {
          continue;
        }
        ToolResult answer = answerOf(out, call, anywhereAfter);
        assertThat(answer).as("the result of complete pair %s in %s", id, context).isNotNull();
        assertThat(answer.synthetic()).as("pair %s answered by a made-up result in %s", id, context).isFalse();
        assertThat(outputs.get(id)).as("pair %s in %s", id, context).contains(answer.output());
      }
    }
  }

  /** The result right after the output's copy of {@code call} (same tool, arguments and original id). */
  private static ToolResult answerOf(List<Message> out, ToolCall call, boolean anywhereAfter) {
    for (int i = 0; i < out.size(); i++) {
      for (ToolCall c : out.get(i).toolCalls()) {
        Object original = c.metadata().getOrDefault(Metadata.ORIGINAL_CALL_ID, c.callId());
        if (!original.equals(call.callId()) || !c.name().equals(call.name())
            || !c.argumentsJson().equals(call.argumentsJson())) {
          continue;
        }
        for (int j = i + 1; j < out.size() && (anywhereAfter || out.get(j).role() == Role.TOOL); j++) {
          for (ToolResult r : out.get(j).toolResults()) {
            if (r.callId().equals(c.callId())) {
              return r;
            }
          }
        }
        return null;
      }
    }
    return null;
  }
}
