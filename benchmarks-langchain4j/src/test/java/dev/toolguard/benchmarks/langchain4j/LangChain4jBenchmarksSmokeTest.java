package dev.toolguard.benchmarks.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark of the module runs once, briefly, in this JVM against the referee (no timing is
 * asserted). Each setup first runs every way once and checks what the referee received (two accepted
 * requests, the history, the eight results), so a run that completes went through the real path.
 */
class LangChain4jBenchmarksSmokeTest {

  @Test
  void everyBenchmarkRunsOnce() throws Exception {
    Options options = new OptionsBuilder()
        .include(RoundTripBenchmark.class.getName())
        .include(ParallelToolsBenchmark.class.getName())
        .include(FirstTokenBenchmark.class.getName())
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50))
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertThat(results).hasSize(3 * 2 + 3 + 2 * 2);
  }
}
