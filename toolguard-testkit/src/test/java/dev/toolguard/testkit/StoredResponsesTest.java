package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Responses;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredResponsesTest extends RefereeTestBase {

  static String output(String callId) {
    return "{\"type\":\"function_call_output\",\"call_id\":\"" + callId + "\",\"output\":\"22C\"}";
  }

  static String continuation(String previous, String... items) {
    return "{\"model\":\"gpt-4.1\",\"previous_response_id\":\"" + previous + "\",\"input\":[" + String.join(",", items) + "]}";
  }

  @Test
  void aChainOfStoredResponsesContinues() {
    referee.script().enqueue(Reply.toolCalls(Reply.call("get_weather", "{}"), Reply.call("get_time", "{}")), Reply.text("Done."));
    JsonNode first = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"Weather and time?\"}").json();
    assertThat(first.get("id").asText()).isEqualTo("resp_1");
    assertThat(first.get("store").asBoolean()).isTrue();
    assertThat(referee.responses().ids()).containsExactly("resp_1");

    JsonNode second = post(Endpoint.RESPONSES, continuation("resp_1", output("call_1"), output("call_2"))).json();
    assertThat(second.get("previous_response_id").asText()).isEqualTo("resp_1");
    assertThat(second.at("/output/0/content/0/text").asText()).isEqualTo("Done.");

    JsonNode third = post(Endpoint.RESPONSES, continuation("resp_2", "{\"role\":\"user\",\"content\":\"Thanks\"}")).json();
    assertThat(third.get("id").asText()).isEqualTo("resp_3");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.responses().size()).isEqualTo(3);

    Http.Result fetched = Http.get(referee, "/v1/responses/resp_2");
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json().toString()).isEqualTo(second.toString());
    assertThat(referee.responses().get("resp_2")).hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo(second.toString()));
  }

  @Test
  void previousCallsMustBeAnsweredInTheNewInput() {
    referee.script().enqueue(Reply.toolCall("get_weather", "{}"));
    post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"Weather?\"}");
    Http.Result r = post(Endpoint.RESPONSES, continuation("resp_1", "{\"role\":\"user\",\"content\":\"Hurry up\"}"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo(Responses.noToolOutput("call_1"));
  }

  @Test
  void anOutputMayAnswerACallOfTheChainButNotAnUnknownOne() {
    referee.script().enqueue(Reply.toolCall("get_weather", "{}"));
    post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"Weather?\"}");
    Http.Result r = post(Endpoint.RESPONSES, continuation("resp_1", output("call_1"), output("call_9")));
    assertThat(r.errorMessage()).isEqualTo(Responses.noToolCall("call_9"));
  }

  @Test
  void resendingTheChainsItemsIsADuplicate() {
    referee.script().enqueue(Reply.toolCall("get_weather", "{}"));
    JsonNode first = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"Weather?\"}").json();
    String call = first.at("/output/0").toString();
    Http.Result r = post(Endpoint.RESPONSES, continuation("resp_1", call, output("call_1")));
    assertThat(r.errorMessage()).isEqualTo(Responses.duplicateItem("fc_1"));
  }

  @Test
  void storeFalseIsNotKept() {
    JsonNode r = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"store\":false,\"input\":\"hi\"}").json();
    assertThat(r.get("store").asBoolean()).isFalse();
    assertThat(referee.responses().size()).isZero();
    Http.Result next = post(Endpoint.RESPONSES, continuation(r.get("id").asText(), "{\"role\":\"user\",\"content\":\"x\"}"));
    assertThat(next.status()).isEqualTo(400);
    assertThat(next.json().at("/error/code").asText()).isEqualTo("previous_response_not_found");
    assertThat(Http.get(referee, "/v1/responses/" + r.get("id").asText()).status()).isEqualTo(404);
  }

  @Test
  void unknownResponseIdAnswers404OnGet() {
    Http.Result r = Http.get(referee, "/v1/responses/resp_404");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorMessage()).isEqualTo(Responses.responseNotFound("resp_404"));
  }

  @Test
  void replayedOrphanOutputIsRefusedWhenSentBack() {
    referee.responses().replayOrphanOutputs(true);
    referee.script().enqueue(Reply.text("Deployed."), Reply.text("Anything else?"));
    JsonNode first = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"Deploy it\"}").json();
    JsonNode orphan = first.at("/output/0");
    assertThat(orphan.get("type").asText()).isEqualTo("function_call_output");
    assertThat(orphan.get("call_id").asText()).isEqualTo("mcp_1");
    assertThat(orphan.get("id").asText()).isEqualTo("fco_1");
    assertThat(first.at("/output/1/type").asText()).isEqualTo("message");

    // continuing without sending the replayed item back works
    assertThat(post(Endpoint.RESPONSES, continuation("resp_1", "{\"role\":\"user\",\"content\":\"ok\"}")).status())
        .isEqualTo(200);
    // a client that appends the output to its history and sends it back is refused
    Http.Result r = post(Endpoint.RESPONSES,
        continuation("resp_1", orphan.toString(), "{\"role\":\"user\",\"content\":\"ok\"}"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo("No tool call found for function call output with call_id mcp_1.");
    // and so is a stateless client that sends the whole history
    Http.Result stateless = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"store\":false,\"input\":["
        + "{\"role\":\"user\",\"content\":\"Deploy it\"}," + orphan + "," + first.at("/output/1") + "]}");
    assertThat(stateless.errorMessage()).isEqualTo(Responses.noToolCall("mcp_1"));
  }

  @Test
  void replayedOrphanOutputIsStreamedToo() {
    referee.responses().replayOrphanOutputs(true);
    List<Sse.Event> events = Sse.parse(post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"hi\"}").body());
    JsonNode added = events.get(2).json();
    assertThat(added.get("type").asText()).isEqualTo("response.output_item.added");
    assertThat(added.at("/item/call_id").asText()).isEqualTo("mcp_1");
    assertThat(added.get("output_index").asInt()).isZero();
  }

  @Test
  void replayIsOffByDefault() {
    JsonNode first = post(Endpoint.RESPONSES, "{\"model\":\"gpt-4.1\",\"input\":\"hi\"}").json();
    assertThat(first.get("output")).hasSize(1);
    assertThat(first.at("/output/0/type").asText()).isEqualTo("message");
  }
}
