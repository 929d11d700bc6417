package dev.toolguard.benchmarks.springai;

import dev.toolguard.benchmarks.support.Paired;
import dev.toolguard.benchmarks.support.Paired.Way;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The round trips and first tokens of this module compared in pairs ({@link Paired}): each guarded
 * way against the bare one, in one JVM, in alternating rounds, with 0 and 200 messages of history.
 *
 * <pre>
 * java -cp benchmarks-spring-ai/target/benchmarks-spring-ai.jar \
 *     dev.toolguard.benchmarks.springai.PairedRuns OUT.json
 * </pre>
 */
public final class PairedRuns {

  private PairedRuns() {}

  /** Runs every pair and writes the results to {@code args[0]} (JSON). */
  public static void main(String[] args) throws Exception {
    Paired.write(Path.of(args[0]), run(Paired.Settings.fromSystemProperties()));
  }

  /** Runs every pair with {@code settings}. */
  public static List<Paired.Result> run(Paired.Settings settings) throws Exception {
    List<Paired.Result> results = new ArrayList<>();
    for (int history : new int[] {0, 200}) {
      RoundTripBenchmark rt = new RoundTripBenchmark();
      rt.history = history;
      rt.setUp();
      try {
        for (Way way : List.of(Way.of("repairAdvisor", rt::repairAdvisor), Way.of("guarded", rt::guarded))) {
          results.add(print(Paired.compare("RoundTripBenchmark", history, Way.of("bare", rt::bare), way,
              rt::forgetRequests, settings)));
        }
      } finally {
        rt.tearDown();
      }
      FirstTokenBenchmark ft = new FirstTokenBenchmark();
      ft.history = history;
      ft.setUp();
      try {
        for (Way way : List.of(new Way("repairAdvisor", ft::repairAdvisor, ft::awaitEnd),
            new Way("guarded", ft::guarded, ft::awaitEnd))) {
          results.add(print(Paired.compare("FirstTokenBenchmark", history, new Way("bare", ft::bare, ft::awaitEnd),
              way, ft::forgetRequests, settings)));
        }
      } finally {
        ft.tearDown();
      }
    }
    return results;
  }

  private static Paired.Result print(Paired.Result r) {
    System.out.println(r);
    return r;
  }
}
