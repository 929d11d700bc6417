package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An {@code AiServices} app, unchanged but for {@code LangChain4jToolGuard.wrap} around its model and memories,
 * against the referee through LangChain4j's own clients: what breaks the bare app is survived, and the
 * next call succeeds. AiServices runs the tools; the guard never runs one.
 */
class AiServicesTest extends RefereeTest {

  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  interface StreamingAssistant {
    TokenStream chat(@MemoryId String user, @UserMessage String message);
  }

  /** Tools as an application writes them; each counts its runs. */
  static final class Bank {
    final AtomicInteger transfers = new AtomicInteger();
    final AtomicInteger balances = new AtomicInteger();
    final AtomicInteger audits = new AtomicInteger();
    Runnable whileBalanceRuns = () -> {};

    @Tool("Transfers money")
    String transfer(@P("who gets it") String to, @P("amount in euros") int amount) {
      transfers.incrementAndGet();
      return "sent " + amount + " to " + to;
    }

    @Tool("The balance of the account")
    String balance() {
      balances.incrementAndGet();
      whileBalanceRuns.run();
      return "120 EUR";
    }

    Runnable whileAuditRuns = () -> {};

    @Tool("Audits the account")
    String audit() {
      audits.incrementAndGet();
      whileAuditRuns.run();
      return "audited";
    }
  }

  private ChatModel model(Provider provider) {
    return Provider.chatModel(provider == Provider.OPENAI ? Provider.OPENAI : Provider.ANTHROPIC, referee);
  }

  private Assistant assistant(Provider provider, boolean guarded, JsonStore store, int window, Bank bank) {
    ChatModel model = model(provider);
    return AiServices.builder(Assistant.class)
        .chatModel(guarded ? LangChain4jToolGuard.wrap(model) : model)
        .chatMemoryProvider(id -> memory(id, guarded, store, window))
        .tools(bank)
        .build();
  }

  static ChatMemory memory(Object id, boolean guarded, JsonStore store, int window) {
    ChatMemory memory = MessageWindowChatMemory.builder().id(id).maxMessages(window).chatMemoryStore(store).build();
    return guarded ? LangChain4jToolGuard.wrap(memory) : memory;
  }

  /**
   * The process dies while the tool runs: what the store holds at that moment (the user message and
   * the assistant message with the call, no result) is all the next process finds.
   */
  private final AtomicReference<String> storeAtCrash = new AtomicReference<>();

  private void crashWhileTheToolRuns(Bank bank, JsonStore store) {
    storeAtCrash.set(null);
    bank.whileAuditRuns = () -> storeAtCrash.set(store.rows.get("u1"));
  }

  private void restartFromTheCrash(JsonStore store) {
    assertThat(storeAtCrash.get()).as("the tool ran").isNotNull();
    store.rows.put("u1", storeAtCrash.get());
    assertThat(store.getMessages("u1")).extracting(m -> m.type().name()).containsExactly("USER", "AI");
  }

  private void assertStoredHistoryIsValidAfterRepair(JsonStore store) {
    List<ChatMessage> stored = store.getMessages("u1");
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(LangChain4jToolGuard.ofDefaults().repair(stored)))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aToolThatThrowsDoesNotBreakTheNextCall(Provider provider) {
    // the model passes a word where the tool takes a number, or calls a tool that does not exist:
    // AiServices' default handlers rethrow, after the assistant message went to the memory
    Reply[] failing = {
      Reply.toolCall("transfer", "{\"to\":\"bob\",\"amount\":\"lots\"}"), Reply.toolCall("refund", "{}")};
    for (Reply failure : failing) {
      for (boolean guarded : new boolean[] {false, true}) {
        toolThatThrows(provider, failure, guarded);
      }
    }
  }

