package dev.toolguard.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The heap the command line needs for a 50 MB body: for {@code check}, {@code repair} and the Jackson
 * tree baseline, and 0, 400 and 4,000 violations, the smallest {@code -Xmx} (serial collector, 4 MB
 * steps) under which one run in a fresh JVM succeeds, and the bytes that run allocated (the thread's
 * allocation counter).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.toolguard.benchmarks.CliHeap [MEGABYTES [VIOLATIONS...]]
 * java -cp benchmarks/target/benchmarks.jar dev.toolguard.benchmarks.CliHeap body MEGABYTES VIOLATIONS DIR
 * </pre>
 *
 * <p>The second form only writes a body file (to profile the command line on it).
 */
public final class CliHeap {

  private static final int OUT_OF_MEMORY = 3;
  private static final int STEP_MB = 4;

  private CliHeap() {}

  /** Runs the measurement, or (first argument {@code child}) one run of one operation. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      System.exit(child(args[1], Path.of(args[2])));
    }
    if (args.length > 0 && args[0].equals("body")) {
      // writes a body to profile by hand: body MEGABYTES VIOLATIONS DIR
      CliBodies.Body body = CliBodies.write(Path.of(args[3]), Integer.parseInt(args[1]) * 1_000_000L,
          Integer.parseInt(args[2]));
      System.out.println(body.file() + " " + body.bytes() + " bytes, " + body.violations() + " violations");
      return;
    }
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    List<Integer> counts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      counts.add(Integer.parseInt(args[i]));
    }
    if (counts.isEmpty()) {
      counts = List.of(0, 400, 4000);
    }
    Path dir = Files.createTempDirectory("toolguard-cli-heap");
    System.out.printf(Locale.ROOT, "%-10s %11s %9s %14s %10s %16s %11s%n", "operation", "violations", "body MB",
        "min -Xmx MB", "× body", "allocated MB", "× body");
    for (int violations : counts) {
      CliBodies.Body body = CliBodies.write(dir, megabytes * 1_000_000L, violations);
      double bodyMb = body.bytes() / 1e6;
      for (String op : new String[] {"jackson", "check", "repair"}) {
        int lo = 0; // fails (or not tried)
        int hi = STEP_MB * (int) Math.ceil(bodyMb * 24 / STEP_MB); // assumed to pass
        long allocated = run(op, body.file(), hi);
        if (allocated < 0) {
          System.out.printf(Locale.ROOT, "%-10s %,11d %9.1f %14s%n", op, body.violations(), bodyMb, "> " + hi);
          continue;
        }
        while (hi - lo > STEP_MB) {
          int mid = (lo + hi) / 2 / STEP_MB * STEP_MB;
          if (run(op, body.file(), mid) >= 0) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
        System.out.printf(Locale.ROOT, "%-10s %,11d %9.1f %14d %10.2f %16.1f %11.2f%n", op, body.violations(), bodyMb,
            hi, hi / bodyMb, allocated / 1e6, allocated / 1e6 / bodyMb);
      }
      Files.delete(body.file());
    }
    Files.delete(dir);
  }

  /** The bytes one run allocated under {@code -Xmx<mb>m}, or -1 when it ran out of memory. */
  private static long run(String op, Path file, int mb) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + mb + "m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), CliHeap.class.getName(), "child", op, file.toString())
        .redirectErrorStream(true).start();
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        last = line;
      }
    }
    int code = p.waitFor();
    if (code == OUT_OF_MEMORY) {
      return -1;
    }
    if (code != 0 || !last.startsWith("allocated ")) {
      throw new IllegalStateException(op + " under -Xmx" + mb + "m exited with " + code + ": " + last);
    }
    return Long.parseLong(last.substring("allocated ".length()));
  }

  private static int child(String op, Path file) throws IOException {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    PrintStream out = CliBodies.discarding();
    int code;
    try {
      code = switch (op) {
        case "jackson" -> {
          ObjectMapper mapper = new ObjectMapper();
          out.print(mapper.writeValueAsString(mapper.readTree(file.toFile())));
          yield 0;
        }
        case "check" -> CliBodies.run("check", file, out) == dev.toolguard.json.cli.Main.INTERNAL_ERROR ? 3 : 0;
        case "repair" -> CliBodies.run("repair", file, out);
        default -> throw new IllegalArgumentException("unknown operation " + op);
      };
    } catch (OutOfMemoryError e) {
      return OUT_OF_MEMORY;
    }
    System.out.println("allocated " + (threads.getCurrentThreadAllocatedBytes() - before));
    return code;
  }
}
