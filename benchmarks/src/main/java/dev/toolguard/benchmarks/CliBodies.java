package dev.toolguard.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireGuard;
import dev.toolguard.json.WireRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Request bodies of a given size with a given number of violations, written to files for the command
 * line, and the command line itself, called as its {@code main} calls it.
 */
public final class CliBodies {

  /** A body file and what {@code toolguard check} finds in it. */
  public record Body(Path file, long bytes, int violations) {}

  private CliBodies() {}

  /**
   * A compact OpenAI Chat body of about {@code bytes} (the realistic mix of {@link SampleHistories}) with
   * about {@code violations} violations as {@code toolguard check} counts them, written to a new file in
   * {@code dir}.
   */
  public static Body write(Path dir, long bytes, int violations) throws IOException {
    WireCodec codec = WireCodec.of(Dialect.OPENAI_CHAT);
    ObjectNode envelope = new ObjectMapper().createObjectNode().put("model", "some-model");
    // bytes per message of the mix, from a sample
    int sample = 5_000;
    long sampleBytes = codec.write(new WireRequest(Dialect.OPENAI_CHAT, SampleHistories.valid(sample, 42), envelope))
        .length();
    int size = (int) (bytes * sample / sampleBytes);
    List<Message> valid = SampleHistories.valid(size, 42);
    List<Message> history = valid;
    if (violations > 0) {
      // violations per broken block, measured on the same history with as many faults
      List<Message> trial = SampleHistories.broken(valid, violations, 7);
      int found = count(codec.write(new WireRequest(Dialect.OPENAI_CHAT, trial, envelope)));
      int faults = Math.max(1, Math.round(violations * (float) violations / found));
      history = faults == violations ? trial : SampleHistories.broken(valid, faults, 7);
    }
    String body = codec.write(new WireRequest(Dialect.OPENAI_CHAT, history, envelope));
    Path file = Files.createTempFile(dir, "body-" + violations + "-", ".json");
    Files.writeString(file, body, StandardCharsets.UTF_8);
    return new Body(file, Files.size(file), count(body));
  }

  private static int count(String body) {
    return WireGuard.ofDefaults().check(Dialect.OPENAI_CHAT, body).size();
  }

  /**
   * Runs the command line ({@code check} or {@code repair}) on {@code file} as its {@code main} does,
   * its output and report written to {@code out}; returns the exit code.
   */
  public static int run(String command, Path file, PrintStream out) {
    return dev.toolguard.json.cli.Main.run(new String[] {command, "--dialect", "openai-chat", file.toString()},
        InputStream.nullInputStream(), out, out);
  }

  /** A print stream that drops what it is given (but encodes it, as printing to a file would). */
  public static PrintStream discarding() {
    return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
  }
}
