package dev.toolguard.jdbc;

import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.json.HistoryJson;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on {@link JdbcConversationStore} over an embedded PostgreSQL. */
class PostgresConversationStoreContractTest extends ConversationStoreContract {

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
  ConversationStore emptyStore() throws Exception {
    JdbcConversationStore store = JdbcConversationStore.builder(pg.getPostgresDatabase(), HistoryJson.codec())
        .createTable(true).build();
    store.load("any"); // creates the table on first use
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM toolguard_conversation");
    }
    return store;
  }
}
