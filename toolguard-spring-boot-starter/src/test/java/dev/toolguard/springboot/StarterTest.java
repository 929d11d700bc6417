package dev.toolguard.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.micrometer.ToolguardObservations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.Dialect;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardRepairAdvisor;
import java.io.InputStream;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter as an application uses it: a Spring Boot application with {@code @EnableAutoConfiguration}
 * and the starter on its class path gets toolguard's advisor on its ChatClients and its observations in
 * its ObservationRegistry, through Spring AI's OpenAiChatModel against the referee.
 */
class StarterTest {

  private static ProviderReferee referee;

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
  }

  @AfterAll
  static void stop() {
    referee.close();
  }

  /** The application: its registry, and nothing of toolguard's. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }

  /** A tool of the application. */
  static final class Weather {
    @Tool(description = "The weather in a city")
    String weather(String city) {
      return "sunny in " + city;
    }
  }

  private static ConfigurableApplicationContext run(String... properties) {
    return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
  }

  @Test
  void theStarterRegistersToolguardsAutoConfiguration() {
    List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
        .getCandidates();
    assertThat(candidates).contains(ToolGuardAutoConfiguration.class.getName());
  }

  @Test
  void anApplicationWithTheStarterRunsToolsThroughToolguardAndObservesThem() {
    referee.reset();
    referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Oslo\"}"), Reply.text("Sunny in Oslo."));
    try (ConfigurableApplicationContext context = run()) {
      assertThat(context.getBeansOfType(ToolGuardAdvisor.class)).hasSize(1);
      OpenAiChatModel model = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
          .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(0).build()).build();
      ChatClient.Builder builder = ChatClient.builder(model);
      context.getBeanProvider(ChatClientCustomizer.class).orderedStream().forEach(c -> c.customize(builder));

      String answer = builder.build().prompt().user("Weather in Oslo?").tools(new Weather()).call().content();

      assertThat(answer).isEqualTo("Sunny in Oslo.");
      assertThat(referee.rejections()).isEmpty();
      TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
          .hasNumberOfObservationsWithNameEqualTo("spring.ai.tool", 1)
          .hasNumberOfObservationsWithNameEqualTo(ToolguardObservations.RUN, 1)
          .hasObservationWithNameEqualTo(ToolguardObservations.TOOL_CALL).that()
          .hasLowCardinalityKeyValue(ToolguardObservations.TOOL_NAME, "weather")
          .hasLowCardinalityKeyValue(ToolguardObservations.OPERATION_NAME, "execute_tool");
    }
  }

  @Test
  void toolguardEnabledFalseTurnsAllOfItOff() {
    try (ConfigurableApplicationContext context = run("toolguard.enabled=false")) {
      assertThat(context.getBeansOfType(ToolGuardAdvisor.class)).isEmpty();
      assertThat(context.getBeansOfType(ChatClientCustomizer.class)).isEmpty();
    }
  }

  @Test
  void registerAdvisorFalseKeepsTheAdvisorBeanButLeavesTheChatClientsAlone() {
    try (ConfigurableApplicationContext context = run("toolguard.register-advisor=false")) {
      assertThat(context.getBeansOfType(ToolGuardAdvisor.class)).hasSize(1);
      assertThat(context.getBeansOfType(ChatClientCustomizer.class)).isEmpty();
    }
  }

  @Test
  void toolguardDialectSetsTheDialectOfBothAdvisors() {
    try (ConfigurableApplicationContext context = run("toolguard.dialect=mistral")) {
      assertThat(context.getBean(ToolGuardAdvisor.class).dialect()).isEqualTo(Dialect.MISTRAL);
      assertThat(context.getBean(ToolGuardRepairAdvisor.class).dialect()).isEqualTo(Dialect.MISTRAL);
    }
    try (ConfigurableApplicationContext context = run()) {
      // unset: picked per request from the chat options
      assertThat(context.getBean(ToolGuardAdvisor.class).dialect()).isNull();
      assertThat(context.getBean(ToolGuardRepairAdvisor.class).dialect()).isNull();
    }
  }

  @Test
  void aBadDialectStopsTheStartNamingThePropertyAndTheIds() {
    Throwable failure = catchThrowable(() -> run("toolguard.dialect=gemni").close());
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
      if (t instanceof BindValidationException e) {
        e.getValidationErrors().getAllErrors().forEach(err -> messages.append(err.getDefaultMessage()).append('\n'));
      }
    }
    assertThat(messages.toString()).contains("toolguard.dialect is 'gemni', which is no dialect; use one of"
        + " openai-chat, openai-responses, anthropic, gemini, bedrock-converse, mistral, ollama");
  }

  @Test
  void theMetadataNamesTheDialectPropertyAndItsValues() throws Exception {
    JsonNode metadata;
    try (InputStream in = ToolGuardAdvisor.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    JsonNode property = null;
    for (JsonNode p : metadata.get("properties")) {
      if (p.get("name").asText().equals("toolguard.dialect")) {
        property = p;
      }
    }
    assertThat(property).as("toolguard.dialect in the metadata").isNotNull();
    assertThat(property.get("type").asText()).isEqualTo("java.lang.String");
    assertThat(property.get("description").asText()).contains("wire format");
    List<String> values = new java.util.ArrayList<>();
    for (JsonNode h : metadata.get("hints")) {
      if (h.get("name").asText().equals("toolguard.dialect")) {
        h.get("values").forEach(v -> values.add(v.get("value").asText()));
      }
    }
    List<String> ids = java.util.Arrays.stream(Dialect.values()).map(Dialect::id).toList();
    assertThat(values).containsExactlyElementsOf(ids);
  }
}
