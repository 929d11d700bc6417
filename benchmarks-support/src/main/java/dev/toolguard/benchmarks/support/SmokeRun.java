package dev.toolguard.benchmarks.support;

import java.util.Collection;
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
}
