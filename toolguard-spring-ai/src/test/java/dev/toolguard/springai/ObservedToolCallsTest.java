package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.micrometer.ToolguardObservations;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.testkit.Reply;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation.HighCardinalityKeyNames;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation.LowCardinalityKeyNames;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Observations through the real path: a ChatClient made by the application, customized by the
 * auto-configuration, over Spring AI's OpenAiChatModel against the referee, with the application's
 * ObservationRegistry a {@link TestObservationRegistry}. Spring AI's own tool call observation is there
 * with its tags, nested in toolguard's, which Boot wired to the same registry.
 */
class ObservedToolCallsTest extends RefereeSupport {

  /** A tool of the application. */
  static final class Forecast {
    final AtomicInteger calls = new AtomicInteger();

    @Tool(description = "The forecast for a city")
    String forecast(String city) {
      calls.incrementAndGet();
      return "sunny in " + city;
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
      .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
      .withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().build())
      .withPropertyValues("toolguard.use-chat-memory=true");

  private static String ask(ChatClientCustomizer customizer, String conversation, Forecast tool) {
    ChatClient.Builder builder = ChatClient.builder(model);
    customizer.customize(builder);
    return builder.build().prompt().user("Forecast for Paris?").tools(tool)
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation)).call().content();
  }

  @Test
  void aToolCallMakesSpringAisOwnObservationWithItsTagsNestedInToolguards() {
    referee.script().enqueue(Reply.toolCall("forecast", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    runner.run(context -> {
      TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
      Forecast forecast = new Forecast();

      String answer = ask(context.getBean(ChatClientCustomizer.class), "conv-boot", forecast);

      assertThat(answer).isEqualTo("Sunny.");
      assertThat(forecast.calls).hasValue(1);
      assertThat(referee.rejections()).isEmpty();
      TestObservationRegistryAssert.assertThat(registry)
          .doesNotHaveAnyRemainingCurrentObservation()
          .hasNumberOfObservationsWithNameEqualTo("spring.ai.tool", 1)
          .hasObservationWithNameEqualTo("spring.ai.tool").that()
          .hasBeenStarted().hasBeenStopped()
          .hasContextualNameEqualTo("execute_tool forecast")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.TOOL_DEFINITION_NAME.asString(), "forecast")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_OPERATION_TYPE.asString(), "execute_tool")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_PROVIDER.asString(), "spring_ai")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.SPRING_AI_KIND.asString(), "tool_call")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.TOOL_TYPE.asString(), "function")
          .hasHighCardinalityKeyValue(HighCardinalityKeyNames.TOOL_CALL_ID.asString(), "call_1")
          .hasParentObservationContextMatching(c -> c.getName().equals(ToolguardObservations.TOOL_CALL));
      TestObservationRegistryAssert.assertThat(registry)
          .hasObservationWithNameEqualTo(ToolguardObservations.TOOL_CALL).that()
          .hasLowCardinalityKeyValue(ToolguardObservations.OPERATION_NAME, "execute_tool")
          .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "forecast")
          .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "ok")
          .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-boot");
      TestObservationRegistryAssert.assertThat(registry)
          .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.MODEL_REQUEST, 2)
          .hasObservationWithNameEqualTo(ToolguardObservations.RUN).that()
          .hasLowCardinalityKeyValue(ToolguardObservations.STATUS, "completed")
          .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-boot");
    });
  }

  @Test
  void withObservationsOffToolguardObservesNothingAndSpringAisToolObservationStays() {
    referee.script().enqueue(Reply.toolCall("forecast", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    runner.withPropertyValues("toolguard.observations.enabled=false").run(context -> {
      TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);

      assertThat(ask(context.getBean(ChatClientCustomizer.class), "conv-off", new Forecast())).isEqualTo("Sunny.");

      TestObservationRegistryAssert.assertThat(registry)
          .hasNumberOfObservationsWithNameEqualTo("spring.ai.tool", 1)
          .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.RUN, 0)
          .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.TOOL_CALL, 0);
    });
  }

  @Test
  void withoutAnObservationRegistryBeanTheAdvisorObservesNothingAndStillRuns() {
    referee.script().enqueue(Reply.toolCall("forecast", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
        .run(context -> {
          assertThat(context).doesNotHaveBean(ObservationRegistry.class);
          Forecast forecast = new Forecast();
          ChatClient.Builder builder = ChatClient.builder(model);
          context.getBean(ChatClientCustomizer.class).customize(builder);

          assertThat(builder.build().prompt().user("Paris?").tools(forecast).call().content()).isEqualTo("Sunny.");
          assertThat(forecast.calls).hasValue(1);
        });
  }

  @Test
  void aBrokenStoredConversationIsCountedInTheApplicationsMeterRegistry() {
    referee.script().enqueue(Reply.text("Fine."));
    MessageWindowChatMemory memory = MessageWindowChatMemory.builder().build();
    // a call stored without its result (a crash between the two), then the user went on
    memory.add("conv-broken", List.of(new UserMessage("Forecast?"), AssistantMessage.builder().content("")
        .toolCalls(List.of(new AssistantMessage.ToolCall("call_9", "function", "forecast", "{}"))).build()));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
        .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
        .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(ChatMemory.class, () -> memory)
        .withPropertyValues("toolguard.use-chat-memory=true")
        .run(context -> {
          ChatClient.Builder builder = ChatClient.builder(model);
          context.getBean(ChatClientCustomizer.class).customize(builder);

          String answer = builder.build().prompt().user("Never mind.").tools(new Forecast())
              .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-broken")).call().content();

          assertThat(answer).isEqualTo("Fine.");
          assertThat(referee.rejections()).isEmpty();
          SimpleMeterRegistry meters = context.getBean(SimpleMeterRegistry.class);
          assertThat(meters.get(ToolguardObservations.VIOLATIONS)
              .tag(ToolguardObservations.VIOLATION_CODE, "MISSING_RESULT").counter().count()).isEqualTo(1.0);
          assertThat(meters.get(ToolguardObservations.REPAIRS)
              .tag(ToolguardObservations.REPAIR_ACTION, "synthesize").counter().count()).isEqualTo(1.0);
          TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
              .hasObservationWithNameEqualTo(ToolguardObservations.REPAIR).that()
              .hasLowCardinalityKeyValue(ToolguardObservations.REPAIR_ACTION, "synthesize")
              .hasHighCardinalityKeyValue(ToolguardObservations.CONVERSATION_ID, "conv-broken");
        });
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void toolguardsRunNestsInTheChatClientsObservationCalledOrStreamed(boolean stream) {
    referee.script().enqueue(Reply.toolCall("forecast", "{\"city\":\"Paris\"}"), Reply.text("Sunny."));
    runner.run(context -> {
      TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
      ChatClient.Builder builder = ChatClient.builder(model, registry, null, null);
      context.getBean(ChatClientCustomizer.class).customize(builder);
      ChatClient.ChatClientRequestSpec spec = builder.build().prompt().user("Forecast for Paris?").tools(new Forecast())
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv-nest"));

      String answer = stream ? String.join("", spec.stream().content().collectList().block()) : spec.call().content();

      assertThat(answer).isEqualTo("Sunny.");
      TestObservationRegistryAssert.assertThat(registry)
          .hasObservationWithNameEqualTo(ToolguardObservations.RUN).that()
          .hasParentObservationContextMatching(c -> c.getName().startsWith("spring.ai."));
      TestObservationRegistryAssert.assertThat(registry)
          .hasObservationWithNameEqualTo("spring.ai.tool").that()
          .hasParentObservationContextMatching(c -> c.getName().equals(ToolguardObservations.TOOL_CALL));
    });
  }
}
