package dev.toolguard.json;

import dev.toolguard.testkit.properties.PropertyBudget;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The budget of the referee cross-check properties ({@link PropertyBudget}, with the tries and the
 * minimum set by system properties rather than by each property):
 *
 * <ul>
 *   <li>{@code toolguard.reliability.tries} (default 10,000; the root pom passes its property, a
 *       million or more with {@code -Pexhaustive}): the tries of every property this hook is added to;
 *   <li>{@code toolguard.reliability.minTries} (default 1,000): the fewest tries a time box ({@code
 *       toolguard.reliability.timeBoxSeconds}) may leave before the property fails, naming the tries
 *       that ran. Both are capped by {@value PropertyBudget#CAP} when it is set.
 * </ul>
 *
 * <p>Each property's figures (tries, checks, time, status) are appended to {@code
 * target/reliability/figures.txt}, for RELIABILITY.md.
 */
public final class ReliabilityBudget extends PropertyBudget {

  /** The system property with the number of tries. */
  public static final String TRIES = "toolguard.reliability.tries";

  /** The system property with the fewest tries a time box may leave. */
  public static final String MIN_TRIES = "toolguard.reliability.minTries";

  /** A budget read from the system properties. */
  public ReliabilityBudget() {}

  @Override
  protected int plannedTries(PropertyLifecycleContext context) {
    return Math.min(cap(), Integer.getInteger(TRIES, 10_000));
  }

  @Override
  protected int minimumTries(PropertyLifecycleContext context) {
    return Math.min(cap(), Integer.getInteger(MIN_TRIES, 1_000));
  }
}
