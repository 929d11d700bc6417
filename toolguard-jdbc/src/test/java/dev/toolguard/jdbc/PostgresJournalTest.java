package dev.toolguard.jdbc;

import static dev.toolguard.jdbc.CallJournalContract.LEASE;
import static dev.toolguard.jdbc.CallJournalContract.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore.Snapshot;
import dev.toolguard.core.conversation.Conversations;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallJournalException;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.HistoryJson;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcCallJournal} and {@link JdbcConversationStore} on a real PostgreSQL: their failures, and two
 * loops ("two instances") sharing one journal table (and one conversation table) while the tool they run
 * writes to its own table in the same database.
 */
class PostgresJournalTest {

  static EmbeddedPostgres pg;
  static DataSource ds;

  static final CallKey K = CallJournalContract.key("Zx3digest", "call_7", "n-1");

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.start();
    ds = pg.getPostgresDatabase();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @BeforeEach
  void emptyTables() throws Exception {
    sql("CREATE TABLE IF NOT EXISTS payments (id SERIAL PRIMARY KEY, call_id VARCHAR(255) NOT NULL,"
        + " amount INT NOT NULL)");
    sql("DELETE FROM payments");
    sql("DROP TABLE IF EXISTS toolguard_call_journal");
    sql("DROP TABLE IF EXISTS toolguard_conversation");
  }

  static void sql(String statement) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static int count(String query) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aMissingTableIsNamedWithThePostgresMigration() {
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).tableName("missing_journal").build();
    assertThatThrownBy(() -> journal.claim(K, "h1", T0, LEASE))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_7"))
        .hasMessage("toolguard-jdbc: claiming call call_7 of tool 'pay' in conversation Zx3digest (table"
            + " missing_journal) failed: table missing_journal does not exist (SQLState 42P01: ERROR: relation"
            + " \"missing_journal\" does not exist): run the migration"
            + " db/migration/toolguard/postgresql/V1__toolguard_call_journal.sql (or set createTable). Nothing was"
            + " written for this call and it did not run: fix the database and resume again.");
    assertThat(journal.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
  }

  @Test
  void anOutputPostgresCannotStoreIsNotRecordedAndTheClaimStaysAsItWas() {
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).createTable(true).build();
    journal.claim(K, "h1", T0, LEASE);
    assertThatThrownBy(() -> journal.complete(K, "h1", ToolResult.of("call_7", "pay", "a\u0000b"), T0))
        .isInstanceOf(CallJournalException.class)
        .hasMessageStartingWith("toolguard-jdbc: recording the result of call call_7 of tool 'pay' in conversation"
            + " Zx3digest (table toolguard_call_journal) failed: SQLState 22021");
    assertThat(journal.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
  }

