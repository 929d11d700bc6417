package dev.toolguard.benchmarks.langchain4j;

import dev.toolguard.benchmarks.support.Paired;
import dev.toolguard.benchmarks.support.Paired.Subject;
import dev.toolguard.benchmarks.support.Paired.Way;
import java.nio.file.Path;
import java.util.List;

/**
 * The round trips and first tokens of this module compared in pairs ({@link Paired}): each guarded
 * way against the bare one, in one JVM, in alternating rounds, with 0 and 200 messages of history.
 *
 * <pre>
 * java -cp benchmarks-langchain4j/target/benchmarks-langchain4j.jar \\
 *     dev.toolguard.benchmarks.langchain4j.PairedRuns OUT.json
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
    return Paired.compareAll(settings, new int[] {0, 200}, history -> {
      RoundTripBenchmark b = new RoundTripBenchmark();
      b.history = history;
      b.setUp();
      List<Way> ways = List.of(Way.of("guarded", b::guarded),
          Way.of("toolLoop", b::toolLoop));
      return new Subject("RoundTripBenchmark", Way.of("bare", b::bare), ways, b::forgetRequests, b::tearDown);
    }, history -> {
      FirstTokenBenchmark b = new FirstTokenBenchmark();
      b.history = history;
      b.setUp();
      List<Way> ways = List.of(new Way("guarded", b::guarded, b::awaitEnd));
      return new Subject("FirstTokenBenchmark", new Way("bare", b::bare, b::awaitEnd), ways, b::forgetRequests,
          b::tearDown);
    });
  }
}
