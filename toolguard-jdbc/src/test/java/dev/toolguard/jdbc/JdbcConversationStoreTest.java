package dev.toolguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.conversation.ConversationStore.Snapshot;
import dev.toolguard.core.conversation.HistoryCodec;
import dev.toolguard.jdbc.internal.Ddl;
import dev.toolguard.json.HistoryJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The builder, the table and the failures of {@link JdbcConversationStore}, on H2 in memory. */
class JdbcConversationStoreTest {

  static final HistoryCodec CODEC = HistoryJson.codec();
  static final List<Message> HISTORY = List.of(Message.user("pay the invoice"), Message.assistant("paid"));

  static void sql(DataSource ds, String statement) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void theBuilderChecksEachSettingAtOnceAndNamesIt() {
    JdbcDataSource ds = H2CallJournalContractTest.h2("store-builder");
    assertThatThrownBy(() -> JdbcConversationStore.of(null, CODEC)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null: the store keeps its table in it");
    assertThatThrownBy(() -> JdbcConversationStore.of(ds, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("codec must not be null: it turns histories into the text the table keeps; pass"
            + " HistoryJson.codec() from toolguard-json");
    assertThatThrownBy(() -> JdbcConversationStore.builder(ds, CODEC).tableName("tool-guard"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tableName must be [schema.]name, each part matching [A-Za-z_][A-Za-z0-9_]{0,62}, was"
            + " 'tool-guard'");
    assertThatThrownBy(() -> JdbcConversationStore.builder(ds, CODEC).tableName(null))
        .hasMessage("tableName must be [schema.]name, each part matching [A-Za-z_][A-Za-z0-9_]{0,62}, was null");
    assertThatThrownBy(() -> JdbcConversationStore.builder(ds, CODEC).dialect(null))
        .hasMessage("dialect must not be null; leave it unset to detect it from the database");
    assertThatThrownBy(() -> JdbcConversationStore.builder(ds, CODEC).clock(null))
        .hasMessage("clock must not be null; leave it unset for Clock.systemUTC()");
    assertThat(JdbcConversationStore.builder(ds, CODEC).tableName("app.Chats_2").build().tableName())
        .isEqualTo("app.Chats_2");
  }

  @Test
  void theDialectIsDetectedOnFirstUseAndBuildTouchesNoDatabase() {
    DownDataSource down = new DownDataSource();
    JdbcConversationStore store = JdbcConversationStore.builder(down, CODEC).createTable(true).build();
    assertThat(down.attempts).hasValue(0);
    assertThat(store.dialect()).isNull();
    assertThat(store).hasToString("JdbcConversationStore[table=toolguard_conversation, dialect=detected on first"
        + " use, createTable=true, codec=HistoryJson.codec()]");

    JdbcConversationStore h2 = JdbcConversationStore.builder(H2CallJournalContractTest.h2("store-detect"), CODEC)
        .createTable(true).build();
    assertThat(h2.load("k")).isEqualTo(Snapshot.empty());
    assertThat(h2.dialect()).isEqualTo(SqlDialect.H2);
  }

  @Test
  void aSaveWritesTheCodecsTextItsVersionAndTheClocksTime() throws Exception {
    JdbcDataSource ds = H2CallJournalContractTest.h2("store-row");
    Instant t = Instant.parse("2030-01-01T10:00:00.123456Z");
    JdbcConversationStore store = JdbcConversationStore.builder(ds, CODEC).createTable(true)
        .clock(Clock.fixed(t, ZoneOffset.UTC)).build();
    store.save("user-42", 0, HISTORY);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT conversation_key, version, history, updated_at FROM"
            + " toolguard_conversation")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("user-42");
      assertThat(rs.getLong(2)).isEqualTo(1);
      assertThat(rs.getString(3)).isEqualTo(HistoryJson.write(HISTORY));
      assertThat(rs.getLong(4)).isEqualTo(t.toEpochMilli());
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aMissingTableIsNamedWithTheConversationMigration() {
    JdbcConversationStore store = JdbcConversationStore.of(H2CallJournalContractTest.h2("store-missing"), CODEC);
    assertThatThrownBy(() -> store.load("user-42"))
        .isInstanceOfSatisfying(ConversationStoreException.class, e -> assertThat(e.conversation()).isEqualTo("user-42"))
        .hasMessage("toolguard-jdbc: loading conversation 'user-42' (table toolguard_conversation) failed: table"
            + " toolguard_conversation does not exist (SQLState 42S04: Table \"TOOLGUARD_CONVERSATION\" not found"
            + " (this database is empty)): run the migration db/migration/toolguard/h2/V2__toolguard_conversation.sql"
            + " (or set createTable). Nothing was changed: fix the database and load it again.");
    assertThatThrownBy(() -> store.save("user-42", 0, HISTORY))
        .isInstanceOf(ConversationStoreException.class)
        .hasMessage("toolguard-jdbc: saving conversation 'user-42' (table toolguard_conversation) failed: table"
            + " toolguard_conversation does not exist (SQLState 42S04: Table \"TOOLGUARD_CONVERSATION\" not found"
            + " (this database is empty)): run the migration db/migration/toolguard/h2/V2__toolguard_conversation.sql"
            + " (or set createTable). The conversation was not saved and its stored version is as it was: fix the"
            + " database and run the request again (calls already settled are in the call journal and do not run"
            + " twice).");
  }

  @Test
  void aDatabaseThatIsDownIsNamedWithTheConversation() {
    JdbcConversationStore store = JdbcConversationStore.of(new DownDataSource(), CODEC);
    assertThatThrownBy(() -> store.save("user-42", 3, HISTORY))
        .isInstanceOfSatisfying(ConversationStoreException.class, e -> assertThat(e.conversation()).isEqualTo("user-42"))
        .hasMessage("toolguard-jdbc: saving conversation 'user-42' (table toolguard_conversation) failed: the"
            + " DataSource gave no connection (SQLState 08001: Connection to localhost:5432 refused. Check that the"
            + " hostname and port are correct and that the postmaster is accepting TCP/IP connections.): the database"
            + " is down or unreachable. The conversation was not saved and its stored version is as it was: fix the"
            + " database and run the request again (calls already settled are in the call journal and do not run"
            + " twice).");
    assertThatThrownBy(() -> store.load("user-42")).isInstanceOf(ConversationStoreException.class)
        .hasMessageEndingWith("the database is down or unreachable. Nothing was changed: fix the database and load it"
            + " again.");
  }

  @Test
  void aKeyTheColumnCannotHoldIsRefusedBeforeTheDatabaseIsAsked() {
    DownDataSource down = new DownDataSource();
    JdbcConversationStore store = JdbcConversationStore.of(down, CODEC);
    String longKey = "k".repeat(256);
    assertThatThrownBy(() -> store.save(longKey, 0, HISTORY))
        .isInstanceOfSatisfying(ConversationStoreException.class, e -> assertThat(e.conversation()).isEqualTo(longKey))
        .hasMessage("toolguard-jdbc: saving conversation '" + "k".repeat(64) + "…' (table toolguard_conversation)"
            + " failed: the key is 256 characters long; the table keeps keys of 1 to 255 characters (column"
            + " conversation_key). Nothing was written: use a shorter key, for example a digest of this one.");
    assertThatThrownBy(() -> store.load(""))
        .hasMessage("toolguard-jdbc: loading conversation '' (table toolguard_conversation) failed: the key is empty;"
            + " the table keeps keys of 1 to 255 characters (column conversation_key). Nothing was read: use a"
            + " shorter key, for example a digest of this one.");
    assertThatThrownBy(() -> store.load(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be null: pass the id that names the conversation");
    assertThatThrownBy(() -> store.save("user-42", 0, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages must not be null; pass List.of() for an empty conversation");
    assertThat(down.attempts).hasValue(0);

    JdbcConversationStore h2 = JdbcConversationStore.builder(H2CallJournalContractTest.h2("store-keys"), CODEC)
        .createTable(true).build();
    String longest = "€".repeat(255);
    assertThat(h2.save(longest, 0, HISTORY)).isEqualTo(1);
    assertThat(h2.load(longest)).isEqualTo(new Snapshot(HISTORY, 1));
  }

  @Test
  void aStoredHistoryTheCodecCannotReadIsATypedErrorNamingTheConversationAndTable() throws Exception {
    JdbcDataSource ds = H2CallJournalContractTest.h2("store-corrupt");
    JdbcConversationStore store = JdbcConversationStore.builder(ds, CODEC).createTable(true).build();
    store.save("user-42", 0, HISTORY);
    store.save("user-42", 1, HISTORY);
    sql(ds, "UPDATE toolguard_conversation SET history = '{\"format\":\"toolguard-history\",\"version\":1,"
        + "\"messages\":[{\"role\":\"wizard\"' WHERE conversation_key = 'user-42'");
    assertThatThrownBy(() -> store.load("user-42"))
        .isInstanceOfSatisfying(StoredHistoryException.class, e -> {
          assertThat(e.conversation()).isEqualTo("user-42");
          assertThat(e.getCause()).isInstanceOf(dev.toolguard.json.WireFormatException.class);
        })
        .hasMessage("toolguard-jdbc: loading conversation 'user-42' (table toolguard_conversation) failed: its"
            + " stored history (version 2) is not one the codec HistoryJson.codec() can read (WireFormatException: not"
            + " JSON: Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 55)"
            + " (at line 1, column 71)). Nothing was changed: the row was written by another codec or changed by something other than"
            + " this store; restore it from a backup, or delete the row to start the conversation anew.");
    // the row is as it was: a save of the version it holds replaces the broken history
    assertThat(store.save("user-42", 2, HISTORY)).isEqualTo(3);
    assertThat(store.load("user-42")).isEqualTo(new Snapshot(HISTORY, 3));
  }

  @Test
  void aHistoryTheCodecCannotWriteIsATypedErrorAndNothingIsWritten() {
    JdbcDataSource ds = H2CallJournalContractTest.h2("store-unwritable");
    JdbcConversationStore store = JdbcConversationStore.builder(ds, CODEC).createTable(true).build();
    store.save("user-42", 0, HISTORY);
    List<Message> unwritable = List.of(new Message(Role.USER, List.of(Text.of("hi")),
        Map.of("at", Instant.parse("2030-01-01T00:00:00Z"))));
    assertThatThrownBy(() -> store.save("user-42", 1, unwritable))
        .isInstanceOfSatisfying(StoredHistoryException.class, e -> assertThat(e.conversation()).isEqualTo("user-42"))
        .hasMessage("toolguard-jdbc: saving conversation 'user-42' (table toolguard_conversation) failed: the codec"
            + " HistoryJson.codec() cannot write the history (WireFormatException: the value is a java.time.Instant,"
            + " which history JSON cannot hold; store a String, Boolean, Integer, Long, Short, Byte, Double, Float,"
            + " BigInteger, BigDecimal, Jackson JsonNode, or a List or Map of those (at messages[0].metadata.at))."
            + " Nothing was written: give the history only values the codec can write.");
    assertThat(store.load("user-42")).isEqualTo(new Snapshot(HISTORY, 1));
  }

  @Test
  void connectionsWithoutAutoCommitGetEachSaveCommittedAndAFailedFirstSaveRolledBack() throws Exception {
    JdbcDataSource manual = new JdbcDataSource();
    manual.setURL("jdbc:h2:mem:store-manual;DB_CLOSE_DELAY=-1;AUTOCOMMIT=OFF");
    JdbcConversationStore store = JdbcConversationStore.builder(manual, CODEC).createTable(true).build();
    JdbcConversationStore other = JdbcConversationStore.of(H2CallJournalContractTest.h2("store-manual"), CODEC);
    assertThat(store.save("user-42", 0, HISTORY)).isEqualTo(1);
    assertThat(other.load("user-42")).as("seen by another session").isEqualTo(new Snapshot(HISTORY, 1));
    assertThatThrownBy(() -> store.save("user-42", 0, List.of()))
        .hasMessage(ConversationStoreContract.conflict("user-42", 0, 1));
    assertThat(store.save("user-42", 1, List.of())).isEqualTo(2);
    assertThat(other.load("user-42")).isEqualTo(new Snapshot(List.of(), 2));
  }

  @Test
  void aSchemaQualifiedTableIsCreatedInItsSchema() throws Exception {
    JdbcDataSource ds = H2CallJournalContractTest.h2("store-schema");
    sql(ds, "CREATE SCHEMA app");
    JdbcConversationStore store = JdbcConversationStore.builder(ds, CODEC).tableName("app.chats").createTable(true)
        .build();
    assertThat(store.save("user-42", 0, HISTORY)).isEqualTo(1);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT version FROM app.chats WHERE conversation_key = ?")) {
      ps.setString(1, "user-42");
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
    }
    // a second store on the same table: CREATE … IF NOT EXISTS
    assertThat(JdbcConversationStore.builder(ds, CODEC).tableName("app.chats").createTable(true).build()
        .load("user-42")).isEqualTo(new Snapshot(HISTORY, 1));
  }

  @Test
  void createTableRunsTheShippedMigrationForTheConfiguredName() throws Exception {
    for (SqlDialect d : SqlDialect.values()) {
      String text;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(d.conversationMigration())) {
        assertThat(in).as(d.conversationMigration()).isNotNull();
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(text).contains("CREATE TABLE IF NOT EXISTS toolguard_conversation (")
          .contains("conversation_key VARCHAR(255) NOT NULL").contains("PRIMARY KEY (conversation_key)");
      assertThat(Ddl.conversationStatements(d, "toolguard_conversation"))
          .hasSize(1).allSatisfy(statement -> assertThat(text).contains(statement));
      assertThat(String.join("\n", Ddl.conversationStatements(d, "s.chats"))).doesNotContain("toolguard_conversation")
          .contains("s.chats (");
    }
    assertThat(SqlDialect.POSTGRESQL.conversationMigration())
        .isEqualTo("db/migration/toolguard/postgresql/V2__toolguard_conversation.sql");
  }

  @Test
  void theMySqlDialectRunsItsMigrationAndStatementsOnH2InMySqlMode() {
    // not MySQL itself (no MySQL in the build): a check that the MySQL DDL and statements parse and work
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:store-mysqlmode;MODE=MySQL;DB_CLOSE_DELAY=-1");
    JdbcConversationStore store = JdbcConversationStore.builder(ds, CODEC).dialect(SqlDialect.MYSQL)
        .createTable(true).build();
    assertThat(store.save("user-42", 0, HISTORY)).isEqualTo(1);
    assertThatThrownBy(() -> store.save("user-42", 0, HISTORY))
        .hasMessage(ConversationStoreContract.conflict("user-42", 0, 1));
    assertThat(store.save("user-42", 1, List.of())).isEqualTo(2);
    assertThat(store.load("user-42")).isEqualTo(new Snapshot(List.of(), 2));
  }
}
