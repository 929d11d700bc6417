package dev.toolguard.benchmarks.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A paired comparison of two ways of doing one operation, in one JVM, in alternating rounds: a round
 * of the baseline and a round of the subject, then the other order (A B B A …), so that whatever
 * drifts while it runs (the machine's load, the collector, the referee's request log) falls on both.
 * Each round gives a mean time per operation for each way; the answer is the median of the per-round
 * differences, with a distribution-free 95% confidence interval of that median (order statistics of
 * the binomial distribution), and the median of each way.
 *
 * <p>JMH measures each benchmark method in a JVM of its own; on a loopback request of a millisecond
 * the forks differ by more than toolguard adds, so JMH's error bars there cannot decide a target of
 * 100 µs. Pairing removes the difference between forks and between moments; it is what {@code
 * PairedRuns} of each framework module runs, from {@code run-all.sh}.
 *
 * <p>Settings (system properties): {@code paired.warmupSeconds} (default 10), {@code paired.rounds}
 * (default 40, at least 6), {@code paired.roundMillis} (default 250: a round runs whole operations
 * until that much time is measured, at least one).
 */
public final class Paired {

  /** One operation, or what follows it untimed. */
  @FunctionalInterface
  public interface Op {
    /** Does it once. */
    void run() throws Exception;
  }

  /**
   * One way of doing the operation.
   *
   * @param name the benchmark method it stands for ({@code bare}, {@code guarded}, …)
   * @param measured what is timed
   * @param after what follows each operation untimed (waiting for the end of a stream), or a no-op
   */
  public record Way(String name, Op measured, Op after) {
    /** A way with nothing after it. */
    public static Way of(String name, Op measured) {
      return new Way(name, measured, () -> {});
    }
  }

  /**
   * How long a comparison runs.
   *
   * @param warmupSeconds alternating rounds, not counted, before the counted ones
   * @param rounds the counted rounds of each way
   * @param roundMillis the measured time a round takes at least (whole operations, one at least)
   */
  public record Settings(int warmupSeconds, int rounds, int roundMillis) {
    /** Validates. */
    public Settings {
      if (warmupSeconds < 0 || rounds < 6 || roundMillis < 1) {
        throw new IllegalArgumentException("paired settings: warmupSeconds >= 0, rounds >= 6, roundMillis >= 1; were "
            + warmupSeconds + ", " + rounds + ", " + roundMillis);
      }
    }

    /** The settings of the {@code paired.*} system properties, else the defaults (10 s, 40 rounds, 250 ms). */
    public static Settings fromSystemProperties() {
      return new Settings(Integer.getInteger("paired.warmupSeconds", 10), Integer.getInteger("paired.rounds", 40),
          Integer.getInteger("paired.roundMillis", 250));
    }
  }

  /**
   * What a comparison found, times in µs per operation.
   *
   * @param benchmark the benchmark class it stands for ({@code RoundTripBenchmark}, …)
   * @param history the messages of history before the request
   * @param baseline the baseline way's name
   * @param subject the subject way's name
   * @param rounds counted rounds of each way
   * @param operations counted operations of each way, baseline then subject
   * @param baselineUs the median of the baseline's round means
   * @param subjectUs the median of the subject's round means
   * @param diffUs the median of the per-round differences, subject minus baseline
   * @param diffLowUs the low end of its 95% confidence interval
   * @param diffHighUs the high end
   */
  public record Result(String benchmark, int history, String baseline, String subject, int rounds, long[] operations,
      double baselineUs, double subjectUs, double diffUs, double diffLowUs, double diffHighUs) {

    /** This result as one JSON object. */
    public String toJson() {
      return String.format(Locale.ROOT, "{\"benchmark\":\"%s\",\"history\":%d,\"baseline\":\"%s\",\"subject\":\"%s\","
              + "\"rounds\":%d,\"baselineOperations\":%d,\"subjectOperations\":%d,\"baselineUs\":%.3f,"
              + "\"subjectUs\":%.3f,\"diffUs\":%.3f,\"diffLowUs\":%.3f,\"diffHighUs\":%.3f}",
          benchmark, history, baseline, subject, rounds, operations[0], operations[1], baselineUs, subjectUs, diffUs,
          diffLowUs, diffHighUs);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s history=%d: %s %.1f µs, %s %.1f µs, difference %+.1f µs (95%%: %+.1f to"
              + " %+.1f), %d rounds", benchmark, history, baseline, baselineUs, subject, subjectUs, diffUs, diffLowUs,
          diffHighUs, rounds);
    }
  }

  private Paired() {}

