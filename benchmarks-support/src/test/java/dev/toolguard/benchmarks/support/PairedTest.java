package dev.toolguard.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.benchmarks.support.Paired.Way;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paired comparison's statistics and its alternation, on operations that count instead of taking time. */
class PairedTest {

  @Test
  void theMedianIntervalTakesTheBinomialRanks() {
    double[] forty = new double[40];
    for (int i = 0; i < 40; i++) {
      forty[i] = 40 - i; // 40, 39, … 1: sorted it is 1 … 40
    }
    // n = 40: P(X <= 13) = 0.019 <= 0.025 < P(X <= 14) = 0.040, so the 14th and the 27th value
    assertThat(Paired.medianInterval(forty)).containsExactly(14, 27);
    assertThat(Paired.median(forty)).isEqualTo(20.5);
    // n = 6: only min and max hold 95% (P(X = 0) = 1/64)
    assertThat(Paired.medianInterval(new double[] {3, 1, 2, 6, 5, 4})).containsExactly(1, 6);
    assertThat(Paired.median(new double[] {3, 1, 2})).isEqualTo(2);
  }

  @Test
  void roundsAlternateTheOrderAndEveryRoundIsFollowedByTheBetweenStep() throws Exception {
    List<String> log = new ArrayList<>();
    AtomicInteger after = new AtomicInteger();
    Way a = new Way("a", () -> log.add("a"), after::incrementAndGet);
    Way b = Way.of("b", () -> log.add("b"));
    AtomicInteger between = new AtomicInteger();

    Paired.Result r = Paired.compare("X", 7, a, b, between::incrementAndGet, new Paired.Settings(0, 6, 1));

    // every round runs whole operations until 1 ms is measured: count the runs of each name
    List<String> runs = new ArrayList<>();
    for (String s : log) {
      if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(s)) {
        runs.add(s);
      }
    }
    // a b | b a | a b | b a | a b | b a: the runs of one name merge across rounds
    assertThat(runs).containsExactly("a", "b", "a", "b", "a", "b", "a");
    assertThat(between).hasValue(12);
    assertThat(after.get()).isEqualTo(log.stream().filter("a"::equals).count());
    assertThat(r.operations()[0]).isEqualTo(after.get());
    assertThat(r.operations()[1]).isEqualTo(log.stream().filter("b"::equals).count());
    assertThat(r.benchmark()).isEqualTo("X");
    assertThat(r.history()).isEqualTo(7);
    assertThat(r.rounds()).isEqualTo(6);
    assertThat(r.diffLowUs()).isLessThanOrEqualTo(r.diffUs());
    assertThat(r.diffUs()).isLessThanOrEqualTo(r.diffHighUs());
  }

  @Test
  void aFailingOperationEndsTheComparison() {
    Way broken = Way.of("broken", () -> {
      throw new IllegalStateException("the referee refused the request");
    });
    assertThatThrownBy(() -> Paired.compare("X", 0, Way.of("a", () -> {}), broken, () -> {},
        new Paired.Settings(0, 6, 1))).hasMessage("the referee refused the request");
  }

  @Test
  void settingsAreCheckedAndResultsWrittenAsJson(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> new Paired.Settings(0, 5, 1)).hasMessage(
        "paired settings: warmupSeconds >= 0, rounds >= 6, roundMillis >= 1; were 0, 5, 1");
    Paired.Result r = new Paired.Result("RoundTripBenchmark", 200, "bare", "guarded", 40, new long[] {100, 90},
        1000.5, 1010.25, 9.75, -20, 30.125);
    Path file = dir.resolve("r.json");

    Paired.write(file, List.of(r, r));

    String one = "{\"benchmark\":\"RoundTripBenchmark\",\"history\":200,\"baseline\":\"bare\",\"subject\":\"guarded\","
        + "\"rounds\":40,\"baselineOperations\":100,\"subjectOperations\":90,\"baselineUs\":1000.500,"
        + "\"subjectUs\":1010.250,\"diffUs\":9.750,\"diffLowUs\":-20.000,\"diffHighUs\":30.125}";
    assertThat(Files.readString(file)).isEqualTo("[\n" + one + ",\n" + one + "\n]\n");
  }
}
