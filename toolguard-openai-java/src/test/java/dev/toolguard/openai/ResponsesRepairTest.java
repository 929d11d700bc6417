package dev.toolguard.openai;

import static dev.toolguard.openai.Wire.input;
import static dev.toolguard.openai.Wire.json;
import static dev.toolguard.openai.Wire.responsesParams;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.openai.internal.RequestGuard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Responses params repaired by the guard, without HTTP, including calls held on the server. */
class ResponsesRepairTest {

  private final RequestGuard guard = new RequestGuard(ToolGuardOptions.ofDefaults());

  private static final String USER = "{'type':'message','role':'user','content':'weather?'}";
  private static final String REASONING = "{'type':'reasoning','id':'rs_1','summary':[]}";
  private static final String FC_A = "{'type':'function_call','id':'fc_1','call_id':'call_a','name':'weather','arguments':'{}'}";
  private static final String FC_B = "{'type':'function_call','id':'fc_2','call_id':'call_b','name':'time','arguments':'{}'}";

  private static String out(String callId, String output) {
    return "{'type':'function_call_output','call_id':'" + callId + "','output':'" + output + "'}";
  }

  private static String user(String text) {
    return "{'type':'message','role':'user','content':'" + text + "'}";
  }

  private static String list(String... items) {
    return "[" + String.join(",", items) + "]";
  }

  private static ResponseCreateParams after(String previous, String items) {
    return responsesParams(items).toBuilder().previousResponseId(previous).build();
  }

  /** Makes the guard see a response whose output holds {@code outputItems}. */
  private void saw(String responseId, String conversation, String... outputItems) {
    guard.state().record(Wire.response("{'id':'" + responseId + "','object':'response','status':'completed',"
        + (conversation == null ? "" : "'conversation':{'id':'" + conversation + "'},")
        + "'output':" + list(outputItems) + "}"));
  }

  @Test
  void aValidInputWithReasoningIsTheSameParamsObject() {
    ResponseCreateParams params = responsesParams(list(USER, REASONING, FC_A, FC_B, out("call_b", "noon"),
        out("call_a", "sunny"), "{'type':'message','role':'assistant','content':'done'}"));
    assertThat(guard.responses(params)).isSameAs(params);
  }

  @Test
  void aUserMessageBetweenCallAndOutputMovesAndReasoningStaysWithItsCall() {
    ResponseCreateParams params = responsesParams(list(USER, REASONING, FC_A, user("hurry"), out("call_a", "sunny")));
    ResponseCreateParams repaired = guard.responses(params);
    assertThat(input(repaired)).isEqualTo(json(list(USER, REASONING, FC_A, out("call_a", "sunny"), user("hurry"))));
    List<ResponseInputItem> items = repaired.input().orElseThrow().asResponse();
    List<ResponseInputItem> original = params.input().orElseThrow().asResponse();
    assertThat(items.get(1)).isSameAs(original.get(1));
    assertThat(items.get(2)).isSameAs(original.get(2));
  }

  @Test
  void aReplayedOutputWhoseCallIsNowhereIsDropped() {
    String orphan = "{'id':'fco_1','type':'function_call_output','call_id':'mcp_1','output':'{}','status':'completed'}";
    ResponseCreateParams params = responsesParams(list(USER, orphan, "{'type':'message','role':'assistant','content':'ok'}",
        user("more")));
    assertThat(input(guard.responses(params))).isEqualTo(json(list(USER,
        "{'type':'message','role':'assistant','content':'ok'}", user("more"))));
  }

  @Test
  void aCallWithoutOutputGetsAnErrorOutput() {
    ResponseCreateParams params = responsesParams(list(USER, REASONING, FC_A, user("still there?")));
    List<ResponseInputItem> items = guard.responses(params).input().orElseThrow().asResponse();
    assertThat(items).hasSize(5);
    assertThat(items.get(3).asFunctionCallOutput().callId()).contains("call_a");
    assertThat(items.get(3).asFunctionCallOutput().output().asString()).contains("did not complete");
  }

  @Test
  void aCopiedCallIsRenamedAndLosesItsDuplicateItemId() {
    // a copy whose arguments changed: another call, renamed; an exact copy would be dropped (issue 16)
    ResponseCreateParams params = responsesParams(list(USER, FC_A, out("call_a", "sunny"), user("again"),
        FC_A.replace("'{}'", "'{\\'n\\':2}'"), out("call_a", "rainy")));
    var json = input(guard.responses(params));
    assertThat(json.get(1)).isEqualTo(json(FC_A));
    assertThat(json.get(4).get("call_id").asText()).isNotEqualTo("call_a").hasSizeLessThanOrEqualTo(64);
    assertThat(json.get(4).has("id")).isFalse();
    assertThat(json.get(5).get("call_id").asText()).isEqualTo(json.get(4).get("call_id").asText());
    assertThat(json.get(5).get("output").asText()).isEqualTo("rainy");
  }

  @Test
  void outputsAnsweringCallsOfASeenPreviousResponseAreValid() {
    saw("resp_1", null, REASONING, FC_A, FC_B);
    ResponseCreateParams params = after("resp_1", list(out("call_a", "sunny"), out("call_b", "noon")));
    assertThat(guard.responses(params)).isSameAs(params);
  }

