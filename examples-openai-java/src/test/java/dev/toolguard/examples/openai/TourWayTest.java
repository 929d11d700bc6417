package dev.toolguard.examples.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.openai.Row.Outcome;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import dev.toolguard.testkit.ScriptedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The openai-java way of the tour, run in-process against its own referee. */
class TourWayTest {

  @Test
  void everyBareCellGetsTheProvidersErrorAndEveryGuardedCellSucceeds() {
    List<Row> rows = TourWay.rows();
    assertThat(rows).hasSize(2 * Scenarios.NAMES.size());
    assertThat(rows).extracting(Row::scenario).containsExactlyElementsOf(
        Scenarios.NAMES.stream().flatMap(n -> java.util.stream.Stream.of(n, n)).toList());
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.way()).isEqualTo("openai-java");
      assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.PASS);
    });
    assertThat(rows).extracting(Row::side).containsOnly("bare", "guarded");

    Map<String, String> bare = rows.stream().filter(r -> r.side().equals("bare"))
        .collect(Collectors.toMap(Row::scenario, Row::detail));
    assertThat(bare.get("user-between")).contains("400").contains("did not have response messages: call_a");
    assertThat(bare.get("evicted-call")).contains("must be a response to a preceeding message with 'tool_calls'");
    assertThat(bare.get("replayed-mcp-output")).contains("No tool call found for function call output with call_id mcp_1");
    assertThat(bare.get("rewritten-ids")).contains("'tool_call_id' of 'call_7c9e6679-7425-40de-944b' not found");
    assertThat(bare.get("approval-after-json")).contains("Duplicate item found with id fc_1");
    assertThat(bare.get("approval-new-process")).contains("No tool output found for function call call_1");
    assertThat(bare.get("duplicate-result")).contains("Duplicate value for 'tool_call_id' of 'call_a'");
    assertThat(bare.get("parallel-split")).contains("did not have response messages: call_b");
    assertThat(bare.get("two-instances")).startsWith("pay ran 2 times for one approval");

    Map<String, String> guarded = rows.stream().filter(r -> r.side().equals("guarded"))
        .collect(Collectors.toMap(Row::scenario, Row::detail));
    assertThat(guarded.get("user-between")).startsWith("MOVE call_a").contains("answer: You said: hurry up please");
    assertThat(guarded.get("evicted-call")).startsWith("DROP call_a");
    assertThat(guarded.get("replayed-mcp-output")).startsWith("DROP mcp_1");
    assertThat(guarded.get("crash-after-call")).startsWith("SYNTHESIZE call_a");
    assertThat(guarded.get("rewritten-ids")).startsWith("REBIND call_7c9e6679-7425-40de-944b->call_a");
    assertThat(guarded.get("approval-after-json")).contains("pay ran once");
    assertThat(guarded.get("approval-new-process")).contains("new client and loop").contains("pay ran once");
    assertThat(guarded.get("duplicate-result")).startsWith("DEDUPLICATE call_a");
    assertThat(guarded.get("early-result")).startsWith("MOVE call_a");
    assertThat(guarded.get("parallel-split")).startsWith("MOVE call_b");
    assertThat(guarded.get("two-instances")).contains("B resumed the same copy and reused A's result; pay ran once");
  }

  @Test
  void withABaseUrlTheGuardedSideTalksToThatProviderAndBareIsNotApplicable() {
    // the referee stands in for a real provider here: a model that pays when asked to
    try (ProviderReferee provider = ProviderReferee.start()) {
      provider.script().respondWith(r -> !r.endsWithToolResult() && String.valueOf(r.lastUserText()).contains("pay")
          ? Reply.toolCall("pay", "{\"to\":\"Alice\",\"amount\":5}")
          : ScriptedModel.defaultReply(r));
      List<Row> rows = TourWay.rows("--base-url", provider.openAiBaseUrl(), "--api-key", "k", "--model", "m");
      assertThat(rows).hasSize(2 * Scenarios.NAMES.size());
      assertThat(rows).filteredOn(r -> r.side().equals("bare")).extracting(Row::outcome)
          .containsOnly(Outcome.NOT_APPLICABLE);
      assertThat(rows).filteredOn(r -> r.side().equals("guarded"))
          .allSatisfy(r -> assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.PASS));
      assertThat(provider.rejections()).isEmpty();
      assertThat(provider.requests()).allSatisfy(r -> assertThat(r.model()).isEqualTo("m"));
    }
  }

  @Test
  void aGuardedCellThatCannotReachTheProviderFails() {
    List<Row> rows = TourWay.rows("--scenario", "crash-after-call", "--base-url", "http://127.0.0.1:9/v1",
        "--api-key", "k", "--model", "m");
    assertThat(rows).extracting(Row::outcome).containsExactly(Outcome.NOT_APPLICABLE, Outcome.FAIL);
  }

  @Test
  void printsOnlyRowsAndFiltersByScenario() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = TourWay.run(new String[] {"--scenario", "crash-after-call", "--scenario=user-between"},
        print(out), print(err));
    assertThat(status).isZero();
    List<Row> rows = out.toString(StandardCharsets.UTF_8).lines().map(Row::parse).toList();
    assertThat(rows).extracting(Row::scenario, Row::side).containsExactly(
        org.assertj.core.groups.Tuple.tuple("user-between", "bare"),
        org.assertj.core.groups.Tuple.tuple("user-between", "guarded"),
        org.assertj.core.groups.Tuple.tuple("crash-after-call", "bare"),
        org.assertj.core.groups.Tuple.tuple("crash-after-call", "guarded"));
    assertThat(rows).extracting(Row::outcome).containsOnly(Outcome.PASS);
  }

  @Test
  void badArgumentsExitWithTwo() {
    for (String[] args : List.of(new String[] {"--scenario", "nope"}, new String[] {"--scenario"},
        new String[] {"--frobnicate"}, new String[] {"--base-url", "http://localhost:1/v1", "--api-key", "k"},
        new String[] {"--model", "m"})) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(TourWay.run(args, print(out), print(err))).as(String.join(" ", args)).isEqualTo(2);
      assertThat(out.size()).isZero();
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("openai-java tour: ").endsWith(TourWay.Options.usage());
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
