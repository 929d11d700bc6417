package dev.toolguard.openai;

import static dev.toolguard.openai.Referee.rejected;
import static dev.toolguard.openai.Wire.responsesParams;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.toolguard.testkit.ErrorMessages;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Responses through the real openai-java OkHttp client against the testkit referee: each failure
 * class is refused with the provider's 400 on the bare client and goes through guarded; calls held
 * on the server by {@code previous_response_id} are honoured.
 */
class ResponsesRefereeTest {

  private static ProviderReferee referee;
  private static OpenAIClient bare;

  /** A fresh guarded client per test: its memory of responses starts empty. */
  private OpenAIClient guarded;

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    bare = Referee.client(referee);
  }

  @AfterAll
  static void stop() {
    bare.close();
    referee.close();
  }

  @AfterEach
  void reset() {
    referee.reset();
  }

  @org.junit.jupiter.api.BeforeEach
  void wrap() {
    guarded = OpenAiToolGuard.wrap(bare);
  }

  private static final String USER = "{'type':'message','role':'user','content':'weather?'}";
  private static final String REASONING = "{'type':'reasoning','id':'rs_9','summary':[]}";
  private static final String FC_A = "{'type':'function_call','id':'fc_a','call_id':'call_a','name':'weather','arguments':'{}'}";
  private static final String FC_B = "{'type':'function_call','id':'fc_b','call_id':'call_b','name':'time','arguments':'{}'}";

  private static String out(String callId, String output) {
    return "{'type':'function_call_output','call_id':'" + callId + "','output':'" + output + "'}";
  }

  private static String user(String text) {
    return "{'type':'message','role':'user','content':'" + text + "'}";
  }

  private static String list(String... items) {
    return "[" + String.join(",", items) + "]";
  }

  private static ResponseCreateParams stateless(String items) {
    return responsesParams(items).toBuilder().store(false).build();
  }

  private Response bareFailsGuardedPasses(ResponseCreateParams params, String error) {
    int before = referee.rejections().size();
    rejected(() -> bare.responses().create(params), error);
    assertThat(referee.rejections()).hasSize(before + 1);
    Response answer = guarded.responses().create(params);
    assertThat(referee.rejections()).hasSize(before + 1);
    assertThat(referee.lastRequest().status()).isEqualTo(200);
    return answer;
  }

  @Test
  void aUserMessageBetweenCallAndOutputAndACallLeftOpen() {
    bareFailsGuardedPasses(stateless(list(USER, REASONING, FC_A, user("hurry"), out("call_a", "sunny"), FC_B)),
        ErrorMessages.Responses.noToolOutput("call_b"));
    JsonNode input = referee.lastRequest().json().get("input");
    assertThat(input.get(1).get("type").asText()).isEqualTo("reasoning");
    assertThat(input.get(2).get("call_id").asText()).isEqualTo("call_a");
    assertThat(input.get(3).get("call_id").asText()).isEqualTo("call_a");
  }

  @Test
  void aCrashAfterTheCall() {
    bareFailsGuardedPasses(stateless(list(USER, FC_A, user("hello?"))), ErrorMessages.Responses.noToolOutput("call_a"));
  }

  @Test
  void anOutputWhoseCallWasEvicted() {
    bareFailsGuardedPasses(stateless(list(USER, out("call_a", "sunny"), user("and?"))),
        ErrorMessages.Responses.noToolCall("call_a"));
  }

  @Test
  void rewrittenIds() {
    bareFailsGuardedPasses(stateless(list(USER, FC_A, out("call_db_1f2e", "sunny"))),
        ErrorMessages.Responses.noToolCall("call_db_1f2e"));
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_a");
  }

  @Test
  void anEarlyOutput() {
    bareFailsGuardedPasses(stateless(list(USER, out("call_a", "sunny"), FC_A)), ErrorMessages.Responses.noToolCall("call_a"));
  }

  @Test
  void parallelOutputsSplitUpAreAcceptedByResponsesAndJoinedWhenGuarded() {
    // unlike Chat Completions, Responses only needs each output after its call: both are answered
    ResponseCreateParams params = stateless(list(USER, REASONING, FC_A, FC_B, out("call_b", "noon"), user("typing"),
        "{'type':'message','role':'assistant','content':'one moment'}", out("call_a", "sunny")));
    bare.responses().create(params);
    guarded.responses().create(params);
    assertThat(referee.rejections()).isEmpty();
    JsonNode input = referee.lastRequest().json().get("input");
    assertThat(List.of(input.get(4).get("call_id").asText(), input.get(5).get("call_id").asText()))
        .containsExactlyInAnyOrder("call_a", "call_b");
    assertThat(input.get(6).get("content").asText()).isEqualTo("typing");
  }

  @Test
  void duplicateOutputs() {
    bareFailsGuardedPasses(stateless(list(USER, FC_A, out("call_a", "sunny"), out("call_a", "sunny"))),
        ErrorMessages.Responses.duplicateOutput("call_a"));
  }

  @Test
  void aCopiedCallAndItsOutput() {
    bareFailsGuardedPasses(stateless(list(USER, FC_A, out("call_a", "sunny"), user("again"), FC_A,
        out("call_a", "rainy"))), ErrorMessages.Responses.duplicateItem("fc_a"));
  }

  @Test
  void aReplayedServerOutputWithoutItsCall() {
    referee.responses().replayOrphanOutputs(true);
    referee.script().enqueue(Reply.text("Hello."), Reply.text("Again."), Reply.text("Stateful."));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    List<ResponseInputItem> history = new ArrayList<>(Wire.items(list(USER)));
    history.addAll(OpenAiHistory.inputItems(first.output()));
    history.addAll(Wire.items(list(user("more"))));
    assertThat(Wire.tree(history).get(1).get("call_id").asText()).startsWith("mcp_");
    ResponseCreateParams replay = ResponseCreateParams.builder().model("gpt-test").inputOfResponse(history).build();
    rejected(() -> bare.responses().create(replay), "No tool call found for function call output with call_id mcp_");
    assertThat(guarded.responses().create(replay).id()).isNotBlank();

    // the same output sent back with previous_response_id: the client saw that response, so the orphan goes
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .inputOfResponse(List.of(history.get(1), Wire.items(list(user("more"))).get(0))).build();
    rejected(() -> bare.responses().create(next), "No tool call found for function call output with call_id mcp_");
    guarded.responses().create(next);
    assertThat(referee.lastRequest().status()).isEqualTo(200);
  }

  @Test
  void outputsForCallsOfAPreviousResponseAreSentAsTheyAre() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("weather", "{}"), Reply.call("time", "{}")).withReasoning("r"),
        Reply.text("Sunny at noon."));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    List<String> calls = first.output().stream().filter(o -> o.isFunctionCall())
        .map(o -> o.asFunctionCall().callId()).toList();
    assertThat(calls).hasSize(2);
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .inputOfResponse(Wire.items(list(out(calls.get(1), "noon"), out(calls.get(0), "sunny")))).build();
    Response second = guarded.responses().create(next);
    assertThat(second.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Sunny at noon.");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void aHeldCallLeftUnansweredGetsAnOutput() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("weather", "{}"), Reply.call("time", "{}")));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    String time = first.output().get(1).asFunctionCall().callId();
    String weather = first.output().get(0).asFunctionCall().callId();
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .inputOfResponse(Wire.items(list(out(time, "noon"), user("forget the weather")))).build();
    bareFailsGuardedPasses(next, ErrorMessages.Responses.noToolOutput(weather));
    assertThat(referee.lastRequest().toolResultIds()).containsExactlyInAnyOrder(weather, time);
  }

  @Test
  void aHeldCallAnsweredUnderARewrittenId() {
    referee.script().enqueue(Reply.toolCall("weather", "{}"));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    String weather = first.output().get(0).asFunctionCall().callId();
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .inputOfResponse(Wire.items(list(out("call_row_77", "sunny")))).build();
    bareFailsGuardedPasses(next, ErrorMessages.Responses.noToolCall("call_row_77"));
    assertThat(referee.lastRequest().toolResultIds()).containsExactly(weather);
  }

  @Test
  void anOutputSentAgainForACallAnsweredEarlierInTheChain() {
    referee.script().enqueue(Reply.toolCall("weather", "{}"), Reply.toolCall("time", "{}"));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    String weather = first.output().get(0).asFunctionCall().callId();
    Response second = guarded.responses().create(ResponseCreateParams.builder().model("gpt-test")
        .previousResponseId(first.id()).inputOfResponse(Wire.items(list(out(weather, "sunny")))).build());
    String time = second.output().get(0).asFunctionCall().callId();
    // a retry sends the old output again instead of the new one
    ResponseCreateParams retry = ResponseCreateParams.builder().model("gpt-test").previousResponseId(second.id())
        .inputOfResponse(Wire.items(list(out(weather, "sunny")))).build();
    bareFailsGuardedPasses(retry, weather);
    assertThat(referee.lastRequest().toolResultIds()).containsExactly(time);
    assertThat(referee.lastRequest().lastToolResult()).contains("did not complete");
  }

  @Test
  void aTextInputAfterAResponseWithOpenCalls() {
    referee.script().enqueue(Reply.toolCall("weather", "{}"));
    Response first = guarded.responses().create(responsesParams(list(USER)));
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .input("never mind").build();
    bareFailsGuardedPasses(next, ErrorMessages.Responses.noToolOutput(first.output().get(0).asFunctionCall().callId()));
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("never mind");
  }

  @Test
  void streamedAndRetrievedResponsesAreRememberedToo() {
    referee.script().enqueue(Reply.toolCall("weather", "{}"), Reply.toolCall("time", "{}"));
    String streamedId;
    try (StreamResponse<ResponseStreamEvent> s = guarded.responses().createStreaming(responsesParams(list(USER)))) {
      streamedId = s.stream().filter(ResponseStreamEvent::isCompleted).findFirst().orElseThrow()
          .asCompleted().response().id();
    }
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(streamedId)
        .inputOfResponse(Wire.items(list(user("skip it")))).build();
    guarded.responses().create(next);
    assertThat(referee.lastRequest().status()).isEqualTo(200);

    // a response this client did not create, fetched by id, counts as seen
    Response other = bare.responses().create(responsesParams(list(USER)));
    OpenAIClient fresh = OpenAiToolGuard.wrap(bare);
    fresh.responses().retrieve(other.id());
    fresh.responses().create(ResponseCreateParams.builder().model("gpt-test").previousResponseId(other.id())
        .inputOfResponse(Wire.items(list(user("skip it too")))).build());
    assertThat(referee.lastRequest().status()).isEqualTo(200);
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void withAPreviousResponseTheClientNeverSawOutputsAreLeftToTheServer() {
    referee.script().enqueue(Reply.toolCall("weather", "{}"));
    Response first = bare.responses().create(responsesParams(list(USER)));
    String weather = first.output().get(0).asFunctionCall().callId();
    ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-test").previousResponseId(first.id())
        .inputOfResponse(Wire.items(list(out(weather, "sunny")))).build();
    Response answer = guarded.responses().create(next); // not dropped: the server holds the call
    assertThat(answer.id()).isNotBlank();
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void streamingAndAsync() throws Exception {
    ResponseCreateParams params = stateless(list(USER, FC_A, user("hello?")));
    rejected(() -> {
      try (StreamResponse<ResponseStreamEvent> s = bare.responses().createStreaming(params)) {
        s.stream().count();
      }
    }, ErrorMessages.Responses.noToolOutput("call_a"));
    try (StreamResponse<ResponseStreamEvent> s = guarded.responses().createStreaming(params)) {
      assertThat(s.stream().anyMatch(ResponseStreamEvent::isCompleted)).isTrue();
    }
    OpenAIClientAsync async = guarded.async();
    assertThat(async.responses().create(params).get().id()).isNotBlank();
    List<ResponseStreamEvent> events = new ArrayList<>();
    async.responses().createStreaming(params).subscribe(events::add).onCompleteFuture().get();
    assertThat(events).anyMatch(ResponseStreamEvent::isCompleted);
    try (var raw = guarded.withRawResponse().responses().create(params)) {
      assertThat(raw.parse().id()).isNotBlank();
    }
    assertThat(referee.rejections()).hasSize(1);
  }
}
