package dev.toolguard.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of valid histories and of faults of the kinds seen in the field, for property
 * tests. Every choice is a generated value (a count, a flag, an index), so jqwik shrinks a failing
 * history to a small one and reproduces it from the seed it prints.
 */
public final class RandomHistories {

  private static final String[] TOOLS = {"search", "weather", "pay", "lookup"};

  private RandomHistories() {}

  /** One call of a block: its tool, whether its result is an error, names its tool, carries an item id. */
  record CallSpec(int tool, boolean error, boolean named, boolean itemId) {}

  /** How a block's client-side call waits: not at all, unanswered, or answered by the application. */
  enum Waiting { NONE, UNANSWERED, ANSWERED }

  /**
   * An assistant message with calls and the results that answer them.
   *
   * @param resultOrder the order of the results (a permutation of the calls' positions)
   * @param grouped true when the results come in one tool message, false for one message each
   */
  record BlockSpec(List<CallSpec> calls, boolean reasoning, boolean preface, Waiting waiting,
      List<Integer> resultOrder, boolean grouped) {}

  /** A user turn: the user's message number, the call blocks, then the assistant's answer. */
  record TurnSpec(int said, List<BlockSpec> blocks) {}

  /** One fault: its kind and the numbers that pick where it strikes (taken modulo the candidates). */
  public record FaultStep(Fault fault, int pick, int pick2, int value) {}

  /** The faults {@link #corrupt} applies. */
  public enum Fault {
    INTERLEAVE, DROP_CALL_MESSAGE, DROP_RESULT, DUPLICATE_RESULT, SWAP_ADJACENT, RENAME_RESULT_ID,
    RENAME_CALL_ID, TRUNCATE_FRONT, TRUNCATE_BACK, MOVE_LATE, MOVE_EARLY, EMPTY_RESULT_ID, REUSE_CALL_ID,
    EMPTY_MESSAGE,
    /** An error result loses its text (a tool failed without a message): Bedrock Converse refuses it. */
    EMPTY_ERROR_OUTPUT,
    /** A result names another tool than its call (a store that mixed names up): Ollama matches by name. */
    WRONG_RESULT_NAME,
    /** The assistant said something in a message of its own before a message with calls: Gemini refuses it. */
    ASSISTANT_TURN_BEFORE_CALLS
  }

  /** True one time in {@code n}; shrinks to false. */
  private static Arbitrary<Boolean> oneIn(int n) {
    return Arbitraries.integers().between(0, n - 1).map(i -> i == n - 1);
  }

  private static Arbitrary<CallSpec> calls() {
    return Combinators.combine(Arbitraries.integers().between(0, TOOLS.length - 1), oneIn(8), oneIn(2), oneIn(5))
        .as(CallSpec::new);
  }

  private static Arbitrary<BlockSpec> blocks() {
    Arbitrary<Waiting> waiting = Arbitraries.frequency(
        Tuple.of(10, Waiting.NONE), Tuple.of(1, Waiting.UNANSWERED), Tuple.of(1, Waiting.ANSWERED));
    // half the time the results come in call order, else in the order of random sort keys
    Arbitrary<List<Integer>> sortKeys = Arbitraries.oneOf(Arbitraries.just(List.of()),
        Arbitraries.integers().between(0, 99).list().ofSize(4));
    return Combinators.combine(calls().list().ofMinSize(1).ofMaxSize(4), oneIn(4), oneIn(3), waiting, sortKeys, oneIn(2))
        .as((calls, reasoning, preface, w, keys, grouped) -> {
          List<Integer> order = IntStream.range(0, calls.size()).boxed().collect(Collectors.toList());
          if (!keys.isEmpty()) {
            order.sort(java.util.Comparator.comparing(keys::get));
          }
          return new BlockSpec(calls, reasoning, preface, w, order, grouped);
        });
  }

  private static Arbitrary<TurnSpec> turns() {
    return Combinators.combine(Arbitraries.integers().between(0, 999), blocks().list().ofMaxSize(2))
        .as(TurnSpec::new);
  }

  /** Valid histories: an optional system message, then up to 12 user turns with up to two call blocks each. */
  public static Arbitrary<List<Message>> valid() {
    Arbitrary<Integer> system = Arbitraries.integers().between(0, 99).injectNull(0.5);
    return Combinators.combine(system, turns().list().ofMaxSize(12)).as(RandomHistories::build);
  }

