package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.assertAllAccepted;
import static dev.toolguard.json.http.Http.assertBalanced;
import static dev.toolguard.json.http.Http.backend;
import static dev.toolguard.json.http.Http.plus;
import static dev.toolguard.json.http.Http.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.http.Http.Case;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Approvals over HTTP: the waiting history goes through {@link HistoryJson} as a string and is
 * resumed by a new loop over a new backend, as another process would. Every request must be
 * accepted by the referee; refused answers send nothing and run nothing.
 */
class ApprovalsOverHttpTest {

  private static final byte[] KEY = "a key the application keeps secret".getBytes(StandardCharsets.UTF_8);
  private static final String PAY_ARGS = "{\"to\":\"bob\",\"amount\":5}";

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  static List<Case> cases() {
    return Http.cases();
  }

  /** A new loop over a new backend, as a process that starts afresh would build it. */
  private FunctionInvokingLoop newLoop(Case c, Http.Strict strict) {
    return FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(
            LoopTool.of(ToolSpec.of("pay", "Pays someone"), args -> {
              ran.add("pay " + args);
              return "paid";
            }),
            LoopTool.of(ToolSpec.of("weather", "The weather"), args -> {
              ran.add("weather " + args);
              return "sunny";
            }))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .signApprovals(ApprovalSigner.hmacSha256(KEY))
        .listener(strict)
        .build();
  }

