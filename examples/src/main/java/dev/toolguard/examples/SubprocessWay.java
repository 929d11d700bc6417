package dev.toolguard.examples;

import dev.toolguard.examples.TourOptions.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A way that runs in its own module's shaded jar: {@code java -cp JAR MAIN [--scenario NAME]
 * [--base-url URL --api-key KEY --model NAME]}, reading the rows it prints on standard output.
 */
final class SubprocessWay implements WayRunner {

  /** How long a way may run before it is stopped. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  private final Way way;
  private final Path root;
  private final Duration timeout;
  private final String mainClass;

  SubprocessWay(Way way, Path root, Duration timeout) {
    this(way, root, timeout, way.mainClass());
  }

  /** A way whose jar runs {@code mainClass} instead of the way's own (for tests). */
  SubprocessWay(Way way, Path root, Duration timeout, String mainClass) {
    this.way = way;
    this.root = root;
    this.timeout = timeout;
    this.mainClass = mainClass;
  }

  /** The way's jar under the repository root. */
  Path jar() {
    return root.resolve(way.jarPath()).normalize();
  }

  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target) {
    return run(scenarios, target, row -> { });
  }

  /** Runs the way's jar; each row goes to {@code onRow} as soon as the way prints it. */
  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target, Consumer<Row> onRow) {
    Path jar = jar();
    if (!Files.isRegularFile(jar)) {
      return Result.failed(way.jarPath() + " is not built; build it with ./mvnw -B -q -DskipTests package");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a short run: quick start-up, one GC thread (the machine may have two cores for everything)
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(jar.toString());
    command.add(mainClass);
    if (scenarios.size() == 1) {
      command.add("--scenario");
      command.add(scenarios.get(0).id());
    }
    if (target != null) {
      command.addAll(target.arguments());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).directory(root.toFile()).start();
    } catch (IOException e) {
      return Result.failed("could not start " + mainClass + ": " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing to write
    }
    Deque<String> errTail = new ArrayDeque<>();
    Thread errReader = drain(process.getErrorStream(), errTail);
    List<Row> rows = new ArrayList<>();
    List<String> stray = new ArrayList<>();
    Thread outReader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          Row row = Row.parse(line);
          synchronized (rows) {
            if (row != null) {
              rows.add(row);
            } else if (!line.isBlank()) {
              stray.add(line);
            }
          }
          if (row != null) {
            onRow.accept(row);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "tour-" + way.id() + "-out");
    outReader.setDaemon(true);
    outReader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      return Result.failed("interrupted while " + way.id() + " ran");
    }
    if (!finished) {
      stop(process);
    }
    join(outReader);
    join(errReader);
    List<Row> printed;
    synchronized (rows) {
      printed = List.copyOf(rows);
    }
    if (!finished) {
      return new Result(printed, way.id() + " did not finish within " + timeout.toSeconds() + " s and was stopped");
    }
    int exit = process.exitValue();
    if (exit != 0) {
      return new Result(printed, mainClass + " exited with " + exit + lastLine(errTail, stray));
    }
    if (printed.isEmpty()) {
      return Result.failed(mainClass + " printed no rows" + lastLine(errTail, stray));
    }
    return new Result(printed, null);
  }

  private static String lastLine(Deque<String> errTail, List<String> stray) {
    synchronized (errTail) {
      for (var it = errTail.descendingIterator(); it.hasNext(); ) {
        String line = it.next().strip();
        if (!line.isEmpty() && !line.startsWith("at ")) {
          return ": " + line;
        }
      }
    }
    return stray.isEmpty() ? "" : ": " + stray.get(stray.size() - 1);
  }

  private static Thread drain(InputStream in, Deque<String> tail) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 40) {
              tail.removeFirst();
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "tour-err");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t) {
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
