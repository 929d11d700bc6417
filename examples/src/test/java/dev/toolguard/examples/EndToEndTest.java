package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-process ways for real: the framework-free loop and the command line, against the referee
 * they start themselves — every cell as the tour prints it.
 */
class EndToEndTest {

  @Test
  void theLoopAndTheCommandLinePassEveryScenario() {
    TourTest.Run r = TourTest.run(new Tour(Path.of("no-ways-built")), "--only", "loop,cli", "--verbose");

    assertThat(r.code()).as(r.out()).isEqualTo(Tour.OK);
    assertThat(r.lastLine()).isEqualTo("tour: 52 passed, 0 failed");
    assertThat(r.unwrapped())
        .contains("user-between          400 → ok      400 → ok")
        .contains("approval-after-json   400 → ok      n/a → n/a")
        .contains("gemini-response-turn  400 → ok      n/a → n/a")
        .contains("ollama-result-order   wrong → ok    n/a → n/a")
        .contains("  loop  bare     PASS  HTTP 400: Please ensure that function response turn comes immediately after a"
            + " function call turn.")
        .contains("  loop  guarded  PASS  gemini backend: DROP c1;")
        .contains("  loop  bare     PASS  HTTP 400: Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a"
            + " length of 9.")
        .containsPattern("loop  guarded  PASS  call id sent as [a-zA-Z0-9]{9} \\(9 alphanumerics\\); mistral backend: ")
        .contains("  loop  bare     PASS  HTTP 400: Expected toolResult blocks at messages.2.content for the following"
            + " Ids: tooluse_b")
        .contains("  loop  guarded  PASS  bedrock-converse backend: SYNTHESIZE tooluse_b;")
        .contains("  loop  bare     PASS  HTTP 200, results sent [time, weather] for calls [weather, time]: by order,"
            + " weather gets time's result")
        .contains("  loop  guarded  PASS  results sent [weather, time], by order and name;")
        .contains("  loop  guarded  PASS  MOVE call_1; answer: You said: Hurry up, please.")
        .contains("  cli   guarded  PASS  toolguard repair: MOVE call_1; HTTP 200, answer: You said: Hurry up, please.")
        .contains("  loop  bare     PASS  HTTP 400: No tool call found for function call output with call_id mcp_1.")
        .contains("  cli   guarded  PASS  Responses API: toolguard repair: DROP mcp_1; HTTP 200")
        .contains("  loop  guarded  PASS  SYNTHESIZE call_1; answer: You said: Hello? Did it work?")
        .contains("  loop  guarded  PASS  REBIND call_9f3a1c2e-4b7d-4e58-9a61-0c2f5d8e7b13 -> call_1;")
        .contains("  loop  guarded  PASS  DEDUPLICATE call_1;")
        .contains("  loop  guarded  PASS  MOVE call_2; answer: You said: Quick!")
        .containsPattern("loop  guarded  PASS  AWAITING pay call_\\d+; history through JSON \\(HistoryJson\\); "
            + "approved by call id; pay ran once; answer: Done: 40 EUR paid to Bob.")
        .containsPattern("loop  guarded  PASS  AWAITING pay call_\\d+; history to a file \\(HistoryJson\\); a new JVM "
            + "approved by call id, pay ran once; answer: Done: 40 EUR paid to Bob.")
        .contains("  cli   bare     N/A   the command line repairs request bodies; it has no approvals")
        .contains("two-instances         2×pay → ok    n/a → n/a")
        .contains("2×pay = the approved payment ran twice, as expected")
        .contains("  loop  bare     PASS  pay ran 2 times for one approval (instance A, then B from its copy of the history)")
        .containsPattern("loop  guarded  PASS  two loops sharing a JdbcCallJournal \\(H2\\): A ran pay call_\\d+, B resumed "
            + "the same copy and reused A's result; pay ran once; answer: Done: 40 EUR paid to Bob.")
        .contains("  cli   guarded  N/A   the command line repairs request bodies; it runs no tools")
        .contains("hosted-approval       lost → ok     n/a → n/a")
        .contains("lost = the approval could not be answered, as expected")
        .containsPattern("loop  bare     PASS  answered on host B: HTTP 400: mcpr_\\w{4}… is not in this instance's"
            + " side store \\(b.json\\); pay ran 0 times")
        .contains("  loop  guarded  PASS  2 ResponsesServers, 1 H2: asked on A, approved on B: pay ran once; replay on A:"
            + " 400 approval_already_used; answer: Done: 40 EUR paid to Bob.")
        .contains("  cli   bare     N/A   toolguard-hosting serves toolguard's own loop: see the loop column");
  }

  @Test
  void withARealProviderTheGuardedSideGoesThereAndBareIsNotApplicable() {
    try (ProviderReferee provider = ProviderReferee.start()) {
      provider.script().enqueue(Reply.toolCall("pay", "{\"to\":\"Bob\",\"amount\":40}"), Reply.text("Paid."));
      String[] target = {"--base-url", provider.openAiBaseUrl(), "--api-key", "sk-tour", "--model", "tour-model"};

      TourTest.Run approval = TourTest.run(new Tour(Path.of("no-ways-built")),
          concat(target, "--only", "loop", "--scenario", "approval-after-json"));
      TourTest.Run repair = TourTest.run(new Tour(Path.of("no-ways-built")),
          concat(target, "--only", "loop,cli", "--scenario", "user-between"));

      assertThat(approval.code()).as(approval.out()).isZero();
      assertThat(approval.out()).contains("approval-after-json  n/a → ok")
          .contains("bare     N/A   bare runs against the referee only");
      assertThat(repair.code()).as(repair.out()).isZero();
      assertThat(repair.out()).contains("user-between  n/a → ok     n/a → ok");
      assertThat(repair.lastLine()).isEqualTo("tour: 2 passed, 0 failed");
      List<RecordedRequest> sent = provider.requests();
      assertThat(sent).hasSize(4).allSatisfy(q -> {
        assertThat(q.status()).isEqualTo(200);
        assertThat(q.model()).isEqualTo("tour-model");
        assertThat(q.header("authorization")).isEqualTo("Bearer sk-tour");
      });
      assertThat(sent.get(0).json().path("tool_choice").asText()).as("a real model is asked for the call to approve")
          .isEqualTo("required");
      assertThat(sent.get(1).json().has("tool_choice")).isFalse();
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
