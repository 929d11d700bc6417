package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two hosted instances on one PostgreSQL database (claim journal, conversation store and response
 * store in it): an approval asked on one instance is answered on the other, the tool runs once, and
 * the same approval replayed on either instance runs nothing.
 */
class TwoInstancesTest {

  static EmbeddedPostgres pg;
  static ProviderReferee referee;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.start();
    referee = ProviderReferee.start();
  }

  @AfterAll
  static void stop() throws Exception {
    referee.close();
    pg.close();
  }

  static ResponsesServer instance(DataSource db, AtomicInteger refunds) {
    return ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds)).secret(Agents.SECRET)
        .journal(JdbcCallJournal.builder(db).createTable(true).build())
        .conversations(JdbcConversationStore.builder(db, HistoryJson.codec()).createTable(true).build())
        .responses(JdbcResponseStore.of(db).createTable())
        .start();
  }

  static ResponseCreateParams approve(String previous, String approvalId) {
    return ResponseCreateParams.builder().model("m").previousResponseId(previous)
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(approvalId).approve(true).build())))
        .build();
  }

  @Test
  void approvalAskedOnOneInstanceIsAnsweredOnTheOtherAndRunsOnce() {
    DataSource db = pg.getPostgresDatabase();
    AtomicInteger refunds = new AtomicInteger(); // counts runs on both instances: they share the tool's effect
    try (ResponsesServer one = instance(db, refunds); ResponsesServer two = instance(db, refunds)) {
      OpenAIClient first = OpenAIOkHttpClient.builder().baseUrl(one.baseUrl()).apiKey("k").maxRetries(0).build();
      OpenAIClient second = OpenAIOkHttpClient.builder().baseUrl(two.baseUrl()).apiKey("k").maxRetries(0).build();
      try {
        referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"P7\"}"), Reply.text("P7 refunded."));
        Response asked = first.responses().create(ResponseCreateParams.builder().model("m")
            .input("Refund P7").build());
        String approvalId = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();

        Response done = second.responses().create(approve(asked.id(), approvalId));

        assertThat(refunds).hasValue(1);
        assertThat(OpenAiClientTest.text(done)).isEqualTo("P7 refunded.");
        assertThat(first.responses().retrieve(done.id()).id()).isEqualTo(done.id());

        for (OpenAIClient client : List.of(first, second)) {
          assertThatThrownBy(() -> client.responses().create(approve(asked.id(), approvalId)))
              .isInstanceOfSatisfying(BadRequestException.class,
                  e -> assertThat(e.code()).contains("approval_already_used"));
        }
        assertThat(refunds).hasValue(1);
        assertThat(referee.rejections()).isEmpty();

        // a fork on the other instance from the response that asked: its state is in the shared store
        referee.script().enqueue(Reply.text("P7 waits for approval."));
        Response fork = second.responses().create(ResponseCreateParams.builder().model("m")
            .previousResponseId(asked.id()).input("What about P7?").build());
        assertThat(OpenAiClientTest.text(fork)).isEqualTo("P7 waits for approval.");
        assertThat(referee.lastRequest().body().toString()).doesNotContain("P7 refunded.");
        assertThat(refunds).hasValue(1);
      } finally {
        first.close();
        second.close();
      }
    }
  }

  @Test
  void theSameApprovalSentToBothInstancesAtOnceRunsOnce() throws Exception {
    DataSource db = pg.getPostgresDatabase();
    AtomicInteger refunds = new AtomicInteger();
    try (ResponsesServer one = instance(db, refunds); ResponsesServer two = instance(db, refunds)) {
      referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"R9\"}"));
      referee.script().respondWith(request -> Reply.text("R9 refunded."));
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String asked = post(http, one, "{\"model\":\"m\",\"input\":\"Refund R9\"}").body();
      com.fasterxml.jackson.databind.JsonNode response = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(asked);
      String approve = "{\"model\":\"m\",\"previous_response_id\":\"" + response.path("id").asText()
          + "\",\"input\":[{\"type\":\"mcp_approval_response\",\"approval_request_id\":\""
          + response.path("output").get(0).path("id").asText() + "\",\"approve\":true}]}";

      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
        for (ResponsesServer target : List.of(one, two)) {
          answers.add(pool.submit(() -> {
            together.await();
            return post(http, target, approve);
          }));
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var f : answers) {
          java.net.http.HttpResponse<String> r = f.get();
          statuses.add(r.statusCode());
          if (r.statusCode() != 200) {
            assertThat(r.body()).containsAnyOf("approval_already_used", "call_in_progress", "conversation_conflict");
          }
        }
        assertThat(statuses).containsOnlyOnce(200);
      } finally {
        pool.shutdownNow();
      }
      assertThat(refunds).hasValue(1);
    } finally {
      referee.script().clear();
    }
  }

  static java.net.http.HttpResponse<String> post(java.net.http.HttpClient http, ResponsesServer to, String body)
      throws Exception {
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(to.baseUrl() + "/responses"))
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statelessApprovalReplayedOnTheOtherInstanceRunsNothing() {
    DataSource db = pg.getPostgresDatabase();
    AtomicInteger refunds = new AtomicInteger();
    try (ResponsesServer one = instance(db, refunds); ResponsesServer two = instance(db, refunds)) {
      OpenAIClient first = OpenAIOkHttpClient.builder().baseUrl(one.baseUrl()).apiKey("k").maxRetries(0).build();
      OpenAIClient second = OpenAIOkHttpClient.builder().baseUrl(two.baseUrl()).apiKey("k").maxRetries(0).build();
      try {
        referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"Q8\"}"), Reply.text("Q8 refunded."));
        ResponseInputItem user = ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage
            .builder().role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Refund Q8").build());
        Response asked = first.responses().create(ResponseCreateParams.builder().model("m").store(false)
            .inputOfResponse(List.of(user)).build());
        var request = asked.output().get(0).mcpApprovalRequest().orElseThrow();
        ResponseCreateParams resume = ResponseCreateParams.builder().model("m").store(false)
            .inputOfResponse(List.of(user, OpenAiClientTest.echo(request),
                ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse.builder()
                    .approvalRequestId(request.id()).approve(true).build())))
            .build();

        assertThat(OpenAiClientTest.text(second.responses().create(resume))).isEqualTo("Q8 refunded.");
        assertThat(refunds).hasValue(1);
        assertThatThrownBy(() -> first.responses().create(resume))
            .isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.code()).contains("approval_already_used"));
        assertThat(refunds).hasValue(1);
      } finally {
        first.close();
        second.close();
      }
    }
  }
}
