package dev.toolguard.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * dev.toolguard.benchmarks.CpuTime [rounds [history|loop|codec [split]]]}.
 */
public final class CpuTime {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile int sink;

  private CpuTime() {}

  /**
   * Runs the pairs and prints a table. Arguments, all optional: the number of rounds (default 15);
   * which group to run (history, loop or codec; default all); {@code split} to add the codecs' read
   * and write halves.
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    String only = args.length > 1 ? args[1] : "";
    boolean split = args.length > 2 && args[2].equals("split");
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-44s %14s %14s %8s", "subject / baseline", "subject ns/op",
        "baseline ns/op", "ratio"));
    for (int size : only.isEmpty() || only.equals("history") ? new int[] {10, 1000, 10000, 100000} : new int[0]) {
      HistoryBenchmark h = new HistoryBenchmark();
      h.size = size;
      h.setUp();
      lines.add(pair("history " + size + " checkValid", h::checkValid, h::baselineCopyAndIndex, rounds));
      lines.add(pair("history " + size + " repairValid", h::repairValid, h::baselineCopyAndIndex, rounds));
      lines.add(pair("history " + size + " repairBroken", h::repairBroken, h::baselineCopyAndIndex, rounds));
    }
    if (only.isEmpty() || only.equals("loop")) {
      LoopBenchmark loop = new LoopBenchmark();
      loop.setUp();
      lines.add(pair("loop one round / direct", loop::loopOneRound, loop::baselineDirect, rounds));
    }
    for (String dialect : only.isEmpty() || only.equals("codec")
        ? new String[] {"openai-chat", "openai-responses", "anthropic"} : new String[0]) {
      CodecBenchmark c = new CodecBenchmark();
      c.dialect = dialect;
      c.setUp();
      lines.add(pair("codec " + dialect, c::codecReadWrite, c::baselineJacksonTree, rounds));
      if (split) {
        lines.add(pair("codec " + dialect + " read", c::codecRead, c::baselineJacksonRead, rounds));
        lines.add(pair("codec " + dialect + " write", c::codecWrite, c::baselineJacksonWrite, rounds));
      }
    }
    lines.forEach(System.out::println);
  }

  private static String pair(String name, Callable<?> subject, Callable<?> baseline, int rounds) throws Exception {
    // warm up both, then calibrate a round to about 20 ms of the subject's CPU time
    long warmUntil = cpu() + 1_500_000_000L;
    int ops = 1;
    while (cpu() < warmUntil) {
      run(subject, ops);
      run(baseline, ops);
      ops = Math.min(ops * 2, 1 << 20);
    }
    ops = 1;
    while (run(subject, ops) < 20_000_000L && ops < (1 << 24)) {
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
    String line = String.format(Locale.ROOT, "%-44s %14.1f %14.1f %8.2f", name, ms, mb, ms / mb);
    System.err.println(line);
    return line;
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
