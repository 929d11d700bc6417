package dev.toolguard.hosting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.hosting.ResponsesEndpoint;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;

/**
 * The auto-configuration's switches and checks: off unless enabled, each bad property named in the
 * start-up failure, the application's own beans win.
 */
class HostingPropertiesTest {

  static final String SECRET = "a-secret-of-at-least-32-bytes-for-the-boot-test";

  @Configuration(proxyBeanMethods = false)
  static class Agent {
    @Bean
    ChatBackend model() {
      return HttpChatBackend.openAiResponses(HttpBackendConfig.builder().baseUrl("http://127.0.0.1:9/v1")
          .model("m").build());
    }

    @Bean
    FunctionInvokingLoop.Builder agent() {
      return FunctionInvokingLoop.builder();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEndpoint {
    @Bean
    ResponsesEndpoint myEndpoint(ChatBackend model, FunctionInvokingLoop.Builder agent) {
      return ResponsesEndpoint.builder(model, agent).secret(SECRET.getBytes(StandardCharsets.UTF_8))
          .basePath("/mine").build();
    }
  }

  final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ToolGuardHostingAutoConfiguration.class))
      .withUserConfiguration(Agent.class);

  @Test
  void offUnlessEnabled() {
    runner.withPropertyValues("toolguard.hosting.secret=" + SECRET).run(c -> {
      assertThat(c).hasNotFailed().doesNotHaveBean(ResponsesEndpoint.class);
      assertThat(c).doesNotHaveBean("toolGuardResponsesRoutes");
    });
  }

  @Test
  void enabledServesTheEndpointAtThePathOfTheProperty() {
    runner.withPropertyValues("toolguard.hosting.enabled=true", "toolguard.hosting.secret=" + SECRET,
        "toolguard.hosting.path=/api").run(c -> {
          assertThat(c).hasNotFailed().hasSingleBean(ResponsesEndpoint.class);
          assertThat(c.getBean(ResponsesEndpoint.class).path()).isEqualTo("/api/responses");
          assertThat(c.getBean("toolGuardResponsesRoutes")).isInstanceOf(RouterFunction.class);
        });
  }

  @Test
  void eachBadPropertyIsNamedInTheStartupFailure() {
    expectFailure("toolguard.hosting.secret is not set: set it to a random string of at least 32 characters");
    expectFailure("toolguard.hosting.secret is too short: 5 bytes, at least 32 are needed",
        "toolguard.hosting.secret=short");
    expectFailure("toolguard.hosting.path must start with '/' and not end with one", "toolguard.hosting.secret="
        + SECRET, "toolguard.hosting.path=v1/");
    expectFailure("toolguard.hosting.max-body-bytes must be at least 1024, was 10", "toolguard.hosting.secret="
        + SECRET, "toolguard.hosting.max-body-bytes=10");
    expectFailure("toolguard.hosting.answer-lease must be positive", "toolguard.hosting.secret=" + SECRET,
        "toolguard.hosting.answer-lease=0s");
  }

  @Test
  void theSecretIsNeverInTheFailure() {
    runner.withPropertyValues("toolguard.hosting.enabled=true", "toolguard.hosting.secret=hush-hush").run(c ->
        assertThat(c.getStartupFailure()).rootCause().message().doesNotContain("hush-hush"));
  }

  @Test
  void withoutTheAgentBeansTheFailureSaysWhatToDefine() {
    new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ToolGuardHostingAutoConfiguration.class))
        .withPropertyValues("toolguard.hosting.enabled=true", "toolguard.hosting.secret=" + SECRET)
        .run(c -> assertThat(c.getStartupFailure()).rootCause().message()
            .contains("toolguard.hosting.enabled=true needs exactly one ChatBackend bean"));
  }

  @Test
  void theApplicationsOwnEndpointWins() {
    runner.withUserConfiguration(OwnEndpoint.class).withPropertyValues("toolguard.hosting.enabled=true").run(c -> {
      assertThat(c).hasNotFailed().hasSingleBean(ResponsesEndpoint.class);
      assertThat(c.getBean(ResponsesEndpoint.class).path()).isEqualTo("/mine/responses");
    });
  }

  void expectFailure(String message, String... properties) {
    runner.withPropertyValues("toolguard.hosting.enabled=true").withPropertyValues(properties).run(c ->
        assertThat(c.getStartupFailure()).isNotNull().rootCause().message().startsWith(message));
  }
}
