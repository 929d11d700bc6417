package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code previous_response_id} names any stored response of a conversation, as with OpenAI: continuing
 * from an older one forks the conversation there, the model hears that branch only, the other branch
 * stays whole, and an approval is used once across all branches.
 */
class ForkTest {

  ProviderReferee referee;
  ResponsesServer server;
  OpenAIClient client;
  final AtomicInteger refunds = new AtomicInteger();

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
    server = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds)).secret(Agents.SECRET).start();
    client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("k").maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    referee.close();
  }

  Response say(@org.jspecify.annotations.Nullable String previous, String text) {
    ResponseCreateParams.Builder b = ResponseCreateParams.builder().model("m").input(text);
    if (previous != null) {
      b.previousResponseId(previous);
    }
    return client.responses().create(b.build());
  }

  Response approve(String previous, String approvalId) {
    return client.responses().create(ResponseCreateParams.builder().model("m").previousResponseId(previous)
        .inputOfResponse(List.of(ResponseInputItem.ofMcpApprovalResponse(ResponseInputItem.McpApprovalResponse
            .builder().approvalRequestId(approvalId).approve(true).build())))
        .build());
  }

  @Test
  void continuingFromAnOlderResponseForksTheConversationThere() {
    referee.script().enqueue(Reply.text("Hi, how can I help?"));
    Response hello = say(null, "Hello");
    referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"F1\"}"), Reply.text("F1 is refunded."));
    Response asked = say(hello.id(), "Refund order F1");
    String approvalId = asked.output().get(0).mcpApprovalRequest().orElseThrow().id();
    Response refunded = approve(asked.id(), approvalId);
    assertThat(refunds).hasValue(1);

    // a second branch from the first response: the model hears Hello and the new question only
    referee.script().enqueue(Reply.text("We open at nine."));
    Response branch = say(hello.id(), "When do you open?");
    assertThat(OpenAiClientTest.text(branch)).isEqualTo("We open at nine.");
    String heard = referee.lastRequest().body().toString();
    assertThat(heard).contains("Hello", "Hi, how can I help?", "When do you open?").doesNotContain("F1");
    assertThat(branch.conversation().orElseThrow().id()).isEqualTo(hello.conversation().orElseThrow().id());
    assertThat(referee.rejections()).isEmpty();

    // the first branch goes on as it was
    referee.script().enqueue(Reply.text("You are welcome."));
    Response thanks = say(refunded.id(), "Thanks");
    assertThat(OpenAiClientTest.text(thanks)).isEqualTo("You are welcome.");
    assertThat(referee.lastRequest().body().toString()).contains("F1 is refunded.").doesNotContain("nine");

    // a fork from the response that asked: its approval was used in the other branch, so it is refused
    assertThatThrownBy(() -> approve(asked.id(), approvalId))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.code()).contains("approval_already_used");
          assertThat(e.param()).contains("input[0].approval_request_id");
        });
    assertThat(refunds).hasValue(1);
    // while a new question in that fork is answered from that point
    referee.script().enqueue(Reply.text("Order F1 waits for your approval."));
    Response status = say(asked.id(), "What about F1?");
    assertThat(OpenAiClientTest.text(status)).isEqualTo("Order F1 waits for your approval.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(refunds).hasValue(1);
  }

  @Test
  void aResponseWhoseStateIsNotInTheConversationStoreIsAClear500() {
    ResponseStore shared = ResponseStore.inMemory(100);
    try (ResponsesServer one = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds))
            .secret(Agents.SECRET).responses(shared).start();
        ResponsesServer two = ResponsesServer.builder(Agents.model(referee), Agents.refundAgent(refunds))
            .secret(Agents.SECRET).responses(shared).start()) {
      OpenAIClient first = OpenAIOkHttpClient.builder().baseUrl(one.baseUrl()).apiKey("k").maxRetries(0).build();
      OpenAIClient second = OpenAIOkHttpClient.builder().baseUrl(two.baseUrl()).apiKey("k").maxRetries(0).build();
      try {
      referee.script().enqueue(Reply.text("Hi."));
      Response hello = first.responses().create(ResponseCreateParams.builder().model("m").input("Hello").build());

      assertThatThrownBy(() -> second.responses().create(ResponseCreateParams.builder().model("m")
          .previousResponseId(hello.id()).input("And now?").build()))
          .isInstanceOfSatisfying(InternalServerException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.code()).contains("previous_response_state_missing");
            assertThat(e.getMessage()).contains("every instance needs the same response store and conversation"
                + " store");
          });
      assertThat(referee.requests()).hasSize(1);
      } finally {
        first.close();
        second.close();
      }
    }
  }
}
