package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * A signed approval round trip through the auto-configured advisor, configured by properties only
 * ({@code toolguard.use-chat-memory}, {@code toolguard.approval-signing-key}), over Spring AI's own
 * OpenAiChatModel against the referee: one application context asks, another one (another process,
 * the same store and key) resumes, and one with another key is refused.
 */
class OpenAiAutoConfiguredApprovalTest extends RefereeSupport {

  static final String KEY = "base64:" + Base64.getEncoder()
      .encodeToString("the approval key of this application, 32+ bytes".getBytes(StandardCharsets.UTF_8));

  /** An application: Boot's auto-configuration, a chat memory bean over {@code store}, a signing key. */
  static ApplicationContextRunner app(JsonChatMemoryRepository store, String key) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class))
        .withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().chatMemoryRepository(store).build())
        .withPropertyValues("toolguard.approval-required=pay", "toolguard.use-chat-memory=true",
            "toolguard.approval-signing-key=" + key);
  }

  /** The ChatClient the application gets from Boot's builder, with toolguard's customizer applied. */
  static ChatClient client(ApplicationContext context) {
    ChatClient.Builder builder = ChatClient.builder(model);
    context.getBean(ChatClientCustomizer.class).customize(builder);
    return builder.build();
  }

  @Test
  void aSignedApprovalRoundTripsThroughTheAutoConfiguredAdvisor() {
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    ToolGuardAdvisorTest.Payments payments = new ToolGuardAdvisorTest.Payments();
    referee.script().enqueue(Reply.toolCalls(Reply.call("pay", "{\"amount\":5}"), Reply.call("balance", "{}")));
    app(store, KEY).run(context -> {
      String said = client(context).prompt().user("Pay 5 and show my balance").tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv")).call().content();
      assertThat(said).isEmpty();
    });
    assertThat(payments.paid).hasValue(0);
    assertThat(payments.lookups).hasValue(1);
    assertThat(store.document("conv")).contains(Metadata.SIGNATURE);

    // another application with another key: the stored request is not its own
    Function<ApplicationContext, ApprovalRequest> waiting =
        context -> ToolGuardSpringAi.pending(context.getBean(ChatMemory.class).get("conv")).get(0);
    String before = store.document("conv");
    app(store, "another key of this size, 32+ bytes long").run(context -> {
      Throwable thrown = catchThrowable(() -> client(context).prompt().tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv"))
          .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(waiting.apply(context)))).call().content());
      assertThat(thrown).isInstanceOfSatisfying(ApprovalException.class,
          e -> assertThat(e.reason()).isEqualTo(ApprovalException.Reason.FORGED));
    });
    assertThat(payments.paid).hasValue(0);
    assertThat(store.document("conv")).isEqualTo(before);
    assertThat(referee.requests()).hasSize(1);

    // the same key in a new application context: the answer is honoured, the call runs once
    referee.script().enqueue(Reply.text("Paid 5; your balance is 100."));
    app(store, KEY).run(context -> {
      ApprovalRequest request = waiting.apply(context);
      assertThat(request.call().name()).isEqualTo("pay");
      String answer = client(context).prompt().user("Yes, go ahead.").tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conv"))
          .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(request))).call().content();
      assertThat(answer).isEqualTo("Paid 5; your balance is 100.");
      List<Message> stored = context.getBean(ChatMemory.class).get("conv");
      assertThat(ToolGuardSpringAi.pending(stored)).isEmpty();
      assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
    });
    assertThat(payments.paid).hasValue(1);
    assertThat(payments.lookups).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    RecordedRequest resumed = referee.requests().get(1);
    assertThat(resumed.toolResultIds()).containsExactlyInAnyOrder("call_1", "call_2");
    assertThat(resumed.lastUserText()).isEqualTo("Yes, go ahead.");
  }
}
