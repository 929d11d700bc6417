package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
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
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile and broken input through the {@link ToolLoop} over LangChain4j's own OpenAI and Anthropic
 * clients against the referee, with {@code @Tool} methods and a JSON store: arguments that are not
 * JSON or do not fit the method's parameters, tools the model made up, arguments and outputs past the
 * limits, ids and names with control characters, arguments nested too deep, and approval answers that
 * were forged in the store, unsigned or replayed. Each gets a clear, specific error — an error result
 * the model reads, or an {@link ApprovalException} naming the call and the rule — and nothing runs
 * that should not.
 */
class HostileInputTest extends RefereeTest {

  private static final byte[] KEY = "an approval signing key of 32+ bytes".getBytes(StandardCharsets.UTF_8);

  static final class Payments {
    final AtomicInteger paid = new AtomicInteger();

    @Tool("Pays someone")
    String pay(@P("who") String to, @P("amount in euros") int amount) {
      paid.incrementAndGet();
      return "paid " + amount + " to " + to;
    }

    @Tool("Returns a huge report")
    String report() {
      return "y".repeat(2_000_000);
    }
  }

  /** What the model read as the result of its first call. */
  private String resultSent() {
    RecordedRequest second = referee.requests().get(1);
    assertThat(second.status()).isEqualTo(200);
    return second.lastToolResult();
  }

