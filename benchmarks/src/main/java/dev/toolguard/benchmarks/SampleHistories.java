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
   * {@code valid} with about 1% of its call/result pairs broken in the ways DESIGN.md lists, one way
   * per broken block in turn: a user message between call and result; the results lost (a crash
   * after the assistant message); the call message evicted with its results kept; a replayed {@code
   * mcp_} output whose call is not in the history; a rewritten result id; a duplicated result (a
   * retry); parallel results split up by a later message. Distinct blocks are broken, from the end
   * of the history backwards, so each fault lands where it is meant to.
   */
  public static List<Message> broken(List<Message> valid, long seed) {
    int pairs = 0;
    for (int i = 0; i + 1 < valid.size(); i++) {
      if (valid.get(i).hasToolCalls() && valid.get(i + 1).role() == Role.TOOL) {
        pairs += valid.get(i + 1).contents().size();
      }
    }
    // about 1% of the pairs: blocks hold 2.5 pairs on average, and each fault breaks one block
    return broken(valid, Math.max(1, Math.round(pairs / 100f / 2.5f)), seed);
  }

  /**
   * {@code valid} with {@code faults} of its call/result blocks broken, in the ways of {@link
   * #broken(List, long)}, one way per block in turn.
   *
   * @throws IllegalArgumentException if the history has fewer blocks than {@code faults}
   */
  public static List<Message> broken(List<Message> valid, int faults, long seed) {
    Random random = new Random(seed);
    List<Message> h = new ArrayList<>(valid);
    List<Integer> blocks = new ArrayList<>();
    for (int i = 0; i + 1 < h.size(); i++) {
      if (h.get(i).hasToolCalls() && h.get(i + 1).role() == Role.TOOL) {
        blocks.add(i);
      }
    }
    if (blocks.size() < faults || blocks.isEmpty()) {
      throw new IllegalArgumentException("the history has " + blocks.size() + " call/result blocks, fewer than the "
          + Math.max(1, faults) + " faults asked for");
    }
    java.util.Collections.shuffle(blocks, random);
    List<Integer> chosen = new ArrayList<>(blocks.subList(0, Math.min(faults, blocks.size())));
    chosen.sort(java.util.Comparator.reverseOrder());
    for (int f = 0; f < chosen.size(); f++) {
      int i = chosen.get(f);
      Message results = h.get(i + 1);
      switch (f % 7) {
        case 0 -> h.add(i + 1, Message.user("typed while the tool ran"));
        case 1 -> h.remove(i + 1);
        case 2 -> h.remove(i);
        case 3 -> h.add(i + 2, new Message(Role.TOOL,
            List.of(ToolResult.of("mcp_" + Integer.toString(f, 36) + "replayed", "lookup", "{\"stored\":true}")),
            Map.of()));
        case 4 -> {
          List<Content> renamed = new ArrayList<>(results.contents());
          renamed.set(0, ((ToolResult) renamed.get(0)).withCallId("call_db_" + f));
          h.set(i + 1, results.withContents(renamed));
        }
        case 5 -> h.add(i + 2, results);
        default -> {
          List<Content> all = results.contents();
          if (all.size() < 2) {
            h.add(i + 1, Message.user("typed while the tool ran")); // one call: nothing to split
          } else {
            h.set(i + 1, results.withContents(all.subList(0, all.size() - 1)));
            // the last result after the next message (the assistant's answer)
            h.add(Math.min(i + 3, h.size()), new Message(Role.TOOL, List.of(all.get(all.size() - 1)), Map.of()));
          }
        }
      }
    }
    return List.copyOf(h);
  }
}
