package dev.toolguard.examples;

import dev.toolguard.examples.Row.Side;
import dev.toolguard.examples.TourOptions.Target;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Judges the two sides of a cell against the referee: bare passes when the call failed and the
 * referee answered a 400; guarded passes when the call succeeded and the referee rejected nothing.
 * Against a real provider, bare is N/A and guarded passes when the call succeeded.
 */
public final class Cells {

  /**
   * What a bare side showed when its failure is not the provider's 400 (see {@link
   * Scenario#bareShows()}).
   *
   * @param shown whether the failure showed (for {@link Scenario#TWO_INSTANCES}: the tool ran twice)
   * @param detail what happened, in one line
   */
  public record Shown(boolean shown, String detail) {}

  /** A bare side that reports what it showed rather than failing. */
  @FunctionalInterface
  public interface Demonstration {
    /** Runs the side. */
    Shown run() throws Exception;
  }

  /** One side of a cell: runs it and says what it did (for guarded, what was repaired and the answer). */
  @FunctionalInterface
  public interface Action {
    /** Runs the side. */
    String run() throws Exception;
  }

  private final ProviderReferee referee;
  private final String way;
  private final @Nullable Target target;

  /** Cells of {@code way}, judged by {@code referee}, the guarded side against {@code target} when given. */
  public Cells(ProviderReferee referee, String way, @Nullable Target target) {
    this.referee = referee;
    this.way = way;
    this.target = target;
  }

  /** The bare side: the framework alone must get the provider's 400. */
  public Row bare(Scenario scenario, Action action) {
    if (target != null) {
      return Row.notApplicable(scenario, way, Side.BARE, "bare runs against the referee only: its strictness is the point");
    }
    referee.clearRequests();
    String got;
    try {
      got = action.run();
    } catch (Exception | LinkageError e) {
      List<RecordedRequest> rejections = referee.rejections();
      if (rejections.isEmpty()) {
        return Row.fail(scenario, way, Side.BARE, "failed without the provider's 400: " + describe(e));
      }
      return Row.pass(scenario, way, Side.BARE, describe(e));
    }
    return Row.fail(scenario, way, Side.BARE, "the bare call did not fail, so the scenario proves nothing: " + got);
  }

  /**
   * The bare side of a scenario whose failure is not a 400 ({@link Scenario#TWO_INSTANCES}: the
   * framework's own mechanics run an approved call twice): it passes when {@code action} says it showed
   * the failure, and fails when it did not or threw. N/A against a real provider, as {@link #bare}.
   */
  public Row bareShows(Scenario scenario, Demonstration action) {
    if (target != null) {
      return Row.notApplicable(scenario, way, Side.BARE, "bare runs against the referee only: its strictness is the point");
    }
    referee.clearRequests();
    Shown shown;
    try {
      shown = action.run();
    } catch (Exception | LinkageError e) {
      return Row.fail(scenario, way, Side.BARE, "the bare side failed before it showed " + scenario.bareShows() + ": "
          + describe(e));
    }
    if (!shown.shown()) {
      return Row.fail(scenario, way, Side.BARE, "the bare side did not show " + scenario.bareShows()
          + ", so the scenario proves nothing: " + shown.detail());
    }
    return Row.pass(scenario, way, Side.BARE, shown.detail());
  }

  /** The guarded side: the same through toolguard must succeed, with no rejection. */
  public Row guarded(Scenario scenario, Action action) {
    referee.clearRequests();
    String detail;
    try {
      detail = action.run();
    } catch (Exception | LinkageError e) {
      return Row.fail(scenario, way, Side.GUARDED, describe(e));
    }
    if (target == null && !referee.rejections().isEmpty()) {
      return Row.fail(scenario, way, Side.GUARDED, "the referee rejected a request: "
          + referee.rejections().get(0).errorMessage());
    }
    return Row.pass(scenario, way, Side.GUARDED, detail);
  }

  /** Both sides N/A, with why. */
  public List<Row> notApplicable(Scenario scenario, String why) {
    return List.of(Row.notApplicable(scenario, way, Side.BARE, why), Row.notApplicable(scenario, way, Side.GUARDED, why));
  }

  /** The rows of one scenario, both sides. */
  @FunctionalInterface
  public interface Scenarios {
    /** The rows of {@code scenario}. */
    List<Row> rows(Scenario scenario) throws Exception;
  }

  /**
   * The rows of every scenario in order: the referee is reset before each, and a scenario whose code
   * throws fails both its cells with the exception (the tour goes on).
   */
  public List<Row> each(List<Scenario> scenarios, Scenarios perScenario) {
    return each(scenarios, perScenario, row -> { });
  }

  /** Like {@link #each(List, Scenarios)}, handing the rows of each scenario to {@code onRow} as soon as they are made. */
  public List<Row> each(List<Scenario> scenarios, Scenarios perScenario, java.util.function.Consumer<Row> onRow) {
    List<Row> rows = new java.util.ArrayList<>();
    for (Scenario s : scenarios) {
      referee.reset();
      List<Row> these;
      try {
        these = perScenario.rows(s);
      } catch (Exception | LinkageError e) {
        String why = "the tour itself failed: " + describe(e);
        these = List.of(Row.fail(s, way, Side.BARE, why), Row.fail(s, way, Side.GUARDED, why));
      }
      rows.addAll(these);
      these.forEach(onRow);
    }
    return rows;
  }

  /** An exception in one line: its message, or its type when it has none. */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName() + (e.getCause() == null ? "" : ": " + describe(e.getCause()));
    }
    return message;
  }
}