  private void assertAccepted(ToolLoop.Result r, JsonStore store) {
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(store.getMessages("u1")))).isEmpty();
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void argumentsThatDoNotFitTheMethodsParametersAreAnErrorForTheModel(Provider provider) {
    Payments payments = new Payments();
    JsonStore store = new JsonStore();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":\"lots\"}"), Reply.text("Sorry."));

    ToolLoop.Result r = run(provider, loop(provider).tools(payments).build(), memory(store), UserMessage.from("pay"));

    assertAccepted(r, store);
    assertThat(resultSent()).isEqualTo("Tool 'pay' failed.");
    assertThat(r.loopResult().toolFailures()).hasSize(1);
    assertThat(payments.paid).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void madeUpToolsLimitsAndDeepArgumentsAreErrorsForTheModel(Provider provider) {
    Payments payments = new Payments();
    JsonStore store = new JsonStore();
    String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
    referee.script().enqueue(Reply.toolCalls(Reply.call("delete_everything", "{}"),
        Reply.call("pay", "{\"to\":\"" + "b".repeat(50_000) + "\",\"amount\":1}"), Reply.call("pay", deep),
        Reply.call("report", "{}")), Reply.text("Done."));

    ToolLoop.Result r = run(provider, loop(provider).tools(payments)
        .config(LoopConfig.custom().maxArgumentsLength(10_000).maxOutputLength(10_000).build()).build(),
        memory(store), UserMessage.from("go"));

    assertAccepted(r, store);
    assertThat(payments.paid).hasValue(0);
    List<String> outputs = new ArrayList<>();
    for (ChatMessage m : store.getMessages("u1")) {
      if (m instanceof ToolExecutionResultMessage t) {
        outputs.add(t.text());
      }
    }
    assertThat(outputs).hasSize(4);
    assertThat(outputs.get(0)).isEqualTo("There is no tool named 'delete_everything'. Call one of: pay, report.");
    assertThat(outputs.get(1)).contains("characters long; the limit is 10000");
    // Anthropic's input is an object, which LangChain4j writes back as indented text: past the limit first
    assertThat(outputs.get(2)).containsAnyOf("deeper than 256 levels", "characters long; the limit is 10000");
    assertThat(outputs.get(3)).hasSizeLessThan(10_200).endsWith("the limit is 10000]");
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "OPENAI_STREAMING"})
  void idsAndNamesWithControlCharactersNeitherCrashNorRunAnything(Provider provider) {
    Payments payments = new Payments();
    JsonStore store = new JsonStore();
    String id = "call_\u0000\u0007\r\n\u001b[31m";
    referee.script().enqueue(Reply.toolCalls(Reply.call("pay\u0000\u001b]0;x\u0007", "{\"to\":\"a\",\"amount\":1}")
        .withId(id), Reply.call("pay", "{\"to\":\"b\",\"amount\":2}").withId(id + "2")), Reply.text("Done."));

    ToolLoop.Result r = run(provider, loop(provider).tools(payments).build(), memory(store), UserMessage.from("pay"));

    assertAccepted(r, store);
    assertThat(payments.paid).hasValue(1);
    assertThat(referee.requests().get(1).toolResultIds()).containsExactly(id, id + "2");
    assertThat(store.getMessages("u1")).filteredOn(m -> m instanceof ToolExecutionResultMessage)
        .extracting(m -> ((ToolExecutionResultMessage) m).id()).containsExactly(id, id + "2");
  }

  /**
   * A model whose first call carries arguments that are not JSON (an answer cut off at max_tokens):
   * LangChain4j's real client to the referee, with the answer's arguments spoiled on the way back.
   */
  @Test
  void argumentsThatAreNotJsonAreAnErrorResultAndTheNextRequestIsAccepted() {
    ChatModel real = Provider.chatModel(Provider.OPENAI, referee);
    AtomicInteger answers = new AtomicInteger();
    ChatModel hostile = new ChatModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        ChatResponse response = real.chat(request);
        if (answers.getAndIncrement() > 0) {
          return response;
        }
        List<ToolExecutionRequest> spoiled = new ArrayList<>();
        for (ToolExecutionRequest t : response.aiMessage().toolExecutionRequests()) {
          spoiled.add(ToolExecutionRequest.builder().id(t.id()).name(t.name()).arguments("{\"to\": \"bob\", \"amo").build());
        }
        return ChatResponse.builder().aiMessage(AiMessage.from(spoiled)).metadata(response.metadata()).build();
      }
    };
    Payments payments = new Payments();
    JsonStore store = new JsonStore();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":5}"), Reply.text("Sorry, again?"));

    ToolLoop.Result r = ToolLoop.builder(hostile).tools(payments).build().run(memory(store), UserMessage.from("pay"));

    assertAccepted(r, store);
    assertThat(resultSent()).contains("not a JSON object");
    assertThat(payments.paid).hasValue(0);
  }

  // ---------------------------------------------------------------- approvals in the store

  private ToolLoop signed(Provider provider, Payments payments) {
    return loop(provider).tools(payments).signApprovals(ApprovalSigner.hmacSha256(KEY))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).build();
  }

  private static ApprovalRequest waiting(JsonStore store) {
    for (Message m : LangChain4jToolGuard.toCore(store.getMessages("u1"))) {
      for (var c : m.contents()) {
        if (c instanceof ApprovalRequest r) {
          return r;
        }
      }
    }
    throw new AssertionError("nothing waits");
  }

  private void assertRefused(Provider provider, Payments payments, JsonStore store, ApprovalResponse answer,
      ApprovalException.Reason reason) {
    String before = store.rows.get("u1");
    int requests = referee.requests().size();
    ApprovalException e = catchThrowableOfType(ApprovalException.class,
        () -> run(provider, signed(provider, payments), memory(store), ToolLoop.answers(answer)));
    assertThat(e).as("refused as %s", reason).isNotNull();
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(answer.callId()).contains("rule");
    assertThat(payments.paid).as("nothing ran").hasValue(0);
    assertThat(referee.requests()).as("nothing was sent").hasSize(requests);
    assertThat(store.rows.get("u1")).as("nothing stored").isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void forgedUnsignedAndReplayedAnswersAreRefusedAndNothingRuns(Provider provider) {
    Payments payments = new Payments();
    JsonStore store = new JsonStore();
    referee.script().enqueue(Reply.toolCall("pay", "{\"to\":\"bob\",\"amount\":40}"));
    ToolLoop.Result waiting = run(provider, signed(provider, payments), memory(store), UserMessage.from("pay bob 40"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ApprovalRequest request = waiting(store);

    // unsigned: an answer built without the request's signature
    assertRefused(provider, payments, store, new ApprovalResponse(request.callId(), request.call(),
        new ApprovalResponse.Decision.Approve(), Map.of()), ApprovalException.Reason.UNSIGNED);
    // mismatched: an answer for other arguments
    assertRefused(provider, payments, store, new ApprovalResponse(request.callId(),
        request.call().withArguments("{\"to\":\"eve\",\"amount\":4000}"), new ApprovalResponse.Decision.Approve(),
        request.metadata()), ApprovalException.Reason.MISMATCH);

    // forged: the amount changed in the stored JSON, the answer built from what is stored now
    String row = store.rows.get("u1");
    String forged = row.replaceAll("(\\\\\"amount\\\\\"\\s*:\\s*)40", "$14000");
    assertThat(forged).isNotEqualTo(row);
    store.rows.put("u1", forged);
    assertRefused(provider, payments, store, ApprovalResponse.approve(waiting(store)), ApprovalException.Reason.FORGED);
    store.rows.put("u1", row);

    // the real answer pays once; the same answer again is refused
    referee.script().enqueue(Reply.text("Paid."));
    ApprovalResponse approve = ApprovalResponse.approve(waiting(store));
    ToolLoop.Result paid = run(provider, signed(provider, payments), memory(store), ToolLoop.answers(approve));
    assertThat(paid.status()).isEqualTo(Status.COMPLETED);
    assertThat(payments.paid).hasValue(1);
    payments.paid.set(0);
    assertRefused(provider, payments, store, approve, ApprovalException.Reason.ALREADY_ANSWERED);
    assertThat(referee.rejections()).isEmpty();
  }
}
