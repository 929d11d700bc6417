package dev.toolguard.examples;

import dev.toolguard.examples.TourOptions.Target;
import java.util.List;
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