  @Test
  void aSchemaQualifiedTableIsCreatedInItsSchema() throws Exception {
    sql("CREATE SCHEMA IF NOT EXISTS app");
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).tableName("app.call_journal").createTable(true).build();
    assertThat(journal.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'app' AND tablename = 'call_journal'"
        + " AND indexname = 'call_journal_completed_idx'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM app.call_journal WHERE state = 'CLAIMED'")).isEqualTo(1);
  }

  @Test
  void instancesThatStartTogetherCreateTheTableOnceAndOneOfThemAcquires() throws Exception {
    sql("DROP TABLE IF EXISTS fresh_journal");
    List<Claim> claims = CallJournalContract.race(i -> JdbcCallJournal.builder(ds).tableName("fresh_journal")
        .createTable(true).build().claim(K, "holder-" + i, T0, LEASE));
    assertThat(claims).filteredOn(c -> c instanceof Claim.Acquired).hasSize(1);
    assertThat(claims).filteredOn(c -> c instanceof Claim.Held).hasSize(CallJournalContract.THREADS - 1);
  }

  @Test
  void aDatabaseThatStoppedIsNamedWithTheCallAndNothingIsWritten() throws Exception {
    EmbeddedPostgres other = EmbeddedPostgres.start();
    JdbcCallJournal journal;
    try {
      journal = JdbcCallJournal.builder(other.getPostgresDatabase()).createTable(true).build();
      assertThat(journal.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    } finally {
      other.close();
    }
    CallKey next = CallJournalContract.key("Zx3digest", "call_8", "n-2");
    assertThatThrownBy(() -> journal.claim(next, "h1", T0, LEASE))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_8"))
        .hasMessageStartingWith("toolguard-jdbc: claiming call call_8 of tool 'pay' in conversation Zx3digest (table"
            + " toolguard_call_journal) failed: the DataSource gave no connection (SQLState 08001: Connection to"
            + " localhost:" + other.getPort() + " refused.")
        .hasMessageEndingWith("the database is down or unreachable. Nothing was written for this call and it did"
            + " not run: fix the database and resume again.");
  }

  /** A model that asks to pay 5 for a user message and sums up once the result is there. */
  static final class TinyBackend implements ChatBackend {
    @Override
    public ChatResponse send(ChatRequest request) {
      Message last = request.history().get(request.history().size() - 1);
      if (last.role() == Role.TOOL) {
        return ChatResponse.of(Message.assistant("done: " + last.toolResults().get(0).output()));
      }
      return ChatResponse.of(Message.assistant(ToolCall.of("call_0", "pay", "{\"amount\":5}")));
    }
  }

  /** The payment tool: each run inserts a row into its own table and answers with the row's id. */
  static final class Pay implements LoopTool {
    private final CountDownLatch otherRunWaits;

    Pay(CountDownLatch otherRunWaits) {
      this.otherRunWaits = otherRunWaits;
    }

    @Override
    public ToolSpec spec() {
      return ToolSpec.of("pay", "pays an amount");
    }

    @Override
    public String invoke(ToolCall call) throws Exception {
      // hold the call until the other instance found it claimed, so that the two runs truly overlap
      otherRunWaits.await(20, TimeUnit.SECONDS);
      try (Connection c = ds.getConnection();
          PreparedStatement ps = c.prepareStatement("INSERT INTO payments (call_id, amount) VALUES (?, 5)",
              Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, call.callId());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return "{\"payment\":" + keys.getInt(1) + "}";
        }
      }
    }
  }

  /** The journal of one instance, telling when a claim found the call held by another run. */
  static CallJournal instanceJournal(CountDownLatch held) {
    JdbcCallJournal jdbc = JdbcCallJournal.builder(ds).createTable(true).build();
    return new CallJournal() {
      @Override
      public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
        Claim claim = jdbc.claim(key, holder, now, lease);
        if (claim instanceof Claim.Held) {
          held.countDown();
        }
        return claim;
      }

      @Override
      public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
        return jdbc.takeOver(key, expiredHolder, holder, now, lease);
      }

      @Override
      public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
        return jdbc.complete(key, holder, result, now);
      }

      @Override
      public void release(CallKey key, String holder) {
        jdbc.release(key, holder);
      }

      @Override
      public int prune(Instant before) {
        return jdbc.prune(before);
      }
    };
  }

  static FunctionInvokingLoop instance(CallJournal journal, CountDownLatch held) {
    return FunctionInvokingLoop.builder(new TinyBackend())
        .tools(new Pay(held))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .journal(journal)
        .build();
  }

  static List<Message> approved(LoopResult asked) {
    assertThat(asked.status()).isEqualTo(LoopResult.Status.AWAITING);
    ApprovalRequest request = asked.pending().get(0);
    List<Message> history = new ArrayList<>(asked.history());
    history.add(Message.of(Role.USER, ApprovalResponse.approve(request)));
    return history;
  }

  static ToolResult resultOf(LoopResult r, String callId) {
    return r.history().stream().flatMap(m -> m.toolResults().stream()).filter(t -> t.callId().equals(callId))
        .reduce((a, b) -> {
          throw new AssertionError("two results of " + callId);
        }).orElseThrow();
  }

  @Test
  void anApprovalAnsweredOnTwoInstancesAtOnceRunsTheToolOnceAndBothHistoriesCarryItsResult() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    FunctionInvokingLoop one = instance(instanceJournal(held), held);
    FunctionInvokingLoop two = instance(instanceJournal(held), held);

    List<Message> history = approved(one.run("conv-1", List.of(Message.user("pay the invoice"))));
    List<LoopResult> runs = CallJournalContract.race2(() -> one.run("conv-1", history),
        () -> two.run("conv-1", history));

    assertThat(count("SELECT count(*) FROM payments")).as("the tool ran once").isEqualTo(1);
    assertThat(held.getCount()).as("one instance found the call held by the other").isZero();
    assertThat(runs).allSatisfy(r -> assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED));
    ToolResult first = resultOf(runs.get(0), "call_0");
    assertThat(first.output()).matches("\\{\"payment\":\\d+}");
    assertThat(resultOf(runs.get(1), "call_0")).isEqualTo(first);
    assertThat(runs.get(0).history().get(runs.get(0).history().size() - 1).text())
        .isEqualTo(runs.get(1).history().get(runs.get(1).history().size() - 1).text())
        .isEqualTo("done: " + first.output());
    assertThat(count("SELECT count(*) FROM toolguard_call_journal WHERE state = 'DONE' AND call_id = 'call_0'"))
        .isEqualTo(1);

    // a third resume of the same answer, later, on either instance: the recorded result, nothing runs
    assertThat(resultOf(two.run("conv-1", history), "call_0")).isEqualTo(first);
    assertThat(count("SELECT count(*) FROM payments")).isEqualTo(1);
  }

  @Test
  void theSameModelCallIdInTwoConversationsNeverSharesAResult() throws Exception {
    CountDownLatch none = new CountDownLatch(0);
    FunctionInvokingLoop one = instance(JdbcCallJournal.builder(ds).createTable(true).build(), none);
    FunctionInvokingLoop two = instance(JdbcCallJournal.of(ds), none);

    List<Message> inA = approved(one.run("A", List.of(Message.user("pay in A"))));
    List<Message> inB = approved(two.run("B", List.of(Message.user("pay in B"))));
    ToolResult a = resultOf(one.run("A", inA), "call_0");
    ToolResult b = resultOf(two.run("B", inB), "call_0");

    assertThat(count("SELECT count(*) FROM payments")).as("one payment in each conversation").isEqualTo(2);
    assertThat(a.output()).isNotEqualTo(b.output());
    // resumed again, crosswise on the other instance: each conversation keeps its own result
    assertThat(resultOf(two.run("A", inA), "call_0")).isEqualTo(a);
    assertThat(resultOf(one.run("B", inB), "call_0")).isEqualTo(b);
    assertThat(count("SELECT count(*) FROM payments")).isEqualTo(2);
    assertThat(count("SELECT count(DISTINCT conversation) FROM toolguard_call_journal WHERE call_id = 'call_0'"))
        .isEqualTo(2);
  }

  @Test
  void aJournalWhoseDatabaseIsDownFailsTheResumeBeforeTheToolRuns() throws Exception {
    CountDownLatch none = new CountDownLatch(0);
    FunctionInvokingLoop loop = instance(JdbcCallJournal.of(new DownDataSource()), none);
    List<Message> history = approved(loop.run("conv-down", List.of(Message.user("pay"))));
    assertThatThrownBy(() -> loop.run("conv-down", history))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_0"))
        .hasMessageStartingWith("conversation 'conv-down': toolguard-jdbc: claiming call call_0 of tool 'pay' in"
            + " conversation ")
        .hasMessageContaining("claiming call call_0 of tool 'pay' in conversation "
            + CallKey.conversationDigest("conv-down") + " (table toolguard_call_journal) failed: the DataSource gave"
            + " no connection")
        .hasMessageEndingWith("Nothing was written for this call and it did not run: fix the database and resume"
            + " again.");
    assertThat(count("SELECT count(*) FROM payments")).isZero();
  }

  @Test
  void aMissingConversationTableIsNamedWithThePostgresMigration() {
    JdbcConversationStore store = JdbcConversationStore.builder(ds, HistoryJson.codec())
        .tableName("missing_conversation").build();
    assertThatThrownBy(() -> store.save("user-42", 0, List.of(Message.user("hi"))))
        .isInstanceOfSatisfying(ConversationStoreException.class, e -> assertThat(e.conversation()).isEqualTo("user-42"))
        .hasMessage("toolguard-jdbc: saving conversation 'user-42' (table missing_conversation) failed: table"
            + " missing_conversation does not exist (SQLState 42P01: ERROR: relation \"missing_conversation\" does"
            + " not exist): run the migration db/migration/toolguard/postgresql/V2__toolguard_conversation.sql (or set"
            + " createTable). The conversation was not saved and its stored version is as it was: fix the database"
            + " and run the request again (calls already settled are in the call journal and do not run twice).");
    assertThat(store.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
  }

  /** The result of a run, or the conflict its save ran into. */
  static Object runOrConflict(Conversations conversations, String key, Message answer) {
    try {
      return conversations.run(key, answer);
    } catch (ConversationConflictException e) {
      return e;
    }
  }

  @Test
  void anApprovalSentToTwoInstancesAtOnceRunsThePaymentOnceAndExactlyOneSaveWins() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    Conversations one = Conversations.of(instance(instanceJournal(held), held),
        JdbcConversationStore.builder(ds, HistoryJson.codec()).createTable(true).build());
    Conversations two = Conversations.of(instance(instanceJournal(held), held),
        JdbcConversationStore.of(ds, HistoryJson.codec()));

    LoopResult asked = one.run("conv-1", Message.user("pay the invoice"));
    assertThat(asked.status()).isEqualTo(LoopResult.Status.AWAITING);
    assertThat(two.load("conv-1")).as("the other instance sees the waiting call")
        .isEqualTo(new Snapshot(asked.history(), 1));
    Message answer = Message.of(Role.USER, ApprovalResponse.approve(asked.pending().get(0)));

    List<Object> outcomes = CallJournalContract.race2(() -> runOrConflict(one, "conv-1", answer),
        () -> runOrConflict(two, "conv-1", answer));

    assertThat(count("SELECT count(*) FROM payments")).as("the payment ran once").isEqualTo(1);
    assertThat(held.getCount()).as("one instance found the call held by the other").isZero();
    List<LoopResult> saved = outcomes.stream().filter(o -> o instanceof LoopResult).map(o -> (LoopResult) o)
        .toList();
    assertThat(saved).as("exactly one save won").hasSize(1);
    assertThat(outcomes).filteredOn(o -> o instanceof ConversationConflictException).singleElement()
        .satisfies(o -> assertThat((ConversationConflictException) o).hasMessage(
            ConversationStoreContract.conflict("conv-1", 1, 2)));
    LoopResult winner = saved.get(0);
    assertThat(winner.status()).isEqualTo(LoopResult.Status.COMPLETED);

    Snapshot stored = two.load("conv-1");
    assertThat(stored).isEqualTo(new Snapshot(winner.history(), 2));
    assertThat(HistoryGuard.ofDefaults().check(stored.messages())).isEmpty();
    List<ToolResult> results = stored.messages().stream().flatMap(m -> m.toolResults().stream())
        .filter(r -> r.callId().equals("call_0")).toList();
    assertThat(results).as("results of call_0 in the stored history").hasSize(1);
    ToolResult paid = results.get(0);
    assertThat(paid.output()).isEqualTo("{\"payment\":" + count("SELECT min(id) FROM payments") + "}");
    assertThat(stored.messages().get(stored.messages().size() - 1).text()).isEqualTo("done: " + paid.output());
    assertThat(count("SELECT count(*) FROM toolguard_call_journal WHERE state = 'DONE' AND call_id = 'call_0'"))
        .isEqualTo(1);
  }

  @Test
  void aCorruptedStoredConversationIsATypedErrorAndNothingRuns() throws Exception {
    CountDownLatch none = new CountDownLatch(0);
    Conversations conversations = Conversations.of(instance(JdbcCallJournal.builder(ds).createTable(true).build(),
        none), JdbcConversationStore.builder(ds, HistoryJson.codec()).createTable(true).build());
    LoopResult asked = conversations.run("conv-2", Message.user("pay the invoice"));
    sql("UPDATE toolguard_conversation SET history = '{\"format\":\"toolguard-history\",\"version\":1,"
        + "\"messages\":[{\"role\":\"wizard\",\"contents\":[]}]}' WHERE conversation_key = 'conv-2'");

    Message answer = Message.of(Role.USER, ApprovalResponse.approve(asked.pending().get(0)));
    assertThatThrownBy(() -> conversations.run("conv-2", answer))
        .isInstanceOfSatisfying(StoredHistoryException.class, e -> assertThat(e.conversation()).isEqualTo("conv-2"))
        .hasMessage("toolguard-jdbc: loading conversation 'conv-2' (table toolguard_conversation) failed: its stored"
            + " history (version 1) is not one the codec HistoryJson.codec() can read (WireFormatException: role is"
            + " 'wizard'; use system, user, assistant or tool (at messages[0].role)). Nothing was changed: the row was"
            + " written by another codec or changed by something other than this store; restore it from a backup, or"
            + " delete the row to start the conversation anew.");
    assertThat(count("SELECT count(*) FROM payments")).isZero();
    assertThat(count("SELECT version FROM toolguard_conversation WHERE conversation_key = 'conv-2'")).isEqualTo(1);
  }
}
