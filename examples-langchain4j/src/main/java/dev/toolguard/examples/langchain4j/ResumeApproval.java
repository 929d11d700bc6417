package dev.toolguard.examples.langchain4j;

import dev.langchain4j.memory.ChatMemory;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.examples.SecondJvm;
import dev.toolguard.langchain4j.ToolLoop;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The second process of {@code approval-new-process}: it reads the memory that a first process kept in
 * toolguard's {@code ToolGuardChatMemoryStore} on an H2 database file (in DIR) when its {@link ToolLoop}
 * stopped for approval, approves the waiting call by its id, and resumes with a new loop.
 *
 * <pre>
 * java -cp … dev.toolguard.examples.langchain4j.ResumeApproval DIR BASE_URL MODEL
 * </pre>
 *
 * <p>The API key comes in the environment variable {@value SecondJvm#KEY_VARIABLE}. It prints one line
 * and exits 0 when the resumed run completed, 1 when it failed, 2 on bad arguments ({@link SecondJvm}).
 */
public final class ResumeApproval {

  private ResumeApproval() {}

  /** Runs the second process. */
  public static void main(String[] args) {
    SecondJvm.main(ResumeApproval.class, args, ResumeApproval::resume);
  }

  private static String resume(Path dir, String baseUrl, String apiKey, String model) throws IOException {
    ChatMemory memory = TourWay.memory(TourWay.onFile(dir), "alice");
    ApprovalRequest request = TourWay.pendingIn(memory.messages());
    Payments payments = new Payments();
    ToolLoop.Result r = TourWay.payLoop(TourWay.openAi(baseUrl, apiKey, model), payments, false)
        .run(memory, ToolLoop.answers("Yes, approved.", ApprovalResponse.approve(request)));
    if (r.status() != LoopResult.Status.COMPLETED || payments.made.get() != 1) {
      throw new IllegalStateException("the resumed run ended " + r.status() + " with " + payments.made.get()
          + " payments");
    }
    return "pay ran once; answer: " + r.text();
  }

  /**
   * Runs this class in a new JVM on {@code file} and gives the line it printed.
   *
   * @throws IllegalStateException with that line when the second process failed
   */
  static String spawn(Path dir, String baseUrl, String apiKey, String model) throws IOException, InterruptedException {
    return SecondJvm.spawn(ResumeApproval.class, dir, baseUrl, apiKey, model);
  }
}