  @Test
  void aHeldCallWithoutOutputGetsAnErrorOutputFirst() {
    saw("resp_1", null, FC_A, FC_B);
    ResponseCreateParams params = after("resp_1", list(out("call_b", "noon"), user("never mind")));
    var json = input(guard.responses(params));
    assertThat(json).hasSize(3);
    assertThat(json.get(0).get("call_id").asText()).isEqualTo("call_a"); // results in call order
    assertThat(json.get(0).get("output").asText()).contains("did not complete");
    assertThat(json.get(1)).isEqualTo(json(out("call_b", "noon")));
    assertThat(json.get(2)).isEqualTo(json(user("never mind")));
  }

  @Test
  void aTextInputAfterAResponseWithOpenCallsBecomesItemsWithTheMissingOutputs() {
    saw("resp_1", null, FC_A);
    ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-test").input("hello").previousResponseId("resp_1")
        .build();
    var json = input(guard.responses(params));
    assertThat(json.get(0).get("type").asText()).isEqualTo("function_call_output");
    assertThat(json.get(0).get("call_id").asText()).isEqualTo("call_a");
    assertThat(json.get(1).get("content").asText()).isEqualTo("hello");
    ResponseCreateParams plain = ResponseCreateParams.builder().model("gpt-test").input("hello").build();
    assertThat(guard.responses(plain)).isSameAs(plain);
  }

  @Test
  void aRewrittenOutputIdIsBoundToTheHeldCall() {
    saw("resp_1", null, FC_A);
    ResponseCreateParams params = after("resp_1", list(out("call_from_db_42", "sunny")));
    assertThat(input(guard.responses(params))).isEqualTo(json(list(out("call_a", "sunny"))));
  }

  @Test
  void withASeenPreviousResponseAReplayedOutputIsDroppedAndTheValidOneKept() {
    saw("resp_1", null, FC_A);
    String orphan = "{'type':'function_call_output','call_id':'mcp_7','output':'{}'}";
    ResponseCreateParams params = after("resp_1", list(out("call_a", "sunny"), orphan, user("next")));
    ResponseCreateParams repaired = guard.responses(params);
    assertThat(input(repaired)).isEqualTo(json(list(out("call_a", "sunny"), user("next"))));
    assertThat(repaired.previousResponseId()).contains("resp_1");
  }

  @Test
  void anOutputForACallAnsweredEarlierInTheChainIsDroppedNotBoundToAnotherCall() {
    saw("resp_1", null, FC_A);
    saw("resp_2", null, FC_B);
    ResponseCreateParams params = after("resp_2", list(out("call_a", "sunny again")));
    var json = input(guard.responses(params));
    assertThat(json).hasSize(1);
    assertThat(json.get(0).get("call_id").asText()).isEqualTo("call_b");
    assertThat(json.get(0).get("output").asText()).contains("did not complete");
    ResponseCreateParams valid = after("resp_2", list(out("call_b", "noon")));
    assertThat(guard.responses(valid)).isSameAs(valid);
  }

  @Test
  void withAnUnknownPreviousResponseOutputsTheServerMayMatchAreKept() {
    ResponseCreateParams params = after("resp_unknown", list(out("call_x", "sunny"), user("next")));
    assertThat(guard.responses(params)).isSameAs(params);
  }

  @Test
  void callsHeldInASeenConversationCount() {
    saw("resp_1", "conv_1", FC_A);
    ResponseCreateParams valid = responsesParams(list(out("call_a", "sunny"))).toBuilder().conversation("conv_1").build();
    assertThat(guard.responses(valid)).isSameAs(valid);
    ResponseCreateParams missing = responsesParams(list(user("hi"))).toBuilder().conversation("conv_1").build();
    assertThat(input(guard.responses(missing)).get(0).get("call_id").asText()).isEqualTo("call_a");
  }

  @Test
  void aReferenceToASeenCallStandsForTheCall() {
    saw("resp_1", null, FC_A);
    ResponseCreateParams params = responsesParams(list(USER, "{'type':'item_reference','id':'fc_1'}", user("hurry"),
        out("call_a", "sunny")));
    assertThat(input(guard.responses(params))).isEqualTo(json(list(USER, "{'type':'item_reference','id':'fc_1'}",
        out("call_a", "sunny"), user("hurry"))));
  }

  @Test
  void anOutputAfterAnUnknownReferenceIsLeftToTheServer() {
    ResponseCreateParams params = responsesParams(list(USER, "{'type':'item_reference','id':'fc_99'}", out("call_z", "x")));
    assertThat(guard.responses(params)).isSameAs(params);
  }

  @Test
  void aMissingOutputOfACustomToolCallIsACustomToolCallOutput() {
    saw("resp_1", null, "{'type':'custom_tool_call','id':'ctc_1','call_id':'call_c','name':'sql','input':'select 1'}");
    var json = input(guard.responses(after("resp_1", list(user("hi")))));
    assertThat(json.get(0).get("type").asText()).isEqualTo("custom_tool_call_output");
    assertThat(json.get(0).get("call_id").asText()).isEqualTo("call_c");
  }
}
