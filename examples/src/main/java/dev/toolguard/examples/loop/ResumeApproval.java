package dev.toolguard.examples.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.examples.Cells;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.json.HistoryJson;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The second process of {@code approval-new-process}: it reads the history that a first process wrote
 * to a file when its loop stopped for approval, answers the waiting call with an {@link
 * ApprovalResponse} matched by call id, and resumes with a new loop.
 *
 * <pre>
 * java -cp … dev.toolguard.examples.loop.ResumeApproval FILE BASE_URL MODEL
 * </pre>
 *
 * <p>The API key comes in the environment variable {@value #KEY_VARIABLE}. It prints one line: what
 * happened, or the error; it exits 0 when the run succeeded, 1 when it failed, 2 on bad arguments.
 */
public final class ResumeApproval {

  /** The environment variable with the API key. */
  public static final String KEY_VARIABLE = "TOOLGUARD_TOUR_API_KEY";

  private ResumeApproval() {}

  /** Runs the second process. */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    System.setProperty("org.slf4j.simpleLogger.log.dev.toolguard", "off");
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    if (args.length != 3) {
      System.err.println("usage: ResumeApproval FILE BASE_URL MODEL");
      System.exit(2);
    }
    String key = System.getenv(KEY_VARIABLE);
    ChatBackend backend = HttpChatBackend.openAiChat(LoopWay.config(args[1], key == null ? "test" : key, args[2]));
    int code;
    try {
      List<Message> history = new ArrayList<>(HistoryJson.read(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)));
      ApprovalRequest request = pendingIn(history);
      history.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("Yes, approved.")));
      AtomicInteger payments = new AtomicInteger();
      LoopResult r = LoopWay.payLoop(backend, payments, Map.of()).run(history);
      if (r.status() == LoopResult.Status.COMPLETED && payments.get() == 1) {
        out.println("pay ran once; answer: " + r.text());
        code = 0;
      } else {
        out.println("the resumed run ended " + r.status() + " with " + payments.get() + " payments");
        code = 1;
      }
    } catch (IOException | RuntimeException e) {
      out.println(Cells.describe(e));
      code = 1;
    }
    out.flush();
    System.exit(code);
  }

  /** The one call waiting for approval in {@code history}, as the history holds it (matched later by id). */
  static ApprovalRequest pendingIn(List<Message> history) {
    List<ApprovalRequest> waiting = FunctionInvokingLoop.waiting(history);
    if (waiting.size() != 1) {
      throw new IllegalStateException(waiting.size() + " calls wait in the stored history; expected the payment");
    }
    return waiting.get(0);
  }

  /**
   * Runs this class in a new JVM on {@code file} and gives the line it printed.
   *
   * @throws IllegalStateException with that line when the second process failed
   */
  static String spawn(Path file, String baseUrl, String apiKey, String model)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        ResumeApproval.class.getName(), file.toString(), baseUrl, model);
    pb.environment().put(KEY_VARIABLE, apiKey);
    Path errFile = Files.createTempFile("toolguard-tour-", ".err");
    errFile.toFile().deleteOnExit();
    pb.redirectError(errFile.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String line;
    try {
      line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the second process did not finish within 60 s");
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
