package dev.toolguard.examples;

import org.jspecify.annotations.Nullable;

/**
 * One cell of the tour: a scenario, a way in, a side, what came out and why. Each way prints its
 * rows on standard output as {@code ROW<TAB>scenario<TAB>way<TAB>side<TAB>outcome<TAB>detail}, one
 * a line (see {@link #line()}).
 *
 * @param scenario the scenario's name (see {@link Scenario#id()})
 * @param way the way's name (see {@link Way#id()})
 * @param side {@code bare} (the framework alone) or {@code guarded} (with toolguard)
 * @param outcome what came out
 * @param detail one line: for bare, the error as the client reports it; for guarded, what was
 *     repaired and the answer
 */
public record Row(String scenario, String way, Side side, Outcome outcome, String detail) {

  /** How long {@link #shorten(String)} makes a detail; the rows themselves keep it whole (the tour cuts it to print). */
  public static final int MAX_DETAIL = 160;

  /** Checks the components and makes the detail one line without tabs. */
  public Row {
    if (scenario == null || scenario.isBlank() || way == null || way.isBlank() || side == null
        || outcome == null || detail == null) {
      throw new IllegalArgumentException("a row needs a scenario, a way, a side, an outcome and a detail");
    }
    detail = oneLine(detail, Integer.MAX_VALUE);
  }

  /** The side of a cell. */
  public enum Side {
    /** The framework's own call, without toolguard: it must get the provider's 400. */
    BARE("bare"),
    /** The same through toolguard: it must succeed. */
    GUARDED("guarded");

    private final String id;

    Side(String id) {
      this.id = id;
    }

    /** {@code bare} or {@code guarded}. */
    public String id() {
      return id;
    }

    static @Nullable Side find(String id) {
      for (Side s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      return null;
    }
  }

  /** What came out of a cell. */
  public enum Outcome {
    /** Bare: the provider's 400 came back; guarded: the call succeeded with no rejection. */
    PASS("PASS"),
    /** Anything else: a guarded call that failed, a bare call that did not fail. */
    FAIL("FAIL"),
    /** The way cannot express the scenario (or bare, against a real provider). */
    NOT_APPLICABLE("N/A");

    private final String id;

    Outcome(String id) {
      this.id = id;
    }

    /** {@code PASS}, {@code FAIL} or {@code N/A}. */
    public String id() {
      return id;
    }

    static @Nullable Outcome find(String id) {
      for (Outcome o : values()) {
        if (o.id.equals(id)) {
          return o;
        }
      }
      return null;
    }
  }

  /** A passing row. */
  public static Row pass(Scenario scenario, String way, Side side, String detail) {
    return new Row(scenario.id(), way, side, Outcome.PASS, detail);
  }

  /** A failing row. */
  public static Row fail(Scenario scenario, String way, Side side, String detail) {
    return new Row(scenario.id(), way, side, Outcome.FAIL, detail);
  }

  /** A row for a cell the way cannot express. */
  public static Row notApplicable(Scenario scenario, String way, Side side, String why) {
    return new Row(scenario.id(), way, side, Outcome.NOT_APPLICABLE, why);
  }

  /** The row as the protocol line: {@code ROW\tscenario\tway\tside\toutcome\tdetail}. */
  public String line() {
    return "ROW\t" + scenario + "\t" + way + "\t" + side.id() + "\t" + outcome.id() + "\t" + detail;
  }

  /**
   * The row of a protocol line, or null when the line is not a row (a way prints nothing else on
   * standard output, but a stray line must not break the tour).
   */
  public static @Nullable Row parse(String line) {
    if (!line.startsWith("ROW\t")) {
      return null;
    }
    String[] parts = line.split("\t", 6);
    if (parts.length < 5) {
      return null;
    }
    Side side = Side.find(parts[3].trim());
    Outcome outcome = Outcome.find(parts[4].trim());
    String scenario = parts[1].trim();
    String way = parts[2].trim();
    if (side == null || outcome == null || scenario.isEmpty() || way.isEmpty()) {
      return null;
    }
    return new Row(scenario, way, side, outcome, parts.length == 6 ? parts[5] : "");
  }

  /**
   * {@code text} on one line, without tabs, at most {@link #MAX_DETAIL} characters: a longer text keeps
   * its start and its end, with an ellipsis between.
   */
  public static String shorten(@Nullable String text) {
    return oneLine(text, MAX_DETAIL);
  }

  /** {@code text} on one line, whole (tabs and line breaks as spaces), as a row keeps its detail. */
  public static String oneLineOf(@Nullable String text) {
    return oneLine(text, Integer.MAX_VALUE);
  }

  /** {@code text} on one line of at most {@code max} characters, cut as {@link #shorten(String)} cuts. */
  public static String shorten(@Nullable String text, int max) {
    return oneLine(text, max);
  }

  /**
   * {@code detail} with a provider's JSON error body ({@code {"error":{"message":"…",…}}}, Anthropic's
   * {@code {"type":"error","error":{…,"message":"…"}}}) written as its message alone: the part a reader
   * needs, call id included, fits on a line.
   */
  public static String compact(String detail) {
    int brace = detail.indexOf("{\"");
    if (brace < 0) {
      return detail;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
        .matcher(detail);
    if (!m.find(brace)) {
      return detail;
    }
    String message = m.group(1).replace("\\\"", "\"").replace("\\n", " ").replace("\\\\", "\\");
    return (detail.substring(0, brace).stripTrailing() + " " + message).strip();
  }

  private static String oneLine(@Nullable String text, int max) {
    if (text == null) {
      return "";
    }
    String s = text.replaceAll("[\\t\\r\\n]+", " ").replaceAll(" {2,}", " ").strip();
    if (s.length() > max) {
      // keep the start and the end: a provider's error names the call id last
      int head = max * 3 / 5;
      int tail = max - head - 3;
      String start = s.substring(0, head);
      String end = s.substring(s.length() - tail);
      int space = start.lastIndexOf(' ');
      if (space > head / 2) {
        start = start.substring(0, space);
      }
      space = end.indexOf(' ');
      if (space >= 0 && space < tail / 2) {
        end = end.substring(space + 1);
      }
      s = start.strip() + " … " + end.strip();
    }
    return s;
  }
}
