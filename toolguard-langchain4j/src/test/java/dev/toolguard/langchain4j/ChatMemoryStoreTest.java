package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ToolGuardChatMemoryStore} on toolguard-jdbc's store over embedded PostgreSQL and H2, used the
 * way a LangChain4j app uses a {@code ChatMemoryStore}: {@code MessageWindowChatMemory} in {@code
 * AiServices} and under the {@link ToolLoop}, against the referee. Every "restart" builds every object
 * anew (data source, store, memory, service) over the same database; nothing but the database is shared.
 */
class ChatMemoryStoreTest extends RefereeTest {

  enum Database { H2, POSTGRES }

  static EmbeddedPostgres pg;

  @BeforeAll
  void startPostgres() throws Exception {
    pg = EmbeddedPostgres.start();
  }

  @AfterAll
  void stopPostgres() throws Exception {
    pg.close();
  }

  /** A new process's view of the database: a new data source and a new store over it. */
  static ToolGuardChatMemoryStore restart(Database db) {
    DataSource ds;
    if (db == Database.H2) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:lc4j-memory;DB_CLOSE_DELAY=-1");
      ds = h2;
    } else {
      ds = pg.getPostgresDatabase();
    }
    return ToolGuardChatMemoryStore.of(JdbcConversationStore.builder(ds, HistoryJson.codec()).createTable(true).build());
  }

  static String newId() {
    return "u-" + UUID.randomUUID();
  }

  interface Assistant {
    String chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String message);
  }

  static final class Bank {
    final AtomicInteger balances = new AtomicInteger();

    @Tool("The balance of the account")
    String balance(@P("the account") String account) {
      balances.incrementAndGet();
      return account + ": 120 EUR";
    }
  }

  private Assistant assistant(Database db, Bank bank) {
    ToolGuardChatMemoryStore store = restart(db);
    return AiServices.builder(Assistant.class)
        .chatModel(Provider.chatModel(Provider.OPENAI, referee))
        .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(store).build())
        .tools(bank)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void everyKindOfMessageComesBackEqualAfterARestart(Database db) {
    String id = newId();
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("balance")
        .arguments("{\"account\":\"main\"}").build();
    List<ChatMessage> written = List.of(
        SystemMessage.from("You keep accounts."),
        UserMessage.builder().name("ann").contents(List.of(TextContent.from("what is on this?"),
            ImageContent.from("https://example.com/receipt.png"))).attributes(Map.of("channel", "web")).build(),
        AiMessage.builder().text("Let me look.").thinking("the user wants the balance")
            .toolExecutionRequests(List.of(call)).attributes(Map.of("trace", "t-1")).build(),
        ToolExecutionResultMessage.builder().id("call_1").toolName("balance").text("no such account").isError(true)
            .attributes(Map.of("ms", 12)).build(),
        ToolExecutionResultMessage.from(call, "120 EUR"),
        CustomMessage.from(Map.of("note", "kept as it is")),
        AiMessage.from("You have 120 EUR."));
    restart(db).updateMessages(id, written);

    List<ChatMessage> read = restart(db).getMessages(id);

    assertThat(read).isEqualTo(written);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void anAiServicesConversationWithAToolGoesOnAfterARestart(Database db) {
    String id = newId();
    Bank bank = new Bank();
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"), Reply.text("You have 120 EUR."));
    assertThat(assistant(db, bank).chat(id, "what is my balance?")).isEqualTo("You have 120 EUR.");

    referee.script().enqueue(Reply.text("It was 120 EUR."));
    assertThat(assistant(db, bank).chat(id, "and what was it?")).isEqualTo("It was 120 EUR.");

    assertThat(bank.balances).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().toolResultIds()).hasSize(1);
    assertThat(referee.lastRequest().json().get("messages")).hasSize(5);
    assertThat(restart(db).getMessages(id)).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "AI", "USER", "AI");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aWaitingApprovalIsApprovedInTheNextProcessAndRunsOnce(Database db) {
    String id = newId();
    Bank bank = new Bank();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("balance")).build();
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"), Reply.text("You have 120 EUR."));

    ToolLoop.Result waiting = loop(Provider.OPENAI).tools(bank).config(config).build()
        .run(MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(restart(db)).build(),
            UserMessage.from("what is my balance?"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ToolLoop.PendingCall pending = waiting.pending().get(0);

    ToolLoop.Result done = loop(Provider.OPENAI).tools(bank).config(config).build()
        .run(MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(restart(db)).build(),
            ToolLoop.answers(pending.approve()));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("You have 120 EUR.");
    assertThat(bank.balances).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    List<ChatMessage> stored = restart(db).getMessages(id);
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
    assertThat(stored).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aLostRaceIsAConflictNeverASilentOverwrite(Database db) {
    String id = newId();
    ToolGuardChatMemoryStore first = restart(db);
    ToolGuardChatMemoryStore second = restart(db);
    first.updateMessages(id, List.of(UserMessage.from("hello")));

    List<ChatMessage> seenByFirst = new java.util.ArrayList<>(first.getMessages(id));
    List<ChatMessage> seenBySecond = new java.util.ArrayList<>(second.getMessages(id));
    seenBySecond.add(AiMessage.from("hi from the second instance"));
    second.updateMessages(id, seenBySecond);
    seenByFirst.add(AiMessage.from("hi from the first instance"));

    assertThatThrownBy(() -> first.updateMessages(id, seenByFirst))
        .isInstanceOf(ConversationConflictException.class)
        .hasMessage("conversation '" + id + "' was saved by another writer since this run loaded it (version 1, now"
            + " 2; rule: a save names the version it read); nothing was written. Load it again and repeat the"
            + " request: calls already settled are not run twice.");
    assertThat(restart(db).getMessages(id)).isEqualTo(seenBySecond);

    // the loser reads again and repeats: it succeeds on the fresh conversation
    List<ChatMessage> fresh = new java.util.ArrayList<>(first.getMessages(id));
    fresh.add(AiMessage.from("hi from the first instance"));
    first.updateMessages(id, fresh);
    assertThat(restart(db).getMessages(id)).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void twoMemoriesAddingAtOnceLoseNoMessage(Database db) {
    String id = newId();
    ToolGuardChatMemoryStore first = restart(db);
    ToolGuardChatMemoryStore second = restart(db);
    // the first instance's window reads, then the second instance adds before the first one writes
    ToolGuardChatMemoryStore racing = ToolGuardChatMemoryStore.of(new ConversationStore() {
      final ConversationStore inner = first.store();
      boolean raced;

      @Override
      public Snapshot load(String key) {
        Snapshot s = inner.load(key);
        if (!raced) {
          raced = true;
          MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(second).build()
              .add(UserMessage.from("from the second instance"));
        }
        return s;
      }

      @Override
      public long save(String key, long expectedVersion, List<dev.toolguard.core.Message> messages) {
        return inner.save(key, expectedVersion, messages);
      }
    });

    assertThatThrownBy(() -> MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(racing).build()
        .add(UserMessage.from("from the first instance")))
        .isInstanceOf(ConversationConflictException.class);
    assertThat(restart(db).getMessages(id)).containsExactly(UserMessage.from("from the second instance"));
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aDeletedMemoryIsEmptyAndADeletionIsVersioned(Database db) {
    String id = newId();
    ToolGuardChatMemoryStore store = restart(db);
    store.updateMessages(id, List.of(UserMessage.from("hello")));
    MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(restart(db)).build().clear();
    assertThat(restart(db).getMessages(id)).isEmpty();
    assertThat(restart(db).store().load(id).version()).isEqualTo(2);
  }
}
