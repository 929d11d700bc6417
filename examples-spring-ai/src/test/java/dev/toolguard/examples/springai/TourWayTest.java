package dev.toolguard.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Spring AI way of the tour, run in-process against the referee. */
class TourWayTest {

  /** The repair each guarded cell must report (approvals report the approved call instead). */
  static final Map<String, String> EXPECTED = Map.ofEntries(
      Map.entry("user-between", "MOVE call_1"),
      Map.entry("evicted-call", "DROP call_1"),
      Map.entry("replayed-mcp-output", "DROP mcp_5d1e0c"),
      Map.entry("crash-after-call", "SYNTHESIZE call_1"),
      Map.entry("rewritten-ids", "REBIND call_9b2e4f0a-7c1d->call_1"),
      Map.entry("approval-after-json", "approved by call id; ran once"),
      Map.entry("approval-new-process", "a new JVM approved it: pay ran once"),
      Map.entry("duplicate-result", "DEDUPLICATE call_1"),
      Map.entry("late-result", "MOVE call_1"),
      Map.entry("early-result", "MOVE call_1"),
      Map.entry("parallel-split", "MOVE call_2"),
      Map.entry("two-instances", "B, on the same copy, reused A's result; pay ran once"));

  @Test
  void everyBareCellGetsTheProvidersErrorAndEveryGuardedCellSucceeds() {
    List<Row> rows = TourWay.run(TourWay.Options.parse());

    assertThat(rows).hasSize(2 * SpringAiScenarios.NAMES.size());
    assertThat(rows).extracting(Row::scenario).containsExactlyElementsOf(
        SpringAiScenarios.NAMES.stream().flatMap(n -> List.of(n, n).stream()).toList());
    for (Row row : rows) {
      assertThat(row.outcome()).as("%s %s: %s", row.scenario(), row.side(), row.detail()).isEqualTo("PASS");
      assertThat(row.line()).startsWith("ROW\t" + row.scenario() + "\tspring-ai\t" + row.side() + "\tPASS\t");
      assertThat(row.line().split("\t", -1)).hasSize(6);
      assertThat(row.detail()).doesNotContain("\n", "\t");
      if (row.side().equals("bare") && row.scenario().equals("two-instances")) {
        assertThat(row.detail()).startsWith("ToolCallingManager.executeToolCalls: pay ran 2 times for one approval");
      } else if (row.side().equals("bare")) {
        assertThat(row.detail()).as(row.scenario()).startsWith("BadRequestException: 400: ");
      } else {
        assertThat(row.detail()).as(row.scenario()).contains(EXPECTED.get(row.scenario()));
      }
    }
    assertThat(rows).filteredOn(r -> r.side().equals("bare")).extracting(Row::detail)
        .anyMatch(d -> d.contains("An assistant message with 'tool_calls' must be followed by tool messages"))
        .anyMatch(d -> d.contains("messages with role 'tool' must be a response to a preceeding message"))
        .anyMatch(d -> d.contains("'tool_call_id' of 'mcp_5d1e0c' not found in 'tool_calls' of previous message"));
  }

  @Test
  void oneScenarioRunsAlone() {
    List<Row> rows = TourWay.run(TourWay.Options.parse("--scenario", "rewritten-ids"));

    assertThat(rows).extracting(Row::scenario, Row::side, Row::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("rewritten-ids", "bare", "PASS"),
        org.assertj.core.groups.Tuple.tuple("rewritten-ids", "guarded", "PASS"));
  }

  @Test
  void badArgumentsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> TourWay.Options.parse("--scenario", "nope")).hasMessage("unknown scenario 'nope'; use one of "
        + String.join(", ", SpringAiScenarios.NAMES));
    assertThatThrownBy(() -> TourWay.Options.parse("--only", "spring-ai")).hasMessage("Unknown options: '--only', 'spring-ai'");
    assertThatThrownBy(() -> TourWay.Options.parse("--scenario"))
        .hasMessage("Missing required parameter for option '--scenario' (NAME)");
    assertThatThrownBy(() -> TourWay.Options.parse("--base-url", "http://x/v1"))
        .hasMessage("--base-url, --api-key and --model go together");
    assertThat(TourWay.Options.parse("--base-url", "http://x/v1", "--api-key", "k", "--model", "m").realProvider())
        .isTrue();
  }

  @Test
  void againstARealProviderTheBareSideIsNotApplicable() {
    Row row = new SpringAiScenarios.Scenario("user-between", env -> "", env -> "").bare(
        new TourWay.Env(null, "http://127.0.0.1:9/v1", "k", "m"));

    assertThat(row.outcome()).isEqualTo("N/A");
    assertThat(row.line()).isEqualTo("ROW\tuser-between\tspring-ai\tbare\tN/A\t" + row.detail());
  }

  @Test
  void detailsAreOneLineAndWhole() {
    Row row = Row.pass("s", "bare", "a\tb\r\nc" + "x".repeat(300) + " call_1");

    assertThat(row.detail()).isEqualTo("a b c" + "x".repeat(300) + " call_1");
  }

  @Test
  void theMainPrintsItsUsageVersionAndCompletion() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(TourWay.run(new String[] {"--help"}, o, e)).isZero();
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(TourWay.Options.usage())
        .startsWith("Usage: spring-ai [-hV] [--api-key=KEY] [--base-url=URL] [--model=NAME]");
    assertThat(TourWay.run(new String[] {"--version"}, o, e)).isZero();
    assertThat(TourWay.run(new String[] {"generate-completion"}, o, e)).isZero();
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("spring-ai 0.").contains("complete -F _complete_spring-ai");
    err.reset();
    assertThat(TourWay.run(new String[] {"--bogus"}, o, e)).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("spring-ai tour: Unknown option: '--bogus'\n" + TourWay.Options.usage());
  }
}
