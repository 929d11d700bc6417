package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.toolguard.examples.langchain4j.app.BankAssistant.Answer;
import dev.toolguard.examples.langchain4j.app.BankAssistant.NeedsApproval;
import dev.toolguard.examples.langchain4j.app.BankAssistant.PendingCall;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval app against the referee, through LangChain4j's own {@code OpenAiChatModel}: every
 * request it sends is checked by the provider's rules, and a transfer runs only once approved — even by
 * another instance over the same store, as after a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankAssistantTest {

  private static final String TO_BOB = "{\"to\":\"Bob\",\"amount\":40}";

  private ProviderReferee referee;

  @TempDir
  Path dir;

  @BeforeAll
  void start() {
    referee = ProviderReferee.start();
  }

  @AfterAll
  void stop() {
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.reset();
  }

  ChatModel model() {
    return OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-4o-mini")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  /** toolguard's store on an H2 database file in {@code dir}: a new data source per call, as a new process has. */
  ChatMemoryStore store() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("memories").toAbsolutePath());
    return BankAssistant.databaseStore(ds);
  }

  BankAssistant bank(BankTools tools) {
    return new BankAssistant(model(), store(), tools, Set.of("transfer"));
  }

  @Test
  void aTransferWaitsForApprovalAndRunsOnceWhenAnotherInstanceApprovesIt() {
    BankTools tools = new BankTools(120);
    referee.script().enqueue(Reply.toolCall("transfer", TO_BOB), Reply.text("Sent 40 EUR to Bob."));

    BankAssistant.Reply first = bank(tools).chat("alice", "Send 40 EUR to Bob");

    assertThat(first).isInstanceOf(NeedsApproval.class);
    PendingCall call = ((NeedsApproval) first).calls().get(0);
    assertThat(call.tool()).isEqualTo("transfer");
    assertThat(call.arguments()).isEqualTo(TO_BOB);
    assertThat(tools.transfers()).as("nothing runs before the approval").isEmpty();

    // a restart: a new assistant over the same directory
    BankAssistant restarted = bank(tools);
    assertThat(restarted.pending("alice")).containsExactly(call);
    BankAssistant.Reply done = restarted.approve("alice", call.callId());

    assertThat(done).isEqualTo(new Answer("Sent 40 EUR to Bob."));
    assertThat(tools.transfers()).containsExactly("40.0 EUR to Bob");
    assertThat(referee.lastRequest().lastToolResult()).isEqualTo("sent 40.00 EUR to Bob; balance 80.00 EUR");
    assertThat(referee.rejections()).isEmpty();
    assertThat(restarted.pending("alice")).isEmpty();
    assertThatThrownBy(() -> restarted.approve("alice", call.callId()))
        .as("an approval is consumed once").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no call '" + call.callId() + "' waits for alice's approval");
    assertThat(tools.transfers()).hasSize(1);
  }

  @Test
  void aRejectedTransferIsNeverMadeAndTheModelIsToldWhy() {
    BankTools tools = new BankTools(120);
    BankAssistant bank = bank(tools);
    referee.script().enqueue(Reply.toolCall("transfer", TO_BOB), Reply.text("OK, nothing was sent."));

    NeedsApproval waiting = (NeedsApproval) bank.chat("alice", "Send 40 EUR to Bob");
    BankAssistant.Reply done = bank.reject("alice", waiting.calls().get(0).callId(), "not today");

    assertThat(done).isEqualTo(new Answer("OK, nothing was sent."));
    assertThat(tools.transfers()).isEmpty();
    assertThat(referee.lastRequest().lastToolResult()).isEqualTo("The user did not approve this call. Reason: not today");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void harmlessToolsRunAtOnceThroughAiServices() {
    referee.script().enqueue(Reply.toolCall("balance", "{}"), Reply.text("You have 120 EUR."));

    BankAssistant.Reply r = bank(new BankTools(120)).chat("alice", "What is my balance?");

    assertThat(r).isEqualTo(new Answer("You have 120 EUR."));
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.lastRequest().lastToolResult()).isEqualTo("120.00 EUR");
  }

  @Test
  void aTurnWithAHarmlessCallAndATransferWaitsWholeAndRunsWholeOnApproval() {
    BankTools tools = new BankTools(120);
    BankAssistant bank = bank(tools);
    referee.script().enqueue(
        Reply.toolCalls(Reply.call("balance", "{}"), Reply.call("transfer", TO_BOB)),
        Reply.text("Sent 40 EUR; 80 EUR left."));

    NeedsApproval waiting = (NeedsApproval) bank.chat("alice", "Check my balance and send Bob 40 EUR");

    assertThat(waiting.calls()).extracting(PendingCall::tool).containsExactly("transfer");
    assertThat(bank.approve("alice", waiting.calls().get(0).callId())).isEqualTo(new Answer("Sent 40 EUR; 80 EUR left."));
    RecordedRequest last = referee.lastRequest();
    assertThat(last.toolResultIds()).hasSize(2);
    assertThat(tools.transfers()).containsExactly("40.0 EUR to Bob");
    assertThat(referee.rejections()).isEmpty();
  }

  @Test
  void aMessageWhileATransferWaitsDeclinesItAndIsAnswered() {
    BankTools tools = new BankTools(120);
    BankAssistant bank = bank(tools);
    referee.script().enqueue(Reply.toolCall("transfer", TO_BOB));
    bank.chat("alice", "Send 40 EUR to Bob");

    referee.script().enqueue(Reply.text("I did not send anything. What else?"));
    BankAssistant.Reply r = bank.chat("alice", "Actually, what is my balance?");

    assertThat(r).isEqualTo(new Answer("I did not send anything. What else?"));
    assertThat(bank.pending("alice")).isEmpty();
    assertThat(tools.transfers()).isEmpty();
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("Actually, what is my balance?");

    // and the conversation goes on through AiServices
    referee.script().enqueue(Reply.text("Good bye."));
    assertThat(bank.chat("alice", "Thanks")).isEqualTo(new Answer("Good bye."));
    assertThat(referee.rejections()).isEmpty();
  }

  /** The same app without toolguard: holding the turn leaves a call without a result, and every next message is a 400. */
  interface Plain {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  @Test
  void withoutToolguardAHeldTransferSticksTheConversation() {
    MessageWindowChatMemory memory = MessageWindowChatMemory.builder().id("alice").maxMessages(40)
        .chatMemoryStore(store()).build();
    Plain plain = AiServices.builder(Plain.class)
        .chatModel(model())
        .chatMemoryProvider(id -> memory)
        .tools(new BankTools(120))
        .beforeToolExecution(before -> {
          if (before.request().name().equals("transfer")) {
            throw new IllegalStateException("waits for approval");
          }
        })
        .build();
    referee.script().enqueue(Reply.toolCall("transfer", TO_BOB), Reply.text("never sent"));

    assertThat(catchThrowable(() -> plain.chat("alice", "Send 40 EUR to Bob"))).hasMessageContaining("waits for approval");
    Throwable stuck = catchThrowable(() -> plain.chat("alice", "Hello?"));

    assertThat(stuck).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("did not have response messages");
    assertThat(referee.rejections()).hasSize(1);
  }
}
