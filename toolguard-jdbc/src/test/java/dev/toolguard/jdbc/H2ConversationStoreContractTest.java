package dev.toolguard.jdbc;

import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.json.HistoryJson;
import java.sql.Connection;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;

/** The contract on {@link JdbcConversationStore} over H2 in memory. */
class H2ConversationStoreContractTest extends ConversationStoreContract {

  private static final JdbcDataSource DS = H2CallJournalContractTest.h2("conversation-contract");

  @Override
  ConversationStore emptyStore() throws Exception {
    JdbcConversationStore store = JdbcConversationStore.builder(DS, HistoryJson.codec()).createTable(true).build();
    store.load("any"); // creates the table on first use
    try (Connection c = DS.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM toolguard_conversation");
    }
    return store;
  }
}
