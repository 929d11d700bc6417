package dev.toolguard.examples.springai.app;

import java.util.List;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A chat memory repository on a JDBC table, one row per message with the whole message as JSON
 * ({@link MessageJson}: text, metadata, tool calls, tool responses). Spring AI's own {@code
 * JdbcChatMemoryRepository} (2.0.x) keeps the text of each message only: it drops tool messages and
 * the calls of assistant messages, and with them the metadata in which toolguard keeps a call that
 * waits for approval. A conversation is replaced as a whole, in one transaction, as Spring AI's
 * repositories do. The table is {@code TOOLGUARD_CHAT_MEMORY} ({@code schema.sql}).
 */
public final class JdbcChatMemoryStore implements ChatMemoryRepository {

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  /** A store on {@code jdbc}, writing each conversation in one transaction of {@code transactions}. */
  public JdbcChatMemoryStore(JdbcClient jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  @Override
  public List<String> findConversationIds() {
    return jdbc.sql("SELECT DISTINCT conversation_id FROM TOOLGUARD_CHAT_MEMORY ORDER BY conversation_id")
        .query(String.class).list();
  }

  @Override
  public List<Message> findByConversationId(String conversationId) {
    return jdbc.sql("SELECT message FROM TOOLGUARD_CHAT_MEMORY WHERE conversation_id = ? ORDER BY seq")
        .param(conversationId)
        .query((rs, row) -> MessageJson.read(rs.getString(1)))
        .list();
  }

  @Override
  public void saveAll(String conversationId, List<Message> messages) {
    transactions.executeWithoutResult(status -> {
      deleteByConversationId(conversationId);
      int seq = 0;
      for (Message m : messages) {
        jdbc.sql("INSERT INTO TOOLGUARD_CHAT_MEMORY (conversation_id, seq, message) VALUES (?, ?, ?)")
            .params(conversationId, seq++, MessageJson.write(m))
            .update();
      }
    });
  }

  @Override
  public void deleteByConversationId(String conversationId) {
    jdbc.sql("DELETE FROM TOOLGUARD_CHAT_MEMORY WHERE conversation_id = ?").param(conversationId).update();
  }
}
