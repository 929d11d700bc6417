package dev.toolguard.json.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body too large for the heap given is one line that names its size and says to raise {@code
 * -Xmx}, with exit status 3: not a stack trace, not exit 1 (which would read as "violations found").
 * Each case runs the command line in its own JVM with a small heap.
 */
class OutOfMemoryTest {

  /** A Chat Completions body of about {@code megabytes} MB: turns of a question, a call and its result. */
  private static Path body(Path dir, int megabytes) throws IOException {
    Path file = dir.resolve("big.json");
    String pad = "x".repeat(900);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("{\"model\":\"m\",\"messages\":[");
      long written = 0;
      for (int t = 0; written < megabytes * 1_000_000L - 3_000; t++) {
        String turn = (t > 0 ? "," : "") + "{\"role\":\"user\",\"content\":\"q" + pad + "\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_" + t
            + "\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"user\",\"content\":\"meanwhile\"},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"call_" + t + "\",\"content\":\"out" + pad + "\"}";
        w.write(turn);
        written += turn.length();
      }
      w.write("]}");
    }
    return file;
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run run(String heap, String command, Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), command, "--dialect", "openai-chat", file.toString())).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void aBodyLargerThanTheHeapIsOneLineAndExitThree(@TempDir Path dir) throws Exception {
    Path file = body(dir, 40);
    long mb = (Files.size(file) + 999_999) / 1_000_000;
    for (String command : List.of("check", "repair")) {
      Run run = run("24m", command, file);
      assertThat(run.exit()).as(run.stderr()).isEqualTo(Main.INTERNAL_ERROR);
      assertThat(run.stdout()).isEmpty();
      assertThat(run.stderr()).isEqualTo("toolguard: not enough memory for a body of " + mb + " MB; raise -Xmx"
          + System.lineSeparator());
    }
  }

  @Test
  void aBodyThatIsReadButCannotBeParsedInTheHeapIsOneLineAndExitThreeToo(@TempDir Path dir) throws Exception {
    Path file = body(dir, 12);
    Run run = run("40m", "check", file);
    assertThat(run.exit()).as(run.stderr()).isEqualTo(Main.INTERNAL_ERROR);
    assertThat(run.stderr()).isEqualTo("toolguard: not enough memory for a body of 12 MB; raise -Xmx"
        + System.lineSeparator());
  }

  @Test
  void theLineNamesTheSizeInMegabytesRoundedUp() {
    assertThat(Main.outOfMemory(50_000_000)).isEqualTo("toolguard: not enough memory for a body of 50 MB; raise -Xmx");
    assertThat(Main.outOfMemory(50_000_001)).isEqualTo("toolguard: not enough memory for a body of 51 MB; raise -Xmx");
    assertThat(Main.outOfMemory(10)).isEqualTo("toolguard: not enough memory for a body of 1 MB; raise -Xmx");
    assertThat(Main.outOfMemory(-1)).isEqualTo("toolguard: not enough memory for a body of this size; raise -Xmx");
  }
}
