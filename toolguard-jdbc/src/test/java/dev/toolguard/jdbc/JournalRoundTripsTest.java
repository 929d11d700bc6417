package dev.toolguard.jdbc;

import static dev.toolguard.jdbc.CallJournalContract.LEASE;
import static dev.toolguard.jdbc.CallJournalContract.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Each step of {@link JdbcCallJournal} is one statement on one connection (a claim that finds the entry
 * there reads it in a second one), counted on the way to a real PostgreSQL and H2: with auto-commit, as
 * pools hand out connections by default, that is one round trip to the database per step.
 */
class JournalRoundTripsTest {

  static final CallKey K = CallJournalContract.key("conv-digest-A", "call_0", "nonce-1");
  static final CallKey OTHER = CallJournalContract.key("conv-digest-A", "call_1", "nonce-1");
  static final String TABLE = "journal_round_trips";

  @Test
  void onPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
      DataSource raw = pg.getPostgresDatabase();
      try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + TABLE);
      }
      eachStepIsOneStatementOnOneConnection(raw);
    }
  }

  @Test
  void onH2() {
    JdbcDataSource raw = new JdbcDataSource();
    raw.setURL("jdbc:h2:mem:round_trips;DB_CLOSE_DELAY=-1");
    eachStepIsOneStatementOnOneConnection(raw);
  }

  private static void eachStepIsOneStatementOnOneConnection(DataSource raw) {
    CountingDataSource ds = new CountingDataSource(raw);
    JdbcCallJournal journal = JdbcCallJournal.builder(ds).tableName(TABLE).createTable(true).build();
    journal.prune(T0.minus(Duration.ofDays(1))); // the first use detects the dialect and creates the table
    ds.reset();

    assertThat(journal.claim(K, "holder-1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    assertThat(ds.connections()).isEqualTo(1);
    assertThat(ds.sent()).singleElement().asString().startsWith("INSERT INTO " + TABLE);

    ds.reset();
    assertThat(journal.complete(K, "holder-1", ToolResult.of(K.callId(), "pay", "paid"), T0.plusMillis(5))).isTrue();
    assertThat(ds.connections()).isEqualTo(1);
    assertThat(ds.sent()).singleElement().asString().startsWith("UPDATE " + TABLE);

    // the entry is there: the insert finds it, and one more statement reads it
    ds.reset();
    assertThat(journal.claim(K, "holder-2", T0.plusMillis(10), LEASE)).isInstanceOf(Claim.Done.class);
    assertThat(ds.connections()).isEqualTo(1);
    List<String> sent = ds.sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).startsWith("INSERT INTO " + TABLE);
    assertThat(sent.get(1)).startsWith("SELECT ");

    // a lease that ended is taken over in one statement; a claim is released in one
    assertThat(journal.claim(OTHER, "holder-1", T0, LEASE)).isInstanceOf(Claim.Acquired.class);
    ds.reset();
    assertThat(journal.takeOver(OTHER, "holder-1", "holder-2", T0.plus(LEASE).plusMillis(1), LEASE)).isTrue();
    assertThat(ds.connections()).isEqualTo(1);
    assertThat(ds.sent()).singleElement().asString().startsWith("UPDATE " + TABLE);
    ds.reset();
    journal.release(OTHER, "holder-2");
    assertThat(ds.connections()).isEqualTo(1);
    assertThat(ds.sent()).singleElement().asString().startsWith("DELETE FROM " + TABLE);
  }
}
