package dev.toolguard.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary table of {@code benchmarks/run-all.sh}: reads the JMH result files ({@code -rf json}) of a
 * run from one directory and prints each target of issue 21 with the figures of the run, the ratio to
 * the baseline measured in the same run, and whether it is met.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.toolguard.benchmarks.Summary RESULTS_DIR
 * </pre>
 *
 * <p>Files read (each optional): {@code langchain4j.json}, {@code openai-java.json}, {@code
 * spring-ai.json}, their paired comparisons ({@code langchain4j-paired.json}, … : each module's {@code
 * PairedRuns}), {@code journal-t1.json}, {@code journal-t2.json}, {@code journal-t4.json}, {@code cli.json},
 * and {@code cli-heap.txt} (the output of {@link CliHeap}, printed as it is).
 */
public final class Summary {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String[]> rows = new ArrayList<>();

  private Summary() {}

  /** Prints the summary of the results in {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
    Summary s = new Summary();
    s.frameworks(dir);
    s.paired(dir);
    s.journal(dir);
    s.cli(dir);
    s.print();
    Path heap = dir.resolve("cli-heap.txt");
    if (Files.exists(heap)) {
      System.out.println();
      System.out.println("CLI heap (smallest -Xmx that runs, serial GC; bytes allocated by the run):");
      System.out.print(Files.readString(heap));
    }
  }

  private void frameworks(Path dir) throws IOException {
    String[][] modules = {
        {"langchain4j", "LangChain4j", "bare", "guarded,toolLoop", "aiServicesSequential", "toolLoop",
            "aiServicesConcurrent"},
        {"openai-java", "openai-java", "bare", "guarded,toolguardLoop", "handLoopSequential", "toolguardLoop", ""},
        {"spring-ai", "Spring AI", "bare", "repairAdvisor,guarded", "springAiSequential", "toolguardAdvisor", ""}};
    for (String[] m : modules) {
      JsonNode results = read(dir.resolve(m[0] + ".json"));
      if (results == null) {
        continue;
      }
      for (String history : new String[] {"0", "200"}) {
        Double bare = score(results, "RoundTripBenchmark." + m[2], "history", history);
        for (String way : m[3].split(",")) {
          Double guarded = score(results, "RoundTripBenchmark." + way, "history", history);
          if (bare != null && guarded != null) {
            double added = guarded - bare;
            boolean met = added <= Math.max(0.05 * bare, 100);
            row(m[1] + " round trip, " + history + " msgs", way + " vs bare",
                f("%.0f vs %.0f µs", guarded, bare), f("%.3f× (%+.0f µs)", guarded / bare, added),
                "≤ 5% or +100 µs", met);
          }
        }
      }
      Double seq = score(results, "ParallelToolsBenchmark." + m[4], null, null);
      Double tg = score(results, "ParallelToolsBenchmark." + m[5], null, null);
      if (seq != null && tg != null) {
        row(m[1] + " 8 × 50 ms tools", m[5] + " vs " + m[4], f("%.1f vs %.1f ms", tg, seq),
            f("%.2f× faster", seq / tg), "< 65 ms, ≥ 6×", tg < 65 && seq / tg >= 6);
      }
      if (!m[6].isEmpty()) {
        Double conc = score(results, "ParallelToolsBenchmark." + m[6], null, null);
        if (conc != null && tg != null) {
          row(m[1] + " 8 × 50 ms tools", m[5] + " vs " + m[6], f("%.1f vs %.1f ms", tg, conc),
              f("%.2f× faster", conc / tg), "(for comparison)", null);
        }
      }
      for (String history : new String[] {"0", "200"}) {
        Double bare = score(results, "FirstTokenBenchmark.bare", "history", history);
        for (String way : new String[] {"guarded", "repairAdvisor"}) {
          Double guarded = score(results, "FirstTokenBenchmark." + way, "history", history);
          if (bare != null && guarded != null) {
            row(m[1] + " first token, " + history + " msgs", way + " vs bare", f("%.0f vs %.0f µs", guarded, bare),
                f("%+.0f µs", guarded - bare), "≤ +1 ms", guarded - bare <= 1000);
          }
        }
      }
    }
  }

  /**
   * The paired comparisons: the median of the per-round differences (subject minus bare, in one JVM,
   * alternating rounds) with its 95% interval, judged by the same targets as the JMH rows.
   */
  private void paired(Path dir) throws IOException {
    String[][] modules = {{"langchain4j", "LangChain4j"}, {"openai-java", "openai-java"}, {"spring-ai", "Spring AI"}};
    for (String[] m : modules) {
      JsonNode results = read(dir.resolve(m[0] + "-paired.json"));
      if (results == null) {
        continue;
      }
      for (JsonNode r : results) {
        boolean roundTrip = r.path("benchmark").asText().equals("RoundTripBenchmark");
        double bare = r.path("baselineUs").asDouble();
        double way = r.path("subjectUs").asDouble();
        double diff = r.path("diffUs").asDouble();
        boolean met = roundTrip ? diff <= Math.max(0.05 * bare, 100) : diff <= 1000;
        row(m[1] + (roundTrip ? " round trip, " : " first token, ") + r.path("history").asText() + " msgs, paired",
            r.path("subject").asText() + " vs " + r.path("baseline").asText(),
            f("%.0f vs %.0f µs, %d rounds", way, bare, r.path("rounds").asInt()),
            f("%+.0f µs (95%%: %+.0f to %+.0f)", diff, r.path("diffLowUs").asDouble(), r.path("diffHighUs").asDouble()),
            roundTrip ? "≤ 5% or +100 µs" : "≤ +1 ms", met);
      }
    }
  }

