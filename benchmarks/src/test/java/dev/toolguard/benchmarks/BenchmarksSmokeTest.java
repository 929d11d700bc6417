package dev.toolguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark runs once, briefly, in this JVM (no timing is asserted), and the sample histories
 * are what the benchmarks say they are.
 */
class BenchmarksSmokeTest {

  @Test
  void everyBenchmarkRunsOnce() throws Exception {
    Options options = new OptionsBuilder()
        .include(HistoryBenchmark.class.getName())
        .include(LoopBenchmark.class.getName())
        .include(CodecBenchmark.class.getName())
        .param("size", "10", "1000")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50))
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Set<String> ran = results.stream()
        .map(r -> r.getParams().getBenchmark().replaceFirst(".*\\.(\\w+\\.\\w+)$", "$1"))
        .collect(Collectors.toSet());
    assertThat(ran).containsExactlyInAnyOrder(
        "HistoryBenchmark.baselineCopyAndIndex", "HistoryBenchmark.checkValid", "HistoryBenchmark.repairValid",
        "HistoryBenchmark.repairBroken", "LoopBenchmark.baselineDirect", "LoopBenchmark.loopOneRound",
        "LoopBenchmark.eightConcurrentCallsOf50ms", "CodecBenchmark.baselineJacksonTree",
        "CodecBenchmark.codecReadWrite", "CodecBenchmark.baselineJacksonRead", "CodecBenchmark.baselineJacksonWrite",
        "CodecBenchmark.codecRead", "CodecBenchmark.codecWrite");
    assertThat(results).hasSize(4 * 2 + 3 + 6 * 3);
  }

  @Test
  void theValidSampleHasTheRealisticMix() {
    List<Message> valid = SampleHistories.valid(10_000, 42);
    assertThat(valid).hasSize(10_000);
    assertThat(HistoryGuard.ofDefaults().check(valid)).isEmpty();
    long assistantTurns = valid.stream().filter(m -> m.role() == Role.ASSISTANT).count();
    long withCalls = valid.stream().filter(Message::hasToolCalls).count();
    assertThat((double) withCalls / assistantTurns).isBetween(0.2, 0.3); // a third of the turns: call message + answer
    assertThat(valid.stream().filter(Message::hasToolCalls).mapToInt(m -> m.toolCalls().size()))
        .allMatch(n -> n >= 1 && n <= 4);
  }

  @Test
  void theBrokenSampleHasAboutOnePercentOfItsPairsBrokenInEveryWay() {
    List<Message> valid = SampleHistories.valid(100_000, 42);
    List<Message> broken = SampleHistories.broken(valid, 7);
    long pairs = valid.stream().mapToLong(m -> m.toolCalls().size()).sum();
    RepairResult repair = HistoryGuard.ofDefaults().repair(broken);
    assertThat(repair.changed()).isTrue();
    assertThat(HistoryGuard.ofDefaults().check(repair.history())).isEmpty();
    Set<RepairAction.Kind> kinds = repair.actions().stream().map(RepairAction::kind).collect(Collectors.toSet());
    assertThat(kinds).contains(RepairAction.Kind.MOVE, RepairAction.Kind.SYNTHESIZE, RepairAction.Kind.DROP,
        RepairAction.Kind.DEDUPLICATE);
    // each action touches one pair: about 1% of them
    assertThat((double) repair.actions().size() / pairs).isBetween(0.005, 0.02);
  }
}
