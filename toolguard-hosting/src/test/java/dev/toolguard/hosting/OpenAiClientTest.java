package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.FunctionTool;
import com.openai.core.JsonValue;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** openai-java's Responses API against the hosted agent, whose model is the referee over HTTP. */
class OpenAiClientTest {

  ProviderReferee referee;
  ResponsesServer server;
  OpenAIClient client;
  final AtomicInteger refunds = new AtomicInteger();

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
    server = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds)).secret(Agents.SECRET).start();
    client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("not-checked").maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    referee.close();
  }

  @Test
  void approvalGoesOutAsMcpApprovalRequestAndComesBackByPreviousResponseId() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"A1\"}"), Reply.text("Order A1 is refunded."));

    Response asked = client.responses().create(ResponseCreateParams.builder().model("toolguard-agent")
        .input("Refund order A1").build());

    assertThat(asked.output()).hasSize(1);
    ResponseOutputItem.McpApprovalRequest request = asked.output().get(0).mcpApprovalRequest().orElseThrow();
    assertThat(request.name()).isEqualTo("refund");
    assertThat(request.arguments()).isEqualTo("{\"order\":\"A1\"}");
    assertThat(request.serverLabel()).isEqualTo("toolguard");
    assertThat(request.id()).startsWith("mcpr_");
    assertThat(refunds).hasValue(0);

    ResponseCreateParams approve = ResponseCreateParams.builder().model("toolguard-agent")
        .previousResponseId(asked.id())
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(request.id()).approve(true).build())))
        .build();
    Response done = client.responses().create(approve);

    assertThat(refunds).hasValue(1);
    ResponseOutputItem.McpCall call = done.output().get(0).mcpCall().orElseThrow();
    assertThat(call.name()).isEqualTo("refund");
    assertThat(call.output()).contains("refunded");
    assertThat(text(done)).isEqualTo("Order A1 is refunded.");
    // the model saw the call and its result
    assertThat(referee.rejections()).isEmpty();

    Response fetched = client.responses().retrieve(done.id());
    assertThat(fetched.id()).isEqualTo(done.id());
    assertThat(text(fetched)).isEqualTo("Order A1 is refunded.");

    // the same approval again: refused, nothing runs
    assertThatThrownBy(() -> client.responses().create(approve))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.code()).contains("approval_already_used");
          assertThat(e.param()).contains("input[0].approval_request_id");
        });
    assertThat(refunds).hasValue(1);
  }

  @Test
  void aRequestWhoseModelFailedAfterTheCallRanIsSentAgainAndRunsNothingTwice() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"D4\"}"));
    Response asked = client.responses().create(ResponseCreateParams.builder().model("m").input("Refund D4").build());
    String id = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();
    ResponseCreateParams approve = ResponseCreateParams.builder().model("m").previousResponseId(asked.id())
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(id).approve(true).build())))
        .build();

    // the refund runs, then the model fails: 502, nothing stored, the answer given back
    referee.faults().add(dev.toolguard.testkit.Fault.serverError());
    assertThatThrownBy(() -> client.responses().create(approve))
        .isInstanceOfSatisfying(com.openai.errors.InternalServerException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(502);
          assertThat(e.code()).contains("model_failed");
          assertThat(e.getMessage()).contains("send the same request again");
        });
    assertThat(refunds).hasValue(1);

    // the same request again: the recorded result is reused, the refund does not run again
    referee.script().enqueue(Reply.text("D4 is refunded."));
    Response done = client.responses().create(approve);
    assertThat(text(done)).isEqualTo("D4 is refunded.");
    assertThat(refunds).hasValue(1);
    assertThat(referee.lastRequest().body().toString()).contains("refunded");

    // and now the answer is used
    assertThatThrownBy(() -> client.responses().create(approve))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).contains("approval_already_used"));
    assertThat(refunds).hasValue(1);
  }

  @Test
  void rejectedApprovalRunsNothingAndTheModelHearsTheReason() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"B2\"}"), Reply.text("Understood, no refund."));
    Response asked = client.responses().create(ResponseCreateParams.builder().model("m").input("Refund B2").build());
    String id = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();

    Response done = client.responses().create(ResponseCreateParams.builder().model("m")
        .previousResponseId(asked.id())
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(id).approve(false).reason("order is older than 90 days").build())))
        .build());

    assertThat(refunds).hasValue(0);
    assertThat(done.output().get(0).mcpCall().orElseThrow().error().orElseThrow().toolExecution().orElseThrow()
        ._content().toString()).contains("order is older than 90 days");
    assertThat(text(done)).isEqualTo("Understood, no refund.");
  }

  @Test
  void storeFalseResumesFromTheItemsTheClientSendsBack() {
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"C3\"}"), Reply.text("C3 refunded."));
    ResponseInputItem user = ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage
        .builder().role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Refund C3").build());

    Response asked = client.responses().create(ResponseCreateParams.builder().model("m").store(false)
        .inputOfResponse(List.of(user)).build());
    ResponseOutputItem.McpApprovalRequest request = asked.output().get(0).mcpApprovalRequest().orElseThrow();

    List<ResponseInputItem> input = new ArrayList<>();
    input.add(user);
    input.add(echo(request));
    input.add(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse.builder()
        .approvalRequestId(request.id()).approve(true).build()));
    ResponseCreateParams resume = ResponseCreateParams.builder().model("m").store(false).inputOfResponse(input)
        .build();
    Response done = client.responses().create(resume);

    assertThat(refunds).hasValue(1);
    assertThat(text(done)).isEqualTo("C3 refunded.");
    assertThat(referee.rejections()).isEmpty();
    // nothing of a store: false response is kept
    assertThatThrownBy(() -> client.responses().retrieve(done.id()))
        .isInstanceOf(com.openai.errors.NotFoundException.class);

    // the next turn, stateless too: everything said so far goes back, the settled call as an mcp_call
    referee.script().enqueue(Reply.text("You are welcome."));
    List<ResponseInputItem> next = new ArrayList<>(input);
    for (ResponseOutputItem item : done.output()) {
      next.add(back(item));
    }
    next.add(ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
        .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Thanks").build()));
    Response thanks = client.responses().create(ResponseCreateParams.builder().model("m").store(false)
        .inputOfResponse(next).build());
    assertThat(text(thanks)).isEqualTo("You are welcome.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(refunds).hasValue(1);
    // the model saw the call and its result once, in place
    String sent = referee.lastRequest().body().toString();
    assertThat(sent.split("\"type\":\"function_call\"", -1)).hasSize(2);
    assertThat(sent.split("\"type\":\"function_call_output\"", -1)).hasSize(2);

    // the same stateless approval again: the journal knows it ran
    assertThatThrownBy(() -> client.responses().create(resume))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.code()).contains("approval_already_used"));
    assertThat(refunds).hasValue(1);
  }

  @Test
  void clientSideToolGoesOutAsFunctionCallAndItsOutputResumesIt() {
    referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Oslo\"}"), Reply.text("It is 3 degrees in Oslo."));
    FunctionTool weather = FunctionTool.builder().name("weather").strict(false)
        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
        .build();

    Response asked = client.responses().create(ResponseCreateParams.builder().model("m").input("Weather in Oslo?")
        .addTool(weather).build());
    var call = asked.output().get(0).functionCall().orElseThrow();
    assertThat(call.name()).isEqualTo("weather");
    assertThat(call.arguments()).isEqualTo("{\"city\":\"Oslo\"}");

    Response done = client.responses().create(ResponseCreateParams.builder().model("m")
        .previousResponseId(asked.id()).addTool(weather)
        .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
            .builder().callId(call.callId()).output("3 degrees").build())))
        .build());

    assertThat(text(done)).isEqualTo("It is 3 degrees in Oslo.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(refunds).hasValue(0);
  }

  static ResponseInputItem echo(ResponseOutputItem.McpApprovalRequest r) {
    return ResponseInputItem.ofMcpApprovalRequest(ResponseInputItem.McpApprovalRequest.builder().id(r.id())
        .name(r.name()).arguments(r.arguments()).serverLabel(r.serverLabel()).build());
  }

  /** An output item as the input item that sends it back. */
  static ResponseInputItem back(ResponseOutputItem item) {
    if (item.isMessage()) {
      return ResponseInputItem.ofResponseOutputMessage(item.asMessage());
    }
    if (item.isMcpCall()) {
      ResponseOutputItem.McpCall c = item.asMcpCall();
      ResponseInputItem.McpCall.Builder b = ResponseInputItem.McpCall.builder().id(c.id()).name(c.name())
          .arguments(c.arguments()).serverLabel(c.serverLabel());
      c.output().ifPresent(b::output);
      return ResponseInputItem.ofMcpCall(b.build());
    }
    if (item.isMcpApprovalRequest()) {
      return echo(item.asMcpApprovalRequest());
    }
    return ResponseInputItem.ofFunctionCall(item.asFunctionCall());
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