  /** Runs until the pay call waits, and returns the history stored as JSON text. */
  private String waitingHistory(Case c) {
    REFEREE.get().script().enqueue(Reply.toolCalls(Reply.call("pay", PAY_ARGS), Reply.call("weather", "{\"city\":\"Paris\"}"))
        .withReasoning("Paying needs a yes from the user."));
    Http.Strict strict = new Http.Strict(c.dialect());
    LoopResult r = run(newLoop(c, strict), List.of(Message.user("Pay Bob 5 and tell me the weather")), c.mode());
    assertThat(r.status()).isEqualTo(LoopResult.Status.AWAITING);
    assertThat(r.pending()).extracting(p -> p.call().name()).containsExactly("pay");
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}");
    assertBalanced(r.history());
    strict.assertClean();
    String stored = HistoryJson.write(r.history());
    assertThat(HistoryJson.read(stored)).isEqualTo(r.history());
    return stored;
  }

  /** The waiting request as found in a history read back from JSON (never the object the run returned). */
  private static ApprovalRequest pendingIn(List<Message> history) {
    for (Message m : history) {
      for (Content content : m.contents()) {
        if (content instanceof ApprovalRequest) {
          return (ApprovalRequest) content;
        }
      }
    }
    throw new AssertionError("no approval request in the history");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void anApprovalAnsweredAfterAJsonRoundTripRunsTheCallOnceInANewLoop(Case c) {
    String stored = waitingHistory(c);
    REFEREE.get().script().enqueue(Reply.text("Paid Bob; it is sunny."));

    List<Message> restored = HistoryJson.read(stored);
    List<Message> answered = plus(restored,
        Message.of(Role.USER, ApprovalResponse.approve(pendingIn(restored)), Text.of("Yes, go ahead.")));
    Http.Strict strict = new Http.Strict(c.dialect());
    LoopResult r = run(newLoop(c, strict), answered, c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Paid Bob; it is sunny.");
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}", "pay " + PAY_ARGS);
    assertBalanced(r.history());
    strict.assertClean();
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests()).hasSize(2);
    RecordedRequest resumed = REFEREE.get().requests().get(1);
    assertThat(resumed.toolResultIds()).hasSize(2);
    assertThat(resumed.lastUserText()).isEqualTo("Yes, go ahead.");
    assertThat(resumed.body()).contains("paid", "sunny").doesNotContain("approval");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRejectionSendsTheReasonToTheModelAndRunsNothing(Case c) {
    String stored = waitingHistory(c);
    REFEREE.get().script().enqueue(Reply.text("I did not pay."));

    List<Message> restored = HistoryJson.read(stored);
    LoopResult r = run(newLoop(c, new Http.Strict(c.dialect())),
        plus(restored, Message.of(Role.USER, ApprovalResponse.reject(pendingIn(restored), "too expensive"))), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}");
    assertBalanced(r.history());
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests().get(1).body()).contains("too expensive");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aForgedApprovalIsRefusedBeforeAnythingIsSent(Case c) {
    String stored = waitingHistory(c);
    // someone raises the amount in the stored history and approves the changed call
    String forged = stored.replace("\\\"amount\\\":5}", "\\\"amount\\\":500}");
    assertThat(forged).isNotEqualTo(stored);
    List<Message> tampered = HistoryJson.read(forged);

    assertThatThrownBy(() -> run(newLoop(c, new Http.Strict(c.dialect())),
        plus(tampered, Message.of(Role.USER, ApprovalResponse.approve(pendingIn(tampered)))), c.mode()))
        .isInstanceOfSatisfying(ApprovalException.class,
            e -> assertThat(e.reason()).isEqualTo(ApprovalException.Reason.FORGED));
    assertThat(REFEREE.get().requests()).hasSize(1);
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}");

    resumeProperly(c, stored);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aResponseForOtherArgumentsIsRefusedBeforeAnythingIsSent(Case c) {
    String stored = waitingHistory(c);
    List<Message> restored = HistoryJson.read(stored);
    ApprovalRequest request = pendingIn(restored);
    ApprovalResponse mismatched = new ApprovalResponse(request.callId(),
        request.call().withArguments("{\"to\":\"eve\",\"amount\":5}"), new ApprovalResponse.Decision.Approve(),
        request.metadata());

    assertThatThrownBy(() -> run(newLoop(c, new Http.Strict(c.dialect())),
        plus(restored, Message.of(Role.USER, mismatched)), c.mode()))
        .isInstanceOfSatisfying(ApprovalException.class, e -> {
          assertThat(e.reason()).isEqualTo(ApprovalException.Reason.MISMATCH);
          assertThat(e.callId()).isEqualTo(request.callId());
        });
    assertThat(REFEREE.get().requests()).hasSize(1);
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}");

    resumeProperly(c, stored);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aReplayedApprovalIsRefusedAndTheCallRunsOnce(Case c) {
    String stored = waitingHistory(c);
    REFEREE.get().script().enqueue(Reply.text("Paid."));
    List<Message> restored = HistoryJson.read(stored);
    ApprovalResponse approval = ApprovalResponse.approve(pendingIn(restored));
    LoopResult done = run(newLoop(c, new Http.Strict(c.dialect())),
        plus(restored, Message.of(Role.USER, approval)), c.mode());
    assertThat(done.status()).isEqualTo(LoopResult.Status.COMPLETED);

    // the same answer arrives again, after a JSON round trip of the finished history
    List<Message> again = plus(HistoryJson.read(HistoryJson.write(done.history())), Message.of(Role.USER, approval));
    assertThatThrownBy(() -> run(newLoop(c, new Http.Strict(c.dialect())), again, c.mode()))
        .isInstanceOfSatisfying(ApprovalException.class,
            e -> assertThat(e.reason()).isEqualTo(ApprovalException.Reason.ALREADY_ANSWERED));
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}", "pay " + PAY_ARGS);
    assertThat(REFEREE.get().requests()).hasSize(2);

    // the conversation goes on from the history without the replay
    REFEREE.get().script().enqueue(Reply.text("Anything else?"));
    LoopResult next = run(newLoop(c, new Http.Strict(c.dialect())),
        plus(done.history(), Message.user("Thanks")), c.mode());
    assertThat(next.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertBalanced(next.history());
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aNewUserMessageInsteadOfAnAnswerDeclinesTheWaitingCall(Case c) {
    String stored = waitingHistory(c);
    REFEREE.get().script().enqueue(Reply.text("All right, I will not pay."));

    LoopResult r = run(newLoop(c, new Http.Strict(c.dialect())),
        plus(HistoryJson.read(stored), Message.user("Forget the payment.")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}");
    assertBalanced(r.history());
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests().get(1).lastUserText()).isEqualTo("Forget the payment.");
  }

  /** After a refused answer, the stored history resumes with a proper approval, accepted by the referee. */
  private void resumeProperly(Case c, String stored) {
    REFEREE.get().script().enqueue(Reply.text("Paid."));
    List<Message> restored = HistoryJson.read(stored);
    LoopResult r = run(newLoop(c, new Http.Strict(c.dialect())),
        plus(restored, Message.of(Role.USER, ApprovalResponse.approve(pendingIn(restored)))), c.mode());
    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(ran).containsExactly("weather {\"city\":\"Paris\"}", "pay " + PAY_ARGS);
    assertBalanced(r.history());
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests()).hasSize(2);
    ToolCall pay = r.history().get(1).toolCalls().get(0);
    assertThat(pay.argumentsJson()).isEqualTo(PAY_ARGS);
  }
}
