package dev.toolguard.jdbc;

import static dev.toolguard.jdbc.CallJournalContract.LEASE;
import static dev.toolguard.jdbc.CallJournalContract.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournalException;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.jdbc.internal.Ddl;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The builder, the table and the failures of {@link JdbcCallJournal}, on H2 in memory. */
class JdbcCallJournalTest {

  static final CallKey K = CallJournalContract.key("Zx3digest", "call_7", "n-1");

  @Test
  void theBuilderChecksEachSettingAtOnceAndNamesIt() {
    assertThatThrownBy(() -> JdbcCallJournal.of(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null: the journal keeps its table in it");
    JdbcDataSource ds = H2CallJournalContractTest.h2("builder");
    for (String bad : new String[] {"", "1journal", "tool-guard", "a.b.c", "x".repeat(64), "s.", ".t", "t;drop",
        "\"quoted\""}) {
      assertThatThrownBy(() -> JdbcCallJournal.builder(ds).tableName(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("tableName must be [schema.]name, each part matching [A-Za-z_][A-Za-z0-9_]{0,62}, was '"
              + bad + "'");
    }
    assertThatThrownBy(() -> JdbcCallJournal.builder(ds).tableName(null))
        .hasMessage("tableName must be [schema.]name, each part matching [A-Za-z_][A-Za-z0-9_]{0,62}, was null");
    assertThatThrownBy(() -> JdbcCallJournal.builder(ds).dialect(null))
        .hasMessage("dialect must not be null; leave it unset to detect it from the database");
    assertThat(JdbcCallJournal.builder(ds).tableName("x".repeat(63)).build().tableName()).hasSize(63);
    assertThat(JdbcCallJournal.builder(ds).tableName("_app.Journal_2").build().tableName()).isEqualTo("_app.Journal_2");
  }

  @Test
  void theDialectIsDetectedOnFirstUseAndBuildTouchesNoDatabase() {
    DownDataSource down = new DownDataSource();
    JdbcCallJournal journal = JdbcCallJournal.builder(down).createTable(true).build();
    assertThat(down.attempts).hasValue(0);
    assertThat(journal.dialect()).isNull();
    assertThat(journal).hasToString(
        "JdbcCallJournal[table=toolguard_call_journal, dialect=detected on first use, createTable=true]");

    JdbcCallJournal h2 = JdbcCallJournal.builder(H2CallJournalContractTest.h2("detect")).createTable(true).build();
    assertThat(h2.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(h2.dialect()).isEqualTo(SqlDialect.H2);
  }

  @Test
  void aMissingTableIsNamedWithTheMigrationToRun() {
    JdbcCallJournal journal = JdbcCallJournal.of(H2CallJournalContractTest.h2("missing"));
    assertThatThrownBy(() -> journal.claim(K, "h1", T0, LEASE))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_7"))
        .hasMessage("toolguard-jdbc: claiming call call_7 of tool 'pay' in conversation Zx3digest (table"
            + " toolguard_call_journal) failed: table toolguard_call_journal does not exist (SQLState 42S04: Table"
            + " \"TOOLGUARD_CALL_JOURNAL\" not found (this database is empty)): run the migration"
            + " db/migration/toolguard/h2/V1__toolguard_call_journal.sql (or set createTable). Nothing was written"
            + " for this call and it did not run: fix the database and resume again.");
  }

  @Test
  void aDatabaseThatIsDownIsNamedWithTheCallAndNothingRan() {
    JdbcCallJournal journal = JdbcCallJournal.of(new DownDataSource());
    assertThatThrownBy(() -> journal.claim(K, "h1", T0, LEASE))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEqualTo("call_7"))
        .hasMessage("toolguard-jdbc: claiming call call_7 of tool 'pay' in conversation Zx3digest (table"
            + " toolguard_call_journal) failed: the DataSource gave no connection (SQLState 08001: Connection to"
            + " localhost:5432 refused. Check that the hostname and port are correct and that the postmaster is"
            + " accepting TCP/IP connections.): the database is down or unreachable. Nothing was written for this"
            + " call and it did not run: fix the database and resume again.");
    assertThatThrownBy(() -> journal.takeOver(K, "h1", "h2", T0, LEASE)).hasMessageStartingWith(
        "toolguard-jdbc: taking over call call_7 of tool 'pay' in conversation Zx3digest (table toolguard_call_journal)"
            + " failed: the DataSource gave no connection").hasMessageEndingWith(
        "The claim was not taken over and the call did not run: fix the database and resume again.");
    assertThatThrownBy(() -> journal.complete(K, "h1", ToolResult.of("call_7", "pay", "ok"), T0))
        .hasMessageEndingWith("The result was not recorded; it stands in the history only, and a stale copy of the"
            + " history resumed after the lease ends gets 'outcome unknown'.");
    assertThatThrownBy(() -> journal.release(K, "h1"))
        .hasMessageEndingWith("The claim stays until its lease ends; then another run takes it over.");
    assertThatThrownBy(() -> journal.prune(T0))
        .isInstanceOfSatisfying(CallJournalException.class, e -> assertThat(e.callId()).isEmpty())
        .hasMessageStartingWith("toolguard-jdbc: pruning table toolguard_call_journal failed: the DataSource gave no"
            + " connection")
        .hasMessageEndingWith("Nothing was removed: prune again once the database is back.");
  }

  @Test
  void aHolderTooLongForItsColumnIsRefusedBeforeAnythingIsWritten() {
    JdbcCallJournal journal = JdbcCallJournal.of(new DownDataSource());
    assertThatThrownBy(() -> journal.claim(K, "h".repeat(65), T0, LEASE))
        .hasMessage("toolguard-jdbc: claiming call call_7 of tool 'pay' in conversation Zx3digest (table"
            + " toolguard_call_journal) failed: the holder is 65 characters long; the journal keeps holders of 1 to"
            + " 64 characters. Nothing was written.");
  }

  @Test
  void aFailedCompleteLeavesTheClaimAsItWas() throws Exception {
    JdbcDataSource ds = H2CallJournalContractTest.h2("atomic");
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).createTable(true).build();
    journal.claim(K, "h1", T0, LEASE);
    // a result name longer than its column: the one UPDATE fails as a whole
    ToolResult tooLong = ToolResult.of("call_7", "n".repeat(300), "paid");
    assertThatThrownBy(() -> journal.complete(K, "h1", tooLong, T0)).isInstanceOf(CallJournalException.class)
        .hasMessageStartingWith("toolguard-jdbc: recording the result of call call_7 of tool 'pay' in conversation"
            + " Zx3digest (table toolguard_call_journal) failed: SQLState 22001");
    assertThat(journal.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, result_output, completed_at FROM toolguard_call_journal")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("CLAIMED");
      assertThat(rs.getString(2)).isNull();
      assertThat(rs.getObject(3)).isNull();
      assertThat(rs.next()).isFalse();
    }
    assertThat(journal.complete(K, "h1", ToolResult.of("call_7", "pay", "paid"), T0)).isTrue();
  }

  @Test
  void connectionsWithoutAutoCommitGetEachStepCommitted() throws Exception {
    JdbcDataSource manual = new JdbcDataSource();
    manual.setURL("jdbc:h2:mem:manual;DB_CLOSE_DELAY=-1;AUTOCOMMIT=OFF");
    try (Connection c = manual.getConnection()) {
      assertThat(c.getAutoCommit()).isFalse();
    }
    JdbcCallJournal journal = JdbcCallJournal.builder(manual).createTable(true).build();
    JdbcCallJournal other = JdbcCallJournal.of(H2CallJournalContractTest.h2("manual"));
    assertThat(journal.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(other.claim(K, "h2", T0, LEASE)).as("seen by another session").isInstanceOf(Claim.Held.class);
    ToolResult ok = ToolResult.of("call_7", "pay", "ok");
    assertThat(journal.complete(K, "h1", ok, T0)).isTrue();
    assertThat(other.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Done(ok));
    // a duplicate claim in a transaction of its own: the failed INSERT is rolled back, the answer read
    assertThat(journal.claim(K, "h3", T0, LEASE)).isEqualTo(new Claim.Done(ok));
    assertThat(other.prune(T0.plusSeconds(1))).isEqualTo(1);
    assertThat(journal.claim(K, "h3", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void aTableThatCannotBeCreatedIsNamedWithTheMigration() {
    JdbcCallJournal journal = JdbcCallJournal.builder(H2CallJournalContractTest.h2("noschema"))
        .tableName("nowhere.journal").createTable(true).build();
    assertThatThrownBy(() -> journal.claim(K, "h1", T0, LEASE)).isInstanceOf(CallJournalException.class)
        .hasMessage("toolguard-jdbc: claiming call call_7 of tool 'pay' in conversation Zx3digest (table"
            + " nowhere.journal) failed: creating the table with db/migration/toolguard/h2/V1__toolguard_call_journal.sql"
            + " (createTable is on) failed (SQLState 90079: Schema \"NOWHERE\" not found). Nothing was written for"
            + " this call and it did not run: fix the database and resume again.");
  }

  @Test
  void aSchemaQualifiedTableIsCreatedInItsSchemaWithItsIndex() throws Exception {
    JdbcDataSource ds = H2CallJournalContractTest.h2("schema");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA app");
    }
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).tableName("app.journal").createTable(true).build();
    assertThat(journal.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.complete(K, "h1", ToolResult.of("call_7", "pay", "ok"), T0)).isTrue();
    assertThat(journal.prune(T0.plusSeconds(1))).isEqualTo(1);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT index_name FROM information_schema.indexes WHERE table_schema = 'APP'"
            + " AND table_name = 'JOURNAL' AND index_name = 'JOURNAL_COMPLETED_IDX'")) {
      assertThat(rs.next()).as("the index on completed_at").isTrue();
    }
    // a second journal on the same table: CREATE … IF NOT EXISTS
    assertThat(JdbcCallJournal.builder(ds).tableName("app.journal").createTable(true).build().prune(Instant.MAX))
        .isZero();
  }

  @Test
  void createTableRunsTheShippedMigrationForTheConfiguredName() throws Exception {
    for (SqlDialect d : SqlDialect.values()) {
      String text;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(d.migration())) {
        assertThat(in).as(d.migration()).isNotNull();
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(text).contains("CREATE TABLE IF NOT EXISTS toolguard_call_journal (")
          .contains("PRIMARY KEY (conversation, call_id, nonce)");
      assertThat(Ddl.statements(d, "toolguard_call_journal"))
          .allSatisfy(statement -> assertThat(text).contains(statement));
      assertThat(String.join("\n", Ddl.statements(d, "s.other"))).doesNotContain("toolguard_call_journal")
          .contains("s.other (").contains("other_completed_idx");
    }
    assertThat(SqlDialect.POSTGRESQL.migration())
        .isEqualTo("db/migration/toolguard/postgresql/V1__toolguard_call_journal.sql");
  }

  @Test
  void theMySqlDialectRunsItsMigrationAndStatementsOnH2InMySqlMode() {
    // not MySQL itself (no MySQL in the build): a check that the MySQL DDL and statements parse and work
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:mysqlmode;MODE=MySQL;DB_CLOSE_DELAY=-1");
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).dialect(SqlDialect.MYSQL).createTable(true).build();
    assertThat(journal.claim(K, "h1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(journal.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Held("h1", T0.plus(LEASE)));
    ToolResult ok = ToolResult.of("call_7", "pay", "ok");
    assertThat(journal.complete(K, "h1", ok, T0)).isTrue();
    assertThat(journal.claim(K, "h2", T0, LEASE)).isEqualTo(new Claim.Done(ok));
  }
}
