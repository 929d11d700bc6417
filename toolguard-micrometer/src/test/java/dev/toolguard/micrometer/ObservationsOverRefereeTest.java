package dev.toolguard.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener on the real path: the loop over the HTTP backend against the testkit referee, observed
 * into a {@link TestObservationRegistry}.
 */
class ObservationsOverRefereeTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();
  private TestObservationRegistry registry;

  @BeforeEach
  void reset() {
    registry = TestObservationRegistry.create();
  }

  private static HttpChatBackend backend() {
    return HttpChatBackend.of(Dialect.OPENAI_CHAT, HttpBackendConfig.builder().baseUrl(REFEREE.get().openAiBaseUrl())
        .apiKey("test-key").model("gpt-4.1-mini").build());
  }

  private static LoopTool tool(String name, LoopTool.Function body) {
    return LoopTool.of(new ToolSpec(name, "The " + name + " tool",
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), body);
  }

  @Test
  void aRunItsRequestsAndItsToolCallAreObservedWithTheirTagsAndTheConversation() {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .dialect(Dialect.OPENAI_CHAT)
        .tools(tool("weather", args -> "sunny"))
        .listener(ToolguardObservations.of(registry))
        .build();

    LoopResult r = loop.run("conv-42", List.of(Message.user("Weather in Paris?")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(registry)
        .doesNotHaveAnyRemainingCurrentObservation()
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.RUN, 1)
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.MODEL_REQUEST, 2)
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.TOOL_CALL, 1)
        .hasObservationWithNameEqualTo(ToolguardObservations.RUN).that()
        .hasBeenStarted().hasBeenStopped()
        .hasLowCardinalityKeyValue(ToolguardObservations.DIALECT, "openai-chat")
        .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "completed")
        .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-42")
        .hasHighCardinalityKeyValue(ToolguardObservations.ITERATIONS, "2");
    assertThat(registry).hasObservationWithNameEqualTo(ToolguardObservations.TOOL_CALL).that()
        .hasContextualNameEqualTo("execute_tool weather")
        .hasLowCardinalityKeyValue(ToolguardObservations.OPERATION_NAME, "execute_tool")
        .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "weather")
        .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "ok")
        .hasLowCardinalityKeyValue(ToolguardObservations.DIALECT, "openai-chat")
        .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-42")
        .hasHighCardinalityKeyValue(ToolguardObservations.TOOL_CALL_ID, r.history().get(1).toolCalls().get(0).callId())
        .hasParentObservationContextMatching(c -> c.getName().equals(ToolguardObservations.RUN));
    assertThat(registry).hasObservationWithNameEqualTo(ToolguardObservations.MODEL_REQUEST).that()
        .hasLowCardinalityKeyValue(ToolguardObservations.OPERATION_NAME, "chat")
        .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "ok")
        .hasParentObservationContextMatching(c -> c.getName().equals(ToolguardObservations.RUN));
  }

  @Test
  void whatATimesOutOrFailsIsAnErrorAndParallelCallsAreEachObservedOnTheirThread() {
    REFEREE.get().script().enqueue(
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"), Reply.call("broken", "{\"city\":\"Rome\"}")),
        Reply.text("Half known."));
    List<Observation> currentInTools = java.util.Collections.synchronizedList(new ArrayList<>());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .tools(tool("weather", args -> {
          currentInTools.add(registry.getCurrentObservation());
          return "sunny";
        }), tool("broken", args -> {
          currentInTools.add(registry.getCurrentObservation());
          throw new IllegalStateException("the weather service is down");
        }))
        .config(LoopConfig.custom().maxConcurrency(2).build())
        .listener(ToolguardObservations.of(registry))
        .build();

    loop.run(List.of(Message.user("Paris and Rome?")));

    assertThat(registry).doesNotHaveAnyRemainingCurrentObservation()
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.TOOL_CALL, 2)
        .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.TOOL_CALL)
            .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "broken")
            .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "error")
            .assertThatError().isInstanceOf(IllegalStateException.class))
        .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.TOOL_CALL)
            .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "weather")
            .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "ok"))
        .hasObservationWithNameEqualTo(ToolguardObservations.RUN).that()
        .doesNotHaveHighCardinalityKeyValueWithKey(ToolguardObservations.CONVERSATION_ID);
    // each tool ran with its own call's observation current on its thread: what it observes nests there
    assertThat(currentInTools).hasSize(2).allSatisfy(o -> {
      assertThat(o).isNotNull();
      assertThat(o.getContext().getName()).isEqualTo(ToolguardObservations.TOOL_CALL);
    });
    assertThat(currentInTools.get(0)).isNotSameAs(currentInTools.get(1));
  }

  @Test
  void aBackendFailureEndsTheRequestAndTheRunAsErrors() {
    REFEREE.get().faults().add(Fault.serverError(), Fault.serverError(), Fault.serverError(), Fault.serverError());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .listener(ToolguardObservations.of(registry))
        .build();

    assertThatThrownBy(() -> loop.run(List.of(Message.user("Hello?")))).isInstanceOf(LoopException.class);

    assertThat(registry).doesNotHaveAnyRemainingCurrentObservation()
        .hasObservationWithNameEqualTo(ToolguardObservations.MODEL_REQUEST).that()
        .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "error")
        .assertThatError().isNotNull();
    assertThat(registry).hasObservationWithNameEqualTo(ToolguardObservations.RUN).that()
        .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "error")
        .assertThatError().isInstanceOf(LoopException.class);
  }

  @Test
  void aBrokenHistoryIsCountedByViolationCodeAndRepairAction() {
    REFEREE.get().script().enqueue(Reply.text("Done."));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .tools(tool("weather", args -> "sunny"))
        .listener(ToolguardObservations.of(registry, meters))
        .build();
    // a call that never got its result, and a user who went on
    List<Message> broken = List.of(Message.user("Weather?"),
        Message.assistant(ToolCall.of("call_1", "weather", "{\"city\":\"Paris\"}")),
        Message.user("Never mind, thanks."));

    LoopResult r = loop.run("conv-7", broken);

    assertThat(r.repairs()).isNotEmpty();
    assertThat(registry)
        .hasObservationWithNameEqualTo(ToolguardObservations.VIOLATION).that()
        .hasLowCardinalityKeyValue(ToolguardObservations.VIOLATION_CODE, "MISSING_RESULT")
        .hasHighCardinalityKeyValue(ToolguardObservations.TOOL_CALL_ID, "call_1")
        .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-7");
    assertThat(registry)
        .hasObservationWithNameEqualTo(ToolguardObservations.REPAIR).that()
        .hasLowCardinalityKeyValue(ToolguardObservations.REPAIR_ACTION, "synthesize")
        .hasParentObservationContextMatching(c -> c.getName().equals(ToolguardObservations.RUN));
    assertThat(meters.get(ToolguardObservations.VIOLATIONS)
        .tag(ToolguardObservations.VIOLATION_CODE, "MISSING_RESULT").counter().count()).isEqualTo(1.0);
    assertThat(meters.get(ToolguardObservations.REPAIRS)
        .tag(ToolguardObservations.REPAIR_ACTION, "synthesize").counter().count()).isEqualTo(1.0);
  }

  @Test
  void anApprovalIsObservedWhenAskedForAndWhenDecided() {
    REFEREE.get().script().enqueue(Reply.toolCall("pay", "{\"city\":\"Paris\"}"), Reply.text("Paid."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .tools(tool("pay", args -> "paid"))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .listener(ToolguardObservations.of(registry))
        .build();

    LoopResult asked = loop.run("conv-9", List.of(Message.user("Pay the hotel.")));
    assertThat(asked.status()).isEqualTo(LoopResult.Status.AWAITING);
    ApprovalRequest request = asked.pending().get(0);
    List<Message> answered = new ArrayList<>(asked.history());
    answered.add(Message.of(Role.USER, ApprovalResponse.approve(request)));
    LoopResult done = loop.run("conv-9", answered);

    assertThat(done.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(registry).doesNotHaveAnyRemainingCurrentObservation()
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.APPROVAL, 2)
        .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.APPROVAL)
            .hasLowCardinalityKeyValue(ToolguardObservations.APPROVAL_OUTCOME, "requested")
            .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "pay")
            .hasHighCardinalityKeyValue(ToolguardObservations.TOOL_CALL_ID, request.callId()))
        .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.APPROVAL)
            .hasLowCardinalityKeyValue(ToolguardObservations.APPROVAL_OUTCOME, "approved")
            .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-9"))
        .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.RUN)
            .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "awaiting"));
  }

  @Test
  void withTheNoopRegistryNothingIsObservedAndTheRunIsUnchanged() {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
        .tools(tool("weather", args -> "sunny"))
        .listener(ToolguardObservations.of(io.micrometer.observation.ObservationRegistry.NOOP))
        .build();

    LoopResult r = loop.run("conv-1", List.of(Message.user("Weather?")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Sunny.");
  }

  @Test
  void aNullRegistryIsRefusedNamingTheParameter() {
    assertThatThrownBy(() -> ToolguardObservations.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registry must not be null; pass ObservationRegistry.NOOP to observe nothing");
  }

  @Test
  void aToolAbandonedAtItsTimeoutIsAnErrorAndClosesItsScopeOnItsThreadWhenItReturns() throws Exception {
    REFEREE.get().script().enqueue(
        Reply.toolCalls(Reply.call("slow", "{\"city\":\"Paris\"}"), Reply.call("weather", "{\"city\":\"Rome\"}")),
        Reply.text("Rome only."));
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    // what is current on the tool's own thread once toolguard's listener has handled its late finish
    java.util.concurrent.CompletableFuture<java.util.Optional<Observation>> afterwards =
        new java.util.concurrent.CompletableFuture<>();
    dev.toolguard.core.loop.LoopListener probe = new dev.toolguard.core.loop.LoopListener() {
      @Override
      public void onToolFinished(dev.toolguard.core.loop.LoopRun run, ToolCall call, dev.toolguard.core.ToolResult result,
          Throwable failure, java.time.Duration took) {
        if (call.name().equals("slow") && Thread.currentThread().getName().startsWith("abandon-")) {
          afterwards.complete(java.util.Optional.ofNullable(registry.getCurrentObservation()));
        }
      }
    };
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool(
        r -> new Thread(r, "abandon-" + n.incrementAndGet()));
    try {
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend())
          .tools(tool("slow", args -> {
            // ignores the interrupt and returns only when released: abandoned at its timeout
            while (true) {
              try {
                release.await();
                return "late";
              } catch (InterruptedException e) {
                // keeps waiting
              }
            }
          }), tool("weather", args -> "sunny"))
          .executor(pool)
          .config(LoopConfig.custom().callTimeout(java.time.Duration.ofMillis(200)).build())
          .listener(dev.toolguard.core.loop.LoopListener.all(List.of(ToolguardObservations.of(registry), probe)))
          .build();

      LoopResult r = loop.run(List.of(Message.user("Paris and Rome?")));

      assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
      assertThat(registry).doesNotHaveAnyRemainingCurrentObservation()
          .hasAnObservation(o -> o.hasNameEqualTo(ToolguardObservations.TOOL_CALL)
              .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "slow")
              .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "error"));
      release.countDown();
      assertThat(afterwards.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }
}
