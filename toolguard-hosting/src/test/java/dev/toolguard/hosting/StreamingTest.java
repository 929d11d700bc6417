package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code stream: true}: the Responses events, in order, read raw and by openai-java's stream. */
class StreamingTest {

  static final ObjectMapper JSON = new ObjectMapper();

  ProviderReferee referee;
  ResponsesServer server;
  final AtomicInteger refunds = new AtomicInteger();

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
    server = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds)).secret(Agents.SECRET)
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    referee.close();
  }

  record Event(String name, JsonNode data) {}

  List<Event> events(String body) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/responses")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/event-stream"));
    List<Event> events = new ArrayList<>();
    String name = null;
    for (String line : (Iterable<String>) r.body()::iterator) {
      if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        events.add(new Event(name, JSON.readTree(line.substring(6))));
      }
    }
    return events;
  }

  /** The event names, with a run of text deltas shown once. */
  static List<String> names(List<Event> events) {
    List<String> names = new ArrayList<>();
    for (Event e : events) {
      assertThat(e.data().path("type").asText()).isEqualTo(e.name());
      if (!(e.name().equals("response.output_text.delta") && !names.isEmpty()
          && names.get(names.size() - 1).equals("response.output_text.delta"))) {
        names.add(e.name());
      }
    }
    return names;
  }

  @Test
  void askAndApproveStreamTheirEventsInOrder() throws Exception {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"S1\"}"), Reply.text("Order S1 is refunded."));

    List<Event> asked = events("{\"model\":\"m\",\"stream\":true,\"input\":\"Refund S1\"}");
    assertThat(names(asked)).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.output_item.done", "response.completed");
    for (int i = 0; i < asked.size(); i++) {
      assertThat(asked.get(i).data().path("sequence_number").asInt()).isEqualTo(i);
    }
    JsonNode request = asked.get(3).data().path("item");
    assertThat(request.path("type").asText()).isEqualTo("mcp_approval_request");
    JsonNode completed = asked.get(4).data().path("response");
    assertThat(completed.path("output")).containsExactly(request);
    String responseId = completed.path("id").asText();
    assertThat(asked.get(0).data().path("response").path("id").asText()).isEqualTo(responseId);
    assertThat(asked.get(0).data().path("response").path("status").asText()).isEqualTo("in_progress");

    List<Event> done = events("{\"model\":\"m\",\"stream\":true,\"previous_response_id\":\"" + responseId
        + "\",\"input\":[{\"type\":\"mcp_approval_response\",\"approval_request_id\":\""
        + request.path("id").asText() + "\",\"approve\":true}]}");
    assertThat(names(done)).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.output_item.done", // the refund that ran
        "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed");
    assertThat(refunds).hasValue(1);
    StringBuilder text = new StringBuilder();
    done.stream().filter(e -> e.name().equals("response.output_text.delta"))
        .forEach(e -> text.append(e.data().path("delta").asText()));
    assertThat(text.toString()).isEqualTo("Order S1 is refunded.");
    JsonNode output = done.get(done.size() - 1).data().path("response").path("output");
    assertThat(output.get(0).path("type").asText()).isEqualTo("mcp_call");
    assertThat(output.get(1).path("content").get(0).path("text").asText()).isEqualTo("Order S1 is refunded.");
    // the stored response is the completed one
    HttpResponse<String> stored = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        server.baseUrl() + "/responses/" + done.get(done.size() - 1).data().path("response").path("id").asText()))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(stored.body())).isEqualTo(done.get(done.size() - 1).data().path("response"));
  }

  @Test
  void openAiJavaReadsTheStream() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"S2\"}"), Reply.text("S2 done."));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("k").maxRetries(0).build();
    try {
      Response asked;
      try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams
          .builder().model("m").input("Refund S2").build())) {
        asked = s.stream().filter(ResponseStreamEvent::isCompleted).map(e -> e.asCompleted().response())
            .findFirst().orElseThrow();
      }
      String approval = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();
      StringBuilder text = new StringBuilder();
      Response done = null;
      try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams
          .builder().model("m").previousResponseId(asked.id())
          .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
              .builder().approvalRequestId(approval).approve(true).build())))
          .build())) {
        for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
          e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
          if (e.isCompleted()) {
            done = e.asCompleted().response();
          }
        }
      }
      assertThat(text.toString()).isEqualTo("S2 done.");
      assertThat(done).isNotNull();
      assertThat(OpenAiClientTest.text(done)).isEqualTo("S2 done.");
      assertThat(refunds).hasValue(1);
    } finally {
      client.close();
    }
  }
}
