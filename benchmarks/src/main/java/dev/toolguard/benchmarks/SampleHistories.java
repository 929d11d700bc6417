package dev.toolguard.benchmarks;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic histories for the benchmarks: user turns answered by the assistant, a third of the
 * assistant turns with 1–4 parallel calls and their results. Deterministic for a seed.
 */
public final class SampleHistories {

  private static final String[] TOOLS = {"search", "weather", "calendar", "lookup"};

  private SampleHistories() {}

  /** A valid history of exactly {@code size} messages. */
  public static List<Message> valid(int size, long seed) {
    Random random = new Random(seed);
    List<Message> h = new ArrayList<>(size + 8);
    h.add(Message.system("You are a helpful assistant."));
    int id = 0;
    while (h.size() < size) {
      h.add(Message.user("question " + h.size() + " about the weather and my calendar"));
      if (random.nextInt(3) == 0) {
        int n = 1 + random.nextInt(4);
        List<Content> calls = new ArrayList<>(n);
        List<Content> results = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          String callId = "call_" + Integer.toString(id++, 36) + "abcdefghijklmnopqrstu";
          String tool = TOOLS[random.nextInt(TOOLS.length)];
          calls.add(ToolCall.of(callId, tool, "{\"query\":\"q" + k + "\",\"limit\":5}"));
          results.add(ToolResult.of(callId, tool, "{\"items\":[1,2,3],\"source\":\"" + tool + "\"}"));
        }
        h.add(new Message(Role.ASSISTANT, calls, Map.of()));
        h.add(new Message(Role.TOOL, results, Map.of()));
      }
      h.add(Message.assistant("Here is what I found for turn " + h.size() + "."));
    }
    return List.copyOf(h.subList(0, size));
  }

  /**
   * {@code valid} with about 1% of its call/result pairs broken in the ways seen in the field: a
   * user message between call and result, a lost result, a result whose call was evicted, a
   * duplicated result, a rewritten result id.
   */
  public static List<Message> broken(List<Message> valid, long seed) {
    Random random = new Random(seed);
    List<Message> h = new ArrayList<>(valid);
    List<Integer> callMessages = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).hasToolCalls() && i + 1 < h.size() && h.get(i + 1).role() == Role.TOOL) {
        callMessages.add(i);
      }
    }
    int faults = Math.max(1, callMessages.size() / 100);
    for (int f = 0; f < faults; f++) {
      int i = callMessages.get(random.nextInt(callMessages.size()));
      if (i + 1 >= h.size() || h.get(i + 1).role() != Role.TOOL || !h.get(i).hasToolCalls()) {
        continue;
      }
      switch (f % 5) {
        case 0 -> h.add(i + 1, Message.user("typed while the tool ran"));
        case 1 -> h.remove(i + 1);
        case 2 -> h.set(i, Message.assistant("the call message was evicted"));
        case 3 -> h.add(i + 2, h.get(i + 1));
        default -> {
          Message results = h.get(i + 1);
          List<Content> renamed = new ArrayList<>(results.contents());
          ToolResult first = (ToolResult) renamed.get(0);
          renamed.set(0, first.withCallId("call_db_" + f));
          h.set(i + 1, results.withContents(renamed));
        }
      }
    }
    return List.copyOf(h);
  }
}
