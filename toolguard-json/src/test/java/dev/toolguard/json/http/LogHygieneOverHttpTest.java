package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;

import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.http.Http.Mode;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Everything the library logs at INFO and above while the framework-free loop runs over the HTTP
 * backends, in every dialect, whole and streamed: histories repaired before they are sent (results
 * out of place, orphans, call ids past the dialect's limits), tools that fail, time out or do not
 * exist, signed approvals answered wrongly and rightly, a 500 and a dropped stream — with a secret in
 * every argument, output, text, exception message, the API key and the signing key. The log names
 * ids and tools, never the secret.
 *
 * <p>This module's tests log at ERROR only (the properties would drown in WARN lines), so the scenario
 * runs in its own JVM with the library's logs at INFO, as an application would have them.
 */
class LogHygieneOverHttpTest {

  static final String SECRET = "s3cr3t-4111-1111";

  @Test
  void logsCarryIdsAndToolNamesNeverArgumentsOutputsTextsOrKeys() throws Exception {
    List<String> command = List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dsun.net.httpserver.nodelay=true",
        Scenario.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains(Scenario.DONE);
    List<String> logLines = output.lines()
        .filter(l -> l.contains(" INFO ") || l.contains(" WARN ") || l.contains(" ERROR ")).toList();
    String log = String.join("\n", logLines);
    // what was logged: repairs, limits, the timeout, the failures — by id and tool name
    assertThat(log).contains("call_lost", "call_gone", "call_" + "x".repeat(30), "(slow) timed out");
    for (Dialect d : Http.CLASSIC) {
      assertThat(log).contains(d.id() + " request:");
    }
    assertThat(output).doesNotContain(SECRET).doesNotContain("card");
  }

  /** The scenario, run in its own JVM; it prints {@link #DONE} and nothing else of its own. */
  public static final class Scenario {

    static final String DONE = "scenario done";
    private static final String CARD = "{\"card\":\"" + SECRET + "\"}";

    public static void main(String[] args) {
      try (ProviderReferee referee = ProviderReferee.start()) {
        for (Dialect d : Http.CLASSIC) {
          for (Mode mode : Mode.values()) {
            run(d, mode, referee);
          }
        }
      }
      System.out.println(DONE);
    }

    private static String id(Dialect d, String stem) {
      return (d == Dialect.ANTHROPIC ? "toolu_" : "call_") + stem;
    }

    private static void run(Dialect d, Mode mode, ProviderReferee referee) {
      referee.reset();
      HttpChatBackend backend = HttpChatBackend.of(d, HttpBackendConfig.builder().baseUrl(referee.openAiBaseUrl())
          .apiKey("sk-" + SECRET).model(Http.model(d)).httpClient(Http.CLIENT).build());
      LoopTool boom = LoopTool.of(ToolSpec.of("boom", "Fails"), a -> {
        throw new IllegalStateException("declined " + SECRET + " " + a);
      });
      LoopTool slow = LoopTool.of(ToolSpec.of("slow", "Slow"), a -> {
        Thread.sleep(5_000);
        return SECRET;
      });
      LoopTool pay = LoopTool.of(ToolSpec.of("pay", "Pays"), a -> "paid " + SECRET);
      ApprovalSigner signer = ApprovalSigner.hmacSha256(("key " + SECRET + " of 32 or more bytes")
          .getBytes(StandardCharsets.UTF_8));
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend).tools(boom, slow, pay).signApprovals(signer)
          .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).approvalRequired(Set.of("pay")).build())
          .build();

      // a broken history: a result out of place, an orphan, a call that lost its result, an id too long
      String tooLong = "call_" + "x".repeat(70); // Anthropic takes it; OpenAI's limits are 40 and 64
      List<Message> broken = List.of(Message.user("pay with " + SECRET),
          Message.assistant(ToolCall.of("call_lost", "pay", CARD)),
          Message.user("typed " + SECRET),
          Message.tool(ToolResult.of("call_gone", "pay", "refund " + SECRET)),
          Message.assistant(ToolCall.of(tooLong, "pay", CARD)),
          Message.tool(ToolResult.of(tooLong, "pay", "charged " + SECRET)),
          Message.user("again " + SECRET));
      String bad = d == Dialect.ANTHROPIC ? "toolu_bad.id" : null;
      List<Message> history = new ArrayList<>(broken);
      if (bad != null) {
        // an id with characters Anthropic rejects
        history.add(history.size() - 1, Message.assistant(ToolCall.of(bad, "pay", CARD)));
        history.add(history.size() - 1, Message.tool(ToolResult.of(bad, "pay", "charged " + SECRET)));
      }
      referee.script().enqueue(Reply.toolCalls(Reply.call("boom", CARD), Reply.call("slow", CARD),
          Reply.call("nope", CARD), Reply.call("pay", CARD)));
      LoopResult waiting = Http.run(loop, history, mode);
      require(waiting.status() == LoopResult.Status.AWAITING, "the pay call waits");

      // a wrong answer (unsigned) is refused; the right one runs, and the backend then fails
      List<Message> stored = HistoryJson.read(HistoryJson.write(waiting.history()));
      ApprovalRequest request = pending(stored);
      try {
        Http.run(loop, Http.plus(stored, Message.of(Role.USER, new ApprovalResponse(request.callId(), request.call(),
            new ApprovalResponse.Decision.Approve(), Map.of()))), mode);
        require(false, "an unsigned answer is refused");
      } catch (ApprovalException expected) {
        // refused, as it must be
      }
      referee.faults().add(mode == Mode.SEND ? Fault.serverError() : Fault.dropStreamAfter(2));
      List<Message> carried;
      try {
        Http.run(loop, Http.plus(stored, Message.of(Role.USER, ApprovalResponse.approve(request))), mode);
        require(false, "the fault fails the run");
        return;
      } catch (LoopException e) {
        carried = e.history();
      }
      referee.script().clear();
      referee.script().enqueue(Reply.text("Done, " + SECRET));
      LoopResult done = Http.run(loop, carried, mode);
      require(done.status() == LoopResult.Status.COMPLETED, "the run from the carried history completes");
      require(referee.rejections().isEmpty(), "the referee accepted every request");
    }

    private static ApprovalRequest pending(List<Message> history) {
      for (Message m : history) {
        for (Content c : m.contents()) {
          if (c instanceof ApprovalRequest) {
            return (ApprovalRequest) c;
          }
        }
      }
      throw new IllegalStateException("nothing waits");
    }

    private static void require(boolean condition, String what) {
      if (!condition) {
        throw new IllegalStateException("the scenario went wrong: " + what);
      }
    }
  }
}
