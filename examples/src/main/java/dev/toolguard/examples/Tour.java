package dev.toolguard.examples;

import dev.toolguard.examples.Row.Outcome;
import dev.toolguard.examples.Row.Side;
import dev.toolguard.examples.TourOptions.Target;
import dev.toolguard.examples.TourOptions.UsageException;
import dev.toolguard.examples.cli.CliWay;
import dev.toolguard.examples.loop.LoopWay;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The toolguard tour: for every failure class of the design and each way in, the bare framework call
 * (it must get the provider's 400) and the guarded one (it must succeed), against the testkit referee
 * started on loopback — no network, no keys.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package &amp;&amp; java -jar examples/target/toolguard-examples.jar
 * </pre>
 *
 * <p>The framework-free loop and the command line run in this process; LangChain4j, Spring AI and
 * openai-java each run in their own module's jar ({@code examples-<way>/target/toolguard-examples-<way>.jar},
 * found next to this one), which prints its rows (see {@link Row}). The tour merges them into one
 * table, prints the details below it and a last line {@code tour: N passed, M failed}, and exits 1
 * when a cell failed (a guarded call that failed, or a bare call that did not fail), 0 otherwise, 2
 * on bad arguments.
 */
public final class Tour {

  /** Exit code: every cell passed. */
  public static final int OK = 0;
  /** Exit code: a cell failed. */
  public static final int FAILED = 1;
  /** Exit code: bad arguments. */
  public static final int USAGE = 2;

  private final Function<Way, WayRunner> runners;

  /** A tour that finds the subprocess ways' jars under the repository root {@code root}. */
  Tour(Path root) {
    this(way -> defaultRunner(way, root));
  }

  /** A tour that runs each way with the runner {@code runners} gives (for tests). */
  Tour(Function<Way, WayRunner> runners) {
    this.runners = runners;
  }

  static WayRunner defaultRunner(Way way, Path root) {
    if (way == Way.LOOP) {
      return new LoopWay();
    }
    if (way == Way.CLI) {
      return new CliWay();
    }
    return new SubprocessWay(way, root, SubprocessWay.DEFAULT_TIMEOUT);
  }

