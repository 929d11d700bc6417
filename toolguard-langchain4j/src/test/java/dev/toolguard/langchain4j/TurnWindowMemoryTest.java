package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import dev.langchain4j.service.AiServices;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.langchain4j.ChatMemoryStoreTest.Assistant;
import dev.toolguard.langchain4j.ChatMemoryStoreTest.Bank;
import dev.toolguard.langchain4j.ChatMemoryStoreTest.Database;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TurnWindowChatMemory} over {@link ToolGuardChatMemoryStore} on toolguard-jdbc's store, on
 * embedded PostgreSQL and H2, used through LangChain4j's own {@code OpenAiChatModel} (in {@code AiServices}
 * and under the {@link ToolLoop}) against the referee over HTTP. Every turn is a "restart": data source,
 * store, memory, model and service are made anew over the same database.
 */
class TurnWindowMemoryTest extends RefereeTest {

  @BeforeAll
  void startPostgres() throws Exception {
    ChatMemoryStoreTest.pg = EmbeddedPostgres.start();
  }

  @AfterAll
  void stopPostgres() throws Exception {
    ChatMemoryStoreTest.pg.close();
  }

  private Assistant assistant(Database db, Bank bank, Function<ToolGuardChatMemoryStore, TurnWindowChatMemory.Builder> window) {
    ToolGuardChatMemoryStore store = ChatMemoryStoreTest.restart(db);
    return AiServices.builder(Assistant.class)
        .chatModel(Provider.chatModel(Provider.OPENAI, referee))
        .chatMemoryProvider(id -> LangChain4jToolGuard.wrap(window.apply(store).id(id).build()))
        .tools(bank)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aMessageWindowEvictsWholeTurnsAcrossRestarts(Database db) {
    String id = ChatMemoryStoreTest.newId();
    Bank bank = new Bank();
    Function<ToolGuardChatMemoryStore, TurnWindowChatMemory.Builder> window =
        store -> TurnWindowChatMemory.builder().maxMessages(5).chatMemoryStore(store);
    ChatMemoryStoreTest.restart(db).updateMessages(id, List.of(SystemMessage.from("You keep accounts.")));

    for (String account : List.of("main", "savings", "travel")) {
      referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"" + account + "\"}"),
          Reply.text("You have 120 EUR in " + account + "."));
      assertThat(assistant(db, bank, window).chat(id, "what is in " + account + "?"))
          .isEqualTo("You have 120 EUR in " + account + ".");
    }

    assertThat(bank.balances).hasValue(3);
    assertThat(referee.rejections()).isEmpty();
    List<ChatMessage> stored = ChatMemoryStoreTest.restart(db).getMessages(id);
    // the system message and the last turn whole: a plain 5-message window would keep a result without its call
    assertThat(stored).extracting(m -> m.type().name())
        .containsExactly("SYSTEM", "USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
    assertThat(((UserMessage) stored.get(1)).singleText()).isEqualTo("what is in travel?");
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aTokenWindowWithOpenAisEstimatorKeepsWholeTurns(Database db) {
    String id = ChatMemoryStoreTest.newId();
    Bank bank = new Bank();
    OpenAiTokenCountEstimator estimator = new OpenAiTokenCountEstimator("gpt-4o-mini");
    Function<ToolGuardChatMemoryStore, TurnWindowChatMemory.Builder> window =
        store -> TurnWindowChatMemory.builder().maxTokens(120, estimator).chatMemoryStore(store);

    for (String account : List.of("main", "savings", "travel")) {
      referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"" + account + "\"}"),
          Reply.text("You have 120 EUR in " + account + "."));
      assertThat(assistant(db, bank, window).chat(id, "what is in " + account + "?")).contains(account);
    }

