package dev.toolguard.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many conversations at once, each of several tool rounds, for load tests through the referee.
 *
 * <p>Conversation {@code c} is named by its marker ({@code conv-007}), which its user message
 * carries. The model ({@link #reply(RecordedRequest)}, given to {@link ScriptedModel#respondWith})
 * asks for the tool {@value #TOOL} once a round, with the conversation's marker in the arguments
 * ({@code {"conversation":"conv-007","round":3}}), and after the last round answers {@link
 * #answer(int)}. A history that crossed into another shows as two markers in one request body or one
 * stored history ({@link #markers(String)}). Immutable and thread-safe.
 */
public final class ConversationLoad {

  /** The name of the tool the model asks for every round. */
  public static final String TOOL = "step";

  private static final Pattern MARKER = Pattern.compile("conv-(\\d{3})");

  private final int conversations;
  private final int rounds;

  private ConversationLoad(int conversations, int rounds) {
    this.conversations = conversations;
    this.rounds = rounds;
  }

  /**
   * A load of {@code conversations} conversations (1 to 1000) of {@code rounds} tool rounds each (at
   * least 1).
   */
  public static ConversationLoad of(int conversations, int rounds) {
    if (conversations < 1 || conversations > 1000) {
      throw new IllegalArgumentException("conversations must be 1 to 1000 (markers have three digits), was "
          + conversations);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
    }
    return new ConversationLoad(conversations, rounds);
  }

  /** How many conversations run at once. */
  public int conversations() {
    return conversations;
  }

  /** How many tool rounds each conversation makes before the answer. */
  public int rounds() {
    return rounds;
  }

  /** How many model requests the whole load makes: a request per round and one for the answer. */
  public int requests() {
    return conversations * (rounds + 1);
  }

  /** The marker of conversation {@code conversation}: {@code conv-007}. */
  public static String marker(int conversation) {
    return String.format(Locale.ROOT, "conv-%03d", conversation);
  }

  /** The distinct markers in {@code text}, sorted. */
  public static Set<String> markers(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * The used heap after a full GC, in bytes: the least of three readings, each after {@code
   * System.gc()} and a 50 ms pause. For load tests that bound memory by comparing the heap after one
   * batch of conversations with the heap after the next.
   *
   * @throws InterruptedException when interrupted in a pause
   */
  public static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The model's final answer in conversation {@code conversation}. */
  public String answer(int conversation) {
    return marker(conversation) + " done after " + rounds + " rounds";
  }

  /**
   * The model: a call of {@value #TOOL} per round, naming the conversation of the request's last user
   * message, until the request holds {@link #rounds()} tool results; then the answer.
   */
  public Reply reply(RecordedRequest request) {
    String user = request.lastUserText();
    Matcher m = MARKER.matcher(user == null ? "" : user);
    String conversation = m.find() ? m.group() : "conv-???";
    int done = request.toolResultIds().size();
    return done < rounds
        ? Reply.toolCall(TOOL, "{\"conversation\":\"" + conversation + "\",\"round\":" + (done + 1) + "}")
        : Reply.text(conversation + " done after " + done + " rounds");
  }

  /**
   * Runs every conversation at once, each on its own thread, all released together, and waits up to
   * {@code timeout} for each.
   *
   * @param conversation what conversation {@code c} does (it runs once, on its own thread)
   * @return the results in conversation order, and the time from the release to the last result
   * @throws ExecutionException if a conversation failed (the first one, in conversation order)
   * @throws TimeoutException if a conversation did not end within the timeout
   */
  public <T> Run<T> runAtOnce(IntFunction<Callable<T>> conversation, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    ExecutorService pool = Executors.newFixedThreadPool(conversations);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>(conversations);
      for (int c = 0; c < conversations; c++) {
        Callable<T> task = conversation.apply(c);
        futures.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      List<T> results = new ArrayList<>(conversations);
      for (Future<T> f : futures) {
        results.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      return new Run<>(results, (System.nanoTime() - start) / 1_000_000);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What {@link #runAtOnce} gave.
   *
   * @param results the result of each conversation, in conversation order
   * @param millis the time from the release of the conversations to the last result
   * @param <T> what a conversation returns
   */
  public record Run<T>(List<T> results, long millis) {

    /** Copies the results (a conversation may have returned null). */
    public Run {
      results = Collections.unmodifiableList(new ArrayList<>(results));
    }
  }
}
