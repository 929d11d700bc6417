package dev.toolguard.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.Row;
import dev.toolguard.examples.Scenario;
import dev.toolguard.examples.WayMain;
import dev.toolguard.examples.WayRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The LangChain4j way for real, against the referee it starts: every cell passes, bare and guarded. */
class TourWayTest {

  @Test
  void everyScenarioFailsBareAndSucceedsGuarded() {
    // every scenario this way shows (hosted-approval is the loop way's: the tour does not ask it here)
    List<Scenario> shown = java.util.Arrays.stream(Scenario.values())
        .filter(s -> s.shownBy(dev.toolguard.examples.Way.LANGCHAIN4J)).toList();
    WayRunner.Result result = new TourWay().run(shown, null);

    assertThat(result.problem()).isNull();
    assertThat(result.rows()).hasSize(2 * shown.size());
    assertThat(result.rows()).allSatisfy(row -> {
      assertThat(row.way()).isEqualTo("langchain4j");
      assertThat(row.outcome()).as(row.line()).isEqualTo(Row.Outcome.PASS);
    });
    assertThat(result.rows()).extracting(Row::detail)
        .contains("MOVE call_1; answer: You said: Hurry up, please.",
            "OpenAiResponsesChatModel: DROP mcp_1; answer: You said: And tomorrow?",
            "SYNTHESIZE call_1; answer: You said: Hello? Did it work?")
        .anyMatch(d -> d.startsWith("InvalidRequestException: An assistant message with 'tool_calls' must be followed"))
        .anyMatch(d -> d.equals("InvalidRequestException: No tool call found for function call output with call_id mcp_1."))
        .anyMatch(d -> d.matches("ToolLoop AWAITING pay call_\\d+; ToolGuardChatMemoryStore on H2, a new memory; approved by call id; "
            + "pay ran once; answer: Done: 40 EUR paid to Bob."))
        .anyMatch(d -> d.matches("ToolLoop AWAITING pay call_\\d+; ToolGuardChatMemoryStore on an H2 file; a new JVM "
            + "approved by call id, pay ran once; answer: Done: 40 EUR paid to Bob."))
        .anyMatch(d -> d.startsWith("DefaultToolExecutor: pay ran 2 times for one approval"))
        .anyMatch(d -> d.matches("2 ToolLoops, 1 JdbcCallJournal \\(H2\\), by memory id: A ran pay call_\\d+, B, "
            + "on the same copy, reused A's result; pay ran once; answer: Done: 40 EUR paid to Bob."));
  }

  @Test
  void theMainPrintsRowsAndNothingElse() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = WayMain.run(new String[] {"--scenario", "late-result"}, TourWay.WAY, new TourWay(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).split("\n"))
        .containsExactly(
            "ROW\tlate-result\tlangchain4j\tbare\tPASS\tInvalidRequestException: An assistant message with 'tool_calls' "
                + "must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did"
                + " not have response messages: call_1",
            "ROW\tlate-result\tlangchain4j\tguarded\tPASS\tMOVE call_1; answer: You said: Never mind.");
  }

  @Test
  void badArgumentsExitTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = WayMain.run(new String[] {"--scenario", "nope"}, TourWay.WAY, new TourWay(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("langchain4j: unknown scenario 'nope'; use one of "
        + String.join(", ", dev.toolguard.examples.Scenario.ids()) + "\n" + dev.toolguard.examples.TourOptions.usage("langchain4j"));
  }
}
