package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.WireMetadata;
import dev.toolguard.json.WireViolation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits that a dialect adds to the core invariant, checked on a history and applied to a
 * history that core has repaired:
 *
 * <ul>
 *   <li>OpenAI Chat: call ids of at most 40 characters; no empty {@code tool_calls} array.
 *   <li>OpenAI Responses: call ids of at most 64 characters; a reasoning item directly followed by
 *       the item it belongs to, with that item's server id (not by another reasoning item, nor by an
 *       item without its id, nor by another item than the one read with it); an item read with a reasoning item ({@link WireMetadata#PAIRED}) directly after it,
 *       or sent without its server id; every item id used once (a later item that repeats one loses
 *       it, a repeated reasoning item is removed).
 *   <li>Anthropic: call ids of {@code [a-zA-Z0-9_-]} only; in a repaired body, consecutive turns of
 *       the same role merged into one message, its tool_result blocks first.
 * </ul>
 *
 * <p>A rewritten id is deterministic (a kept prefix and a short SHA-256 of the old id), unique in the
 * history, and changes the call and its result together.
 */
public final class DialectLimits {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.repair");

  /** The longest call id that OpenAI Chat accepts. */
  public static final int OPENAI_CHAT_MAX_ID = 40;

  /** The longest call id that OpenAI Responses accepts. */
  public static final int OPENAI_RESPONSES_MAX_ID = 64;

  /**
   * OpenAI Responses: the prefix of the server id of each item type that has one; the service refuses
   * an id of another kind ({@code Expected an ID that begins with 'rs'.}).
   */
  static final Map<String, String> ID_PREFIXES = Map.of(
      "reasoning", "rs", "function_call", "fc", "message", "msg", "mcp_approval_request", "mcpr",
      "mcp_call", "mcp", "mcp_list_tools", "mcp");

  private DialectLimits() {}

  /** A change for a limit; {@code message} indexes the history after all limits. */
  public record LimitAction(RepairAction.Kind kind, String callId, @Nullable String newCallId, int message, String detail) {}

  /**
   * A history with the limits applied.
   *
   * @param history the history
   * @param actions the changes
   * @param indexMap for each index of the history given, its index in {@code history}, or -1
   */
  public record Applied(List<Message> history, List<LimitAction> actions, int[] indexMap) {}

  /** A message of the history being changed, and its index in the history given. */
  private static final class Entry {
    Message message;
    final int origin;

    Entry(Message message, int origin) {
      this.message = message;
      this.origin = origin;
    }
  }

  /** Pending actions, with the entry they concern. */
  private record Pending(RepairAction.Kind kind, String callId, @Nullable String newCallId, Entry at, String detail) {}

  /** True for the dialects whose limits and words are core's alone (Gemini, Bedrock Converse, Mistral, Ollama). */
  public static boolean wordedByCore(Dialect dialect) {
    return dialect != Dialect.OPENAI_CHAT && dialect != Dialect.OPENAI_RESPONSES && dialect != Dialect.ANTHROPIC;
  }

  /** Bedrock Converse's words for messages of one role in a row. */
  static final String BEDROCK_ALTERNATE = "A conversation must alternate between user and assistant roles. Make sure"
      + " the conversation alternates between user and assistant roles and try again.";

  /**
   * Bedrock Converse: the messages that start a wire message of the same role as the one before (user
   * and tool messages are both the user's), which the body holds as two messages.
   */
  private static List<Integer> notAlternating(List<Message> history) {
    List<Integer> out = new ArrayList<>();
    Role previous = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      boolean sent = m.contents().isEmpty();
      for (Content c : m.contents()) {
        sent |= !Contents.informational(c);
      }
      if (m.role() == Role.SYSTEM || !sent) {
        continue;
      }
      Role role = m.role() == Role.ASSISTANT ? Role.ASSISTANT : Role.USER;
      if (role == previous && !Json.flag(m.metadata(), WireMetadata.JOINED)) {
        out.add(i);
      }
      previous = role;
    }
    return out;
  }

  // ---------------------------------------------------------------- check

  /**
   * The violations of the limits of {@code dialect} in {@code history}, placed by {@code written};
   * {@code stored} when the body continues a conversation stored on the server (its earlier items are
   * not in the body); {@code thinking} when an Anthropic body turns extended thinking on.
   */
  public static List<WireViolation> check(Dialect dialect, List<Message> history, Encoded written, boolean stored,
      boolean thinking) {
    List<WireViolation> out = new ArrayList<>();
    if (thinking) {
      checkThinkingFirst(history, written, out);
    }
    if (dialect == Dialect.BEDROCK_CONVERSE) {
      for (int i : notAlternating(history)) {
        String role = history.get(i).role() == Role.ASSISTANT ? "an assistant" : "a user";
        out.add(new WireViolation("ROLES_NOT_ALTERNATING", written.messagePath(i), "",
            role + " message follows another of its role; Converse takes user and assistant messages in turn",
            BEDROCK_ALTERNATE));
      }
    }
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (dialect == Dialect.OPENAI_RESPONSES && m.role() == Role.TOOL) {
        // the service measures the call_id of an output too (repair renames it with its call, or
        // drops it with no call)
        for (int k = 0; k < m.contents().size(); k++) {
          if (!(m.contents().get(k) instanceof ToolResult)) {
            continue;
          }
          String id = ((ToolResult) m.contents().get(k)).callId();
          int length = id.codePointCount(0, id.length());
          String path = written.contentPath(i, k);
          if (length > OPENAI_RESPONSES_MAX_ID && path != null) {
            String field = path + ".call_id";
            out.add(new WireViolation("CALL_ID_TOO_LONG", field, id,
                "the output's call id " + id + " has " + length + " characters; " + dialect.id() + " accepts at most "
                    + OPENAI_RESPONSES_MAX_ID,
                "Invalid '" + field + "': string too long. Expected a string with maximum length "
                    + OPENAI_RESPONSES_MAX_ID + ", but got a string with length " + length + " instead."));
          }
        }
      }
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = m.contents();
      for (int k = 0; k < contents.size(); k++) {
        if (!(contents.get(k) instanceof ToolCall)) {
          continue;
        }
        ToolCall call = (ToolCall) contents.get(k);
        String path = written.contentPath(i, k);
        if (path == null || call.informational() || call.callId().isEmpty()) {
          continue;
        }
        String id = call.callId();
        if (dialect == Dialect.ANTHROPIC) {
          if (!validAnthropicId(id)) {
            out.add(new WireViolation("CALL_ID_CHARACTERS", path + ".id", id,
                "call id " + id + " has characters other than letters, digits, _ and -, which Anthropic rejects",
                dotted(path) + ".tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"));
          }
        } else if (dialect == Dialect.OPENAI_CHAT || dialect == Dialect.OPENAI_RESPONSES) {
          // (the newer dialects' id rules are core's: HistoryGuard.check(history, dialect))
          int max = dialect == Dialect.OPENAI_CHAT ? OPENAI_CHAT_MAX_ID : OPENAI_RESPONSES_MAX_ID;
          int length = id.codePointCount(0, id.length());
          if (length > max) {
            String field = path + (dialect == Dialect.OPENAI_CHAT ? ".id" : ".call_id");
            out.add(new WireViolation("CALL_ID_TOO_LONG", field, id,
                "call id " + id + " has " + length + " characters; " + dialect.id() + " accepts at most " + max,
                "Invalid '" + field + "': string too long. Expected a string with maximum length " + max
                    + ", but got a string with length " + length + " instead."));
          }
        }
      }
      if (dialect == Dialect.OPENAI_CHAT && hasEmptyToolCalls(m)) {
        String field = written.messagePath(i) + ".tool_calls";
        out.add(new WireViolation("EMPTY_TOOL_CALLS", field, "",
            "an assistant message has an empty tool_calls array",
            "Invalid '" + field + "': empty array. Expected an array with minimum length 1, but got an empty array"
                + " instead."));
      }
      if (dialect == Dialect.OPENAI_RESPONSES) {
        for (int k : stackedReasoning(m)) {
          String path = written.contentPath(i, k);
          String id = reasoningId(contents.get(k));
          out.add(new WireViolation("REASONING_WITHOUT_FOLLOWING_ITEM", path == null ? written.messagePath(i) : path, "",
              "reasoning item " + (id.isEmpty() ? "(without id)" : id) + " is followed by another reasoning item, not"
                  + " by the call or message it belongs to",
              "Item '" + id + "' of type 'reasoning' was provided without its required following item."));
        }
        checkPairs(m, i, written, out);
        for (int k : unpairedReasoning(m)) {
          String path = written.contentPath(i, k);
          String id = reasoningId(contents.get(k));
          out.add(new WireViolation("REASONING_WITHOUT_FOLLOWING_ITEM", path == null ? written.messagePath(i) : path, "",
              "reasoning item " + (id.isEmpty() ? "(without id)" : id) + " is followed by a "
                  + itemType(contents.get(nextStart(m, k))) + " item without its server id, which OpenAI cannot pair"
                  + " with it",
              "Item '" + id + "' of type 'reasoning' was provided without its required following item."));
        }
        for (int k : trailingReasoning(m)) {
          String path = written.contentPath(i, k);
          String id = reasoningId(contents.get(k));
          out.add(new WireViolation("REASONING_WITHOUT_FOLLOWING_ITEM", path == null ? written.messagePath(i) : path, "",
              "reasoning item " + (id.isEmpty() ? "(without id)" : id) + " is not followed by the call or message it"
                  + " belongs to",
              "Item '" + id + "' of type 'reasoning' was provided without its required following item."));
        }
      }
    }
    if (dialect == Dialect.OPENAI_RESPONSES && !stored) {
      Set<String> requests = new HashSet<>();
      for (int i = 0; i < history.size(); i++) {
        List<Content> contents = history.get(i).contents();
        for (int k = 0; k < contents.size(); k++) {
          String request = approvalRequestId(contents.get(k));
          String answered = request == null ? answeredApprovalRequest(contents.get(k)) : null;
          if (request != null) {
            requests.add(request);
          } else if (answered != null && !requests.contains(answered)) {
            int at = written.contentIndex(i, k);
            String path = at < 0 ? written.messagePath(i) : written.field() + "[" + at + "]";
            out.add(new WireViolation("UNMATCHED_MCP_APPROVAL", path + ".approval_request_id", "",
                "MCP approval response for " + answered + " answers no mcp_approval_request before it",
                "No MCP approval request found with id " + answered + " for the mcp_approval_response."));
          }
        }
      }
    }
    if (dialect == Dialect.OPENAI_RESPONSES) {
      for (int i = 0; i < history.size(); i++) {
        List<Content> contents = history.get(i).contents();
        for (int k = 0; k < contents.size(); k++) {
          String id = itemId(contents.get(k));
          String prefix = id == null ? null : ID_PREFIXES.get(itemType(contents.get(k)));
          if (prefix != null && !id.startsWith(prefix)) {
            int at = written.contentIndex(i, k);
            String path = (at < 0 ? written.messagePath(i) : written.field() + "[" + at + "]") + ".id";
            out.add(new WireViolation("ITEM_ID_PREFIX", path, contents.get(k) instanceof ToolCall
                ? ((ToolCall) contents.get(k)).callId() : "",
                itemType(contents.get(k)) + " item id " + id + " does not begin with " + prefix
                    + ", the prefix of its kind",
                "Invalid '" + path + "': '" + id + "'. Expected an ID that begins with '" + prefix + "'."));
          }
        }
      }
    }
    if (dialect == Dialect.OPENAI_RESPONSES) {
      Set<String> itemIds = new HashSet<>();
      for (int i = 0; i < history.size(); i++) {
        List<Content> contents = history.get(i).contents();
        for (int k = 0; k < contents.size(); k++) {
          String id = itemId(contents.get(k));
          if (id != null && !itemIds.add(id)) {
            int at = written.contentIndex(i, k);
            String path = at < 0 ? written.messagePath(i) : written.field() + "[" + at + "]";
            out.add(new WireViolation("DUPLICATE_ITEM_ID", path + ".id", "",
                "item id " + id + " is used by an earlier item too; OpenAI Responses takes each item id once",
                "Duplicate item found with id " + id + ". Remove duplicate items from your input and try again."));
          }
        }
      }
    }
    return out;
  }

  /**
   * OpenAI Responses: the id of the input item that {@code c} starts, or null when it starts none
   * (a later part of a message, a call that is not written, an item reference) or the item has no id.
   */
  private static @Nullable String itemId(Content c) {
    if (!written(c) || Json.flag(c.metadata(), WireMetadata.JOINED)) {
      return null;
    }
    ObjectNode item = Json.template(c.metadata(), WireMetadata.ITEM);
    if (item == null) {
      if (c instanceof Opaque) {
        Object payload = ((Opaque) c).payload();
        item = Json.flag(c.metadata(), WireMetadata.PART) || ((Opaque) c).kind().equals("item_reference")
            || !(payload instanceof ObjectNode) ? null : (ObjectNode) payload;
      } else if (c instanceof ToolCall || c instanceof ToolResult) {
        item = Json.template(c.metadata(), WireMetadata.NODE);
      }
    }
    JsonNode id = item == null ? null : item.get("id");
    return id != null && id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
  }

  /** {@code c}, which starts an input item, without the item's id (a reasoning item cannot go without). */
  private static Content withoutItemId(Content c) {
    ObjectNode item = Json.template(c.metadata(), WireMetadata.ITEM);
    if (item != null) {
      ObjectNode copy = item.deepCopy();
      copy.remove("id");
      return Contents.with(c, WireMetadata.ITEM, copy);
    }
    if (c instanceof Opaque) {
      ObjectNode copy = ((ObjectNode) ((Opaque) c).payload()).deepCopy();
      copy.remove("id");
      return new Opaque(((Opaque) c).kind(), copy, c.metadata());
    }
    ObjectNode copy = Json.template(c.metadata(), WireMetadata.NODE).deepCopy();
    copy.remove("id");
    return Contents.with(c, WireMetadata.NODE, copy);
  }

  /**
   * Anthropic with thinking on: when the last user turn holds tool results, the assistant turn before
   * it starts with a thinking block. Not repaired: a thinking block (and its signature) cannot be made
   * up, and one from elsewhere is not the model's reasoning for these calls.
   */
  private static void checkThinkingFirst(List<Message> history, Encoded written, List<WireViolation> out) {
    int end = history.size() - 1;
    boolean results = false;
    while (end >= 0 && (history.get(end).role() == Role.USER || history.get(end).role() == Role.TOOL)) {
      results |= history.get(end).role() == Role.TOOL;
      end--;
    }
    if (!results || end < 0 || history.get(end).role() != Role.ASSISTANT) {
      return;
    }
    int start = end;
    while (start > 0 && history.get(start - 1).role() == Role.ASSISTANT) {
      start--;
    }
    for (int i = start; i <= end; i++) {
      List<Content> contents = history.get(i).contents();
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        if (!written(c)) {
          continue;
        }
        String type = c instanceof Opaque ? ((Opaque) c).kind() : c instanceof ToolCall ? "tool_use"
            : c instanceof Text ? "text" : "unknown";
        if (!type.equals("thinking") && !type.equals("redacted_thinking")) {
          int message = written.messageIndex(start);
          out.add(new WireViolation("THINKING_NOT_FIRST", written.messagePath(start) + ".content[0]", "",
              "thinking is enabled, and the assistant turn whose calls the last user turn answers starts with a "
                  + type + " block, not a thinking block",
              "messages." + message + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" + type
                  + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block"
                  + " (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include"
                  + " thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please"
                  + " consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"));
        }
        return;
      }
    }
  }

  /** The id of the {@code mcp_approval_request} item that {@code c} is, or null. */
  private static @Nullable String approvalRequestId(Content c) {
    if (!(c instanceof Opaque) || !((Opaque) c).kind().equals("mcp_approval_request")
        || !(((Opaque) c).payload() instanceof ObjectNode)) {
      return null;
    }
    JsonNode id = ((ObjectNode) ((Opaque) c).payload()).get("id");
    return id != null && id.isTextual() ? id.asText() : null;
  }

  /** The {@code approval_request_id} that the {@code mcp_approval_response} item {@code c} answers, or null. */
  private static @Nullable String answeredApprovalRequest(Content c) {
    if (!(c instanceof Opaque) || !((Opaque) c).kind().equals("mcp_approval_response")
        || !(((Opaque) c).payload() instanceof ObjectNode)) {
      return null;
    }
    JsonNode id = ((ObjectNode) ((Opaque) c).payload()).get("approval_request_id");
    return id != null && id.isTextual() ? id.asText() : null;
  }

  /**
   * OpenAI Responses: the pairs read together ({@link WireMetadata#PAIRED}) that {@code m} no longer
   * holds together: a reasoning item followed by another item with a server id than the one it was
   * produced with, and an item with its server id whose reasoning item is not directly before it.
   */
  private static void checkPairs(Message m, int i, Encoded written, List<WireViolation> out) {
    List<Content> contents = m.contents();
    List<Integer> starts = itemStarts(m);
    for (int t = 0; t < starts.size(); t++) {
      Content c = contents.get(starts.get(t));
      String with = pairedWith(c);
      if (with == null) {
        continue;
      }
      int at = written.contentIndex(i, starts.get(t));
      String path = at < 0 ? written.messagePath(i) : written.field() + "[" + at + "]";
      if (isReasoning(c)) {
        String next = followingItemId(contents, starts, t);
        if (next != null && !next.equals(with)) {
          String id = reasoningId(c);
          out.add(new WireViolation("REASONING_WITHOUT_FOLLOWING_ITEM", path, "",
              "reasoning item " + id + " is followed by item " + next + ", not by item " + with
                  + " that it was produced with",
              "Item '" + id + "' of type 'reasoning' was provided without its required following item."));
        }
      } else if (itemId(c) != null && !reasoningBefore(contents, starts, t, with)) {
        String id = itemId(c);
        String type = itemType(c);
        out.add(new WireViolation("ITEM_WITHOUT_REASONING", path + ".id", c instanceof ToolCall
            ? ((ToolCall) c).callId() : "",
            type + " item " + id + " carries its server id but reasoning item " + with
                + ", produced directly before it, is not directly before it",
            "Item '" + id + "' of type '" + type + "' was provided without its required 'reasoning' item: '" + with
                + "'."));
      }
    }
  }

  /** The positions in {@code m} of the contents that start an input item, in order. */
  private static List<Integer> itemStarts(Message m) {
    List<Content> contents = m.contents();
    List<Integer> starts = new ArrayList<>(contents.size());
    for (int k = 0; k < contents.size(); k++) {
      if (written(contents.get(k)) && !Json.flag(contents.get(k).metadata(), WireMetadata.JOINED)) {
        starts.add(k);
      }
    }
    return starts;
  }

  /** The server id of the item after start {@code t} when it is not a reasoning item, or null. */
  private static @Nullable String followingItemId(List<Content> contents, List<Integer> starts, int t) {
    if (t + 1 >= starts.size()) {
      return null;
    }
    Content next = contents.get(starts.get(t + 1));
    return isReasoning(next) ? null : itemId(next);
  }

  /** True when the item before start {@code t} is the reasoning item {@code reasoning}. */
  private static boolean reasoningBefore(List<Content> contents, List<Integer> starts, int t, String reasoning) {
    if (t == 0) {
      return false;
    }
    Content previous = contents.get(starts.get(t - 1));
    return isReasoning(previous) && reasoningId(previous).equals(reasoning);
  }

  private static @Nullable String pairedWith(Content c) {
    Object with = c.metadata().get(WireMetadata.PAIRED);
    return with instanceof String ? (String) with : null;
  }

  /** The Responses item type of the item that {@code c} starts. */
  private static String itemType(Content c) {
    ObjectNode item = Json.template(c.metadata(), WireMetadata.ITEM);
    if (item != null || c instanceof Text) {
      return item == null ? "message" : item.path("type").asText("message");
    }
    if (c instanceof ToolCall) {
      ObjectNode node = Json.template(c.metadata(), WireMetadata.NODE);
      return node == null ? "function_call" : node.path("type").asText("function_call");
    }
    return c instanceof Opaque ? ((Opaque) c).kind() : "message";
  }

  /** Positions of the reasoning items of {@code m} whose next written item is another reasoning item. */
  private static List<Integer> stackedReasoning(Message m) {
    List<Integer> stacked = new ArrayList<>(0);
    int previous = -1;
    List<Content> contents = m.contents();
    for (int k = 0; k < contents.size(); k++) {
      Content c = contents.get(k);
      if (!written(c)) {
        continue;
      }
      if (previous >= 0 && isReasoning(c)) {
        stacked.add(previous);
      }
      previous = isReasoning(c) ? k : -1;
    }
    return stacked;
  }

  /**
   * Positions of the reasoning items of {@code m} followed by an item that goes without a server id:
   * the service pairs a reasoning item with the item after it by that item's id, so an assistant
   * message or a call sent without it leaves the reasoning item unpaired (openai-node#1567,
   * vercel/ai#7099). An {@code item_reference} names its item by id and pairs.
   */
  private static List<Integer> unpairedReasoning(Message m) {
    List<Integer> unpaired = new ArrayList<>(0);
    List<Content> contents = m.contents();
    for (int k = 0; k < contents.size(); k++) {
      if (!isReasoning(contents.get(k)) || !written(contents.get(k))) {
        continue;
      }
      int next = nextStart(m, k);
      if (next < 0) {
        continue;
      }
      Content c = contents.get(next);
      boolean reference = c instanceof Opaque && ((Opaque) c).kind().equals("item_reference");
      if (!isReasoning(c) && !reference && itemId(c) == null) {
        unpaired.add(k);
      }
    }
    return unpaired;
  }

  /** The position of the next content of {@code m} after {@code k} that starts a written item, or -1. */
  private static int nextStart(Message m, int k) {
    List<Content> contents = m.contents();
    for (int j = k + 1; j < contents.size(); j++) {
      Content c = contents.get(j);
      if (written(c) && !Json.flag(c.metadata(), WireMetadata.JOINED)) {
        return j;
      }
    }
    return -1;
  }

  private static String dotted(String path) {
    return path.replaceAll("\\[(\\d+)]", ".$1");
  }

  static boolean validAnthropicId(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return !id.isEmpty();
  }

  private static boolean hasEmptyToolCalls(Message m) {
    ObjectNode template = Json.template(m.metadata(), WireMetadata.NODE);
    if (template == null) {
      return false;
    }
    JsonNode calls = template.get("tool_calls");
    return calls != null && calls.isArray() && calls.size() == 0 && !m.hasToolCalls();
  }

  private static boolean written(Content c) {
    return !Contents.informational(c) && !(c instanceof ToolCall && Json.flag(c.metadata(), WireMetadata.VIRTUAL));
  }

  /** An item the service takes only with its id: a reasoning item, an MCP approval request, call or tool list. */
  private static boolean needsItemId(Content c) {
    return c instanceof Opaque && !Json.flag(c.metadata(), WireMetadata.PART)
        && Set.of("reasoning", "mcp_approval_request", "mcp_call", "mcp_list_tools").contains(((Opaque) c).kind());
  }

  private static boolean isReasoning(Content c) {
    return c instanceof Opaque && ((Opaque) c).kind().equals("reasoning") && !Json.flag(c.metadata(), WireMetadata.PART);
  }

  /** Positions of the reasoning items at the end of what {@code m} writes, in order. */
  private static List<Integer> trailingReasoning(Message m) {
    List<Integer> trailing = new ArrayList<>(1);
    List<Content> contents = m.contents();
    for (int k = contents.size() - 1; k >= 0; k--) {
      Content c = contents.get(k);
      if (!written(c)) {
        continue;
      }
      if (!isReasoning(c)) {
        break;
      }
      trailing.add(0, k);
    }
    return trailing;
  }

  private static String reasoningId(Content c) {
    Object payload = ((Opaque) c).payload();
    return payload instanceof ObjectNode ? ((ObjectNode) payload).path("id").asText("") : "";
  }

  // ---------------------------------------------------------------- apply

  /**
   * Applies the limits of {@code dialect} to {@code repaired}, a history that core found valid or
   * repaired. {@code changed} says whether core changed it: the Anthropic turns are merged only in a
   * body that changes anyway, so that a valid body stays exactly as it came.
   */
  public static Applied apply(Dialect dialect, List<Message> repaired, boolean changed, boolean stored) {
    return apply(dialect, repaired, changed, stored, null);
  }

  /**
   * As {@link #apply(Dialect, List, boolean, boolean)}; {@code thinkingCut}, when an Anthropic body
   * turns extended thinking on, is the text of the user turn that says earlier messages were cut
   * ({@link dev.toolguard.core.RepairPolicy#cutHistoryText()}), put between an earlier assistant
   * message and the final assistant turn that would otherwise merge with it (see {@link
   * #thinkingFirst}).
   */
  public static Applied apply(Dialect dialect, List<Message> repaired, boolean changed, boolean stored,
      @Nullable String thinkingCut) {
    List<Entry> entries = new ArrayList<>(repaired.size());
    for (int i = 0; i < repaired.size(); i++) {
      entries.add(new Entry(repaired.get(i), i));
    }
    List<Pending> pending = new ArrayList<>();
    rewriteIds(dialect, entries, pending);
    if (dialect == Dialect.ANTHROPIC && thinkingCut != null) {
      thinkingFirst(entries, pending, thinkingCut);
    }
    if (dialect == Dialect.OPENAI_CHAT) {
      dropEmptyToolCalls(entries, pending);
    } else if (dialect == Dialect.OPENAI_RESPONSES) {
      dropOverlongOutputs(entries, pending);
      keepIdPrefixes(entries, pending);
      uniqueItemIds(entries, pending);
      dropTrailingReasoning(entries, pending);
      dropStackedReasoning(entries, pending);
      keepPairs(entries, pending);
      dropUnpairedReasoning(entries, pending);
      if (!stored) {
        // last: an approval request removed above (its id, a copy's) leaves its response unmatched
        dropUnmatchedApprovals(entries, pending);
      }
    } else if (dialect == Dialect.ANTHROPIC && (changed || !pending.isEmpty())) {
      mergeTurns(entries, pending);
    } else if (dialect == Dialect.BEDROCK_CONVERSE) {
      List<Message> messages = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        messages.add(e.message);
      }
      for (int i : notAlternating(messages)) {
        Entry e = entries.get(i);
        e.message = new Message(e.message.role(), e.message.contents(),
            Contents.with(e.message.metadata(), WireMetadata.JOINED, true));
        pending.add(new Pending(RepairAction.Kind.MOVE, "", null, e, "joined this " + e.message.role()
            + " message to the message of its role before it: Converse takes user and assistant messages in turn"));
      }
    }
    int[] indexMap = new int[repaired.size()];
    java.util.Arrays.fill(indexMap, -1);
    List<Message> history = new ArrayList<>(entries.size());
    java.util.IdentityHashMap<Entry, Integer> finalIndex = new java.util.IdentityHashMap<>();
    for (Entry e : entries) {
      if (e.origin >= 0) {
        indexMap[e.origin] = history.size();
      }
      finalIndex.put(e, history.size());
      history.add(e.message);
    }
    List<LimitAction> actions = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      Integer at = finalIndex.get(p.at());
      LimitAction a = new LimitAction(p.kind(), p.callId(), p.newCallId(), at == null ? -1 : at, p.detail());
      actions.add(a);
      LOG.warn("toolguard {} limit: {} {}{}: {}", dialect.id(), a.kind(), a.callId().isEmpty() ? "(no id)" : a.callId(),
          a.newCallId() == null ? "" : " -> " + a.newCallId(), a.detail());
    }
    if (pending.isEmpty()) {
      return new Applied(repaired, List.of(), identity(repaired.size()));
    }
    return new Applied(List.copyOf(history), actions, indexMap);
  }

  private static int[] identity(int n) {
    int[] map = new int[n];
    for (int i = 0; i < n; i++) {
      map[i] = i;
    }
    return map;
  }

  // ---------------------------------------------------------------- ids

  private static void rewriteIds(Dialect dialect, List<Entry> entries, List<Pending> pending) {
    if (dialect != Dialect.OPENAI_CHAT && dialect != Dialect.OPENAI_RESPONSES && dialect != Dialect.ANTHROPIC) {
      return; // the newer dialects' id rules are core's, applied by HistoryGuard.repair(history, dialect)
    }
    Set<String> used = new HashSet<>();
    // the TOOL messages that hold results of each id, made when the first id is rewritten
    Map<String, List<Entry>> resultsById = null;
    for (Entry e : entries) {
      for (Content c : e.message.contents()) {
        if (c instanceof ToolCall) {
          used.add(((ToolCall) c).callId());
        } else if (c instanceof ToolResult) {
          used.add(((ToolResult) c).callId());
        } else if (c instanceof ApprovalRequest) {
          used.add(((ApprovalRequest) c).callId());
        } else if (c instanceof ApprovalResponse) {
          used.add(((ApprovalResponse) c).callId());
        }
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.message.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = null;
      for (int k = 0; k < e.message.contents().size(); k++) {
        Content c = e.message.contents().get(k);
        if (!(c instanceof ToolCall) || !written(c) || ((ToolCall) c).callId().isEmpty()) {
          continue;
        }
        ToolCall call = (ToolCall) c;
        String id = call.callId();
        String fresh;
        String why;
        if (dialect == Dialect.ANTHROPIC) {
          if (validAnthropicId(id)) {
            continue;
          }
          fresh = sanitize(id, used);
          why = "call id " + id + " has characters that Anthropic rejects (it takes [a-zA-Z0-9_-]); rewrote it";
        } else {
          int max = dialect == Dialect.OPENAI_CHAT ? OPENAI_CHAT_MAX_ID : OPENAI_RESPONSES_MAX_ID;
          if (id.codePointCount(0, id.length()) <= max) {
            continue;
          }
          fresh = shorten(id, max, used);
          why = "call id " + id + " is longer than the " + max + " characters " + dialect.id() + " accepts;"
              + " shortened it";
        }
        used.add(fresh);
        if (contents == null) {
          contents = new ArrayList<>(e.message.contents());
        }
        ToolCall renamed = call.withCallId(fresh);
        if (!renamed.metadata().containsKey(Metadata.ORIGINAL_CALL_ID)) {
          renamed = renamed.withMetadata(Metadata.ORIGINAL_CALL_ID, id);
        }
        contents.set(k, renamed);
        if (resultsById == null) {
          resultsById = resultsById(entries);
        }
        int results = renameResults(resultsById.getOrDefault(id, List.of()), id, fresh);
        pending.add(new Pending(RepairAction.Kind.RENAME, id, fresh, e,
            why + (results == 0 ? " (the call has no result)" : " (call and result together)")));
      }
      if (contents != null) {
        e.message = e.message.withContents(contents);
      }
    }
  }

  /** For each result id, the TOOL messages that hold a result of it, in order: one pass. */
  private static Map<String, List<Entry>> resultsById(List<Entry> entries) {
    Map<String, List<Entry>> map = new java.util.HashMap<>();
    for (Entry e : entries) {
      if (e.message.role() != Role.TOOL) {
        continue;
      }
      for (Content c : e.message.contents()) {
        List<Entry> holders = map.computeIfAbsent(((ToolResult) c).callId(), x -> new ArrayList<>(1));
        if (holders.isEmpty() || holders.get(holders.size() - 1) != e) {
          holders.add(e);
        }
      }
    }
    return map;
  }

  /**
   * Renames the results of {@code id} (in a history that core found valid, the results of the one
   * call with that id, wherever the dialect lets them stand after it).
   */
  private static int renameResults(List<Entry> holders, String id, String fresh) {
    int renamed = 0;
    for (Entry t : holders) {
      List<Content> contents = null;
      for (int q = 0; q < t.message.contents().size(); q++) {
        ToolResult r = (ToolResult) t.message.contents().get(q);
        if (!r.callId().equals(id)) {
          continue;
        }
        if (contents == null) {
          contents = new ArrayList<>(t.message.contents());
        }
        ToolResult moved = r.withCallId(fresh);
        if (!moved.metadata().containsKey(Metadata.ORIGINAL_CALL_ID)) {
          moved = moved.withMetadata(Metadata.ORIGINAL_CALL_ID, id);
        }
        contents.set(q, moved);
        renamed++;
      }
      if (contents != null) {
        t.message = t.message.withContents(contents);
      }
    }
    return renamed;
  }

  /** {@code id} cut to {@code max} characters: a prefix, {@code _} and ten hex digits of its SHA-256. */
  static String shorten(String id, int max, Set<String> used) {
    int keep = max - 11;
    String prefix = id.substring(0, id.offsetByCodePoints(0, Math.min(keep, id.codePointCount(0, id.length()))));
    for (int k = 0; ; k++) {
      String candidate = prefix + "_" + sha256Hex(k == 0 ? id : id + "#" + k).substring(0, 10);
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
  }

  /** {@code id} with every character outside {@code [a-zA-Z0-9_-]} replaced by {@code _}; a hash suffix if taken. */
  static String sanitize(String id, Set<String> used) {
    StringBuilder sb = new StringBuilder(id.length());
    id.codePoints().forEach(cp -> sb.append(
        (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' || cp == '-'
            ? (char) cp : '_'));
    String base = sb.toString();
    if (!used.contains(base)) {
      return base;
    }
    for (int k = 0; ; k++) {
      String candidate = base + "_" + sha256Hex(k == 0 ? id : id + "#" + k).substring(0, 8);
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
  }

  private static String sha256Hex(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  // ---------------------------------------------------------------- OpenAI Chat

  private static void dropEmptyToolCalls(List<Entry> entries, List<Pending> pending) {
    for (Entry e : entries) {
      if (e.message.role() == Role.ASSISTANT && hasEmptyToolCalls(e.message)) {
        ObjectNode template = Json.template(e.message.metadata(), WireMetadata.NODE).deepCopy();
        template.remove("tool_calls");
        e.message = new Message(e.message.role(), e.message.contents(),
            Contents.with(e.message.metadata(), WireMetadata.NODE, template));
        pending.add(new Pending(RepairAction.Kind.DROP, "", null, e,
            "removed an empty tool_calls array, which OpenAI Chat rejects"));
      }
    }
  }

  // ---------------------------------------------------------------- OpenAI Responses

  /**
   * A reasoning item that ends its assistant turn lost the item it was produced with: it is removed.
   * It cannot move to the next turn's first item: an item with a server id was produced without it
   * (else they would have been read together), and one without is not paired with it by the service.
   */
  private static void dropTrailingReasoning(List<Entry> entries, List<Pending> pending) {
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.message.role() != Role.ASSISTANT) {
        continue;
      }
      List<Integer> trailing = trailingReasoning(e.message);
      if (trailing.isEmpty()) {
        continue;
      }
      List<Content> rest = new ArrayList<>(e.message.contents());
      for (int k : trailing) {
        pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item "
            + describe(rest.get(k)) + ": no call or message of the model follows it that it can belong to, and"
            + " OpenAI rejects a reasoning item without its following item"));
      }
      for (int t = trailing.size() - 1; t >= 0; t--) {
        rest.remove((int) trailing.get(t));
      }
      if (rest.isEmpty()) {
        e.message = null; // removed below, in one pass: a removal per entry would be quadratic
      } else {
        e.message = e.message.withContents(rest);
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  /**
   * Keeps the pairs read together ({@link WireMetadata#PAIRED}) together: a reasoning item followed
   * by another item with a server id than the one it was produced with is removed; then an item that
   * carries its server id without its reasoning item directly before it loses the id, so that it goes
   * as a new item (the service refuses an item it produced after a reasoning item without it, and a
   * reasoning item cannot be made up). An item that cannot go without its id (an MCP approval request,
   * call or tool list) is removed instead — unless that reasoning item still stands elsewhere, before
   * its own item: then this item was read after a copy of it, and keeps its id.
   */
  private static void keepPairs(List<Entry> entries, List<Pending> pending) {
    for (Entry e : entries) {
      if (e.message.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = e.message.contents();
      List<Integer> starts = itemStarts(e.message);
      List<Content> changed = null;
      for (int t = 0; t < starts.size(); t++) {
        Content c = contents.get(starts.get(t));
        String with = pairedWith(c);
        String next = with != null && isReasoning(c) ? followingItemId(contents, starts, t) : null;
        if (next != null && !next.equals(with)) {
          if (changed == null) {
            changed = new ArrayList<>(contents);
          }
          changed.set(starts.get(t), null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item " + describe(c)
              + ": item " + with + ", which it was produced with, no longer follows it (" + next + " does), and OpenAI"
              + " rejects a reasoning item without its following item"));
        }
      }
      if (changed != null) {
        changed.removeIf(java.util.Objects::isNull);
        e.message = e.message.withContents(changed);
      }
    }
    // the reasoning items that stand in the history now, each before the item it was produced with
    Set<String> reasonings = new HashSet<>();
    for (Entry e : entries) {
      for (Content c : e.message.contents()) {
        if (isReasoning(c) && itemId(c) != null) {
          reasonings.add(itemId(c));
        }
      }
    }
    for (Entry e : entries) {
      if (e.message.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = e.message.contents();
      List<Integer> starts = itemStarts(e.message);
      List<Content> changed = null;
      for (int t = 0; t < starts.size(); t++) {
        Content c = contents.get(starts.get(t));
        String with = pairedWith(c);
        String id = with == null || isReasoning(c) ? null : itemId(c);
        if (id == null || reasoningBefore(contents, starts, t, with)) {
          continue;
        }
        if (changed == null) {
          changed = new ArrayList<>(contents);
        }
        if (!needsItemId(c)) {
          changed.set(starts.get(t), Contents.without(withoutItemId(c), WireMetadata.PAIRED));
          pending.add(new Pending(RepairAction.Kind.DROP, c instanceof ToolCall ? ((ToolCall) c).callId() : "", null, e,
              "removed server id " + id + " from the " + itemType(c) + " item: reasoning item " + with
                  + ", which was produced directly before it, is not before it, and OpenAI rejects the item without it;"
                  + " without its id it goes as a new item"));
        } else if (reasonings.contains(with)) {
          // an item that cannot go without its id, read after a copy of a reasoning item that stands
          // elsewhere before its own item: the copy was not produced with this item
          changed.set(starts.get(t), Contents.without(c, WireMetadata.PAIRED));
        } else {
          changed.set(starts.get(t), null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed " + itemType(c) + " item " + id
              + ": reasoning item " + with + ", which was produced directly before it, is gone, OpenAI rejects the item"
              + " without it, and the item cannot go without its id"));
        }
      }
      if (changed != null) {
        changed.removeIf(java.util.Objects::isNull);
        e.message = changed.isEmpty() ? null : e.message.withContents(changed);
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  /**
   * A {@code function_call_output} whose call id is longer than the Responses API accepts, after the
   * calls' ids were shortened ({@link #rewriteIds}, which renames a call's outputs with it), answers no
   * call of the input: it stays only in a body that continues a stored response, whose calls it would
   * answer. No call the service made has such an id, so it can answer none and the service refuses the
   * body for it; it is removed (renaming it would pair it with nothing either).
   */
  private static void dropOverlongOutputs(List<Entry> entries, List<Pending> pending) {
    for (Entry e : entries) {
      List<Content> contents = null;
      for (int k = 0; k < e.message.contents().size(); k++) {
        Content c = e.message.contents().get(k);
        // the reader's stand-in for the stored call (never written) goes with the output
        if (c instanceof ToolCall call && Json.flag(call.metadata(), WireMetadata.VIRTUAL) && overlong(call.callId())) {
          if (contents == null) {
            contents = new ArrayList<>(e.message.contents());
          }
          contents.set(k, null);
        } else if (c instanceof ToolResult r && overlong(r.callId())) {
          if (contents == null) {
            contents = new ArrayList<>(e.message.contents());
          }
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DROP, r.callId(), null, e, "removed the output of call "
              + r.callId() + ": its id is longer than the " + OPENAI_RESPONSES_MAX_ID + " characters openai-responses"
              + " accepts and no call in the input has it, so it can answer no call of the stored response either"));
        }
      }
      if (contents != null) {
        contents.removeIf(java.util.Objects::isNull);
        e.message = contents.isEmpty() ? null : e.message.withContents(contents);
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  private static boolean overlong(String callId) {
    return callId.codePointCount(0, callId.length()) > OPENAI_RESPONSES_MAX_ID;
  }

  /**
   * An {@code mcp_approval_response} that answers no {@code mcp_approval_request} before it (in a body
   * that holds the whole conversation) is removed: the provider refuses it, and there is no request
   * it could be the answer to.
   */
  private static void dropUnmatchedApprovals(List<Entry> entries, List<Pending> pending) {
    Set<String> requests = new HashSet<>();
    for (Entry e : entries) {
      List<Content> contents = null;
      for (int k = 0; k < e.message.contents().size(); k++) {
        Content c = e.message.contents().get(k);
        String request = approvalRequestId(c);
        String answered = request == null ? answeredApprovalRequest(c) : null;
        if (request != null) {
          requests.add(request);
        } else if (answered != null && !requests.contains(answered)) {
          if (contents == null) {
            contents = new ArrayList<>(e.message.contents());
          }
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed an MCP approval response for "
              + answered + ": it answers no mcp_approval_request before it, and OpenAI refuses it"));
        }
      }
      if (contents != null) {
        contents.removeIf(java.util.Objects::isNull);
        e.message = contents.isEmpty() ? null : e.message.withContents(contents);
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  /**
   * An item whose server id has another kind's prefix loses the id (it goes as a new item); an item
   * that cannot go without its id (reasoning, MCP approval requests, calls and tool lists) is removed.
   * No id is ever made up.
   */
  private static void keepIdPrefixes(List<Entry> entries, List<Pending> pending) {
    for (Entry e : entries) {
      List<Content> contents = null;
      for (int k = 0; k < e.message.contents().size(); k++) {
        Content c = e.message.contents().get(k);
        String id = itemId(c);
        String prefix = id == null ? null : ID_PREFIXES.get(itemType(c));
        if (prefix == null || id.startsWith(prefix)) {
          continue;
        }
        if (contents == null) {
          contents = new ArrayList<>(e.message.contents());
        }
        if (isReasoning(c)) {
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item " + id
              + ": its id does not begin with rs, OpenAI rejects it, and a reasoning item cannot go without its id"));
        } else if (needsItemId(c)) {
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed " + itemType(c) + " item " + id
              + ": its id does not begin with " + prefix + ", OpenAI rejects it, and the item cannot go without its id"));
        } else {
          contents.set(k, Contents.without(withoutItemId(c), WireMetadata.PAIRED));
          pending.add(new Pending(RepairAction.Kind.DROP, c instanceof ToolCall ? ((ToolCall) c).callId() : "", null,
              e, "removed item id " + id + " from the " + itemType(c) + " item: it does not begin with " + prefix
                  + ", and OpenAI rejects it; without its id it goes as a new item"));
        }
      }
      if (contents != null) {
        contents.removeIf(java.util.Objects::isNull);
        e.message = contents.isEmpty() ? null : e.message.withContents(contents);
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  /**
   * A later item that repeats the id of an earlier one loses it; a repeated reasoning item, which
   * cannot go without its id, is removed (it is a copy: the provider gave that id once).
   */
  private static void uniqueItemIds(List<Entry> entries, List<Pending> pending) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      List<Content> contents = null;
      for (int k = 0; k < e.message.contents().size(); k++) {
        Content c = e.message.contents().get(k);
        String id = itemId(c);
        if (id == null || seen.add(id)) {
          continue;
        }
        if (contents == null) {
          contents = new ArrayList<>(e.message.contents());
        }
        String callId = c instanceof ToolCall ? ((ToolCall) c).callId() : c instanceof ToolResult
            ? ((ToolResult) c).callId() : "";
        if (isReasoning(c)) {
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item " + id
              + ": a copy of an earlier item with the same id, and OpenAI rejects an item id given twice"));
        } else if (needsItemId(c)) {
          contents.set(k, null);
          pending.add(new Pending(RepairAction.Kind.DEDUPLICATE, "", null, e, "removed " + itemType(c) + " item " + id
              + ": a later item that repeats its id, which OpenAI rejects, and the item cannot go without its id"));
        } else {
          contents.set(k, withoutItemId(c));
          pending.add(new Pending(RepairAction.Kind.DEDUPLICATE, callId, null, e, "removed item id " + id
              + " from a later item that repeats it: OpenAI rejects an item id given twice"));
        }
      }
      if (contents != null) {
        contents.removeIf(java.util.Objects::isNull);
        if (contents.isEmpty()) {
          e.message = null; // removed below, in one pass
        } else {
          e.message = e.message.withContents(contents);
        }
      }
    }
    entries.removeIf(x -> x.message == null);
  }

  /**
   * A reasoning item followed by an item without its server id cannot be paired with it (the service
   * pairs them by that id, which no one can give back): it is removed, and the item it precedes goes
   * on as a new item. Runs after the steps that take ids off items.
   */
  private static void dropUnpairedReasoning(List<Entry> entries, List<Pending> pending) {
    for (Entry e : entries) {
      if (e.message.role() != Role.ASSISTANT) {
        continue;
      }
      List<Integer> unpaired = unpairedReasoning(e.message);
      if (unpaired.isEmpty()) {
        continue;
      }
      List<Content> contents = new ArrayList<>(e.message.contents());
      for (int k : unpaired) {
        Content next = contents.get(nextStart(e.message, k));
        pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item "
            + describe(contents.get(k)) + ": the " + itemType(next) + " item after it goes without its server id,"
            + " OpenAI pairs a reasoning item with its following item by that id and rejects it unpaired, and the"
            + " id cannot be made up"));
      }
      for (int t = unpaired.size() - 1; t >= 0; t--) {
        contents.remove((int) unpaired.get(t));
      }
      e.message = e.message.withContents(contents);
    }
  }

  /** A reasoning item followed by another reasoning item lost the item it belonged to: it is removed. */
  private static void dropStackedReasoning(List<Entry> entries, List<Pending> pending) {
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      List<Integer> stacked = stackedReasoning(e.message);
      if (stacked.isEmpty()) {
        continue;
      }
      List<Content> contents = new ArrayList<>(e.message.contents());
      for (int t = stacked.size() - 1; t >= 0; t--) {
        Content r = contents.remove((int) stacked.get(t));
        pending.add(new Pending(RepairAction.Kind.DROP, "", null, e, "removed reasoning item " + describe(r)
            + ": another reasoning item follows it, not the call or message it belongs to, and OpenAI rejects a"
            + " reasoning item without its following item"));
      }
      e.message = e.message.withContents(contents);
    }
  }

  private static String describe(Content reasoning) {
    String id = reasoningId(reasoning);
    return id.isEmpty() ? "(without id)" : id;
  }

  // ---------------------------------------------------------------- Anthropic

  /**
   * Anthropic with thinking on: the final assistant turn (the one whose {@code tool_use} blocks the
   * last user turn answers) must start with a thinking block, and the API merges consecutive
   * assistant messages into that turn. When the turn starts with an earlier assistant message that
   * holds no call (an answer whose next user message is gone, say) and a later message of it starts
   * with a thinking block, a user turn that says earlier messages were cut goes between them: the
   * final turn then starts with its thinking block, which stays as it is, with its signature and
   * beside its {@code tool_use}; nothing moves and nothing is removed. A turn with no thinking block
   * to start from is left as it is (check flags it): a thinking block cannot be made up.
   */
  private static void thinkingFirst(List<Entry> entries, List<Pending> pending, String cut) {
    int end = entries.size() - 1;
    boolean results = false;
    while (end >= 0 && (entries.get(end).message.role() == Role.USER || entries.get(end).message.role() == Role.TOOL)) {
      results |= entries.get(end).message.role() == Role.TOOL;
      end--;
    }
    if (!results || end < 0 || entries.get(end).message.role() != Role.ASSISTANT) {
      return;
    }
    int start = end;
    while (start > 0 && entries.get(start - 1).message.role() == Role.ASSISTANT) {
      start--;
    }
    String first = null;
    // the wire messages of the turn: a core message that is not joined to the one before it starts
    // one, and so does a content that carries the template of a later wire message of a run
    for (int s = start; s <= end; s++) {
      Message m = entries.get(s).message;
      boolean starts = s == start || !Json.flag(m.metadata(), WireMetadata.JOINED);
      for (int k = 0; k < m.contents().size(); k++) {
        Content c = m.contents().get(k);
        boolean boundary = (k == 0 && starts) || c.metadata().containsKey(WireMetadata.MESSAGE);
        if (!written(c)) {
          continue;
        }
        String type = blockType(c);
        if (first == null) {
          if (type.equals("thinking") || type.equals("redacted_thinking")) {
            return; // the turn starts with its thinking block
          }
          first = type;
        } else if (boundary && (type.equals("thinking") || type.equals("redacted_thinking"))) {
          splitBefore(entries, s, k, pending, cut, first);
          return;
        }
        if (c instanceof ToolCall) {
          return; // a call before any thinking block: its results would no longer follow it
        }
      }
    }
  }

  /**
   * Puts a user turn that says earlier messages were cut before content {@code k} of entry {@code s},
   * which starts a wire message: that message (the rest of entry {@code s} from {@code k} on, and
   * the entries after it) becomes a wire message of its own, after the note.
   */
  private static void splitBefore(List<Entry> entries, int s, int k, List<Pending> pending, String cut, String first) {
    Entry at = entries.get(s);
    Message m = at.message;
    int noteAt = s;
    if (k > 0) {
      // the wire message starts inside this core message: the contents before it stay, the rest
      // becomes a message with the template its first content carried
      List<Content> before = new ArrayList<>(m.contents().subList(0, k));
      List<Content> rest = new ArrayList<>(m.contents().subList(k, m.contents().size()));
      ObjectNode template = Json.template(rest.get(0).metadata(), WireMetadata.MESSAGE);
      rest.set(0, Contents.without(rest.get(0), WireMetadata.MESSAGE));
      at.message = m.withContents(before);
      Map<String, Object> metadata = template == null ? Map.of() : Map.of(WireMetadata.NODE, template);
      entries.add(s + 1, new Entry(new Message(Role.ASSISTANT, rest, metadata), -1));
      noteAt = s + 1;
    } else {
      // the final turn is a wire message of its own now
      at.message = new Message(m.role(), m.contents(), Contents.without(m.metadata(), WireMetadata.JOINED));
    }
    Entry note = new Entry(new Message(Role.USER, List.of(Text.of(cut)),
        Map.of(dev.toolguard.core.Metadata.SYNTHETIC, dev.toolguard.core.Metadata.SYNTHETIC_BY_REPAIR)), -1);
    entries.add(noteAt, note);
    pending.add(new Pending(RepairAction.Kind.SYNTHESIZE, "", null, note, "thinking is enabled, and the final"
        + " assistant turn (its calls answered by the last user turn) would start with a " + first + " block of an"
        + " earlier assistant message, as Anthropic merges consecutive assistant messages; put a user turn between"
        + " them that says earlier messages were cut, so that the turn starts with its thinking block"));
  }

  private static String blockType(Content c) {
    return c instanceof Opaque ? ((Opaque) c).kind() : c instanceof ToolCall ? "tool_use"
        : c instanceof Text ? "text" : "unknown";
  }



  private static void mergeTurns(List<Entry> entries, List<Pending> pending) {
    int i = 0;
    while (i < entries.size()) {
      boolean assistant = entries.get(i).message.role() == Role.ASSISTANT;
      int end = i + 1;
      while (end < entries.size() && (entries.get(end).message.role() == Role.ASSISTANT) == assistant
          && entries.get(end).message.role() != Role.SYSTEM) {
        end++;
      }
      int wireMessages = 0;
      for (int j = i; j < end; j++) {
        Message m = entries.get(j).message;
        if (j == i || !Json.flag(m.metadata(), WireMetadata.JOINED)) {
          wireMessages++;
        }
        for (Content c : m.contents()) {
          if (c.metadata().containsKey(WireMetadata.MESSAGE)) {
            wireMessages++;
          }
        }
      }
      if (wireMessages > 1) {
        merge(entries.subList(i, end), assistant);
        String first = "";
        for (int j = i; j < end && first.isEmpty(); j++) {
          for (Content c : entries.get(j).message.contents()) {
            if (c instanceof ToolResult) {
              first = ((ToolResult) c).callId();
              break;
            }
          }
        }
        pending.add(new Pending(RepairAction.Kind.MOVE, first, null, entries.get(i),
            "merged " + wireMessages + " consecutive " + (assistant ? "assistant" : "user") + " messages into one"
                + (assistant ? "" : ", tool_result blocks first")
                + ": Anthropic combines consecutive turns of the same role"));
      }
      i = end;
    }
  }

  private static void merge(List<Entry> run, boolean assistant) {
    ObjectNode template = null;
    for (int j = 0; j < run.size(); j++) {
      Entry e = run.get(j);
      ObjectNode own = Json.template(e.message.metadata(), WireMetadata.NODE);
      template = absorb(template, own);
      List<Content> contents = new ArrayList<>(e.message.contents().size());
      for (Content c : e.message.contents()) {
        ObjectNode marker = Json.template(c.metadata(), WireMetadata.MESSAGE);
        if (marker != null) {
          template = absorb(template, marker);
          c = Contents.without(c, WireMetadata.MESSAGE);
        }
        contents.add(c);
      }
      Map<String, Object> metadata = Contents.without(e.message.metadata(), WireMetadata.NODE);
      metadata = j == 0 ? Contents.without(metadata, WireMetadata.JOINED) : Contents.with(metadata, WireMetadata.JOINED, true);
      e.message = new Message(e.message.role(), contents, metadata);
    }
    if (template != null) {
      Entry first = run.get(0);
      first.message = new Message(first.message.role(), first.message.contents(),
          Contents.with(first.message.metadata(), WireMetadata.NODE, template));
    }
  }

  private static @Nullable ObjectNode absorb(@Nullable ObjectNode into, @Nullable ObjectNode from) {
    if (from == null) {
      return into;
    }
    if (into == null) {
      return from.deepCopy();
    }
    ObjectNode merged = into.deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!merged.has(f.getKey())) {
        merged.set(f.getKey(), f.getValue().deepCopy());
      }
    }
    return merged;
  }
}
