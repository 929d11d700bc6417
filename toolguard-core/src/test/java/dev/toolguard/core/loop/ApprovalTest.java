package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException.Reason;
import dev.toolguard.core.loop.LoopResult.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ApprovalTest {

  private final ScriptedBackend model = new ScriptedBackend();
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final LoopConfig payNeedsApproval = LoopConfig.custom().approvalRequired(Set.of("pay")).build();

  private LoopTool tool(String name) {
    return LoopTool.of(ToolSpec.of(name, ""), args -> {
      ran.add(name + args);
      return name + " done";
    });
  }

  private FunctionInvokingLoop.Builder loop(ScriptedBackend backend) {
    return FunctionInvokingLoop.builder(backend).tools(tool("pay"), tool("lookup")).config(payNeedsApproval);
  }

  static ToolCall pay(String id, String to) {
    return ToolCall.of(id, "pay", "{\"to\":\"" + to + "\",\"amount\":5}");
  }

  /** What a JSON round trip does: every object and string new, nothing shared with the original. */
  static List<Message> copy(List<Message> history) {
    List<Message> out = new ArrayList<>();
    for (Message m : history) {
      List<Content> contents = new ArrayList<>();
      for (Content c : m.contents()) {
        contents.add(copy(c));
      }
      out.add(new Message(m.role(), contents, new LinkedHashMap<>(m.metadata())));
    }
    return out;
  }

  static Content copy(Content c) {
    if (c instanceof ToolCall t) {
      return new ToolCall(new String(t.callId()), new String(t.name()), new String(t.argumentsJson()),
          t.informational(), new LinkedHashMap<>(t.metadata()));
    } else if (c instanceof ApprovalRequest r) {
      return new ApprovalRequest(new String(r.callId()), (ToolCall) copy(r.call()), new LinkedHashMap<>(r.metadata()));
    } else if (c instanceof ApprovalResponse r) {
      return new ApprovalResponse(new String(r.callId()), (ToolCall) copy(r.call()), r.decision(),
          new LinkedHashMap<>(r.metadata()));
    } else if (c instanceof ToolResult r) {
      return new ToolResult(new String(r.callId()), r.name(), new String(r.output()), r.error(), r.metadata());
    } else if (c instanceof Text t) {
      return new Text(new String(t.text()), t.metadata());
    }
    return c;
  }

  static List<Message> plus(List<Message> history, Message... more) {
    List<Message> out = new ArrayList<>(history);
    out.addAll(Arrays.asList(more));
    return out;
  }

  static Message answers(Content... contents) {
    return Message.of(Role.USER, contents);
  }

  @Test
  void approvalIsPerCallAndSurvivesACopyIntoANewLoop() {
    model.then(Message.assistant(Text.of("paying"), pay("c1", "bob"), ToolCall.of("c2", "lookup", "{}")))
        .thenText("paid bob");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob 5")));

    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    assertThat(ran).containsExactly("lookup{}");
    ApprovalRequest request = asked.pending().get(0);
    assertThat(request.call().informational()).isTrue();
    assertThat(request.metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_APPROVAL);
    assertThat(asked.history().get(1).contents()).containsExactly(Text.of("paying"), request,
        ToolCall.of("c2", "lookup", "{}"));
    assertThat(asked.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(HistoryGuard.ofDefaults().check(asked.history())).isEmpty();

    List<Message> stored = copy(asked.history());
    assertThat(FunctionInvokingLoop.waiting(stored)).containsExactlyElementsOf(asked.pending());
    ApprovalRequest storedRequest = (ApprovalRequest) stored.get(1).contents().get(1);
    List<Message> resumed = plus(stored, answers(ApprovalResponse.approve(storedRequest)));
    LoopResult done = loop(model).build().run(copy(resumed));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).containsExactly("lookup{}", "pay{\"to\":\"bob\",\"amount\":5}");
    assertThat(done.history()).hasSize(5);
    assertThat(done.history().get(1).contents()).containsExactly(Text.of("paying"), pay("c1", "bob"),
        ToolCall.of("c2", "lookup", "{}"));
    assertThat(done.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(done.history().get(3).toolResults()).extracting(ToolResult::callId, ToolResult::output)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", "pay done"));
    assertThat(done.text()).isEqualTo("paid bob");
    assertThat(model.last().history()).hasSize(4);
    assertThat(HistoryGuard.ofDefaults().check(done.history())).isEmpty();
  }

  @Test
  void rejectionAnswersTheModelWithTheReasonAndRunsNothing() {
    model.thenCalls(pay("c1", "eve")).thenText("ok, not paying");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay eve")));
    LoopResult done = loop(model).build().run(plus(asked.history(),
        answers(ApprovalResponse.reject(asked.pending().get(0), "eve is a scammer"))));
    assertThat(ran).isEmpty();
    ToolResult result = done.history().get(2).toolResults().get(0);
    assertThat(result.output()).isEqualTo("The user did not approve this call. Reason: eve is a scammer");
    assertThat(result.error()).isTrue();
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void approvalWithEditedArgumentsUpdatesTheCallSoModelAndResultAgree() {
    model.thenCalls(pay("c1", "bob")).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    LoopResult done = loop(model).build().run(plus(asked.history(),
        answers(ApprovalResponse.approveWithArguments(asked.pending().get(0), "{\"to\":\"bob\",\"amount\":3}"))));
    assertThat(ran).containsExactly("pay{\"to\":\"bob\",\"amount\":3}");
    assertThat(done.history().get(1).toolCalls().get(0).argumentsJson()).isEqualTo("{\"to\":\"bob\",\"amount\":3}");
  }

  @Test
  void theUserCanAnswerWithAResultInsteadOfRunningTheTool() {
    model.thenCalls(pay("c1", "bob")).thenText("noted");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    LoopResult done = loop(model).build().run(plus(asked.history(),
        answers(ApprovalResponse.respondWith(asked.pending().get(0), "paid in cash instead"))));
    assertThat(ran).isEmpty();
    assertThat(done.history().get(2).toolResults().get(0).output()).isEqualTo("paid in cash instead");
  }

  @Test
  void textSentWithTheResponsesLandsAfterTheResultBlock() {
    model.thenCalls(pay("c1", "bob")).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    LoopResult done = loop(model).build().run(plus(asked.history(),
        answers(ApprovalResponse.approve(asked.pending().get(0)), Text.of("and say thanks"))));
    assertThat(done.history()).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER, Role.ASSISTANT);
    assertThat(done.history().get(3)).isEqualTo(Message.user("and say thanks"));
  }

  @Test
  void aNewUserMessageDeclinesWaitingCallsOrFailsByPolicy() {
    model.thenCalls(pay("c1", "bob")).thenText("ok");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    List<Message> movedOn = plus(asked.history(), Message.user("never mind, what's the time?"));
    LoopResult done = loop(model).build().run(movedOn);
    assertThat(ran).isEmpty();
    assertThat(done.history().get(2).toolResults().get(0).output())
        .isEqualTo("The user went on without approving this call; it was not run.");
    assertThat(done.history().get(3)).isEqualTo(Message.user("never mind, what's the time?"));

    FunctionInvokingLoop strict = loop(new ScriptedBackend()).config(LoopConfig.from(payNeedsApproval)
        .pendingPolicy(LoopConfig.PendingPolicy.FAIL).build()).build();
    assertThatThrownBy(() -> strict.run(movedOn)).isInstanceOfSatisfying(ApprovalException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.UNANSWERED);
      assertThat(e.getMessage()).isEqualTo("call c1 still waits for an answer and a new user message came (rule:"
          + " pending calls must be answered first, by PendingPolicy.FAIL); answer them with ApprovalResponses"
          + " before going on");
    });
  }

  @Test
  void forgedMismatchedAndReplayedResponsesAreRefusedAndNothingRuns() {
    model.thenCalls(pay("c1", "bob")).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    ApprovalRequest request = asked.pending().get(0);

    ApprovalResponse unknown = ApprovalResponse.approve(ApprovalRequest.of(pay("c9", "bob")));
    assertThatThrownBy(() -> loop(model).build().run(plus(asked.history(), answers(unknown))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CALL);
          assertThat(e.callId()).isEqualTo("c9");
          assertThat(e.getMessage()).isEqualTo("no call with id c9 waits for approval in the history (rule: a"
              + " response matches a waiting call by callId). Answer one of: c1");
        });

    ApprovalResponse otherArgs = ApprovalResponse.approve(ApprovalRequest.of(pay("c1", "mallory")));
    assertThatThrownBy(() -> loop(model).build().run(plus(asked.history(), answers(otherArgs))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MISMATCH);
          assertThat(e.getMessage()).startsWith("the response for call c1 names tool 'pay' with other arguments");
        });

    ApprovalResponse twice = ApprovalResponse.approve(request);
    assertThatThrownBy(() -> loop(model).build().run(plus(asked.history(), answers(twice, twice))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason())
            .isEqualTo(Reason.ALREADY_ANSWERED));
    assertThat(ran).isEmpty();

    LoopResult done = loop(model).build().run(plus(asked.history(), answers(ApprovalResponse.approve(request))));
    assertThat(ran).hasSize(1);
    assertThatThrownBy(() -> loop(model).build().run(plus(done.history(), answers(ApprovalResponse.approve(request)))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.ALREADY_ANSWERED);
          assertThat(e.getMessage()).isEqualTo("call c1 was already answered; an approval response is used once"
              + " (rule: no replayed responses). Drop the response.");
        });
    assertThat(ran).hasSize(1);
  }

  @Test
  void argumentsAreComparedAsJsonValuesNotAsText() {
    model.thenCalls(pay("c1", "bob")).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    ApprovalResponse reformatted = new ApprovalResponse("c1",
        ToolCall.of("c1", "pay", "{ \"amount\" : 5, \"to\" : \"bob\" }"), new ApprovalResponse.Decision.Approve(),
        Map.of());
    LoopResult done = loop(model).build().run(plus(asked.history(), answers(reformatted)));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).hasSize(1);
  }

  @Test
  void alwaysApproveRulesAndAFailingPredicate() {
    ApprovalRules rules = ApprovalRules.create().alwaysApprove("pay", "{\"amount\":5,\"to\":\"bob\"}");
    model.thenCalls(pay("c1", "bob"), pay("c2", "eve")).thenText("ok");
    LoopResult r = loop(model).approvalRules(rules).build().run(List.of(Message.user("pay both")));
    assertThat(ran).containsExactly("pay{\"to\":\"bob\",\"amount\":5}");
    assertThat(r.pending()).extracting(ApprovalRequest::callId).containsExactly("c2");

    rules.alwaysApprove("lookup");
    ScriptedBackend m2 = new ScriptedBackend().thenCalls(ToolCall.of("c3", "lookup", "{bad"));
    LoopResult failClosed = FunctionInvokingLoop.builder(m2).tools(tool("lookup"))
        .approvalRequiredWhen(call -> call.argumentsJson().startsWith("{bad") && Integer.parseInt("x") > 0)
        .build().run(List.of(Message.user("look")));
    assertThat(failClosed.pending()).extracting(ApprovalRequest::callId).containsExactly("c3");
  }

  @Test
  void resolvingSomeOfThePendingCallsRunsThemAndKeepsWaitingForTheRest() {
    model.thenCalls(pay("c1", "bob"), pay("c2", "ann")).thenText("both paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay both")));
    LoopResult half = loop(model).build().run(plus(asked.history(),
        answers(ApprovalResponse.approve(asked.pending().get(1)))));
    assertThat(half.status()).isEqualTo(Status.AWAITING);
    assertThat(half.pending()).extracting(ApprovalRequest::callId).containsExactly("c1");
    assertThat(ran).containsExactly("pay{\"to\":\"ann\",\"amount\":5}");
    assertThat(model.requests).hasSize(1);
    assertThat(HistoryGuard.ofDefaults().check(half.history())).isEmpty();

    LoopResult done = loop(model).build().run(plus(half.history(),
        answers(ApprovalResponse.approve(half.pending().get(0)))));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.history().get(1).toolCalls()).extracting(ToolCall::callId).containsExactly("c1", "c2");
    assertThat(done.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactly("c2");
    assertThat(done.history().get(3).toolResults()).extracting(ToolResult::callId).containsExactly("c1");
  }

  @Test
  void otherCallsCanWaitForTheApprovalAndRunOnResume() {
    model.thenCalls(pay("c1", "bob"), ToolCall.of("c2", "lookup", "{}")).thenText("ok");
    FunctionInvokingLoop waiting = loop(model).config(LoopConfig.from(payNeedsApproval)
        .runOthersWhileAwaitingApproval(false).build()).build();
    LoopResult asked = waiting.run(List.of(Message.user("go")));
    assertThat(ran).isEmpty();
    assertThat(asked.pending()).extracting(r -> r.metadata().get(Metadata.PENDING))
        .containsExactly(Metadata.PENDING_APPROVAL, Metadata.PENDING_DEFERRED);
    LoopResult done = waiting.run(plus(asked.history(), answers(ApprovalResponse.approve(asked.pending().get(0)))));
    assertThat(ran).containsExactlyInAnyOrder("pay{\"to\":\"bob\",\"amount\":5}", "lookup{}");
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void resumeIsIdempotentWhenTheBackendFailsWhileResuming() {
    model.thenCalls(pay("c1", "bob")).thenFail(new IllegalStateException("HTTP 503")).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay bob")));
    FunctionInvokingLoop loop = loop(model).build();
    List<Message> resume = plus(asked.history(), answers(ApprovalResponse.approve(asked.pending().get(0))));
    assertThatThrownBy(() -> loop.run(resume)).isInstanceOfSatisfying(LoopException.class,
        e -> assertThat(HistoryGuard.ofDefaults().check(e.history())).isEmpty());
    LoopResult retried = loop.run(resume);
    assertThat(retried.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).hasSize(1);
  }

  @Test
  void signedApprovalsHonourOnlyResponsesBearingTheSignature() {
    ApprovalSigner signer = ApprovalSigner.hmacSha256("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    model.thenCalls(pay("c1", "bob")).thenText("paid");
    LoopResult asked = loop(model).signApprovals(signer).build().run(List.of(Message.user("pay bob")));
    ApprovalRequest request = asked.pending().get(0);
    assertThat(request.metadata()).containsKey(Metadata.SIGNATURE);

    ApprovalResponse unsigned = new ApprovalResponse("c1", request.call(), new ApprovalResponse.Decision.Approve(),
        Map.of());
    assertThatThrownBy(() -> loop(model).signApprovals(signer).build().run(plus(asked.history(), answers(unsigned))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSIGNED));

    ApprovalResponse forged = new ApprovalResponse("c1", request.call(), new ApprovalResponse.Decision.Approve(),
        Map.of(Metadata.SIGNATURE, "AAAA"));
    assertThatThrownBy(() -> loop(model).signApprovals(signer).build().run(plus(asked.history(), answers(forged))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FORGED));

    // a request planted in the history by someone without the key
    List<Message> planted = List.of(Message.user("x"), Message.assistant(ApprovalRequest.of(pay("c7", "eve"))));
    ApprovalResponse forPlanted = ApprovalResponse.approve((ApprovalRequest) planted.get(1).contents().get(0));
    assertThatThrownBy(() -> loop(model).signApprovals(signer).build().run(plus(planted, answers(forPlanted))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FORGED));
    assertThat(ran).isEmpty();

    LoopResult done = loop(model).signApprovals(signer).build().run(copy(plus(asked.history(),
        answers(ApprovalResponse.approve(request)))));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(ran).hasSize(1);
  }

  @Test
  void clientSideToolsSuspendAndAcceptTheirResultByCallId() {
    ToolSpec location = ToolSpec.of("device_location", "where the phone is");
    model.thenCalls(ToolCall.of("c1", "device_location", "{}")).thenText("you are in Paris")
        .thenCalls(ToolCall.of("c2", "device_location", "{}")).thenText("still Paris");
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).clientTool(location).build();
    LoopResult asked = loop.run(List.of(Message.user("where am I?")));
    assertThat(asked.status()).isEqualTo(Status.AWAITING);
    assertThat(asked.pending().get(0).metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_CLIENT);
    assertThat(model.requests.get(0).tools()).extracting(ToolSpec::name).containsExactly("device_location");

    LoopResult done = loop.run(plus(copy(asked.history()), Message.tool(ToolResult.of("c1", null, "48.85,2.35"))));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.history().get(2).toolResults().get(0).output()).isEqualTo("48.85,2.35");

    LoopResult again = loop.run(plus(done.history(), Message.user("and now?")));
    assertThatThrownBy(() -> loop.run(plus(again.history(), answers(ApprovalResponse.approve(again.pending().get(0))))))
        .isInstanceOfSatisfying(ApprovalException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_KIND));
    LoopResult answered = loop.run(plus(again.history(),
        answers(ApprovalResponse.respondWith(again.pending().get(0), "48.85,2.35"))));
    assertThat(answered.text()).isEqualTo("still Paris");
  }

  @Test
  void opaqueItemsStayBeforeTheCallTheyBelongTo() {
    Opaque reasoning = Opaque.of("reasoning", "rs_1");
    model.then(Message.assistant(reasoning, pay("c1", "bob"))).thenText("paid");
    LoopResult asked = loop(model).build().run(List.of(Message.user("pay")));
    assertThat(asked.history().get(1).contents().get(0)).isEqualTo(reasoning);
    LoopResult done = loop(model).build().run(plus(asked.history(), answers(ApprovalResponse.approve(asked.pending().get(0)))));
    assertThat(done.history().get(1).contents()).containsExactly(reasoning, pay("c1", "bob"));
  }
}
