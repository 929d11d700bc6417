package dev.toolguard.jdbc;

import dev.toolguard.core.loop.CallJournal;
import java.sql.Connection;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;

/** The contract on {@link JdbcCallJournal} over H2 in memory. */
class H2CallJournalContractTest extends CallJournalContract {

  static JdbcDataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  private static final JdbcDataSource DS = h2("contract");

  @Override
  CallJournal emptyJournal() throws Exception {
    JdbcCallJournal journal = JdbcCallJournal.builder(DS).createTable(true).build();
    journal.prune(java.time.Instant.MAX); // creates the table on first use, removes nothing that matters
    try (Connection c = DS.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM toolguard_call_journal");
    }
    return journal;
  }
}
