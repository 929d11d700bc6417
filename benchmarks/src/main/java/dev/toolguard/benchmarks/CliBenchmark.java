package dev.toolguard.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.json.cli.Main;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code toolguard} command line on a 50 MB OpenAI Chat body with 0, 400 and 4,000 violations:
 * {@code check} and {@code repair} of the file, as {@code main} runs them, against Jackson's {@code
 * readTree} + {@code writeValueAsString} of the same file (printed to the same kind of stream).
 *
 * <p>Single shots (one operation is hundreds of milliseconds or more). With {@code -prof gc}, {@code
 * gc.alloc.rate.norm} is the bytes allocated per operation; {@link CliHeap} finds the heap each needs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class CliBenchmark {

  /** Body size in megabytes (10^6 bytes). */
  @Param({"50"})
  public int megabytes;

  /** Violations in the body, about (the setup prints the exact count). */
  @Param({"0", "400", "4000"})
  public int violations;

  private final ObjectMapper mapper = new ObjectMapper();
  private Path dir;
  private CliBodies.Body body;
  private PrintStream out;

  @Setup(Level.Trial)
  public void writeBody() throws IOException {
    dir = Files.createTempDirectory("toolguard-cli-bench");
    body = CliBodies.write(dir, megabytes * 1_000_000L, violations);
    out = CliBodies.discarding();
    System.out.printf("%n# body: %,d bytes, %,d violations%n", body.bytes(), body.violations());
  }

  @TearDown(Level.Trial)
  public void deleteBody() throws IOException {
    Files.deleteIfExists(body.file());
    Files.deleteIfExists(dir);
  }

  /** The floor: a Jackson tree of the file, written back as text. */
  @Benchmark
  public int baselineJacksonTree() throws IOException {
    String text = mapper.writeValueAsString(mapper.readTree(body.file().toFile()));
    out.print(text);
    return text.length();
  }

  /** {@code toolguard check --dialect openai-chat FILE}. */
  @Benchmark
  public int check() {
    int code = CliBodies.run("check", body.file(), out);
    if (code != (body.violations() == 0 ? Main.OK : Main.VIOLATIONS)) {
      throw new IllegalStateException("check exited with " + code);
    }
    return code;
  }

  /** {@code toolguard repair --dialect openai-chat FILE}. */
  @Benchmark
  public int repair() {
    int code = CliBodies.run("repair", body.file(), out);
    if (code != Main.OK) {
      throw new IllegalStateException("repair exited with " + code);
    }
    return code;
  }
}
