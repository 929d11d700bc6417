package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Hostile and broken input through {@link ToolGuardAdvisor} over Spring AI's own {@code
 * OpenAiChatModel} against the referee, with {@code @Tool} methods and a chat memory that goes through
 * JSON: arguments that are not JSON or do not fit the method's parameters, tools the model made up,
 * arguments and outputs past the limits, ids and names with control characters, arguments nested too
 * deep, and approval answers that were forged in the store, unsigned, mismatched or replayed. Each gets
 * a clear, specific error — an error result the model reads, or an {@link ApprovalException} naming
 * the call and the rule — and nothing runs that should not.
 */
class HostileInputTest extends RefereeSupport {

  private static final byte[] KEY = "an approval signing key of 32+ bytes".getBytes(StandardCharsets.UTF_8);

  static final class Payments {
    final AtomicInteger paid = new AtomicInteger();

    @Tool(description = "Pays someone")
    String pay(String to, int amount) {
      paid.incrementAndGet();
      return "paid " + amount + " to " + to;
    }

    @Tool(description = "Returns a huge report")
    String report() {
      return "y".repeat(2_000_000);
    }
  }

  private static ChatClient client(ChatModel chatModel, JsonChatMemoryRepository store, Payments payments,
      LoopConfig config, ApprovalSigner signer) {
    ToolGuardAdvisor.Builder b = ToolGuardAdvisor.builder()
        .chatMemory(MessageWindowChatMemory.builder().chatMemoryRepository(store).build())
        .defaultConversationId("conv").toolObjects(payments).config(config);
    if (signer != null) {
      b.signApprovals(signer);
    }
    return ChatClient.builder(chatModel).defaultAdvisors(b.build()).build();
  }

  private static String ask(ChatClient.ChatClientRequestSpec spec, boolean stream) {
    return OpenAiToolLoopTest.ask(spec, stream);
  }

  private static String resultSent() {
    RecordedRequest second = referee.requests().get(1);
    assertThat(second.status()).isEqualTo(200);
    return second.lastToolResult();
  }

