package dev.toolguard.examples;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The plumbing of the second process of {@code approval-new-process}, for a way whose second process
 * is given {@code FILE BASE_URL MODEL} on the command line and the API key in the environment variable
 * {@value #KEY_VARIABLE}: it prints one line and exits 0 when the resumed run completed, 1 when it
 * failed (the line is the error), 2 on bad arguments.
 */
public final class SecondJvm {

  /** The environment variable with the API key (never on the command line, which others can read). */
  public static final String KEY_VARIABLE = "TOOLGUARD_TOUR_API_KEY";

  /** How long the second process may run. */
  private static final long TIMEOUT_SECONDS = 60;

  private SecondJvm() {}

  /** What the second process does: resume the run stored in {@code file}. */
  @FunctionalInterface
  public interface Resume {
    /**
     * Resumes and returns the line that says what happened.
     *
     * @throws IOException if the file cannot be read
     * @throws RuntimeException whose message is the line, when the run failed
     */
    String run(Path file, String baseUrl, String apiKey, String model) throws IOException;
  }

  /**
   * The {@code main} of the second process: quiet logs, {@code resume} on the arguments, its line (or
   * the error) on standard output, and the exit status.
   */
  public static void main(Class<?> mainClass, String[] args, Resume resume) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    System.setProperty("org.slf4j.simpleLogger.log.dev.toolguard", "off");
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    if (args.length != 3) {
      System.err.println("usage: " + mainClass.getSimpleName() + " FILE BASE_URL MODEL");
      System.exit(2);
    }
    String key = System.getenv(KEY_VARIABLE);
    int code;
    try {
      out.println(resume.run(Path.of(args[0]), args[1], key == null ? "test" : key, args[2]));
      code = 0;
    } catch (IOException | RuntimeException e) {
      out.println(Cells.describe(e));
      code = 1;
    }
    out.flush();
    System.exit(code);
  }

  /**
   * Runs {@code mainClass} in a new JVM on this class path, on {@code file}, and gives the line it
   * printed.
   *
   * @throws IllegalStateException with that line when the second process failed
   */
  public static String spawn(Class<?> mainClass, Path file, String baseUrl, String apiKey, String model)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        mainClass.getName(), file.toString(), baseUrl, model);
    pb.environment().put(KEY_VARIABLE, apiKey);
    Path errFile = Files.createTempFile("toolguard-tour-", ".err");
    errFile.toFile().deleteOnExit();
    pb.redirectError(errFile.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String line;
    try {
      line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the second process did not finish within " + TIMEOUT_SECONDS + " s");
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    String errText = Files.readString(errFile, StandardCharsets.UTF_8).strip();
    Files.deleteIfExists(errFile);
    if (p.exitValue() == 0) {
      return line;
    }
    if (p.exitValue() == 1) {
      throw new IllegalStateException(line);
    }
    throw new IllegalStateException("the second process exited with " + p.exitValue() + ": "
        + (errText.isEmpty() ? line : errText.lines().reduce((a, b) -> b).orElse("")));
  }
}
