package dev.toolguard.examples;

import java.util.List;

/** Way mains that the runner's tests run as subprocesses, in a jar made up by the test. */
final class FakeWays {

  private FakeWays() {}

  static List<Scenario> asked(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--scenario")) {
        return List.of(Scenario.find(args[i + 1]));
      }
    }
    return List.of(Scenario.values());
  }

  /** Prints a stray line, rows for every asked scenario but one cell, a row of another way; exits 0. */
  static final class Ok {
    public static void main(String[] args) {
      System.out.println("Started FakeWay in 0.1 s");
      System.err.println("args: " + String.join(" ", args));
      for (Scenario s : asked(args)) {
        System.out.println(Row.pass(s, "langchain4j", Row.Side.BARE, "HTTP 400: " + s.id()).line());
        if (s != Scenario.EVICTED_CALL) {
          System.out.println(Row.pass(s, "langchain4j", Row.Side.GUARDED, "ok " + s.id()).line());
        }
        if (s == Scenario.LATE_RESULT) {
          System.out.println(Row.fail(s, "langchain4j", Row.Side.GUARDED, "a second row for the cell").line());
        }
      }
      System.out.println(Row.pass(Scenario.USER_BETWEEN, "spring-ai", Row.Side.BARE, "not mine").line());
    }
  }

  /** Prints one row and dies. */
  static final class Crash {
    public static void main(String[] args) {
      System.out.println(Row.pass(Scenario.USER_BETWEEN, "langchain4j", Row.Side.BARE, "HTTP 400").line());
      System.out.flush();
      System.err.println("Exception in thread \"main\" java.lang.IllegalStateException: boom");
      System.err.println("\tat dev.toolguard.examples.FakeWays$Crash.main(FakeWays.java:1)");
      System.exit(1);
    }
  }

  /** Never ends. */
  static final class Hang {
    public static void main(String[] args) throws InterruptedException {
      new java.util.concurrent.CountDownLatch(1).await();
    }
  }
}