  /** Runs the tour and exits with its code. */
  public static void main(String[] args) {
    quietLogs();
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = new Tour(repositoryRoot()).run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Turns toolguard's and the referee's logs down: the tour prints what was repaired itself. */
  static void quietLogs() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "error");
    setIfAbsent("org.slf4j.simpleLogger.log.dev.toolguard", "off");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * The repository root: two levels above the directory of this class's jar ({@code
   * examples/target/toolguard-examples.jar}) or classes ({@code examples/target/classes}); the
   * working directory when that cannot be told.
   */
  static Path repositoryRoot() {
    try {
      CodeSource source = Tour.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        Path here = Path.of(source.getLocation().toURI());
        Path target = here.getParent(); // examples/target, above the jar or the classes directory
        if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
          return target.getParent().getParent().toAbsolutePath().normalize();
        }
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall through
    }
    return Path.of("").toAbsolutePath();
  }

  /**
   * Runs the tour with {@code args}, printing the table on {@code out} and problems on {@code err}.
   *
   * @return {@link #OK}, {@link #FAILED} or {@link #USAGE}
   */
  public int run(String[] args, PrintStream out, PrintStream err) {
    TourOptions options;
    try {
      options = TourOptions.parse(args);
    } catch (UsageException e) {
      err.println("tour: " + e.getMessage());
      err.print(TourOptions.USAGE);
      err.flush();
      return USAGE;
    }
    if (options.help()) {
      out.print(TourOptions.USAGE);
      out.flush();
      return OK;
    }
    if (options.list()) {
      out.println("scenarios:");
      for (Scenario s : Scenario.values()) {
        out.printf("  %-22s %s%n", s.id(), s.title());
      }
      out.println("ways:");
      for (Way w : Way.values()) {
        out.printf("  %-22s %s%n", w.id(), w.inProcess() ? "in the tour's process" : w.jarPath());
      }
      out.flush();
      return OK;
    }
    List<Scenario> scenarios = options.scenarios();
    Map<Way, WayRunner.Result> results = runAll(options.ways(), scenarios, options.target());
    Map<Way, List<Row>> cells = new EnumMap<>(Way.class);
    Map<Way, String> problems = new EnumMap<>(Way.class);
    for (Way way : options.ways()) {
      WayRunner.Result result = results.get(way);
      cells.put(way, merge(way, scenarios, result, err));
      if (result.problem() != null) {
        problems.put(way, result.problem());
      }
    }
    print(out, options, scenarios, cells, problems);
    int passed = 0;
    int failed = 0;
    for (List<Row> rows : cells.values()) {
      for (Row r : rows) {
        if (r.outcome() == Outcome.PASS) {
          passed++;
        } else if (r.outcome() == Outcome.FAIL) {
          failed++;
        }
      }
    }
    out.println("tour: " + passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0 ? OK : FAILED;
  }

  private Map<Way, WayRunner.Result> runAll(List<Way> ways, List<Scenario> scenarios, @Nullable Target target) {
    Map<Way, WayRunner.Result> results = new EnumMap<>(Way.class);
    if (ways.isEmpty()) {
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(ways.size(), r -> {
      Thread t = new Thread(r, "tour-way");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<Way, Future<WayRunner.Result>> futures = new LinkedHashMap<>();
      for (Way way : ways) {
        futures.put(way, pool.submit(() -> runners.apply(way).run(scenarios, target)));
      }
      for (Map.Entry<Way, Future<WayRunner.Result>> e : futures.entrySet()) {
        WayRunner.Result result;
        try {
          result = e.getValue().get();
        } catch (ExecutionException ex) {
          Throwable cause = ex.getCause() == null ? ex : ex.getCause();
          result = WayRunner.Result.failed(e.getKey().id() + " failed: " + cause);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          result = WayRunner.Result.failed("interrupted");
        }
        results.put(e.getKey(), result);
      }
    } finally {
      pool.shutdownNow();
    }
    return results;
  }

  /**
   * The cells of {@code way}: one row per scenario and side, in order. The first row a way printed
   * for a cell counts; a cell it printed nothing for fails with the way's problem, or "no row".
   * Rows for another way or for a scenario not asked for are left out (and said on {@code err}).
   */
  static List<Row> merge(Way way, List<Scenario> scenarios, WayRunner.Result result, PrintStream err) {
    Map<String, Row> byCell = new LinkedHashMap<>();
    Set<String> asked = new LinkedHashSet<>();
    for (Scenario s : scenarios) {
      asked.add(s.id());
    }
    for (Row row : result.rows()) {
      if (!row.way().equals(way.id()) || !asked.contains(row.scenario())) {
        err.println("tour: " + way.id() + " printed a row for " + row.way() + "/" + row.scenario()
            + ", which was not asked for; left out");
        continue;
      }
      byCell.putIfAbsent(row.scenario() + "\t" + row.side().id(), row);
    }
    List<Row> out = new ArrayList<>();
    for (Scenario s : scenarios) {
      for (Side side : Side.values()) {
        Row row = byCell.get(s.id() + "\t" + side.id());
        if (row == null) {
          row = Row.fail(s, way.id(), side, result.problem() != null ? result.problem()
              : way.id() + " printed no row for this cell");
        }
        out.add(row);
      }
    }
    return out;
  }

  private static void print(PrintStream out, TourOptions options, List<Scenario> scenarios,
      Map<Way, List<Row>> cells, Map<Way, String> problems) {
    List<Way> ways = options.ways();
    Target target = options.target();
    out.println("toolguard tour: " + scenarios.size() + (scenarios.size() == 1 ? " scenario" : " scenarios")
        + " x " + ways.size() + (ways.size() == 1 ? " way" : " ways") + ", "
        + (target == null
            ? "against the testkit referee on loopback (no network, no keys)"
            : "guarded side against " + target.baseUrl() + " (model " + target.model() + "), bare side N/A"));
    out.println("each cell: bare → guarded   (400 = the provider's 400, as expected;"
        + (scenarios.contains(Scenario.TWO_INSTANCES) ? " 2×pay = the approved payment ran twice, as expected;" : "")
        + " ok = succeeded; FAIL = not as expected; n/a = the way cannot show it)");
    out.println();
    int first = "scenario".length();
    for (Scenario s : scenarios) {
      first = Math.max(first, s.id().length());
    }
    List<Integer> widths = new ArrayList<>();
    for (Way way : ways) {
      int w = way.id().length();
      for (Row r : cellsOf(cells, way)) {
        w = Math.max(w, cell(cells.get(way), r.scenario()).length());
      }
      widths.add(w);
    }
    StringBuilder header = new StringBuilder(pad("scenario", first));
    for (int i = 0; i < ways.size(); i++) {
      header.append("  ").append(pad(ways.get(i).id(), widths.get(i)));
    }
    out.println(header.toString().stripTrailing());
    for (Scenario s : scenarios) {
      StringBuilder line = new StringBuilder(pad(s.id(), first));
      for (int i = 0; i < ways.size(); i++) {
        line.append("  ").append(pad(cell(cells.get(ways.get(i)), s.id()), widths.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
    out.println();
    if (!problems.isEmpty()) {
      for (Map.Entry<Way, String> e : problems.entrySet()) {
        out.println(e.getKey().id() + ": " + e.getValue());
      }
      out.println();
    }
    int wayWidth = 0;
    for (Way way : ways) {
      wayWidth = Math.max(wayWidth, way.id().length());
    }
    for (Scenario s : scenarios) {
      List<String> lines = new ArrayList<>();
      for (Way way : ways) {
        String problem = problems.get(way);
        for (Row r : cellsOf(cells, way)) {
          if (!r.scenario().equals(s.id()) || (problem != null && r.detail().equals(Row.shorten(problem)))) {
            continue;
          }
          lines.add("  " + pad(way.id(), wayWidth) + "  " + pad(r.side().id(), 7) + "  "
              + pad(r.outcome().id(), 4) + "  " + r.detail());
        }
      }
      if (!lines.isEmpty()) {
        out.println(s.id() + ": " + s.title());
        lines.forEach(out::println);
      }
    }
    out.println();
  }

  private static List<Row> cellsOf(Map<Way, List<Row>> cells, Way way) {
    List<Row> rows = cells.get(way);
    return rows == null ? List.of() : rows;
  }

  /**
   * The table cell of {@code scenario} in {@code rows}: {@code 400 → ok} and so on; a passing bare side
   * is what the scenario's bare side shows ({@link Scenario#bareShows()}).
   */
  static String cell(@Nullable List<Row> rows, String scenario) {
    Scenario known = Scenario.find(scenario);
    String shows = known == null ? "400" : known.bareShows();
    String bare = "-";
    String guarded = "-";
    if (rows != null) {
      for (Row r : rows) {
        if (!r.scenario().equals(scenario)) {
          continue;
        }
        if (r.side() == Side.BARE) {
          bare = r.outcome() == Outcome.PASS ? shows : r.outcome() == Outcome.FAIL ? "FAIL" : "n/a";
        } else {
          guarded = r.outcome() == Outcome.PASS ? "ok" : r.outcome() == Outcome.FAIL ? "FAIL" : "n/a";
        }
      }
    }
    return bare + " → " + guarded;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
