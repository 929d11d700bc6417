package dev.toolguard.examples.loop;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.examples.SecondJvm;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.http.HttpChatBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>The API key comes in the environment variable {@value SecondJvm#KEY_VARIABLE}. It prints one line:
 * what happened, or the error; it exits 0 when the run succeeded, 1 when it failed, 2 on bad arguments
 * ({@link SecondJvm}).
 */
public final class ResumeApproval {

  private ResumeApproval() {}

  /** Runs the second process. */
  public static void main(String[] args) {
    SecondJvm.main(ResumeApproval.class, args, ResumeApproval::resume);
  }

  private static String resume(Path file, String baseUrl, String apiKey, String model) throws IOException {
    ChatBackend backend = HttpChatBackend.openAiChat(LoopWay.config(baseUrl, apiKey, model));
    List<Message> history = new ArrayList<>(HistoryJson.read(Files.readString(file, StandardCharsets.UTF_8)));
    ApprovalRequest request = pendingIn(history);
    history.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("Yes, approved.")));
    AtomicInteger payments = new AtomicInteger();
    LoopResult r = LoopWay.payLoop(backend, payments, Map.of()).run(LoopWay.CONVERSATION, history);
    if (r.status() != LoopResult.Status.COMPLETED || payments.get() != 1) {
      throw new IllegalStateException("the resumed run ended " + r.status() + " with " + payments.get() + " payments");
    }
    return "pay ran once; answer: " + r.text();
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
    return SecondJvm.spawn(ResumeApproval.class, file, baseUrl, apiKey, model);
  }
}
