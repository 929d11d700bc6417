package dev.toolguard.examples.openai;

/**
 * One cell of the tour, printed as one line of the row protocol:
 * {@code ROW<TAB>scenario<TAB>way<TAB>side<TAB>outcome<TAB>detail}.
 *
 * @param scenario the scenario name, e.g. {@code user-between}
 * @param way the way in, here always {@code openai-java}
 * @param side {@code bare} or {@code guarded}
 * @param outcome what happened
 * @param detail one line: the provider's error as the client reports it (bare), or what was repaired
 *     and the answer (guarded)
 */
public record Row(String scenario, String way, String side, Outcome outcome, String detail) {

  /** The longest detail printed; longer ones are cut with an ellipsis. */
  static final int MAX_DETAIL = 160;

  /** The outcome of a cell. */
  public enum Outcome {
    /** Bare: the provider's 400 came back as expected. Guarded: the call succeeded, nothing was refused. */
    PASS("PASS"),
    /** The cell did not do what it shows. */
    FAIL("FAIL"),
    /** The cell does not apply (e.g. bare rows against a real provider). */
    NOT_APPLICABLE("N/A");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The label printed in the row. */
    public String label() {
      return label;
    }

    /** The outcome printed as {@code label}. */
    public static Outcome of(String label) {
      for (Outcome o : values()) {
        if (o.label.equals(label)) {
          return o;
        }
      }
      throw new IllegalArgumentException("no outcome '" + label + "'; one of PASS, FAIL, N/A");
    }
  }

  /** Makes {@code detail} one line, whole: no tabs or line breaks (the tour cuts it to print, or not with --verbose). */
  public Row {
    detail = detail.replaceAll("\\s+", " ").trim();
  }

  /** The row as printed. */
  public String line() {
    return String.join("\t", "ROW", scenario, way, side, outcome.label(), detail);
  }

  /**
   * The row printed as {@code line}.
   *
   * @throws IllegalArgumentException if {@code line} is not a row
   */
  public static Row parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 6 || !f[0].equals("ROW")) {
      throw new IllegalArgumentException("not a ROW line: " + line);
    }
    return new Row(f[1], f[2], f[3], Outcome.of(f[4]), f[5]);
  }

  /**
   * {@code text} on one line; a longer one keeps its start and its end (where provider errors name
   * the call ids) around an ellipsis.
   */
  static String oneLine(String text) {
    String s = text.replaceAll("\\s+", " ").trim();
    if (s.length() <= MAX_DETAIL) {
      return s;
    }
    int tail = MAX_DETAIL / 3;
    return s.substring(0, MAX_DETAIL - tail - 3).stripTrailing() + " … " + s.substring(s.length() - tail).stripLeading();
  }
}
