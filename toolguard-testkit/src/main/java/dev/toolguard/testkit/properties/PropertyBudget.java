package dev.toolguard.testkit.properties;

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
 * The budget of a jqwik property: how many tries it runs, how long it may run, and how few tries a
 * time box may leave before the property fails. Add it to a container with {@code
 * @AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)}.
 *
 * <ul>
 *   <li><b>tries</b>: the property's own {@code @Property(tries = n)} (jqwik's default of 1,000 when
 *       it names none) times the system property {@value #SCALE} (default 1). The {@code -Pexhaustive}
 *       profile of the root pom raises the scale; {@value #CAP}, when set, caps both.
 *   <li><b>time box</b>: the system property {@value #TIME_BOX} (seconds, default 60). A property still
 *       running after that long stops at the end of the try it is in.
 *   <li><b>minimum</b>: the tries the property states ({@code @Property(tries = n)}, not scaled). A
 *       property that the time box stopped with fewer tries than that <em>fails</em>, naming how many
 *       tries ran, of how many planned, in how long: a slow machine is a failure to look at, never a
 *       silent pass on a smaller sample. A property that ran all its planned tries passes whatever the
 *       clock says.
 * </ul>
 *
 * <p>Each property's figures (tries run and planned, checks, time, status) are printed on a line
 * starting {@code RELIABILITY} and appended to {@code target/reliability/figures.txt}.
 *
 * <p>Subclasses may change the tries and the minimum ({@link #plannedTries}, {@link #minimumTries}).
 */
public class PropertyBudget implements AroundPropertyHook, AroundTryHook {

  /** The system property that multiplies every property's stated tries. */
  public static final String SCALE = "toolguard.properties.scale";

  /**
   * The system property that caps every property's tries, stated and planned (default: no cap); the
   * {@code -Pmutation} profile sets it low, since PIT runs the covering tests once per mutant.
   */
  public static final String CAP = "toolguard.properties.maxTries";

  /** The system property with the time box of each property, in seconds. */
  public static final String TIME_BOX = "toolguard.reliability.timeBoxSeconds";

  private static final int JQWIK_DEFAULT_TRIES = 1000;
  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> CUT = new ThreadLocal<>();

  /** A budget read from the system properties. */
  public PropertyBudget() {}

  /** The tries the property states: its {@code @Property(tries = n)}, or jqwik's default. */
  protected static int statedTries(PropertyLifecycleContext context) {
    return Math.min(cap(), context.attributes().tries().orElse(JQWIK_DEFAULT_TRIES));
  }

  /** The cap on tries, {@value #CAP}, or {@link Integer#MAX_VALUE}. */
  protected static int cap() {
    int cap = Integer.getInteger(CAP, Integer.MAX_VALUE);
    if (cap < 1) {
      throw new IllegalArgumentException(CAP + " must be at least 1, got " + cap);
    }
    return cap;
  }

  /** The tries to run: the stated tries times {@value #SCALE}, at most {@value #CAP}. */
  protected int plannedTries(PropertyLifecycleContext context) {
    long scale = Long.getLong(SCALE, 1L);
    if (scale < 1) {
      throw new IllegalArgumentException(SCALE + " must be at least 1, got " + scale);
    }
    return (int) Math.min(cap(), statedTries(context) * scale);
  }

  /** The fewest tries a time box may leave before the property fails: the stated tries. */
  protected int minimumTries(PropertyLifecycleContext context) {
    return statedTries(context);
  }

  /** The time box of each property, in seconds. */
  protected long timeBoxSeconds() {
    long box = Long.getLong(TIME_BOX, 60L);
    if (box < 1) {
      throw new IllegalArgumentException(TIME_BOX + " must be at least 1 second, got " + box);
    }
    return box;
  }

  /** The clock of the time box, {@link System#nanoTime()}; a test of the budget itself gives its own. */
  protected long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public int aroundPropertyProximity() {
    return -100; // outermost: the tries must be set before jqwik reads them
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    int minimum = minimumTries(context);
    int planned = plannedTries(context);
    context.attributes().setTries(planned);
    long box = timeBoxSeconds();
    long start = nanoTime();
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
    long millis = (nanoTime() - start) / 1_000_000;
    String figures = String.format(Locale.ROOT, "%s | tries %d of %d | checks %d | %d ms", context.extendedLabel(),
        result.countTries(), planned, result.countChecks(), millis);
    if (cut && result.status() == PropertyExecutionResult.Status.SUCCESSFUL
        && result.countTries() < Math.min(minimum, planned)) {
      String message = String.format(Locale.ROOT,
          "%s ran %d of %d tries before its time box of %d s ran out, fewer than its minimum of %d;"
              + " run it on a less loaded machine or raise %s", context.extendedLabel(), result.countTries(), planned,
          box, minimum, TIME_BOX);
      record(figures + " | FAILED (time box of " + box + " s reached below the minimum of " + minimum + ")");
      return result.mapToFailed(new AssertionError(message));
    }
    record(figures + " | " + result.status() + (cut ? " (time box of " + box + " s reached)" : ""));
    return result;
  }

  @Override
  public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
    Long deadline = DEADLINE.get();
    TryExecutionResult result = aTry.execute(parameters);
    if (deadline != null && result.isSatisfied() && nanoTime() > deadline) {
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
