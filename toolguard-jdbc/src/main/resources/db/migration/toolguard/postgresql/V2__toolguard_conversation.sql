-- toolguard-jdbc: the conversations (PostgreSQL). One row per conversation: its whole history as the
-- codec's text and its version, which every save names and raises by one. updated_at is epoch
-- milliseconds of the last save. JdbcConversationStore.builder(dataSource, codec).createTable(true) runs this file too.
CREATE TABLE IF NOT EXISTS toolguard_conversation (
  conversation_key VARCHAR(255) NOT NULL,
  version          BIGINT       NOT NULL,
  history          TEXT         NOT NULL,
  updated_at       BIGINT       NOT NULL,
  PRIMARY KEY (conversation_key)
);
