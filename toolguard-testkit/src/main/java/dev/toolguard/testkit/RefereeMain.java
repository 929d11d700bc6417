package dev.toolguard.testkit;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The standalone referee: {@code java -jar toolguard-testkit.jar [--port N] [--host ADDRESS]}.
 *
 * <p>Prints the base URL ({@code http://127.0.0.1:PORT}) as the only line on standard output and serves
 * until the process is killed; with no script, valid requests get default replies. A bad flag is a
 * one-line error on standard error and exit status 2; a port that cannot be bound, exit status 1.
 */
public final class RefereeMain {

  static final String USAGE = "usage: java -jar toolguard-testkit.jar [--port N] [--host ADDRESS]";

  private RefereeMain() {}

  /**
   * The outcome of {@link #launch}: a started referee, or none and the exit status.
   *
   * @param referee the running referee, or null when none was started
   * @param exitStatus the status to exit with when no referee was started (0 after {@code --help})
   */
  record Launch(@Nullable ProviderReferee referee, int exitStatus) {}

  /** Runs the referee until the process is killed. */
  public static void main(String[] args) throws InterruptedException {
    Launch launch = launch(args, System.out, System.err);
    ProviderReferee referee = launch.referee();
    if (referee == null) {
      System.exit(launch.exitStatus());
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      referee.close();
      stopped.countDown();
    }, "toolguard-referee-shutdown"));
    stopped.await();
  }

  /** Parses the flags and starts a referee, printing its base URL on {@code out}; errors go to {@code err}. */
  static Launch launch(String[] args, PrintStream out, PrintStream err) {
    ProviderReferee.Builder builder = ProviderReferee.builder();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      String flag = arg;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (flag) {
        case "--help":
        case "-h":
          out.println(USAGE);
          return new Launch(null, 0);
        case "--port":
        case "--host":
          if (value == null) {
            if (i + 1 >= args.length) {
              err.println("toolguard-testkit: " + flag + " needs a value; " + USAGE);
              return new Launch(null, 2);
            }
            value = args[++i];
          }
          if (flag.equals("--host")) {
            builder.host(value);
            break;
          }
          try {
            builder.port(Integer.parseInt(value));
          } catch (IllegalArgumentException e) {
            err.println("toolguard-testkit: --port needs a number from 0 to 65535, got '" + value + "'; " + USAGE);
            return new Launch(null, 2);
          }
          break;
        default:
          err.println("toolguard-testkit: unknown argument '" + arg + "'; " + USAGE);
          return new Launch(null, 2);
      }
    }
    try {
      ProviderReferee referee = builder.start();
      out.println(referee.baseUrl());
      out.flush();
      return new Launch(referee, 0);
    } catch (UncheckedIOException e) {
      err.println("toolguard-testkit: " + e.getMessage());
      return new Launch(null, 1);
    }
  }
}
