package dev.toolguard.json;

import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import dev.toolguard.json.internal.AnthropicErrors;
import dev.toolguard.json.internal.ChatErrors;
import dev.toolguard.json.internal.Codecs;
import dev.toolguard.json.internal.DialectCodec;
import dev.toolguard.json.internal.DialectLimits;
import dev.toolguard.json.internal.Encoded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks and repairs whole request bodies: the core invariant (through a {@link HistoryGuard}) plus
 * the limits of the body's dialect.
 *
 * <p>{@link #check} lists every violation with its place in the body and the error the provider
 * would answer. {@link #repair} returns the body repaired, core's actions first and then the
 * dialect's; a body that needs nothing comes back as the very text that came in.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class WireGuard {

  private static final WireGuard DEFAULT = new WireGuard(HistoryGuard.ofDefaults());

  private final HistoryGuard guard;

  private WireGuard(HistoryGuard guard) {
    this.guard = guard;
  }

  /** A wire guard with core's default repair policy. */
  public static WireGuard ofDefaults() {
    return DEFAULT;
  }

  /** A wire guard that checks and repairs histories with {@code guard}. */
  public static WireGuard of(HistoryGuard guard) {
    if (guard == null) {
      throw new IllegalArgumentException("guard is null; use HistoryGuard.ofDefaults() for the defaults");
    }
    return new WireGuard(guard);
  }

  /**
   * The violations of {@code body}, in body order; empty when it is valid.
   *
   * @throws WireFormatException if {@code body} is not JSON or not a request body of {@code dialect}
   */
  public List<WireViolation> check(Dialect dialect, String body) {
    return check(codec(dialect).read(body));
  }

  /**
   * The violations of {@code request}, in body order; empty when it is valid.
   *
   * @throws WireFormatException if the request cannot be written in its dialect
   */
  public List<WireViolation> check(WireRequest request) {
    DialectCodec codec = codec(request.dialect());
    Encoded written = codec.encode(request);
    List<Message> history = request.history();
    List<WireViolation> out = new ArrayList<>();
    Map<String, Integer> callMessages = null;
    ChatErrors chat = null;
    Map<String, int[]> firstCalls = null;
    AnthropicErrors anthropic = null;
    java.util.Set<String> usedBlocks = new java.util.HashSet<>();
    for (Violation v : guard.check(history, request.dialect())) {
      int i = v.messageIndex();
      int k = v.code() == ViolationCode.FIRST_MESSAGE_NOT_USER ? -1
          : contentOf(history.get(i), v.callId(), v.code() == ViolationCode.DUPLICATE_RESULT);
      String path = k < 0 || written.contentPath(i, k) == null ? written.messagePath(i) : written.contentPath(i, k);
      int wireIndex = k < 0 || written.contentIndex(i, k) < 0 ? written.messageIndex(i) : written.contentIndex(i, k);
      int call = -1;
      if (v.code() == ViolationCode.MISPLACED_RESULT) {
        // the providers name the message of the call, not the one where its result strayed
        if (callMessages == null) {
          callMessages = callMessages(history);
        }
        call = callMessages.getOrDefault(v.callId(), -1);
        wireIndex = call < 0 ? wireIndex : written.messageIndex(call);
      }
      String error = null;
      if (request.dialect() == Dialect.OPENAI_CHAT) {
        // the words depend on where the tool message stands: asked of the body, not of the code
        if (chat == null) {
          chat = new ChatErrors(history, written);
        }
        error = chat.error(v, call, path);
      } else if (request.dialect() == Dialect.ANTHROPIC) {
        // the words depend on where the provider meets the fault in the body (merged turns, the ids
        // listed together, the block of a second use): asked of the written body
        if (anthropic == null) {
          anthropic = new AnthropicErrors(written.body());
        }
        error = anthropicError(v, history.get(i), i, written, anthropic, usedBlocks);
      } else if (request.dialect() == Dialect.OPENAI_RESPONSES) {
        if (firstCalls == null) {
          firstCalls = firstCallItems(history, written);
        }
        error = responsesError(v, k < 0 ? -1 : written.contentIndex(i, k), firstCalls);
      }
      if (error == null && v.dialect() == request.dialect() && DialectLimits.wordedByCore(request.dialect())) {
        error = v.bodyError(); // the newer dialects: core's words for the plain body, which these codecs write
      }
      out.add(new WireViolation(v.code().name(), path, v.callId(), v.detail(),
          error != null ? error : v.code().providerError(request.dialect(), v.callId(), wireIndex)));
    }
    out.addAll(DialectLimits.check(request.dialect(), history, written, continuesStored(request),
        thinkingEnabled(request)));
    out.sort((a, b) -> Integer.compare(order(a.path()), order(b.path())));
    return List.copyOf(out);
  }

  /**
   * {@code body} repaired, with every change made.
   *
   * @throws WireFormatException if {@code body} is not JSON or not a request body of {@code dialect}
   */
  public WireRepair repair(Dialect dialect, String body) {
    WireRequest request = codec(dialect).read(body);
    return repair(request, body);
  }

  /**
   * {@code request} repaired, with every change made.
   *
   * @throws WireFormatException if the request cannot be written in its dialect
   */
  public WireRepair repair(WireRequest request) {
    return repair(request, null);
  }

  private WireRepair repair(WireRequest request, String original) {
    DialectCodec codec = codec(request.dialect());
    RepairResult core = guard.repair(request.history(), request.dialect());
    DialectLimits.Applied limited = DialectLimits.apply(request.dialect(), core.history(), core.changed(),
        continuesStored(request), thinkingEnabled(request) ? guard.policy().cutHistoryText() : null);
    if (!core.changed() && limited.actions().isEmpty()) {
      return new WireRepair(request, original != null ? original : codec.write(request), List.of());
    }
    WireRequest repaired = request.withHistory(limited.history());
    // positions only, and the repaired body written from trees that share the history's nodes: the
    // messages that repair left as they were are copied from the text that came in, not written again
    Encoded in = codec.encodeShared(request);
    Encoded out = codec.encodeShared(repaired);
    List<WireAction> actions = new ArrayList<>(core.actions().size() + limited.actions().size());
    for (RepairAction a : core.actions()) {
      String from = a.fromIndex() < 0 ? "-" : in.messagePath(a.fromIndex());
      int to = a.toIndex() < 0 ? -1 : limited.indexMap()[a.toIndex()];
      actions.add(new WireAction(a.kind(), a.callId(), a.newCallId(), from, to < 0 ? "-" : out.messagePath(to),
          a.detail()));
    }
    for (DialectLimits.LimitAction a : limited.actions()) {
      actions.add(new WireAction(a.kind(), a.callId(), a.newCallId(), "-",
          a.message() < 0 ? "-" : out.messagePath(a.message()), a.detail()));
    }
    List<Violation> left = guard.check(repaired.history(), request.dialect());
    if (!left.isEmpty()) {
      throw new IllegalStateException("toolguard bug: the repaired " + request.dialect().id()
          + " history still breaks the invariant: " + left);
    }
    String text = original == null ? null
        : dev.toolguard.json.internal.Splice.write(original, codec.historyField(), request.history(), in,
            repaired.history(), out);
    return new WireRepair(repaired, text != null ? text : dev.toolguard.json.internal.Json.write(out.body()), actions);
  }

  /**
   * OpenAI Responses: the error for {@code v} as the referee meets it in the body (the provider's
   * words where known, else the referee's, which check mirrors): an output before any call of its id
   * is one with no tool call; an id given to a second call, or to a second output, is refused at
   * whichever of the two comes first in the input. Null for the code's own words.
   *
   * @param at the input index of the item the violation is about, or -1
   * @param items for each call id, the input indexes of its calls and of its outputs
   */
  private static @Nullable String responsesError(Violation v, int at, Map<String, int[]> items) {
    String id = v.callId();
    int[] seen = items.getOrDefault(id, NONE);
    String duplicateCall = "Duplicate function call found with call_id " + id + ".";
    String duplicateOutput = "Duplicate function call output found with call_id " + id + ".";
    switch (v.code()) {
      case DUPLICATE_CALL_ID:
      case REPEATED_CALL:
        return seen[3] < seen[1] ? duplicateOutput : duplicateCall;
      case ORPHAN_RESULT:
      case MISPLACED_RESULT:
      case DUPLICATE_RESULT:
        if (seen[0] == Integer.MAX_VALUE || (at >= 0 && seen[0] > at)) {
          return "No tool call found for function call output with call_id " + id + ".";
        }
        if (v.code() != ViolationCode.DUPLICATE_RESULT) {
          return null;
        }
        return seen[1] < seen[3] ? duplicateCall : duplicateOutput;
      default:
        return null;
    }
  }

  private static final int[] NONE = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};

  /**
   * For each call id: the input index of its first and second written call, and of its first and
   * second output ({@code Integer.MAX_VALUE} for none); one pass.
   */
  private static Map<String, int[]> firstCallItems(List<Message> history, Encoded written) {
    Map<String, int[]> map = new HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      List<Content> contents = history.get(i).contents();
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        int at = c instanceof ToolCall || c instanceof ToolResult ? written.contentIndex(i, k) : -1;
        if (at < 0 && c instanceof ToolCall
            && dev.toolguard.json.internal.Json.flag(c.metadata(), dev.toolguard.json.WireMetadata.VIRTUAL)) {
          // a call of the stored response the body continues: the service meets it before the input
          at = -1;
        } else if (at < 0) {
          continue;
        }
        String id = c instanceof ToolCall ? ((ToolCall) c).callId() : ((ToolResult) c).callId();
        int[] seen = map.computeIfAbsent(id, x -> NONE.clone());
        int first = c instanceof ToolCall ? 0 : 2;
        if (seen[first] == Integer.MAX_VALUE) {
          seen[first] = at;
        } else if (seen[first + 1] == Integer.MAX_VALUE) {
          seen[first + 1] = at;
        }
      }
    }
    return map;
  }

  /**
   * Anthropic: the error for {@code v} as the provider meets it in the body, or null for the code's
   * own words. A fault at a block (a missing or malformed id, a stray or second result, a reused id)
   * is worded where it stands, each block of message {@code i} with the violation's id taken once, in
   * block order; an unanswered or misplaced call, or a fault with no block of its own left, as the first
   * fault the provider meets about its id (the unanswered ids of its turn listed together, or the
   * result that strayed).
   */
  private static @Nullable String anthropicError(Violation v, Message m, int i, Encoded written,
      AnthropicErrors errors, java.util.Set<String> used) {
    boolean results;
    switch (v.code()) {
      case EMPTY_RESULT_ID:
      case ORPHAN_RESULT:
      case DUPLICATE_RESULT:
        results = true;
        break;
      case EMPTY_CALL_ID:
      case DUPLICATE_CALL_ID:
      case REPEATED_CALL:
        results = false;
        break;
      case MISSING_RESULT:
      case MISPLACED_RESULT:
        return errors.first(v.callId());
      default:
        return null;
    }
    List<Content> contents = m.contents();
    for (int k = 0; k < contents.size(); k++) {
      Content c = contents.get(k);
      String id = results ? (c instanceof ToolResult ? ((ToolResult) c).callId() : null)
          : (c instanceof ToolCall && !((ToolCall) c).informational() ? ((ToolCall) c).callId() : null);
      int message = written.contentIndex(i, k);
      int block = written.contentSub(i, k);
      if (id == null || !id.equals(v.callId()) || message < 0 || block < 0) {
        continue;
      }
      String own = errors.at(message, block);
      if (own != null && used.add(message + "." + block)) {
        return own;
      }
    }
    return errors.first(v.callId());
  }

  /** True when an Anthropic body turns extended thinking on ({@code thinking.type} enabled or adaptive). */
  private static boolean thinkingEnabled(WireRequest request) {
    if (request.dialect() != Dialect.ANTHROPIC) {
      return false;
    }
    com.fasterxml.jackson.databind.JsonNode type = request.envelope().path("thinking").path("type");
    return type.isTextual() && (type.asText().equals("enabled") || type.asText().equals("adaptive"));
  }

  /** True when a Responses body continues a conversation stored on the server, whose items it does not hold. */
  private static boolean continuesStored(WireRequest request) {
    if (request.dialect() != Dialect.OPENAI_RESPONSES) {
      return false;
    }
    for (String field : List.of("previous_response_id", "conversation")) {
      com.fasterxml.jackson.databind.JsonNode v = request.envelope().get(field);
      if (v != null && !v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
        return true;
      }
    }
    return false;
  }

  private static DialectCodec codec(Dialect dialect) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect is null; give the dialect of the body");
    }
    return Codecs.of(dialect);
  }

  /**
   * The content of {@code m} that a violation with {@code callId} is about, or -1: the first call or
   * result with that id, or for a duplicate result the last one.
   */
  private static int contentOf(Message m, String callId, boolean last) {
    List<Content> contents = m.contents();
    int found = -1;
    for (int k = 0; k < contents.size(); k++) {
      Content c = contents.get(k);
      if ((c instanceof ToolCall && !((ToolCall) c).informational() && ((ToolCall) c).callId().equals(callId))
          || (c instanceof ToolResult && ((ToolResult) c).callId().equals(callId))) {
        found = k;
        if (!last) {
          return k;
        }
      }
    }
    return found;
  }

  /** For each call id (of a call to be answered), the index of the first message that holds it: one pass. */
  private static Map<String, Integer> callMessages(List<Message> history) {
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      for (Content c : history.get(i).contents()) {
        if (c instanceof ToolCall && !((ToolCall) c).informational()) {
          map.putIfAbsent(((ToolCall) c).callId(), i);
        }
      }
    }
    return map;
  }

  /** The index in the body's history array that {@code path} starts with. */
  private static int order(String path) {
    int open = path.indexOf('[');
    int close = path.indexOf(']');
    if (open < 0 || close < open) {
      return -1;
    }
    try {
      return Integer.parseInt(path.substring(open + 1, close));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "WireGuard[" + guard + "]";
  }
}
