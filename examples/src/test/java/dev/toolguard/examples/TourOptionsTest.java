package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.examples.TourOptions.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TourOptionsTest {

  @Test
  void noArgumentsRunEveryScenarioForEveryWayAgainstTheReferee() {
    TourOptions o = TourOptions.parse();

    assertThat(o.scenarios()).containsExactly(Scenario.values());
    assertThat(o.ways()).containsExactly(Way.LANGCHAIN4J, Way.SPRING_AI, Way.OPENAI_JAVA, Way.LOOP, Way.CLI);
    assertThat(o.target()).isNull();
    assertThat(o.list()).isFalse();
    assertThat(o.help()).isFalse();
  }

  @Test
  void scenarioAndOnlyFilter() {
    TourOptions o = TourOptions.parse("--scenario", "late-result", "--only", "cli", "--only=loop,langchain4j");

    assertThat(o.scenarios()).containsExactly(Scenario.LATE_RESULT);
    assertThat(o.ways()).as("column order, whatever the order given").containsExactly(Way.LANGCHAIN4J, Way.LOOP, Way.CLI);
  }

  @Test
  void theScenarioNamesAreTheProtocolsNames() {
    assertThat(Scenario.ids()).containsExactly("user-between", "evicted-call", "replayed-mcp-output", "crash-after-call",
        "rewritten-ids", "approval-after-json", "approval-new-process", "duplicate-result", "late-result",
        "early-result", "parallel-split", "two-instances", "hosted-approval", "gemini-response-turn",
        "mistral-call-id", "bedrock-tool-result", "ollama-result-order");
    assertThat(Way.ids()).containsExactly("langchain4j", "spring-ai", "openai-java", "loop", "cli");
  }

  @Test
  void aRealProviderNeedsAllThreeValues() {
    TourOptions o = TourOptions.parse("--base-url", "https://api.example.com/v1/", "--api-key", "sk-1", "--model=m");

    assertThat(o.target()).isNotNull();
    assertThat(o.target().baseUrl()).isEqualTo("https://api.example.com/v1");
    assertThat(o.target().arguments())
        .containsExactly("--base-url", "https://api.example.com/v1", "--api-key", "sk-1", "--model", "m");
    assertThat(o.target().toString()).doesNotContain("sk-1");

    assertThatThrownBy(() -> TourOptions.parse("--base-url", "https://api.example.com/v1", "--model", "m"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("missing: --api-key");
    assertThatThrownBy(() -> TourOptions.parse("--base-url", "ftp://x", "--api-key", "k", "--model", "m"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not an http(s) URL");
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> TourOptions.parse("--scenario", "nope"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown scenario 'nope'")
        .hasMessageContaining("user-between");
    assertThatThrownBy(() -> TourOptions.parse("--only", "loop,crewai"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown way 'crewai'");
    assertThatThrownBy(() -> TourOptions.parse("--scenario"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Missing required parameter for option '--scenario' (NAME)");
    assertThatThrownBy(() -> TourOptions.parse("--only", "--list"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Expected parameter for option '--only' but found '--list'");
    assertThatThrownBy(() -> TourOptions.parse("--scenario", "late-result", "--scenario", "early-result"))
        .isInstanceOf(UsageException.class)
        .hasMessage("option '--scenario' (NAME) should be specified only once");
    assertThatThrownBy(() -> TourOptions.parse("--bogus"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Unknown option: '--bogus'");
    assertThat(TourOptions.parse("--verbose").verbose()).isTrue();
  }

  @Test
  void listAndHelp() {
    assertThat(TourOptions.parse("--list").list()).isTrue();
    assertThat(TourOptions.parse("-h").help()).isTrue();
    assertThat(TourOptions.parse("--help").ways()).hasSize(Way.values().length);
    assertThat(TourOptions.parse("--version").version()).isTrue();
    assertThat(TourOptions.parse("generate-completion").completion()).isTrue();
    assertThat(TourOptions.USAGE).startsWith("Usage: toolguard-tour [-hV] [--list] [--verbose]")
        .contains("--only=WAY[,WAY...]   run only these ways", "Exit codes:", "  2   bad arguments");
    assertThat(TourOptions.usage("langchain4j")).startsWith("Usage: langchain4j [-hV]");
    assertThat(TourOptions.completionScript("toolguard-tour")).startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_toolguard-tour");
  }
}
