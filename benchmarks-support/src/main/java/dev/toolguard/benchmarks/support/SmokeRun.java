package dev.toolguard.benchmarks.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs benchmarks once, briefly, in this JVM, for a module's smoke test: no fork, no warm-up, one
 * measurement of 50 ms, and a failure if any benchmark throws. No timing is meant to be read from it.
 */
public final class SmokeRun {

  private SmokeRun() {}

  /** Runs every benchmark method of {@code benchmarks} once and gives one result per method and parameter set. */
  public static Collection<RunResult> once(Class<?>... benchmarks) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder();
    for (Class<?> benchmark : benchmarks) {
      options.include(benchmark.getName());
    }
    return new Runner(options.forks(0).warmupIterations(0).measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50)).shouldFailOnError(true).build()).run();
  }

  /** A module's paired comparisons ({@code PairedRuns.run}). */
  @FunctionalInterface
  public interface PairedComparisons {
    /** Runs them with {@code settings}. */
    List<Paired.Result> run(Paired.Settings settings) throws Exception;
  }

  /**
   * Runs a module's paired comparisons briefly (no warm-up, six rounds of at least 1 ms each way),
   * fails if one has another baseline than {@code bare}, fewer than six operations a way or a time that
   * is not positive, and gives each as "benchmark history way".
   */
  public static List<String> paired(PairedComparisons comparisons) throws Exception {
    List<String> done = new ArrayList<>();
    for (Paired.Result r : comparisons.run(new Paired.Settings(0, 6, 1))) {
      if (!r.baseline().equals("bare") || Math.min(r.operations()[0], r.operations()[1]) < 6
          || !(r.baselineUs() > 0) || !(r.subjectUs() > 0)) {
        throw new IllegalStateException("a paired comparison did not run as it should: " + r);
      }
      done.add(r.benchmark() + " " + r.history() + " " + r.subject());
    }
    return done;
  }
}