  private static void assertAccepted(JsonChatMemoryRepository store) {
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(store.findByConversationId("conv")))).isEmpty();
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void argumentsThatDoNotFitTheMethodsParametersAreAnErrorForTheModel(boolean stream) {
    Payments payments = new Payments();
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":\"lots\"}"), Reply.text("Sorry."));

    assertThat(ask(client(model, store, payments, LoopConfig.ofDefaults(), null).prompt().user("pay"), stream))
        .isEqualTo("Sorry.");

    assertAccepted(store);
    assertThat(resultSent()).isEqualTo("Tool 'pay' failed.");
    assertThat(payments.paid).hasValue(0);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void madeUpToolsLimitsDeepArgumentsAndControlCharactersAreErrorsForTheModel(boolean stream) {
    Payments payments = new Payments();
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
    String id = "call_\u0000\u0007\r\n\u001b[31m";
    referee.script().enqueue(Reply.toolCalls(Reply.call("delete_everything", "{}"),
        Reply.call("pay", "{\"to\":\"" + "b".repeat(50_000) + "\",\"amount\":1}"), Reply.call("pay", deep),
        Reply.call("report", "{}"), Reply.call("pay\u0000\u001b]0;x\u0007", "{\"to\":\"a\",\"amount\":1}"),
        Reply.call("pay", "{\"to\":\"c\",\"amount\":3}").withId(id)), Reply.text("Done."));

    String answer = ask(client(model, store, payments,
        LoopConfig.custom().maxArgumentsLength(10_000).maxOutputLength(10_000).build(), null).prompt().user("go"),
        stream);

    assertThat(answer).isEqualTo("Done.");
    assertAccepted(store);
    assertThat(payments.paid).as("only the well-formed call of a real tool ran").hasValue(1);
    RecordedRequest second = referee.requests().get(1);
    assertThat(second.toolResultIds()).hasSize(6).endsWith(id);
    StringBuilder results = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonNode m : second.json().get("messages")) {
      if (m.path("role").asText().equals("tool")) {
        results.append(m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString())
            .append('\n');
      }
    }
    String body = results.toString();
    assertThat(body).as(body).containsPattern("There is no tool named 'delete_everything'. Call one of: (pay, report|report, pay)\\.")
        .contains("characters long; the limit is 10000").contains("deeper than 256 levels")
        .contains("the limit is 10000]").contains("There is no tool named 'pay\u0000");
    assertThat(second.body().length()).isLessThan(120_000);
  }

  /** A model whose first call carries arguments that are not JSON, over Spring AI's real client. */
  @Test
  void argumentsThatAreNotJsonAreAnErrorResultAndTheNextRequestIsAccepted() {
    AtomicInteger answers = new AtomicInteger();
    ChatModel hostile = new ChatModel() {
      @Override
      public org.springframework.ai.chat.prompt.ChatOptions getDefaultOptions() {
        return model.getDefaultOptions();
      }

      @Override
      public org.springframework.ai.chat.prompt.ChatOptions getOptions() {
        return model.getOptions();
      }

      @Override
      public ChatResponse call(Prompt prompt) {
        ChatResponse response = model.call(prompt);
        if (answers.getAndIncrement() > 0) {
          return response;
        }
        AssistantMessage real = response.getResult().getOutput();
        List<AssistantMessage.ToolCall> spoiled = new ArrayList<>();
        for (AssistantMessage.ToolCall c : real.getToolCalls()) {
          spoiled.add(new AssistantMessage.ToolCall(c.id(), c.type(), c.name(), "{\"to\": \"bob\", \"amo"));
        }
        return new ChatResponse(List.of(new Generation(AssistantMessage.builder().content("").toolCalls(spoiled)
            .build())), response.getMetadata());
      }
    };
    Payments payments = new Payments();
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":5}"), Reply.text("Sorry, again?"));

    String answer = client(hostile, store, payments, LoopConfig.ofDefaults(), null).prompt().user("pay").call().content();

    assertThat(answer).isEqualTo("Sorry, again?");
    assertAccepted(store);
    assertThat(resultSent()).contains("not a JSON object");
    assertThat(payments.paid).hasValue(0);
  }

  // ---------------------------------------------------------------- approvals in the store

  private static ApprovalRequest waiting(JsonChatMemoryRepository store) {
    return ToolGuardSpringAi.pending(store.findByConversationId("conv")).get(0);
  }

  private static void assertRefused(Payments payments, JsonChatMemoryRepository store, ApprovalResponse answer,
      ApprovalException.Reason reason) {
    String before = store.document("conv");
    int requests = referee.requests().size();
    ChatClient signed = client(model, store, payments,
        LoopConfig.custom().approvalRequired(Set.of("pay")).build(), ApprovalSigner.hmacSha256(KEY));
    Throwable thrown = catchThrowable(() -> signed.prompt().advisors(ToolGuardSpringAi.approvals(answer)).call()
        .content());
    ApprovalException e = null;
    for (Throwable t = thrown; t != null && e == null; t = t.getCause()) {
      e = t instanceof ApprovalException a ? a : null;
    }
    assertThat(e).as("refused as %s: %s", reason, thrown).isNotNull();
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(answer.callId()).contains("rule");
    assertThat(payments.paid).as("nothing ran").hasValue(0);
    assertThat(referee.requests()).as("nothing was sent").hasSize(requests);
    assertThat(store.document("conv")).as("nothing stored").isEqualTo(before);
  }

  @Test
  void forgedUnsignedMismatchedAndReplayedAnswersAreRefusedAndNothingRuns() {
    Payments payments = new Payments();
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("pay")).build();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"));
    client(model, store, payments, config, ApprovalSigner.hmacSha256(KEY)).prompt().user("pay bob 40").call().content();
    ApprovalRequest request = waiting(store);

    assertRefused(payments, store, new ApprovalResponse(request.callId(), request.call(),
        new ApprovalResponse.Decision.Approve(), Map.of()), ApprovalException.Reason.UNSIGNED);
    assertRefused(payments, store, new ApprovalResponse(request.callId(),
        request.call().withArguments("{\"to\":\"eve\",\"amount\":4000}"), new ApprovalResponse.Decision.Approve(),
        request.metadata()), ApprovalException.Reason.MISMATCH);

    // forged: the amount changed in the stored JSON, the answer built from what is stored now
    List<Message> stored = store.findByConversationId("conv");
    List<Message> tampered = new ArrayList<>();
    for (Message m : stored) {
      tampered.add(JsonChatMemoryRepository.read(JsonChatMemoryRepository.write(m)
          .replaceAll("(\\\\\"amount\\\\\"\\s*:\\s*)40", "$14000")));
    }
    assertThat(tampered).isNotEqualTo(stored);
    store.saveAll("conv", tampered);
    assertRefused(payments, store, ApprovalResponse.approve(waiting(store)), ApprovalException.Reason.FORGED);
    store.saveAll("conv", stored);

    // the real answer pays once; the same answer again is refused
    referee.script().enqueue(Reply.text("Paid."));
    ApprovalResponse approve = ApprovalResponse.approve(waiting(store));
    assertThat(client(model, store, payments, config, ApprovalSigner.hmacSha256(KEY)).prompt()
        .advisors(ToolGuardSpringAi.approvals(approve)).call().content()).isEqualTo("Paid.");
    assertThat(payments.paid).hasValue(1);
    payments.paid.set(0);
    assertRefused(payments, store, approve, ApprovalException.Reason.ALREADY_ANSWERED);
    assertThat(referee.rejections()).isEmpty();
  }
}
