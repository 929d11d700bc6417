package dev.toolguard.core.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The words a provider answers for the violations of a history, worded for that history as the
 * provider meets the faults in the body a codec writes for it in the dialect's plain shape (one wire
 * message per message, contents in order, what is never sent left out; Anthropic: system messages in
 * the top-level {@code system}; OpenAI Chat: a tool message per result).
 *
 * <ul>
 *   <li>Anthropic: the ids of every block first ({@code messages.M.content.B.tool_use.id: String should
 *       match pattern …}); then, consecutive messages of one role taken as one turn, turn by turn, a
 *       reused id at its second tool_use, the unanswered tool_use ids of an assistant turn listed
 *       together at the message of the first, a tool_result for no tool_use of the turn before, and a
 *       second tool_result for one id, each at its block.
 *   <li>OpenAI Responses: an output before any call of its id has no tool call; an id given to a second
 *       call, or a second output, is refused as whichever of the two comes first.
 *   <li>OpenAI Chat: a tool message in the tool messages of an assistant message whose calls lack its
 *       id is "not found in 'tool_calls' of previous message"; one after anything else "must be a
 *       response to a preceeding message"; a second one for an id in the same block a "Duplicate
 *       value"; the unanswered calls of a message listed together; a reused call id at both places.
 * </ul>
 *
 * <p>One pass to lay the history out, one to walk it as the provider does; each violation then takes
 * the words met at its own call or result, or the first words the provider meets about its id.
 * {@code toolguard-json}'s {@code WireGuard} words violations from the very body instead (its layout
 * can differ from the plain one: joined messages, templates).
 */
final class ProviderErrors {

  private static final String ANTHROPIC_PATTERN = "String should match pattern '^[a-zA-Z0-9_-]+$'";

  private ProviderErrors() {}

