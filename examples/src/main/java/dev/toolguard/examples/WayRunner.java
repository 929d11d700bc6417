package dev.toolguard.examples;

import dev.toolguard.examples.TourOptions.Target;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Runs one way of the tour and gives its rows. */
public interface WayRunner {

  /**
   * Runs {@code scenarios} bare and guarded, against the testkit referee or, with a {@code target},
   * the guarded side against that provider.
   *
   * @return the rows, one per scenario and side (missing ones are filled in as failures), and a
   *     problem of the whole way (a missing jar, a crash), or null
   */
  Result run(List<Scenario> scenarios, @Nullable Target target);

  /**
   * Runs like {@link #run(List, Target)}, handing each row to {@code onRow} as soon as it is known (the
   * tour prints a table row once every way has given its cells). By default the rows go to {@code onRow}
   * when the way has finished; ways that can tell earlier override it.
   */
  default Result run(List<Scenario> scenarios, @Nullable Target target, Consumer<Row> onRow) {
    Result result = run(scenarios, target);
    result.rows().forEach(onRow);
    return result;
  }

  /**
   * What a way gave.
   *
   * @param rows its rows, in the order it printed them
   * @param problem what went wrong with the way as a whole, in one line, or null
   */
  record Result(List<Row> rows, @Nullable String problem) {

    /** Copies the rows. */
    public Result {
      rows = List.copyOf(rows);
    }

    /** The rows of a way that ran. */
    public static Result of(List<Row> rows) {
      return new Result(rows, null);
    }

    /** A way that could not run at all. */
    public static Result failed(String problem) {
      return new Result(List.of(), problem);
    }
  }
}
