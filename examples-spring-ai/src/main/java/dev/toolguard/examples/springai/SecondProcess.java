package dev.toolguard.examples.springai;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.examples.springai.TourWay.Env;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardSpringAi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.openai.OpenAiChatModel;

/**
 * The second JVM of {@code approval-new-process}: it reads what the first one stored and answers
 * the waiting call. The provider comes from the environment (never the command line, which other
 * users of the machine can read): {@value #BASE_URL}, {@value #API_KEY}, {@value #MODEL}. It prints
 * one line, {@code OK<TAB>detail} or {@code ERROR<TAB>error as Spring AI reports it}.
 *
 * <ul>
 *   <li>{@code bare DIR CONVERSATION}: the history stored in DIR ({@link TourMemory}, an H2 file) ends
 *       with Spring AI's unexecuted pay call; the user's approval is sent as the next user message, as a
 *       bare application would.
 *   <li>{@code guarded DIR CONVERSATION}: the conversation is in the H2 file in DIR, kept by toolguard's
 *       advisor; the waiting call is read back and approved by call id.
 * </ul>
 */
final class SecondProcess {

  static final String BASE_URL = "TOOLGUARD_TOUR_BASE_URL";
  static final String API_KEY = "TOOLGUARD_TOUR_API_KEY";
  static final String MODEL = "TOOLGUARD_TOUR_MODEL";
  static final long TIMEOUT_SECONDS = 120;

  private SecondProcess() {}

  /** What the second process said. */
  record Outcome(boolean failed, String detail) {}

  /** The error the second process reported, as its client reported it. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  /** Starts a new JVM on this class path, waits for its line. */
  static Outcome launch(Env env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a short-lived JVM: the quick compiler and the small collector halve its start-up CPU
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SecondProcess.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(BASE_URL, env.baseUrl);
    builder.environment().put(API_KEY, env.apiKey);
    builder.environment().put(MODEL, env.model);
    Process process = builder.start();
    String out;
    try (InputStream in = process.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Outcome(true, "the second process did not finish within " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Outcome(true, "interrupted while waiting for the second process");
    }
    String line = out.strip();
    int lastBreak = line.lastIndexOf('\n');
    line = lastBreak < 0 ? line : line.substring(lastBreak + 1);
    if (line.startsWith("OK\t")) {
      return new Outcome(false, line.substring(3));
    }
    if (line.startsWith("ERROR\t")) {
      return new Outcome(true, line.substring(6));
    }
    return new Outcome(true, "the second process exited with " + process.exitValue() + " and printed '" + line + "'");
  }

  /** The second process. */
  public static void main(String[] args) {
    TourLogging.quiet();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String line;
    try {
      line = "OK\t" + Row.oneLine(run(args), 4000);
    } catch (Exception e) {
      line = "ERROR\t" + Row.oneLine(SpringAiScenarios.reported(e), 4000);
    }
    out.println(line);
    out.flush();
    System.exit(0);
  }

  static String run(String[] args) throws IOException {
    OpenAiChatModel model = TourWay.openAi(env(BASE_URL), env(API_KEY), env(MODEL));
    TourTools.Payments payments = new TourTools.Payments();
    if (args.length == 3 && args[0].equals("bare")) {
      List<Message> history = new ArrayList<>(TourMemory.repository(Path.of(args[1])).findByConversationId(args[2]));
      history.add(SpringAiScenarios.user("Yes, go ahead."));
      String answer = SpringAiScenarios.bareUserControlled(model).prompt().messages(history).tools(payments)
          .call().content();
      return "the bare call did not fail: " + answer;
    }
    if (args.length == 3 && args[0].equals("guarded")) {
      String conversation = args[2];
      ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder()
          .chatMemoryRepository(TourMemory.repository(Path.of(args[1]))).build());
      List<ApprovalRequest> pending = ToolGuardSpringAi.pending(memory.get(conversation));
      if (pending.isEmpty()) {
        throw new IllegalStateException("no call waits in conversation " + conversation);
      }
      ChatClient client = ChatClient.builder(model).defaultAdvisors(SpringAiScenarios.approvalAdvisor(memory)
          .signApprovals(ApprovalSigner.hmacSha256(SpringAiScenarios.APPROVAL_KEY)).build()).build();
      ChatClientResponse done = client.prompt().user("Yes, go ahead.").tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation))
          .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(pending.get(0))))
          .call().chatClientResponse();
      if (payments.paid() != 1) {
        throw new IllegalStateException("pay ran " + payments.paid() + " times after the approval, not once");
      }
      return "pay ran once (" + done.context().get(ToolGuardAdvisor.STATUS) + "); answer: "
          + SpringAiScenarios.answer(done);
    }
    throw new IllegalArgumentException("usage: SecondProcess bare DIR CONVERSATION | guarded DIR CONVERSATION");
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }
}