  /** {@code violations} of {@code history}, each with the words {@code dialect}'s provider answers where known. */
  static List<Violation> word(List<Message> history, Dialect dialect, List<Violation> violations) {
    if (violations.isEmpty()) {
      return violations;
    }
    if (DialectWords.covers(dialect)) {
      // Gemini, Bedrock Converse, Mistral, Ollama
      return DialectWords.word(history, dialect, violations);
    }
    Layout layout = new Layout(history, dialect);
    Words words = switch (dialect) {
      case ANTHROPIC -> anthropic(layout);
      case OPENAI_RESPONSES -> responses(layout);
      case OPENAI_CHAT -> chat(layout);
      default -> throw new IllegalStateException("no words for " + dialect);
    };
    Set<String> used = new HashSet<>();
    List<Violation> out = new ArrayList<>(violations.size());
    for (Violation v : violations) {
      String error = words.of(v, history, layout, used);
      out.add(error == null ? v : v.withBodyError(dialect, error));
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- the body's plain layout

  /**
   * A content as written: its wire message, its index there (block, tool call, or -1), whether it is a
   * call, a result or something else, and its call id ({@code ""} for something else).
   */
  private record Item(int message, int index, boolean call, boolean result, String id) {}

  /** Where each message and content of the history goes in the plain body of a dialect. */
  private static final class Layout {
    /** The wire role of each wire message ({@code user} or {@code assistant}; Chat keeps {@code tool}, {@code system}). */
    final List<String> roles = new ArrayList<>();
    /** The calls and results of each wire message, in order. */
    final List<List<Item>> items = new ArrayList<>();
    /** For each message and content, its item (null when it is not a call or result, or not written). */
    final Map<Long, Item> at = new HashMap<>();

    Layout(List<Message> history, Dialect dialect) {
      for (int i = 0; i < history.size(); i++) {
        Message m = history.get(i);
        if (dialect == Dialect.ANTHROPIC && m.role() == Role.SYSTEM) {
          continue;
        }
        List<Content> contents = m.contents();
        boolean sends = contents.isEmpty();
        for (Content c : contents) {
          sends |= !ProviderView.informational(c);
        }
        if (!sends) {
          continue;
        }
        if (dialect == Dialect.OPENAI_CHAT && m.role() == Role.TOOL) {
          // one tool message per result
          for (int k = 0; k < contents.size(); k++) {
            if (contents.get(k) instanceof ToolResult r) {
              int w = open("tool");
              add(i, k, new Item(w, -1, false, true, r.callId()));
            }
          }
          continue;
        }
        int w = open(role(m.role(), dialect));
        int index = 0;
        for (int k = 0; k < contents.size(); k++) {
          Content c = contents.get(k);
          if (ProviderView.informational(c)) {
            continue;
          }
          if (c instanceof ToolCall call) {
            add(i, k, new Item(w, index, true, false, call.callId()));
          } else if (c instanceof ToolResult r) {
            add(i, k, new Item(w, index, false, true, r.callId()));
          } else if (dialect != Dialect.OPENAI_CHAT) {
            add(i, k, new Item(w, index, false, false, ""));
          }
          // Chat: the calls count among the tool_calls only; Anthropic and Responses: every content
          if (dialect != Dialect.OPENAI_CHAT || c instanceof ToolCall) {
            index++;
          }
        }
      }
    }

    private static String role(Role role, Dialect dialect) {
      if (dialect == Dialect.OPENAI_CHAT) {
        return role == Role.SYSTEM ? "system" : role == Role.ASSISTANT ? "assistant" : role == Role.TOOL ? "tool"
            : "user";
      }
      return role == Role.ASSISTANT ? "assistant" : "user";
    }

    private int open(String role) {
      roles.add(role);
      items.add(new ArrayList<>());
      return roles.size() - 1;
    }

    private void add(int message, int content, Item item) {
      items.get(item.message()).add(item);
      at.put(key(message, content), item);
    }

    @Nullable Item item(int message, int content) {
      return at.get(key(message, content));
    }

    private static long key(int message, int content) {
      return ((long) message << 32) | (content & 0xffffffffL);
    }
  }

  /** The words the walk found: at an item, and the first about each id. */
  private static final class Words {
    final Map<Item, String> atItem = new HashMap<>();
    final Map<String, String> firstById = new HashMap<>();
    /** For Chat and Responses: the code-specific words, or null to take the generic lookup. */
    @Nullable Chooser chooser;

    void met(@Nullable Item item, String id, String words) {
      if (item != null) {
        atItem.putIfAbsent(item, words);
      }
      firstById.putIfAbsent(id, words);
    }

    @Nullable String of(Violation v, List<Message> history, Layout layout, Set<String> used) {
      if (chooser != null) {
        return chooser.choose(v, history, layout);
      }
      boolean results;
      switch (v.code()) {
        case EMPTY_RESULT_ID, ORPHAN_RESULT, DUPLICATE_RESULT -> results = true;
        case EMPTY_CALL_ID, DUPLICATE_CALL_ID, REPEATED_CALL -> results = false;
        case MISSING_RESULT, MISPLACED_RESULT -> {
          return firstById.get(v.callId());
        }
        default -> {
          return null;
        }
      }
      // each call or result of the violation's message with its id taken once, in order
      List<Content> contents = history.get(v.messageIndex()).contents();
      for (int k = 0; k < contents.size(); k++) {
        Item item = layout.item(v.messageIndex(), k);
        if (item == null || (results ? !item.result() : !item.call()) || !item.id().equals(v.callId())) {
          continue;
        }
        String own = atItem.get(item);
        if (own != null && used.add(item.message() + "." + item.index())) {
          return own;
        }
      }
      return firstById.get(v.callId());
    }
  }

  /** Words for one violation, from the whole layout. */
  private interface Chooser {
    @Nullable String choose(Violation v, List<Message> history, Layout layout);
  }

  // ---------------------------------------------------------------- Anthropic

  private static Words anthropic(Layout layout) {
    Words words = new Words();
    // 1. the ids of every block
    for (List<Item> items : layout.items) {
      for (Item item : items) {
        if ((item.call() || item.result()) && (item.id().isEmpty() || !validAnthropicId(item.id()))) {
          words.met(item, item.id(), "messages." + item.message() + ".content." + item.index() + "."
              + (item.call() ? "tool_use.id" : "tool_result.tool_use_id") + ": " + ANTHROPIC_PATTERN);
        }
      }
    }
    // 2. turns: consecutive wire messages of one role
    List<String> roles = new ArrayList<>();
    List<List<Item>> turns = new ArrayList<>();
    for (int w = 0; w < layout.roles.size(); w++) {
      String role = layout.roles.get(w);
      if (roles.isEmpty() || !roles.get(roles.size() - 1).equals(role)) {
        roles.add(role);
        turns.add(new ArrayList<>());
      }
      turns.get(turns.size() - 1).addAll(layout.items.get(w));
    }
    Set<String> allUses = new HashSet<>();
    for (int t = 0; t < turns.size(); t++) {
      List<Item> turn = turns.get(t);
      if (roles.get(t).equals("user")) {
        Set<String> uses = new HashSet<>();
        if (t > 0) {
          for (Item item : turns.get(t - 1)) {
            if (item.call()) {
              uses.add(item.id());
            }
          }
        }
        Set<String> answered = new HashSet<>();
        for (Item item : turn) {
          if (!item.result()) {
            continue;
          }
          String at = "messages." + item.message() + ".content." + item.index();
          if (!uses.contains(item.id())) {
            words.met(item, item.id(), at + ": unexpected `tool_use_id` found in `tool_result` blocks: " + item.id()
                + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
          } else if (!answered.add(item.id())) {
            words.met(item, item.id(), at + ": each tool_use must have a single result. Found multiple `tool_result`"
                + " blocks with id: " + item.id());
          }
        }
        continue;
      }
      Map<String, Item> uses = new LinkedHashMap<>();
      for (Item item : turn) {
        if (!item.call()) {
          continue;
        }
        if (!allUses.add(item.id())) {
          words.met(item, item.id(), "messages." + item.message() + ".content." + item.index()
              + ": `tool_use` ids must be unique");
        }
        uses.put(item.id(), item);
      }
      if (uses.isEmpty()) {
        continue;
      }
      Set<String> leading = t + 1 < turns.size() ? leadingResults(turns.get(t + 1)) : Set.of();
      LinkedHashSet<String> missing = new LinkedHashSet<>();
      for (String id : uses.keySet()) {
        if (!leading.contains(id)) {
          missing.add(id);
        }
      }
      if (!missing.isEmpty()) {
        String text = "messages." + uses.get(missing.iterator().next()).message() + ": `tool_use` ids were found"
            + " without `tool_result` blocks immediately after: " + String.join(", ", missing) + ". Each `tool_use`"
            + " block must have a corresponding `tool_result` block in the next message.";
        for (String id : missing) {
          words.firstById.putIfAbsent(id, text);
        }
      }
    }
    return words;
  }

  /** The ids of the tool_result blocks that open a user turn (before any other block). */
  private static Set<String> leadingResults(List<Item> turn) {
    Set<String> ids = new HashSet<>();
    for (Item item : turn) {
      if (!item.result()) {
        break;
      }
      ids.add(item.id());
    }
    return ids;
  }

  private static boolean validAnthropicId(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- OpenAI Responses

  private static Words responses(Layout layout) {
    // for each id: the item index of its first and second call, and of its first and second output
    Map<String, int[]> seen = new HashMap<>();
    for (List<Item> items : layout.items) {
      for (Item item : items) {
        if (!item.call() && !item.result()) {
          continue;
        }
        int[] s = seen.computeIfAbsent(item.id(), x -> new int[] {NONE, NONE, NONE, NONE});
        int first = item.call() ? 0 : 2;
        int order = item.message() * 65_536 + item.index();
        if (s[first] == NONE) {
          s[first] = order;
        } else if (s[first + 1] == NONE) {
          s[first + 1] = order;
        }
      }
    }
    Words words = new Words();
    words.chooser = (v, history, layout2) -> {
      String id = v.callId();
      int[] s = seen.getOrDefault(id, new int[] {NONE, NONE, NONE, NONE});
      String duplicateCall = "Duplicate function call found with call_id " + id + ".";
      String duplicateOutput = "Duplicate function call output found with call_id " + id + ".";
      switch (v.code()) {
        case DUPLICATE_CALL_ID:
        case REPEATED_CALL:
          return s[3] < s[1] ? duplicateOutput : duplicateCall;
        case EMPTY_CALL_ID:
          // written with an empty call_id, which no output answers
          return s[2] == NONE ? "No tool output found for function call " + id + "." : null;
        case ORPHAN_RESULT:
        case MISPLACED_RESULT:
        case DUPLICATE_RESULT:
        case EMPTY_RESULT_ID: {
          Item at = ownItem(v, history, layout2, v.code() == dev.toolguard.core.ViolationCode.DUPLICATE_RESULT);
          int order = at == null ? -1 : at.message() * 65_536 + at.index();
          if (s[0] == NONE || (order >= 0 && s[0] > order)) {
            return "No tool call found for function call output with call_id " + id + ".";
          }
          if (v.code() != dev.toolguard.core.ViolationCode.DUPLICATE_RESULT) {
            return null;
          }
          return s[1] < s[3] ? duplicateCall : duplicateOutput;
        }
        default:
          return null;
      }
    };
    return words;
  }

  private static final int NONE = Integer.MAX_VALUE;

  /** The call or result of {@code v} in its message: the first with its id, or for a duplicate result the last. */
  private static @Nullable Item ownItem(Violation v, List<Message> history, Layout layout, boolean last) {
    List<Content> contents = history.get(v.messageIndex()).contents();
    Item found = null;
    for (int k = 0; k < contents.size(); k++) {
      Item item = layout.item(v.messageIndex(), k);
      if (item != null && (item.call() || item.result()) && item.id().equals(v.callId())) {
        found = item;
        if (!last) {
          return item;
        }
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- OpenAI Chat

  private static Words chat(Layout layout) {
    int n = layout.roles.size();
    // for each wire message: the assistant message whose block of tool messages it stands in, or -1
    int[] owner = new int[n];
    for (int w = 0; w < n; w++) {
      if (!layout.roles.get(w).equals("tool") || w == 0) {
        owner[w] = -1;
      } else if (layout.roles.get(w - 1).equals("tool")) {
        owner[w] = owner[w - 1];
      } else {
        owner[w] = layout.roles.get(w - 1).equals("assistant") && !layout.items.get(w - 1).isEmpty() ? w - 1 : -1;
      }
    }
    // per block: the first tool message of each id in it
    Map<Integer, Map<String, Integer>> blocks = new HashMap<>();
    for (int w = 0; w < n; w++) {
      if (owner[w] >= 0) {
        for (Item item : layout.items.get(w)) {
          blocks.computeIfAbsent(owner[w], x -> new HashMap<>()).putIfAbsent(item.id(), w);
        }
      }
    }
    // the first call of each id
    Map<String, Item> firstCall = new HashMap<>();
    for (List<Item> items : layout.items) {
      for (Item item : items) {
        if (item.call()) {
          firstCall.putIfAbsent(item.id(), item);
        }
      }
    }
    Words words = new Words();
    words.chooser = (v, history, layout2) -> {
      String id = v.callId();
      Item own = ownItem(v, history, layout2, v.code() == dev.toolguard.core.ViolationCode.DUPLICATE_RESULT);
      switch (v.code()) {
        case MISSING_RESULT: {
          Item call = firstCall.get(id);
          return call == null ? null : withoutResponses(layout2, blocks, call.message());
        }
        case MISPLACED_RESULT: {
          Item call = firstCall.get(id);
          if (call != null && own != null && call.message() < own.message() && owner[own.message()] != call.message()
              && !missing(layout2, blocks, call.message()).isEmpty()) {
            return withoutResponses(layout2, blocks, call.message());
          }
          return own == null ? null : stray(owner, blocks, own);
        }
        case ORPHAN_RESULT:
        case DUPLICATE_RESULT:
        case EMPTY_RESULT_ID:
          // an empty tool_call_id is met as any other id the block's calls lack
          return own == null ? null : stray(owner, blocks, own);
        case DUPLICATE_CALL_ID:
        case REPEATED_CALL: {
          Item first = firstCall.get(id);
          Item second = null;
          for (Item item : layout2.items.get(own == null ? 0 : own.message())) {
            if (item.call() && item.id().equals(id) && item != first) {
              second = item;
              break;
            }
          }
          if (first == null || second == null) {
            return null;
          }
          return "Invalid parameter: Duplicate value for 'id' of '" + id + "', in messages[" + first.message()
              + "].tool_calls[" + first.index() + "] and messages[" + second.message() + "].tool_calls["
              + second.index() + "].";
        }
        default:
          return null;
      }
    };
    return words;
  }

  private static String stray(int[] owner, Map<Integer, Map<String, Integer>> blocks, Item result) {
    int a = owner[result.message()];
    if (a < 0) {
      return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with"
          + " 'tool_calls'.";
    }
    Integer first = blocks.getOrDefault(a, Map.of()).get(result.id());
    if (first != null && first < result.message()) {
      return "Invalid parameter: Duplicate value for 'tool_call_id' of '" + result.id() + "', in messages[" + first
          + "] and messages[" + result.message() + "].";
    }
    return "Invalid parameter: 'tool_call_id' of '" + result.id() + "' not found in 'tool_calls' of previous message.";
  }

  private static String withoutResponses(Layout layout, Map<Integer, Map<String, Integer>> blocks, int a) {
    return "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
        + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
        + String.join(", ", missing(layout, blocks, a));
  }

  private static List<String> missing(Layout layout, Map<Integer, Map<String, Integer>> blocks, int a) {
    Set<String> answered = blocks.getOrDefault(a, Map.of()).keySet();
    LinkedHashSet<String> missing = new LinkedHashSet<>();
    for (Item item : layout.items.get(a)) {
      if (item.call() && !item.id().isEmpty() && !answered.contains(item.id())) {
        missing.add(item.id());
      }
    }
    return new ArrayList<>(missing);
  }
}
