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
import java.util.concurrent.ExecutorCompletionService;
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

  /** No line the tour prints is wider than this. */
  public static final int WIDTH = 120;

  /**
   * Runs the tour with {@code args}, printing the table on {@code out} — each table row as soon as every
   * way has given its cells, a progress line when a way ends — and problems on {@code err}.
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
    if (options.version()) {
      out.println("toolguard-tour " + TourOptions.Version.version());
      out.flush();
      return OK;
    }
    if (options.completion()) {
      out.print(TourOptions.completionScript("toolguard-tour"));
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
    Table table = new Table(out, options, scenarios, err);
    table.header();
    runAll(options.ways(), scenarios, options.target(), table);
    table.details();
    out.println("tour: " + table.passed() + " passed, " + table.failed() + " failed");
    out.flush();
    return table.failed() == 0 ? OK : FAILED;
  }

  private void runAll(List<Way> ways, List<Scenario> scenarios, @Nullable Target target, Table table) {
    if (ways.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(ways.size(), r -> {
      Thread t = new Thread(r, "tour-way");
      t.setDaemon(true);
      return t;
    });
    try {
      ExecutorCompletionService<Map.Entry<Way, WayRunner.Result>> done = new ExecutorCompletionService<>(pool);
      Map<Future<Map.Entry<Way, WayRunner.Result>>, Way> futures = new LinkedHashMap<>();
      long start = System.nanoTime();
      for (Way way : ways) {
        List<Scenario> shown = new ArrayList<>();
        for (Scenario s : scenarios) {
          if (s.shownBy(way)) {
            shown.add(s);
          } else {
            table.row(way, Row.notApplicable(s, way.id(), Side.BARE, s.notShownWhy()));
            table.row(way, Row.notApplicable(s, way.id(), Side.GUARDED, s.notShownWhy()));
          }
        }
        futures.put(done.submit(() -> Map.entry(way, shown.isEmpty() ? new WayRunner.Result(List.of(), null)
            : runners.apply(way).run(shown, target, row -> table.row(way, row)))), way);
      }
      for (int i = 0; i < ways.size(); i++) {
        Future<Map.Entry<Way, WayRunner.Result>> next;
        try {
          next = done.take();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          for (Way way : ways) {
            table.finished(way, WayRunner.Result.failed("interrupted"), System.nanoTime() - start);
          }
          return;
        }
        Way way = futures.get(next);
        WayRunner.Result result;
        try {
          result = next.get().getValue();
        } catch (ExecutionException ex) {
          Throwable cause = ex.getCause() == null ? ex : ex.getCause();
          result = WayRunner.Result.failed(way.id() + " failed: " + cause);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          result = WayRunner.Result.failed("interrupted");
        }
        table.finished(way, result, System.nanoTime() - start);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The table as the rows come in: a table row is printed as soon as every way has given both cells of
   * its scenario (in scenario order); when a way ends, its missing cells fail with its problem and a
   * progress line says so. Thread-safe: the ways call {@link #row} from their own threads.
   */
  private static final class Table {
    private final PrintStream out;
    private final PrintStream err;
    private final TourOptions options;
    private final List<Way> ways;
    private final List<Scenario> scenarios;
    private final Map<Way, Map<String, Row>> cells = new EnumMap<>(Way.class);
    private final Map<Way, String> problems = new EnumMap<>(Way.class);
    private final int first;
    private final List<Integer> widths = new ArrayList<>();
    private int printed;

    Table(PrintStream out, TourOptions options, List<Scenario> scenarios, PrintStream err) {
      this.out = out;
      this.err = err;
      this.options = options;
      this.ways = options.ways();
      this.scenarios = scenarios;
      for (Way way : ways) {
        cells.put(way, new LinkedHashMap<>());
      }
      int f = "scenario".length();
      int shows = "FAIL".length();
      for (Scenario s : scenarios) {
        f = Math.max(f, s.id().length());
        shows = Math.max(shows, s.bareShows().length());
      }
      this.first = f;
      for (Way way : ways) {
        widths.add(Math.max(way.id().length(), shows + " → ".length() + "FAIL".length()));
      }
    }

    synchronized void header() {
      Target target = options.target();
      lines("toolguard tour: " + scenarios.size() + (scenarios.size() == 1 ? " scenario" : " scenarios")
          + " x " + ways.size() + (ways.size() == 1 ? " way" : " ways") + ", "
          + (target == null
              ? "against the testkit referee on loopback (no network, no keys)"
              : "guarded side against " + target.baseUrl() + " (model " + target.model() + "), bare side N/A"), "");
      lines("each cell: bare → guarded   (400 = the provider's 400, as expected;"
          + (scenarios.contains(Scenario.TWO_INSTANCES) ? " 2×pay = the approved payment ran twice, as expected;" : "")
          + (scenarios.contains(Scenario.HOSTED_APPROVAL) ? " lost = the approval could not be answered, as expected;"
              : "")
          + (scenarios.contains(Scenario.OLLAMA_RESULT_ORDER) ? " wrong = a result bound to the wrong call, as expected;"
              : "")
          + " ok = succeeded; FAIL = not as expected; n/a = the way cannot show it)", "  ");
      lines("the ways run at once; a row is printed when every way has done its scenario, a line \"· WAY done\""
          + " when a way ends", "  ");
      out.println();
      StringBuilder header = new StringBuilder(pad("scenario", first));
      for (int i = 0; i < ways.size(); i++) {
        header.append("  ").append(pad(ways.get(i).id(), widths.get(i)));
      }
      out.println(header.toString().stripTrailing());
      out.flush();
    }

    /** A row a way gave; the first row for a cell counts, a row not asked for is left out (said on err). */
    synchronized void row(Way way, Row row) {
      if (!row.way().equals(way.id()) || Scenario.find(row.scenario()) == null
          || !scenarios.contains(Scenario.find(row.scenario()))) {
        err.println("tour: " + way.id() + " printed a row for " + row.way() + "/" + row.scenario()
            + ", which was not asked for; left out");
        return;
      }
      cells.get(way).putIfAbsent(row.scenario() + "\t" + row.side().id(), row);
      flush();
    }

    /** A way ended: its rows (those it did not hand over yet count too), its problem, a progress line. */
    synchronized void finished(Way way, WayRunner.Result result, long nanos) {
      if (problems.containsKey(way) || cells.get(way).containsKey("\tdone")) {
        return;
      }
      for (Row r : result.rows()) {
        if (r.way().equals(way.id()) && Scenario.find(r.scenario()) != null
            && scenarios.contains(Scenario.find(r.scenario()))) {
          cells.get(way).putIfAbsent(r.scenario() + "\t" + r.side().id(), r);
        }
      }
      int failedCells = 0;
      for (Scenario s : scenarios) {
        for (Side side : Side.values()) {
          String key = s.id() + "\t" + side.id();
          if (!cells.get(way).containsKey(key)) {
            cells.get(way).put(key, Row.fail(s, way.id(), side, result.problem() != null ? result.problem()
                : way.id() + " printed no row for this cell"));
          }
          if (cells.get(way).get(key).outcome() == Outcome.FAIL) {
            failedCells++;
          }
        }
      }
      if (result.problem() != null) {
        problems.put(way, result.problem());
      }
      cells.get(way).put("\tdone", Row.notApplicable(scenarios.get(0), way.id(), Side.BARE, "done"));
      lines("· " + way.id() + " done in " + String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9) + ": "
          + scenarios.size() + (scenarios.size() == 1 ? " scenario" : " scenarios")
          + (failedCells == 0 ? ", every cell as expected" : ", " + failedCells + " FAIL")
          + (result.problem() == null ? "" : " (" + Row.shorten(result.problem(), 60) + ")"), "  ");
      flush();
    }

    /** Prints every table row whose cells are all known, in scenario order. */
    private void flush() {
      while (printed < scenarios.size()) {
        Scenario s = scenarios.get(printed);
        for (Way way : ways) {
          for (Side side : Side.values()) {
            if (!cells.get(way).containsKey(s.id() + "\t" + side.id())) {
              out.flush();
              return;
            }
          }
        }
        StringBuilder line = new StringBuilder(pad(s.id(), first));
        for (int i = 0; i < ways.size(); i++) {
          line.append("  ").append(pad(cell(rowsOf(ways.get(i)), s.id()), widths.get(i)));
        }
        out.println(line.toString().stripTrailing());
        printed++;
      }
      out.flush();
    }

    private List<Row> rowsOf(Way way) {
      List<Row> rows = new ArrayList<>();
      for (Map.Entry<String, Row> e : cells.get(way).entrySet()) {
        if (!e.getKey().equals("\tdone")) {
          rows.add(e.getValue());
        }
      }
      return rows;
    }

    synchronized void details() {
      out.println();
      if (!problems.isEmpty()) {
        for (Map.Entry<Way, String> e : problems.entrySet()) {
          lines(e.getKey().id() + ": " + e.getValue(), "  ");
        }
        out.println();
      }
      int wayWidth = 0;
      for (Way way : ways) {
        wayWidth = Math.max(wayWidth, way.id().length());
      }
      for (Scenario s : scenarios) {
        List<String[]> lines = new ArrayList<>();
        for (Way way : ways) {
          String problem = problems.get(way);
          for (Side side : Side.values()) {
            Row r = cells.get(way).get(s.id() + "\t" + side.id());
            if (r == null || (problem != null && r.detail().equals(Row.oneLineOf(problem)))) {
              continue;
            }
            lines.add(new String[] {"  " + pad(way.id(), wayWidth) + "  " + pad(r.side().id(), 7) + "  "
                + pad(r.outcome().id(), 4) + "  ", r.detail()});
          }
        }
        if (!lines.isEmpty()) {
          lines(s.id() + ": " + s.title(), "  ");
          for (String[] l : lines) {
            detail(l[0], l[1]);
          }
        }
      }
      out.println();
      out.flush();
    }

    /** One detail after its prefix: cut to one line, or with --verbose whole, wrapped under itself. */
    private void detail(String prefix, String detail) {
      int room = WIDTH - prefix.length();
      if (!options.verbose()) {
        out.println((prefix + Row.shorten(Row.compact(detail), room)).stripTrailing());
        return;
      }
      List<String> parts = wrap(detail, room);
      out.println((prefix + parts.get(0)).stripTrailing());
      for (int i = 1; i < parts.size(); i++) {
        out.println(" ".repeat(prefix.length()) + parts.get(i));
      }
    }

    /** {@code text} wrapped at {@link #WIDTH}, the lines after the first indented by {@code indent}. */
    private void lines(String text, String indent) {
      List<String> parts = wrap(text, WIDTH);
      out.println(parts.get(0));
      if (parts.size() > 1) {
        String rest = String.join(" ", parts.subList(1, parts.size()));
        for (String l : wrap(rest, WIDTH - indent.length())) {
          out.println(indent + l);
        }
      }
    }

    int passed() {
      return count(Outcome.PASS);
    }

    int failed() {
      return count(Outcome.FAIL);
    }

    private synchronized int count(Outcome outcome) {
      int n = 0;
      for (Way way : ways) {
        for (Row r : rowsOf(way)) {
          if (r.outcome() == outcome) {
            n++;
          }
        }
      }
      return n;
    }
  }

  /** {@code text} in lines of at most {@code width} characters, broken at spaces where it can be. */
  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    String rest = text.strip();
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(' ', width);
      if (cut <= width / 3) {
        cut = width;
      }
      out.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    out.add(rest);
    return out;
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
