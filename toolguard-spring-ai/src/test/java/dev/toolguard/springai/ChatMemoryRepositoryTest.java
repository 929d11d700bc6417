package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.springai.internal.MessageMapper;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
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
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.util.MimeTypeUtils;

/**
 * {@link ToolGuardChatMemoryRepository} on toolguard-jdbc's store over embedded PostgreSQL and H2, used
 * the way a Spring AI app uses a {@code ChatMemoryRepository}: {@code MessageWindowChatMemory} under
 * {@code MessageChatMemoryAdvisor} and under {@link ToolGuardAdvisor}, through {@code ChatClient} over
 * Spring AI's {@code OpenAiChatModel} against the referee. Every "restart" builds every object anew
 * (data source, store, repository, memory, client) over the same database.
 */
class ChatMemoryRepositoryTest extends RefereeSupport {

  enum Database { H2, POSTGRES }

  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  static ToolGuardChatMemoryRepository restart(Database db) {
    DataSource ds;
    if (db == Database.H2) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:spring-memory;DB_CLOSE_DELAY=-1");
      ds = h2;
    } else {
      ds = pg.getPostgresDatabase();
    }
    return ToolGuardChatMemoryRepository.of(JdbcConversationStore.builder(ds, HistoryJson.codec())
        .createTable(true).build());
  }

  static ChatMemory memory(Database db) {
    return MessageWindowChatMemory.builder().chatMemoryRepository(restart(db)).maxMessages(50).build();
  }

  static String newId() {
    return "c-" + UUID.randomUUID();
  }

  static final class Bank {
    final AtomicInteger balances = new AtomicInteger();

    @Tool(description = "The balance of the account")
    String balance(String account) {
      balances.incrementAndGet();
      return account + ": 120 EUR";
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void everyKindOfMessageComesBackEqualAfterARestart(Database db) {
    String id = newId();
    List<Message> written = List.of(
        SystemMessage.builder().text("You keep accounts.").metadata(Map.of("source", "config")).build(),
        UserMessage.builder().text("what is my balance?").metadata(Map.of("channel", "web", "n", 3)).build(),
        AssistantMessage.builder().content("Let me look.").properties(Map.of("finishReason", "TOOL_CALLS",
                "usage", Map.of("tokens", 12L)))
            .toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "balance",
                "{\"account\":\"main\"}"))).build(),
        ToolResponseMessage.builder().responses(List.of(
            new ToolResponseMessage.ToolResponse("call_1", "balance", "120 EUR"))).build(),
        AssistantMessage.builder().content("You have 120 EUR.").build());
    restart(db).saveAll(id, written);

    assertThat(restart(db).findByConversationId(id)).isEqualTo(written);
    assertThat(restart(db).findConversationIds()).contains(id);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void mediaComesBackWithItsTypeDataIdAndName(Database db) {
    String id = newId();
    Media url = Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data("https://example.com/receipt.png")
        .id("m1").name("receipt").build();
    Media bytes = Media.builder().mimeType(MimeTypeUtils.IMAGE_JPEG).data(new byte[] {1, 2, 3}).name("photo").build();
    restart(db).saveAll(id, List.of(UserMessage.builder().text("what is on these?").media(url, bytes).build()));

    UserMessage read = (UserMessage) restart(db).findByConversationId(id).get(0);

    assertThat(read.getText()).isEqualTo("what is on these?");
    assertThat(read.getMedia()).extracting(m -> m.getMimeType().toString(), Media::getId, Media::getName)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("image/png", "m1", "receipt"),
            org.assertj.core.groups.Tuple.tuple("image/jpeg", null, "photo"));
    assertThat(read.getMedia().get(0).getData()).isEqualTo("https://example.com/receipt.png");
    assertThat(read.getMedia().get(1).getDataAsByteArray()).containsExactly(1, 2, 3);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aChatClientConversationGoesOnAfterARestart(Database db) {
    String id = newId();
    referee.script().enqueue(Reply.text("Hello Ann."), Reply.text("Your name is Ann."));

    String first = ChatClient.builder(model).defaultAdvisors(MessageChatMemoryAdvisor.builder(memory(db)).build())
        .build().prompt().user("I am Ann").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, id)).call().content();
    String second = ChatClient.builder(model).defaultAdvisors(MessageChatMemoryAdvisor.builder(memory(db)).build())
        .build().prompt().user("what is my name?").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, id)).call()
        .content();

    assertThat(first).isEqualTo("Hello Ann.");
    assertThat(second).isEqualTo("Your name is Ann.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().json().get("messages")).hasSize(3);
    assertThat(restart(db).findByConversationId(id)).extracting(Message::getText)
        .containsExactly("I am Ann", "Hello Ann.", "what is my name?", "Your name is Ann.");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aWaitingApprovalIsKeptAndApprovedAfterARestartAndRunsOnce(Database db) {
    String id = newId();
    Bank bank = new Bank();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("balance")).build();
    referee.script().enqueue(Reply.toolCall("balance", "{\"account\":\"main\"}"), Reply.text("You have 120 EUR."));

    ChatClientResponse waiting = OpenAiConversationKeyTest.send(ChatClient.builder(model).defaultAdvisors(
        ToolGuardAdvisor.builder().config(config).toolObjects(bank).chatMemory(memory(db)).build()).build(),
        id, List.of(new UserMessage("what is my balance?")));
    assertThat(waiting.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    List<Message> stored = restart(db).findByConversationId(id);
    assertThat(((AssistantMessage) stored.get(1)).getToolCalls()).as("the waiting call is no plain call").isEmpty();
    assertThat(stored.get(1).getMetadata()).containsKey(MessageMapper.APPROVAL_REQUESTS);
    var request = dev.toolguard.core.loop.FunctionInvokingLoop.waiting(new MessageMapper().toCore(stored)).get(0);

    ChatClientResponse done = OpenAiConversationKeyTest.send(ChatClient.builder(model).defaultAdvisors(
        ToolGuardAdvisor.builder().config(config).toolObjects(bank).chatMemory(memory(db)).build()).build(),
        id, List.of(), dev.toolguard.core.ApprovalResponse.approve(request));

    assertThat(done.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    assertThat(bank.balances).hasValue(1);
    assertThat(referee.rejections()).isEmpty();
    assertThat(HistoryGuard.ofDefaults().check(new MessageMapper().toCore(restart(db).findByConversationId(id))))
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aLostRaceIsAConflictNeverASilentOverwrite(Database db) {
    String id = newId();
    ToolGuardChatMemoryRepository first = restart(db);
    ToolGuardChatMemoryRepository second = restart(db);
    first.saveAll(id, List.of(new UserMessage("hello")));

    List<Message> seenByFirst = new ArrayList<>(first.findByConversationId(id));
    List<Message> seenBySecond = new ArrayList<>(second.findByConversationId(id));
    seenBySecond.add(new AssistantMessage("hi from the second instance"));
    second.saveAll(id, seenBySecond);
    seenByFirst.add(new AssistantMessage("hi from the first instance"));

    assertThatThrownBy(() -> first.saveAll(id, seenByFirst))
        .isInstanceOf(ConversationConflictException.class)
        .hasMessage("conversation '" + id + "' was saved by another writer since this run loaded it (version 1, now"
            + " 2; rule: a save names the version it read); nothing was written. Load it again and repeat the"
            + " request: calls already settled are not run twice.");
    assertThat(restart(db).findByConversationId(id)).isEqualTo(seenBySecond);

    List<Message> fresh = new ArrayList<>(first.findByConversationId(id));
    fresh.add(new AssistantMessage("hi from the first instance"));
    first.saveAll(id, fresh);
    assertThat(restart(db).findByConversationId(id)).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aDeletedConversationIsEmptyAndNotListed(Database db) {
    String id = newId();
    memory(db).add(id, new UserMessage("hello"));
    memory(db).clear(id);
    assertThat(restart(db).findByConversationId(id)).isEmpty();
    assertThat(restart(db).findConversationIds()).doesNotContain(id);
    assertThat(restart(db).store().load(id).version()).isEqualTo(2);
  }
}
