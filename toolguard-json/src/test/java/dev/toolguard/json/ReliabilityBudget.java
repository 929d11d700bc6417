package dev.toolguard.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * The budget of the reliability properties: how many tries each runs, and for how long at most.
 *
 * <ul>
 *   <li>{@code toolguard.reliability.tries} (system property; default 10,000): the tries of every
 *       property this hook is added to. The {@code -Pexhaustive} profile of the root pom sets it to a
 *       million.
 *   <li>{@code toolguard.reliability.timeBoxSeconds} (default 60; the root pom passes its property): a property that is still running
 *       after this long stops early with the tries done so far. It is a safety net for a slow machine,
 *       not the plan: the figures written say how many tries ran.
 *   <li>{@code toolguard.reliability.minTries} (default 1,000, or the tries when fewer): a property
 *       that the time box stops before it ran this many tries fails, naming the tries it ran — a
 *       machine too slow for the stated minimum is a failed run, not a passed one.
 * </ul>
 *
 * <p>Each property's figures (tries, checks, time, status) are appended to {@code
 * target/reliability/figures.txt}, for RELIABILITY.md.
 */
public final class ReliabilityBudget implements AroundPropertyHook, AroundTryHook {

  /** The system property with the number of tries. */
  public static final String TRIES = "toolguard.reliability.tries";

  /** The system property with the time box, in seconds. */
  public static final String TIME_BOX = "toolguard.reliability.timeBoxSeconds";

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> CUT = new ThreadLocal<>();

  /** The system property with the fewest tries a time-boxed property may stop at and still pass. */
  public static final String MIN_TRIES = "toolguard.reliability.minTries";

  /** The fewest tries a property may run and pass when the time box stops it. */
  static int minTries() {
    return Math.min(tries(), Integer.getInteger(MIN_TRIES, 1_000));
  }

  /** The tries each property runs. */
  static int tries() {
    return Integer.getInteger(TRIES, 10_000);
  }

  @Override
  public int aroundPropertyProximity() {
    return -100; // outermost: the attributes must be set before jqwik reads them
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    context.attributes().setTries(tries());
    long box = Long.getLong(TIME_BOX, 60L);
    long start = System.nanoTime();
    DEADLINE.set(start + box * 1_000_000_000L);
    CUT.set(false);
    PropertyExecutionResult result;
    boolean cut;
    try {
      result = property.execute();
    } finally {
      DEADLINE.remove();
      cut = CUT.get();
      CUT.remove();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (cut && result.status() == PropertyExecutionResult.Status.SUCCESSFUL && result.countTries() < minTries()) {
      result = result.mapToFailed(String.format(Locale.ROOT,
          "the time box of %d s stopped %s after %d tries, fewer than its minimum of %d (%s); give it more time"
              + " (-D%s) or a faster machine", box, context.extendedLabel(), result.countTries(), minTries(), MIN_TRIES,
          TIME_BOX));
    }
    record(String.format(Locale.ROOT, "%s | tries %d of %d (minimum %d) | checks %d | %d ms | %s%s",
        context.extendedLabel(), result.countTries(), tries(), minTries(), result.countChecks(), millis, result.status(),
        cut ? " (time box of " + box + " s reached)" : ""));
    return result;
  }

  @Override
  public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
    Long deadline = DEADLINE.get();
    TryExecutionResult result = aTry.execute(parameters);
    if (deadline != null && result.isSatisfied() && System.nanoTime() > deadline) {
      CUT.set(true);
      return TryExecutionResult.satisfied(true);
    }
    return result;
  }

  private static synchronized void record(String line) {
    Path file = Path.of("target", "reliability", "figures.txt");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("RELIABILITY " + line);
  }
}
