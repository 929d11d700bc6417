package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.springai.autoconfigure.ToolGuardProperties;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.validation.ObjectError;

/**
 * The {@code toolguard.*} properties: their generated metadata (one per {@link LoopConfig} setting, each
 * described), their defaults ({@link LoopConfig#ofDefaults()}), their binding, and the start-up errors of
 * bad values, which name the property.
 */
class ToolGuardPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class));

  /** The properties of the generated metadata, by name. */
  private static Map<String, JsonNode> metadata() throws Exception {
    try (InputStream in = ToolGuardProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json of toolguard-spring-ai").isNotNull();
      Map<String, JsonNode> out = new LinkedHashMap<>();
      for (JsonNode p : new ObjectMapper().readTree(in).get("properties")) {
        out.put(p.get("name").asText(), p);
      }
      return out;
    }
  }

  /** The validation errors of a context that failed to start, as their messages. */
  private static List<String> validationErrors(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindValidationException e) {
        return e.getValidationErrors().getAllErrors().stream().map(ObjectError::getDefaultMessage).toList();
      }
    }
    throw new AssertionError("no BindValidationException in " + failure);
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  @Test
  void maxIterationsZeroStopsTheStartNamingTheProperty() {
    runner.withPropertyValues("toolguard.max-iterations=0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(validationErrors(context.getStartupFailure()))
          .containsExactly("toolguard.max-iterations must be at least 1, was 0");
    });
  }

  @Test
  void everyBadValueIsNamedInOneStartupError() {
    runner.withPropertyValues("toolguard.max-concurrency=-2", "toolguard.call-timeout=0s",
        "toolguard.max-output-length=0", "toolguard.rejection-text= ", "toolguard.sequential-tools=a, ,b",
        "toolguard.max-consecutive-errors=0").run(context -> {
          assertThat(context).hasFailed();
          assertThat(validationErrors(context.getStartupFailure())).containsExactlyInAnyOrder(
              "toolguard.max-concurrency must be at least 1, was -2",
              "toolguard.call-timeout must be a positive duration (e.g. 30s, 5m, 7d), was PT0S",
              "toolguard.max-output-length must be at least 1, was 0",
              "toolguard.max-consecutive-errors must be at least 1, was 0",
              "toolguard.rejection-text must not be blank: the model reads it",
              "toolguard.sequential-tools holds a blank tool name");
        });
  }

  @Test
  void everyLoopConfigSettingIsAPropertyWithADescription() throws Exception {
    Map<String, JsonNode> metadata = metadata();
    Set<String> settings = new TreeSet<>();
    for (Method m : LoopConfig.Builder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.getName().equals("build")) {
        settings.add("toolguard." + kebab(m.getName()));
      }
    }
    assertThat(settings).hasSizeGreaterThan(15);
    assertThat(metadata.keySet()).containsAll(settings);
    List<String> undescribed = new ArrayList<>();
    metadata.forEach((name, p) -> {
      if (!p.hasNonNull("description") || p.get("description").asText().isBlank()) {
        undescribed.add(name);
      }
    });
    assertThat(undescribed).as("properties without a description").isEmpty();
    // a misspelt property is not in the metadata, so IDEs flag it
    assertThat(metadata).doesNotContainKey("toolguard.max-iteration").containsKey("toolguard.max-iterations");
    assertThat(metadata.get("toolguard.max-iterations").get("defaultValue").asInt())
        .isEqualTo(LoopConfig.ofDefaults().maxIterations());
    assertThat(metadata.get("toolguard.rejection-text").get("defaultValue").asText())
        .isEqualTo(LoopConfig.DEFAULT_REJECTION_TEXT);
    assertThat(metadata.get("toolguard.not-answered-text").get("defaultValue").asText())
        .isEqualTo(LoopConfig.DEFAULT_NOT_ANSWERED_TEXT);
    assertThat(metadata.get("toolguard.outcome-unknown-text").get("defaultValue").asText())
        .isEqualTo(LoopConfig.DEFAULT_OUTCOME_UNKNOWN_TEXT);
    assertThat(metadata).containsKeys("toolguard.enabled", "toolguard.register-advisor", "toolguard.guard-chat-memory",
        "toolguard.journal", "toolguard.memory.store", "toolguard.memory.repository", "toolguard.observations.enabled");
  }

  @Test
  void theDefaultsAreLoopConfigsDefaults() throws Exception {
    LoopConfig bound = new ToolGuardProperties().toLoopConfig();
    LoopConfig defaults = LoopConfig.ofDefaults();
    for (Method m : LoopConfig.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
          && !m.getName().equals("toString")) {
        assertThat(m.invoke(bound)).as(m.getName()).isEqualTo(m.invoke(defaults));
      }
    }
  }

  @Test
  void everySettingIsBound() {
    runner.withPropertyValues("toolguard.max-consecutive-errors=5", "toolguard.unknown-tool-policy=end-loop",
        "toolguard.pending-policy=fail", "toolguard.run-others-while-awaiting-approval=false",
        "toolguard.sequential-tools=ledger,mailer", "toolguard.rejection-text=No: {reason}",
        "toolguard.not-answered-text=Skipped.", "toolguard.outcome-unknown-text=Check {tool}.",
        "toolguard.max-arguments-length=2048", "toolguard.max-output-length=4096",
        "toolguard.inline-single-calls=false", "toolguard.max-iterations=3", "toolguard.max-calls-per-request=7",
        "toolguard.max-concurrency=2", "toolguard.call-timeout=5s", "toolguard.detailed-errors=true",
        "toolguard.approval-required=pay", "toolguard.history-policy=reject", "toolguard.claim-lease=1m",
        "toolguard.claim-wait=3s", "toolguard.approval-ttl=2h").run(context -> {
          LoopConfig c = context.getBean(ToolGuardAdvisor.class).config();
          assertThat(c.maxConsecutiveErrors()).isEqualTo(5);
          assertThat(c.unknownToolPolicy()).isEqualTo(LoopConfig.UnknownToolPolicy.END_LOOP);
          assertThat(c.pendingPolicy()).isEqualTo(LoopConfig.PendingPolicy.FAIL);
          assertThat(c.runOthersWhileAwaitingApproval()).isFalse();
          assertThat(c.sequentialTools()).containsExactlyInAnyOrder("ledger", "mailer");
          assertThat(c.rejectionText()).isEqualTo("No: {reason}");
          assertThat(c.notAnsweredText()).isEqualTo("Skipped.");
          assertThat(c.outcomeUnknownText()).isEqualTo("Check {tool}.");
          assertThat(c.maxArgumentsLength()).isEqualTo(2048);
          assertThat(c.maxOutputLength()).isEqualTo(4096);
          assertThat(c.inlineSingleCalls()).isFalse();
          assertThat(c.maxIterations()).isEqualTo(3);
          assertThat(c.maxCallsPerRequest()).isEqualTo(7);
          assertThat(c.maxConcurrency()).isEqualTo(2);
          assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(c.detailedErrors()).isTrue();
          assertThat(c.approvalRequired()).containsExactly("pay");
          assertThat(c.historyPolicy()).isEqualTo(LoopConfig.HistoryPolicy.REJECT);
          assertThat(c.claimLease()).isEqualTo(Duration.ofMinutes(1));
          assertThat(c.claimWait()).isEqualTo(Duration.ofSeconds(3));
          assertThat(c.approvalTtl()).isEqualTo(Duration.ofHours(2));
        });
  }

  @Test
  void theAutoConfigurationIsNotRegisteredByThisModule() {
    // the starter registers it: toolguard-spring-ai on the class path takes over no ChatClient by itself
    List<String> candidates = org.springframework.boot.context.annotation.ImportCandidates
        .load(org.springframework.boot.autoconfigure.AutoConfiguration.class, getClass().getClassLoader())
        .getCandidates();
    assertThat(candidates).doesNotContain(ToolGuardAutoConfiguration.class.getName());
  }

  @Test
  void theReadmesPropertiesTableListsExactlyTheMetadatasProperties() throws Exception {
    Set<String> documented = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(toolguard\\.[a-z.-]+)` \\|")
        .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("README.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).isEqualTo(new TreeSet<>(metadata().keySet()));
  }
}
