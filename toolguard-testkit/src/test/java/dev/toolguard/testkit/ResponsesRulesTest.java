package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.OpenAi;
import dev.toolguard.testkit.ErrorMessages.Responses;
import org.junit.jupiter.api.Test;

class ResponsesRulesTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}";

  static String call(String callId) {
    return "{\"type\":\"function_call\",\"call_id\":\"" + callId + "\",\"name\":\"get_weather\",\"arguments\":\"{}\"}";
  }

  static String callWithItemId(String itemId, String callId) {
    return "{\"type\":\"function_call\",\"id\":\"" + itemId + "\",\"call_id\":\"" + callId
        + "\",\"name\":\"get_weather\",\"arguments\":\"{}\"}";
  }

  static String output(String callId) {
    return "{\"type\":\"function_call_output\",\"call_id\":\"" + callId + "\",\"output\":\"22C\"}";
  }

  static String reasoning(String id) {
    return "{\"type\":\"reasoning\",\"id\":\"" + id + "\",\"summary\":[]}";
  }

  static String body(String... items) {
    return "{\"model\":\"gpt-4.1\",\"store\":false,\"input\":[" + String.join(",", items) + "]}";
  }

  static void assertRejected(Http.Result r, String message, String param, String code) {
    ChatCompletionsRulesTest.assertRejected(r, message, param, code);
  }

  static void assertAccepted(Http.Result r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("object").asText()).isEqualTo("response");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void outputWithoutCallIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, output("call_x")));
    assertRejected(r, Responses.noToolCall("call_x"), "input", null);
    assertThat(r.errorMessage()).isEqualTo("No tool call found for function call output with call_id call_x.");
  }

  @Test
  void mcpApprovalResponseMustAnswerARequestBeforeIt() {
    String request = "{\"type\":\"mcp_approval_request\",\"id\":\"mcpr_1\",\"name\":\"deploy\","
        + "\"server_label\":\"ops\",\"arguments\":\"{}\"}";
    String answer = "{\"type\":\"mcp_approval_response\",\"approval_request_id\":\"mcpr_1\",\"approve\":true}";
    assertAccepted(post(Endpoint.RESPONSES, body(USER, request, answer)));
    Http.Result r = post(Endpoint.RESPONSES, body(USER, answer));
    assertRejected(r, Responses.approvalRequestNotFound("mcpr_1"), "input", null);
    assertThat(r.errorMessage()).isEqualTo("No MCP approval request found with id mcpr_1 for the mcp_approval_response.");
    referee.clearRequests();
    assertRejected(post(Endpoint.RESPONSES, body(USER, answer, request)), Responses.approvalRequestNotFound("mcpr_1"),
        "input", null);
  }

  @Test
  void outputBeforeItsCallIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, output("call_a"), call("call_a")));
    assertRejected(r, Responses.noToolCall("call_a"), "input", null);
  }

  @Test
  void callWithoutOutputIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, call("call_a"), call("call_b"), output("call_a")));
    assertRejected(r, Responses.noToolOutput("call_b"), "input", null);
    assertThat(r.errorMessage()).isEqualTo("No tool output found for function call call_b.");
  }

  @Test
  void answeredCallsAreAccepted() {
    assertAccepted(post(Endpoint.RESPONSES, body(USER, call("call_a"), call("call_b"), output("call_b"), output("call_a"))));
  }

  @Test
  void duplicateItemIdsAreRejected() {
    Http.Result r = post(Endpoint.RESPONSES,
        body(USER, callWithItemId("fc_1", "call_a"), callWithItemId("fc_1", "call_b"), output("call_a"), output("call_b")));
    assertRejected(r, Responses.duplicateItem("fc_1"), "input", null);
    assertThat(r.errorMessage())
        .isEqualTo("Duplicate item found with id fc_1. Remove duplicate items from your input and try again.");
  }

  @Test
  void duplicateCallIdsAndOutputsAreRejected() {
    assertRejected(post(Endpoint.RESPONSES, body(USER, call("call_a"), call("call_a"), output("call_a"))),
        Responses.duplicateCallId("call_a"), "input", null);
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, body(USER, call("call_a"), output("call_a"), output("call_a"))),
        Responses.duplicateOutput("call_a"), "input", null);
  }

  @Test
  void callIdOverSixtyFourCharactersIsRejected() {
    String id = "call_" + "y".repeat(60);
    Http.Result r = post(Endpoint.RESPONSES, body(USER, call(id), output(id)));
    assertRejected(r, OpenAi.stringTooLong("input[1].call_id", 64, 65), "input[1].call_id", "string_above_max_length");
    assertThat(r.errorMessage()).isEqualTo("Invalid 'input[1].call_id': string too long. Expected a string with"
        + " maximum length 64, but got a string with length 65 instead.");
    referee.reset();
    String max = "call_" + "y".repeat(59);
    assertAccepted(post(Endpoint.RESPONSES, body(USER, call(max), output(max))));
  }

  @Test
  void roleToolIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, "{\"role\":\"tool\",\"content\":\"22C\"}"));
    assertRejected(r, "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
        "input[1].role", "invalid_value");
  }

  @Test
  void unknownItemTypeIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, "{\"type\":\"tool_result\",\"call_id\":\"c\"}"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).startsWith("Invalid value: 'tool_result'. Supported values are: 'apply_patch_call', ");
    assertThat(r.errorMessage()).contains("'function_call_output'", "'item_reference'", "'mcp_call'", "'reasoning'");
    assertThat(r.json().at("/error/param").asText()).isEqualTo("input[1].type");
    assertThat(r.json().at("/error/code").asText()).isEqualTo("invalid_value");
  }

  @Test
  void reasoningMustBeFollowedByItsItem() {
    Http.Result last = post(Endpoint.RESPONSES, body(USER, reasoning("rs_1")));
    assertRejected(last, Responses.reasoningWithoutFollowingItem("rs_1"), "input", null);
    assertThat(last.errorMessage())
        .isEqualTo("Item 'rs_1' of type 'reasoning' was provided without its required following item.");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, body(USER, reasoning("rs_2"), USER)),
        Responses.reasoningWithoutFollowingItem("rs_2"), "input", null);
    referee.reset();
    assertAccepted(post(Endpoint.RESPONSES,
        body(USER, reasoning("rs_3"), callWithItemId("fc_3", "call_a"), output("call_a"))));
    referee.reset();
    assertAccepted(post(Endpoint.RESPONSES, body(USER, reasoning("rs_4"),
        "{\"type\":\"message\",\"id\":\"msg_4\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\"}]}",
        USER)));
  }

  /**
   * The service pairs a reasoning item with its following item by the item's id: an assistant message
   * (openai-node#1567, mastra#11103) or a call (vercel/ai#7099, langchainjs#9082) sent after it without
   * its id does not pair, and the reasoning item is refused.
   */
  @Test
  void reasoningIsPairedByTheFollowingItemsId() {
    String message = "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Three.\"}]}";
    Http.Result r = post(Endpoint.RESPONSES, body(USER, reasoning("rs_5"), message, USER));
    assertRejected(r, Responses.reasoningWithoutFollowingItem("rs_5"), "input", null);
    assertThat(r.errorMessage())
        .isEqualTo("Item 'rs_5' of type 'reasoning' was provided without its required following item.");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, body(USER, reasoning("rs_6"), call("call_b"), output("call_b"))),
        Responses.reasoningWithoutFollowingItem("rs_6"), "input", null);
    referee.reset();
    assertAccepted(post(Endpoint.RESPONSES, body(USER, call("call_c"), output("call_c"), message, USER)));
  }

  @Test
  void reasoningNeedsASummary() {
    Http.Result r = post(Endpoint.RESPONSES, body(USER, "{\"type\":\"reasoning\",\"id\":\"rs_1\"}", call("c"), output("c")));
    assertRejected(r, OpenAi.missingParameter("input[1].summary"), "input[1].summary", "missing_required_parameter");
  }

  @Test
  void unknownPreviousResponseIsRejected() {
    Http.Result r = post(Endpoint.RESPONSES,
        "{\"model\":\"gpt-4.1\",\"previous_response_id\":\"resp_nope\",\"input\":\"hi\"}");
    assertRejected(r, Responses.previousResponseNotFound("resp_nope"), "previous_response_id",
        "previous_response_not_found");
    assertThat(r.errorMessage()).isEqualTo("Previous response with id 'resp_nope' not found.");
  }

  @Test
  void contentPartsMustFitTheRole() {
    assertAccepted(post(Endpoint.RESPONSES,
        body("{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}")));
    referee.reset();
    Http.Result r = post(Endpoint.RESPONSES,
        body(USER, "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}"));
    assertRejected(r, "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
        "input[1].content[0].type", "invalid_value");
  }

  @Test
  void mcpApprovalItemsAreAccepted() {
    String request = "{\"type\":\"mcp_approval_request\",\"id\":\"mcpr_1\",\"name\":\"deploy\",\"server_label\":\"ops\",\"arguments\":\"{}\"}";
    String response = "{\"type\":\"mcp_approval_response\",\"approval_request_id\":\"mcpr_1\",\"approve\":true}";
    assertAccepted(post(Endpoint.RESPONSES, body(USER, request, response)));
  }

  @Test
  void itemReferencesResolveAgainstTheConversation() {
    Http.Result first = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"hi\"}");
    String message = first.json().at("/output/0/id").asText();
    assertAccepted(post(Endpoint.RESPONSES,
        body("{\"role\":\"user\",\"content\":\"hi\"}", "{\"type\":\"item_reference\",\"id\":\"" + message + "\"}", USER)));
    referee.reset();
    Http.Result r = post(Endpoint.RESPONSES, body(USER, "{\"type\":\"item_reference\",\"id\":\"msg_404\"}"));
    assertRejected(r, Responses.itemNotFound("msg_404"), "input", null);
  }

  @Test
  void shapeErrors() {
    assertRejected(post(Endpoint.RESPONSES, "[]"), "Invalid type for 'body': expected an object, but got an array instead.",
        null, "invalid_type");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, "{\"input\":\"hi\"}"), OpenAi.missingParameter("model"), "model",
        "missing_required_parameter");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\"}"), OpenAi.missingParameter("input"), "input",
        "missing_required_parameter");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":{}}"),
        "Invalid type for 'input': expected one of a string or array of input items, but got an object instead.",
        "input", "invalid_type");
    referee.reset();
    assertRejected(post(Endpoint.RESPONSES, "nope"), OpenAi.NOT_JSON, null, null);
    referee.reset();
    JsonNode ok = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"hi\"}").json();
    assertThat(ok.at("/output/0/content/0/text").asText()).isEqualTo("You said: hi");
  }
}