  /**
   * One benchmark state set up for one history: its bare way, the ways compared with it, what runs
   * between rounds, and its tear-down.
   *
   * @param benchmark the benchmark class it stands for
   * @param bare the baseline
   * @param ways the ways compared with {@code bare}, each in a comparison of its own
   * @param betweenRounds run after every round, untimed (forget the referee's recorded requests)
   * @param tearDown run once after the comparisons
   */
  public record Subject(String benchmark, Way bare, List<Way> ways, Op betweenRounds, Op tearDown) {}

  /** Sets up one benchmark state for a history of the given length. */
  @FunctionalInterface
  public interface SubjectFactory {
    /** The state set up for {@code history} messages. */
    Subject setUp(int history) throws Exception;
  }

  /**
   * Compares every way of every subject with its bare way, for each history length in turn, and
   * prints each result as it comes.
   */
  public static List<Result> compareAll(Settings settings, int[] histories, SubjectFactory... subjects)
      throws Exception {
    List<Result> results = new ArrayList<>();
    for (int history : histories) {
      for (SubjectFactory factory : subjects) {
        Subject subject = factory.setUp(history);
        try {
          for (Way way : subject.ways()) {
            Result r = compare(subject.benchmark(), history, subject.bare(), way, subject.betweenRounds(), settings);
            System.out.println(r);
            results.add(r);
          }
        } finally {
          subject.tearDown().run();
        }
      }
    }
    return results;
  }

  /**
   * Compares {@code subject} with {@code baseline}.
   *
   * @param betweenRounds run after every round, untimed (forget the referee's recorded requests)
   */
  public static Result compare(String benchmark, int history, Way baseline, Way subject, Op betweenRounds,
      Settings settings) throws Exception {
    long warmupEnd = System.nanoTime() + settings.warmupSeconds() * 1_000_000_000L;
    boolean baselineFirst = true;
    while (System.nanoTime() < warmupEnd) {
      round(baselineFirst ? baseline : subject, settings, betweenRounds);
      round(baselineFirst ? subject : baseline, settings, betweenRounds);
      baselineFirst = !baselineFirst;
    }
    int n = settings.rounds();
    double[] b = new double[n];
    double[] s = new double[n];
    long[] operations = new long[2];
    for (int i = 0; i < n; i++) {
      // A B, B A, A B, …: a drift in time falls on both alike
      Way first = i % 2 == 0 ? baseline : subject;
      Way second = i % 2 == 0 ? subject : baseline;
      double[] r1 = round(first, settings, betweenRounds);
      double[] r2 = round(second, settings, betweenRounds);
      double[] rb = first == baseline ? r1 : r2;
      double[] rs = first == baseline ? r2 : r1;
      b[i] = rb[0];
      s[i] = rs[0];
      operations[0] += (long) rb[1];
      operations[1] += (long) rs[1];
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = s[i] - b[i];
    }
    double[] interval = medianInterval(d);
    return new Result(benchmark, history, baseline.name(), subject.name(), n, operations, median(b), median(s),
        median(d), interval[0], interval[1]);
  }

  /** One round of {@code way}: its mean µs per operation and the number of operations. */
  private static double[] round(Way way, Settings settings, Op betweenRounds) throws Exception {
    long budget = settings.roundMillis() * 1_000_000L;
    long measured = 0;
    long count = 0;
    while (count == 0 || measured < budget) {
      long start = System.nanoTime();
      way.measured().run();
      measured += System.nanoTime() - start;
      way.after().run();
      count++;
    }
    betweenRounds.run();
    return new double[] {measured / 1_000.0 / count, count};
  }

  /** The median of {@code values}. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * A 95% confidence interval of the median of {@code values} that assumes nothing of their
   * distribution: the k-th smallest and k-th largest value, with k the largest for which fewer than k
   * of n values fall below the median with probability at most 2.5% (binomial, p = 1/2).
   */
  static double[] medianInterval(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int k = 0; // P(X <= k - 1) for X ~ Bin(n, 1/2), grown while it stays at most 0.025
    double cumulative = 0;
    double term = Math.pow(0.5, n); // P(X = 0)
    while (k < n / 2 && cumulative + term <= 0.025) {
      cumulative += term;
      term = term * (n - k) / (k + 1);
      k++;
    }
    if (k == 0) {
      return new double[] {sorted[0], sorted[n - 1]};
    }
    return new double[] {sorted[k - 1], sorted[n - k]};
  }

  /** Writes {@code results} to {@code file} as a JSON array. */
  public static void write(Path file, List<Result> results) throws IOException {
    List<String> objects = new ArrayList<>();
    for (Result r : results) {
      objects.add(r.toJson());
    }
    Files.writeString(file, "[\n" + String.join(",\n", objects) + "\n]\n");
  }
}
