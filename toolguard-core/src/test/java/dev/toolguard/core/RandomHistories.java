package dev.toolguard.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random valid histories and random faults of the kinds seen in the field, for property tests.
 * Everything is drawn from the {@link Random} given, so a seed reproduces a case.
 */
public final class RandomHistories {

  private static final String[] TOOLS = {"search", "weather", "pay", "lookup"};

  private RandomHistories() {}

  /** A valid history of about {@code turns} user turns. */
  public static List<Message> valid(Random random, int turns) {
    List<Message> h = new ArrayList<>();
    int[] ids = {0};
    if (random.nextBoolean()) {
      h.add(Message.system("system " + random.nextInt(100)));
    }
    for (int t = 0; t < turns; t++) {
      h.add(Message.user("user " + t + "-" + random.nextInt(1000)));
      int rounds = random.nextInt(3);
      for (int r = 0; r < rounds; r++) {
        addCallBlock(random, h, ids);
      }
      h.add(Message.assistant("answer " + t));
    }
    return h;
  }

  private static void addCallBlock(Random random, List<Message> h, int[] ids) {
    int n = 1 + random.nextInt(4);
    List<Content> contents = new ArrayList<>();
    if (random.nextInt(4) == 0) {
      contents.add(new Opaque("reasoning", "rs_" + ids[0], Map.of("id", "rs_" + ids[0])));
    }
    if (random.nextInt(3) == 0) {
      contents.add(Text.of("let me check"));
    }
    List<ToolResult> results = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String id = "call_" + (ids[0]++);
      String tool = TOOLS[random.nextInt(TOOLS.length)];
      Map<String, Object> meta = random.nextInt(5) == 0 ? Map.of("item_id", "fc_" + id) : Map.of();
      contents.add(new ToolCall(id, tool, "{\"n\":" + k + "}", false, meta));
      boolean error = random.nextInt(8) == 0;
      results.add(new ToolResult(id, random.nextBoolean() ? tool : null, "out " + id, error, Map.of()));
    }
    ToolResult waitingAnswer = null;
    if (random.nextInt(6) == 0) {
      String id = "call_" + (ids[0]++);
      contents.add(new ApprovalRequest(id, ToolCall.of(id, "client", "{}"), Map.of(Metadata.PENDING,
          Metadata.PENDING_CLIENT)));
      if (random.nextBoolean()) {
        waitingAnswer = ToolResult.of(id, null, "answered by the app");
      }
    }
    h.add(new Message(Role.ASSISTANT, contents, Map.of()));
    if (random.nextBoolean()) {
      Collections.shuffle(results, random);
    }
    if (random.nextBoolean()) {
      h.add(new Message(Role.TOOL, new ArrayList<>(results), Map.of()));
    } else {
      for (ToolResult r : results) {
        h.add(Message.tool(r));
      }
    }
    if (waitingAnswer != null) {
      h.add(Message.tool(waitingAnswer));
    }
  }

  /** The faults applied by {@link #corrupt}. */
  public enum Fault {
    INTERLEAVE, DROP_CALL_MESSAGE, DROP_RESULT, DUPLICATE_RESULT, SWAP_ADJACENT, RENAME_RESULT_ID,
    RENAME_CALL_ID, TRUNCATE_FRONT, TRUNCATE_BACK, MOVE_LATE, MOVE_EARLY, EMPTY_RESULT_ID, REUSE_CALL_ID,
    EMPTY_MESSAGE
  }

  /** {@code history} with {@code faults} random faults applied. */
  public static List<Message> corrupt(List<Message> history, Random random, int faults) {
    List<Message> h = new ArrayList<>(history);
    for (int f = 0; f < faults && !h.isEmpty(); f++) {
      Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
      apply(fault, h, random);
    }
    return h;
  }

  static void apply(Fault fault, List<Message> h, Random random) {
    int n = h.size();
    switch (fault) {
      case INTERLEAVE -> h.add(random.nextInt(n + 1), Message.user("typed meanwhile " + random.nextInt(1000)));
      case DROP_CALL_MESSAGE -> {
        int i = indexOf(h, random, m -> m.hasToolCalls());
        if (i >= 0) {
          h.remove(i);
        }
      }
      case DROP_RESULT -> {
        int i = indexOf(h, random, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          h.remove(i);
        }
      }
      case DUPLICATE_RESULT -> {
        int i = indexOf(h, random, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          h.add(i + 1 + random.nextInt(n - i), h.get(i));
        }
      }
      case SWAP_ADJACENT -> {
        if (n >= 2) {
          int i = random.nextInt(n - 1);
          Collections.swap(h, i, i + 1);
        }
      }
      case RENAME_RESULT_ID -> mapResult(h, random, r -> r.withCallId("db_" + random.nextInt(1_000_000)));
      case EMPTY_RESULT_ID -> mapResult(h, random, r -> r.withCallId(""));
      case RENAME_CALL_ID -> {
        int i = indexOf(h, random, Message::hasToolCalls);
        if (i >= 0) {
          List<Content> contents = new ArrayList<>(h.get(i).contents());
          int p = positionOf(contents, random, c -> c instanceof ToolCall);
          contents.set(p, ((ToolCall) contents.get(p)).withCallId("rewritten_" + random.nextInt(1000)));
          h.set(i, h.get(i).withContents(contents));
        }
      }
      case REUSE_CALL_ID -> {
        int i = indexOf(h, random, Message::hasToolCalls);
        int j = indexOf(h, random, Message::hasToolCalls);
        if (i >= 0 && j >= 0 && i != j) {
          String reused = h.get(i).toolCalls().get(0).callId();
          String old = h.get(j).toolCalls().get(0).callId();
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
      }
      case TRUNCATE_FRONT -> h.subList(0, Math.min(n, 1 + random.nextInt(3))).clear();
      case TRUNCATE_BACK -> h.subList(Math.max(0, n - 1 - random.nextInt(3)), n).clear();
      case MOVE_LATE -> {
        int i = indexOf(h, random, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          Message m = h.remove(i);
          h.add(i + random.nextInt(h.size() - i + 1), m);
        }
      }
      case MOVE_EARLY -> {
        int i = indexOf(h, random, m -> m.role() == Role.TOOL);
        if (i >= 0) {
          Message m = h.remove(i);
          h.add(random.nextInt(i + 1), m);
        }
      }
      case EMPTY_MESSAGE -> h.add(random.nextInt(n + 1), new Message(Role.ASSISTANT, List.of(), Map.of()));
    }
  }

  private static void mapResult(List<Message> h, Random random, java.util.function.UnaryOperator<ToolResult> f) {
    int i = indexOf(h, random, m -> m.role() == Role.TOOL && !m.contents().isEmpty());
    if (i >= 0) {
      List<Content> contents = new ArrayList<>(h.get(i).contents());
      int p = random.nextInt(contents.size());
      contents.set(p, f.apply((ToolResult) contents.get(p)));
      h.set(i, h.get(i).withContents(contents));
    }
  }

  private static int indexOf(List<Message> h, Random random, java.util.function.Predicate<Message> p) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (p.test(h.get(i))) {
        candidates.add(i);
      }
    }
    return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
  }

  private static int positionOf(List<Content> contents, Random random, java.util.function.Predicate<Content> p) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      if (p.test(contents.get(i))) {
        candidates.add(i);
      }
    }
    return candidates.get(random.nextInt(candidates.size()));
  }
}
