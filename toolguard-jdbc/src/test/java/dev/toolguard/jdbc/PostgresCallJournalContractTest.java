package dev.toolguard.jdbc;

import dev.toolguard.core.loop.CallJournal;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on {@link JdbcCallJournal} over a real PostgreSQL (embedded binaries, loopback). */
class PostgresCallJournalContractTest extends CallJournalContract {

  static EmbeddedPostgres pg;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @Override
  CallJournal emptyJournal() throws Exception {
    JdbcCallJournal journal = JdbcCallJournal.builder(pg.getPostgresDatabase()).createTable(true).build();
    journal.prune(java.time.Instant.MAX);
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM toolguard_call_journal");
    }
    return journal;
  }
}
