package dev.toolguard.springai;

import static dev.toolguard.springai.ScriptedChatModel.call;
import static dev.toolguard.springai.ScriptedChatModel.calls;
import static dev.toolguard.springai.ScriptedChatModel.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ToolGuardAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class));

  @Test
  void registersTheAdvisorWithTheDefaults() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(ToolGuardAdvisor.class).hasSingleBean(ChatClientCustomizer.class);
      LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
      assertThat(config.maxIterations()).isEqualTo(LoopConfig.ofDefaults().maxIterations());
      assertThat(config.maxConcurrency()).isEqualTo(LoopConfig.ofDefaults().maxConcurrency());
      assertThat(config.historyPolicy()).isEqualTo(LoopConfig.HistoryPolicy.REPAIR);
      assertThat(config.approvalRequired()).isEmpty();
    });
  }

  @Test
  void bindsTheToolguardProperties() {
    runner.withPropertyValues("toolguard.max-iterations=3", "toolguard.max-calls-per-request=9",
        "toolguard.max-concurrency=2", "toolguard.call-timeout=5s", "toolguard.detailed-errors=true",
        "toolguard.approval-required=pay,refund", "toolguard.history-policy=reject").run(context -> {
          LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
          assertThat(config.maxIterations()).isEqualTo(3);
          assertThat(config.maxCallsPerRequest()).isEqualTo(9);
          assertThat(config.maxConcurrency()).isEqualTo(2);
          assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(config.detailedErrors()).isTrue();
          assertThat(config.approvalRequired()).isEqualTo(Set.of("pay", "refund"));
          assertThat(config.historyPolicy()).isEqualTo(LoopConfig.HistoryPolicy.REJECT);
        });
  }

  @Test
  void aValueOutOfRangeFailsTheContextNamingTheSetting() {
    runner.withPropertyValues("toolguard.max-iterations=0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("maxIterations must be at least 1");
    });
  }

  @Test
  void isOffWhenDisabledOrWithoutSpringAi() {
    runner.withPropertyValues("toolguard.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ToolGuardAdvisor.class));
    runner.withClassLoader(new FilteredClassLoader(ChatClient.class))
        .run(context -> assertThat(context).doesNotHaveBean(ToolGuardAdvisor.class));
  }

  @Test
  void guardsChatMemoryBeansUnlessToldNotTo() {
    runner.withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().build()).run(context ->
        assertThat(context.getBean(ChatMemory.class)).isInstanceOf(ToolGuardChatMemory.class));
    runner.withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().build())
        .withPropertyValues("toolguard.guard-chat-memory=false")
        .run(context -> assertThat(context.getBean(ChatMemory.class)).isInstanceOf(MessageWindowChatMemory.class));
  }

  @Test
  void theCustomizerPutsTheAdvisorOnEveryChatClient() {
    runner.withPropertyValues("toolguard.approval-required=weather").run(context -> {
      ScriptedChatModel model = new ScriptedChatModel().reply(calls(call("call_1", "weather", "{\"city\":\"Oslo\"}")));
      ChatClient.Builder builder = ChatClient.builder(model);
      context.getBean(ChatClientCustomizer.class).customize(builder);
      ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();

      var response = builder.build().prompt().user("Oslo?").tools(weather).call().chatClientResponse();

      assertThat(ToolGuardSpringAi.pending(response)).hasSize(1);
      assertThat(weather.calls).hasValue(0);
    });
    runner.withPropertyValues("toolguard.register-advisor=false")
        .run(context -> assertThat(context).doesNotHaveBean(ChatClientCustomizer.class));
  }

  @Test
  void usesAListenerBeanWhenThereIsOne() {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    LoopListener listener = new LoopListener() {
      @Override
      public void onRequest(dev.toolguard.core.loop.ChatRequest request, int iteration) {
        requests.incrementAndGet();
      }
    };
    runner.withBean(LoopListener.class, () -> listener).run(context -> {
      ScriptedChatModel model = new ScriptedChatModel().reply(text("hi"));
      ChatClient client = ChatClient.builder(model).defaultAdvisors(context.getBean(ToolGuardAdvisor.class)).build();
      assertThat(client.prompt().user("hi").call().content()).isEqualTo("hi");
      assertThat(requests).hasValue(1);
    });
  }
}
