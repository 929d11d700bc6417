package dev.toolguard.examples.springai;

/** Keeps the tour's logs quiet and on stderr: stdout carries the rows only. */
final class TourLogging {

  /** The logback configuration of the tour (a class path resource). */
  static final String CONFIG = "toolguard-tour-logback.xml";

  private TourLogging() {}

  /** Points logback at the tour's configuration, unless one was chosen; call before any logger exists. */
  static void quiet() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", CONFIG);
    }
  }
}
