package dev.toolguard.hosting.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A real Spring Boot application (Tomcat on a random loopback port) with toolguard-hosting-spring-boot
 * on its class path, driven by openai-java's Responses client; the hosted agent's model is the testkit
 * referee over HTTP.
 */
class HostedBootAppTest {

  static final String SECRET = "a-secret-of-at-least-32-bytes-for-the-boot-test";
  static final AtomicInteger REFUNDS = new AtomicInteger();

  static ProviderReferee referee;
  static ConfigurableApplicationContext app;
  static OpenAIClient client;
  static String baseUrl;

  /** The application: its agent's model and loop settings; toolguard-hosting-spring-boot serves them. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class RefundApp {
    @Bean
    ChatBackend model(@Value("${referee.url}") String refereeUrl) {
      return HttpChatBackend.openAiResponses(HttpBackendConfig.builder().baseUrl(refereeUrl).model("gpt-referee")
          .build());
    }

    @Bean
    FunctionInvokingLoop.Builder agent() {
      LoopTool refund = LoopTool.of(new ToolSpec("refund", "Refunds an order",
          "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}"),
          args -> {
            REFUNDS.incrementAndGet();
            return "refunded";
          });
      return FunctionInvokingLoop.builder().tools(refund)
          .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build());
    }
  }

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    app = new SpringApplicationBuilder(RefundApp.class).properties(
        "server.address=127.0.0.1",
        "server.port=0",
        "referee.url=" + referee.openAiBaseUrl(),
        "toolguard.hosting.enabled=true",
        "toolguard.hosting.path=/agent/v1",
        "toolguard.hosting.secret=" + SECRET).run();
    baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/agent/v1";
    client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("not-checked").maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    app.close();
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.script().clear();
    REFUNDS.set(0);
  }

  static ResponseCreateParams approve(String previous, String approvalId) {
    return ResponseCreateParams.builder().model("agent").previousResponseId(previous)
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(approvalId).approve(true).build())))
        .build();
  }

  @Test
  void createApproveByPreviousResponseIdRetrieveAndReplay() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"B1\"}"), Reply.text("Order B1 is refunded."));

    Response asked = client.responses().create(ResponseCreateParams.builder().model("agent")
        .input("Refund order B1").build());
    ResponseOutputItem.McpApprovalRequest request = asked.output().get(0).mcpApprovalRequest().orElseThrow();
    assertThat(request.name()).isEqualTo("refund");
    assertThat(request.arguments()).isEqualTo("{\"order\":\"B1\"}");
    assertThat(REFUNDS).hasValue(0);

    Response done = client.responses().create(approve(asked.id(), request.id()));
    assertThat(REFUNDS).hasValue(1);
    assertThat(done.output().get(0).mcpCall().orElseThrow().output()).contains("refunded");
    assertThat(text(done)).isEqualTo("Order B1 is refunded.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(text(client.responses().retrieve(done.id()))).isEqualTo("Order B1 is refunded.");

    assertThatThrownBy(() -> client.responses().create(approve(asked.id(), request.id())))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.code()).contains("approval_already_used");
          assertThat(e.param()).contains("input[0].approval_request_id");
        });
    assertThat(REFUNDS).hasValue(1);
  }

  @Test
  void streamsTheResponsesEventsAndContinuesByPreviousResponseId() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"B2\"}"), Reply.text("B2 done."));
    Response asked;
    List<String> types = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
        .model("agent").input("Refund B2").build())) {
      asked = s.stream().peek(e -> types.add(type(e))).filter(ResponseStreamEvent::isCompleted)
          .map(e -> e.asCompleted().response()).findFirst().orElseThrow();
    }
    assertThat(types).startsWith("response.created", "response.in_progress").endsWith("response.completed");
    assertThat(types).contains("response.output_item.added", "response.output_item.done");
    String approval = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();

    StringBuilder deltas = new StringBuilder();
    Response done = null;
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(approve(asked.id(), approval))) {
      for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
        e.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
        if (e.isCompleted()) {
          done = e.asCompleted().response();
        }
      }
    }
    assertThat(deltas.toString()).isEqualTo("B2 done.");
    assertThat(done).isNotNull();
    assertThat(text(done)).isEqualTo("B2 done.");
    assertThat(REFUNDS).hasValue(1);
    // the streamed response is the stored one
    assertThat(text(client.responses().retrieve(done.id()))).isEqualTo("B2 done.");
  }

  @Test
  void refusalsAreOpenAiErrorsFromTheSameEndpoint() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/responses"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\","
            + "\"input\":[{\"type\":\"mcp_approval_response\",\"approval_request_id\":\"mcpr_forged.abc\","
            + "\"approve\":true}]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
    assertThat(forged.body()).contains("\"code\":\"invalid_approval_request_id\"",
        "\"param\":\"input[0].approval_request_id\"");

    HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/responses/resp_x"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.body()).contains("\"code\":\"method_not_allowed\"", "GET /agent/v1/responses/{id}");

    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/responses/resp_none"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"code\":\"response_not_found\"");
    assertThat(REFUNDS).hasValue(0);
    assertThat(referee.requests()).isEmpty();
  }

  static String type(ResponseStreamEvent e) {
    return e.isCreated() ? "response.created" : e.isInProgress() ? "response.in_progress"
        : e.isCompleted() ? "response.completed" : e.isOutputItemAdded() ? "response.output_item.added"
        : e.isOutputItemDone() ? "response.output_item.done" : e.isOutputTextDelta() ? "response.output_text.delta"
        : "other";
  }

  static String text(Response r) {
    StringBuilder sb = new StringBuilder();
    for (ResponseOutputItem item : r.output()) {
      item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().map(ResponseOutputText::text)
          .ifPresent(sb::append)));
    }
    return sb.toString();
  }
}
