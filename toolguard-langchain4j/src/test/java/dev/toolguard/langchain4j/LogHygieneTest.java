package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Everything logged at INFO and above (slf4j-simple's default here) while the guarded model and
 * memory repair broken histories and the {@link ToolLoop} runs failing, slow, unknown and
 * approval-bound {@code @Tool} methods with signed approvals — with a secret in every argument,
 * output, text, exception message, the API key and the signing key: the log names ids and tools,
 * never the secret.
 */
class LogHygieneTest {

  private static final String SECRET = "s3cr3t-4111-1111";

  static final class Tools {
    @Tool("Fails")
    String boom(@P("card") String card) {
      throw new IllegalStateException("declined " + SECRET + " " + card);
    }

    @Tool("Slow")
    String slow(@P("card") String card) throws InterruptedException {
      Thread.sleep(5_000);
      return SECRET;
    }

    @Tool("Pays")
    String pay(@P("card") String card) {
      return "paid " + SECRET;
    }
  }

  @Test
  void logsCarryIdsAndToolNamesNeverArgumentsOutputsTextsOrKeys() {
    String log = ConsoleCapture.of(() -> {
      try (ProviderReferee referee = ProviderReferee.start()) {
        ChatModel model = OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("sk-" + SECRET)
            .modelName("gpt-4o-mini").maxRetries(0).build();
        ToolExecutionRequest lost = ToolExecutionRequest.builder().id("call_lost").name("pay")
            .arguments("{\"card\":\"" + SECRET + "\"}").build();
        List<ChatMessage> broken = List.of(UserMessage.from("pay with " + SECRET), AiMessage.from(lost),
            UserMessage.from("typed " + SECRET), ToolExecutionResultMessage.from("call_gone", "pay", "refund " + SECRET));
        LangChain4jToolGuard.wrap(model).chat(broken);

        ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(3));
        broken.forEach(memory::add);
        memory.messages();

        String card = "{\"card\":\"" + SECRET + "\"}";
        referee.script().enqueue(Reply.toolCalls(Reply.call("boom", card), Reply.call("slow", card),
            Reply.call("nope", card), Reply.call("pay", card)), Reply.text("done " + SECRET));
        ToolLoop loop = ToolLoop.builder(model).tools(new Tools())
            .signApprovals(ApprovalSigner.hmacSha256(("key " + SECRET + " of 32 or more bytes").getBytes(StandardCharsets.UTF_8)))
            .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).approvalRequired(Set.of("pay")).build())
            .build();
        ChatMemory conversation = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(50));
        ToolLoop.Result waiting = loop.run(conversation, UserMessage.from("pay " + SECRET));
        ToolLoop.PendingCall pay = waiting.pending().get(0);
        catchThrowable(() -> loop.run(conversation, ToolLoop.answers(new dev.toolguard.core.ApprovalResponse(
            pay.approvalRequest().callId(), pay.approvalRequest().call(),
            new dev.toolguard.core.ApprovalResponse.Decision.Approve(), java.util.Map.of()))));
        loop.run(conversation, ToolLoop.answers(pay.approve()));
      }
    });
    assertThat(log).contains("WARN").contains("call_lost").contains("call_gone");
    assertThat(log).doesNotContain(SECRET).doesNotContain("card");
  }
}
