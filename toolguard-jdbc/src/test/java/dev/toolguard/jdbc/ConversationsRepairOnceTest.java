package dev.toolguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.conversation.Conversations;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.ProviderReferee;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Core's {@link Conversations} flow over {@link JdbcConversationStore} on H2 and embedded PostgreSQL, with
 * the loop's backend talking HTTP to the testkit referee: a conversation stored broken is repaired on the
 * first turn, the repair is saved with the version read, and it is logged once — three turns, each by a
 * new "process" (data source, store, loop and flow made anew over the same database), give one WARN line
 * per change, not one per turn.
 */
class ConversationsRepairOnceTest {

  enum Database { H2, POSTGRES }

  static EmbeddedPostgres pg;
  static ProviderReferee referee;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.start();
    referee = ProviderReferee.start();
  }

  @AfterAll
  static void stop() throws Exception {
    referee.close();
    pg.close();
  }

  static ConversationStore store(Database db) {
    DataSource ds = db == Database.H2 ? H2CallJournalContractTest.h2("repair-once") : pg.getPostgresDatabase();
    return JdbcConversationStore.builder(ds, HistoryJson.codec()).createTable(true).build();
  }

  static Conversations restart(Database db) {
    HttpChatBackend backend = HttpChatBackend.of(Dialect.OPENAI_CHAT, HttpBackendConfig.builder()
        .baseUrl(referee.openAiBaseUrl()).apiKey("test-key").model("gpt-4o-mini").build());
    return Conversations.of(FunctionInvokingLoop.builder(backend).build(), store(db));
  }

  /** A conversation stored with the result of call_1 after a later message: repair MOVEs it back. */
  static final List<Message> BROKEN = List.of(
      Message.user("what is my balance?"),
      Message.assistant(ToolCall.of("call_1", "balance", "{\"account\":\"main\"}")),
      Message.assistant("Let me look that up."),
      Message.tool(ToolResult.of("call_1", "balance", "120 EUR")),
      Message.assistant("You have 120 EUR."));

  @ParameterizedTest
  @EnumSource(Database.class)
  void aBrokenStoredConversationIsRepairedSavedAndLoggedOnceOverThreeTurns(Database db) {
    String key = "c-" + UUID.randomUUID();
    store(db).save(key, 0, BROKEN);
    assertThat(HistoryGuard.ofDefaults().check(BROKEN)).isNotEmpty();

    String log = ConsoleCapture.of(() -> {
      restart(db).run(key, Message.user("and yesterday?"));
      restart(db).run(key, Message.user("and last week?"));
      restart(db).run(key, Message.user("thanks"));
    });

    assertThat(repairLines(log)).as(log).hasSize(1);
    assertThat(repairLines(log).get(0)).contains("MOVE").contains("call_1");
    ConversationStore.Snapshot stored = store(db).load(key);
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
    assertThat(stored.version()).as("one save per turn, the first with the repair").isEqualTo(4);
    assertThat(stored.messages()).hasSize(BROKEN.size() + 6);
    assertThat(referee.rejections()).isEmpty();
  }

  static List<String> repairLines(String log) {
    Matcher m = Pattern.compile("(?m)^.*toolguard repair: .*$").matcher(log);
    return m.results().map(r -> r.group()).toList();
  }
}
