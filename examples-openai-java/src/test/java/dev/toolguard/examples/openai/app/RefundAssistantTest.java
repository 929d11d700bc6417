package dev.toolguard.examples.openai.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.examples.openai.DemoReferee;
import dev.toolguard.openai.OpenAiHistory;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's two runs as separate "processes": each run parses its own command line and builds its own
 * client, loop and tools; the only thing that passes from one to the next is the state file. The model
 * is the demo referee's scripted refund desk, behind the strict referee.
 */
class RefundAssistantTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  @TempDir
  Path dir;

  private Path state;
  /** What the money side saw: one entry per refund that really happened. */
  private final List<String> refunds = new ArrayList<>();

  @BeforeEach
  void script() {
    DemoReferee.script(REFEREE.get());
    state = dir.resolve("conversation.json");
  }

  /** One run of the program, as {@code java … RefundAssistant args… --state FILE --base-url … }. */
  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--state", state.toString(), "--base-url", REFEREE.get().openAiBaseUrl(), "--api-key", "test",
        "--model", "gpt-test"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RefundAssistant.Refunds money = (key, orderId, amount) -> {
      refunds.add(key + " " + orderId + " " + amount);
      return "{\"refundId\":\"R-" + key + "\",\"orderId\":\"" + orderId + "\",\"amount\":" + amount + "}";
    };
    int status = RefundAssistant.run(all.toArray(String[]::new), print(out), print(err), money);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  record Run(int status, String out, String err) {}

  private String askForARefund() {
    Run ask = run("ask", "Order A-1001 arrived broken, please refund it.");
    assertThat(ask.status()).as(ask.err()).isZero();
    List<ApprovalRequest> pending = RefundAssistant.pending(OpenAiHistory.read(state));
    assertThat(pending).hasSize(1);
    ApprovalRequest refund = pending.get(0);
    assertThat(refund.call().name()).isEqualTo("refund");
    assertThat(refund.call().argumentsJson()).contains("A-1001").contains("\"amount\":25");
    assertThat(ask.out()).contains("waiting for approval: " + refund.callId() + " refund")
        .contains("approve " + refund.callId() + " --state " + state);
    assertThat(refunds).isEmpty();
    return refund.callId();
  }

  @Test
  void aRefundApprovedInASecondRunRunsExactlyOnce() {
    String callId = askForARefund();
    // the first run looked the order up on its own: that call needs no approval
    assertThat(REFEREE.get().requests(Endpoint.RESPONSES)).hasSize(2);

    Run approve = run("approve", callId);
    assertThat(approve.status()).as(approve.err()).isZero();
    String key = RefundAssistant.idempotencyKey(state.toAbsolutePath().normalize().toString(), callId);
    assertThat(key).endsWith("-" + callId).hasSize(24 + 1 + callId.length());
    assertThat(approve.out()).contains("assistant: Refunded 25.00 on order A-1001 (refund R-" + key + ").");
    assertThat(refunds).containsExactly(key + " A-1001 25.00");
    RecordedRequest last = REFEREE.get().lastRequest();
    assertThat(last.toolResultIds()).endsWith(callId);
    assertThat(REFEREE.get().rejections()).isEmpty();
    assertThat(RefundAssistant.pending(OpenAiHistory.read(state))).isEmpty();

    // approving again (a double click, a retried job) refunds nothing
    Run again = run("approve", callId);
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("no call " + callId + " waits for approval; none does");
    assertThat(refunds).hasSize(1);

    // the conversation goes on from the file
    Run more = run("ask", "Thanks!");
    assertThat(more.status()).isZero();
    assertThat(more.out()).contains("assistant: You said: Thanks!");
    assertThat(refunds).hasSize(1);
    assertThat(REFEREE.get().rejections()).isEmpty();
  }

  @Test
  void aRejectedRefundIsToldToTheModelAndNeverRuns() {
    String callId = askForARefund();
    Run reject = run("reject", callId, "--reason", "the photo shows no damage");
    assertThat(reject.status()).as(reject.err()).isZero();
    assertThat(reject.out()).contains("The refund did not go through").contains("the photo shows no damage");
    assertThat(refunds).isEmpty();
    assertThat(REFEREE.get().rejections()).isEmpty();
  }

  @Test
  void askingSomethingElseDeclinesTheWaitingRefund() {
    askForARefund();
    Run other = run("ask", "Never mind, what are your opening hours?");
    assertThat(other.status()).isZero();
    assertThat(other.out()).contains("You said: Never mind");
    assertThat(RefundAssistant.pending(OpenAiHistory.read(state))).isEmpty();
    assertThat(refunds).isEmpty();
    assertThat(REFEREE.get().rejections()).isEmpty();
  }

  @Test
  void whenTheModelFailsAfterTheApprovedRefundRanTheRefundIsStoredAndNeverRunsAgain() {
    String callId = askForARefund();
    // the client tries three times (openai-java retries twice by default): every attempt fails
    REFEREE.get().faults().add(Fault.serverError().on(Endpoint.RESPONSES).times(3));
    Run approve = run("approve", callId);
    assertThat(approve.status()).isEqualTo(1);
    assertThat(approve.err()).contains("the model could not be reached");
    assertThat(refunds).hasSize(1);

    List<Message> stored = OpenAiHistory.read(state);
    assertThat(HistoryGuard.ofDefaults().check(stored)).isEmpty();
    assertThat(RefundAssistant.pending(stored)).isEmpty();
    assertThat(run("approve", callId).status()).isEqualTo(1);
    Run goOn = run("ask", "Did it work?");
    assertThat(goOn.status()).as(goOn.err()).isZero();
    assertThat(refunds).hasSize(1);
    assertThat(REFEREE.get().rejections()).isEmpty();
  }

  @Test
  void unknownCallsAndMissingStateAreClearErrors() throws Exception {
    Run none = run("approve", "call_9");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("there is no conversation in " + state);
    askForARefund();
    Run wrong = run("approve", "call_9");
    assertThat(wrong.status()).isEqualTo(1);
    assertThat(wrong.err()).contains("no call call_9 waits for approval; waiting: ");
    assertThat(refunds).isEmpty();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(state); // written in place, no temporary files left
    }
  }

  @Test
  void badArgumentsExitWithTwo() {
    for (String[] args : List.of(new String[] {}, new String[] {"ask"}, new String[] {"ask", "hi"},
        new String[] {"pay", "x", "--state", "s.json"}, new String[] {"ask", "hi", "--state"},
        new String[] {"ask", "hi", "--state", "s.json", "--colour", "red"},
        new String[] {"approve", "call_1", "--reason", "why", "--state", "s.json"})) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = RefundAssistant.run(args, print(out), print(err), (k, o, a) -> {
        throw new AssertionError("no refund");
      });
      assertThat(status).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("RefundAssistant: ")
          .endsWith(RefundAssistant.Command.usage());
    }
  }

  @Test
  void theDemoRefundsSayWhatTheyDo() throws Exception {
    assertThat(RefundAssistant.Refunds.demo().refund("call_7", "A-1002", new BigDecimal("89.90")))
        .isEqualTo("{\"refundId\":\"R-call_7\",\"orderId\":\"A-1002\",\"amount\":89.90}");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
