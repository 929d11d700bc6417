package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.springai.ChatMemoryRepositoryTest.Bank;
import dev.toolguard.springai.ChatMemoryRepositoryTest.Database;
import dev.toolguard.springai.internal.MessageMapper;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.Gate;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * {@link TurnWindowChatMemory} over {@link ToolGuardChatMemoryRepository} on toolguard-jdbc's store, on
 * embedded PostgreSQL and H2, used through Spring AI's own {@code ChatClient} and {@code OpenAiChatModel}
 * (with {@code MessageChatMemoryAdvisor} and with {@link ToolGuardAdvisor}) against the referee over HTTP.
 * Every turn is a "restart": data source, store, repository, memory and client are made anew over the
 * same database.
 */
class TurnWindowChatMemoryTest extends RefereeSupport {

  @BeforeAll
  static void startPostgres() throws Exception {
    ChatMemoryRepositoryTest.pg = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    ChatMemoryRepositoryTest.pg.close();
  }

  static TurnWindowChatMemory.Builder window(Database db) {
    return TurnWindowChatMemory.builder().chatMemoryRepository(ChatMemoryRepositoryTest.restart(db));
  }

  static ChatClientResponse guarded(TurnWindowChatMemory memory, Object bank, LoopConfig config, String id,
      List<Message> messages, dev.toolguard.core.ApprovalResponse... approvals) {
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().config(config)
        .toolObjects(bank).chatMemory(memory).build()).build();
    return OpenAiConversationKeyTest.send(client, id, messages, approvals);
  }

  static List<Message> stored(Database db, String id) {
    return ChatMemoryRepositoryTest.restart(db).findByConversationId(id);
  }

  static void assertValid(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(new MessageMapper().toCore(history))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aMessageWindowEvictsWholeTurnsAcrossRestarts(Database db) {
    String id = ChatMemoryRepositoryTest.newId();
    Bank bank = new Bank();
    ChatMemoryRepositoryTest.restart(db).saveAll(id, List.of(new SystemMessage("You keep accounts.")));

    for (String account : List.of("main", "savings", "travel")) {
      referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"" + account + "\"}"),
          Reply.text("You have 120 EUR in " + account + "."));
      ChatClientResponse r = guarded(window(db).maxMessages(5).build(), bank, LoopConfig.ofDefaults(), id,
          List.of(new UserMessage("what is in " + account + "?")));
      assertThat(r.chatResponse().getResult().getOutput().getText()).isEqualTo("You have 120 EUR in " + account + ".");
    }

    assertThat(bank.balances).hasValue(3);
    assertThat(referee.rejections()).isEmpty();
    List<Message> stored = stored(db, id);
    // the system message and the last turn whole: a plain 5-message window would keep a result without its call
    assertThat(stored).extracting(m -> m.getMessageType().name())
        .containsExactly("SYSTEM", "USER", "ASSISTANT", "TOOL", "ASSISTANT");
    assertThat(stored.get(1).getText()).isEqualTo("what is in travel?");
    assertValid(stored);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aTokenWindowKeepsWholeTurns(Database db) {
    String id = ChatMemoryRepositoryTest.newId();
    Bank bank = new Bank();
    dev.toolguard.core.conversation.TokenCounter counter =
        TurnWindowChatMemory.tokenCounter(new org.springframework.ai.tokenizer.JTokkitTokenCountEstimator());

    for (String account : List.of("main", "savings", "travel")) {
      referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"" + account + "\"}"),
          Reply.text("You have 120 EUR in " + account + "."));
      guarded(window(db).maxTokens(70, counter).build(), bank, LoopConfig.ofDefaults(), id,
          List.of(new UserMessage("what is in " + account + "?")));
    }

    assertThat(referee.rejections()).isEmpty();
    List<Message> stored = stored(db, id);
    List<dev.toolguard.core.Message> core = new MessageMapper().toCore(stored);
    int tokens = core.stream().mapToInt(counter::count).sum();
    assertThat(tokens).isLessThanOrEqualTo(70);
    assertThat(stored.size()).as("a turn was evicted").isLessThan(12);
    assertThat(stored.get(0)).as("whole turns: it starts with a question").isInstanceOf(UserMessage.class);
    assertThat(stored.get(stored.size() - 4).getText()).isEqualTo("what is in travel?");
    assertValid(stored);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aBrokenStoredConversationIsRepairedWrittenBackAndLoggedOnce(Database db) {
    String id = ChatMemoryRepositoryTest.newId();
    ChatMemoryRepositoryTest.restart(db).saveAll(id, List.of(new UserMessage("what is my balance?"),
        AssistantMessage.builder().toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "balance",
            "{\"account\":\"main\"}"))).build(),
        new AssistantMessage("Let me look that up."),
        ToolResponseMessage.builder().responses(List.of(
            new ToolResponseMessage.ToolResponse("call_1", "balance", "120 EUR"))).build(),
        new AssistantMessage("You have 120 EUR.")));

    String log = ConsoleCapture.of(() -> {
      for (String question : List.of("and yesterday?", "and last week?", "thanks")) {
        String answer = ChatClient.builder(model)
            .defaultAdvisors(MessageChatMemoryAdvisor.builder(window(db).maxMessages(50).build()).build()).build()
            .prompt().user(question).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, id)).call().content();
        assertThat(answer).startsWith("You said");
      }
    });

    List<String> repairs = Pattern.compile("(?m)^.*toolguard repair: .*$").matcher(log).results()
        .map(r -> r.group()).toList();
    assertThat(repairs).as(log).hasSize(1);
    assertThat(repairs.get(0)).contains("MOVE").contains("call_1");
    List<Message> stored = stored(db, id);
    assertValid(stored);
    assertThat(stored).hasSize(5 + 6);
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aWaitingApprovalIsNeverEvictedAndIsApprovedAfterARestart(Database db) {
    String id = ChatMemoryRepositoryTest.newId();
    Bank bank = new Bank();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("balance")).build();
    referee.script().enqueue(Reply.text("Hello!"), Reply.toolCall("balance", "{\"account\":\"main\"}"),
        Reply.text("You have 120 EUR."));

    guarded(window(db).maxMessages(2).build(), bank, config, id, List.of(new UserMessage("hi")));
    ChatClientResponse waiting = guarded(window(db).maxMessages(2).build(), bank, config, id,
        List.of(new UserMessage("what is my balance?")));
    assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    List<Message> stored = stored(db, id);
    assertThat(stored).as("the earlier turn went, the waiting call stayed").hasSize(2);
    assertThat(stored.get(0).getText()).isEqualTo("what is my balance?");
    assertThat(stored.get(1).getMetadata()).containsKey(MessageMapper.APPROVAL_REQUESTS);
    var request = dev.toolguard.core.loop.FunctionInvokingLoop.waiting(new MessageMapper().toCore(stored)).get(0);

    ChatClientResponse done = guarded(window(db).maxMessages(2).build(), bank, config, id, List.of(),
        dev.toolguard.core.ApprovalResponse.approve(request));

    assertThat(done.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    assertThat(bank.balances).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    List<Message> after = stored(db, id);
    assertValid(after);
    assertThat(after).extracting(m -> m.getMessageType().name()).containsExactly("USER", "ASSISTANT", "TOOL",
        "ASSISTANT");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoInstancesAddingToOneConversationNeverOverwriteEachOther(Database db) {
    String id = ChatMemoryRepositoryTest.newId();
    ToolGuardChatMemoryRepository first = ChatMemoryRepositoryTest.restart(db);
    TurnWindowChatMemory second = window(db).maxMessages(10).build();
    // the first instance's memory reads, then the second instance adds before the first one saves
    ChatMemoryRepository racing = new ChatMemoryRepository() {
      boolean raced;

      @Override
      public List<String> findConversationIds() {
        return first.findConversationIds();
      }

      @Override
      public List<Message> findByConversationId(String conversationId) {
        List<Message> read = first.findByConversationId(conversationId);
        if (!raced) {
          raced = true;
          second.add(conversationId, new UserMessage("from the second instance"));
        }
        return read;
      }

      @Override
      public void saveAll(String conversationId, List<Message> messages) {
        first.saveAll(conversationId, messages);
      }

      @Override
      public void deleteByConversationId(String conversationId) {
        first.deleteByConversationId(conversationId);
      }
    };
    TurnWindowChatMemory loser = TurnWindowChatMemory.builder().chatMemoryRepository(racing).maxMessages(10).build();

    assertThatThrownBy(() -> loser.add(id, new UserMessage("from the first instance")))
        .isInstanceOf(ConversationConflictException.class);
    assertThat(stored(db, id)).extracting(Message::getText).containsExactly("from the second instance");

    loser.add(id, new UserMessage("from the first instance")); // repeated on the fresh state
    assertThat(stored(db, id)).extracting(Message::getText)
        .containsExactly("from the second instance", "from the first instance");
  }

  /** A bank whose balance tool waits at a gate: the run holding it has read the conversation, not saved. */
  static final class GatedBank {
    final Gate gate;
    final java.util.concurrent.atomic.AtomicInteger balances = new java.util.concurrent.atomic.AtomicInteger();

    GatedBank(Gate gate) {
      this.gate = gate;
    }

    @org.springframework.ai.tool.annotation.Tool(description = "The balance of the account")
    String balance(String account) {
      balances.incrementAndGet();
      try {
        gate.pass();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted at the gate", e);
      }
      return account + ": 120 EUR";
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoInstancesRunningOneConversationAtOnceLoseNothing(Database db) throws Exception {
    String id = ChatMemoryRepositoryTest.newId();
    Gate gate = new Gate();
    GatedBank bank = new GatedBank(gate);
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"));
    ExecutorService instanceA = Executors.newSingleThreadExecutor();
    try {
      // instance A reads the conversation and waits in its tool; instance B runs a whole turn meanwhile
      Future<ChatClientResponse> a = instanceA.submit(() -> guarded(window(db).maxMessages(20).build(), bank,
          LoopConfig.ofDefaults(), id, List.of(new UserMessage("what is my balance?"))));
      gate.awaitEntered();
      guarded(window(db).maxMessages(20).build(), bank, LoopConfig.ofDefaults(), id,
          List.of(new UserMessage("hello from the other instance")));
      gate.open();
      a.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      instanceA.shutdownNow();
    }

    // A's turn was appended to the conversation as B left it (the memory adds what a run added): nothing lost
    assertThat(referee.rejections()).isEmpty();
    List<Message> stored = stored(db, id);
    assertThat(stored).extracting(m -> m.getMessageType().name())
        .containsExactly("USER", "ASSISTANT", "USER", "ASSISTANT", "TOOL", "ASSISTANT");
    assertThat(stored.get(0).getText()).isEqualTo("hello from the other instance");
    assertThat(stored.get(2).getText()).isEqualTo("what is my balance?");
    assertValid(stored);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoAdvisorsOnTheVersionedStoreRunningOneConversationAtOnceGiveTheLoserAConflict(Database db) throws Exception {
    String id = ChatMemoryRepositoryTest.newId();
    Gate gate = new Gate();
    GatedBank bank = new GatedBank(gate);
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"));
    java.util.function.Supplier<ChatClient> instance = () -> ChatClient.builder(model).defaultAdvisors(
        ToolGuardAdvisor.builder().toolObjects(bank).conversationStore(
            ChatMemoryRepositoryTest.restart(db).store()).build()).build();
    ExecutorService instanceA = Executors.newSingleThreadExecutor();
    try {
      Future<ChatClientResponse> a = instanceA.submit(() -> OpenAiConversationKeyTest.send(instance.get(), id,
          List.of(new UserMessage("what is my balance?"))));
      gate.awaitEntered();
      OpenAiConversationKeyTest.send(instance.get(), id, List.of(new UserMessage("hello from the other instance")));
      gate.open();
      assertThatThrownBy(() -> a.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(java.util.concurrent.ExecutionException.class)
          .rootCause().isInstanceOf(ConversationConflictException.class);
    } finally {
      instanceA.shutdownNow();
    }
    assertThat(stored(db, id)).as("B's turn, not overwritten").extracting(Message::getText)
        .containsExactly("hello from the other instance", "You said: hello from the other instance");
  }

  @Test
  void aNewSystemMessageReplacesTheStoredOnesAndTheSameOneIsNotAddedTwice() {
    TurnWindowChatMemory memory = TurnWindowChatMemory.builder().maxMessages(10).build();
    memory.add("c", List.of(new SystemMessage("old"), new UserMessage("hi")));
    memory.add("c", List.of(new SystemMessage("new")));
    memory.add("c", List.of(new SystemMessage("new"), new UserMessage("again")));
    assertThat(memory.get("c")).extracting(Message::getText).containsExactly("hi", "new", "again");
    memory.clear("c");
    assertThat(memory.get("c")).isEmpty();
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().build())
        .hasMessage("set the window's limit: maxMessages(n) or maxTokens(n, counter)");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(3).maxTokens(10, m -> 1).build())
        .hasMessage("set maxMessages(n) or maxTokens(n, counter), not both");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(0))
        .hasMessage("maxMessages must be 1 or more, was 0");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxTokens(10, null))
        .hasMessageContaining("counter must not be null");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().chatMemoryRepository(null))
        .hasMessageContaining("chatMemoryRepository must not be null");
    assertThatThrownBy(() -> TurnWindowChatMemory.builder().maxMessages(3).build().get(" "))
        .hasMessageContaining("conversationId must not be null or blank");
  }
}
