package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Everything logged at WARN and above (this module's test logging) while the adapter repairs broken
 * histories, runs a loop with failing, slow, unknown and approval-bound tools, and signs approvals,
 * with a secret in every argument, output, text, exception message, the API key and the signing key:
 * the log names ids and tools, never the secret.
 */
class LogHygieneTest {

  private static final String SECRET = "s3cr3t-4111-1111";
  private static final String API_KEY = "sk-" + SECRET + "-api";
  private static final byte[] SIGNING_KEY = ("signing " + SECRET + " key of 32+ bytes").getBytes(StandardCharsets.UTF_8);

  @Test
  void logsCarryIdsAndToolNamesNeverArgumentsOutputsTextsOrKeys() {
    String log = ConsoleCapture.of(() -> {
      try (ProviderReferee referee = ProviderReferee.start()) {
        OpenAIClient bare = OpenAIOkHttpClient.builder().apiKey(API_KEY).baseUrl(referee.openAiBaseUrl()).maxRetries(0)
            .build();
        OpenAIClient guarded = OpenAiToolGuard.wrap(bare);
        List<Message> broken = List.of(Message.user("pay with " + SECRET),
            Message.assistant(ToolCall.of("call_1", "pay", "{\"card\":\"" + SECRET + "\"}")),
            Message.user("typed " + SECRET),
            Message.tool(ToolResult.of("call_1", "pay", "charged " + SECRET)),
            Message.tool(ToolResult.of("call_gone", "pay", "refund " + SECRET)),
            Message.assistant(ToolCall.of("call_lost", "pay", "{\"card\":\"" + SECRET + "\"}")),
            Message.user("again " + SECRET));
        guarded.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-test")
            .messages(OpenAiHistory.toChat(broken)).build());
        guarded.responses().create(ResponseCreateParams.builder().model("gpt-test")
            .inputOfResponse(OpenAiHistory.toResponses(broken)).build());

        LoopTool boom = LoopTool.of(ToolSpec.of("boom", ""), args -> {
          throw new IllegalStateException("declined " + SECRET + " " + args);
        });
        LoopTool slow = LoopTool.of(ToolSpec.of("slow", ""), args -> {
          Thread.sleep(5_000);
          return SECRET;
        });
        LoopTool pay = LoopTool.of(ToolSpec.of("pay", ""), args -> "paid " + SECRET);
        referee.script().enqueue(
            Reply.toolCalls(Reply.call("boom", "{\"card\":\"" + SECRET + "\"}"),
                Reply.call("slow", "{\"card\":\"" + SECRET + "\"}"),
                Reply.call("nope", "{\"card\":\"" + SECRET + "\"}"),
                Reply.call("pay", "{\"card\":\"" + SECRET + "\"}")),
            Reply.text("done " + SECRET));
        FunctionInvokingLoop loop = FunctionInvokingLoop.builder(OpenAiToolGuard.chatCompletions(bare,
                (ChatCompletionCreateParams.Builder b) -> b.model("gpt-test")))
            .tools(boom, slow, pay).signApprovals(ApprovalSigner.hmacSha256(SIGNING_KEY))
            .config(LoopConfig.custom().callTimeout(Duration.ofMillis(100)).approvalRequired(Set.of("pay")).build())
            .build();
        List<Message> history = new ArrayList<>(broken);
        LoopResult waiting = loop.run(history);
        List<Message> answered = new ArrayList<>(waiting.history());
        answered.add(Message.of(Role.USER, ApprovalResponse.approve(waiting.pending().get(0))));
        loop.run(answered);
        // and a refused, forged answer
        List<Message> forged = new ArrayList<>(waiting.history());
        forged.add(Message.of(Role.USER, new ApprovalResponse(waiting.pending().get(0).callId(),
            waiting.pending().get(0).call(), new ApprovalResponse.Decision.Approve(), java.util.Map.of())));
        catchThrowable(() -> loop.run(forged));
        bare.close();
      }
    });
    assertThat(log).contains("WARN").contains("call_1").contains("call_gone").contains("call_lost");
    assertThat(log).doesNotContain(SECRET).doesNotContain("card").doesNotContain("sk-");
  }
}
