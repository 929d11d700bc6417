package dev.toolguard.benchmarks.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.benchmarks.support.SmokeRun;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;

/**
 * Every benchmark of the module runs once, briefly, in this JVM against the referee (no timing is
 * asserted). Each setup first runs every way once and checks what the referee received (two accepted
 * requests, the history, the eight results), so a run that completes went through the real path.
 */
class LangChain4jBenchmarksSmokeTest {

  @Test
  void everyBenchmarkRunsOnce() throws Exception {
    Collection<RunResult> results =
        SmokeRun.once(RoundTripBenchmark.class, ParallelToolsBenchmark.class, FirstTokenBenchmark.class);
    assertThat(results).hasSize(3 * 2 + 3 + 2 * 2);
  }

  @Test
  void everyPairedComparisonRunsBriefly() throws Exception {
    assertThat(SmokeRun.paired(PairedRuns::run)).containsExactly(
        "RoundTripBenchmark 0 guarded",
        "RoundTripBenchmark 0 toolLoop",
        "FirstTokenBenchmark 0 guarded",
        "RoundTripBenchmark 200 guarded",
        "RoundTripBenchmark 200 toolLoop",
        "FirstTokenBenchmark 200 guarded");
  }
}