  private void toolThatThrows(Provider provider, Reply failure, boolean guarded) {
    referee.reset();
    Bank bank = new Bank();
    JsonStore store = new JsonStore();
    Assistant assistant = assistant(provider, guarded, store, 20, bank);
    referee.script().enqueue(failure);
    Throwable failed = catchThrowable(() -> assistant.chat("u1", "send bob lots of money"));
    // AiServices' own error for the bad call (its arguments, or a tool it does not know), not any failure
    assertThat(failed).as("the call fails").isNotNull().isNotInstanceOf(AssertionError.class);
    String tool = failure.calls().get(0).name();
    assertThat(Provider.messages(failed)).as("names what failed").containsAnyOf(
        tool.equals("refund") ? "refund" : "lots", tool.equals("refund") ? "refund" : "amount");
    assertThat(bank.transfers).hasValue(0);
    assertThat(store.getMessages("u1")).extracting(m -> m.type().name()).containsExactly("USER", "AI");

    referee.script().enqueue(Reply.text("You have 120 EUR."));
    Throwable next = catchThrowable(() -> assertThat(assistant.chat("u1", "what is my balance?"))
        .isEqualTo("You have 120 EUR."));

    if (guarded) {
      assertThat(next).isNull();
      assertThat(referee.rejections()).isEmpty();
    } else {
      assertThat(next).isNotNull();
      assertThat(referee.rejections()).hasSize(1);
      assertThat(Provider.messages(next)).contains(referee.rejections().get(0).errorMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aCrashBetweenTheAssistantMessageAndItsResultsIsSurvivedByTheNextProcess(Provider provider) {
    for (boolean guarded : new boolean[] {false, true}) {
      referee.reset();
      Bank bank = new Bank();
      JsonStore store = new JsonStore();
      crashWhileTheToolRuns(bank, store);
      referee.script().enqueue(Reply.toolCall("audit", "{}"), Reply.text("(never seen: the process died)"));
      assistant(provider, guarded, store, 20, bank).chat("u1", "audit my account");
      restartFromTheCrash(store);

      // a new process: a new service and new memories over the same store
      Assistant restarted = assistant(provider, guarded, store, 20, bank);
      referee.script().enqueue(Reply.text("The audit did not finish; shall I retry?"));
      Throwable next = catchThrowable(() -> restarted.chat("u1", "is the audit done?"));

      assertThat(bank.audits).as("the crashed call is never run again").hasValue(1);
      if (guarded) {
        assertThat(next).isNull();
        assertThat(referee.rejections()).isEmpty();
        assertThat(referee.lastRequest().body()).contains("did not complete");
        assertStoredHistoryIsValidAfterRepair(store);
      } else {
        assertThat(next).isNotNull();
        assertThat(referee.rejections()).hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aUserMessageArrivingWhileAToolRunsIsAnsweredAndTheRunFinishes(Provider provider) {
    for (boolean guarded : new boolean[] {false, true}) {
      referee.reset();
      Bank bank = new Bank();
      JsonStore store = new JsonStore();
      Assistant assistant = assistant(provider, guarded, store, 20, bank);
      AtomicReference<String> meanwhile = new AtomicReference<>();
      bank.whileBalanceRuns = () -> meanwhile.set(assistant.chat("u1", "are you still there?"));
      referee.script().enqueue(Reply.toolCall("balance", "{}"), Reply.text("Still here, checking."),
          Reply.text("You have 120 EUR."), Reply.text("You are welcome."));

      Throwable first = catchThrowable(() -> assertThat(assistant.chat("u1", "what is my balance?"))
          .isEqualTo("You have 120 EUR."));

      if (guarded) {
        assertThat(first).isNull();
        assertThat(meanwhile).hasValue("Still here, checking.");
        assertThat(assistant.chat("u1", "thanks")).isEqualTo("You are welcome.");
        assertThat(referee.rejections()).isEmpty();
        assertThat(bank.balances).hasValue(1);
        assertStoredHistoryIsValidAfterRepair(store);
      } else {
        assertThat(first).isNotNull();
        assertThat(referee.rejections()).isNotEmpty();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aTinyMemoryWindowDoesNotSplitATurn(Provider provider) {
    for (boolean guarded : new boolean[] {false, true}) {
      referee.reset();
      Bank bank = new Bank();
      JsonStore store = new JsonStore();
      Assistant assistant = assistant(provider, guarded, store, 2, bank);
      referee.script().enqueue(
          Reply.toolCalls(Reply.call("balance", "{}"), Reply.call("transfer", "{\"to\":\"bob\",\"amount\":5}")),
          Reply.text("You had 120 EUR; I sent 5 to bob."), Reply.text("Bye!"));

      Throwable first = catchThrowable(() -> assertThat(assistant.chat("u1", "balance, then send bob 5"))
          .isEqualTo("You had 120 EUR; I sent 5 to bob."));

      if (guarded) {
        assertThat(first).isNull();
        assertThat(assistant.chat("u1", "bye")).isEqualTo("Bye!");
        referee.script().enqueue(Reply.text("Hello again."));
        assertThat(assistant(provider, true, store, 2, bank).chat("u1", "back again"))
            .as("a new process over what the window kept").isEqualTo("Hello again.");
        assertThat(referee.rejections()).isEmpty();
        assertThat(bank.balances).hasValue(1);
        assertThat(bank.transfers).hasValue(1);
      } else {
        assertThat(first).as("the bare window lost the turn: nothing or a broken history is sent").isNotNull();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI", "ANTHROPIC"})
  void aSmallWindowThatCutsAnExchangeLeavesNoRemnantBehind(Provider provider) {
    Bank bank = new Bank();
    JsonStore store = new JsonStore();
    Assistant assistant = assistant(provider, true, store, 3, bank);
    referee.script().enqueue(Reply.toolCall("balance", "{}"), Reply.text("120 EUR."), Reply.text("Noted."),
        Reply.text("Again: 120 EUR."));

    assertThat(assistant.chat("u1", "balance?")).isEqualTo("120 EUR.");
    assertThat(assistant.chat("u1", "remember it")).isEqualTo("Noted.");
    assertThat(assistant.chat("u1", "and now?")).isEqualTo("Again: 120 EUR.");

    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"OPENAI_STREAMING", "ANTHROPIC_STREAMING"})
  void aStreamingServiceSurvivesACrashToo(Provider provider) throws Exception {
    for (boolean guarded : new boolean[] {false, true}) {
      referee.reset();
      Bank bank = new Bank();
      JsonStore store = new JsonStore();
      crashWhileTheToolRuns(bank, store);
      referee.script().enqueue(Reply.toolCall("audit", "{}"), Reply.text("(never seen: the process died)"));
      assertThat(streamed(streamingAssistant(provider, guarded, store, bank), "audit my account")).isNull();
      restartFromTheCrash(store);

      referee.script().enqueue(Reply.text("The audit did not finish."));
      Throwable next = streamed(streamingAssistant(provider, guarded, store, bank), "is it done?");

      assertThat(bank.audits).hasValue(1);
      if (guarded) {
        assertThat(next).isNull();
        assertThat(referee.rejections()).isEmpty();
      } else {
        assertThat(next).isNotNull();
        assertThat(referee.rejections()).hasSize(1);
      }
    }
  }

  private StreamingAssistant streamingAssistant(Provider provider, boolean guarded, JsonStore store, Bank bank) {
    StreamingChatModel model = Provider.streamingModel(provider, referee);
    return AiServices.builder(StreamingAssistant.class)
        .streamingChatModel(guarded ? LangChain4jToolGuard.wrap(model) : model)
        .chatMemoryProvider(id -> memory(id, guarded, store, 20))
        .tools(bank)
        .build();
  }

  /** Streams one answer; returns what failed it, or null. */
  private static Throwable streamed(StreamingAssistant assistant, String message) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    try {
      assistant.chat("u1", message)
          .onPartialResponse(delta -> {})
          .onCompleteResponse(done::complete)
          .onError(done::completeExceptionally)
          .start();
    } catch (Throwable t) {
      return t;
    }
    try {
      done.get(20, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }
}
