-- toolguard-jdbc: the conversations (MySQL 5.7+, MariaDB 10.3+). One row per conversation: its whole
-- history as the codec's text and its version, which every save names and raises by one. updated_at is
-- epoch milliseconds of the last save. JdbcConversationStore.builder(dataSource, codec).createTable(true)
-- runs this file too. The key compares byte for byte (utf8mb4_bin): keys that differ in case are two
-- conversations.
CREATE TABLE IF NOT EXISTS toolguard_conversation (
  conversation_key VARCHAR(255) NOT NULL,
  version          BIGINT       NOT NULL,
  history          LONGTEXT     NOT NULL,
  updated_at       BIGINT       NOT NULL,
  PRIMARY KEY (conversation_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
