package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.LoopResult.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resuming a run that waits for approval, edge cases with exact outcomes (found by PIT: no test
 * told these apart): a tool failure on resume, a resume interrupted while its tools run, the
 * messages a resume reports as added, a waiting call in the first message, and waiting calls in
 * two assistant messages with a user message between them.
 */
class ResumeEdgeCasesTest {

  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private LoopTool tool(String name) {
    return LoopTool.of(ToolSpec.of(name, ""), args -> {
      ran.add(name);
      return name + " ran";
    });
  }

  private static FunctionInvokingLoop.Builder approving(ScriptedBackend model, LoopTool... tools) {
    return FunctionInvokingLoop.builder(model).tools(tools)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay", "fail", "report")).build());
  }

  private static void assertValid(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("history is valid").isEmpty();
  }

  @Test
  void aToolThatFailsOnResumeIsInTheResultsFailures() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "fail", "{}")).thenText("sorry");
    IllegalStateException boom = new IllegalStateException("bank down");
    FunctionInvokingLoop loop = approving(model, LoopTool.of(ToolSpec.of("fail", ""), a -> {
      throw boom;
    })).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));

    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.toolFailures()).containsOnlyKeys("c1");
    assertThat(done.toolFailures().get("c1")).isSameAs(boom);
    assertValid(done.history());
  }

  @Test
  void aResumeReportsAsAddedTheResultsAfterTheWaitingTurnAndWhatFollows() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("paid");
    FunctionInvokingLoop loop = approving(model, tool("pay")).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));
    assertThat(asked.history()).hasSize(2);

    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.history()).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    // the results of the waiting turn and what follows; not the user's message nor the turn (the
    // message carrying only the approval is consumed)
    assertThat(done.added()).isEqualTo(done.history().subList(2, 4));
    assertThat(done.added().get(0).toolResults()).extracting(ToolResult::output).containsExactly("pay ran");
    assertThat(done.text()).isEqualTo("paid");
  }

  @Test
  void aResumeInterruptedWhileItsToolRunsThrowsWithABalancedHistoryAndTheFlagSet() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"))
        .thenText("must not be asked");
    // the caller's interrupt arrives while the tool runs: the tool sees the flag and fails
    FunctionInvokingLoop loop = approving(model, LoopTool.of(ToolSpec.of("pay", ""), a -> {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("aborted");
    })).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));
    List<Message> resumed = ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0))));

    assertThatThrownBy(() -> loop.run(resumed)).isInstanceOfSatisfying(LoopException.class, e -> {
      assertThat(e.cancelled()).isTrue();
      assertThat(e.getMessage()).startsWith("the resume was interrupted while tools ran");
      assertValid(e.history());
      assertThat(e.history()).extracting(Message::role)
          .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
      assertThat(e.history().get(2).toolResults()).extracting(ToolResult::output)
          .containsExactly("Tool 'pay' was cancelled before it finished.");
    });
    assertThat(Thread.interrupted()).as("the caller's interrupt flag is set again").isTrue();
    assertThat(model.requests).as("the model is not asked again").hasSize(1);
  }

  /** The history as a caller may hold it: the waiting turn first, the run's user message cut. */
  private static List<Message> fromTheWaitingTurn(LoopResult asked) {
    return new ArrayList<>(asked.history().subList(1, asked.history().size()));
  }

  @Test
  void anApprovedCallInTheFirstMessageOfTheHistoryReturnsDirectly() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "report", "{}"));
    FunctionInvokingLoop loop = approving(model, tool("report").returningDirect()).build();
    LoopResult asked = loop.run(List.of(Message.user("report")));
    List<Message> history = fromTheWaitingTurn(asked);
    assertThat(history.get(0).role()).isEqualTo(Role.ASSISTANT);

    LoopResult done = loop.run(ApprovalTest.plus(history,
        ApprovalTest.answers(ApprovalResponse.approve(asked.pending().get(0)))));

    assertThat(done.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(done.directResults()).extracting(ToolResult::output).containsExactly("report ran");
    assertThat(model.requests).hasSize(1);
  }

  @Test
  void aNewUserMessageAfterAWaitingCallInTheFirstMessageAnswersItAsNotAnswered() {
    ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}")).thenText("ok, something else");
    FunctionInvokingLoop loop = approving(model, tool("pay")).build();
    LoopResult asked = loop.run(List.of(Message.user("pay bob")));

    LoopResult done = loop.run(ApprovalTest.plus(fromTheWaitingTurn(asked), Message.user("never mind")));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.pending()).isEmpty();
    assertThat(ran).isEmpty();
    assertThat(done.history()).extracting(Message::role)
        .containsExactly(Role.ASSISTANT, Role.TOOL, Role.USER, Role.ASSISTANT);
    assertThat(done.history().get(1).toolResults()).singleElement()
        .satisfies(r -> assertThat(r.callId()).isEqualTo("c1"));
    assertThat(done.text()).isEqualTo("ok, something else");
    assertValid(done.history());
  }

  @Test
  void aUserMessageBetweenTwoWaitingTurnsDoesNotSettleTheEarlierOne() {
    ScriptedBackend first = new ScriptedBackend().thenCalls(ToolCall.of("c1", "pay", "{}"));
    ScriptedBackend second = new ScriptedBackend().thenCalls(ToolCall.of("c2", "pay", "{}")).thenText("c2 done");
    LoopResult one = approving(first, tool("pay")).build().run(List.of(Message.user("pay bob")));
    FunctionInvokingLoop loop = approving(second, tool("pay")).build();
    LoopResult two = loop.run(List.of(Message.user("pay eve")));
    // [user, assistant(c1 waits), user, assistant(c2 waits), user(approves c2)]
    List<Message> history = new ArrayList<>(one.history());
    history.addAll(two.history());
    history.add(ApprovalTest.answers(ApprovalResponse.approve(two.pending().get(0))));

    LoopResult r = loop.run(history);

    // only a user message after the last waiting turn moves on; c1 still waits, c2 ran
    assertThat(r.status()).isEqualTo(Status.AWAITING);
    assertThat(r.pending()).extracting(ApprovalRequest::callId).containsExactly("c1");
    assertThat(ran).containsExactly("pay");
    assertThat(second.requests).hasSize(1);
  }
}
