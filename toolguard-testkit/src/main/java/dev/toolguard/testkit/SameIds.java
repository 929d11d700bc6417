package dev.toolguard.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Two conversations whose model sends the same call ids and arguments, for tests that one
 * conversation's calls and results never cross into another's.
 *
 * <p>{@link #script(ScriptedModel)} makes the model of one conversation ask, in one turn, for {@value
 * #APPROVED_TOOL} as {@value #APPROVED_ID} (a tool the test makes wait for approval) and {@value
 * #FREE_TOOL} as {@value #FREE_ID} (one that needs none), both with {@value #ARGUMENTS}, then answer
 * {@value #ANSWER}. Scripting it for conversation A, then again for B, sends B exactly A's ids and
 * arguments. The tools record their runs here ({@link #run(String, String)}) and answer with a text
 * that names the conversation and the run, so a history or a request that carries another
 * conversation's result shows it. Thread-safe.
 */
public final class SameIds {

  /** The tool that waits for approval in the script. */
  public static final String APPROVED_TOOL = "get_balance";

  /** The tool that needs no approval in the script. */
  public static final String FREE_TOOL = "get_rate";

  /** The id the model gives the call of {@link #APPROVED_TOOL}, in every conversation. */
  public static final String APPROVED_ID = "call_0";

  /** The id the model gives the call of {@link #FREE_TOOL}, in every conversation. */
  public static final String FREE_ID = "call_1";

  /** The arguments of both calls, in every conversation. */
  public static final String ARGUMENTS = "{\"account\":\"main\"}";

  /** The conversation that runs first. */
  public static final String FIRST = "A";

  /** The conversation that runs second, with the first one's ids and arguments. */
  public static final String SECOND = "B";

  /** The conversations, in the order they run. */
  public static final List<String> CONVERSATIONS = List.of(FIRST, SECOND);

  /** What the model answers once both results are in. */
  public static final String ANSWER = "Here are your balance and rate.";

  private final List<String> runs = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> perTool = new ConcurrentHashMap<>();

  /** Enqueues one conversation's model replies: the two calls with the fixed ids, then {@link #ANSWER}. */
  public static void script(ScriptedModel model) {
    model.enqueue(Reply.toolCalls(Reply.call(APPROVED_TOOL, ARGUMENTS).withId(APPROVED_ID),
        Reply.call(FREE_TOOL, ARGUMENTS).withId(FREE_ID)), Reply.text(ANSWER));
  }

  /**
   * Records that {@code tool} ran for {@code conversation} and returns its output: {@code "get_balance
   * for A, run 1"}, the run counted over all conversations.
   */
  public String run(String conversation, String tool) {
    int n = perTool.computeIfAbsent(tool, t -> new AtomicInteger()).incrementAndGet();
    runs.add(conversation + " " + tool);
    return output(conversation, tool, n);
  }

  /** The output of the {@code n}th run of {@code tool} (over all conversations), run for {@code conversation}. */
  public static String output(String conversation, String tool, int n) {
    return tool + " for " + conversation + ", run " + n;
  }

  /** How often {@code tool} ran for {@code conversation}. */
  public int runs(String conversation, String tool) {
    String entry = conversation + " " + tool;
    return (int) runs.stream().filter(entry::equals).count();
  }

  /** Every run, in order, as {@code "conversation tool"}. */
  public List<String> runs() {
    return List.copyOf(runs);
  }

  /**
   * Checks that each tool ran once for each conversation, for that conversation: the free one in the
   * first run, the approved one on the resume, {@link #FIRST}'s before {@link #SECOND}'s.
   *
   * @throws AssertionError naming the runs otherwise
   */
  public void checkEachRanOncePerConversation() {
    List<String> expected = List.of(FIRST + " " + FREE_TOOL, FIRST + " " + APPROVED_TOOL, SECOND + " " + FREE_TOOL,
        SECOND + " " + APPROVED_TOOL);
    if (!runs.equals(expected)) {
      throw new AssertionError("the tools ran " + runs + ", not " + expected);
    }
  }

  /**
   * The results the second conversation's history must hold, as {@code "callId output"} (in any order):
   * its own, from the second run of each tool.
   */
  public static List<String> resultsOfSecond() {
    return List.of(APPROVED_ID + " " + output(SECOND, APPROVED_TOOL, 2), FREE_ID + " " + output(SECOND, FREE_TOOL, 2));
  }

  /**
   * Checks the last model request of the second conversation: it carries that conversation's result
   * and nothing of the first one's.
   *
   * @throws AssertionError otherwise
   */
  public static void checkLastRequestOfSecond(@Nullable RecordedRequest request) {
    if (request == null || !request.body().contains(output(SECOND, APPROVED_TOOL, 2))) {
      throw new AssertionError("the last request does not carry " + output(SECOND, APPROVED_TOOL, 2) + ": " + request);
    }
    if (request.body().contains(" for " + FIRST)) {
      throw new AssertionError("the second conversation's request carries a result of the first: " + request.body());
    }
  }
}
