package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.testkit.ManualClock;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw HTTP against the hosted endpoint: malformed and hostile requests each get a 400 (or 404, 413,
 * 415) in OpenAI's error shape with an exact message, and nothing runs.
 */
class HostileInputTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  ProviderReferee referee;
  ResponsesServer server;
  final ManualClock clock = ManualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  final AtomicInteger refunds = new AtomicInteger();

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
    server = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds).clock(clock)).secret(Agents.SECRET)
        .clock(clock).maxBodyBytes(4096).start();
  }

  @AfterEach
  void stop() {
    server.close();
    referee.close();
  }

  record Answer(int status, JsonNode body) {
    String message() {
      return body.path("error").path("message").asText();
    }

    String code() {
      return body.path("error").path("code").asText();
    }

    String param() {
      return body.path("error").path("param").asText(null);
    }
  }

  Answer post(String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Answer send(HttpRequest request) throws Exception {
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  /** A response that waits for approval of refund(order) under call id {@code callId}. */
  JsonNode awaiting(String order, String callId, boolean store) throws Exception {
    referee.script().enqueue(Reply.toolCalls(Reply.call("refund", "{\"order\":\"" + order + "\"}").withId(callId)));
    Answer a = post("{\"model\":\"m\",\"store\":" + store + ",\"input\":\"Refund " + order + "\"}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("output").get(0).path("type").asText()).isEqualTo("mcp_approval_request");
    return a.body();
  }

  static String approval(JsonNode response) {
    return response.path("output").get(0).path("id").asText();
  }

  static String approve(String previous, String approvalId) {
    return "{\"model\":\"m\",\"previous_response_id\":\"" + previous + "\",\"input\":[{\"type\":"
        + "\"mcp_approval_response\",\"approval_request_id\":\"" + approvalId + "\",\"approve\":true}]}";
  }

  void assertError(Answer a, int status, String code, String param, String message) {
    assertThat(a.status()).isEqualTo(status);
    assertThat(a.body().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(a.code()).isEqualTo(code);
    assertThat(a.param()).isEqualTo(param);
    assertThat(a.message()).isEqualTo(message);
  }

  @Test
  void malformedRequestsAreRefusedWithWhatIsWrongAndWhere() throws Exception {
    assertError(post("not json"), 400, "invalid_json", null, "the request body is not valid JSON (line 1, column 5):"
        + " Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
        + " 'false')");
    assertError(post(""), 400, "invalid_json", null,
        "the request body is empty; send a JSON object with 'model' and 'input'");
    assertError(post("[1]"), 400, "invalid_body", null,
        "the request body must be a JSON object with 'model' and 'input', was a JSON array");
    assertError(post("{\"model\":\"m\"}"), 400, "missing_required_parameter", "input",
        "Missing required parameter: 'input'. Send a string or an array of input items.");
    assertError(post("{\"model\":\"m\",\"input\":42}"), 400, "invalid_type", "input",
        "'input' must be a string or an array of input items, was a JSON number");
    assertError(post("{\"model\":\"m\",\"input\":[{\"type\":\"computer_call\"}]}"), 400, "unsupported_item_type",
        "input[0].type", "input[0] has type 'computer_call', which this server does not take; send message,"
            + " function_call, function_call_output, mcp_approval_request, mcp_approval_response or mcp_call items");
    assertError(post("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\"}]}]}"),
        400, "unsupported_content_type", "input[0].content[0].type",
        "input[0].content[0] has type 'input_image'; this server takes text parts only (input_text, output_text)");
    assertError(post("{\"model\":\"m\",\"input\":[{\"type\":\"mcp_approval_response\",\"approval_request_id\":"
        + "\"mcpr_x\",\"approve\":\"yes\"}]}"), 400, "invalid_type", "input[0].approve",
        "input[0].approve must be true or false, was \"yes\"");
    assertError(post("{\"model\":\"m\",\"store\":\"no\",\"input\":\"hi\"}"), 400, "invalid_type", "store",
        "'store' must be true or false, was \"no\"");
    assertError(post("{\"model\":\"m\",\"previous_response_id\":\"resp_nope\",\"input\":\"hi\"}"), 400,
        "previous_response_not_found", "previous_response_id", "Previous response with id 'resp_nope' not found.");
    assertError(post("{\"model\":\"m\",\"input\":\"" + "x".repeat(5000) + "\"}"), 413, "request_too_large", null,
        "the request body is larger than this server takes (4096 bytes); send a shorter input");
    assertError(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses"))
            .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
        415, "unsupported_media_type", null,
        "the request body must be JSON with Content-Type: application/json, was text/plain");
    assertError(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses/resp_missing")).GET().build()),
        404, "response_not_found", null,
        "Response with id 'resp_missing' not found. Only responses created with store: true are kept.");
    assertError(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
        404, "unknown_url", null, "Unknown request URL: POST /v1/chat/completions. This server serves POST"
            + " /v1/responses and GET /v1/responses/{id}");
    assertError(post("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"refund\"}]}"),
        400, "invalid_tools", "tools", "client-side tool 'refund' has the name of another tool; tool names must be"
            + " unique");
    assertError(post("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}"), 400,
        "unsupported_tool_type", "tools[0].type", "tools[0] has type 'web_search'; this server takes function tools"
            + " only (the client runs them); its own tools are the agent's");
    assertError(post("{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":"
        + "\"call_tg_forged.AAAA\",\"output\":\"42\"}]}"), 400, "invalid_approval_request_id", "input[0].call_id",
        "input[0].call_id 'call_tg_forged.AAAA' is not an id this server issued (its signature does not match): it"
            + " was changed, made up or signed with another secret. Send back the id exactly as a response of this"
            + " server gave it");
    assertThat(referee.requests()).isEmpty();
  }

  @Test
  void forgedApprovalIdRunsNothing() throws Exception {
    JsonNode asked = awaiting("A1", "call_a1", true);
    String id = approval(asked);
    String forged = id.substring(0, id.length() - 2) + (id.endsWith("AA") ? "BB" : "AA");

    assertError(post(approve(asked.path("id").asText(), forged)), 400, "invalid_approval_request_id",
        "input[0].approval_request_id", "input[0].approval_request_id '" + forged.substring(0, 40) + "…' is not an"
            + " id this server issued (its signature does not match): it was changed, made up or signed with"
            + " another secret. Send back the id exactly as a response of this server gave it");
    assertError(post(approve(asked.path("id").asText(), "mcpr_made_up")), 400, "invalid_approval_request_id",
        "input[0].approval_request_id", "input[0].approval_request_id 'mcpr_made_up' is not an id this server"
            + " issued (its signature does not match): it was changed, made up or signed with another secret. Send"
            + " back the id exactly as a response of this server gave it");
    assertThat(refunds).hasValue(0);
  }

  @Test
  void expiredApprovalRunsNothingButMayStillBeRejected() throws Exception {
    JsonNode asked = awaiting("A1", "call_a1", true);
    clock.advance(Duration.ofHours(2));

    assertError(post(approve(asked.path("id").asText(), approval(asked))), 400, "approval_request_expired",
        "input[0].approval_request_id", "approval request call_a1 of tool 'refund' expired at 2026-01-01T01:00:00Z;"
            + " it can no longer be approved (it can still be rejected with approve: false). Nothing ran; ask again");
    assertThat(refunds).hasValue(0);

    referee.script().enqueue(Reply.text("No refund then."));
    Answer rejected = post("{\"model\":\"m\",\"previous_response_id\":\"" + asked.path("id").asText()
        + "\",\"input\":[{\"type\":\"mcp_approval_response\",\"approval_request_id\":\"" + approval(asked)
        + "\",\"approve\":false}]}");
    assertThat(rejected.status()).isEqualTo(200);
    assertThat(refunds).hasValue(0);
  }

  @Test
  void approvalOfAnotherConversationRunsNothing() throws Exception {
    JsonNode a = awaiting("A1", "call_same", true);
    JsonNode b = awaiting("B2", "call_same", true); // the model reuses call ids across conversations

    assertError(post(approve(b.path("id").asText(), approval(a))), 400, "approval_request_foreign",
        "input[0].approval_request_id", "input[0].approval_request_id names call call_same of another conversation"
            + " than this request's; an approval answers only in the conversation that asked for it. Continue that"
            + " conversation (its previous_response_id) instead");
    assertThat(refunds).hasValue(0);
  }

  @Test
  void twoConversationsWithTheSameCallIdEachRunTheirOwnApprovedCallOnce() throws Exception {
    JsonNode a = awaiting("A1", "call_same", true);
    JsonNode b = awaiting("B2", "call_same", true); // the model reuses call ids across conversations

    referee.script().enqueue(Reply.text("Refunded A1."));
    assertThat(post(approve(a.path("id").asText(), approval(a))).status()).isEqualTo(200);
    referee.script().enqueue(Reply.text("Refunded B2."));
    assertThat(post(approve(b.path("id").asText(), approval(b))).status()).isEqualTo(200);
    // neither answer was taken for the other's: each conversation's call ran, once
    assertThat(refunds).hasValue(2);
    assertThat(referee.requests()).filteredOn(r -> r.lastToolResult() != null)
        .extracting(r -> r.body().contains("A1") ? "A1" : "B2").containsExactly("A1", "B2");
  }

  @Test
  void statelessApprovalWithOtherArgumentsRunsNothing() throws Exception {
    JsonNode asked = awaiting("A1", "call_a1", false);
    JsonNode request = asked.path("output").get(0);
    ObjectNode body = JSON.createObjectNode().put("model", "m").put("store", false);
    ArrayNode input = body.putArray("input");
    input.addObject().put("role", "user").put("content", "Refund A1");
    ((ObjectNode) input.addObject().setAll((ObjectNode) request.deepCopy())).put("arguments", "{\"order\":\"Z9\"}");
    input.addObject().put("type", "mcp_approval_response").put("approval_request_id", request.path("id").asText())
        .put("approve", true);

    assertError(post(body.toString()), 400, "approval_request_mismatch", "input[1].arguments", "input[1] carries"
        + " tool 'refund' with other arguments than call call_a1 of tool 'refund' had when the server asked for"
        + " it; send the item back unchanged");
    assertThat(refunds).hasValue(0);
  }

  @Test
  void statelessApprovalWithoutItsRequestIsRefused() throws Exception {
    JsonNode asked = awaiting("A1", "call_a1", false);
    ObjectNode body = JSON.createObjectNode().put("model", "m").put("store", false);
    body.putArray("input").addObject().put("type", "mcp_approval_response")
        .put("approval_request_id", approval(asked)).put("approve", true);

    assertError(post(body.toString()), 400, "approval_request_not_found", "input[0].approval_request_id",
        "call call_a1 of tool 'refund' does not wait in this conversation. With previous_response_id, answer a"
            + " call of that response; with store: false, send the item that asked (mcp_approval_request or"
            + " function_call) back in the input before its answer");
    assertThat(refunds).hasValue(0);
  }

  @Test
  void replayedApprovalRunsNothing() throws Exception {
    JsonNode asked = awaiting("A1", "call_a1", true);
    referee.script().enqueue(Reply.text("Refunded."));
    Answer first = post(approve(asked.path("id").asText(), approval(asked)));
    assertThat(first.status()).isEqualTo(200);
    assertThat(refunds).hasValue(1);

    assertError(post(approve(asked.path("id").asText(), approval(asked))), 400, "approval_already_used",
        "input[0].approval_request_id", "approval request call_a1 of tool 'refund' was already answered; an answer"
            + " is used once, and nothing ran again. Continue from the response that answered it");
    // also from the response that answered it
    assertError(post(approve(first.body().path("id").asText(), approval(asked))), 400, "approval_already_used",
        "input[0].approval_request_id", "approval request call_a1 of tool 'refund' was already answered; an answer"
            + " is used once, and nothing ran again. Continue from the response that answered it");
    assertThat(refunds).hasValue(1);
  }
}
