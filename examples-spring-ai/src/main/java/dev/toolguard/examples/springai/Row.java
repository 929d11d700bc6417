package dev.toolguard.examples.springai;

/**
 * One cell of the tour table, printed as the protocol's line {@code
 * ROW<TAB>scenario<TAB>way<TAB>side<TAB>outcome<TAB>detail}.
 *
 * @param scenario the scenario name
 * @param side {@code bare} or {@code guarded}
 * @param outcome {@code PASS}, {@code FAIL} or {@code N/A}
 * @param detail one line: the provider's error as the client reports it (bare), or what was repaired and the answer (guarded)
 */
public record Row(String scenario, String side, String outcome, String detail) {

  /** The way this module stands for. */
  public static final String WAY = "spring-ai";

  /** Normalizes the detail to one line without tabs; it stays whole (the tour cuts it to print, or not with --verbose). */
  public Row {
    detail = oneLine(detail, Integer.MAX_VALUE);
  }

  static Row pass(String scenario, String side, String detail) {
    return new Row(scenario, side, "PASS", detail);
  }

  static Row fail(String scenario, String side, String detail) {
    return new Row(scenario, side, "FAIL", detail);
  }

  static Row notApplicable(String scenario, String side, String detail) {
    return new Row(scenario, side, "N/A", detail);
  }

  /** The protocol line. */
  public String line() {
    return String.join("\t", "ROW", scenario, WAY, side, outcome, detail);
  }

  /** {@code text} on one line, tabs and line breaks as spaces, cut to {@code max} characters. */
  static String oneLine(String text, int max) {
    String flat = text.replaceAll("[\\t\\r\\n]+", " ").replaceAll(" {2,}", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
  }
}
