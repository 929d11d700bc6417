package dev.toolguard.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The ratio targets measured in thread CPU time rather than wall time, for a machine that other
 * work shares: time this thread spends descheduled does not count. Each pair (a subject and its
 * baseline) runs in alternating rounds of the same length, and the median of the rounds is taken,
 * so drift in the machine's load hits both sides alike. Complements JMH (which measures wall time
 * and allocation); run with {@code java -cp benchmarks/target/benchmarks.jar
 * dev.toolguard.benchmarks.CpuTime [rounds [case…]]}.
 */
public final class CpuTime {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile int sink;

  private CpuTime() {}

  /** The cases, each run in a JVM of its own (as JMH forks) so that one does not skew another's profile. */
  private static final String[] CASES = {
      "history-10", "history-1000", "history-10000", "history-100000", "loop",
      "codec-openai-chat", "codec-openai-responses", "codec-anthropic"};

  /**
   * Runs the cases and prints a table. Arguments, all optional: the number of rounds (default 15);
   * the cases to run (default all, each in a new JVM; {@code codec-…} cases add the read and write
   * halves).
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    System.out.println(String.format(Locale.ROOT, "%-44s %14s %14s %8s", "subject / baseline", "subject ns/op",
        "baseline ns/op", "ratio"));
    if (args.length > 1) {
      for (int i = 1; i < args.length; i++) {
        runCase(args[i], rounds).forEach(System.out::println);
      }
      return;
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    for (String c : CASES) {
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CpuTime.class.getName(),
          Integer.toString(rounds), c).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("case " + c + " failed");
      }
      out.lines().skip(1).forEach(System.out::println);
    }
  }

  /** A subject and its baseline. */
  private record Pair(String name, Callable<?> subject, Callable<?> baseline) {}

  private static List<String> runCase(String name, int rounds) throws Exception {
    List<Pair> pairs = new ArrayList<>();
    if (name.startsWith("history-")) {
      int size = Integer.parseInt(name.substring("history-".length()));
      HistoryBenchmark h = new HistoryBenchmark();
      h.size = size;
      h.setUp();
      pairs.add(new Pair("history " + size + " checkValid", h::checkValid, h::baselineCopyAndIndex));
      pairs.add(new Pair("history " + size + " repairValid", h::repairValid, h::baselineCopyAndIndex));
      pairs.add(new Pair("history " + size + " repairBroken", h::repairBroken, h::baselineCopyAndIndex));
    } else if (name.equals("loop")) {
      LoopBenchmark loop = new LoopBenchmark();
      loop.setUp();
      pairs.add(new Pair("loop one round / direct", loop::loopOneRound, loop::baselineDirect));
    } else if (name.startsWith("codec-")) {
      String dialect = name.substring("codec-".length());
      CodecBenchmark c = new CodecBenchmark();
      c.dialect = dialect;
      c.setUp();
      pairs.add(new Pair("codec " + dialect, c::codecReadWrite, c::baselineJacksonTree));
      pairs.add(new Pair("codec " + dialect + " read", c::codecRead, c::baselineJacksonRead));
      pairs.add(new Pair("codec " + dialect + " write", c::codecWrite, c::baselineJacksonWrite));
    } else {
      throw new IllegalArgumentException("no case " + name + "; the cases are " + String.join(", ", CASES));
    }
    // warm every method of the case up before measuring any: at least 3 s of this thread's CPU and
    // 8 s of wall time, so that the compiler threads are done even on a loaded machine
    long cpuUntil = cpu() + 3_000_000_000L;
    long wallUntil = System.nanoTime() + 8_000_000_000L;
    while (cpu() < cpuUntil || System.nanoTime() < wallUntil) {
      for (Pair p : pairs) {
        run(p.subject(), 20);
        run(p.baseline(), 20);
      }
    }
    List<String> lines = new ArrayList<>();
    for (Pair p : pairs) {
      lines.add(pair(p.name(), p.subject(), p.baseline(), rounds));
    }
    return lines;
  }

  private static String pair(String name, Callable<?> subject, Callable<?> baseline, int rounds) throws Exception {
    // a round: about 50 ms of the subject's CPU time
    int ops = 1;
    while (run(subject, ops) < 50_000_000L && ops < (1 << 24)) {
      ops *= 2;
    }
    double[] s = new double[rounds];
    double[] b = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      s[r] = (double) run(subject, ops) / ops;
      b[r] = (double) run(baseline, ops) / ops;
    }
    double ms = median(s);
    double mb = median(b);
    return String.format(Locale.ROOT, "%-44s %14.1f %14.1f %8.2f", name, ms, mb, ms / mb);
  }

  private static long run(Callable<?> task, int ops) throws Exception {
    long start = cpu();
    int h = 0;
    for (int i = 0; i < ops; i++) {
      h += System.identityHashCode(task.call());
    }
    sink = h;
    return cpu() - start;
  }

  private static long cpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
