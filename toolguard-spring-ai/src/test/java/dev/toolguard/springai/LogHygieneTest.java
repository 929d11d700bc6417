package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Everything logged at INFO and above (slf4j-simple's default here) while the repair advisor, the
 * guarded memory and {@link ToolGuardAdvisor} repair broken histories and run failing, slow, unknown
 * and approval-bound {@code @Tool} methods with signed approvals — with a secret in every argument,
 * output, text, exception message, the API key and the signing key: the log names ids and tools,
 * never the secret.
 */
class LogHygieneTest {

  private static final String SECRET = "s3cr3t-4111-1111";

  static final class Tools {
    @Tool(description = "Fails")
    String boom(String card) {
      throw new IllegalStateException("declined " + SECRET + " " + card);
    }

    @Tool(description = "Slow")
    String slow(String card) throws InterruptedException {
      Thread.sleep(5_000);
      return SECRET;
    }

    @Tool(description = "Pays")
    String pay(String card) {
      return "paid " + SECRET;
    }
  }

  @Test
  void logsCarryIdsAndToolNamesNeverArgumentsOutputsTextsOrKeys() {
    String log = ConsoleCapture.of(() -> {
      try (ProviderReferee referee = ProviderReferee.start()) {
        OpenAiChatModel model = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
            .baseUrl(referee.openAiBaseUrl()).apiKey("sk-" + SECRET).model("gpt-test").maxRetries(0).build()).build();
        String card = "{\"card\":\"" + SECRET + "\"}";
        ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().maxMessages(10).build());
        memory.add("broken", List.of(new UserMessage("pay with " + SECRET),
            AssistantMessage.builder().content("").toolCalls(List.of(
                new AssistantMessage.ToolCall("call_lost", "function", "pay", card))).build(),
            new UserMessage("typed " + SECRET),
            ToolResponseMessage.builder().responses(List.of(
                new ToolResponseMessage.ToolResponse("call_gone", "pay", "refund " + SECRET))).build()));
        ChatClient.builder(model).defaultAdvisors(ToolGuardSpringAi.repairAdvisor()).build().prompt()
            .messages(memory.get("broken")).user("again " + SECRET).call().content();

        referee.script().enqueue(Reply.toolCalls(Reply.call("boom", card), Reply.call("slow", card),
            Reply.call("nope", card), Reply.call("pay", card)), Reply.text("done " + SECRET));
        ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder()
            .chatMemory(MessageWindowChatMemory.builder().build()).defaultConversationId("c").toolObjects(new Tools())
            .signApprovals(ApprovalSigner.hmacSha256(("key " + SECRET + " of 32 or more bytes").getBytes(StandardCharsets.UTF_8)))
            .config(LoopConfig.custom().callTimeout(Duration.ofMillis(1_500)).approvalRequired(Set.of("pay")).build())
            .build()).build();
        ChatClientResponse waiting = client.prompt().user("pay " + SECRET).call().chatClientResponse();
        ApprovalRequest pay = ToolGuardSpringAi.pending(waiting).get(0);
        catchThrowable(() -> client.prompt().advisors(ToolGuardSpringAi.approvals(
            new ApprovalResponse(pay.callId(), pay.call(), new ApprovalResponse.Decision.Approve(), Map.of())))
            .call().content());
        client.prompt().advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(pay))).call().content();
      }
    });
    assertThat(log).contains("WARN").contains("call_lost").contains("call_gone").contains("(slow) timed out");
    assertThat(log).doesNotContain(SECRET).doesNotContain("card");
  }
}
