package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.Row.Side;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A way's main answers N/A, without running it, for a scenario that another way shows only. */
class WayMainTest {

  @Test
  void aScenarioOfAnotherWayIsNotApplicableAndNotRun() {
    List<List<Scenario>> asked = new ArrayList<>();
    WayRunner runner = new WayRunner() {
      @Override
      public Result run(List<Scenario> scenarios, TourOptions.@org.jspecify.annotations.Nullable Target target) {
        asked.add(scenarios);
        List<Row> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
          rows.add(Row.pass(s, "langchain4j", Side.BARE, "HTTP 400"));
          rows.add(Row.pass(s, "langchain4j", Side.GUARDED, "ok"));
        }
        return Result.of(rows);
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    int one = WayMain.run(new String[] {"--scenario", "hosted-approval"}, "langchain4j", runner,
        new PrintStream(out, true, StandardCharsets.UTF_8), err);
    assertThat(one).isZero();
    assertThat(asked).isEmpty();
    List<Row> rows = out.toString(StandardCharsets.UTF_8).lines().map(Row::parse).toList();
    assertThat(rows).hasSize(2).allSatisfy(r -> {
      assertThat(r.scenario()).isEqualTo("hosted-approval");
      assertThat(r.outcome()).isEqualTo(Row.Outcome.NOT_APPLICABLE);
      assertThat(r.detail()).isEqualTo("toolguard-hosting serves toolguard's own loop: see the loop column");
    });

    out.reset();
    int all = WayMain.run(new String[0], "langchain4j", runner, new PrintStream(out, true, StandardCharsets.UTF_8), err);
    assertThat(all).isZero();
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0)).hasSize(Scenario.values().length - 5).doesNotContain(Scenario.HOSTED_APPROVAL,
        Scenario.GEMINI_RESPONSE_TURN, Scenario.MISTRAL_CALL_ID, Scenario.BEDROCK_TOOL_RESULT,
        Scenario.OLLAMA_RESULT_ORDER);
    assertThat(out.toString(StandardCharsets.UTF_8).lines().map(Row::parse).toList())
        .hasSize(2 * Scenario.values().length);
  }
}