  private void journal(Path dir) throws IOException {
    Double first = null;
    for (String t : new String[] {"1", "2", "4"}) {
      JsonNode results = read(dir.resolve("journal-t" + t + ".json"));
      if (results == null) {
        continue;
      }
      Double journal = score(results, "JournalBenchmark.journalClaimComplete", null, null);
      Double bare = score(results, "JournalBenchmark.baselineInsertUpdate", null, null);
      if (journal == null || bare == null) {
        continue;
      }
      // throughput: the time ratio is the baseline's throughput over the journal's
      row("journal, " + t + " instance(s)", "claim+complete vs INSERT+UPDATE",
          f("%.2f vs %.2f ops/ms", journal, bare), f("%.2f× the time", bare / journal), "≤ 1.3×",
          bare / journal <= 1.3);
      if (first == null) {
        first = journal;
      } else {
        row("journal, " + t + " instance(s)", "throughput vs 1 instance", f("%.2f ops/ms", journal),
            f("%.2f×", journal / first), "grows", journal > first);
      }
    }
  }

  private void cli(Path dir) throws IOException {
    JsonNode results = read(dir.resolve("cli.json"));
    if (results == null) {
      return;
    }
    for (String v : new String[] {"0", "400", "4000"}) {
      Double jackson = score(results, "CliBenchmark.baselineJacksonTree", "violations", v);
      Double jacksonAlloc = secondary(results, "CliBenchmark.baselineJacksonTree", v);
      for (String op : new String[] {"check", "repair"}) {
        Double t = score(results, "CliBenchmark." + op, "violations", v);
        if (jackson == null || t == null) {
          continue;
        }
        row("CLI 50 MB, " + v + " violations", op + " vs Jackson tree", f("%.0f vs %.0f ms", t, jackson),
            f("%.2f×", t / jackson), "≤ 2×", t / jackson <= 2);
        Double alloc = secondary(results, "CliBenchmark." + op, v);
        if (alloc != null && jacksonAlloc != null) {
          row("CLI 50 MB, " + v + " violations", op + " allocated", f("%.0f vs %.0f MB", alloc / 1e6,
              jacksonAlloc / 1e6), f("%.2f×", alloc / jacksonAlloc), "(heap: see below)", null);
        }
      }
    }
  }

  private void row(String what, String compared, String figures, String ratio, String target, Boolean met) {
    rows.add(new String[] {what, compared, figures, ratio, target, met == null ? "" : met ? "yes" : "NO"});
  }

  private void print() {
    String[] head = {"case", "compared", "figures", "ratio", "target", "met"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    line(head, w);
    String[] rule = new String[head.length];
    for (int i = 0; i < head.length; i++) {
      rule[i] = "-".repeat(w[i]);
    }
    line(rule, w);
    for (String[] r : rows) {
      line(r, w);
    }
  }

  private static void line(String[] cells, int[] w) {
    StringBuilder sb = new StringBuilder("| ");
    for (int i = 0; i < cells.length; i++) {
      sb.append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" | ");
    }
    System.out.println(sb.toString().stripTrailing());
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static JsonNode read(Path file) throws IOException {
    return Files.exists(file) ? MAPPER.readTree(file.toFile()) : null;
  }

  /** The primary score of the benchmark whose name ends with {@code suffix} (and whose param matches). */
  private static Double score(JsonNode results, String suffix, String param, String value) {
    JsonNode r = find(results, suffix, param, value);
    return r == null ? null : r.path("primaryMetric").path("score").asDouble();
  }

  /** The bytes allocated per operation ({@code -prof gc}) of a CLI benchmark at {@code violations}. */
  private static Double secondary(JsonNode results, String suffix, String violations) {
    JsonNode r = find(results, suffix, "violations", violations);
    if (r == null) {
      return null;
    }
    JsonNode metrics = r.path("secondaryMetrics");
    for (String key : new String[] {"gc.alloc.rate.norm", "·gc.alloc.rate.norm"}) {
      if (metrics.has(key)) {
        return metrics.get(key).path("score").asDouble();
      }
    }
    return null;
  }

  private static JsonNode find(JsonNode results, String suffix, String param, String value) {
    for (JsonNode r : results) {
      if (!r.path("benchmark").asText().endsWith("." + suffix)) {
        continue;
      }
      if (param == null || value.equals(r.path("params").path(param).asText())) {
        return r;
      }
    }
    return null;
  }
}
