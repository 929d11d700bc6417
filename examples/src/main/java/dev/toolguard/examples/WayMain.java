package dev.toolguard.examples;

import dev.toolguard.examples.TourOptions.UsageException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The main of a way that runs as a subprocess of the tour: it parses the tour's options ({@code
 * [--scenario NAME] [--base-url URL --api-key KEY --model NAME]}, picocli), runs the way, and prints
 * its rows on standard output (UTF-8) as they are made, one {@link Row#line()} a line and nothing
 * else; logs go to standard error. Exit 0 when it printed all its rows, whatever their outcomes; 2 on
 * bad arguments.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   WayMain.main(args, "langchain4j", new TourWay());
 * }
 * }</pre>
 */
public final class WayMain {

  private WayMain() {}

  /** Runs {@code runner} as way {@code way} and exits with the protocol's code. */
  public static void main(String[] args, String way, WayRunner runner) {
    Tour.quietLogs();
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = run(args, way, runner, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs {@code runner} as way {@code way} on the given streams: the tour's options (picocli, {@link
   * TourOptions}), each row printed as soon as it is made.
   *
   * @return 0 when the rows were printed (or after {@code --help}, {@code --version}, {@code
   *     generate-completion}), 2 on bad arguments
   */
  public static int run(String[] args, String way, WayRunner runner, PrintStream out, PrintStream err) {
    TourOptions options;
    try {
      options = TourOptions.parse(args);
    } catch (UsageException e) {
      err.println(way + ": " + e.getMessage());
      err.print(TourOptions.usage(way));
      return 2;
    }
    if (options.help() || options.list()) {
      err.print(TourOptions.usage(way));
      err.println("scenarios: " + String.join(", ", Scenario.ids()));
      return 0;
    }
    if (options.version()) {
      out.println(way + " " + TourOptions.Version.version());
      return 0;
    }
    if (options.completion()) {
      out.print(TourOptions.completionScript(way));
      return 0;
    }
    // a scenario that another way shows only (hosted-approval: the loop's) is N/A here, and not run
    Way known = Way.find(way);
    java.util.List<Scenario> shown = new java.util.ArrayList<>();
    for (Scenario s : options.scenarios()) {
      if (known == null || s.shownBy(known)) {
        shown.add(s);
      } else {
        out.println(Row.notApplicable(s, way, Row.Side.BARE, s.notShownWhy()).line());
        out.println(Row.notApplicable(s, way, Row.Side.GUARDED, s.notShownWhy()).line());
        out.flush();
      }
    }
    if (shown.isEmpty()) {
      return 0;
    }
    WayRunner.Result result = runner.run(shown, options.target(), row -> {
      synchronized (out) {
        out.println(row.line());
        out.flush();
      }
    });
    if (result.problem() != null) {
      err.println(way + ": " + result.problem());
    }
    return 0;
  }
}
