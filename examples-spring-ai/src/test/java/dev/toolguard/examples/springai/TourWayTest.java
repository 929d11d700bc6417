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
      assertThat(row.detail()).doesNotContain("\n").hasSizeLessThanOrEqualTo(Row.MAX_DETAIL);
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
    assertThatThrownBy(() -> TourWay.Options.parse("--scenario", "nope")).hasMessage("unknown scenario 'nope'");
    assertThatThrownBy(() -> TourWay.Options.parse("--only", "spring-ai")).hasMessage("unknown argument '--only'");
    assertThatThrownBy(() -> TourWay.Options.parse("--scenario")).hasMessage("--scenario needs a value");
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
  void detailsAreOneLineAndShort() {
    Row row = Row.pass("s", "bare", "a\tb\r\nc" + "x".repeat(300));

    assertThat(row.detail()).startsWith("a b c").hasSize(Row.MAX_DETAIL).endsWith("…");
  }
}
