package dev.toolguard.openai.internal;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import dev.toolguard.openai.ToolGuardOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the request params of Chat Completions and Responses by the options' policy, and remembers
 * the Responses the client saw. An unchanged request comes back as the same params object.
 */
public final class RequestGuard {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.openai");

  private final ToolGuardOptions options;
  private final HistoryGuard guard;
  private final ServerState state;

  /** A guard with {@code options} and an empty memory of responses. */
  public RequestGuard(ToolGuardOptions options) {
    this.options = options;
    this.guard = options.historyGuard();
    this.state = new ServerState(options.rememberedResponses());
  }

  /** The memory of the Responses this client saw. */
  public ServerState state() {
    return state;
  }

  /** {@code params} with a valid history; the same object when it was valid. */
  public ChatCompletionCreateParams chat(ChatCompletionCreateParams params) {
    var known = params._messages().asKnown();
    if (known.isEmpty()) {
      return params; // no messages, or raw JSON set on purpose: the server judges it
    }
    List<ChatCompletionMessageParam> messages = known.get();
    List<Message> history = ChatMapper.toCore(messages);
    RepairResult repair = repairOrReject(history);
    if (!repair.changed()) {
      return params;
    }
    List<ChatCompletionMessageParam> repaired = ChatMapper.toWire(repair.history());
    LOG.debug("chat request repaired: {} -> {} messages", messages.size(), repaired.size());
    return params.toBuilder().messages(repaired).build();
  }

  /**
   * {@code params} with a valid input, where calls held on the server (by {@code
   * previous_response_id} or {@code conversation}) count; the same object when nothing changed.
   */
  public ResponseCreateParams responses(ResponseCreateParams params) {
    String previous = params._previousResponseId().asKnown().orElse(null);
    String conversation = params._conversation().asKnown()
        .flatMap(c -> c.isId() ? java.util.Optional.of(c.asId())
            : c.responseConversationParam().flatMap(p -> p._id().asKnown()))
        .orElse(null);
    List<HeldCall> held = List.of();
    boolean unknownContext = false;
    if (previous != null) {
      List<HeldCall> known = state.openAfterResponse(previous);
      unknownContext = known == null;
      held = known == null ? List.of() : known;
    } else if (conversation != null) {
      List<HeldCall> known = state.openInConversation(conversation);
      unknownContext = known == null;
      held = known == null ? List.of() : known;
    }
    var input = params._input().asKnown();
    List<ResponseInputItem> items;
    if (input.isEmpty() && !params._input().isMissing()) {
      return params; // raw JSON set on purpose: the server judges it
    } else if (input.isEmpty()) {
      items = List.of();
    } else if (input.get().isText()) {
      if (held.isEmpty()) {
        return params; // a text input answers nothing and needs no answer
      }
      items = List.of(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
          .role(EasyInputMessage.Role.USER).content(input.get().asText()).build()));
    } else if (input.get().isResponse()) {
      items = input.get().asResponse();
    } else {
      return params; // input of a shape this version of openai-java does not know: the server judges it
    }
    List<Message> history = ResponsesMapper.toCore(items, state::call);

