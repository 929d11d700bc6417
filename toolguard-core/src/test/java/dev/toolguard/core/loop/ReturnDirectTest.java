package dev.toolguard.core.loop;

import static dev.toolguard.core.loop.FunctionInvokingLoopTest.call;
import static dev.toolguard.core.loop.FunctionInvokingLoopTest.echo;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tools that return their results to the caller directly (Spring AI's returnDirect). */
class ReturnDirectTest {

  private final ScriptedBackend model = new ScriptedBackend();
  private final List<String> ran = new CopyOnWriteArrayList<>();

  private LoopTool tool(String name) {
    return LoopTool.of(ToolSpec.of(name, ""), args -> {
      ran.add(name);
      return name + " says " + args;
    });
  }

  private LoopTool direct(String name) {
    return tool(name).returningDirect();
  }

  private static void assertValid(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("history is valid").isEmpty();
  }

  private static List<Message> plus(List<Message> history, Message more) {
    List<Message> out = new ArrayList<>(history);
    out.add(more);
    return out;
  }

  private static LoopResult run(FunctionInvokingLoop loop, List<Message> history, boolean stream) {
    return stream ? loop.stream(history, StreamHandler.ignoring()) : loop.run(history);
  }

  @Test
  void aToolReturnsDirectlyOnlyWhenItSaysSo() {
    LoopTool plain = tool("t");
    LoopTool direct = plain.returningDirect();
    assertThat(plain.returnDirect()).isFalse();
    assertThat(direct.returnDirect()).isTrue();
    assertThat(direct.spec()).isSameAs(plain.spec());
    assertThat(direct.returningDirect()).isSameAs(direct);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void whenEveryCallReturnsDirectlyTheRunEndsWithTheResultsAndAValidHistory(boolean stream) throws Exception {
    model.then(Message.assistant(Text.of("one moment"), call("c1", "report"), call("c2", "chart")))
        .thenText("what next?");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(direct("report"), direct("chart")).build();

    LoopResult r = run(loop, List.of(Message.user("report and chart")), stream);

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(r.iterations()).isEqualTo(1);
    assertThat(model.requests).hasSize(1);
    assertThat(r.directResults()).containsExactly(
        ToolResult.of("c1", "report", "report says {\"id\":\"c1\"}"),
        ToolResult.of("c2", "chart", "chart says {\"id\":\"c2\"}"));
    assertThat(r.history()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL);
    assertThat(r.added()).hasSize(2);
    assertThat(r.text()).isEqualTo("one moment");
    assertValid(r.history());

    // the next message goes on from the stored turn; the model sees the calls and their results
    LoopResult next = run(loop, plus(r.history(), Message.user("thanks")), stream);
    assertThat(next.status()).isEqualTo(Status.COMPLETED);
    assertThat(next.directResults()).isEmpty();
    assertThat(model.last().history()).hasSize(4);
    assertThat(model.last().history().get(2).toolResults()).extracting(ToolResult::callId)
        .containsExactly("c1", "c2");
  }

  @Test
  void aMixedTurnGoesBackToTheModel() {
    model.thenCalls(call("c1", "report"), call("c2", "lookup")).thenText("here it is");
    LoopResult r = FunctionInvokingLoop.builder(model).tools(direct("report"), tool("lookup")).build()
        .run(List.of(Message.user("go")));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("here it is");
    assertThat(model.requests).hasSize(2);
    assertThat(ran).containsExactlyInAnyOrder("report", "lookup");
    assertThat(r.directResults()).isEmpty();
  }

  @Test
  void aFailingToolStillRanAndItsErrorIsReturnedDirectly() {
    model.thenCalls(call("c1", "report"));
    LoopTool failing = LoopTool.of(ToolSpec.of("report", ""), args -> {
      throw new IllegalStateException("disk full");
    }).returningDirect();
    LoopResult r = FunctionInvokingLoop.builder(model).tools(failing).build().run(List.of(Message.user("go")));

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(r.directResults()).singleElement().satisfies(result -> {
      assertThat(result.error()).isTrue();
      assertThat(result.output()).isEqualTo("Tool 'report' failed.");
    });
    assertThat(r.toolFailures()).containsOnlyKeys("c1");
    assertValid(r.history());
  }

  @Test
  void aCallRefusedBeforeItRanGoesBackToTheModelToCorrect() {
    model.thenCalls(ToolCall.of("c1", "report", "{not json")).thenCalls(ToolCall.of("c2", "report", "{}"));
    LoopResult bad = FunctionInvokingLoop.builder(model).tools(direct("report")).build()
        .run(List.of(Message.user("go")));
    assertThat(bad.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(model.requests).hasSize(2);
    assertThat(bad.directResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(ran).containsExactly("report");

    model.thenCalls(call("c3", "report"), call("c4", "nosuch")).thenText("no such tool");
    LoopResult unknown = FunctionInvokingLoop.builder(model).tools(direct("report")).build()
        .run(List.of(Message.user("go")));
    assertThat(unknown.status()).isEqualTo(Status.COMPLETED);
    assertThat(unknown.text()).isEqualTo("no such tool");
  }

  @Test
  void anApprovedCallOfADirectToolReturnsDirectlyOnResume() {
    model.thenCalls(call("c1", "report"), call("c2", "chart"));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(direct("report"), direct("chart"))
        .config(LoopConfig.custom().approvalRequired(Set.of("report")).build()).build();

    LoopResult asked = loop.run(List.of(Message.user("go")));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    assertThat(ran).containsExactly("chart");
    ApprovalRequest request = asked.pending().get(0);

    LoopResult done = loop.run(ApprovalTest.plus(ApprovalTest.copy(asked.history()),
        Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("yes"))));

    assertThat(done.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(model.requests).hasSize(1);
    assertThat(done.iterations()).isZero();
    assertThat(ran).containsExactly("chart", "report");
    assertThat(done.directResults()).extracting(ToolResult::callId).containsExactly("c1", "c2");
    assertThat(done.history().get(done.history().size() - 1).text()).isEqualTo("yes");
    assertValid(done.history());
  }

  @Test
  void aRejectedCallOrAMixedTurnGoesBackToTheModelOnResume() {
    LoopConfig approval = LoopConfig.custom().approvalRequired(Set.of("report")).build();
    model.thenCalls(call("c1", "report")).thenText("ok, no report");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(direct("report"), tool("lookup"))
        .config(approval).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));
    LoopResult rejected = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.reject(asked.pending().get(0), "not now"))));
    assertThat(rejected.status()).isEqualTo(Status.COMPLETED);
    assertThat(rejected.text()).isEqualTo("ok, no report");

    model.thenCalls(call("c2", "report"), call("c3", "lookup")).thenText("report and lookup");
    LoopResult mixed = loop.run(plus(rejected.history(), Message.user("again")));
    assertThat(mixed.status()).isEqualTo(Status.AWAITING);
    LoopResult approved = loop.run(ApprovalTest.plus(mixed.history(),
        ApprovalTest.answers(ApprovalResponse.approve(mixed.pending().get(0)))));
    assertThat(approved.status()).isEqualTo(Status.COMPLETED);
    assertThat(approved.text()).isEqualTo("report and lookup");
    assertThat(ran).containsExactly("lookup", "report");
    assertValid(approved.history());
  }

  @Test
  void aClientSideCallIsNeverReturnedDirectly() {
    model.thenCalls(call("c1", "report"), call("c2", "locate")).thenText("done");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(direct("report"))
        .clientTool(ToolSpec.of("locate", "")).build();
    LoopResult asked = loop.run(List.of(Message.user("go")));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);

    LoopResult done = loop.run(ApprovalTest.plus(asked.history(),
        ApprovalTest.answers(ApprovalResponse.respondWith(asked.pending().get(0), "Oslo"))));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("done");
  }
}
