package dev.toolguard.benchmarks.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The shape of the valid histories the framework benchmarks send before their user message, one
 * {@link Step} a framework message, for each module to build in its framework's types: a system message,
 * then user turns answered by the assistant, a third of them with 1–4 parallel calls of {@code lookup}
 * and their results. Deterministic: the same size gives the same history.
 */
public final class HistoryShape {

  private HistoryShape() {}

  /** One message of a history. */
  public sealed interface Step {}

  /** The system message. */
  public record System(String text) implements Step {}

  /** A user message. */
  public record User(String text) implements Step {}

  /** An assistant message with text only. */
  public record Assistant(String text) implements Step {}

  /** An assistant message that asks for {@code calls}, in order. */
  public record Calls(List<Call> calls) implements Step {}

  /**
   * A message with the results of {@code calls}, each {@link BenchReferee#QUICK_OUTPUT}: all of a turn's
   * results where the framework keeps them in one message, else one.
   */
  public record Results(List<Call> calls) implements Step {}

  /** One call: its id, tool name and arguments (a JSON object). */
  public record Call(String id, String name, String arguments) {}

  /**
   * A valid history of exactly {@code size} messages (0 for none) that ends on an assistant text.
   *
   * @param resultsInOneMessage whether the framework keeps all results of a turn in one message (Spring
   *     AI's {@code ToolResponseMessage}) rather than one message a result (LangChain4j, openai-java)
   * @throws IllegalArgumentException if {@code size} is negative or 1
   */
  public static List<Step> of(int size, boolean resultsInOneMessage) {
    if (size < 0 || size == 1) {
      throw new IllegalArgumentException("size must be 0 or at least 2 (a system message and a turn), was " + size);
    }
    List<Step> h = new ArrayList<>();
    if (size == 0) {
      return h;
    }
    Random random = new Random(42);
    h.add(new System("You are a helpful assistant."));
    int id = 0;
    while (h.size() < size) {
      h.add(new User("question " + h.size() + " about the weather and my calendar"));
      if (random.nextInt(3) == 0) {
        int n = 1 + random.nextInt(4);
        List<Call> calls = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          calls.add(new Call("hist_" + id++, "lookup", "{\"query\":\"q" + k + "\"}"));
        }
        h.add(new Calls(List.copyOf(calls)));
        if (resultsInOneMessage) {
          h.add(new Results(List.copyOf(calls)));
        } else {
          calls.forEach(call -> h.add(new Results(List.of(call))));
        }
      }
      h.add(new Assistant("Here is what I found for turn " + h.size() + "."));
    }
    // end on a whole turn: cut back to the last assistant text within the size, then fill up
    List<Step> cut = new ArrayList<>(h.subList(0, size));
    while (!(cut.get(cut.size() - 1) instanceof Assistant)) {
      cut.remove(cut.size() - 1);
    }
    while (cut.size() < size) {
      cut.add(size - cut.size() >= 2 ? new User("and one more thing") : new Assistant("Anything else?"));
      if (cut.size() < size) {
        cut.add(new Assistant("Noted."));
      }
    }
    return List.copyOf(cut);
  }
}
