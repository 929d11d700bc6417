package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.assertAllAccepted;
import static dev.toolguard.json.http.Http.assertBalanced;
import static dev.toolguard.json.http.Http.backend;
import static dev.toolguard.json.http.Http.plus;
import static dev.toolguard.json.http.Http.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.Http.Case;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loop over the HTTP backend, end to end against the referee, in every dialect, with and
 * without streaming: multi-step tool use and parallel calls. Every request must be accepted.
 */
class LoopOverHttpTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  static List<Case> cases() {
    return Http.cases();
  }

  private static LoopTool tool(String name, LoopTool.Function body) {
    return LoopTool.of(new ToolSpec(name, "The " + name + " tool",
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), body);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void multiStepToolUseRunsEachToolAndFeedsItsResultBack(Case c) {
    REFEREE.get().script().enqueue(
        Reply.toolCall("weather", "{\"city\":\"Paris\"}"),
        Reply.toolCall("time", "{\"city\":\"Paris\"}"),
        Reply.text("It is sunny in Paris at 10:00."));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Http.Strict strict = new Http.Strict(c.dialect());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> {
          seen.add("weather " + args);
          return "sunny";
        }), tool("time", args -> {
          seen.add("time " + args);
          return "10:00";
        }))
        .listener(strict)
        .build();

    LoopResult r = run(loop, List.of(Message.user("Weather and time in Paris?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.text()).isEqualTo("It is sunny in Paris at 10:00.");
    assertThat(r.iterations()).isEqualTo(3);
    assertThat(seen).containsExactly("weather {\"city\":\"Paris\"}", "time {\"city\":\"Paris\"}");
    assertThat(r.history()).extracting(Message::role).containsExactly(
        Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    assertBalanced(r.history());
    strict.assertClean();
    assertAllAccepted(REFEREE.get(), c.mode());
    List<RecordedRequest> requests = REFEREE.get().requests();
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1).lastToolResult()).isEqualTo("sunny");
    assertThat(requests.get(2).lastToolResult()).isEqualTo("10:00");
    assertThat(requests.get(0).model()).isEqualTo(Http.model(c.dialect()));
    assertThat(requests.get(0).body()).contains("\"weather\"", "\"time\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parallelCallsRunTogetherAndTheirResultsStandInCallOrder(Case c) {
    REFEREE.get().script().enqueue(
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"), Reply.call("weather", "{\"city\":\"Rome\"}")),
        Reply.text("Both sunny."));
    CyclicBarrier together = new CyclicBarrier(2);
    Http.Strict strict = new Http.Strict(c.dialect());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> {
          together.await(5, TimeUnit.SECONDS); // both calls must be running at once
          return "sunny in " + (args.contains("Rome") ? "Rome" : "Paris");
        }))
        .config(LoopConfig.custom().maxConcurrency(4).build())
        .listener(strict)
        .build();

    LoopResult r = run(loop, List.of(Message.user("Paris and Rome?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.toolFailures()).isEmpty();
    Message call = r.history().get(1);
    List<String> ids = call.toolCalls().stream().map(ToolCall::callId).toList();
    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::callId).containsExactlyElementsOf(ids);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output)
        .containsExactly("sunny in Paris", "sunny in Rome");
    assertBalanced(r.history());
    strict.assertClean();
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests()).hasSize(2);
    assertThat(REFEREE.get().requests().get(1).toolResultIds()).containsExactlyElementsOf(ids);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aSecondConversationTurnGoesOnFromTheReturnedHistory(Case c) {
    REFEREE.get().script().enqueue(Reply.toolCall("weather", "{\"city\":\"Oslo\"}"), Reply.text("Cold."),
        Reply.toolCall("weather", "{\"city\":\"Rome\"}"), Reply.text("Warm."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> args.contains("Oslo") ? "-5" : "25"))
        .build();

    LoopResult first = run(loop, List.of(Message.system("Be brief."), Message.user("Oslo?")), c.mode());
    LoopResult second = run(loop, plus(first.history(), Message.user("And Rome?")), c.mode());

    assertThat(second.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(second.text()).isEqualTo("Warm.");
    assertThat(second.history()).hasSize(9);
    assertBalanced(second.history());
    assertAllAccepted(REFEREE.get(), c.mode());
    assertThat(REFEREE.get().requests()).hasSize(4);
    assertThat(REFEREE.get().requests().get(3).toolResultIds()).hasSize(2);
    assertThat(REFEREE.get().requests().get(3).lastToolResult()).isEqualTo("25");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theModelsCallsGoBackExactlyAsTheModelSentThem(Case c) {
    REFEREE.get().script().enqueue(
        Reply.textAndToolCalls("Let me look.", Reply.call("weather", "{\"city\":\"Paris\",\"unit\":\"C\"}"))
            .withReasoning("The user wants the weather."),
        Reply.text("Sunny."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(c.dialect(), REFEREE.get()))
        .tools(tool("weather", args -> "sunny"))
        .config(LoopConfig.custom().maxIterations(3).build())
        .build();

    LoopResult r = run(loop, List.of(Message.user("Paris?")), c.mode());

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertAllAccepted(REFEREE.get(), c.mode());
    RecordedRequest second = REFEREE.get().requests().get(1);
    String body = second.body();
    switch (c.dialect()) {
      case OPENAI_CHAT:
        assertThat(second.json().get("messages").get(1).toString()).isEqualTo(
            "{\"role\":\"assistant\",\"content\":\"Let me look.\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"unit\\\":\\\"C\\\"}\"}}]}");
        break;
      case OPENAI_RESPONSES:
        // the reasoning item, the message and the call, each as the model sent it, in order
        assertThat(second.json().get("input").get(1).toString()).isEqualTo(
            "{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                + "\"text\":\"The user wants the weather.\"}]}");
        assertThat(second.json().get("input").get(2).path("id").asText()).isEqualTo("msg_1");
        assertThat(second.json().get("input").get(3).toString()).isEqualTo(
            "{\"id\":\"fc_1\",\"type\":\"function_call\",\"status\":\"completed\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"unit\\\":\\\"C\\\"}\",\"call_id\":\"call_1\",\"name\":\"weather\"}");
        break;
      default:
        assertThat(second.json().get("messages").get(1).toString()).isEqualTo(
            "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Let me look.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{\"city\":\"Paris\",\"unit\":\"C\"}}]}");
    }
    assertThat(body).doesNotContain("toolguard");
  }
}
