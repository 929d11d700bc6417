package dev.toolguard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a piece of code prints to {@code System.out} and {@code System.err}: for tests of what is
 * logged (slf4j-simple writes to the console), such as "no secret ever reaches the log". Not for
 * concurrent use: the console streams are global.
 */
public final class ConsoleCapture {

  private ConsoleCapture() {}

  /**
   * Runs {@code action} with {@code System.out} and {@code System.err} both going to one buffer, and
   * returns what was printed (UTF-8). The streams are put back also when the action throws.
   */
  public static String of(Runnable action) {
    if (action == null) {
      throw new IllegalArgumentException("action must not be null");
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      action.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
