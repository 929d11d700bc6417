package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopRun;
import dev.toolguard.micrometer.ToolguardObservations;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.testkit.Reply;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link ToolGuardRepairAdvisor} reports its repairs and the violations it found through a {@link
 * LoopListener}: a ChatClient over Spring AI's OpenAiChatModel against the referee, with a broken history
 * (a user message between a call and its result) that the referee would reject.
 */
class RepairAdvisorListenerTest extends RefereeSupport {

  /** What a listener was told, with the run it was told of. */
  record Event(String kind, LoopRun run, List<Violation> violations, List<RepairAction> actions) {}

  /** A listener that records every repair and violation. */
  static final class Recording implements LoopListener {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void onViolations(LoopRun run, List<Violation> violations) {
      events.add(new Event("violations", run, violations, List.of()));
    }

    @Override
    public void onRepair(LoopRun run, RepairResult repair) {
      events.add(new Event("repair", run, List.of(), repair.actions()));
    }
  }

  @Test
  void theRefereeRejectsTheBrokenHistoryWithoutTheAdvisor() {
    referee.script().enqueue(Reply.text("never"));
    ChatClient bare = ChatClient.builder(model).build();

    assertThatThrownBy(() -> bare.prompt().messages(ToolGuardRepairAdvisorTest.interleaved()).call().content())
        .hasMessageContaining("400");
  }

  @Test
  void repairsAndViolationsBecomeObservationsWithTheirTagsAndTheConversationId() {
    referee.script().enqueue(Reply.text("Sunny in both."));
    TestObservationRegistry registry = TestObservationRegistry.create();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardRepairAdvisor.create().withLoopListener(ToolguardObservations.of(registry)))
        .build();

    String answer = client.prompt().messages(ToolGuardRepairAdvisorTest.interleaved())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-repair")).call().content();

    assertThat(answer).isEqualTo("Sunny in both.");
    assertThat(referee.rejections()).isEmpty();
    TestObservationRegistryAssert.assertThat(registry)
        .doesNotHaveAnyRemainingCurrentObservation()
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.REPAIR, 1)
        .hasObservationWithNameEqualTo(ToolguardObservations.REPAIR).that()
        .hasBeenStarted().hasBeenStopped()
        .hasLowCardinalityKeyValue(ToolguardObservations.REPAIR_ACTION, "move")
        .hasLowCardinalityKeyValue(ToolguardObservations.DIALECT, "openai-chat") // picked from the request's OpenAiChatOptions
        .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-repair")
        .hasHighCardinalityKeyValue(ToolguardObservations.TOOL_CALL_ID, "call_1");
    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo(ToolguardObservations.VIOLATION).that()
        .hasBeenStarted().hasBeenStopped()
        .hasLowCardinalityKeyValue(ToolguardObservations.VIOLATION_CODE, ViolationCode.MISPLACED_RESULT.name())
        .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-repair")
        .hasHighCardinalityKeyValue(ToolguardObservations.TOOL_CALL_ID, "call_1");
    TestObservationRegistryAssert.assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.RUN, 0);
  }

  @Test
  void aRecordingListenerHearsTheViolationsThenTheRepairOfEachRequestWithItsConversation() {
    referee.script().enqueue(Reply.text("Sunny."), Reply.text("Still sunny."));
    Recording recording = new Recording();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardRepairAdvisor.create().withLoopListener(recording)).build();

    client.prompt().messages(ToolGuardRepairAdvisorTest.interleaved())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-a")).call().content();
    String streamed = String.join("", client.prompt().messages(ToolGuardRepairAdvisorTest.interleaved())
        .stream().content().collectList().block());

    assertThat(streamed).isEqualTo("Still sunny.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(recording.events).extracting(Event::kind)
        .containsExactly("violations", "repair", "violations", "repair");
    Event violations = recording.events.get(0);
    Event repair = recording.events.get(1);
    assertThat(violations.violations()).extracting(Violation::code).contains(ViolationCode.MISPLACED_RESULT);
    assertThat(violations.violations()).extracting(Violation::callId).contains("call_1");
    assertThat(repair.actions()).extracting(RepairAction::kind).contains(RepairAction.Kind.MOVE);
    assertThat(repair.run()).isSameAs(violations.run());
    assertThat(repair.run().conversationKey()).isEqualTo("conv-a");
    assertThat(repair.run().streaming()).isFalse();
    assertThat(repair.run().dialect()).as("picked from the request's OpenAiChatOptions").isEqualTo(dev.toolguard.core.Dialect.OPENAI_CHAT);
    LoopRun second = recording.events.get(3).run();
    assertThat(second.conversationKey()).isNull();
    assertThat(second.streaming()).isTrue();
    assertThat(second.runId()).isNotEqualTo(repair.run().runId());
  }

  @Test
  void aValidHistoryIsReportedToNobody() {
    referee.script().enqueue(Reply.text("bye"));
    Recording recording = new Recording();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardRepairAdvisor.create().withLoopListener(recording)).build();

    client.prompt().messages(List.of(new UserMessage("hi"), new AssistantMessage("hello"), new UserMessage("bye")))
        .call().content();

    assertThat(recording.events).isEmpty();
  }

  @Test
  void bootMakesTheRepairAdvisorWithTheApplicationsListenersAndToolguardsObservations() {
    referee.script().enqueue(Reply.text("Sunny."));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
        .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
        .withBean(Recording.class, Recording::new)
        .run(context -> {
          ChatClient client = ChatClient.builder(model)
              .defaultAdvisors(context.getBean(ToolGuardRepairAdvisor.class)).build();

          client.prompt().messages(ToolGuardRepairAdvisorTest.interleaved())
              .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-boot")).call().content();

          assertThat(referee.rejections()).isEmpty();
          assertThat(context.getBean(Recording.class).events).extracting(Event::kind)
              .containsExactly("violations", "repair");
          TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
              .hasObservationWithNameEqualTo(ToolguardObservations.REPAIR).that()
              .hasLowCardinalityKeyValue(ToolguardObservations.REPAIR_ACTION, "move")
              .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-boot");
          TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
              .hasObservationWithNameEqualTo(ToolguardObservations.VIOLATION).that()
              .hasLowCardinalityKeyValue(ToolguardObservations.VIOLATION_CODE, ViolationCode.MISPLACED_RESULT.name());
        });
  }

  @Test
  void anApplicationsOwnRepairAdvisorWins() {
    ToolGuardRepairAdvisor own = ToolGuardRepairAdvisor.create().withOrder(7);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
        .withBean(ToolGuardRepairAdvisor.class, () -> own)
        .run(context -> assertThat(context.getBean(ToolGuardRepairAdvisor.class)).isSameAs(own));
  }

  @Test
  void aNullListenerIsRefusedByName() {
    assertThatThrownBy(() -> ToolGuardRepairAdvisor.create().withLoopListener(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listener");
  }
}
