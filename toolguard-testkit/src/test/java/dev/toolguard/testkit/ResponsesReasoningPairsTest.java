package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Responses;
import dev.toolguard.testkit.internal.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reasoning item and the item the service produced after it go back together, both ways. */
class ResponsesReasoningPairsTest extends RefereeTestBase {

  static final String USER = "{\"role\":\"user\",\"content\":\"Refund order 7\"}";
  static final String REASONING = "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"e\"}";
  static final String CALL = "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"refund\","
      + "\"arguments\":\"{}\"}";
  static final String CALL_WITHOUT_ID = "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"refund\","
      + "\"arguments\":\"{}\"}";
  static final String OTHER_CALL = "{\"type\":\"function_call\",\"id\":\"fc_2\",\"call_id\":\"call_2\",\"name\":\"refund\","
      + "\"arguments\":\"{}\"}";
  static final String OUTPUT = "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"done\"}";
  static final String OTHER_OUTPUT = "{\"type\":\"function_call_output\",\"call_id\":\"call_2\",\"output\":\"done\"}";
  static final String MESSAGE = "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":"
      + "[{\"type\":\"output_text\",\"text\":\"Refunded.\"}]}";

  static String body(String... items) {
    return "{\"model\":\"gpt-5\",\"input\":[" + String.join(",", items) + "]}";
  }

  static void produced(String... items) {
    referee.responses().produced(List.of(items).stream().map(Json::parseOrNull).toList());
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText()).isEqualTo(message);
  }

  @Test
  void anItemProducedAfterAReasoningItemIsRefusedWithoutIt() {
    produced(REASONING, CALL);
    assertRejected(post(Endpoint.RESPONSES, body(USER, CALL, OUTPUT)),
        "Item 'fc_1' of type 'function_call' was provided without its required 'reasoning' item: 'rs_1'.");
    assertThat(Responses.withoutRequiredReasoning("fc_1", "function_call", "rs_1"))
        .isEqualTo("Item 'fc_1' of type 'function_call' was provided without its required 'reasoning' item: 'rs_1'.");
  }

  @Test
  void anAssistantMessageProducedAfterAReasoningItemIsRefusedWithoutIt() {
    produced(REASONING, MESSAGE);
    assertRejected(post(Endpoint.RESPONSES, body(USER, MESSAGE, "{\"role\":\"user\",\"content\":\"thanks\"}")),
        "Item 'msg_1' of type 'message' was provided without its required 'reasoning' item: 'rs_1'.");
  }

  @Test
  void thePairIsAcceptedTogetherAndTheItemWithoutItsIdAlone() {
    produced(REASONING, CALL);
    assertThat(post(Endpoint.RESPONSES, body(USER, REASONING, CALL, OUTPUT)).status()).isEqualTo(200);
    assertThat(post(Endpoint.RESPONSES, body(USER, CALL_WITHOUT_ID, OUTPUT)).status()).isEqualTo(200);
  }

  @Test
  void aProducedReasoningItemBeforeAnotherProducedItemIsRefused() {
    produced(REASONING, CALL);
    produced(OTHER_CALL);
    assertRejected(post(Endpoint.RESPONSES, body(USER, REASONING, OTHER_CALL, OTHER_OUTPUT)),
        "Item 'rs_1' of type 'reasoning' was provided without its required following item.");
  }

  @Test
  void itemsTheRefereeDidNotProduceArePairedByNothing() {
    assertThat(post(Endpoint.RESPONSES, body(USER, CALL, OUTPUT)).status()).isEqualTo(200);
    assertThat(post(Endpoint.RESPONSES, body(USER, REASONING, OTHER_CALL, OTHER_OUTPUT)).status()).isEqualTo(200);
  }

  @Test
  void aReasoningItemTheRefereeAnsweredIsPairedWithTheItemAfterIt() {
    // the referee's own answer: a reasoning item and a call, stored
    referee.script().enqueue(Reply.toolCall("refund", "{}").withReasoning("thinking"));
    Http.Result first = post(Endpoint.RESPONSES, body(USER));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode output = first.json().get("output");
    assertThat(output.get(0).path("type").asText()).isEqualTo("reasoning");
    String reasoning = output.get(0).get("id").asText();
    JsonNode call = output.get(1);
    String back = "{\"type\":\"function_call_output\",\"call_id\":\"" + call.get("call_id").asText()
        + "\",\"output\":\"done\"}";
    assertRejected(post(Endpoint.RESPONSES, body(USER, Json.write(call), back)),
        Responses.withoutRequiredReasoning(call.get("id").asText(), "function_call", reasoning));
  }

  @Test
  void anItemIdOfAnotherKindIsRefused() {
    assertRejected(post(Endpoint.RESPONSES, body(USER, CALL.replace("fc_1", "item_df7e"), OUTPUT)),
        "Invalid 'input[1].id': 'item_df7e'. Expected an ID that begins with 'fc'.");
    assertRejected(post(Endpoint.RESPONSES, body(USER, REASONING.replace("rs_1", "msg_1"), CALL, OUTPUT)),
        "Invalid 'input[1].id': 'msg_1'. Expected an ID that begins with 'rs'.");
    assertRejected(post(Endpoint.RESPONSES, body(USER, MESSAGE.replace("msg_1", "fc_1"))),
        "Invalid 'input[1].id': 'fc_1'. Expected an ID that begins with 'msg'.");
    assertThat(post(Endpoint.RESPONSES, body(USER, REASONING, CALL, OUTPUT, MESSAGE)).status()).isEqualTo(200);
  }

  @Test
  void twoItemsWithOneIdAreRefused() {
    assertRejected(post(Endpoint.RESPONSES, body(USER, CALL, OUTPUT, OTHER_CALL.replace("fc_2", "fc_1"), OTHER_OUTPUT)),
        "Duplicate item found with id fc_1. Remove duplicate items from your input and try again.");
  }

  @Test
  void aFieldTheItemTypeDoesNotHaveIsRefused() {
    assertRejected(post(Endpoint.RESPONSES, body(USER, CALL.replace("{\"type\"", "{\"metadata\":{},\"type\""), OUTPUT)),
        "Unknown parameter: 'input[1].metadata'.");
    assertRejected(post(Endpoint.RESPONSES, body(USER, MESSAGE.replace("\"text\":", "\"toolguard\":1,\"text\":"))),
        "Unknown parameter: 'input[1].content[0].toolguard'.");
    assertThat(Http.post(referee, Endpoint.RESPONSES, body(USER, MESSAGE)).status()).isEqualTo(200);
  }

  @Test
  void anAnthropicBlockFieldTheTypeDoesNotHaveIsRefused() {
    String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get\",\"input\":{},"
        + "\"foo\":1}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
        + "\"content\":\"ok\"}]}]}";
    Http.Result r = post(Endpoint.MESSAGES, body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText())
        .isEqualTo("messages.1.content.0.tool_use.foo: Extra inputs are not permitted");
    assertThat(post(Endpoint.MESSAGES, body.replace(",\"foo\":1", "")).status()).isEqualTo(200);
    Http.Result m = post(Endpoint.MESSAGES, body.replace("{\"role\":\"assistant\",", "{\"role\":\"assistant\",\"name\":\"x\","));
    assertThat(m.json().at("/error/message").asText()).isEqualTo("messages.1.name: Extra inputs are not permitted");
  }
}