    Set<String> calls = new HashSet<>();
    for (Message m : history) {
      for (ToolCall c : m.toolCalls()) {
        calls.add(c.callId());
      }
      for (Content c : m.contents()) {
        if (c instanceof Opaque o && "item_reference".equals(o.kind())) {
          unknownContext = true; // a reference to an item this client never saw
        }
      }
    }
    List<ToolCall> open = new ArrayList<>(held.size());
    Map<String, String> heldTypes = new HashMap<>();
    for (HeldCall h : held) {
      if (!calls.contains(h.callId())) {
        open.add(heldCall(h));
        heldTypes.put(h.callId(), h.type());
      }
    }
    Set<String> known = new HashSet<>(calls);
    for (ToolCall c : open) {
      known.add(c.callId());
    }
    if (unknownContext) {
      history = hideUnjudgeable(history, known);
    }
    // with a known server context, an output for a call of an earlier response (answered there already)
    // is a duplicate: the call stands in the context with its answer, so that repair removes the copy
    // instead of binding it to another call
    List<ToolCall> answered = new ArrayList<>();
    List<Content> answers = new ArrayList<>();
    if (previous != null || conversation != null) {
      for (Message m : history) {
        for (ToolResult r : m.toolResults()) {
          HeldCall seen = known.contains(r.callId()) ? null : state.seen(r.callId());
          if (seen != null && known.add(seen.callId())) {
            answered.add(heldCall(seen));
            answers.add(new ToolResult(seen.callId(), seen.name(), "answered before", false, Map.of(Keys.HELD, true)));
          }
        }
      }
    }
    List<Message> augmented = history;
    if (!open.isEmpty() || !answered.isEmpty()) {
      augmented = new ArrayList<>(history.size() + 2);
      List<Content> context = new ArrayList<>(answered);
      context.addAll(open);
      augmented.add(new Message(Role.ASSISTANT, context, Map.of(Keys.HELD, true)));
      if (!answers.isEmpty()) {
        augmented.add(new Message(Role.TOOL, answers, Map.of(Keys.HELD, true)));
      }
      augmented.addAll(history);
    }
    RepairResult repair = repairOrReject(augmented);
    if (!repair.changed()) {
      return params;
    }
    List<Message> repaired = withoutContext(repair.history());
    List<ResponseInputItem> out = ResponsesMapper.toWire(repaired, heldTypes);
    if (sameItems(out, items) && input.isPresent() && input.get().isResponse()) {
      return params;
    }
    LOG.debug("responses request repaired: {} -> {} items", items.size(), out.size());
    return params.toBuilder().input(ResponseCreateParams.Input.ofResponse(out)).build();
  }

  private static ToolCall heldCall(HeldCall h) {
    return new ToolCall(h.callId(), h.name(), h.arguments(), false, Map.of(Keys.HELD, true));
  }

  /** {@code history} without the context added for calls held on the server. */
  private static List<Message> withoutContext(List<Message> history) {
    List<Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      if (m.metadata().containsKey(Keys.HELD)) {
        continue;
      }
      List<Content> kept = new ArrayList<>(m.contents().size());
      for (Content c : m.contents()) {
        if (!c.metadata().containsKey(Keys.HELD)) {
          kept.add(c);
        }
      }
      if (kept.size() == m.contents().size()) {
        out.add(m);
      } else if (!kept.isEmpty()) {
        out.add(m.withContents(kept));
      }
    }
    return out;
  }

  /**
   * With a server context the client does not know, an output whose call is not in the request may
   * answer a call the server holds: it becomes an opaque item that stays where it is, for the server
   * to judge.
   */
  private static List<Message> hideUnjudgeable(List<Message> history, Set<String> known) {
    List<Message> out = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      boolean hides = false;
      if (m.role() == Role.TOOL) {
        for (Content c : m.contents()) {
          hides |= !known.contains(((ToolResult) c).callId());
        }
      }
      if (!hides) {
        if (out != null) {
          out.add(m);
        }
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(history.subList(0, i));
      }
      List<Content> block = new ArrayList<>();
      for (Content c : m.contents()) {
        ToolResult r = (ToolResult) c;
        if (known.contains(r.callId())) {
          block.add(r);
          continue;
        }
        if (!block.isEmpty()) {
          out.add(new Message(Role.TOOL, block, Map.of()));
          block = new ArrayList<>();
        }
        Object item = r.metadata().get(Keys.RESPONSES_ITEM);
        LOG.debug("output for call {} answers no call this client knows of; the server context is unknown,"
            + " so it is sent as it is", r.callId());
        out.add(new Message(Role.USER, List.of(Opaque.of(item instanceof ResponseInputItem it
            ? ResponsesMapper.typeOf(it) : "function_call_output", item == null ? r : item)), Map.of()));
      }
      if (!block.isEmpty()) {
        out.add(new Message(Role.TOOL, block, Map.of()));
      }
    }
    return out == null ? history : out;
  }

  private static boolean sameItems(List<ResponseInputItem> a, List<ResponseInputItem> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private RepairResult repairOrReject(List<Message> history) {
    if (options.historyPolicy() == HistoryPolicy.REJECT) {
      List<Violation> violations = guard.check(history);
      if (!violations.isEmpty()) {
        throw new InvalidHistoryException(violations);
      }
      return new RepairResult(history, List.of());
    }
    RepairResult repair = guard.repair(history);
    if (repair.changed()) {
      options.onRepair().accept(repair);
    }
    return repair;
  }
}
