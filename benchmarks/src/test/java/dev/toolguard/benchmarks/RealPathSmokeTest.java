package dev.toolguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The journal and command-line benchmarks run once, briefly, in this JVM (no timing is asserted): the
 * journal on an embedded PostgreSQL with two instances, the command line on 1 MB bodies. Each
 * operation checks its own outcome (the claim acquired, the result recorded, the exit code), so a run
 * that completes did the work it measures.
 */
class RealPathSmokeTest {

  @Test
  void theJournalBenchmarkRunsWithTwoInstances() throws Exception {
    Options options = new OptionsBuilder()
        .include(JournalBenchmark.class.getName())
        .forks(0)
        .threads(2)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertThat(results).hasSize(2);
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void theCommandLineBenchmarkRunsOnSmallBodies() throws Exception {
    Options options = new OptionsBuilder()
        .include(CliBenchmark.class.getName())
        .param("megabytes", "1")
        .param("violations", "0", "40")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertThat(results).hasSize(3 * 2);
  }
}