  /** Between {@code min} and {@code max} faults. */
  public static Arbitrary<List<FaultStep>> faults(int min, int max) {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1_000_000);
    return Combinators.combine(Arbitraries.of(Fault.class), pick, pick, pick).as(FaultStep::new)
        .list().ofMinSize(min).ofMaxSize(max);
  }

  /** Valid histories broken by one to six faults. */
  public static Arbitrary<List<Message>> broken() {
    return Combinators.combine(valid(), faults(1, 6)).as(RandomHistories::corrupt);
  }

  private static List<Message> build(Integer system, List<TurnSpec> turns) {
    List<Message> h = new ArrayList<>();
    int[] ids = {0};
    if (system != null) {
      h.add(Message.system("system " + system));
    }
    for (int t = 0; t < turns.size(); t++) {
      TurnSpec turn = turns.get(t);
      h.add(Message.user("user " + t + "-" + turn.said()));
      for (BlockSpec block : turn.blocks()) {
        addCallBlock(block, h, ids);
      }
      h.add(Message.assistant("answer " + t));
    }
    return h;
  }

  private static void addCallBlock(BlockSpec block, List<Message> h, int[] ids) {
    List<Content> contents = new ArrayList<>();
    if (block.reasoning()) {
      contents.add(new Opaque("reasoning", "rs_" + ids[0], Map.of("id", "rs_" + ids[0])));
    }
    if (block.preface()) {
      contents.add(Text.of("let me check"));
    }
    List<ToolResult> results = new ArrayList<>();
    for (int k = 0; k < block.calls().size(); k++) {
      CallSpec spec = block.calls().get(k);
      String id = "call_" + (ids[0]++);
      String tool = TOOLS[spec.tool()];
      Map<String, Object> meta = spec.itemId() ? Map.of("item_id", "fc_" + id) : Map.of();
      contents.add(new ToolCall(id, tool, "{\"n\":" + k + "}", false, meta));
      results.add(new ToolResult(id, spec.named() ? tool : null, "out " + id, spec.error(), Map.of()));
    }
    ToolResult waitingAnswer = null;
    if (block.waiting() != Waiting.NONE) {
      String id = "call_" + (ids[0]++);
      contents.add(new ApprovalRequest(id, ToolCall.of(id, "client", "{}"), Map.of(Metadata.PENDING,
          Metadata.PENDING_CLIENT)));
      if (block.waiting() == Waiting.ANSWERED) {
        waitingAnswer = ToolResult.of(id, null, "answered by the app");
      }
    }
    h.add(new Message(Role.ASSISTANT, contents, Map.of()));
    List<ToolResult> ordered = new ArrayList<>();
    for (int position : block.resultOrder()) {
      ordered.add(results.get(position));
    }
    if (block.grouped()) {
      h.add(new Message(Role.TOOL, new ArrayList<Content>(ordered), Map.of()));
    } else {
      for (ToolResult r : ordered) {
        h.add(Message.tool(r));
      }
    }
    if (waitingAnswer != null) {
      h.add(Message.tool(waitingAnswer));
    }
  }

  /** {@code history} with {@code faults} applied in order. */
  public static List<Message> corrupt(List<Message> history, List<FaultStep> faults) {
    List<Message> h = new ArrayList<>(history);
    for (FaultStep step : faults) {
      if (h.isEmpty()) {
        break;
      }
      apply(step, h);
    }
    return h;
  }

  static void apply(FaultStep step, List<Message> h) {
    int n = h.size();
    int pick = step.pick();
    int pick2 = step.pick2();
    switch (step.fault()) {
      case INTERLEAVE -> h.add(pick % (n + 1), Message.user("typed meanwhile " + step.value() % 1000));
      case DROP_CALL_MESSAGE -> {
        int i = indexOf(h, pick, Message::hasToolCalls);
        if (i >= 0) {
          h.remove(i);
        }
      }
      case DROP_RESULT -> {
        int i = indexOf(h, pick, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          h.remove(i);
        }
      }
      case DUPLICATE_RESULT -> {
        int i = indexOf(h, pick, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          h.add(i + 1 + pick2 % (n - i), h.get(i));
        }
      }
      case SWAP_ADJACENT -> {
        if (n >= 2) {
          int i = pick % (n - 1);
          Collections.swap(h, i, i + 1);
        }
      }
      case RENAME_RESULT_ID -> mapResult(h, pick, pick2, r -> r.withCallId("db_" + step.value()));
      case EMPTY_RESULT_ID -> mapResult(h, pick, pick2, r -> r.withCallId(""));
      case RENAME_CALL_ID -> {
        int i = indexOf(h, pick, Message::hasToolCalls);
        if (i >= 0) {
          List<Content> contents = new ArrayList<>(h.get(i).contents());
          int p = positionOf(contents, pick2, c -> c instanceof ToolCall);
          contents.set(p, ((ToolCall) contents.get(p)).withCallId("rewritten_" + step.value() % 1000));
          h.set(i, h.get(i).withContents(contents));
        }
      }
      case REUSE_CALL_ID -> {
        int i = indexOf(h, pick, Message::hasToolCalls);
        int j = indexOf(h, pick2, Message::hasToolCalls);
        if (i >= 0 && j >= 0 && i != j) {
          reuse(h, h.get(i).toolCalls().get(0).callId(), h.get(j).toolCalls().get(0).callId());
        }
      }
      case TRUNCATE_FRONT -> h.subList(0, Math.min(n, 1 + pick % 3)).clear();
      case TRUNCATE_BACK -> h.subList(Math.max(0, n - 1 - pick % 3), n).clear();
      case MOVE_LATE -> {
        int i = indexOf(h, pick, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          Message m = h.remove(i);
          h.add(i + pick2 % (h.size() - i + 1), m);
        }
      }
      case MOVE_EARLY -> {
        int i = indexOf(h, pick, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          Message m = h.remove(i);
          h.add(pick2 % (i + 1), m);
        }
      }
      case EMPTY_MESSAGE -> h.add(pick % (n + 1), new Message(Role.ASSISTANT, List.of(), Map.of()));
      case EMPTY_ERROR_OUTPUT -> mapResult(h, pick, pick2, r -> new ToolResult(r.callId(), r.name(), "", true,
          r.metadata()));
      case WRONG_RESULT_NAME -> mapResult(h, pick, pick2, r -> new ToolResult(r.callId(),
          TOOLS[Math.floorMod(step.value(), TOOLS.length)], r.output(), r.error(), r.metadata()));
      case ASSISTANT_TURN_BEFORE_CALLS -> {
        int i = indexOf(h, pick, Message::hasToolCalls);
        if (i >= 0) {
          h.add(i, Message.assistant("thinking aloud " + step.value() % 1000));
        }
      }
    }
  }

  /** Every call and result with id {@code old} gets id {@code reused}. */
  private static void reuse(List<Message> h, String reused, String old) {
    for (int k = 0; k < h.size(); k++) {
      Message m = h.get(k);
      List<Content> contents = new ArrayList<>(m.contents());
      boolean changed = false;
      for (int p = 0; p < contents.size(); p++) {
        Content c = contents.get(p);
        if (c instanceof ToolCall call && call.callId().equals(old)) {
          contents.set(p, call.withCallId(reused));
          changed = true;
        } else if (c instanceof ToolResult r && r.callId().equals(old)) {
          contents.set(p, r.withCallId(reused));
          changed = true;
        }
      }
      if (changed) {
        h.set(k, m.withContents(contents));
      }
    }
  }

  private static void mapResult(List<Message> h, int pick, int pick2, UnaryOperator<ToolResult> f) {
    int i = indexOf(h, pick, m -> m.role() == Role.TOOL && !m.contents().isEmpty());
    if (i >= 0) {
      List<Content> contents = new ArrayList<>(h.get(i).contents());
      int p = pick2 % contents.size();
      contents.set(p, f.apply((ToolResult) contents.get(p)));
      h.set(i, h.get(i).withContents(contents));
    }
  }

  /** The index of the message, among those matching {@code p}, that {@code pick} names; -1 when none match. */
  private static int indexOf(List<Message> h, int pick, Predicate<Message> p) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (p.test(h.get(i))) {
        candidates.add(i);
      }
    }
    return candidates.isEmpty() ? -1 : candidates.get(pick % candidates.size());
  }

  private static int positionOf(List<Content> contents, int pick, Predicate<Content> p) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      if (p.test(contents.get(i))) {
        candidates.add(i);
      }
    }
    return candidates.get(pick % candidates.size());
  }
}
