package dev.toolguard.examples.springai;

import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.springai.ToolGuardChatMemoryRepository;
import java.nio.file.Path;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.ai.chat.messages.Message;

/**
 * Where the tour keeps conversations: toolguard's shipped {@link ToolGuardChatMemoryRepository} (whole
 * messages, versioned saves) on {@link JdbcConversationStore}, in an H2 database file in a directory — a
 * new data source per call, as a new process has, so the file can be copied (a stale copy) or opened by
 * another JVM once this one is done with it.
 */
final class TourMemory {

  private TourMemory() {}

  /** The repository of the H2 database in {@code dir} (created on first use). */
  static ToolGuardChatMemoryRepository repository(Path dir) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("conversations").toAbsolutePath());
    return ToolGuardChatMemoryRepository.of(JdbcConversationStore.builder(ds, HistoryJson.codec())
        .createTable(true).build());
  }

  /** {@code messages} saved in a repository (in memory) and read back, as an application stores a history. */
  static List<Message> stored(List<Message> messages) {
    ToolGuardChatMemoryRepository repository = ToolGuardChatMemoryRepository.of(ConversationStore.inMemory());
    repository.saveAll("stored", messages);
    return repository.findByConversationId("stored");
  }
}