    assertThat(referee.rejections()).isEmpty();
    List<ChatMessage> stored = ChatMemoryStoreTest.restart(db).getMessages(id);
    int tokens = stored.stream().mapToInt(estimator::estimateTokenCountInMessage).sum();
    assertThat(tokens <= 120 || stored.size() == 4).as("fits, or is the last turn alone (%s tokens)", tokens).isTrue();
    assertThat(stored.size()).as("a turn was evicted").isLessThan(12);
    assertThat(stored.get(0)).as("whole turns: it starts with a question").isInstanceOf(UserMessage.class);
    assertThat(((UserMessage) stored.get(stored.size() - 4)).singleText()).isEqualTo("what is in travel?");
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aBrokenStoredConversationIsRepairedWrittenBackAndLoggedOnce(Database db) {
    String id = ChatMemoryStoreTest.newId();
    Bank bank = new Bank();
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("balance")
        .arguments("{\"account\":\"main\"}").build();
    ChatMemoryStoreTest.restart(db).updateMessages(id, List.of(UserMessage.from("what is my balance?"),
        AiMessage.from(call), AiMessage.from("Let me look that up."), ToolExecutionResultMessage.from(call, "120 EUR"),
        AiMessage.from("You have 120 EUR.")));
    Function<ToolGuardChatMemoryStore, TurnWindowChatMemory.Builder> window =
        store -> TurnWindowChatMemory.builder().maxMessages(50).chatMemoryStore(store);

    String log = ConsoleCapture.of(() -> {
      for (String question : List.of("and yesterday?", "and last week?", "thanks")) {
        assertThat(assistant(db, bank, window).chat(id, question)).startsWith("You said");
      }
    });

    List<String> repairs = Pattern.compile("(?m)^.*toolguard repair: .*$").matcher(log).results()
        .map(r -> r.group()).toList();
    assertThat(repairs).as(log).hasSize(1);
    assertThat(repairs.get(0)).contains("MOVE").contains("call_1");
    List<ChatMessage> stored = ChatMemoryStoreTest.restart(db).getMessages(id);
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
    assertThat(stored).hasSize(5 + 6);
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aWaitingApprovalIsNeverEvictedAndIsApprovedAfterARestart(Database db) {
    String id = ChatMemoryStoreTest.newId();
    Bank bank = new Bank();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("balance")).build();
    referee.script().enqueue(Reply.text("Hello!"), Reply.toolCall("balance", "{\"account\":\"main\"}"),
        Reply.text("You have 120 EUR."));
    Function<Database, ChatMemory> memory = d -> TurnWindowChatMemory.builder().id(id).maxMessages(2)
        .chatMemoryStore(ChatMemoryStoreTest.restart(d)).build();

    loop(Provider.OPENAI).tools(bank).config(config).build().run(memory.apply(db), UserMessage.from("hi"));
    ToolLoop.Result waiting = loop(Provider.OPENAI).tools(bank).config(config).build()
        .run(memory.apply(db), UserMessage.from("what is my balance?"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    List<ChatMessage> stored = ChatMemoryStoreTest.restart(db).getMessages(id);
    assertThat(stored).as("the earlier turn went, the waiting call stayed").hasSize(2);
    assertThat(((UserMessage) stored.get(0)).singleText()).isEqualTo("what is my balance?");

    ToolLoop.Result done = loop(Provider.OPENAI).tools(bank).config(config).build()
        .run(memory.apply(db), ToolLoop.answers(waiting.pending().get(0).approve()));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("You have 120 EUR.");
    assertThat(bank.balances).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    List<ChatMessage> after = ChatMemoryStoreTest.restart(db).getMessages(id);
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(after))).isEmpty();
    assertThat(after).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoInstancesAddingToOneConversationNeverOverwriteEachOther(Database db) {
    String id = ChatMemoryStoreTest.newId();
    ToolGuardChatMemoryStore first = ChatMemoryStoreTest.restart(db);
    ToolGuardChatMemoryStore second = ChatMemoryStoreTest.restart(db);
    // the first instance's memory reads, then the second instance adds before the first one writes
    ToolGuardChatMemoryStore racing = ToolGuardChatMemoryStore.of(new ConversationStore() {
      final ConversationStore inner = first.store();
      boolean raced;

      @Override
      public Snapshot load(String key) {
        Snapshot s = inner.load(key);
        if (!raced) {
          raced = true;
          TurnWindowChatMemory.builder().id(id).maxMessages(10).chatMemoryStore(second).build()
              .add(UserMessage.from("from the second instance"));
        }
        return s;
      }

      @Override
      public long save(String key, long expectedVersion, List<dev.toolguard.core.Message> messages) {
        return inner.save(key, expectedVersion, messages);
      }
    });
    TurnWindowChatMemory loser = TurnWindowChatMemory.builder().id(id).maxMessages(10).chatMemoryStore(racing).build();

    assertThatThrownBy(() -> loser.add(UserMessage.from("from the first instance")))
        .isInstanceOf(ConversationConflictException.class);
    assertThat(ChatMemoryStoreTest.restart(db).getMessages(id)).containsExactly(UserMessage.from("from the second instance"));

    loser.add(UserMessage.from("from the first instance")); // repeated on the fresh state
    assertThat(ChatMemoryStoreTest.restart(db).getMessages(id)).containsExactly(
        UserMessage.from("from the second instance"), UserMessage.from("from the first instance"));
  }

  /** A bank whose balance tool waits at a gate: the run holding it has read the conversation, not saved. */
  static final class GatedBank {
    final Gate gate;
    final java.util.concurrent.atomic.AtomicInteger balances = new java.util.concurrent.atomic.AtomicInteger();

    GatedBank(Gate gate) {
      this.gate = gate;
    }

    @dev.langchain4j.agent.tool.Tool("The balance of the account")
    String balance(@dev.langchain4j.agent.tool.P("the account") String account) throws InterruptedException {
      balances.incrementAndGet();
      gate.pass();
      return account + ": 120 EUR";
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoInstancesRunningOneConversationAtOnceNeverOverwriteEachOther(Database db) throws Exception {
    String id = ChatMemoryStoreTest.newId();
    Gate gate = new Gate();
    GatedBank bank = new GatedBank(gate);
    Function<Database, ChatMemory> memory = d -> TurnWindowChatMemory.builder().id(id).maxMessages(20)
        .chatMemoryStore(ChatMemoryStoreTest.restart(d)).build();
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"));
    ExecutorService instanceA = Executors.newSingleThreadExecutor();
    try {
      // instance A reads the conversation and waits in its tool; instance B runs a whole turn meanwhile
      Future<ToolLoop.Result> a = instanceA.submit(() -> loop(Provider.OPENAI).tools(bank).build()
          .run(memory.apply(db), UserMessage.from("what is my balance?")));
      gate.awaitEntered();
      ToolLoop.Result b = loop(Provider.OPENAI).tools(bank).build()
          .run(memory.apply(db), UserMessage.from("hello from the other instance"));
      assertThat(b.status()).isEqualTo(Status.COMPLETED);
      gate.open();

      assertThatThrownBy(() -> a.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConversationConflictException.class);
    } finally {
      instanceA.shutdownNow();
    }
    List<ChatMessage> afterRace = ChatMemoryStoreTest.restart(db).getMessages(id);
    assertThat(afterRace).as("B's turn, not overwritten").extracting(m -> m.type().name()).containsExactly("USER", "AI");
    assertThat(((UserMessage) afterRace.get(0)).singleText()).isEqualTo("hello from the other instance");

    // the loser repeats its request on the fresh state
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"), Reply.text("You have 120 EUR."));
    ToolLoop.Result again = loop(Provider.OPENAI).tools(bank).build()
        .run(memory.apply(db), UserMessage.from("what is my balance?"));

    assertThat(again.text()).isEqualTo("You have 120 EUR.");
    assertThat(referee.rejections()).isEmpty();
    List<ChatMessage> stored = ChatMemoryStoreTest.restart(db).getMessages(id);
    assertThat(stored).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
  }

  @Test
  void aNewSystemMessageReplacesTheOldOneAndTheSameOneIsNotAddedTwice() {
    TurnWindowChatMemory memory = TurnWindowChatMemory.builder().maxMessages(10).build();
    memory.add(SystemMessage.from("old"));
    memory.add(UserMessage.from("hi"));
    memory.add(SystemMessage.from("new"));
    memory.add(SystemMessage.from("new"));
    assertThat(memory.messages()).containsExactly(SystemMessage.from("new"), UserMessage.from("hi"));
    memory.clear();
    assertThat(memory.messages()).isEmpty();
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().build())
        .hasMessage("set the window's limit: maxMessages(n) or maxTokens(n, estimator)");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(3)
        .maxTokens(10, new OpenAiTokenCountEstimator("gpt-4o-mini")).build())
        .hasMessage("set maxMessages(n) or maxTokens(n, estimator), not both");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(0))
        .hasMessage("maxMessages must be 1 or more, was 0");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxTokens(10, null))
        .hasMessageContaining("estimator must not be null");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().chatMemoryStore(null))
        .hasMessageContaining("chatMemoryStore must not be null");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().id(null)).hasMessageContaining("id must not be null");
    List<ChatMessage> none = new ArrayList<>();
    none.add(null);
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(3).build().set(none))
        .hasMessage("messages hold a null message at index 0");
  }
}
